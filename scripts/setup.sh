#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine and skips what is already there: Debian packages (as root),
# the npm dependencies, and code-server in its cache folder. `npm test` and `.ci/run` start with it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# chromium: UI tests; ripgrep, libkrb5-dev, pkg-config: code-server's install; python3-numpy, python3-pil: oracles
# that load our .npy files and decode images independently.
DEBIAN_PACKAGES=(chromium ripgrep libkrb5-dev pkg-config python3-numpy python3-pil)

timed() {
  local name="$1" started
  shift
  started=$(date +%s)
  "$@"
  echo "setup: $name took $(($(date +%s) - started)) s"
}

timed "Debian packages" bash scripts/install-debian-packages.sh "${DEBIAN_PACKAGES[@]}"
# python3-torchvision (torch 1.13, torchvision 0.14): the differential oracle of the continuous transforms; without its
# recommends (ffmpeg, Qt, OpenCV) it takes about a minute.
timed "torchvision oracle" env APT_NO_RECOMMENDS=1 bash scripts/install-debian-packages.sh python3-torchvision
timed "npm dependencies" bash scripts/ensure-node-modules.sh
timed "code-server" bash scripts/install-code-server.sh
