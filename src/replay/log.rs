//! AppSync CloudWatch log events (field-level logging at ALL or ERROR with
//! verbose content): the mapping-template steps (`RequestMapping`,
//! `ResponseMapping`, pipeline `BeforeMapping`/`AfterMapping` and
//! `RequestFunctionEvaluation`/`ResponseFunctionEvaluation`) with the context
//! AppSync evaluated each template against.
//!
//! Accepted shapes: one event object, a JSON array of events, JSON lines, and
//! CloudWatch's `{"events": [{"message": "<event JSON>"}, …]}` export. Messages
//! that are not JSON (AppSync's `GraphQL Query: …` request lines) and events of
//! other log types (`Tracing`, `ExecutionSummary`, …) are skipped.

use serde_json::{json, Value as Json};

use super::Malformed;

const EXPECTED: &str =
    "AppSync CloudWatch log events (JSON objects with a logType, as one object, an array, JSON lines or {\"events\": [{\"message\": …}]})";

/// Which template a step evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    /// A request mapping template (resolver, before, function request).
    Request,
    /// A response mapping template (resolver, after, function response).
    Response,
}

impl TemplateKind {
    /// `request` or `response`.
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateKind::Request => "request",
            TemplateKind::Response => "response",
        }
    }
}

/// Log types that record a template evaluation, with the template they ran.
const STEPS: &[(&str, TemplateKind, &str)] = &[
    (
        "RequestMapping",
        TemplateKind::Request,
        "resolver request template",
    ),
    (
        "ResponseMapping",
        TemplateKind::Response,
        "resolver response template",
    ),
    (
        "BeforeMapping",
        TemplateKind::Request,
        "pipeline before template",
    ),
    (
        "AfterMapping",
        TemplateKind::Response,
        "pipeline after template",
    ),
    (
        "RequestFunctionEvaluation",
        TemplateKind::Request,
        "function request template",
    ),
    (
        "ResponseFunctionEvaluation",
        TemplateKind::Response,
        "function response template",
    ),
];

/// One mapping-template step from the log.
#[derive(Debug, Clone)]
pub struct Step {
    /// Its position among the steps found (0-based).
    pub index: usize,
    /// `RequestMapping`, `AfterMapping`, …
    pub log_type: String,
    /// Request or response template.
    pub kind: TemplateKind,
    /// e.g. `pipeline before template`.
    pub what: &'static str,
    /// `fieldName`.
    pub field_name: String,
    /// `parentType`.
    pub parent_type: String,
    /// `path` (e.g. `["getPost"]`).
    pub path: Json,
    /// `functionName` of a pipeline function step.
    pub function_name: Option<String>,
    /// `resolverArn` or `functionArn`.
    pub arn: Option<String>,
    /// `requestId`.
    pub request_id: Option<String>,
    /// `context` as logged.
    pub context: Json,
    /// `transformedTemplate`: what the template rendered to in AppSync.
    pub transformed_template: Option<String>,
}

fn str_field(v: &Json, k: &str) -> Option<String> {
    v.get(k).and_then(Json::as_str).map(str::to_string)
}

impl Step {
    fn from_event(index: usize, ev: &Json) -> Option<Step> {
        let log_type = ev.get("logType")?.as_str()?;
        let (_, kind, what) = STEPS.iter().find(|(t, _, _)| *t == log_type)?;
        Some(Step {
            index,
            log_type: log_type.to_string(),
            kind: *kind,
            what,
            field_name: str_field(ev, "fieldName").unwrap_or_default(),
            parent_type: str_field(ev, "parentType").unwrap_or_default(),
            path: ev.get("path").cloned().unwrap_or(Json::Null),
            function_name: str_field(ev, "functionName"),
            arn: str_field(ev, "resolverArn").or_else(|| str_field(ev, "functionArn")),
            request_id: str_field(ev, "requestId"),
            context: ev.get("context").cloned().unwrap_or(Json::Null),
            transformed_template: str_field(ev, "transformedTemplate"),
        })
    }

    /// `Query.getPost`
    pub fn field(&self) -> String {
        format!("{}.{}", self.parent_type, self.field_name)
    }

    /// `step 2: RequestFunctionEvaluation of Query.getPost (function QuerygetPostauth0Function)`.
    pub fn summary(&self) -> String {
        let func = self
            .function_name
            .as_ref()
            .map(|f| format!(" (function {f})"))
            .unwrap_or_default();
        format!(
            "step {}: {} of {}{func}: a {}",
            self.index,
            self.log_type,
            self.field(),
            self.what
        )
    }

    /// The EvaluateMappingTemplate context for the step: the logged context
    /// with `info.fieldName`/`parentTypeName` restored (the log keeps them
    /// beside the context).
    pub fn replay_context(&self) -> Json {
        let mut ctx = match &self.context {
            Json::Object(o) => Json::Object(o.clone()),
            _ => json!({}),
        };
        if let Some(o) = ctx.as_object_mut() {
            let info = o.entry("info").or_insert_with(|| json!({}));
            if let Some(info) = info.as_object_mut() {
                info.entry("fieldName")
                    .or_insert_with(|| json!(self.field_name));
                info.entry("parentTypeName")
                    .or_insert_with(|| json!(self.parent_type));
            }
        }
        ctx
    }

