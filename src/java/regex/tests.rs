//! Every expectation is Java's answer: `tests/regex/java-truth.txt` is the output
//! of `scripts/java-regex-truth.sh` (OpenJDK 17) on the cases it lists, and each
//! is run here through the same functions the template methods call.

use super::*;

const TRUTH: &str = include_str!("../../../tests/regex/java-truth.txt");

/// Cases where this engine answers differently from Java on purpose (see
/// docs/fidelity.md), with what it answers instead.
const DIFFERENT: &[(&str, &str)] = &[
    // A case-insensitive back-reference folds non-ASCII letters too (Java: ASCII
    // only, unless `(?u)`).
    (r#"["matches", "(?i)(é)\\1", "éÉ"]"#, "true"),
    // Refused: Unicode data (grapheme clusters, character names, canonical
    // equivalence) this engine does not have.
    (
        r#"["compile", "\\X"]"#,
        "!refused: an extended grapheme cluster `\\X`",
    ),
    (
        r#"["compile", "\\b{g}"]"#,
        "!refused: a grapheme cluster boundary `\\b{g}`",
    ),
    (
        r#"["compile", "\\N{LATIN SMALL LETTER A}"]"#,
        "!refused: a named character",
    ),
    (
        r#"["compile", "(?c)[a]"]"#,
        "!refused: canonical equivalence `(?c)`",
    ),
    // Java builds an intersection with null here and throws a
    // NullPointerException when the class is tried.
    (
        r#"["matches", "[^\\p{Lower}\\p{javaLowerCase}É$&&&]", "a\r\nb cd"]"#,
        "!refused: a class ending in `&&` after a single character",
    ),
    // Java steps through UTF-16 units, so an empty match can fall inside a
    // surrogate pair; a Rust string has no half characters.
    (r#"["replaceAll", "", "a😀b", "-"]"#, r#""-a-😀-b-""#),
    (r#"["split", "", "a😀b", 0]"#, r#"["a", "😀", "b"]"#),
    // Java runs one more, empty, pass of a repeated group that can match empty
    // and keeps that pass's capture; the match is the same.
    (
        r#"["find", "(a*)*", "aa"]"#,
        r#"[[0, 2, "aa", "aa"], [2, 2, "", ""]]"#,
    ),
    (
        r#"["find", "(a*)+", "aa"]"#,
        r#"[[0, 2, "aa", "aa"], [2, 2, "", ""]]"#,
    ),
    // Java keeps a capture made on a path that failed (here inside a negative
    // look-ahead tried at an earlier position); the group is unset here.
    (
        r#"["find", "(?!(?<n1>a))", "b a"]"#,
        r#"[[0, 0, "", null], [1, 1, "", null], [3, 3, "", null]]"#,
    ),
    // A pass of a repeated group that matches empty ends Java's loop even
    // below its minimum; here it counts as a pass.
    (r#"["matches", "(?:a|(?=a)){2}", "a"]"#, "true"),
    (r#"["matches", "(?:.{1,2}|(?=[ab])){2}|b", "a"]"#, "true"),
    // Java tries the shortest look-behind first; here the longest that matches.
    (
        r#"["find", "(?<=(?:(?<n2>\\p{L}))?)", "aaa"]"#,
        r#"[[0, 0, "", null], [1, 1, "", "a"], [2, 2, "", "a"], [3, 3, "", "a"]]"#,
    ),
];

/// Every `Matcher.find()`: start, end (UTF-16 indexes) and the groups.
fn find_all(java: &str, input: &str) -> Result<serde_json::Value, String> {
    let c = cached(java, Kind::Find)?;
    let utf16 = |byte: usize| input[..byte].encode_utf16().count();
    let mut all = Vec::new();
    c.find_each(
        input,
        |found| {
            let mut one = vec![
                serde_json::json!(utf16(found.start)),
                serde_json::json!(utf16(found.end)),
            ];
            if found.caps.is_some() {
                for g in 0..=c.groups {
                    one.push(found.group(g).map_or(serde_json::Value::Null, |m| {
                        serde_json::Value::String(m.as_str().to_string())
                    }));
                }
            }
            all.push(serde_json::Value::Array(one));
            Ok(true)
        },
        true,
    )?;
    Ok(serde_json::Value::Array(all))
}

fn run(case: &[serde_json::Value]) -> Result<serde_json::Value, String> {
    let s = |i: usize| case[i].as_str().unwrap_or_default();
    let p = s(1);
    Ok(match s(0) {
        "matches" => serde_json::json!(matches(p, s(2))?),
        "replaceAll" => serde_json::json!(replace(s(2), p, s(3), true)?),
        "replaceFirst" => serde_json::json!(replace(s(2), p, s(3), false)?),
        "split" => serde_json::json!(split(
            s(2),
            p,
            case.get(3).and_then(|l| l.as_i64()).unwrap_or(0)
        )?),
        "compile" => {
            compile(p)?;
            serde_json::json!("ok")
        }
        "find" => find_all(p, s(2))?,
        other => panic!("unknown operation {other}"),
    })
}

#[test]
fn answers_as_java_does() {
    compare(TRUTH, 400);
}

/// Another truth file, e.g. from random patterns:
/// `JAVA_REGEX_TRUTH=answers.txt cargo test --lib java::regex -- --ignored`.
#[test]
#[ignore]
fn answers_as_java_does_in_a_given_file() {
    let path = std::env::var("JAVA_REGEX_TRUTH").expect("JAVA_REGEX_TRUTH names a file");
    compare(&std::fs::read_to_string(path).expect("a readable file"), 1);
}

fn compare(truth: &str, at_least: usize) {
    let mut lines = truth
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let mut failures = Vec::new();
    let mut count = 0;
    while let (Some(case), Some(answer)) = (lines.next(), lines.next()) {
        count += 1;
        let java = answer.trim_start().trim_start_matches("=> ");
        let parsed: Vec<serde_json::Value> = serde_json::from_str(case).expect("a JSON case");
        let ours = run(&parsed);
        let expected = DIFFERENT
            .iter()
            .find(|(c, _)| *c == case)
            .map_or(java, |(_, ours)| *ours);
        let ok = match (&ours, expected.strip_prefix('!')) {
            (Ok(v), None) => {
                serde_json::from_str::<serde_json::Value>(expected)
                    .ok()
                    .as_ref()
                    == Some(v)
            }
            (Err(e), Some(err)) => {
                let message = err.split_once(": ").map_or(err, |(_, m)| m);
                // The truth writes control characters as `\uXXXX`.
                let ours: String = e
                    .chars()
                    .map(|c| {
                        if (c as u32) < 0x20 {
                            format!("\\u{:04x}", c as u32)
                        } else {
                            c.to_string()
                        }
                    })
                    .collect();
                ours.contains(message)
            }
            _ => false,
        };
        if !ok {
            failures.push(format!("{case}\n  java: {expected}\n  ours: {ours:?}"));
        }
    }
    assert!(count >= at_least, "read {count} cases");
    if truth == TRUTH {
        for (case, _) in DIFFERENT {
            assert!(
                truth.lines().any(|l| l == *case),
                "not in the truth file: {case}"
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn catastrophic_backtracking_ends_with_an_error() {
    // Java takes exponential time here (`(a+)+\1`-like with a back-reference
    // turns off its loop memo); the budget ends it in milliseconds.
    let input = format!("{}!", "a".repeat(50_000));
    let started = std::time::Instant::now();
    let err = matches(r"(\w+\s?)+\1", &input).unwrap_err();
    assert!(
        err.contains("exceeded the backtracking budget of 1000000 steps"),
        "{err}"
    );
    assert!(err.contains("50001-character input"), "{err}");
    assert!(started.elapsed().as_secs() < 5);
    // Nested quantifiers without back-references run on the linear engine and
    // answer as Java does.
    assert!(!matches("(a+)+$", &input).unwrap());
    assert_eq!(replace(&input, "(a*)*b", "x", true).unwrap().len(), 50_001);
}

#[test]
fn replacement_is_read_only_when_something_matches() {
    assert_eq!(replace("abc", "x", "$9", true).unwrap(), "abc");
    assert!(replace("abc", "b", "$9", true)
        .unwrap_err()
        .contains("No group 9"));
}

#[test]
fn a_pattern_nested_too_deep_is_an_error_not_a_crash() {
    let deep = format!("{}a{}", "(".repeat(5000), ")".repeat(5000));
    assert!(compile(&deep).is_err());
    let classes = format!("{}a{}", "[".repeat(5000), "]".repeat(5000));
    assert!(compile(&classes).is_err());
}

#[test]
fn a_pattern_too_big_is_named_so() {
    for p in ["a{100000}", "((a{100}){100}){100}", "(?=x)a{100000}"] {
        let err = compile(p).unwrap_err();
        assert!(err.contains("is too big to compile"), "{err}");
    }
}

#[test]
fn a_trailing_dollar_stays_on_the_linear_engine() {
    // `\s+$` on a long run of spaces that does not end the input: quadratic on
    // a backtracking machine, linear here.
    let spaces = " ".repeat(200_000);
    let input = format!("{spaces}x");
    assert_eq!(replace(&input, r"\s+$", "", true).unwrap(), input);
    let input = format!("x{spaces}\n");
    assert_eq!(replace(&input, r"\s+$", "", true).unwrap(), "x");
}

#[test]
fn a_word_boundary_on_ascii_text_stays_on_the_linear_engine() {
    // Java answers this at any length (it remembers failed loop positions); on
    // ASCII text `\b` is the linear engine's, so this does too.
    let input = format!("{}!", "a".repeat(10_000));
    assert_eq!(replace(&input, r"(\w+\s?)+\b!x", "x", true).unwrap(), input);
    // Beyond ASCII, Java 17's `\b` (letters and digits of every script) needs
    // look-around: right answers, on the backtracking machine.
    assert_eq!(replace("é-x", r"\b", "|", true).unwrap(), "|é|-|x|");
    assert!(matches(r"\b.\b", "é").unwrap());
}
