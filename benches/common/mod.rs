//! What both bench files share: the benchmark templates and their contexts.

use std::path::{Path, PathBuf};

use appsync_vtl::{Engine, RequestContext};

/// `benches/templates/<name>.vtl` and its context.
pub(crate) fn template(name: &str) -> (String, RequestContext) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/templates");
    let text = std::fs::read_to_string(dir.join(format!("{name}.vtl"))).expect("template");
    let ctx = std::fs::read_to_string(dir.join(format!("{name}.context.json"))).expect("context");
    (
        text,
        RequestContext::from_json_str(&ctx).expect("context JSON"),
    )
}

/// The engine the benches use: the system clock (as the peers do) and AppSync's limits.
pub(crate) fn engine() -> Engine {
    Engine::new().with_system_clock()
}

/// Every `.vtl` under `dir`, sorted.
#[allow(dead_code)] // used by one of the two bench files
pub(crate) fn vtl_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "vtl") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
