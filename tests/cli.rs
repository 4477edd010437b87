//! The `vtl` binary on bad input: each row of `BAD_INPUTS` runs the command in a
//! scratch folder holding the row's files and records the exit code, standard
//! error and the start of standard output in one insta snapshot
//! (`tests/snapshots/cli__bad_inputs.snap`). `docs/security.md` lists the same rows.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A file's content in a row.
enum Content {
    Text(&'static str),
    Bytes(&'static [u8]),
    /// `text` repeated `n` times.
    Repeat(&'static str, usize),
    Dir,
}
use Content::*;

/// One bad input: the files it needs, the arguments after `vtl`, and stdin.
struct Row {
    name: &'static str,
    files: &'static [(&'static str, Content)],
    args: &'static [&'static str],
    stdin: Option<&'static [u8]>,
}

const OK_TEMPLATE: (&str, Content) = ("t.vtl", Text("{\"id\": \"$ctx.args.id\"}"));
const OK_CONTEXT: (&str, Content) = ("ctx.json", Text("{\"arguments\": {\"id\": \"1\"}}"));

const fn row(
    name: &'static str,
    files: &'static [(&'static str, Content)],
    args: &'static [&'static str],
) -> Row {
    Row {
        name,
        files,
        args,
        stdin: None,
    }
}

