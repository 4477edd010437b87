//! Robustness: every input the fuzzers ever crashed on (`tests/fuzz/<target>/`)
//! replayed through the same invariants (`tests/invariants/`), and a property
//! test over generated templates so that CI checks them too: no panic, every
//! error located inside the source, the same render twice under a fixed clock
//! and seed.

mod invariants;

use std::fs;
use std::path::Path;

use appsync_vtl::RequestContext;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// The files of one `tests/fuzz/<target>/` folder, sorted.
fn inputs(target: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(target);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_none_or(|x| x != "json" || target != "render"))
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
            (inner.clone(), prop::sample::select(vec!["+", "-", "*", "/", "%", "==", "!=", "<", "&&", "||"]), inner.clone())
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("!{a}")),
            inner.clone().prop_map(|a| format!("({a})")),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            (inner.clone(), inner.clone()).prop_map(|(k, v)| format!("{{{k}: {v}}}")),
            (0i32..30, 0i32..30).prop_map(|(a, b)| format!("[{a}..{b}]")),
            (inner.clone(), prop::sample::select(vec!["size", "isEmpty", "toUpperCase", "trim", "keySet", "length"]))
                .prop_map(|(a, m)| format!("$util.defaultIfNull({a}, \"\").{m}()")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("$util.matches(\"[a-z]+\", \"$a{a}{b}\")")),
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
        prop::sample::select(vec!["$a", "$!b", "${a}", "$ctx.args.name", "#break", "#stop", "## c\n", "#* c *#"])
            .prop_map(str::to_string),
        expr().prop_map(|e| format!("$util.toJson({e})")),
    ];
    let body = leaf_node.prop_recursive(4, 32, 5, |inner| {
        let block = prop::collection::vec(inner, 0..5).prop_map(|v| v.concat());
        prop_oneof![
            (expr(), block.clone(), block.clone()).prop_map(|(c, t, e)| format!("#if({c}){t}#else{e}#end")),
            (expr(), block.clone()).prop_map(|(c, t)| format!("#if({c}){t}#elseif(!{c})x#end")),
            (expr(), block.clone()).prop_map(|(e, b)| format!("#foreach($i in {e}){b}#end")),
            block.clone().prop_map(|b| format!("#macro(m $p)$p{b}#end#m(1)")),
            block.clone().prop_map(|b| format!("#define($d){b}#end$d")),
            block.prop_map(|b| format!("#set($s = \"{b}\")")),
        ]
    });
    // Cut at a random point now and then, so that half-written templates are tried too.
    (prop::collection::vec(body, 1..4), any::<prop::sample::Index>(), 0u8..4).prop_map(
        |(parts, cut, mode)| {
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
        },
    )
}

#[test]
fn generated_templates_keep_the_invariants() {
    let ctx = RequestContext::from_json_str(
        r#"{"arguments": {"name": "Ann", "items": [1, "two", {"three": 3.0}]},
            "identity": {"sub": "u-1", "username": "ann"}, "stash": {"k": "v"}}"#,
    )
    .expect("the context loads");
    // A fixed seed for the generator: CI runs the same cases every time.
    let config = Config {
        cases: 300,
        failure_persistence: None,
        rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(
        config,
        proptest::test_runner::TestRng::from_seed(
            proptest::test_runner::RngAlgorithm::ChaCha,
            &[7; 32],
        ),
    );
    runner
        .run(&(template(), 0u64..4), |(text, seed)| {
            invariants::check_parse(&text);
            invariants::check_render(&text, &ctx, seed);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}
