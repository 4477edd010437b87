#!/usr/bin/env python3
"""Compare the core-language cases of tests/cases with plain Apache Velocity 1.7.

    python3 scripts/velocity-compare.py [path/to/vtl] [--oracle ../shared/oracle/java]

Needs Java and Debian's `velocity` + `libjackson2-databind-java` packages (the oracle's
run.sh says how). Cases named util-*, extensions-* and security-* are skipped (Velocity 1.7
has no $util). A case agrees when both print the same text, or both refuse the template.
Prints each difference, then `N passed, M failed` (agreeing / differing).
"""
import argparse, json, os, shutil, subprocess, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("vtl", nargs="?", default=os.path.join(ROOT, "target", "release", "vtl"))
    ap.add_argument("--oracle", default=os.path.join(ROOT, "..", "shared", "oracle", "java"))
    a = ap.parse_args()
    cases_dir = os.path.join(ROOT, "tests", "cases")
    with tempfile.TemporaryDirectory() as tmp:
        oracle = os.path.join(tmp, "oracle")
        shutil.copytree(a.oracle, oracle)  # run.sh compiles next to itself
        cases = os.path.join(tmp, "cases")
        names = []
        for n in sorted(os.listdir(cases_dir)):
            if n.startswith(("util-", "extensions-", "security-")):
                continue
            src = os.path.join(cases_dir, n)
            dst = os.path.join(cases, n)
            os.makedirs(dst)
            shutil.copy(os.path.join(src, "template.vtl"), dst)
            ctx = os.path.join(src, "context.json")
            if os.path.exists(ctx):
                shutil.copy(ctx, dst)
            else:
                open(os.path.join(dst, "context.json"), "w").write("{}")
            names.append(n)
        p = subprocess.run([os.path.join(oracle, "run.sh"), "--batch", cases], capture_output=True, text=True)
        java = {}
        for line in p.stdout.splitlines():
            r = json.loads(line)
            java[r["case"]] = r
        same = diff = 0
        for n in names:
            d = os.path.join(cases, n)
            q = subprocess.run([a.vtl, "render", d + "/template.vtl", "--context", d + "/context.json",
                                "--now", "2024-01-15T10:30:45.123Z"], capture_output=True, text=True)
            try:
                ours = json.loads(q.stdout)
            except ValueError:
                ours = {"evaluationResult": None, "error": {"message": "no JSON: " + q.stderr[-200:]}}
            j = java.get(n, {"evaluationResult": None, "error": {"message": "not run"}})
            oe, je = ours.get("evaluationResult"), j.get("evaluationResult")
            if oe == je:
                same += 1
                continue
            diff += 1
            print(f"DIFF {n}\n  ours: {oe!r:.200} {(ours.get('error') or {}).get('message', '')[:200]}"
                  f"\n  java: {je!r:.200} {(j.get('error') or {}).get('message', '')[:200]}")
        print(f"{same} passed, {diff} failed")


if __name__ == "__main__":
    main()
