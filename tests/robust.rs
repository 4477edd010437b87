//! Robustness: every input the fuzzers ever crashed on (`tests/fuzz/<target>/`)
//! replayed through the same invariants (`tests/invariants/`), and a property
//! test over generated templates so that CI checks them too: no panic, every
//! error located inside the source, the same render twice under a fixed clock
//! and seed.

mod invariants;

use std::fs;
use std::path::Path;

use std::time::Duration;

use std::sync::Arc;

use appsync_vtl::parse::{compare_paths, PathComparison};
use appsync_vtl::{Engine, Limits, RequestContext, Source};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// The files of one `tests/fuzz/<target>/` folder, sorted.
fn inputs(target: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(target);
    // A target that never crashed has no folder.
    let Ok(entries) = fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        // A render input's context sits beside it as `<name>.json`.
        .filter(|p| target != "render" || p.extension().and_then(|x| x.to_str()) != Some("json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let text = String::from_utf8(bytes)
                .unwrap_or_else(|_| panic!("{}: a fuzz input that is not UTF-8", p.display()));
            (p.display().to_string(), text)
        })
        .collect()
}

/// Replays each input, naming the file when it fails.
fn replay(target: &str, check: impl Fn(&str, &str)) -> usize {
    let inputs = inputs(target);
    for (path, text) in &inputs {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(path, text)));
        assert!(result.is_ok(), "{path} fails again");
    }
    inputs.len()
}

#[test]
fn fuzz_regressions_stay_fixed() {
    let mut total = replay("parse", |_, text| invariants::check_parse(text));
    total += replay("render", |path, text| {
        let context = Path::new(path).with_extension("json");
        let ctx = match fs::read_to_string(&context) {
            Ok(json) => RequestContext::from_json_str(&json).expect("a regression context loads"),
            Err(_) => RequestContext::new(),
        };
        invariants::check_parse(text);
        invariants::check_render(text, &ctx, 0);
    });
    total += replay("json_roundtrip", |_, text| {
        invariants::check_json_roundtrip(text)
    });
    total += replay("context", |_, text| invariants::check_context(text));
    assert!(total >= 2, "the regression inputs were not found");
}

// -- generated templates ----------------------------------------------------------

/// Leaf expressions: literals, references into `$ctx` and variables, `$util` calls
/// whose results depend on the clock and the seed.
fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i32>().prop_map(|n| n.to_string()),
        (-100.0f64..100.0).prop_map(|f| format!("{f:.2}")),
        "[a-z $]{0,6}".prop_map(|s| format!("\"{s}\"")),
        "[a-z]{0,4}".prop_map(|s| format!("'{s}'")),
        Just("true".to_string()),
        Just("null".to_string()),
        prop::sample::select(vec![
            "$a",
            "$b",
            "$i",
            "$ctx.args",
            "$ctx.args.name",
            "$ctx.args.items",
            "$ctx.stash",
            "$ctx.identity.sub",
            "$foreach.index",
            "$util.autoId()",
            "$util.time.nowISO8601()",
            "$util.time.nowEpochMilliSeconds()",
            "$util.math.randomWithinRange(1, 9)",
            "$util.toJson($ctx.args)",
            "$a.size()",
            "$a.toString()",
            "\"x$a${b}y\"",
        ])
        .prop_map(str::to_string),
    ]
}

/// Expressions built from leaves with operators, lists, maps, ranges and methods.
fn expr() -> impl Strategy<Value = String> {
    leaf().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "/", "%", "==", "!=", "<", "&&", "||"]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("!{a}")),
            inner.clone().prop_map(|a| format!("({a})")),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            (inner.clone(), inner.clone()).prop_map(|(k, v)| format!("{{{k}: {v}}}")),
            (0i32..30, 0i32..30).prop_map(|(a, b)| format!("[{a}..{b}]")),
            (
                inner.clone(),
                prop::sample::select(vec![
                    "size",
                    "isEmpty",
                    "toUpperCase",
                    "trim",
                    "keySet",
                    "length"
                ])
            )
                .prop_map(|(a, m)| format!("$util.defaultIfNull({a}, \"\").{m}()")),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| format!("$util.matches(\"[a-z]+\", \"$a{a}{b}\")")),
            inner.prop_map(|a| format!("$util.parseJson($util.toJson({a}))")),
        ]
    })
}

