//! The fast parser (`src/parse/fast.rs`) against the specification, the pest
//! path: on every `.vtl` file in the repository, on each line of the edge-case
//! files in `tests/parse_equivalence/`, and on the body of every double-quoted
//! string in them, the fast path either gives up or builds exactly the tree
//! that the pest path builds. On the templates that must take the fast path
//! (`tests/cases`, `templates`, `benches/templates`) it must not give up where
//! pest parses them. The fuzz target `parse_differential` checks the same on
//! generated inputs, and `tests/robust.rs` on the property-test templates.

use std::path::Path;
use std::sync::Arc;

use appsync_vtl::harness::vtl_files;
use appsync_vtl::parse::{compare_paths, PathComparison};
use appsync_vtl::Source;

/// Folders whose templates pest parses and the fast path must too.
const FAST_PATH_REQUIRED: &[&str] = &["tests/cases", "templates", "benches/templates"];

/// Folders whose files are also parsed line by line.
const LINE_BY_LINE: &str = "tests/parse_equivalence";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The bodies of the double-quoted strings on each line (quotes paired naively).
fn string_bodies(text: &str) -> Vec<&str> {
    text.lines()
        .flat_map(|line| line.split('"').skip(1).step_by(2))
        .filter(|body| !body.is_empty())
        .collect()
}

/// What went wrong with one input, if anything.
fn check(name: &str, text: &str, fast_required: bool) -> Option<String> {
    let source = Arc::new(Source::new(name, text));
    match compare_paths(&source) {
        PathComparison::Same => None,
        PathComparison::FellBack { parsed: true } if fast_required => Some(format!(
            "{name}: the fast path gave up on a template that pest parses"
        )),
        PathComparison::FellBack { .. } => None,
        PathComparison::Different { fast, pest } => Some(match pest {
            Ok(pest) => format!(
                "{name}: the two paths differ: {}",
                first_difference(&format!("{fast:#?}"), &format!("{pest:#?}"))
            ),
            Err(errors) => format!("{name}: the fast path parses what pest rejects: {errors:?}"),
        }),
    }
}

/// The first line where two `{:#?}` texts differ, with the lines before it.
fn first_difference(fast: &str, pest: &str) -> String {
    let (fast, pest): (Vec<&str>, Vec<&str>) = (fast.lines().collect(), pest.lines().collect());
    let at = fast.iter().zip(&pest).take_while(|(a, b)| a == b).count();
    let from = at.saturating_sub(6);
    let show = |lines: &[&str]| {
        lines
            .get(from..(at + 1).min(lines.len()))
            .unwrap_or(&[])
            .join("\n")
    };
    format!("\n--- fast:\n{}\n--- pest:\n{}", show(&fast), show(&pest))
}

#[test]
fn the_fast_parser_builds_what_pest_builds() {
    let files = vtl_files(root()).expect("the repository is readable");
    let mut failures = Vec::new();
    let mut inputs = 0;
    let mut fast_required = 0;
    for path in &files {
        let relative = path.strip_prefix(root()).unwrap_or(path);
        let name = relative.display().to_string();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let required = FAST_PATH_REQUIRED
            .iter()
            .any(|dir| relative.starts_with(dir));
        fast_required += usize::from(required);
        let mut pieces: Vec<(String, &str, bool)> = vec![(name.clone(), &text, required)];
        if relative.starts_with(LINE_BY_LINE) {
            for (i, line) in text.lines().enumerate() {
                pieces.push((format!("{name}:{}", i + 1), line, false));
            }
        }
        for (i, body) in string_bodies(&text).into_iter().enumerate() {
            pieces.push((format!("{name}, string {}", i + 1), body, false));
        }
        for (piece, text, required) in pieces {
            inputs += 1;
            failures.extend(check(&piece, text, required));
        }
    }
    assert!(
        files.len() >= 380 && fast_required >= 360,
        "only {} .vtl files ({fast_required} on the fast path) were found",
        files.len()
    );
    assert!(inputs > 2 * files.len(), "only {inputs} inputs");
    assert!(
        failures.is_empty(),
        "{} of {inputs} inputs:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
