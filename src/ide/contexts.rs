//! The contexts a template can be explained with: those of the case folders
//! that test it (`case.json` naming the template, beside it or in a `tests`
//! folder up to three levels above), and a `context.json` beside it.

use std::path::{Path, PathBuf};

use crate::harness::case::CaseSettings;

/// How many folders up a `tests` folder is looked for.
const LEVELS_UP: usize = 3;

/// The most case folders read in one `tests` folder.
const MOST_CASES: usize = 2_000;

/// Context files for the template at `template` (absolute or relative to the
/// working directory), most likely first: the contexts of case folders whose
/// `case.json` names this template, then `context.json` beside it.
pub fn contexts_for(template: &Path) -> Vec<PathBuf> {
    let Ok(template) = template.canonicalize() else {
        return Vec::new();
    };
    let Some(dir) = template.parent() else {
        return Vec::new();
    };
    let mut case_dirs: Vec<PathBuf> = vec![dir.to_path_buf()];
    for up in dir.ancestors().take(LEVELS_UP + 1) {
        if let Ok(entries) = std::fs::read_dir(up.join("tests")) {
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .take(MOST_CASES)
                .collect();
            found.sort();
            case_dirs.extend(found);
        }
    }
    let mut out = Vec::new();
    for case_dir in case_dirs {
        if tests_template(&case_dir, &template) {
            out.extend(context_files(&case_dir));
        }
    }
    let beside = dir.join("context.json");
    if beside.is_file() && !out.contains(&beside) {
        out.push(beside);
    }
    out
}

/// Whether `case_dir/case.json` names `template` (or, with no template of
/// its own, the folder's `template.vtl` is it).
fn tests_template(case_dir: &Path, template: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(case_dir.join("case.json")) else {
        return false;
    };
    let Ok(settings) = serde_json::from_str::<CaseSettings>(&text) else {
        return false;
    };
    let named = settings
        .template
        .as_deref()
        .map_or_else(|| case_dir.join("template.vtl"), |t| case_dir.join(t));
    named.canonicalize().is_ok_and(|p| p == template)
}

/// A case folder's context files: `context.json` and `contexts/*.json`, sorted.
fn context_files(case_dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let single = case_dir.join("context.json");
    if single.is_file() {
        out.push(single);
    }
    if let Ok(entries) = std::fs::read_dir(case_dir.join("contexts")) {
        let mut more: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        more.sort();
        out.extend(more);
    }
    out
}
