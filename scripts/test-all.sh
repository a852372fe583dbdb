#!/usr/bin/env bash
# `npm test`: build, unit tests, the extension suite inside a real VS Code, the packaged VSIX, and the UI tests
# against it. Prints each stage's duration and test counts, then a summary; exits non-zero if any stage fails.
# Starts by installing what is missing (scripts/setup.sh: Debian packages as root, npm dependencies, code-server).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT

names=()
results=()
durations=()
counts=()
total_passed=0
total_failed=0
total_skipped=0

# shellcheck source=scripts/test-tally.sh
source "$ROOT/scripts/test-tally.sh"

run_stage() {
  local name="$1"
  shift
  local log="$LOGS/$name.log" started status seconds tally=""
  echo
  echo "=== $name: $* ==="
  started=$(date +%s)
  "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  seconds=$(($(date +%s) - started))
  if tally="$(count_tests "$log")"; then
    read -r passed failed skipped <<<"$tally"
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    total_skipped=$((total_skipped + skipped))
    tally="$passed passed, $failed failed, $skipped skipped"
    skip_reasons "$log" | sed "s/^/$name: /" >>"$LOGS/skips"
  fi
  names+=("$name")
  results+=("$([[ $status -eq 0 ]] && echo ok || echo "FAILED (exit $status)")")
  durations+=("$seconds")
  counts+=("$tally")
  echo "=== $name: $([[ $status -eq 0 ]] && echo ok || echo FAILED) in ${seconds} s${tally:+ ($tally)} ==="
  grep "^$name: " "$LOGS/skips" 2>/dev/null | sed -E "s/^$name: /    skipped /"
  return "$status"
}

vsix_report() {
  local vsix
  vsix="$(node -p 'const p = require("./package.json"); `${p.name}-linux-x64-${p.version}.vsix`')"
  echo "VSIX: $vsix, $(du -h "$vsix" | cut -f1) ($(stat -c %s "$vsix") bytes)"
}

run_stage setup bash scripts/setup.sh
run_stage build npm run --silent build
run_stage unit npm run --silent test:unit
run_stage vscode npm run --silent test:vscode
if run_stage package npm run --silent package; then
  vsix_report | tee -a "$LOGS/summary-extra"
  run_stage ui npm run --silent test:ui
else
  echo "skipping the UI tests: they install the VSIX that failed to build"
  names+=(ui) results+=("skipped") durations+=(0) counts+=("")
fi

echo
echo "=== summary ==="
failed_stages=0
for i in "${!names[@]}"; do
  printf '  %-8s %-18s %5s s  %s\n' "${names[$i]}" "${results[$i]}" "${durations[$i]}" "${counts[$i]}"
  [[ "${results[$i]}" == ok ]] || failed_stages=$((failed_stages + 1))
done
[[ -f "$LOGS/summary-extra" ]] && sed 's/^/  /' "$LOGS/summary-extra"
echo "total: $total_passed passed, $total_failed failed, $total_skipped skipped"
[[ -s "$LOGS/skips" ]] && echo "skipped, by reason:" && sed 's/^/  /' "$LOGS/skips"
exit $((failed_stages > 0 ? 1 : 0))
