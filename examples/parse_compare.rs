//! Compares the two parse paths on every `.vtl` file under the given folders:
//! the fast path (`src/parse/fast.rs`) must give up or build exactly the tree
//! of the pest path, the specification (`tests/parse_equivalence.rs` does the
//! same for the repository's own files).
//!
//! ```text
//! cargo run --release --example parse_compare -- DIR...
//! ```
//!
//! Prints each template that differs or that falls back although pest parses
//! it, then the counts; exits with 1 if any template differs.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use appsync_vtl::harness::vtl_files;
use appsync_vtl::parse::{compare_paths, PathComparison};
use appsync_vtl::Source;

fn main() -> ExitCode {
    let dirs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if dirs.is_empty() {
        eprintln!("usage: parse_compare DIR...");
        return ExitCode::from(2);
    }
    let (mut same, mut fell_back, mut rejected, mut different) = (0, 0, 0, 0);
    for dir in &dirs {
        let files = match vtl_files(dir) {
            Ok(files) => files,
            Err(e) => {
                eprintln!("{}: {e}", dir.display());
                return ExitCode::from(2);
            }
        };
        for path in files {
            let Ok(text) = std::fs::read_to_string(&path) else {
                eprintln!("{}: not readable as UTF-8", path.display());
                continue;
            };
            let source = Arc::new(Source::new(path.display().to_string(), text));
            match compare_paths(&source) {
                PathComparison::Same => same += 1,
                PathComparison::FellBack { parsed: true } => {
                    fell_back += 1;
                    println!("fell back: {}", path.display());
                }
                PathComparison::FellBack { parsed: false } => rejected += 1,
                PathComparison::Different { .. } => {
                    different += 1;
                    println!("DIFFERENT: {}", path.display());
                }
            }
        }
    }
    println!(
        "{same} equal, {fell_back} fell back (pest parses them), \
         {rejected} rejected by both, {different} different"
    );
    if different > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