    /// Whether the logged context has an `identity` key.
    pub fn has_identity(&self) -> bool {
        self.context.get("identity").is_some()
    }
}

/// Collects log events (objects with a `logType`) from any accepted shape.
fn events(v: Json, found: &mut Vec<Json>, non_json_messages: &mut usize) {
    match v {
        Json::Array(items) => {
            for i in items {
                events(i, found, non_json_messages);
            }
        }
        Json::Object(mut o) => {
            if o.contains_key("logType") {
                found.push(Json::Object(o));
            } else if let Some(Json::Array(evs)) = o.remove("events") {
                for e in evs {
                    events(e, found, non_json_messages);
                }
            } else if let Some(Json::String(msg)) = o.remove("message") {
                match serde_json::from_str::<Json>(&msg) {
                    Ok(inner) if inner.is_object() => events(inner, found, non_json_messages),
                    _ => *non_json_messages += 1,
                }
            }
        }
        _ => {}
    }
}

/// The mapping-template steps in a log file, in order.
pub fn read(text: &str) -> Result<Vec<Step>, Malformed> {
    let mut found = Vec::new();
    let mut non_json = 0usize;
    match serde_json::from_str::<Json>(text) {
        Ok(v) => events(v, &mut found, &mut non_json),
        Err(whole) => {
            let lines: Vec<(usize, &str)> = text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .collect();
            if lines.len() < 2 {
                return Err(Malformed::new(
                    EXPECTED,
                    format!(
                        "invalid JSON at line {}, column {}",
                        whole.line(),
                        whole.column()
                    ),
                ));
            }
            for (n, line) in lines {
                let v: Json = serde_json::from_str(line).map_err(|e| {
                    Malformed::new(
                        EXPECTED,
                        format!(
                            "line {} is not JSON (column {}): {}",
                            n + 1,
                            e.column(),
                            shorten(line)
                        ),
                    )
                })?;
                events(v, &mut found, &mut non_json);
            }
        }
    }
    let seen: Vec<String> = found
        .iter()
        .filter_map(|e| e.get("logType").and_then(Json::as_str).map(str::to_string))
        .collect();
    let steps: Vec<Step> = found
        .iter()
        .filter_map(|e| Step::from_event(0, e))
        .enumerate()
        .map(|(i, mut s)| {
            s.index = i;
            s
        })
        .collect();
    if steps.is_empty() {
        let mut types: Vec<String> = seen;
        types.dedup();
        let detail = if types.is_empty() {
            format!(
                "no event has a logType ({non_json} non-JSON message(s)); turn on field-level logging with verbose content"
            )
        } else {
            format!(
                "no RequestMapping/ResponseMapping/…Mapping/…FunctionEvaluation event (log types found: {}); set the field resolver log level to ALL (or ERROR) with verbose content",
                types.join(", ")
            )
        };
        return Err(Malformed::new(EXPECTED, detail));
    }
    Ok(steps)
}

fn shorten(line: &str) -> String {
    let t = line.trim();
    match t.char_indices().nth(60) {
        Some((i, _)) => format!("`{}…`", &t[..i]),
        None => format!("`{t}`"),
    }
}

fn matches_field(s: &Step, field: Option<&str>) -> bool {
    field.is_none_or(|f| s.field_name == f || s.field() == f)
}

/// The step to replay: `entry` (an index), or the only step (of `field`:
/// `getPost` or `Query.getPost`); otherwise the error lists the steps.
pub fn pick<'s>(
    steps: &'s [Step],
    entry: Option<usize>,
    field: Option<&str>,
) -> Result<&'s Step, String> {
    let candidates: Vec<&Step> = steps.iter().filter(|s| matches_field(s, field)).collect();
    const LISTED: usize = 20;
    let list = || {
        let mut lines: Vec<String> = steps
            .iter()
            .take(LISTED)
            .map(|s| format!("  {}", s.summary()))
            .collect();
        if steps.len() > LISTED {
            lines.push(format!("  … and {} more", steps.len() - LISTED));
        }
        lines.join("\n")
    };
    match (entry, candidates.as_slice()) {
        (Some(n), _) if n >= steps.len() => Err(format!(
            "step {n} is out of range: the log has {} steps (0 to {})",
            steps.len(),
            steps.len().saturating_sub(1)
        )),
        (Some(n), _) => steps
            .get(n)
            .filter(|s| matches_field(s, field))
            .ok_or_else(|| {
                let what = field.map(|f| format!(" of `{f}`")).unwrap_or_default();
                format!("there is no step {n}{what}; the steps are:\n{}", list())
            }),
        (None, []) => Err(format!(
            "no step of field `{}`; the steps are:\n{}",
            field.unwrap_or(""),
            list()
        )),
        (None, [only]) => Ok(only),
        (None, _) => Err(format!(
            "the log has {} steps{}; choose one with --entry N:\n{}",
            candidates.len(),
            field.map(|f| format!(" of `{f}`")).unwrap_or_default(),
            list()
        )),
    }
}
