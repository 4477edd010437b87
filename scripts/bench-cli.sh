#!/usr/bin/env bash
# Wall-clock figures of the `vtl` binary (hyperfine, /usr/bin/time):
#  1. one cold `vtl render` of each benchmark template: time and peak RSS;
#  2. `vtl test` over the shared corpus (185 cases; snapshots accepted first), with
#     the corpus copied 1, 2, 4 and 8 times, on 1 and 2 worker threads.
#   scripts/bench-cli.sh            (needs hyperfine and /usr/bin/time; scripts/bench-peers.sh installs them)
#   RUNS=20 COPIES="1 2 4 8" scripts/bench-cli.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${CORPUS:-$root/../shared/corpus/cases}
target=${CARGO_TARGET_DIR:-$root/target}
case $target in /*) ;; *) target=$root/$target;; esac
RUNS=${RUNS:-20}; COPIES=${COPIES:-1 2 4 8}
(cd "$root" && cargo build --release --quiet --bin vtl)
vtl=$target/release/vtl
work=$(mktemp -d -t vtl-cli-XXXXXX); trap 'rm -rf "$work"' EXIT
median_ms() { python3 -c "import json,sys,statistics; r=json.load(open(sys.argv[1]))['results'][0]; print('%.2f' % (statistics.median(r['times'])*1e3))" "$1"; }

echo "### cold \`vtl render\` (median of $RUNS runs; peak RSS of 5)"; echo
echo "| template | ms | peak RSS MB |"; echo "|---|---|---|"
for t in auth putitem filter; do
  tpl=$root/benches/templates/$t.vtl; ctx=$root/benches/templates/$t.context.json
  hyperfine -N -i --warmup 3 --runs "$RUNS" --export-json "$work/cold.json" \
    "$vtl render $tpl --context $ctx" >/dev/null 2>&1
  rss=$(for i in 1 2 3 4 5; do /usr/bin/time -f %M "$vtl" render "$tpl" --context "$ctx" 2>&1 >/dev/null | tail -1; done | sort -n | sed -n 3p)
  printf '| %s | %s | %.1f |\n' "$t" "$(median_ms "$work/cold.json")" "$(echo "$rss / 1024" | bc -l)"
done
echo

[ -d "$corpus" ] || { echo "no corpus at $corpus (set CORPUS)"; exit 0; }
echo "### \`vtl test\` over the corpus (median of $RUNS runs, ms)"; echo
echo "| cases | -j 1 | -j 2 |"; echo "|---|---|---|"
for n in $COPIES; do
  dir=$work/cases-$n; mkdir -p "$dir"
  for i in $(seq "$n"); do cp -r "$corpus" "$dir/copy$i"; done
  chmod -R u+w "$dir"
  "$vtl" test "$dir" --accept >/dev/null 2>&1 || true
  cases=$(find "$dir" -name template.vtl | wc -l)
  row="| $cases"
  for j in 1 2; do
    hyperfine -N -i --warmup 2 --runs "$RUNS" --export-json "$work/t.json" "$vtl test $dir -j $j" >/dev/null 2>&1
    row="$row | $(median_ms "$work/t.json")"
  done
  echo "$row |"
done
