#!/usr/bin/env bash
# Instructions per parse and per render of the benchmark templates, counted by
# callgrind: repeatable on a noisy machine where wall-clock times are not.
#   scripts/instructions.sh [BINARY]     (default: $CARGO_TARGET_DIR or target, release profile_engine)
#   N=20 TEMPLATES="auth filter" MODES="parse render" scripts/instructions.sh
# Modes: parse; render (an already-parsed template against a fresh copy of a
# context converted once, the copy not counted); copy (that copy); render-json
# (converting the context JSON in every render, as `Engine::render` does); context
# (the context JSON text read into values); call (one call of the Node addon's body).
# Each figure is ((count at N) - (count at 0)) / N.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-${CARGO_TARGET_DIR:-target}/release/examples/profile_engine}
[ -x "$bin" ] || { echo "build it first: cargo build --release --example profile_engine" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 2; }
N=${N:-20}
count() { # mode template n -> instructions
  local out; out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" "$1" \
    "benches/templates/$2.vtl" "benches/templates/$2.context.json" "$3" >/dev/null 2>&1
  grep -m1 '^summary:' "$out" | awk '{print $2}'; rm -f "$out"
}
per_op() { echo $(( ($(count "$1" "$2" "$N") - $(count "$1" "$2" 0)) / N )); }
printf '%-8s %-12s %12s\n' template mode instr/op
for t in ${TEMPLATES:-auth putitem filter}; do
  copy=""
  for mode in ${MODES:-parse render copy render-json context call}; do
    case $mode in
      render) [ -n "$copy" ] || copy=$(per_op copy "$t"); v=$(( $(per_op render "$t") - copy ));;
      copy) [ -n "$copy" ] || copy=$(per_op copy "$t"); v=$copy;;
      *) v=$(per_op "$mode" "$t");;
    esac
    printf '%-8s %-12s %12d\n' "$t" "$mode" "$v"
  done
done
