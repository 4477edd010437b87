#!/usr/bin/env python3
"""Render every Amplify-generated template of the shared corpus for every caller profile.

    python3 scripts/corpus-callers.py [path/to/vtl] [--corpus ../shared/corpus]

Caller profiles are the distinct (identity, authType) pairs of the corpus's amp_* cases, each
with arguments, source, result and stash filled so that every template path can run. A render
"fails" when vtl exits non-zero (a parse or engine error); `$util.error`/`unauthorized` are
ordinary outcomes. Prints each failure, then `N passed, M failed`.
"""
import argparse, concurrent.futures as cf, glob, json, os, subprocess, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def profiles(corpus, out_dir):
    seen, paths = set(), []
    for case in sorted(glob.glob(os.path.join(corpus, "cases", "amp_*", "context.json"))):
        c = json.load(open(case, encoding="utf-8"))
        key = json.dumps([c.get("identity"), c.get("authType")], sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        ctx = {
            "arguments": {"input": {"id": "id-1", "title": "T", "owner": "alice-sub::alice"},
                          "id": "id-1", "filter": {"title": {"eq": "x"}}},
            "identity": c.get("identity"),
            "source": {"id": "s1", "owner": "alice"},
            "stash": c.get("stash") or {},
            "result": {"items": [{"id": "1", "owner": "alice-sub::alice"}], "id": "1",
                       "owner": "alice-sub::alice"},
            "prev": {"result": {"items": []}},
            "request": {"headers": {}},
            "info": c.get("info"),
        }
        path = os.path.join(out_dir, f"profile{len(paths)}.json")
        json.dump(ctx, open(path, "w", encoding="utf-8"))
        paths.append((path, c.get("authType") or "API_KEY"))
    return paths


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("vtl", nargs="?", default=os.path.join(HERE, "..", "target", "release", "vtl"))
    ap.add_argument("--corpus", default=os.path.join(HERE, "..", "..", "shared", "corpus"))
    a = ap.parse_args()
    templates = sorted(glob.glob(os.path.join(a.corpus, "templates", "*", "resolvers", "*.vtl")))
    with tempfile.TemporaryDirectory() as tmp:
        callers = profiles(a.corpus, tmp)

        def run(job):
            template, (ctx, auth) = job
            p = subprocess.run([a.vtl, "render", template, "--context", ctx, "--auth-type", auth,
                                "--now", "2024-01-15T10:30:45.123Z"], capture_output=True, timeout=10)
            return job, p.returncode, p.stderr.decode("utf-8", "replace")

        jobs = [(t, c) for t in templates for c in callers]
        failed = 0
        with cf.ThreadPoolExecutor(max_workers=(os.cpu_count() or 2) * 2) as ex:
            for (template, (ctx, _)), code, err in ex.map(run, jobs):
                if code != 0:
                    failed += 1
                    print(f"FAIL {os.path.relpath(template, a.corpus)} with {os.path.basename(ctx)}: "
                          f"{err.strip().splitlines()[0] if err.strip() else code}")
    print(f"{len(templates)} templates x {len(callers)} callers")
    print(f"{len(jobs) - failed} passed, {failed} failed")


if __name__ == "__main__":
    main()
