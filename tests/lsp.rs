//! `vtl lsp` spoken to over its standard input and output, as an editor does:
//! initialize, open, change, diagnostics, completion, hover, definition,
//! references, symbols, quick fixes, explain in place, shutdown. Random edit
//! sequences never crash the server or leave its text different from the
//! editor's.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use proptest::prelude::*;
use serde_json::{json, Value};

/// A client driving one server process.
struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: i64,
    /// Notifications received while waiting for responses.
    notes: Vec<Value>,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vtl"))
            .args(["lsp", "--stdio"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("vtl lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut c = Client {
            child,
            stdin,
            stdout,
            next_id: 0,
            notes: Vec::new(),
        };
        let init = c.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": { "textDocument": { "publishDiagnostics": { "relatedInformation": true } } },
            }),
        );
        assert_eq!(init["serverInfo"]["name"], "vtl");
        assert_eq!(
            init["capabilities"]["textDocumentSync"], 2,
            "incremental sync"
        );
        c.notify("initialized", json!({}));
        c
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn read(&mut self) -> Value {
        let mut length = 0usize;
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

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let msg = self.read();
            if msg["id"] == id && msg.get("method").is_none() {
                assert!(msg.get("error").is_none(), "{method}: {msg}");
                return msg["result"].clone();
            }
            if msg.get("method").is_some() && msg.get("id").is_some() {
                // A request from the server (inlay hint refresh): answer it.
                let reply = json!({ "jsonrpc": "2.0", "id": msg["id"], "result": null });
                self.send(reply);
                continue;
            }
            self.notes.push(msg);
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            if let Some(i) = self.notes.iter().position(|n| {
                n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri
            }) {
                let note = self.notes.remove(i);
                return note["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            let msg = self.read();
            self.notes.push(msg);
        }
    }

    /// The diagnostics last published for `uri`, once everything sent so far
    /// has been handled: diagnostics follow the batch of messages they answer,
    /// so a request sent after the first one's answer comes after them.
    fn latest_diagnostics(&mut self, uri: &str) -> Vec<Value> {
        for _ in 0..2 {
            self.request(
                "textDocument/documentSymbol",
                json!({ "textDocument": { "uri": uri } }),
            );
        }
        let mut latest = None;
        self.notes.retain(|n| {
            let ours =
                n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri;
            if ours {
                latest = Some(n["params"]["diagnostics"].clone());
            }
            !ours
        });
        latest
            .and_then(|d| d.as_array().cloned())
            .expect("diagnostics were published")
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "vtl", "version": 1, "text": text } }),
        );
    }

    fn at(&self, uri: &str, line: u32, character: u32) -> Value {
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
    }

    fn shutdown(mut self) {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().expect("exits");
        assert!(status.success(), "{status}");
    }
}

const URI: &str = "file:///nowhere/auth.vtl";