/// Templates: text, references and directives nested a few levels.
fn template() -> impl Strategy<Value = String> {
    let leaf_node = prop_oneof![
        "[a-z {}:,\n]{0,8}",
        expr().prop_map(|e| format!("#set($a = {e})")),
        expr().prop_map(|e| format!("#set($b = {e})")),
        expr().prop_map(|e| format!("$util.qr($a.add({e}))")),
        prop::sample::select(vec![
            "$a",
            "$!b",
            "${a}",
            "$ctx.args.name",
            "#break",
            "#stop",
            "## c\n",
            "#* c *#"
        ])
        .prop_map(str::to_string),
        expr().prop_map(|e| format!("$util.toJson({e})")),
    ];
    let body = leaf_node.prop_recursive(4, 32, 5, |inner| {
        let block = prop::collection::vec(inner, 0..5).prop_map(|v| v.concat());
        prop_oneof![
            (expr(), block.clone(), block.clone())
                .prop_map(|(c, t, e)| format!("#if({c}){t}#else{e}#end")),
            (expr(), block.clone()).prop_map(|(c, t)| format!("#if({c}){t}#elseif(!{c})x#end")),
            (expr(), block.clone()).prop_map(|(e, b)| format!("#foreach($i in {e}){b}#end")),
            block
                .clone()
                .prop_map(|b| format!("#macro(m $p)$p{b}#end#m(1)")),
            block.clone().prop_map(|b| format!("#define($d){b}#end$d")),
            block.prop_map(|b| format!("#set($s = \"{b}\")")),
        ]
    });
    // Cut at a random point now and then, so that half-written templates are tried too.
    (
        prop::collection::vec(body, 1..4),
        any::<prop::sample::Index>(),
        0u8..4,
    )
        .prop_map(|(parts, cut, mode)| {
            let t = parts.concat();
            if mode == 0 && !t.is_empty() {
                let mut at = cut.index(t.len());
                while !t.is_char_boundary(at) {
                    at -= 1;
                }
                t[..at].to_string()
            } else {
                t
            }
        })
}

/// A runner with a fixed seed for the generator: CI runs the same cases every time.
fn fixed_runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
        ..Config::default()
    };
    TestRunner::new_with_rng(
        config,
        proptest::test_runner::TestRng::from_seed(
            proptest::test_runner::RngAlgorithm::ChaCha,
            &[7; 32],
        ),
    )
}

