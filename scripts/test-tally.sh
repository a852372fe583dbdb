# Reads test counts and skip reasons from a stage's log; sourced by scripts/test-all.sh.

# "passed failed skipped" from the node test runner's "ℹ pass N / ℹ fail N / ℹ skipped N" lines, or from the
# "<word>: N passed, N failed[, N skipped]" closing line of the VS Code and UI runners; fails when neither is there.
count_tests() {
  local log="$1" passed failed skipped line
  line="$(grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -1)"
  if [[ -n "$line" ]]; then
    passed="$(sed -E 's/^[a-z]+: ([0-9]+) passed.*/\1/' <<<"$line")"
    failed="$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")"
    skipped="$(sed -nE 's/.* ([0-9]+) skipped.*/\1/p' <<<"$line")"
  else
    passed="$(grep -E '^ℹ pass [0-9]+' "$log" | tail -1 | awk '{print $3}')"
    failed="$(grep -E '^ℹ fail [0-9]+' "$log" | tail -1 | awk '{print $3}')"
    skipped="$(grep -E '^ℹ skipped [0-9]+' "$log" | tail -1 | awk '{print $3}')"
  fi
  [[ -n "$passed" && -n "$failed" ]] || return 1
  echo "$passed $failed ${skipped:-0}"
}

# One line per distinct reason, "N x reason", most frequent first, from the "﹣ name # reason" lines the node spec
# reporter and the UI runner print for a skipped test.
skip_reasons() {
  grep -E '^\s*﹣ .* # ' "$1" | sed -E 's/^.* # //' | LC_ALL=C sort | uniq -c | LC_ALL=C sort -rn | sed -E 's/^ *([0-9]+) /\1 x /'
}
