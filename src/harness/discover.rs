//! Finding case folders: a folder with `template.vtl` or `case.json` is a case;
//! other folders are searched, in name order, skipping hidden folders,
//! `snapshots`, `contexts`, `target` and `node_modules`.
//!
//! ```
//! use appsync_vtl::harness::discover;
//! let root = std::env::temp_dir().join(format!("vtl-doc-discover-{}", std::process::id()));
//! for case in ["b", "a/nested"] {
//!     std::fs::create_dir_all(root.join(case)).unwrap();
//!     std::fs::write(root.join(case).join("template.vtl"), "{}").unwrap();
//! }
//! let found = discover(&[root.clone()]).unwrap();
//! assert_eq!(found, [root.join("a/nested"), root.join("b")]);
//! assert!(discover(&[root.join("missing")]).unwrap_err().to_string().contains("no such file or folder"));
//! # std::fs::remove_dir_all(&root).unwrap();
//! ```

use std::path::{Path, PathBuf};

use super::case::{CaseError, CASE_FILE, TEMPLATE_FILE};
use crate::input::show_path;

const SKIPPED: &[&str] = &["snapshots", "contexts", "target", "node_modules"];

/// Whether `dir` is a case folder.
pub fn is_case_dir(dir: &Path) -> bool {
    dir.join(TEMPLATE_FILE).is_file() || dir.join(CASE_FILE).is_file()
}

/// The case folders under `paths`, each once, in order. A path may be a case
/// folder, a folder of cases, or a case's `case.json`/`template.vtl`.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CaseError> {
    let mut found = Vec::new();
    for path in paths {
        let before = found.len();
        if path.is_file() {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let parent = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            if (name == CASE_FILE || name == TEMPLATE_FILE) && is_case_dir(parent) {
                found.push(parent.to_path_buf());
            } else {
                return Err(CaseError(format!(
                    "{}: not a case (give a folder, or its {CASE_FILE} or {TEMPLATE_FILE})",
                    show_path(path)
                )));
            }
        } else if path.is_dir() {
            walk(path, &mut found)
                .map_err(|e| CaseError(format!("{}: cannot read: {e}", show_path(path))))?;
            if found.len() == before {
                return Err(CaseError(format!(
                    "{}: no cases (folders with {TEMPLATE_FILE} or {CASE_FILE})",
                    show_path(path)
                )));
            }
        } else {
            return Err(CaseError(format!(
                "{}: no such file or folder",
                show_path(path)
            )));
        }
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|p| seen.insert(p.canonicalize().unwrap_or_else(|_| p.clone())));
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if is_case_dir(dir) {
        found.push(dir.to_path_buf());
        return Ok(());
    }
    for sub in subdirs(dir)? {
        walk(&sub, found)?;
    }
    Ok(())
}

/// The folders in `dir` that are searched, in name order.
fn subdirs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            !name.starts_with('.') && !SKIPPED.contains(&name.as_ref())
        })
        .map(|e| e.path())
        .collect();
    subdirs.sort();
    Ok(subdirs)
}

/// Every `.vtl` file under `dir` (searched as [`discover`] searches), in order.
pub fn vtl_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "vtl"))
        .collect();
    files.sort();
    for sub in subdirs(dir)? {
        files.extend(vtl_files(&sub)?);
    }
    Ok(files)
}