const BAD_INPUTS: &[Row] = &[
    // -- the template file
    row("template: missing file", &[], &["render", "nope.vtl"]),
    row("template: a directory", &[("dir", Dir)], &["render", "dir"]),
    row(
        "template: not UTF-8 (Latin-1 byte)",
        &[("t.vtl", Bytes(b"caf\xe9 $ctx.args"))],
        &["render", "t.vtl"],
    ),
    row(
        "template: UTF-16 with a byte-order mark",
        &[("t.vtl", Bytes(b"\xff\xfe$\x00a\x00"))],
        &["render", "t.vtl"],
    ),
    row(
        "template: empty file",
        &[("t.vtl", Text(""))],
        &["render", "t.vtl"],
    ),
    row(
        "template: only whitespace",
        &[("t.vtl", Text(" \n\t\n"))],
        &["render", "t.vtl", "--output", "text"],
    ),
    row(
        "template: UTF-8 byte-order mark",
        &[("t.vtl", Text("\u{feff}{\"a\": 1}"))],
        &["render", "t.vtl"],
    ),
    row(
        "template: NUL and control bytes",
        &[("t.vtl", Bytes(b"a\x00b\x07c $x"))],
        &["render", "t.vtl", "--output", "text"],
    ),
    row(
        "template: larger than 64 KB",
        &[("t.vtl", Repeat("x", 70_000))],
        &["render", "t.vtl"],
    ),
    row(
        "template: larger than 64 KB, limit raised",
        &[("t.vtl", Repeat("x", 70_000))],
        &[
            "render",
            "t.vtl",
            "--max-template-bytes",
            "100000",
            "--output",
            "text",
        ],
    ),
    row(
        "template: syntax error",
        &[("t.vtl", Text("#if($a\n  x\n#end"))],
        &["render", "t.vtl"],
    ),
    row(
        "template: unclosed #foreach",
        &[("t.vtl", Text("#foreach($i in [1, 2])\n$i\n"))],
        &["render", "t.vtl", "--output", "text"],
    ),
    row(
        "template: raises $util.error",
        &[("t.vtl", Text("$util.error(\"no\", \"Forbidden\")"))],
        &["render", "t.vtl"],
    ),
    row(
        "template: CRLF line endings",
        &[("t.vtl", Text("#set($a = 1)\r\n$a\r\n"))],
        &["render", "t.vtl", "--output", "text"],
    ),
    Row {
        name: "template: standard input, empty",
        files: &[],
        args: &["render", "-"],
        stdin: Some(b""),
    },
    Row {
        name: "template: standard input, not UTF-8",
        files: &[],
        args: &["render", "-"],
        stdin: Some(b"\xc3\x28"),
    },
    // -- the context file
    row(
        "context: missing file",
        &[OK_TEMPLATE],
        &["render", "t.vtl", "--context", "nope.json"],
    ),
    row(
        "context: a directory",
        &[OK_TEMPLATE, ("dir", Dir)],
        &["render", "t.vtl", "--context", "dir"],
    ),
    row(
        "context: empty file",
        &[OK_TEMPLATE, ("ctx.json", Text(""))],
        &["render", "t.vtl", "--context", "ctx.json"],
    ),
    row(
        "context: trailing comma",
        &[
            OK_TEMPLATE,
            ("ctx.json", Text("{\n  \"arguments\": {\"id\": 1},\n}")),
        ],
        &["render", "t.vtl", "--context", "ctx.json"],
    ),
    row(
        "context: truncated",
        &[OK_TEMPLATE, ("ctx.json", Text("{\"arguments\": {\"id\": "))],
        &["render", "t.vtl", "--context", "ctx.json"],
    ),
    row(
        "context: single quotes",
        &[OK_TEMPLATE, ("ctx.json", Text("{'arguments': {}}"))],
        &["render", "t.vtl", "--context", "ctx.json"],
    ),
    row(
        "context: comment",
        &[
            OK_TEMPLATE,
            (
                "ctx.json",
                Text("{\n  // the caller\n  \"arguments\": {}\n}"),
            ),
        ],
        &["render", "t.vtl", "--context", "ctx.json"],
    ),
    row(
        "context: not UTF-8",
        &[
            OK_TEMPLATE,
            ("ctx.json", Bytes(b"{\"arguments\": {\"n\": \"\xff\"}}")),
        ],
        &["render", "t.vtl", "--context", "ctx.json"],
    ),
    row(
        "context: a JSON array",
        &[OK_TEMPLATE, ("ctx.json", Text("[{\"arguments\": {}}]"))],
        &["render", "t.vtl", "--context", "ctx.json"],
    ),
    row(
        "context: a JSON string",
        &[OK_TEMPLATE, ("ctx.json", Text("\"arguments\""))],
        &["render", "t.vtl", "--context", "ctx.json"],
    ),
    row(
        "context: JSON null",
        &[OK_TEMPLATE, ("ctx.json", Text("null"))],
        &["render", "t.vtl", "--context", "ctx.json"],
    ),
    row(
        "context: two JSON values",
        &[OK_TEMPLATE, ("ctx.json", Text("{} {}"))],
        &["render", "t.vtl", "--context", "ctx.json"],
    ),
    row(
        "context: nested 200 levels",
        &[OK_TEMPLATE, ("ctx.json", Repeat("[", 200))],
        &["render", "t.vtl", "--context", "ctx.json"],
    ),
    row(
        "context: number out of range",
        &[
            OK_TEMPLATE,
            ("ctx.json", Text("{\"arguments\": {\"n\": 1e400}}")),
        ],
        &["render", "t.vtl", "--context", "ctx.json"],
    ),
    row(
        "context: unknown keys (a typo of arguments)",
        &[
            OK_TEMPLATE,
            (
                "ctx.json",
                Text("{\"arguements\": {\"id\": 1}, \"identiy\": {}}"),
            ),
        ],
        &[
            "render",
            "t.vtl",
            "--context",
            "ctx.json",
            "--output",
            "text",
        ],
    ),
    row(
        "context: identity is a string",
        &[
            ("t.vtl", Text("[$ctx.identity.sub] $util.authType()")),
            ("ctx.json", Text("{\"identity\": \"alice\"}")),
        ],
        &[
            "render",
            "t.vtl",
            "--context",
            "ctx.json",
            "--output",
            "text",
        ],
    ),
    row(
        "context: duplicate keys (the last wins, as in Jackson)",
        &[
            OK_TEMPLATE,
            ("ctx.json", Text("{\"arguments\": {\"id\": 1, \"id\": 2}}")),
        ],
        &[
            "render",
            "t.vtl",
            "--context",
            "ctx.json",
            "--output",
            "text",
        ],
    ),
    // -- flags
    row("flags: no template", &[], &["render"]),
    row(
        "flags: unknown flag",
        &[OK_TEMPLATE],
        &["render", "t.vtl", "--nope"],
    ),
    row(
        "flags: --now not RFC 3339",
        &[OK_TEMPLATE],
        &["render", "t.vtl", "--now", "yesterday"],
    ),
    row(
        "flags: --auth-type unknown",
        &[OK_TEMPLATE],
        &["render", "t.vtl", "--auth-type", "ROOT"],
    ),
    row(
        "flags: --seed not a number",
        &[OK_TEMPLATE],
        &["render", "t.vtl", "--seed=-1"],
    ),
    row(
        "flags: --timeout negative",
        &[OK_TEMPLATE],
        &["render", "t.vtl", "--timeout=-5"],
    ),
    row(
        "flags: --max-output-bytes not a number",
        &[OK_TEMPLATE],
        &["render", "t.vtl", "--max-output-bytes", "5MB"],
    ),
    row(
        "flags: --max-output-bytes 10 on a longer output",
        &[OK_TEMPLATE, OK_CONTEXT],
        &[
            "render",
            "t.vtl",
            "--context",
            "ctx.json",
            "--max-output-bytes",
            "10",
        ],
    ),
    row(
        "flags: --max-loop-iterations 3",
        &[("t.vtl", Text("#foreach($i in [1..10])$i #end"))],
        &["render", "t.vtl", "--max-loop-iterations", "3"],
    ),
    row(
        "flags: --timeout 0.01 inside one walk over a value (a map that holds itself twice)",
        &[(
            "t.vtl",
            Text("#set($m = {})$util.qr($m.put(\"a\", $m))$util.qr($m.put(\"b\", $m))\n$util.toJson($m)"),
        )],
        &["render", "t.vtl", "--timeout", "0.01", "--max-work", "1000000000000"],
    ),
    // -- the other commands
    row(
        "check: larger than 64 KB",
        &[("t.vtl", Repeat("x\n", 35_000))],
        &["check", "t.vtl"],
    ),
    row("check: missing file", &[], &["check", "nope.vtl"]),
    row("check: a directory", &[("dir", Dir)], &["check", "dir"]),
    row(
        "check: not UTF-8",
        &[("t.vtl", Bytes(b"\xfe\xfe"))],
        &["check", "t.vtl"],
    ),
    row("explain: missing file", &[], &["explain", "nope.vtl"]),
    row(
        "explain: context not an object",
        &[OK_TEMPLATE, ("ctx.json", Text("[]"))],
        &["explain", "t.vtl", "--context", "ctx.json"],
    ),
    row("trace: a directory", &[("dir", Dir)], &["trace", "dir"]),
    // -- vtl test (the harness)
    row(
        "test: a case folder with no template",
        &[("c/context.json", Text("{}"))],
        &["test", "c"],
    ),
    row(
        "test: a corrupt snapshot (a merge conflict)",
        &[
            ("c/template.vtl", Text("{}")),
            ("c/context.json", Text("{}")),
            (
                "c/snapshots/c@context.snap",
                Text("<<<<<<< HEAD\n{}\n=======\n[]\n>>>>>>> other\n"),
            ),
        ],
        &["test", "c"],
    ),
    row(
        "test: case.json is not JSON",
        &[
            ("c/template.vtl", Text("{}")),
            ("c/case.json", Text("{\"now\": }")),
        ],
        &["test", "c"],
    ),
    row(
        "test: context.json is not JSON",
        &[
            ("c/template.vtl", Text("{}")),
            ("c/context.json", Text("{\"arguments\": }")),
        ],
        &["test", "c"],
    ),
    row("test: a path that does not exist", &[], &["test", "nope"]),
    row(
        "test: a folder with no cases",
        &[("empty", Dir)],
        &["test", "empty"],
    ),
    row(
        "test: --max-loop-iterations lower than the snapshot's loop",
        &[
            ("c/template.vtl", Text("#foreach($i in [1..5])$i #end")),
            ("c/context.json", Text("{}")),
            ("c/snapshots/c@context.snap", Text("---\nsource: vtl test\nexpression: template.vtl\ninput_file: context.json\n---\n{\n  \"output\": \"1 2 3 4 5 \",\n  \"jsonError\": \"trailing characters at line 1 column 3\"\n}\n")),
        ],
        &["test", "c", "--max-loop-iterations", "2"],
    ),
    row("test: --timeout=-1", &[], &["test", "--timeout=-1"]),
];

