#!/usr/bin/env bash
# Runs `npm ci` when node_modules is missing or older than package-lock.json (a fresh clone, or changed dependencies).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
