#!/usr/bin/env bash
# `npm run example`: installs the npm dependencies if needed, builds, and runs AugLens on its built-in example.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-node-modules.sh
npm run --silent build
node dist/cli.js example --out auglens-example "$@"