/// The fast parser builds what the pest parser (the specification) builds, or
/// gives up; and it gives up on few of the generated templates that pest parses.
#[test]
fn generated_templates_parse_the_same_both_ways() {
    let (same, fell_back) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    fixed_runner(500)
        .run(&template(), |text| {
            let source = Arc::new(Source::new("generated.vtl", text.as_str()));
            match compare_paths(&source) {
                PathComparison::Same => same.set(same.get() + 1),
                PathComparison::FellBack { parsed: true } => fell_back.set(fell_back.get() + 1),
                PathComparison::FellBack { parsed: false } => {}
                PathComparison::Different { .. } => {
                    prop_assert!(false, "the two parse paths differ on {text:?}")
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        same.get() > 100 && fell_back.get() * 20 < same.get(),
        "the fast path parsed {} generated templates and left {} that pest parses",
        same.get(),
        fell_back.get()
    );
}

#[test]
fn generated_templates_keep_the_invariants() {
    let ctx = RequestContext::from_json_str(
        r#"{"arguments": {"name": "Ann", "items": [1, "two", {"three": 3.0}]},
            "identity": {"sub": "u-1", "username": "ann"}, "stash": {"k": "v"}}"#,
    )
    .expect("the context loads");
    let mut runner = fixed_runner(300);
    runner
        .run(&(template(), 0u64..4), |(text, seed)| {
            invariants::check_parse(&text);
            invariants::check_render(&text, &ctx, seed);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

// -- limits ------------------------------------------------------------------------

/// What a render of a pathological template ends with: the error (with its
/// line:column) or the first bytes of the output and the last log line.
fn outcome_line(engine: &Engine, text: &str) -> String {
    let result = engine
        .parse("t.vtl", text)
        .and_then(|t| engine.render(&t, &RequestContext::new()));
    match result {
        Ok(o) => {
            let shown: String = o.output.chars().take(40).collect();
            let log = o
                .logs
                .last()
                .map(|l| format!("; log: {l}"))
                .unwrap_or_default();
            format!("ok, {} bytes: {shown:?}{log}", o.output.len())
        }
        Err(e) => {
            let at = e
                .line_col()
                .map(|lc| lc.to_string())
                .unwrap_or_else(|| "-".into());
            assert!(e.span().is_some(), "a limit error without a position: {e}");
            format!("error at {at}: {e}")
        }
    }
}

/// Pathological templates, each past one limit (or just inside it). Runs on the
/// test harness's small thread stack, so a stack overflow would fail here too.
#[test]
fn limits_stop_pathological_templates() {
    let deep = |open: &str, middle: &str, close: &str, n: usize| {
        format!("{}{middle}{}", open.repeat(n), close.repeat(n))
    };
    let roomy = Engine::new().with_limits(Limits {
        template_bytes: usize::MAX,
        ..Limits::default()
    });
    let plain = Engine::new();
    let few = Engine::new().with_limits(Limits {
        total_iterations: 10_000,
        ..Limits::default()
    });
    let quick = Engine::new().with_limits(Limits {
        time: Some(Duration::from_millis(200)),
        ..Limits::default()
    });
    let cases: Vec<(&str, &Engine, String)> = vec![
        ("template of 70,000 bytes", &plain, "x".repeat(70_000)),
        ("10,000 nested #if", &roomy, deep("#if(true)", "x", "#end", 10_000)),
        ("255 nested #if (inside the limit)", &roomy, deep("#if(true)", "x", "#end", 255)),
        ("300 nested #foreach", &roomy, deep("#foreach($i in [1])", "x", "#end", 300)),
        ("300 nested #macro", &roomy, deep("#macro(m)", "x", "#end", 300)),
        ("300 nested #define", &roomy, deep("#define($d)", "x", "#end", 300)),
        ("100,000 nested #@ block macro calls", &roomy, format!("#macro(b)<$bodyContent>#end{}", deep("#@b()", "x", "#end", 100_000))),
        ("100,000 nested #literal", &roomy, deep("#literal()", "x", "#end", 100_000)),
        ("60 nested #@ block macro calls (inside the limit)", &roomy, format!("#macro(b)<$bodyContent>#end{}", deep("#@b()", "x", "#end", 60))),
        ("recursive block macro", &plain, "#macro(b)#@b()x#end#end#@b()y#end".into()),
        ("$bodyContent printed twice in itself (2^20 renders)", &plain, "#macro(b)$!bodyContent#end#@b()$!bodyContent$!bodyContent#end".into()),
        ("10,000 nested (", &roomy, format!("#set($a = {})", deep("(", "1", ")", 10_000))),
        ("250 nested ( (inside the limit)", &roomy, format!("#set($a = {})$a", deep("(", "1", ")", 250))),
        ("10,000 nested [", &roomy, format!("#set($a = {})", deep("[", "1", "]", 10_000))),
        ("10,000 nested {", &roomy, format!("#set($a = {})", deep("{\"k\": ", "1", "}", 10_000))),
        ("10,000 nested method calls", &roomy, deep("$a.b(", "1", ")", 10_000)),
        ("100,000 prefix !", &roomy, format!("#set($a = {}true)", "!".repeat(100_000))),
        ("100,000 additions", &roomy, format!("#set($a = 1{})", "+1".repeat(100_000))),
        ("300 nested #if in a string", &roomy, format!("#set($a = \"{}\")$a", deep("#if(true)", "x", "#end", 300))),
        ("recursive macro", &plain, "#macro(m)#m()#end#m()".into()),
        ("recursive #define", &plain, "#define($d)$d#end$d".into()),
        ("macro and #define recursing through each other", &plain, "#macro(m)$d#end#define($d)#m()#end$d".into()),
        ("macro argument re-evaluated by name", &plain, "#macro(m $p)#m(\"$p$p\")#end#m(1)".into()),
        ("range of 10^9 elements", &plain, "#foreach($i in [1..1000000000])#end".into()),
        ("range of i64::MIN..i64::MAX", &plain, "#set($r = [-9223372036854775807..9223372036854775807])".into()),
        ("range of i32::MIN..i32::MAX (ends are Java ints)", &plain, "#set($r = [-2147483648..2147483647])".into()),
        ("loop of 5,000 passes", &plain, "#foreach($i in [1..5000])#end$i".into()),
        ("100 x 100 x 2 nested loop passes, 10,000 allowed", &few, "#set($r = [1..100])#foreach($a in $r)#foreach($b in $r)#foreach($c in [1, 2])#end#end#end".into()),
        ("string doubling by interpolation (the string limit, not the output limit)", &plain, "#set($s = \"xxxxxxxxxxxxxxxx\")#foreach($i in [1..30])#set($s = \"$s$s\")#end$s".into()),
        ("string doubling with +", &plain, "#set($s = \"x\")#foreach($i in [1..40])#set($s = $s + $s)#end".into()),
        ("string doubling with concat()", &plain, "#set($s = \"x\")#foreach($i in [1..40])#set($s = $s.concat($s))#end".into()),
        ("string repeat(2^31)", &plain, "#set($x = \"ab\")$util.qr($x.repeat(2147483647))".into()),
        ("BigInteger squared 1,000 times", &plain, "#set($n = 3)#foreach($i in [1..1000])#set($n = $n * $n)#end$n".into()),
        ("format width 2^31 - 1", &plain, "#set($s = \"\")$s.format(\"%2147483647d\", 1)".into()),
        ("indent by 2^31 - 1", &plain, "#set($s = \"a\")$s.indent(2147483647)".into()),
        ("list doubling with addAll()", &plain, "#set($l = [1])#foreach($i in [1..40])$util.qr($l.addAll($l))#end".into()),
        ("list nested 100,000 deep", &plain, "#set($l = [])#foreach($a in [1..100])#foreach($b in [1..1000])#set($l = [$l])#end#end$l.size()".into()),
        ("map containing itself", &plain, "#set($m = {})$util.qr($m.put(\"self\", $m))$m $util.toJson($m).length()".into()),
        ("logs past 5 MB", &plain, "#set($x = \"x\")#set($s = $x.repeat(1000000))#foreach($i in [1..10])$util.log.info($s)#end".into()),
        ("appendError past 5 MB", &plain, "#set($x = \"x\")#set($s = $x.repeat(1000000))#foreach($i in [1..10])$util.appendError($s)#end".into()),
        ("regex with a backreference", &plain, "$util.matches(\"(a)\\1\", \"aa\")".into()),
        ("regex with look-ahead", &plain, "$util.matches(\"a(?=b)\", \"ab\")".into()),
        ("regex (a+)+ on 100,000 a's and a b", &plain, "#set($a = \"a\")#set($s = $a.repeat(100000) + \"b\")$util.matches(\"(a+)+c\", $s) $s.replaceAll(\"(a|aa)+$\", \"\").length()".into()),
        ("regex too big to compile", &plain, "$util.matches(\"((a{100}){100}){100}\", \"a\")".into()),
        ("regex past the backtracking budget on 50,000 a's", &plain, "#set($a = \"a\")#set($s = $a.repeat(50000) + \"!\")$util.matches('(\\w+\\s?)+\\1', $s)".into()),
        ("wall time past 200 ms", &quick, "#set($x = \"x\")#set($s = $x.repeat(100000))#set($r = [1..1000])#foreach($a in $r)#foreach($b in $r)$util.qr($s.replaceAll(\"y\", \"z\"))#end#end".into()),
    ];
    let mut report = String::new();
    for (name, engine, text) in &cases {
        report.push_str(&format!("{name}\n  {}\n", outcome_line(engine, text)));
    }
    insta::assert_snapshot!("limits", report);
}

/// String literals are kept between renders on a thread, by their number in
/// the template: another template's literal with the same number and length
/// but another text must still print its own text.
#[test]
fn literals_of_a_freed_template_are_not_reused() {
    let engine = Engine::new();
    let ctx = RequestContext::new();
    for i in 0..200 {
        let expected = format!("lit{:03}", i);
        let text = format!("#set($x = \"{expected}\")$x {}", "\"b\" == \"b\"");
        let template = engine.parse("t.vtl", &text).expect("parses");
        let out = engine.render(&template, &ctx).expect("renders").output;
        assert_eq!(out, format!("{expected} \"b\" == \"b\""), "render {i}");
        drop(template);
    }
}
