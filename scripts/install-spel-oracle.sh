#!/usr/bin/env bash
# Installs what the SpEL differential test (test/spel-oracle) needs: a JDK and Debian's Spring
# Expression (4.3) with its dependencies, Jackson (for #toJson/#readJson and the corpus data, as Orca reads
# JSON) and SnakeYAML (for #readYaml). Idempotent: installs only what is missing, runs `apt-get update`
# at most once. Needs root (CI runs it as root); prints what it would install otherwise.
set -euo pipefail

need=()
command -v javac >/dev/null 2>&1 || need+=(default-jdk-headless)
for pkg in libspring-expression-java libspring-core-java libcommons-logging-java libjackson2-databind-java libyaml-snake-java; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done

if [ ${#need[@]} -eq 0 ]; then
  echo "spel-oracle: everything is installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "spel-oracle: missing ${need[*]}; run this script as root (or: sudo apt-get install ${need[*]})" >&2
  exit 1
fi

echo "spel-oracle: installing ${need[*]}"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