#[test]
fn a_session() {
    let mut c = Client::start();
    let text = "#set($isAuthorized = false)\n#if($ctx.identity)\n  #set($isAuthorized = true)\n#end\n$util.toJsn($isAuthorized) $$isAuthorized\n";
    c.open(URI, text);
    let found = c.diagnostics(URI);
    let codes: Vec<&str> = found.iter().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(codes, ["unknown-util", "dollar-dollar"], "{found:?}");
    assert_eq!(
        found[0]["range"]["start"],
        json!({ "line": 4, "character": 5 })
    );

    // Quick fixes: `toJsn` → `toJson` (and `$$` → `$`, further right).
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI },
                "range": { "start": { "line": 4, "character": 0 }, "end": { "line": 4, "character": 20 } },
                "context": { "diagnostics": [] } }),
    );
    assert_eq!(actions[0]["title"], "use `toJson`");
    let edit = &actions[0]["edit"]["changes"][URI][0];
    assert_eq!(edit["newText"], "toJson");
    assert_eq!(edit["range"]["start"], json!({ "line": 4, "character": 6 }));

    // An incremental change: the `$$` goes; only the unknown function is left.
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": URI, "version": 2 },
                "contentChanges": [{ "range": { "start": { "line": 4, "character": 27 }, "end": { "line": 4, "character": 28 } }, "text": "" }] }),
    );
    let found = c.diagnostics(URI);
    let codes: Vec<&str> = found.iter().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(codes, ["unknown-util"]);

    // Completion after `$util.` lists functions with their signatures.
    let items = c.request("textDocument/completion", c.at(URI, 4, 6));
    let to_json = items
        .as_array()
        .and_then(|a| a.iter().find(|i| i["label"] == "toJson"))
        .expect("toJson offered");
    assert!(to_json["detail"].as_str().unwrap_or("").contains("toJson"));
    let dynamodb = items
        .as_array()
        .and_then(|a| a.iter().find(|i| i["label"] == "dynamodb"));
    assert!(dynamodb.is_some(), "namespaces offered");

    // Completion of variables set earlier.
    let items = c.request("textDocument/completion", c.at(URI, 4, 13));
    let labels: Vec<&str> = items
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        labels.contains(&"isAuthorized") && labels.contains(&"ctx"),
        "{labels:?}"
    );

    // Hover on a variable says where it is set; definition and references find it.
    let hover = c.request("textDocument/hover", c.at(URI, 4, 15));
    let md = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(md.contains("set on lines 1, 3"), "{md}");
    let def = c.request("textDocument/definition", c.at(URI, 4, 15));
    assert_eq!(def["range"]["start"], json!({ "line": 2, "character": 8 }));
    let refs = c.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 0, "character": 8 },
                "context": { "includeDeclaration": true } }),
    );
    // Two `#set`s and two reads (the `$$` fixed above made the second one).
    assert_eq!(refs.as_array().map(Vec::len), Some(4));
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": URI } }),
    );
    assert_eq!(symbols[0]["name"], "$isAuthorized");

    // A `$ctx.identity.` field's hover names the auth modes that fill it in.
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": URI, "version": 3 },
                "contentChanges": [{ "text": "$ctx.identity.claims\n#if(true)\n" }] }),
    );
    let found = c.diagnostics(URI);
    assert_eq!(found[0]["code"], "syntax");
    let related = &found[0]["relatedInformation"];
    assert!(related.is_array() || found[0]["message"].as_str().unwrap_or("").contains("#if"));
    let fix = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI }, "range": found[0]["range"], "context": { "diagnostics": [] } }),
    );
    assert_eq!(fix[0]["edit"]["changes"][URI][0]["newText"], "#end\n");
    let hover = c.request("textDocument/hover", c.at(URI, 0, 16));
    let md = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(md.contains("Cognito user pools"), "{md}");
    c.shutdown();
}

