#!/usr/bin/env bash
# Installs what the real-editor tests need, cached under .cache/vscode-e2e/ (gitignored) and reused:
#   code-server 4.100.3 (= VS Code 1.100.3, the last release for Node 20), installed locally (never -g);
#   Debian chromium (+ ripgrep and libkrb5-dev, which code-server's install needs), only when missing;
#   playwright-core, which drives chromium without downloading a browser.
# Workarounds come from the tested recipe in shared/notes/VSCODE-E2E.md.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${CAPSTAN_VSCODE_CACHE:-$REPO/.cache/vscode-e2e}
CS_VERSION=4.100.3
PW_VERSION=1.65.1
mkdir -p "$CACHE"

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v rg >/dev/null || need_apt+=(ripgrep)
[ -e /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ ! -x "$CACHE/cs/node_modules/.bin/code-server" ] || ! command -v chromium >/dev/null; then
    echo "setup: apt-get install ${need_apt[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
  fi
fi

if [ ! -x "$CACHE/cs/node_modules/.bin/code-server" ]; then
  echo "setup: installing code-server@$CS_VERSION into $CACHE/cs (about 90 s of native builds)"
  # @vscode/ripgrep's postinstall downloads rg from GitHub; seed its download cache with Debian's rg.
  export TMPDIR="$CACHE/tmp"
  mkdir -p "$TMPDIR/vscode-ripgrep-cache-1.15.11" "$CACHE/rg" "$CACHE/cs"
  cp "$(command -v rg)" "$CACHE/rg/rg"
  tar czf "$TMPDIR/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$CACHE/rg" rg
  [ -f "$CACHE/cs/package.json" ] || echo '{"name":"cs-host","private":true}' > "$CACHE/cs/package.json"
  # npm_config_yes: node-pty's postinstall runs `npx node-gyp`; nodedir: use the deb's headers;
  # --unsafe-perm: code-server's postinstall refuses to run as root without it.
  (cd "$CACHE/cs" && npm_config_yes=true npm_config_nodedir=/usr \
    npm i --no-audit --no-fund "code-server@$CS_VERSION" --unsafe-perm > "$CACHE/cs-install.log" 2>&1) \
    || { tail -50 "$CACHE/cs-install.log"; exit 1; }
  unset TMPDIR
fi

if [ ! -d "$CACHE/tools/node_modules/playwright-core" ]; then
  echo "setup: installing playwright-core@$PW_VERSION"
  mkdir -p "$CACHE/tools"
  [ -f "$CACHE/tools/package.json" ] || echo '{"name":"vscode-e2e-tools","private":true}' > "$CACHE/tools/package.json"
  (cd "$CACHE/tools" && npm i --no-audit --no-fund "playwright-core@$PW_VERSION" > "$CACHE/tools-install.log" 2>&1) \
    || { tail -30 "$CACHE/tools-install.log"; exit 1; }
fi
echo "setup: ready (code-server $CS_VERSION in $CACHE/cs, chromium $(command -v chromium))"
