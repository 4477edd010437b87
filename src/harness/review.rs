//! Living with snapshots: the pending `.snap.new` files a run left (to accept
//! or reject one by one, as `cargo insta review` does), the snapshots no test
//! refers to any more, and the files each case reads (what `vtl test --watch`
//! watches).

use std::path::{Path, PathBuf};

use super::case::{Body, Case};
use super::snapshot::{self, pending_path};
use crate::eval::Limits;

/// A result waiting for review: `pending` would replace `snapshot`.
#[derive(Debug, Clone)]
pub struct Pending {
    /// `<case>@<test>`.
    pub name: String,
    /// The snapshot (which may not exist yet).
    pub snapshot: PathBuf,
    /// The `.snap.new` beside it.
    pub pending: PathBuf,
    /// The snapshot's contents, when there is one.
    pub old: Option<String>,
    /// The pending result's contents.
    pub new: String,
}

impl Pending {
    /// The change, old → new, as a unified diff (everything added for a new snapshot).
    pub fn diff(&self) -> String {
        snapshot::diff(self.old.as_deref().unwrap_or(""), &self.new)
    }

    /// Makes the pending result the snapshot.
    pub fn accept(&self) -> std::io::Result<()> {
        std::fs::rename(&self.pending, &self.snapshot)
    }

    /// Throws the pending result away.
    pub fn reject(&self) -> std::io::Result<()> {
        std::fs::remove_file(&self.pending)
    }
}

/// Every snapshot file (`.snap`, `.snap.new`) in a case folder's `snapshots/`.
fn snapshot_files(case_dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(case_dir.join("snapshots")) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            name.is_some_and(|n| n.ends_with(".snap") || n.ends_with(".snap.new"))
                && p.symlink_metadata().is_ok_and(|m| m.is_file())
        })
        .collect();
    files.sort();
    files
}

/// The pending results in the case folders, in folder and name order.
pub fn pending(cases: &[PathBuf]) -> Vec<Pending> {
    let mut out = Vec::new();
    for dir in cases {
        for file in snapshot_files(dir) {
            let Some(name) = file.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                continue;
            };
            let Some(stem) = name.strip_suffix(".snap.new") else {
                continue;
            };
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let Ok(new) = snapshot::parse(&text) else {
                continue;
            };
            let target = file.with_file_name(format!("{stem}.snap"));
            let old = std::fs::read_to_string(&target)
                .ok()
                .and_then(|t| snapshot::parse(&t).ok())
                .map(|s| s.contents);
            out.push(Pending {
                name: stem.to_string(),
                snapshot: target,
                pending: file,
                old,
                new: new.contents,
            });
        }
    }
    out
}

/// Snapshot files of the case folders that no test of their case would write:
/// left behind by a context or caller that was removed or renamed (their
/// `.snap.new` too). A case that does not load is skipped (its tests are not
/// known).
pub fn unreferenced(cases: &[PathBuf], limits: &Limits, roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in cases {
        let Ok(case) = Case::load_in(dir, limits, roots) else {
            continue;
        };
        let expected: Vec<PathBuf> = case.tests.iter().map(|t| case.snapshot_path(t)).collect();
        for file in snapshot_files(dir) {
            let snap = match file.to_string_lossy().strip_suffix(".new") {
                Some(s) => PathBuf::from(s),
                None => file.clone(),
            };
            if !expected
                .iter()
                .any(|e| *e == snap || pending_path(e) == file)
            {
                out.push(file);
            }
        }
    }
    out
}

impl Case {
    /// The files this case reads: `case.json`, its contexts and templates.
    pub fn inputs(&self) -> Vec<PathBuf> {
        let mut out = vec![self.dir.join("case.json"), self.dir.join("template.vtl")];
        for t in &self.tests {
            if let Some(file) = &t.context_file {
                out.push(self.dir.join(file));
            }
        }
        let mut template = |path: &Path| {
            if !path.as_os_str().is_empty() {
                out.push(path.to_path_buf());
            }
        };
        match &self.body {
            Body::Template(t) => template(&t.path),
            Body::Pipeline(p) => {
                for t in p.before.iter().chain(p.after.iter()) {
                    template(&t.path);
                }
                for f in &p.functions {
                    template(&f.request.path);
                    if let Some(r) = &f.response {
                        template(&r.path);
                    }
                }
            }
            Body::Resolver(r) => out.extend(r.project.files()),
            Body::Request(r) => out.extend(r.project.files()),
        }
        if let Some(serde_json::Value::String(file)) = &self.settings.mocks {
            out.push(self.dir.join(file));
        }
        out.sort();
        out.dedup();
        out
    }
}
