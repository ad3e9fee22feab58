#!/usr/bin/env bash
# Installs what the canary tests (core/src/canary/prometheus, test/canary-live) and a local
# `capstan run` with `prometheus: local` need: Debian's `prometheus`, which ships `promtool`.
# Idempotent: installs only what is missing, runs `apt-get update` at most once. Needs root (CI runs
# it as root); prints the command to run otherwise. The package's service is not started (the tests
# and `capstan run` start their own Prometheus on 127.0.0.1 with a temporary storage folder).
set -euo pipefail

if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  echo "prometheus: installed ($(prometheus --version 2>&1 | head -n 1))"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "prometheus: missing; run this script as root (or: sudo apt-get install --no-install-recommends prometheus)" >&2
  exit 1
fi

echo "prometheus: installing"
apt-get update
# --no-install-recommends: the node exporter, smartmontools ... are not needed.
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus
prometheus --version 2>&1 | head -n 1
