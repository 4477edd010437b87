//! Tests as data: every `tests/cases/<name>/` folder holds a `template.vtl`, a
//! `context.json` (a verbatim `$ctx`) and optionally a `case.json` with settings
//! (`{"now": "<RFC 3339>", "seed": n, "authType": "AWS_IAM"}`). Each case is
//! rendered with the library and the report is compared with its insta snapshot
//! in `tests/snapshots/`.
//!
//! Update the snapshots with `INSTA_UPDATE=always cargo test --test cases`, then
//! read the diff of `tests/snapshots/`: each snapshot must be what AppSync (or,
//! for the core language, Apache Velocity 1.7) produces.

use std::fs;
use std::path::Path;

use appsync_vtl::{AuthType, Engine, Outcome, RequestContext};
use serde::Deserialize;
use serde_json::{json, Map, Value as Json};

/// The clock every case uses unless its `case.json` says otherwise.
const DEFAULT_NOW: &str = "2024-01-15T10:30:45.123Z";

/// The optional `case.json`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Settings {
    now: Option<String>,
    seed: Option<u64>,
    auth_type: Option<String>,
}

/// One case folder, loaded.
struct Case {
    template: String,
    context_text: String,
    settings: Settings,
}

impl Case {
    fn load(dir: &Path) -> Case {
        let read = |name: &str| {
            fs::read_to_string(dir.join(name))
                .unwrap_or_else(|e| panic!("{}: cannot read {name}: {e}", dir.display()))
        };
        let settings = if dir.join("case.json").exists() {
            serde_json::from_str(&read("case.json"))
                .unwrap_or_else(|e| panic!("{}: bad case.json: {e}", dir.display()))
        } else {
            Settings::default()
        };
        Case {
            template: read("template.vtl"),
            context_text: read("context.json"),
            settings,
        }
    }

    fn engine(&self) -> Engine {
        let now = self.settings.now.as_deref().unwrap_or(DEFAULT_NOW);
        let mut engine = Engine::new()
            .with_now(now)
            .unwrap_or_else(|e| panic!("bad `now` in case.json: {e}"))
            .with_seed(self.settings.seed.unwrap_or(0));
        if let Some(name) = &self.settings.auth_type {
            let mode = AuthType::parse(name)
                .unwrap_or_else(|| panic!("bad `authType` in case.json: {name}"));
            engine = engine.with_auth_type(mode);
        }
        engine
    }

    /// Renders the case into the report that gets snapshotted.
    fn run(&self) -> Json {
        let ctx = RequestContext::from_json_str(&self.context_text)
            .unwrap_or_else(|e| panic!("bad context.json: {e}"));
        let engine = self.engine();
        let rendered = engine
            .parse("template.vtl", &self.template)
            .and_then(|t| engine.render(&t, &ctx));
        match rendered {
            Ok(outcome) => self.report(&outcome),
            Err(err) => json!({ "engine_error": format!("{err:#}") }),
        }
    }

    fn report(&self, outcome: &Outcome) -> Json {
        let mut report = Map::new();
        report.insert(
            "output".into(),
            match outcome.evaluation_result() {
                Some(text) => output_json(&text),
                None => Json::Null,
            },
        );
        if let Some(returned) = &outcome.returned {
            report.insert("returned".into(), appsync_vtl::value::to_json(returned));
        }
        if let Some(raised) = &outcome.raised {
            report.insert("raised".into(), raised.to_json());
        }
        if !outcome.errors.is_empty() {
            let errors = outcome.errors.iter().map(|e| e.to_json()).collect();
            report.insert("errors".into(), Json::Array(errors));
        }
        let stash = appsync_vtl::value::to_json(&outcome.stash);
        if stash != self.initial_stash() {
            report.insert("stash".into(), stash);
        }
        if !outcome.logs.is_empty() {
            report.insert("logs".into(), json!(outcome.logs));
        }
        if !outcome.extensions.is_empty() {
            let calls = serde_json::to_value(&outcome.extensions).unwrap_or(Json::Null);
            report.insert("extensions".into(), calls);
        }
        Json::Object(report)
    }

    /// The stash the context starts with, to report the stash only when it changed.
    fn initial_stash(&self) -> Json {
        serde_json::from_str::<Json>(&self.context_text)
            .ok()
            .and_then(|c| c.get("stash").cloned())
            .filter(|s| !s.is_null())
            .unwrap_or_else(|| json!({}))
    }
}

/// A JSON object or array is shown parsed (readable, key order kept); any other
/// text is shown verbatim, so that whitespace and Java number printing
/// (`5.0`, `1.0E21`) stay visible.
fn output_json(text: &str) -> Json {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if let Ok(parsed) = serde_json::from_str(text) {
            return parsed;
        }
    }
    Json::String(text.to_string())
}

#[test]
fn render() {
    insta::glob!("cases/*/template.vtl", |path| {
        let case = Case::load(path.parent().expect("a case folder"));
        let report = case.run();
        insta::with_settings!({
            description => case.template.as_str(),
            omit_expression => true,
        }, {
            insta::assert_json_snapshot!(report);
        });
    });
}
