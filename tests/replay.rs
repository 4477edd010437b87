//! `vtl context …` and `vtl authz` on every `tests/replay/*.json` case: the
//! command's exit code, stdout and stderr, snapshotted.
//!
//! A case builds its inputs in a scratch folder first:
//!
//! - `"tokens": {"alice": {claims…}}` makes unsigned JWTs; `{{jwt:alice}}` in
//!   any string of the case stands for the token;
//! - `"files": {"name": value}` writes each file: a string as it is,
//!   `{"json": v}` as JSON, `{"jsonl": [v…]}` as JSON lines,
//!   `{"cloudwatch": [v…]}` as `aws logs filter-log-events` output, and
//!   `{"har": [request…]}` as a browser HAR file, each request
//!   `{"query", "variables"?, "operationName"?, "headers": {…}, "method"?, "url"?,
//!   "status"?, "response"?}`;
//! - `"commands": [[args…], …]` run `vtl` with `{{dir}}` (the scratch folder)
//!   `{{fixtures}}` (`tests/replay`) and `{{repo}}` (the repository) substituted.

use std::path::{Path, PathBuf};
use std::process::Command;

use appsync_vtl::replay::jwt::encode_unsigned;
use serde_json::{json, Map, Value as Json};

struct Subst {
    tokens: Vec<(String, String)>,
    dir: String,
    fixtures: String,
    repo: String,
}

impl Subst {
    fn text(&self, s: &str) -> String {
        let mut out = s
            .replace("{{dir}}", &self.dir)
            .replace("{{fixtures}}", &self.fixtures)
            .replace("{{repo}}", &self.repo);
        for (name, token) in &self.tokens {
            out = out.replace(&format!("{{{{jwt:{name}}}}}"), token);
        }
        out
    }

    fn json(&self, v: &Json) -> Json {
        match v {
            Json::String(s) => Json::String(self.text(s)),
            Json::Array(a) => Json::Array(a.iter().map(|i| self.json(i)).collect()),
            Json::Object(o) => {
                Json::Object(o.iter().map(|(k, v)| (k.clone(), self.json(v))).collect())
            }
            other => other.clone(),
        }
    }

    /// Puts the real paths back to their placeholders in the output.
    fn unsubst(&self, s: &str) -> String {
        let mut out = s
            .replace(&self.dir, "{{dir}}")
            .replace(&self.fixtures, "{{fixtures}}")
            .replace(&self.repo, "{{repo}}");
        for (name, token) in &self.tokens {
            out = out.replace(token.as_str(), &format!("{{{{jwt:{name}}}}}"));
        }
        out
    }
}

