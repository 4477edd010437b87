//! The library's dependencies run one way: each module imports only from its
//! own layer or the layers below (the table in `src/lib.rs`'s docs). Read from
//! the code's own `crate::` paths, so a new import that points up fails here.

use std::path::Path;

/// The layers, bottom first.
const LAYERS: &[&[&str]] = &[
    &["source", "report", "error"],
    &["value"],
    &["java"],
    &["outcome", "context", "identity", "replay"],
    &["util"],
    &["parse", "eval"],
    &["engine", "input", "request", "api"],
    &[
        "explain", "lint", "pipeline", "project", "execute", "harness",
    ],
    &["ide"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// Every `crate::<module>` a source text names, outside comments and tests.
fn imports(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut found = Vec::new();
    for line in code.lines() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push(name);
            }
        }
    }
    found
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn dependencies_run_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut upward = Vec::new();
    let mut placed = 0;
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src");
        let top = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("")
            .trim_end_matches(".rs");
        // The binary's command line and the crate root sit above every layer.
        let Some(mine) = layer(top) else { continue };
        placed += 1;
        let text = std::fs::read_to_string(file).expect("readable source");
        for target in imports(&text) {
            if layer(&target).is_some_and(|theirs| theirs > mine) {
                upward.push(format!("{} imports crate::{target}", relative.display()));
            }
        }
    }
    assert!(placed > 50, "only {placed} files placed in a layer");
    assert!(
        upward.is_empty(),
        "imports that point up:\n{}",
        upward.join("\n")
    );
}

#[test]
fn every_module_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&src).expect("src is readable").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let module = name.trim_end_matches(".rs");
        if ["lib", "main", "cli"].contains(&module) {
            continue;
        }
        if layer(module).is_none() {
            missing.push(module.to_string());
        }
    }
    assert!(missing.is_empty(), "modules without a layer: {missing:?}");
}
