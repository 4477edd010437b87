//! The `vtl` binary on bad input: each row of `BAD_INPUTS` runs the command in a
//! scratch folder holding the row's files and records the exit code, standard
//! error and the start of standard output in one insta snapshot
//! (`tests/snapshots/cli__bad_inputs.snap`). `docs/security.md` lists the same rows.
//!
//! Every run has a deadline and (on Unix) a memory ceiling, so that a
//! regression that reads an endless input or expands an operation without
//! bound fails the test instead of hanging CI or taking the machine.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A file's content in a row.
enum Content {
    Text(&'static str),
    Bytes(&'static [u8]),
    /// `text` repeated `n` times.
    Repeat(&'static str, usize),
    /// Text made by a function (inputs too long to write out).
    Made(fn() -> String),
    /// A symbolic link to this target.
    Link(&'static str),
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

/// How long one run of `vtl` may take before the test kills it and fails.
const DEADLINE: Duration = Duration::from_secs(60);
/// How long the rows that read endless devices or expand fragment bombs may
/// take (they end in milliseconds; debug builds on a loaded CI machine are slow).
const QUICK: Duration = Duration::from_secs(10);
/// The address space a run may map (`ulimit -v`, KiB): an input read without
/// bound fails the run, instead of eating the machine's memory until the deadline.
const MEMORY_KIB: u64 = 4 << 20;

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
    // -- inputs read within their limits: endless devices, fragment bombs
    row("template: /dev/zero (an endless device)", &[], &["render", "/dev/zero"]),
    Row {
        name: "template: 70,000 bytes on standard input",
        files: &[],
        args: &["render", "-", "--output", "text"],
        stdin: Some(&[b'x'; 70_000]),
    },
    row(
        "context: /dev/zero",
        &[OK_TEMPLATE],
        &["render", "t.vtl", "--context", "/dev/zero"],
    ),
    row(
        "context: a UTF-8 byte-order mark",
        &[
            OK_TEMPLATE,
            ("ctx.json", Text("\u{feff}{\"arguments\": {\"id\": \"1\"}}")),
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
        "context: a lone surrogate escape",
        &[
            OK_TEMPLATE,
            ("ctx.json", Text("{\"arguments\": {\"id\": \"a\\ud800b\"}}")),
        ],
        &["render", "t.vtl", "--context", "ctx.json"],
    ),
    row("check: /dev/zero", &[], &["check", "/dev/zero"]),
    row(
        "context from-jwt: /dev/zero",
        &[],
        &["context", "from-jwt", "/dev/zero"],
    ),
    row(
        "context from-har: /dev/zero",
        &[],
        &["context", "from-har", "/dev/zero"],
    ),
    row(
        "context from-log: /dev/zero",
        &[],
        &["context", "from-log", "/dev/zero"],
    ),
    row(
        "authz: --schema /dev/zero",
        &[],
        &[
            "authz",
            "--schema",
            "/dev/zero",
            "--default-auth",
            "API_KEY",
            "--operation",
            "{ a }",
            "--auth",
            "API_KEY",
        ],
    ),
    row(
        "authz: an operation whose 30 fragments each spread the next twice",
        &[("schema.graphql", Text(SCHEMA)), ("bomb.graphql", Made(fragment_bomb))],
        &[
            "authz",
            "--schema",
            "schema.graphql",
            "--default-auth",
            "API_KEY",
            "--operation",
            "bomb.graphql",
            "--auth",
            "API_KEY",
        ],
    ),
    row(
        "context from-har: the same fragments in a capture",
        &[("bomb.har", Made(bomb_capture))],
        &["context", "from-har", "bomb.har"],
    ),
    row(
        "context from-har: --entry 99, out of range",
        &[("capture.har", Made(capture_of_eight))],
        &["context", "from-har", "capture.har", "--entry", "99"],
    ),
    row(
        "context from-har: --entry 3, not a GraphQL request",
        &[("capture.har", Made(capture_of_eight))],
        &["context", "from-har", "capture.har", "--entry", "3"],
    ),
    // -- render --output text
    row(
        "render --output text: numbers, -0, duplicate keys and escapes as written",
        &[(
            "t.vtl",
            Text("{\"n\": 12345678901234567890123, \"m\": -0, \"a\": 1, \"a\": 2, \"f\": 1.50, \"s\": \"\\u00e9\"}"),
        )],
        &["render", "t.vtl", "--output", "text"],
    ),
    // -- vtl test: only the files the user named
    row(
        "test: case.json names ../../../…/proc/self/environ",
        &[
            (
                "c/case.json",
                Text("{\"template\": \"../../../../../../../../../../../../../../../../proc/self/environ\"}"),
            ),
            ("c/context.json", Text("{}")),
        ],
        &["test", "c"],
    ),
    row(
        "test: a pipeline function's request is an absolute path",
        &[
            (
                "c/case.json",
                Text("{\"pipeline\": {\"functions\": [{\"request\": \"/etc/passwd\"}]}}"),
            ),
            ("c/context.json", Text("{}")),
        ],
        &["test", "c"],
    ),
    row(
        "test: template.vtl is a link that leads out of the case",
        &[
            ("secret.vtl", Text("a secret")),
            ("c/template.vtl", Link("../secret.vtl")),
            ("c/context.json", Text("{}")),
        ],
        &["test", "c"],
    ),
    row(
        "test: context.json is a link to /dev/zero",
        &[
            ("c/template.vtl", Text("{}")),
            ("c/context.json", Link("/dev/zero")),
        ],
        &["test", "c"],
    ),
    row(
        "test: a case naming ../../resolvers, run on the folder holding both",
        &[
            ("resolvers/t.vtl", Text("{\"ok\": true}")),
            (
                "tests/c/case.json",
                Text("{\"template\": \"../../resolvers/t.vtl\"}"),
            ),
            ("tests/c/context.json", Text("{}")),
        ],
        &["test", ".", "--accept"],
    ),
    row(
        "test: the same case run on its own folder",
        &[
            ("resolvers/t.vtl", Text("{\"ok\": true}")),
            (
                "tests/c/case.json",
                Text("{\"template\": \"../../resolvers/t.vtl\"}"),
            ),
            ("tests/c/context.json", Text("{}")),
        ],
        &["test", "tests/c", "--accept"],
    ),
    row(
        "test: --junit /dev/null (a device)",
        &[("c/template.vtl", Text("{}")), ("c/context.json", Text("{}"))],
        &["test", "c", "--accept", "--junit", "/dev/null"],
    ),
    row(
        "test: --junit to a symbolic link",
        &[
            ("c/template.vtl", Text("{}")),
            ("c/context.json", Text("{}")),
            ("kept.xml", Text("kept")),
            ("junit.xml", Link("kept.xml")),
        ],
        &["test", "c", "--accept", "--junit", "junit.xml"],
    ),
    row(
        "test: --lcov into a folder that does not exist",
        &[("c/template.vtl", Text("{}")), ("c/context.json", Text("{}"))],
        &["test", "c", "--accept", "--lcov", "reports/lcov.info"],
    ),
];

const SCHEMA: &str = "schema { query: Query }\ntype Query { a: String }\n";

/// 1.2 KB of GraphQL that expands to 2^30 fields: each fragment spreads the
/// next one twice.
fn fragment_bomb() -> String {
    let mut doc = String::from("query Bomb { ...F0 }\n");
    for i in 0..30 {
        doc.push_str(&format!(
            "fragment F{i} on Query {{ ...F{n} ...F{n} }}\n",
            n = i + 1
        ));
    }
    doc.push_str("fragment F30 on Query { a }\n");
    doc
}

/// A HAR capture of entries `(method, query)`.
fn capture(entries: &[(&str, &str)]) -> String {
    let entries: Vec<serde_json::Value> = entries
        .iter()
        .map(|(method, query)| {
            serde_json::json!({
                "request": {
                    "method": method,
                    "url": "https://abc.appsync-api.us-east-1.amazonaws.com/graphql",
                    "headers": [{"name": "x-api-key", "value": "da2-fake"}],
                    "postData": {"text": serde_json::json!({"query": query}).to_string()},
                },
                "response": {"status": 200, "content": {"text": "{\"data\": {}}"}},
            })
        })
        .collect();
    serde_json::json!({"log": {"entries": entries}}).to_string()
}

fn bomb_capture() -> String {
    capture(&[("POST", &fragment_bomb())])
}

/// Eight entries, GraphQL requests at 2, 5 and 7.
fn capture_of_eight() -> String {
    let mut entries = vec![("GET", ""); 8];
    entries[2] = ("POST", "query { a }");
    entries[5] = ("POST", "mutation { b }");
    entries[7] = ("POST", "query Q { c }");
    capture(&entries)
}

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

/// `vtl` under a memory ceiling (on Unix, through `sh -c 'ulimit -v …'`).
fn vtl_limited() -> Command {
    if cfg!(unix) {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("ulimit -v {MEMORY_KIB} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_vtl"))
            .env("NO_COLOR", "1")
            .env_remove("CI");
        cmd
    } else {
        vtl()
    }
}

/// Waits for `child` (writing `stdin`, reading its output) until
/// [`DEADLINE`]; kills it and fails the test past it.
fn finish(mut child: Child, stdin: &[u8], what: &str) -> (Output, Duration) {
    let start = Instant::now();
    let writer = child.stdin.take().map(|mut pipe| {
        let bytes = stdin.to_vec();
        // vtl may stop reading at its cap and exit: a broken pipe is expected.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
    });
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let status = loop {
        if let Some(status) = child.try_wait().expect("vtl runs") {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: vtl did not finish within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let elapsed = start.elapsed();
    if let Some(w) = writer {
        let _ = w.join();
    }
    let output = Output {
        status,
        stdout: stdout.join().expect("stdout read"),
        stderr: stderr.join().expect("stderr read"),
    };
    (output, elapsed)
}

/// Writes a row's files into `dir`.
fn make_files(dir: &Path, files: &[(&str, Content)]) {
    for (path, content) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("a row's folder");
        }
        match content {
            Text(t) => fs::write(&path, t),
            Bytes(b) => fs::write(&path, b),
            Repeat(t, n) => fs::write(&path, t.repeat(*n)),
            Made(f) => fs::write(&path, f()),
            Link(target) => symlink(target, &path),
            Dir => fs::create_dir_all(&path),
        }
        .expect("a row's file");
    }
}

#[cfg(unix)]
fn symlink(target: &str, path: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, path)
}

#[cfg(not(unix))]
fn symlink(_: &str, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other("symbolic links are tested on Unix"))
}

/// Runs one row (in a scratch folder of `test`) and describes what happened.
fn run_row(test: &str, row: &Row) -> String {
    let dir = scratch(test, row.name);
    make_files(&dir, row.files);
    let child = vtl_limited()
        .args(row.args)
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vtl runs");
    let (out, elapsed) = finish(child, row.stdin.unwrap_or(b""), row.name);
    if row.name.contains("/dev/zero") || row.name.contains("fragments") {
        assert!(
            elapsed < QUICK,
            "{}: took {elapsed:?}, more than {QUICK:?}",
            row.name
        );
    }
    // Paths that name the scratch folder (links resolved) are shown as `{dir}`.
    let real = dir.canonicalize().unwrap_or_else(|_| dir.clone());
    let unscratch = |s: String| {
        s.replace(&*real.to_string_lossy(), "{dir}")
            .replace(&*dir.to_string_lossy(), "{dir}")
    };
    let stderr = unscratch(String::from_utf8_lossy(&out.stderr).into_owned());
    let stdout = unscratch(String::from_utf8_lossy(&out.stdout).into_owned());
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

/// Runs `vtl args` in `dir` with the given stdout and stderr, under the deadline.
fn run_with(dir: &Path, args: &[&str], stdout: Stdio, stderr: Stdio) -> Output {
    let child = vtl_limited()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .expect("vtl runs");
    finish(child, b"", &args.join(" ")).0
}

/// A scratch folder with a template, a context, a case and a schema, for the
/// commands that print.
fn printing_commands_folder(test: &str) -> PathBuf {
    let dir = scratch(test, "files");
    make_files(
        &dir,
        &[
            OK_TEMPLATE,
            OK_CONTEXT,
            ("c/template.vtl", Text("{}")),
            ("c/context.json", Text("{}")),
            ("schema.graphql", Text(SCHEMA)),
        ],
    );
    dir
}

/// Every command that prints, with arguments that succeed.
const PRINTING: &[&[&str]] = &[
    &["render", "t.vtl", "--context", "ctx.json"],
    &[
        "render",
        "t.vtl",
        "--context",
        "ctx.json",
        "--output",
        "text",
    ],
    &["test", "c", "--accept"],
    &["explain", "t.vtl", "--context", "ctx.json"],
    &["explain", "t.vtl", "--matrix"],
    &["trace", "t.vtl", "--context", "ctx.json"],
    &["check", "t.vtl"],
    &["util", "list"],
    &[
        "context",
        "from-jwt",
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJzMSJ9.x",
    ],
    &[
        "authz",
        "--schema",
        "schema.graphql",
        "--default-auth",
        "API_KEY",
        "--operation",
        "{ a }",
        "--auth",
        "API_KEY",
    ],
    &["--help"],
];

/// `vtl render t.vtl > /dev/full`: output that cannot be written is exit
/// code 2 with one message, for every command that prints.
#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_is_exit_code_2() {
    let dir = printing_commands_folder("full");
    for args in PRINTING {
        let ok = run_with(&dir, args, Stdio::null(), Stdio::piped());
        assert_eq!(ok.status.code(), Some(0), "vtl {}", args.join(" "));
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = run_with(&dir, args, Stdio::from(full), Stdio::piped());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "vtl {}: {stderr}",
            args.join(" ")
        );
        assert_eq!(
            stderr
                .lines()
                .filter(|l| l.starts_with("error: cannot write the output"))
                .count(),
            1,
            "vtl {}: {stderr}",
            args.join(" ")
        );
    }
}

/// `vtl render nope.vtl 2>&-` and `2>/dev/full`: a closed or full stderr is
/// never a panic (exit code 101); the exit code still tells what happened.
#[cfg(target_os = "linux")]
#[test]
fn a_closed_or_full_stderr_is_not_a_panic() {
    let dir = printing_commands_folder("stderr");
    let failing: &[(&[&str], i32)] = &[
        (&["render", "nope.vtl"], 2),
        (&["render", "t.vtl", "--context", "nope.json"], 2),
        (&["render", "/dev/zero", "--output", "text"], 1),
        (&["check", "nope.vtl"], 2),
        (&["test", "nope"], 2),
        (&["context", "from-har", "nope.har"], 2),
        (&["render", "--nope"], 2),
    ];
    for (args, code) in failing {
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = run_with(&dir, args, Stdio::null(), Stdio::from(full));
        assert_eq!(
            out.status.code(),
            Some(*code),
            "vtl {} 2>/dev/full",
            args.join(" ")
        );
        // A closed stderr: the shell closes descriptor 2 before vtl starts.
        let child = Command::new("sh")
            .arg("-c")
            .arg("exec 2>&- \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_vtl"))
            .args(*args)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("sh runs");
        let (out, _) = finish(child, b"", &args.join(" "));
        assert_eq!(
            out.status.code(),
            Some(*code),
            "vtl {} 2>&-",
            args.join(" ")
        );
    }
    // Both at once: stdout full, stderr closed.
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let child = Command::new("sh")
        .arg("-c")
        .arg("exec 2>&- \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_vtl"))
        .args(["render", "t.vtl"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::from(full))
        .spawn()
        .expect("sh runs");
    assert_eq!(
        finish(child, b"", "render 2>&- >/dev/full").0.status.code(),
        Some(2)
    );
}