/// A fresh scratch folder for one row of one test (tests run in parallel).
fn scratch(test: &str, name: &str) -> PathBuf {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(test)
        .join(slug);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

fn vtl() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vtl"));
    cmd.env("NO_COLOR", "1").env_remove("CI");
    cmd
}

/// Runs one row (in a scratch folder of `test`) and describes what happened.
fn run_row(test: &str, row: &Row) -> String {
    let dir = scratch(test, row.name);
    for (path, content) in row.files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("a row's folder");
        }
        match content {
            Text(t) => fs::write(&path, t),
            Bytes(b) => fs::write(&path, b),
            Repeat(t, n) => fs::write(&path, t.repeat(*n)),
            Dir => fs::create_dir_all(&path),
        }
        .expect("a row's file");
    }
    let mut child = vtl()
        .args(row.args)
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vtl runs");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(row.stdin.unwrap_or(b"")).expect("stdin");
    }
    let out = child.wait_with_output().expect("vtl finishes");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stderr.contains("panicked"),
        "{}: vtl panicked:\n{stderr}",
        row.name
    );
    let stdout: String = stdout.chars().take(300).collect();
    let mut s = format!(
        "## {}\n$ vtl {}\nexit {}\n",
        row.name,
        row.args.join(" "),
        out.status
            .code()
            .map_or("(signal)".into(), |c| c.to_string())
    );
    let stderr: Vec<&str> = stderr.lines().take(12).collect();
    if !stderr.is_empty() {
        s.push_str(&format!("stderr:\n  {}\n", stderr.join("\n  ").trim_end()));
    }
    if !stdout.trim().is_empty() {
        s.push_str(&format!(
            "stdout:\n  {}\n",
            stdout.trim_end().replace('\n', "\n  ")
        ));
    }
    s
}