#[test]
fn explain_in_place_with_the_case_folder_context() {
    let dir = tempfile::tempdir().expect("temp dir");
    let case = dir.path().join("auth");
    std::fs::create_dir_all(&case).expect("case dir");
    let template = "#set($isAuthorized = false)\n#if($ctx.identity.sub == \"u1\")\n#set($isAuthorized = true)\n#end\n#if(!$isAuthorized)\n$util.unauthorized()\n#end\n{}\n";
    std::fs::write(case.join("template.vtl"), template).expect("template");
    std::fs::write(case.join("case.json"), "{}").expect("case");
    std::fs::write(
        case.join("context.json"),
        r#"{"identity": {"sub": "someone-else", "username": "x", "claims": {}}}"#,
    )
    .expect("context");
    let uri = url_of(&case.join("template.vtl"));
    let mut c = Client::start();
    c.open(&uri, template);
    let found = c.diagnostics(&uri);
    let not_run: Vec<&Value> = found.iter().filter(|d| d["code"] == "not-run").collect();
    assert_eq!(not_run.len(), 1, "{found:?}");
    assert_eq!(not_run[0]["range"]["start"]["line"], 1);
    assert_eq!(not_run[0]["tags"], json!([1]));
    let hints = c.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": uri },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 9, "character": 0 } } }),
    );
    assert_eq!(hints[0]["label"], "= false");
    assert_eq!(hints[0]["position"], json!({ "line": 0, "character": 27 }));
    let hover = c.request("textDocument/hover", c.at(&uri, 4, 7));
    let md = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(
        md.contains("With context.json") && md.contains("never ran"),
        "{md}"
    );
    // Another context, picked by the user: the identity matches, the branch runs.
    let other = dir.path().join("owner.json");
    std::fs::write(
        &other,
        r#"{"identity": {"sub": "u1", "username": "x", "claims": {}}}"#,
    )
    .expect("context");
    c.request(
        "workspace/executeCommand",
        json!({ "command": "vtl.useContext", "arguments": [uri, other.to_string_lossy()] }),
    );
    let found = c.diagnostics(&uri);
    assert!(found
        .iter()
        .all(|d| d["code"] != "not-run" || d["range"]["start"]["line"] == 4));
    let hints = c.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": uri },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 9, "character": 0 } } }),
    );
    assert_eq!(hints[1]["label"], "= true");
    c.shutdown();
}

fn url_of(path: &Path) -> String {
    let path = path.canonicalize().expect("path");
    format!("file://{}", path.display())
}

/// One random edit: a range of the current text replaced by a piece of VTL.
fn edit() -> impl Strategy<Value = (usize, usize, String)> {
    let pieces = prop_oneof![
        Just("#if(".to_string()),
        Just("#end".to_string()),
        Just("$util.".to_string()),
        Just("$ctx.identity.".to_string()),
        Just("#set($a = 1)".to_string()),
        Just("é😀".to_string()),
        Just("\n".to_string()),
        "[a-z$#(){}.\"' \\\\]{0,6}",
    ];
    (any::<usize>(), 0usize..8, pieces)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]
    #[test]
    fn random_edits_keep_server_and_editor_in_step(edits in prop::collection::vec(edit(), 1..25)) {
        let mut c = Client::start();
        let mut text: Vec<char> = "#set($x = 1)\n$x\n".chars().collect();
        c.open(URI, &text.iter().collect::<String>());
        for (version, (at, len, piece)) in edits.into_iter().enumerate() {
            let start = at % (text.len() + 1);
            let end = (start + len).min(text.len());
            let pos = |i: usize, text: &[char]| {
                let before = &text[..i];
                let line = before.iter().filter(|c| **c == '\n').count();
                let col: usize = before.iter().rev().take_while(|c| **c != '\n').map(|c| c.len_utf16()).sum();
                json!({ "line": line, "character": col })
            };
            let change = json!({ "range": { "start": pos(start, &text), "end": pos(end, &text) }, "text": piece });
            text.splice(start..end, piece.chars());
            c.notify("textDocument/didChange", json!({
                "textDocument": { "uri": URI, "version": version + 2 },
                "contentChanges": [change],
            }));
            // Every request answers (never an error) on the edited text.
            let _ = c.request("textDocument/completion", c.at(URI, 0, 1));
            let _ = c.request("textDocument/hover", c.at(URI, 1, 1));
        }
        // The server's text is the editor's: a whole-document symbol request
        // and a final diagnostics pass on the same text as a fresh open.
        let final_text: String = text.iter().collect();
        let edited = c.latest_diagnostics(URI);
        c.open("file:///nowhere/fresh.vtl", &final_text);
        let fresh = c.latest_diagnostics("file:///nowhere/fresh.vtl");
        let fresh = serde_json::to_string(&fresh).unwrap_or_default().replace("fresh.vtl", "auth.vtl");
        prop_assert_eq!(serde_json::to_string(&edited).unwrap_or_default(), fresh);
        c.shutdown();
    }
}
