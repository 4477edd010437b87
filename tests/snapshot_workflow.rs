//! The snapshot workflow of `vtl test`: `--review` (accept, reject, skip, quit
//! from standard input), `--unreferenced=warn|reject|delete`, `--watch`.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn vtl(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vtl"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vtl runs");
    if let Some(mut pipe) = child.stdin.take() {
        let _ = pipe.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("vtl ends")
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A case folder `c` with two contexts, accepted, then its template changed:
/// two pending results.
fn two_pending() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let case = dir.path().join("c");
    std::fs::create_dir_all(case.join("contexts")).expect("case");
    std::fs::write(case.join("template.vtl"), r#"{"a": 1}"#).expect("template");
    std::fs::write(case.join("contexts/one.json"), "{}").expect("context");
    std::fs::write(case.join("contexts/two.json"), "{}").expect("context");
    assert!(vtl(dir.path(), &["test", "c", "--accept"], "")
        .status
        .success());
    std::fs::write(case.join("template.vtl"), r#"{"a": 2}"#).expect("template");
    let snaps = case.join("snapshots");
    (dir, snaps)
}

fn snapshot_files(snaps: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(snaps)
        .expect("snapshots")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn review_accepts_rejects_and_skips() {
    let (dir, snaps) = two_pending();
    let out = vtl(dir.path(), &["test", "c", "--review"], "a\nr\n");
    let printed = text(&out);
    assert!(
        printed.contains("c@one (1/2) changed") && printed.contains("+    \"a\": 2"),
        "{printed}"
    );
    assert!(
        printed.ends_with("1 accepted, 1 rejected, 0 skipped\n"),
        "{printed}"
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(snapshot_files(&snaps), ["c@one.snap", "c@two.snap"]);
    let one = std::fs::read_to_string(snaps.join("c@one.snap")).expect("snap");
    let two = std::fs::read_to_string(snaps.join("c@two.snap")).expect("snap");
    assert!(one.contains("\"a\": 2") && two.contains("\"a\": 1"));

    // Skipped (or unanswered) results stay pending, and the exit code says so.
    let out = vtl(dir.path(), &["test", "c", "--review"], "x\ns\n");
    let printed = text(&out);
    assert!(printed.contains("please answer a, r, s or q"), "{printed}");
    assert!(
        printed.ends_with("0 accepted, 0 rejected, 1 skipped\n"),
        "{printed}"
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(snapshot_files(&snaps).contains(&"c@two.snap.new".to_string()));
}

#[test]
fn unreferenced_snapshots_are_warned_rejected_or_deleted() {
    let (dir, snaps) = two_pending();
    std::fs::remove_file(dir.path().join("c/contexts/two.json")).expect("remove");
    let out = vtl(dir.path(), &["test", "c", "--unreferenced", "warn"], "");
    let printed = text(&out);
    assert!(
        printed.contains("unreferenced snapshot: c/snapshots/c@two.snap "),
        "{printed}"
    );
    assert_eq!(out.status.code(), Some(1)); // c@one changed
    assert!(vtl(dir.path(), &["test", "c", "--accept"], "")
        .status
        .success());
    let out = vtl(dir.path(), &["test", "c", "--unreferenced", "warn"], "");
    assert_eq!(out.status.code(), Some(0));
    let out = vtl(dir.path(), &["test", "c", "--unreferenced", "reject"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("unreferenced snapshot(s): remove them with --unreferenced=delete"));
    let out = vtl(dir.path(), &["test", "c", "--unreferenced", "delete"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(snapshot_files(&snaps), ["c@one.snap"]);
}

#[test]
fn watch_runs_the_changed_cases_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["a", "b"] {
        let case = dir.path().join(name);
        std::fs::create_dir_all(&case).expect("case");
        std::fs::write(case.join("template.vtl"), r#"{"n": 1}"#).expect("template");
        std::fs::write(case.join("context.json"), "{}").expect("context");
    }
    assert!(vtl(dir.path(), &["test", ".", "--accept"], "")
        .status
        .success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_vtl"))
        .args(["test", ".", "--watch"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("vtl test --watch");
    // A watchdog: the test never hangs on a server that stopped printing.
    let pid = child.id().to_string();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(60));
        let _ = Command::new("kill").arg(&pid).status();
    });
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut wait_for = |what: &str| -> Vec<String> {
        let mut seen = Vec::new();
        for line in lines.by_ref() {
            let line = line.expect("a line");
            let done = line.contains(what);
            seen.push(line);
            if done || Instant::now() > deadline {
                break;
            }
        }
        seen
    };
    let first = wait_for("watching");
    assert!(first.iter().any(|l| l == "2 passed, 0 failed"), "{first:?}");
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(dir.path().join("b/template.vtl"), r#"{"n": 2}"#).expect("edit");
    let second = wait_for("watching");
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        second
            .iter()
            .any(|l| l.starts_with("changed: ") && l.ends_with("template.vtl")),
        "{second:?}"
    );
    // Only the changed case ran again, and its snapshot differs now.
    assert!(
        second.iter().any(|l| l == "0 passed, 1 failed"),
        "{second:?}"
    );
    assert!(
        second
            .iter()
            .any(|l| l.contains("FAIL ./b@context") || l.contains("FAIL b@context")),
        "{second:?}"
    );
}
