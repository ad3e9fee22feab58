#!/usr/bin/env bash
# Installs what the canary judge's R agreement test (core/src/canary/r-agreement.test.ts) and the
# judge benchmark (bench/canary) need: Debian's `r-base-core`, whose Rscript runs
# wilcox.test(..., exact = FALSE, correct = TRUE, conf.int = TRUE) as the oracle.
# Idempotent: does nothing when Rscript is on PATH, runs `apt-get update` at most once. Needs root
# (CI runs it as root); prints the command to run otherwise.
set -euo pipefail

if command -v Rscript >/dev/null 2>&1; then
  echo "r-base-core: installed ($(Rscript --version 2>&1 | head -n 1))"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "r-base-core: Rscript is missing; run this script as root (or: sudo apt-get install --no-install-recommends r-base-core)" >&2
  exit 1
fi

echo "r-base-core: installing"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends r-base-core
Rscript --version 2>&1 | head -n 1
