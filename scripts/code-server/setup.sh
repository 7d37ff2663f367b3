#!/usr/bin/env bash
# Installs code-server 4.100.3 (it bundles VS Code 1.100.3 and is the last release that runs on
# Node 20) into .cache/code-server/, without internet beyond the npm registry and Debian apt.
# The integration and end-to-end suites run the extension inside it. Idempotent: a second call
# returns at once. KD_CODE_SERVER_DIR overrides the cache folder.
set -euo pipefail

VERSION=4.100.3
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${KD_CODE_SERVER_DIR:-$ROOT/.cache/code-server}
STAMP="$CACHE/.ready-$VERSION"
CS="$CACHE/node_modules/code-server"

log() { echo "[code-server setup] $*" >&2; }

# System packages: the native modules' build needs and Debian's ripgrep and Chromium. Only
# installs what dpkg says is missing, so a provisioned machine never touches apt.
packages=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep chromium python3 make g++)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  SUDO=
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ -f "$STAMP" ] && [ -f "$CS/out/node/entry.js" ]; then
  exit 0
fi

log "installing code-server $VERSION into $CACHE (a few minutes)"
mkdir -p "$CACHE"
cd "$CACHE"
# A package.json of its own keeps npm from walking up into the project's node_modules.
[ -f package.json ] || echo '{ "name": "kd-code-server-cache", "private": true }' > package.json
npm_flags=(--unsafe-perm --no-audit --no-fund --loglevel=error)

# 1. code-server itself, without its postinstall (it refuses root and downloads ripgrep).
npm install "${npm_flags[@]}" --ignore-scripts "code-server@$VERSION"

# 2. VS Code's own production dependencies, scripts off; then the native ones rebuilt here.
cd "$CS/lib/vscode"
npm install "${npm_flags[@]}" --omit=dev --ignore-scripts
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
# node-pty's own post-install step calls `npx node-gyp` and fails after pty.node is built, so the
# exit status is not trusted: loading each module is checked instead. (@parcel/watcher ships
# prebuilt binaries in its optional packages and needs no build.)
rebuild_log="$CACHE/rebuild.log"
npm rebuild "${npm_flags[@]}" kerberos node-pty @vscode/spdlog native-watchdog @parcel/watcher @vscode/deviceid > "$rebuild_log" 2>&1 || true
for module in kerberos node-pty @vscode/spdlog native-watchdog @parcel/watcher; do
  node -e "require('$module')" || { cat "$rebuild_log" >&2; log "native module $module does not load"; exit 1; }
done

# 3. What code-server's postinstall.sh does after installing.
ln -sfn node_modules node_modules.asar
(cd "$CS/lib/vscode/bin/remote-cli" && ln -sf code-linux.sh code-server)
(cd "$CS/lib/vscode/bin/helpers" && ln -sf browser-linux.sh browser.sh)
(cd "$CS/lib/vscode/extensions" && npm install "${npm_flags[@]}" --omit=dev)

# 4. The password hasher at the top level (prebuilt binaries are downloaded from GitHub otherwise).
cd "$CACHE"
npm rebuild "${npm_flags[@]}" argon2 --build-from-source

# Smoke check: the server starts far enough to print its version.
node "$CS/out/node/entry.js" --version >/dev/null
touch "$STAMP"
log "ready: $CS"
