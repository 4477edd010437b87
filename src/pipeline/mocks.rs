//! Mocked data sources for whole requests: what each data source answers,
//! chosen by the request its function rendered. One format serves
//! `vtl request --mocks FILE` and a case's `mocks` in `case.json`:
//!
//! ```json
//! {
//!   "PostTable": [
//!     {"when": {"operation": "GetItem", "key.id.S": "1"}, "result": {"id": "1"}},
//!     {"result": {"id": "2"}},
//!     {"error": {"message": "The conditional request failed", "type": "DynamoDB:ConditionalCheckFailedException"}}
//!   ],
//!   "AuthorLambda": {"result": {"name": "Ann"}}
//! }
//! ```
//!
//! * A data source's entries are a list, or one entry that answers every request.
//! * An entry with `when` answers every request whose value at each path equals
//!   the one given (paths are dot-separated keys; a number steps into a list).
//!   Entries with `when` are tried first, in order.
//! * Entries without `when` are served in order, each once.
//! * A request nothing answers is an error naming the data source and showing
//!   the request.
//!
//! ```
//! use appsync_vtl::pipeline::{mocks::Mocks, DataSource};
//! use serde_json::json;
//! let mut mocks = Mocks::from_json(json!({
//!     "PostTable": [
//!         {"when": {"operation": "GetItem"}, "result": {"id": "1"}},
//!         {"result": {"saved": true}}
//!     ]
//! })).unwrap();
//! let get = json!({"operation": "GetItem", "key": {"id": {"S": "1"}}});
//! let put = json!({"operation": "PutItem"});
//! assert_eq!(mocks.answer("PostTable", &get), Ok(DataSource::Result(json!({"id": "1"}))));
//! assert_eq!(mocks.answer("PostTable", &put), Ok(DataSource::Result(json!({"saved": true}))));
//! assert!(mocks.answer("PostTable", &put).unwrap_err().contains("served already"));
//! ```

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use super::DataSource;

/// One mocked answer.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    /// Paths into the request and the values they must hold; empty: served once, in order.
    when: Vec<(String, Json)>,
    answer: DataSource,
}

/// One data source's mocked answers.
#[derive(Debug, Clone, Default, PartialEq)]
struct SourceMocks {
    /// Entries with `when`, tried first.
    matching: Vec<Entry>,
    /// Entries without, served in order.
    in_order: Vec<Entry>,
    /// How many of `in_order` were served.
    served: usize,
    /// One entry given alone: it answers everything.
    always: Option<DataSource>,
}

/// Mocked answers for every data source of a request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mocks {
    sources: BTreeMap<String, SourceMocks>,
}

/// What an entry may hold.
const ENTRY: &str = r#"{"result": <json>} or {"error": {"message": "...", "type": "..."}}, with an optional "when": {"path": <json>}"#;

fn entry(v: &Json, at: &str) -> Result<Entry, String> {
    let Json::Object(o) = v else {
        return Err(format!("{at}: expected {ENTRY}"));
    };
    let mut when = Vec::new();
    let mut answer = Map::new();
    for (k, v) in o {
        match k.as_str() {
            "when" => {
                let Json::Object(paths) = v else {
                    return Err(format!(
                        "{at}.when: expected an object of paths into the request and their values, \
                         e.g. {{\"operation\": \"GetItem\", \"key.id.S\": \"1\"}}"
                    ));
                };
                when.extend(paths.iter().map(|(p, v)| (p.clone(), v.clone())));
            }
            "result" | "error" => {
                answer.insert(k.clone(), v.clone());
            }
            other => return Err(format!("{at}: unknown key `{other}`; expected {ENTRY}")),
        }
    }
    if answer.len() != 1 {
        return Err(format!(
            "{at}: give one of \"result\" and \"error\"; expected {ENTRY}"
        ));
    }
    let answer = DataSource::try_from(Json::Object(answer)).map_err(|e| format!("{at}: {e}"))?;
    Ok(Entry { when, answer })
}

/// The value at a dot-separated path (`key.id.S`, `items.0.id`); a leading
/// `$.` is allowed.
fn at_path<'j>(v: &'j Json, path: &str) -> Option<&'j Json> {
    let path = path.strip_prefix("$.").unwrap_or(path);
    if path.is_empty() || path == "$" {
        return Some(v);
    }
    path.split('.').try_fold(v, |v, key| match v {
        Json::Object(o) => o.get(key),
        Json::Array(a) => a.get(key.parse::<usize>().ok()?),
        _ => None,
    })
}

