//! Every `$util` and `$extensions` function is called by at least one case in
//! `tests/cases/*/template.vtl`, so a new function cannot land without a
//! snapshot of what it prints.

use std::fs;
use std::path::Path;

use appsync_vtl::util::{extensions::EXTENSIONS, UTIL};

/// The text of every case template.
fn case_templates() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut templates = Vec::new();
    for entry in fs::read_dir(&root).expect("tests/cases exists") {
        let path = entry.expect("a readable entry").path().join("template.vtl");
        if let Ok(text) = fs::read_to_string(&path) {
            templates.push(text);
        }
    }
    templates
}

#[test]
fn every_util_function_has_a_case() {
    let templates = case_templates();
    assert!(
        templates.len() >= 150,
        "only {} cases found",
        templates.len()
    );
    let mut functions = UTIL.walk();
    functions.extend(EXTENSIONS.walk());
    assert!(functions.len() > 90, "the registry looks empty");
    let missing: Vec<String> = functions
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| {
            // `$utils` is an alias of `$util`.
            let alias = path.replacen("$util.", "$utils.", 1);
            !templates
                .iter()
                .any(|t| t.contains(&format!("{path}(")) || t.contains(&format!("{alias}(")))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "no case in tests/cases calls: {}",
        missing.join(", ")
    );
}
