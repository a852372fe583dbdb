#!/usr/bin/env bash
# Installs code-server (VS Code in the browser, with a real Node extension host) into .vscode-test/code-server,
# a gitignored cache outside the project's dependencies. Offline-safe: the npm registry and Debian apt only.
# Idempotent: does nothing when the pinned version is already installed.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3 # VS Code 1.100.3: the last code-server whose engines accept Node 20
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="$ROOT/.vscode-test/code-server"
STAMP="$PREFIX/installed-$CODE_SERVER_VERSION"

if [[ -f "$STAMP" && -x "$PREFIX/node_modules/.bin/code-server" ]]; then
  echo "code-server $CODE_SERVER_VERSION already installed in $PREFIX"
  exit 0
fi

bash "$ROOT/scripts/install-debian-packages.sh" ripgrep libkrb5-dev pkg-config

# @vscode/ripgrep's postinstall downloads rg from GitHub; give it Debian's rg under the name it looks for.
WORK_TMP="$(mktemp -d)"
trap 'rm -rf "$WORK_TMP"' EXIT
RG_CACHE="$WORK_TMP/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE" "$WORK_TMP/rg"
cp "$(command -v rg)" "$WORK_TMP/rg/rg"
tar -czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$WORK_TMP/rg" rg

rm -rf "$PREFIX"
mkdir -p "$PREFIX"
echo '{ "name": "code-server-cache", "private": true }' > "$PREFIX/package.json"

echo "installing code-server $CODE_SERVER_VERSION into $PREFIX (takes a few minutes)"
# unsafe_perm: its postinstall refuses to run as root otherwise; yes: node-pty's postinstall runs `npx node-gyp`.
TMPDIR="$WORK_TMP" npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --prefix "$PREFIX" --foreground-scripts --no-audit --no-fund --loglevel=error \
  "code-server@$CODE_SERVER_VERSION"

# XDG_CONFIG_HOME: code-server writes a default config file there on any start, --version included.
XDG_CONFIG_HOME="$WORK_TMP/config" "$PREFIX/node_modules/.bin/code-server" --version
touch "$STAMP"
