#!/usr/bin/env bash
# Random patterns, Java's answers, ours: a differential run of src/java/regex.rs
# against OpenJDK 17. Prints the cases that differ (the known ones are listed in
# docs/fidelity.md, "Captures in corners"). Add a case worth keeping to
# tests/regex/java-truth.txt.
#
#   scripts/java-regex-random.sh [SEED] [COUNT]      (default 1 and 3000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seed=${1:-1}; count=${2:-3000}
work=$(mktemp -d -t java-regex-random-XXXXXX); trap 'rm -rf "$work"' EXIT
python3 - "$seed" "$count" > "$work/cases.jsonl" <<'PY'
import json, random, sys
random.seed(int(sys.argv[1]))
ATOMS = ["a", "b", "A", "é", ".", "\\w", "\\W", "\\d", "\\s", "\\b", "\\B", "^", "$", "[ab]", "[^a]",
         "[a-c&&[^b]]", "\\p{Lower}", "\\p{L}", "(?i:a)", "\\n", "\\R", "\\z", "\\Z", "\\A", "[é-ë]",
         "\\h", "x", "\\G", "[\\w&&[^a]]"]
def gen(d=0):
    r = random.random()
    if d > 3 or r < 0.35:
        return random.choice(ATOMS)
    if r < 0.55:
        return gen(d + 1) + gen(d + 1)
    if r < 0.65:
        return gen(d + 1) + "|" + gen(d + 1)
    if r < 0.85:
        g = random.choice(["(%s)", "(?:%s)", "(?=%s)", "(?!%s)", "(?<=%s)", "(?<!%s)", "(?>%s)",
                           "(?<n%d>%%s)" % d, "(?i)%s", "(?m)%s", "(?s)%s", "(?U)%s", "(?iu:%s)"])
        return g % gen(d + 1)
    q = random.choice(["*", "+", "?", "{2}", "{1,2}", "*?", "+?", "??", "*+", "++", "?+", "{0,2}?", "{1,}+"])
    if random.random() < 0.5:
        return "(?:" + gen(d + 1) + ")" + q
    return random.choice(["a", "b", ".", "\\w", "[ab]", "(a)", "(a|b)", "(a*)"]) + q
INPUTS = ["", "a", "ab", "aab", "ba", "a\nb", "a\n", "a\r\n", "aé", "Aa", "abab", "b a", "é1 x", "aaa"]
for _ in range(int(sys.argv[2])):
    p = gen()
    if random.random() < 0.3:
        p += random.choice(["\\1", "\\k<n0>", "\\2"])
    s = random.choice(INPUTS)
    op = random.random()
    if op < 0.3:
        case = ["matches", p, s]
    elif op < 0.6:
        case = ["find", p, s]
    elif op < 0.8:
        case = ["replaceAll", p, s, random.choice(["<$0>", "[$1]", "-"])]
    else:
        case = ["split", p, s, random.choice([0, -1, 2])]
    print(json.dumps(case, ensure_ascii=False))
PY
"$root/scripts/java-regex-truth.sh" "$work/cases.jsonl" > "$work/answers.txt"
cd "$root"
JAVA_REGEX_TRUTH="$work/answers.txt" cargo test -q --lib java::regex::tests::answers_as_java_does_in_a_given_file \
  -- --ignored 2>&1 | sed -n '/differ:/,/^stack backtrace/p' | grep -v '^stack backtrace' || true
echo "seed $seed: $count random cases compared"