impl Mocks {
    /// Reads the format above from JSON text.
    pub fn parse(text: &str) -> Result<Mocks, String> {
        let v: Json = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
        Mocks::from_json(v)
    }

    /// Reads the format above.
    pub fn from_json(v: Json) -> Result<Mocks, String> {
        let Json::Object(o) = v else {
            return Err(
                "expected an object of data source names, each with a list of mocked answers"
                    .into(),
            );
        };
        let mut sources = BTreeMap::new();
        for (name, v) in o {
            let mut mocks = SourceMocks::default();
            match &v {
                Json::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let e = entry(item, &format!("{name}[{i}]"))?;
                        if e.when.is_empty() {
                            mocks.in_order.push(e);
                        } else {
                            mocks.matching.push(e);
                        }
                    }
                }
                other => {
                    let e = entry(other, &name)?;
                    if e.when.is_empty() {
                        mocks.always = Some(e.answer);
                    } else {
                        mocks.matching.push(e);
                    }
                }
            }
            sources.insert(name, mocks);
        }
        Ok(Mocks { sources })
    }

    /// No data source has mocks.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// What `source` answers to `request`; `Err` says why nothing does.
    pub fn answer(&mut self, source: &str, request: &Json) -> Result<DataSource, String> {
        let shown = || serde_json::to_string_pretty(request).unwrap_or_default();
        let Some(mocks) = self.sources.get_mut(source) else {
            let known: Vec<&str> = self.sources.keys().map(String::as_str).collect();
            return Err(format!(
                "no mock for data source `{source}` (mocks are given for: {}); it was sent:\n{}",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                },
                shown()
            ));
        };
        if let Some(e) = mocks.matching.iter().find(|e| {
            e.when
                .iter()
                .all(|(path, want)| at_path(request, path) == Some(want))
        }) {
            return Ok(e.answer.clone());
        }
        if let Some(e) = mocks.in_order.get(mocks.served) {
            mocks.served += 1;
            return Ok(e.answer.clone());
        }
        if let Some(a) = &mocks.always {
            return Ok(a.clone());
        }
        let used_up = match mocks.in_order.len() {
            0 => String::new(),
            1 => "its one answer in order was served already".to_string(),
            2 => "both its answers in order were served".to_string(),
            n => format!("its {n} answers in order were all served"),
        };
        let why = match (used_up.is_empty(), mocks.matching.is_empty()) {
            (true, _) => "no mock's `when` matches it".to_string(),
            (false, true) => used_up,
            (false, false) => format!("no mock's `when` matches it and {used_up}"),
        };
        Err(format!(
            "no mock answers this request to data source `{source}`: {why}; it was sent:\n{}",
            shown()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_step_into_maps_and_lists() {
        let v = json!({"key": {"id": {"S": "1"}}, "items": [{"id": 7}]});
        assert_eq!(at_path(&v, "key.id.S"), Some(&json!("1")));
        assert_eq!(at_path(&v, "$.items.0.id"), Some(&json!(7)));
        assert_eq!(at_path(&v, "items.x"), None);
    }

    #[test]
    fn one_entry_answers_every_request_and_errors_are_data_source_errors() {
        let mut m = Mocks::from_json(json!({
            "Fn": {"error": {"message": "boom", "type": "Lambda:Unhandled"}}
        }))
        .unwrap();
        for _ in 0..3 {
            assert_eq!(
                m.answer("Fn", &json!({})),
                Ok(DataSource::Error {
                    message: "boom".into(),
                    error_type: Some("Lambda:Unhandled".into())
                })
            );
        }
        let e = m
            .answer("Other", &json!({"operation": "Invoke"}))
            .unwrap_err();
        assert!(
            e.contains("`Other`") && e.contains("Fn") && e.contains("\"Invoke\""),
            "{e}"
        );
    }

    #[test]
    fn bad_entries_say_where() {
        let e = Mocks::from_json(json!({"T": [{"result": 1, "extra": 2}]})).unwrap_err();
        assert!(e.starts_with("T[0]: unknown key `extra`"), "{e}");
        let e = Mocks::from_json(json!({"T": [{"when": {"a": 1}}]})).unwrap_err();
        assert!(e.starts_with("T[0]: give one of"), "{e}");
    }
}