/// A file name that is not UTF-8 is read, and shown with its bytes escaped
/// (`caf\xE9.vtl`), never with replacement characters that hide it.
#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_are_shown_as_such() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = scratch("names", "latin1");
    let latin1 = OsStr::from_bytes(b"caf\xe9.vtl");
    fs::write(dir.join(latin1), "{\"a\": 1}").expect("template");
    let run = |args: &[&OsStr]| {
        let child = vtl_limited()
            .args(args)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("vtl runs");
        finish(child, b"", "latin1").0
    };
    let out = run(&[
        OsStr::new("render"),
        latin1,
        OsStr::new("--output"),
        OsStr::new("text"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{\n  \"a\": 1\n}\n");
    let missing = OsStr::from_bytes(b"n\xe9pe.json");
    let out = run(&[
        OsStr::new("render"),
        latin1,
        OsStr::new("--context"),
        missing,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: n\\xE9pe.json (a path that is not UTF-8): no such file\n"
    );
    // In a case folder, a context file's name names a test and its snapshot.
    let case = dir.join("c");
    fs::create_dir_all(case.join("contexts")).expect("case");
    fs::write(case.join("template.vtl"), "{}").expect("template");
    fs::write(
        case.join("contexts")
            .join(OsStr::from_bytes(b"\xe9t\xe9.json")),
        "{}",
    )
    .expect("context");
    let out = run(&[OsStr::new("test"), OsStr::new("c")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains("c/contexts/\\xE9t\\xE9.json: the file name is not UTF-8"),
        "{stdout}"
    );
    assert!(!stdout.contains('\u{fffd}'), "{stdout}");
}

/// `--junit` onto a symbolic link replaces neither the link nor its target;
/// onto a device it does not write; the run stops before testing anything.
#[cfg(unix)]
#[test]
fn reports_never_replace_links_or_devices() {
    let dir = scratch("reports", "links");
    make_files(
        &dir,
        &[
            ("c/template.vtl", Text("{}")),
            ("c/context.json", Text("{}")),
            ("kept.xml", Text("kept")),
            ("junit.xml", Link("kept.xml")),
        ],
    );
    for flag in ["--junit", "--lcov"] {
        let out = run_with(
            &dir,
            &["test", "c", "--accept", flag, "junit.xml"],
            Stdio::piped(),
            Stdio::piped(),
        );
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            fs::read_to_string(dir.join("kept.xml")).expect("kept"),
            "kept"
        );
        assert!(fs::symlink_metadata(dir.join("junit.xml"))
            .expect("link")
            .file_type()
            .is_symlink());
        // Refused before any test ran: no snapshot was written.
        assert!(!dir.join("c/snapshots").exists());
    }
    // A plain file is replaced whole.
    let out = run_with(
        &dir,
        &["test", "c", "--accept", "--junit", "kept.xml"],
        Stdio::piped(),
        Stdio::piped(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(fs::read_to_string(dir.join("kept.xml"))
        .expect("report")
        .starts_with("<?xml"));
}

/// Two `vtl test --accept` runs over the same 200 cases at once, each
/// promoting the same pending `.snap.new` files: neither fails, and every
/// snapshot ends whole, with no temporary or pending file left.
#[test]
fn two_accepting_runs_at_once_do_not_fail_each_other() {
    let dir = scratch("concurrent", "cases");
    for i in 0..200 {
        let case = dir.join(format!("case{i:03}"));
        fs::create_dir_all(&case).expect("case folder");
        fs::write(case.join("template.vtl"), "{\"n\": $ctx.args.n}").expect("template");
        fs::write(
            case.join("context.json"),
            format!("{{\"arguments\": {{\"n\": {i}}}}}"),
        )
        .expect("context");
    }
    for round in 0..2 {
        // The first run leaves a pending `.snap.new` for every test; the two
        // accepting runs then race to rename (or rewrite) each one.
        let pending = run_with(
            &dir,
            &["test", ".", "-j", "1"],
            Stdio::null(),
            Stdio::null(),
        );
        assert_eq!(pending.status.code(), Some(if round == 0 { 1 } else { 0 }));
        if round == 1 {
            for i in 0..200 {
                fs::write(
                    dir.join(format!("case{i:03}/template.vtl")),
                    "{\"m\": $ctx.args.n}",
                )
                .expect("template");
            }
            run_with(
                &dir,
                &["test", ".", "-j", "1"],
                Stdio::null(),
                Stdio::null(),
            );
        }
        let spawn = || {
            vtl_limited()
                .args(["test", ".", "--accept", "-j", "1"])
                .current_dir(&dir)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("vtl test --accept")
        };
        let (a, b) = (spawn(), spawn());
        for (name, child) in [("first", a), ("second", b)] {
            let (out, _) = finish(child, b"", name);
            assert_eq!(
                out.status.code(),
                Some(0),
                "round {round}, {name} run:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let files = tree(&dir);
    let snaps: Vec<_> = files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|x| x == "snap"))
        .collect();
    assert_eq!(snaps.len(), 200);
    for (path, bytes) in snaps {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            text.starts_with("---\n") && text.contains("\"m\""),
            "{} is not whole: {text}",
            path.display()
        );
    }
    let left: Vec<_> = files
        .iter()
        .filter(|(p, _)| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".tmp") || name.ends_with(".snap.new")
        })
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}
