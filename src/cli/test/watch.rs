//! `vtl test --watch`: after the first run, the files every case reads are
//! polled (four times a second: no platform watcher to install or to lose
//! events), and the cases whose files changed run again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use appsync_vtl::harness::{self, Case, RunOptions};
use appsync_vtl::input::show_path;

use crate::cli::EXIT_USAGE;

const POLL: Duration = Duration::from_millis(250);

/// What each case reads, and when each file last changed.
struct Watched {
    /// Case folder → the files it reads.
    cases: Vec<(PathBuf, Vec<PathBuf>)>,
    stamps: HashMap<PathBuf, Option<SystemTime>>,
}

fn stamp(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The files in a case folder and its `contexts/` (not `snapshots/`, which
/// the runs themselves write).
fn folder_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in [dir.to_path_buf(), dir.join("contexts")] {
        if let Ok(entries) = std::fs::read_dir(&d) {
            out.extend(
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .map(|e| e.path()),
            );
        }
    }
    out
}

fn watched(cases: &[PathBuf], options: &RunOptions) -> Watched {
    let mut out = Watched {
        cases: Vec::new(),
        stamps: HashMap::new(),
    };
    for dir in cases {
        let mut files = folder_files(dir);
        if let Ok(case) = Case::load_in(dir, &options.limits, &options.roots) {
            files.extend(case.inputs());
        }
        files.sort();
        files.dedup();
        for f in &files {
            out.stamps.insert(f.clone(), stamp(f));
        }
        out.cases.push((dir.clone(), files));
    }
    out
}

/// Runs until interrupted; `run_cases` runs (and reports) some cases.
pub(super) fn run(
    paths: &[PathBuf],
    options: &RunOptions,
    run_cases: impl Fn(&[PathBuf], &RunOptions) -> i32,
) -> i32 {
    let Ok(mut cases) = harness::discover(paths) else {
        return EXIT_USAGE;
    };
    let mut state = watched(&cases, options);
    loop {
        outln!(
            "\nwatching {} files of {} cases; Ctrl-C to stop",
            state.stamps.len(),
            state.cases.len()
        );
        let changed: Vec<PathBuf> = loop {
            std::thread::sleep(POLL);
            let changed: Vec<PathBuf> = state
                .stamps
                .iter()
                .filter(|(path, old)| stamp(path) != **old)
                .map(|(path, _)| path.clone())
                .collect();
            // A new file in a case folder (a context added) counts too.
            let added: Vec<PathBuf> = state
                .cases
                .iter()
                .flat_map(|(dir, _)| folder_files(dir))
                .filter(|f| !state.stamps.contains_key(f))
                .collect();
            if !changed.is_empty() || !added.is_empty() {
                break changed.into_iter().chain(added).collect();
            }
        };
        // Let an editor finish writing (save = truncate + write) before reading.
        std::thread::sleep(POLL);
        for path in &changed {
            outln!("changed: {}", show_path(path));
        }
        if let Ok(found) = harness::discover(paths) {
            cases = found;
        }
        let known: Vec<&PathBuf> = state.cases.iter().map(|(d, _)| d).collect();
        let affected: Vec<PathBuf> = cases
            .iter()
            .filter(|dir| {
                !known.contains(dir)
                    || state.cases.iter().any(|(d, files)| {
                        d == *dir
                            && (changed.iter().any(|c| files.contains(c))
                                || changed.iter().any(|c| c.starts_with(d)))
                    })
            })
            .cloned()
            .collect();
        if !affected.is_empty() {
            run_cases(&affected, options);
        }
        state = watched(&cases, options);
    }
}
