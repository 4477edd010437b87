//! How fast `vtl lsp` answers an editor, end to end over its pipes: a 64 KB
//! template (the bundled resolver templates, repeated) is opened, then edited
//! one keystroke at a time; timed are the change → `publishDiagnostics`
//! latency, a completion after `$util.` and a hover.
//!
//! ```text
//! cargo build --release && cargo run --release --example lsp_latency [-- ROUNDS]
//! ```
//!
//! Prints the median and the 90th percentile of each, in milliseconds.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use serde_json::{json, Value};

const TARGET_BYTES: usize = 64 * 1024;

struct Pipe {
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    id: i64,
}

impl Pipe {
    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn read(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).expect("read") > 0,
                "server closed"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().expect("length");
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).expect("body");
        serde_json::from_slice(&body).expect("JSON")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.id += 1;
        let id = self.id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let msg = self.read();
            if msg["id"] == id && msg.get("method").is_none() {
                return msg;
            }
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn wait_diagnostics(&mut self) -> Value {
        loop {
            let msg = self.read();
            if msg["method"] == "textDocument/publishDiagnostics" {
                return msg;
            }
        }
    }
}

fn template() -> String {
    let mut parts = Vec::new();
    let dir = std::path::Path::new("templates/resolvers/post");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("templates/resolvers/post")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    for f in files {
        parts.push(std::fs::read_to_string(f).expect("template"));
    }
    let mut out = String::new();
    while out.len() < TARGET_BYTES {
        for p in &parts {
            if out.len() + p.len() > TARGET_BYTES {
                return out;
            }
            out.push_str(p);
            out.push('\n');
        }
    }
    out
}

fn summary(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(|a, b| a.total_cmp(b));
    let median = ms[ms.len() / 2];
    let p90 = ms[(ms.len() * 9 / 10).min(ms.len() - 1)];
    println!(
        "{name}: median {median:.2} ms, p90 {p90:.2} ms ({} samples)",
        ms.len()
    );
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(50);
    let vtl = std::env::var("VTL").unwrap_or_else(|_| "target/release/vtl".to_string());
    let mut child = Command::new(&vtl)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{vtl}: {e} (cargo build --release first)"));
    let mut p = Pipe {
        stdin: child.stdin.take().expect("stdin"),
        stdout: BufReader::new(child.stdout.take().expect("stdout")),
        id: 0,
    };
    p.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    p.notify("initialized", json!({}));
    let text = template();
    let lines = text.lines().count() as u32;
    let uri = "file:///bench/big.vtl";
    p.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "vtl", "version": 1, "text": text}}),
    );
    p.wait_diagnostics();
    // Completion right after the first `$util.` (every function is offered).
    let util_at = text.find("$util.").expect("a $util call") + "$util.".len();
    let util_line = text[..util_at].matches('\n').count();
    let util_col = util_at - text[..util_at].rfind('\n').map_or(0, |n| n + 1);
    let mut change_ms = Vec::new();
    let mut completion_ms = Vec::new();
    let mut hover_ms = Vec::new();
    for round in 0..rounds {
        // A keystroke in the middle of the template.
        let line = lines / 2;
        let t = Instant::now();
        p.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": round + 2},
                   "contentChanges": [{"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
                                        "text": if round % 2 == 0 { "x" } else { "" }}]}),
        );
        p.wait_diagnostics();
        change_ms.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let done = p.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": util_line, "character": util_col}}),
        );
        completion_ms.push(t.elapsed().as_secs_f64() * 1e3);
        let offered = done["result"].as_array().map_or(0, Vec::len);
        assert!(offered > 20, "completion after `$util.`: {done}");
        let t = Instant::now();
        p.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 8}}),
        );
        hover_ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    println!(
        "vtl lsp on a {} byte template ({lines} lines), {rounds} edits:",
        text.len()
    );
    summary("change → diagnostics", change_ms);
    summary("completion", completion_ms);
    summary("hover", hover_ms);
    p.request("shutdown", Value::Null);
    p.notify("exit", Value::Null);
    let _ = child.wait();
}