/// A browser HAR file holding `requests`.
fn har(requests: &[Json]) -> Json {
    let entries: Vec<Json> = requests
        .iter()
        .map(|r| {
            let mut headers = vec![
                json!({"name": ":authority", "value": "abc123.appsync-api.us-east-1.amazonaws.com"}),
                json!({"name": "Content-Type", "value": "application/json; charset=UTF-8"}),
                json!({"name": "Origin", "value": "http://localhost:3000"}),
            ];
            if let Some(h) = r.get("headers").and_then(Json::as_object) {
                headers.extend(h.iter().map(|(k, v)| json!({"name": k, "value": v})));
            }
            let mut body = Map::new();
            for k in ["query", "variables", "operationName"] {
                if let Some(v) = r.get(k) {
                    body.insert(k.into(), v.clone());
                }
            }
            let response = r.get("response").cloned().unwrap_or(json!({"data": null}));
            json!({
                "startedDateTime": "2024-06-01T09:00:00.000Z",
                "time": 87.4,
                "request": {
                    "method": r.get("method").cloned().unwrap_or(json!("POST")),
                    "url": r.get("url").cloned().unwrap_or(json!("https://abc123.appsync-api.us-east-1.amazonaws.com/graphql")),
                    "httpVersion": "http/2.0",
                    "headers": headers,
                    "queryString": [],
                    "cookies": [],
                    "headersSize": -1,
                    "bodySize": -1,
                    "postData": {"mimeType": "application/json; charset=UTF-8", "text": Json::Object(body).to_string()},
                },
                "response": {
                    "status": r.get("status").cloned().unwrap_or(json!(200)),
                    "statusText": "",
                    "httpVersion": "http/2.0",
                    "headers": [{"name": "content-type", "value": "application/json;charset=UTF-8"}],
                    "content": {"size": 120, "mimeType": "application/json", "text": response.to_string()},
                    "redirectURL": "",
                    "headersSize": -1,
                    "bodySize": -1,
                },
                "cache": {},
                "timings": {"send": 0.1, "wait": 80.0, "receive": 0.5},
            })
        })
        .collect();
    json!({"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "pages": [], "entries": entries}})
}

fn file_text(spec: &Json) -> String {
    match spec {
        Json::String(s) => s.clone(),
        Json::Object(o) if o.contains_key("json") => {
            serde_json::to_string_pretty(&o["json"]).expect("JSON prints")
        }
        Json::Object(o) if o.contains_key("jsonl") => o["jsonl"]
            .as_array()
            .expect("jsonl is an array")
            .iter()
            .map(|v| v.to_string() + "\n")
            .collect(),
        Json::Object(o) if o.contains_key("cloudwatch") => {
            let events: Vec<Json> = o["cloudwatch"]
                .as_array()
                .expect("cloudwatch is an array")
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    json!({
                        "logStreamName": "a1b2c3d4e5f60718293a4b5c6d7e8f90",
                        "timestamp": 1717232400000u64 + i as u64,
                        "message": v.as_str().map_or_else(|| v.to_string(), str::to_string),
                        "ingestionTime": 1717232401000u64,
                        "eventId": format!("3861{i:04}"),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&json!({"events": events, "searchedLogStreams": []}))
                .expect("JSON prints")
        }
        Json::Object(o) if o.contains_key("har") => {
            serde_json::to_string_pretty(&har(o["har"].as_array().expect("har is an array")))
                .expect("JSON prints")
        }
        other => panic!("unknown file spec {other}"),
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("replay")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

#[test]
fn replay_cases() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/replay");
    insta::glob!("replay/*.json", |path| {
        let text = std::fs::read_to_string(path).expect("readable case");
        let case: Json = serde_json::from_str(&text).expect("case is JSON");
        let name = path
            .file_stem()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let dir = scratch(&name);
        let tokens = case
            .get("tokens")
            .and_then(Json::as_object)
            .map(|t| {
                t.iter()
                    .map(|(k, claims)| (k.clone(), encode_unsigned(claims)))
                    .collect()
            })
            .unwrap_or_default();
        let subst = Subst {
            tokens,
            dir: dir.to_string_lossy().into_owned(),
            fixtures: fixtures.to_string_lossy().into_owned(),
            repo: env!("CARGO_MANIFEST_DIR").to_string(),
        };
        for (file, spec) in case
            .get("files")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
        {
            std::fs::write(dir.join(file), file_text(&subst.json(spec)))
                .expect("scratch file written");
        }
        let mut report = String::new();
        for cmd in case["commands"].as_array().expect("commands") {
            let args: Vec<String> = cmd
                .as_array()
                .expect("a command is an array of arguments")
                .iter()
                .map(|a| subst.text(a.as_str().expect("arguments are strings")))
                .collect();
            let out = Command::new(env!("CARGO_BIN_EXE_vtl"))
                .args(&args)
                .env("NO_COLOR", "1")
                .env_remove("CI")
                .output()
                .expect("vtl runs");
            let shown: Vec<String> = cmd
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| a.as_str().unwrap_or("").to_string())
                .collect();
            report.push_str(&format!(
                "$ vtl {}\nexit: {}\n--- stdout\n{}--- stderr\n{}\n",
                shown.join(" "),
                out.status.code().unwrap_or(-1),
                subst.unsubst(&String::from_utf8_lossy(&out.stdout)),
                subst.unsubst(&String::from_utf8_lossy(&out.stderr)),
            ));
        }
        insta::with_settings!({ description => case.get("description").and_then(Json::as_str).unwrap_or(""), omit_expression => true }, {
            insta::assert_snapshot!(report);
        });
    });
}
