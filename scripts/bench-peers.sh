#!/usr/bin/env bash
# Measures this engine beside the peers of ../shared/bench (Amplify simulator,
# velocityjs, airspeed-ext, Apache Velocity 1.7) in one run, then prints the ratios.
#
#   scripts/bench-peers.sh                    # full run (~8 min on 2 vCPUs once the peers are installed)
#   REPEAT=1 ITER_SMALL=200 ITER_FILTER=50 COLD_RUNS=5 MEM_RUNS=2 scripts/bench-peers.sh   # quick
#   ENGINES=rust-vtl,velocity-java scripts/bench-peers.sh      # a subset (amplify-sim is the
#                                                              # reference: keep it for output checks)
#   KEEP=dir scripts/bench-peers.sh           # work in (and keep) dir instead of a temp dir
#
# The shared folder is read-only, so it is copied to a work directory; its setup.sh
# installs the peers from the package registries (apt: hyperfine time velocity
# libjackson2-databind-java; npm ci; a venv with airspeed-ext) and run.sh measures.
# All knobs of run.sh (REPEAT, ITER_SMALL, ITER_FILTER, COLD_RUNS, MEM_RUNS,
# ENGINES, TEMPLATES) pass through.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_BENCH:-$root/../shared/bench}
[ -f "$shared/run.sh" ] || { echo "no harness at $shared (set SHARED_BENCH)" >&2; exit 2; }
target=${CARGO_TARGET_DIR:-$root/target}
case $target in /*) ;; *) target=$root/$target;; esac

echo "building the engine (release)..." >&2
(cd "$root" && cargo build --release --quiet --example bench_engine)
engine=$target/release/examples/bench_engine

work=${KEEP:-$(mktemp -d -t vtl-bench-XXXXXX)}
mkdir -p "$work"
# Copy the harness (without results of earlier runs, keeping installed peers if KEEP is reused).
tar -C "$shared" --exclude=./results/raw -cf - . | tar -C "$work" -xf -
chmod -R u+w "$work"
grep -q '^rust-vtl' "$work/engines.tsv" || printf 'rust-vtl\t%s\n' "$engine" >> "$work/engines.tsv"
echo "harness copy: $work" >&2

"$work/run.sh" >&2

python3 - "$work/results" <<'PY'
import glob, json, statistics, sys
results = sys.argv[1]
summary = json.load(open(f"{results}/summary.json"))
rows, machines = summary["results"], summary["machines"]
by = {(r["engine"], r["template"]): r for r in rows}
engines = sorted({r["engine"] for r in rows} - {"rust-vtl"})
templates = sorted({r["template"] for r in rows})
m0 = machines[0] if machines else {}
loads = ", ".join("%.2f" % x["loadavg_start"][0] for x in machines)
print(f"\n{m0.get('cpu', '?').strip()}, {m0.get('nproc')} vCPUs, {m0.get('date_utc')}, "
      f"1-min load at each repetition: {loads}. Medians; (ratio = peer / rust-vtl).\n")

def med(r, k):
    v = r.get(k) if r else None
    return v["median"] if v else None

def fmt(x):
    return "n/a" if x is None else f"{x:,.2f}" if x < 10 else f"{x:,.1f}" if x < 100 else f"{x:,.0f}"

for metric, title in [("parse_us", "parse, µs"), ("render_us", "render of a parsed template, µs"),
                      ("cold_ms", "cold single render (process start to exit), ms"),
                      ("rss_cold_mb", "peak RSS of that process, MB")]:
    print(f"### {title}\n")
    print("| template | rust-vtl | " + " | ".join(engines) + " |")
    print("|---|---|" + "---|" * len(engines))
    for t in templates:
        ours = med(by.get(("rust-vtl", t)), metric)
        line = [t, fmt(ours)]
        for e in engines:
            peer = med(by.get((e, t)), metric)
            ratio = f" ({peer / ours:,.0f}×)" if peer is not None and ours else ""
            line.append(fmt(peer) + ratio)
        print("| " + " | ".join(line) + " |")
    print()

# rust-vtl's extra figures (bench_engine prints them beside the protocol's).
print("### rust-vtl render variants, µs (median of the per-repetition medians)\n")
print("| template | render (copy outside, as the peers) | render + context copy | render from JSON |")
print("|---|---|---|---|")
for t in templates:
    cells = []
    for k in ("render_us", "render_with_copy_us", "render_from_json_us"):
        meds = []
        for f in sorted(glob.glob(f"{results}/raw/r*/rust-vtl.{t}.warm.json")):
            try:
                meds.append(json.loads(open(f).readline())[k]["median"])
            except (OSError, ValueError, KeyError):
                pass
        cells.append(fmt(statistics.median(meds)) if meds else "n/a")
    print(f"| {t} | " + " | ".join(cells) + " |")
print()
print("rust-vtl output vs the reference engine: "
      + ", ".join(f"{t}: {by.get(('rust-vtl', t), {}).get('check')}" for t in templates))
PY