#[test]
fn bad_inputs_get_one_clear_message_and_the_right_exit_code() {
    assert!(BAD_INPUTS.len() >= 40);
    let report: Vec<String> = BAD_INPUTS.iter().map(|r| run_row("bad", r)).collect();
    insta::assert_snapshot!("bad_inputs", report.join("\n"));
}

#[test]
fn unreadable_input_exits_with_2() {
    for row in BAD_INPUTS.iter().filter(|r| {
        r.name.contains("missing file") || r.name.contains("directory") || r.name.contains("UTF-8)")
    }) {
        let report = run_row("unreadable", row);
        assert!(report.contains("\nexit 2\n"), "{report}");
    }
}

/// `vtl render … | head -1`: the reader goes away after one line; vtl must not
/// print a panic (Rust's `println!` panics on a closed pipe) and still exits 0.
#[test]
fn a_closed_pipe_is_not_an_error() {
    let dir = scratch("pipe", "closed pipe");
    fs::write(
        dir.join("t.vtl"),
        "#foreach($i in [1..100000])line $i\n#end",
    )
    .expect("template");
    let mut child = vtl()
        .args([
            "render",
            "t.vtl",
            "--output",
            "text",
            "--max-loop-iterations",
            "100000",
        ])
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vtl runs");
    let mut first = String::new();
    {
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("one line");
        // The reader is dropped here: the pipe closes with most output unread.
    }
    let out = child.wait_with_output().expect("vtl finishes");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(first, "line 1\n");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr, "");
    assert_eq!(out.status.code(), Some(0));
}

/// Every file under `dir` with its bytes, sorted by path.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in fs::read_dir(&d).expect("a folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = fs::read(&path).expect("a file");
                out.push((path, bytes));
            }
        }
    }
    out.sort();
    out
}

/// `vtl test` killed in the middle of a run: the accepted snapshots are as they
/// were, and every snapshot file present is whole (written by rename).
#[test]
fn an_interrupted_test_run_keeps_the_accepted_snapshots() {
    let dir = scratch("interrupted", "cases");
    for i in 0..300 {
        let case = dir.join(format!("case{i:03}"));
        fs::create_dir_all(&case).expect("case folder");
        fs::write(case.join("template.vtl"), "{\"n\": $ctx.args.n}").expect("template");
        fs::write(
            case.join("context.json"),
            format!("{{\"arguments\": {{\"n\": {i}}}}}"),
        )
        .expect("context");
    }
    let accept = vtl()
        .args(["test", "--accept", "-j", "1"])
        .arg(&dir)
        .output()
        .expect("vtl test --accept");
    assert_eq!(
        accept.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&accept.stderr)
    );
    let accepted = tree(&dir);
    assert_eq!(
        accepted
            .iter()
            .filter(|(p, _)| p.extension().is_some_and(|x| x == "snap"))
            .count(),
        300
    );

    // Every template changes, so each test fails and writes a `.snap.new`;
    // the run is killed partway.
    for i in 0..300 {
        fs::write(
            dir.join(format!("case{i:03}/template.vtl")),
            "{\"m\": $ctx.args.n}",
        )
        .expect("template");
    }
    let mut child = vtl()
        .args(["test", "-j", "1"])
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("vtl test");
    std::thread::sleep(std::time::Duration::from_millis(150));
    let _ = child.kill();
    let _ = child.wait();

    let after = tree(&dir);
    for (path, bytes) in &accepted {
        if path.extension().is_some_and(|x| x == "snap") {
            let now = after.iter().find(|(p, _)| p == path).map(|(_, b)| b);
            assert_eq!(now, Some(bytes), "{} changed", path.display());
        }
    }
    for (path, bytes) in &after {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(".snap.new") {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                text.starts_with("---\n") && text.contains("\"m\""),
                "{name} is partial: {text}"
            );
        }
    }
}
