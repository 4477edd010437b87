//! `$ctx` / `$context`: the request a template sees, in the shape of
//! EvaluateMappingTemplate's `context` JSON.
//!
//! ```
//! use appsync_vtl::RequestContext;
//! let ctx = RequestContext::from_json_str(r#"{"arguments": {"id": "1"}, "identity": null}"#).unwrap();
//! assert_eq!(ctx.auth_type().util_name(), "API Key Authorization");
//! ```

use std::rc::Rc;

use serde_json::{json, Value as Json};

use crate::outcome::AuthType;
use crate::value::{from_json, DeepCopy, Map, Value};

/// Keys a context file may have (anything else is reported as a warning).
pub const KNOWN_KEYS: &[&str] = &[
    "arguments",
    "args",
    "source",
    "result",
    "identity",
    "request",
    "info",
    "stash",
    "prev",
    "error",
    "outErrors",
    "authType",
];

/// The request a template is evaluated against.
#[derive(Debug, Clone)]
pub struct RequestContext {
    json: Json,
    auth_type: Option<AuthType>,
}

/// Why a context could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    /// Not JSON.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde_json's message.
        message: String,
    },
    /// JSON, but not an object.
    #[error("the context must be a JSON object (with `arguments`, `identity`, …), not {0}")]
    NotObject(&'static str),
}

impl Default for RequestContext {
    fn default() -> Self {
        RequestContext {
            json: json!({}),
            auth_type: None,
        }
    }
}

/// A JSON value's kind, for messages (`an array`, `a string`, …).
pub(crate) fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

impl RequestContext {
    /// An empty context (API key caller, no arguments).
    pub fn new() -> RequestContext {
        RequestContext::default()
    }

    /// A context from EvaluateMappingTemplate-shaped JSON.
    pub fn from_json(json: Json) -> Result<RequestContext, ContextError> {
        if !json.is_object() {
            return Err(ContextError::NotObject(json_kind(&json)));
        }
        let auth_type = json
            .get("authType")
            .and_then(|v| v.as_str())
            .and_then(AuthType::parse);
        Ok(RequestContext { json, auth_type })
    }

    /// A context from JSON text.
    pub fn from_json_str(text: &str) -> Result<RequestContext, ContextError> {
        let json: Json = serde_json::from_str(text).map_err(|e| ContextError::Json {
            line: e.line(),
            column: e.column().max(1),
            message: e
                .to_string()
                .split(" at line")
                .next()
                .unwrap_or("")
                .to_string(),
        })?;
        RequestContext::from_json(json)
    }

    /// The JSON it was built from.
    pub fn json(&self) -> &Json {
        &self.json
    }

    /// Keys that AppSync's context does not have.
    pub fn unknown_keys(&self) -> Vec<String> {
        self.json
            .as_object()
            .map(|o| {
                o.keys()
                    .filter(|k| !KNOWN_KEYS.contains(&k.as_str()))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    fn set(mut self, key: &str, value: Json) -> Self {
        if let Some(o) = self.json.as_object_mut() {
            o.insert(key.to_string(), value);
        }
        self
    }

    /// Sets `arguments`.
    pub fn with_arguments(self, arguments: Json) -> Self {
        self.set("arguments", arguments)
    }

    /// Sets `identity`.
    pub fn with_identity(self, identity: Json) -> Self {
        self.set("identity", identity)
    }

    /// Sets `source`.
    pub fn with_source(self, source: Json) -> Self {
        self.set("source", source)
    }

    /// Sets `result`.
    pub fn with_result(self, result: Json) -> Self {
        self.set("result", result)
    }

    /// Sets `stash`.
    pub fn with_stash(self, stash: Json) -> Self {
        self.set("stash", stash)
    }

    /// Sets `prev.result`.
    pub fn with_prev_result(self, result: Json) -> Self {
        self.set("prev", json!({ "result": result }))
    }

    /// Sets `error` (a data-source error seen by a response template).
    pub fn with_error(self, message: &str, error_type: &str) -> Self {
        self.set("error", json!({ "message": message, "type": error_type }))
    }

    /// Sets `info.fieldName` and `info.parentTypeName`.
    pub fn with_field(self, parent_type_name: &str, field_name: &str) -> Self {
        let mut info = self.json.get("info").cloned().unwrap_or_else(|| json!({}));
        if let Some(o) = info.as_object_mut() {
            o.insert("fieldName".into(), json!(field_name));
            o.insert("parentTypeName".into(), json!(parent_type_name));
        }
        self.set("info", info)
    }

    /// Fixes the auth mode (otherwise inferred from the identity).
    pub fn with_auth_type(mut self, auth_type: AuthType) -> Self {
        self.auth_type = Some(auth_type);
        self
    }

    /// The auth mode: as set, else inferred from the identity.
    pub fn auth_type(&self) -> AuthType {
        self.auth_type
            .unwrap_or_else(|| AuthType::infer(self.json.get("identity").unwrap_or(&Json::Null)))
    }

    /// `info.fieldName`
    pub fn field_name(&self) -> Option<String> {
        self.json
            .pointer("/info/fieldName")
            .and_then(|v| v.as_str())
            .map(str::to_string)
    }

    /// `info.parentTypeName`
    pub fn parent_type_name(&self) -> Option<String> {
        self.json
            .pointer("/info/parentTypeName")
            .and_then(|v| v.as_str())
            .map(str::to_string)
    }

    /// `$ctx` as one live value that several renders share (a pipeline's steps).
    pub fn share(&self) -> SharedContext {
        let (value, stash) = self.to_value();
        SharedContext {
            value,
            stash,
            auth_type: self.auth_type(),
            field_name: self.field_name(),
            parent_type_name: self.parent_type_name(),
        }
    }

    /// Builds the `$ctx` map; the stash it holds is returned separately so the
    /// caller can read it after the render.
    pub(crate) fn to_value(&self) -> (Value, Value) {
        let get = |k: &str| self.json.get(k).map(from_json);
        let arguments = get("arguments")
            .or_else(|| get("args"))
            .unwrap_or_else(Value::empty_map);
        let stash = match get("stash") {
            Some(v @ Value::Map(_)) => v,
            _ => Value::empty_map(),
        };
        let mut m = Map::with_capacity(12);
        m.insert("arguments".into(), arguments.clone());
        m.insert("args".into(), arguments);
        m.insert("source".into(), get("source").unwrap_or(Value::Null));
        m.insert("result".into(), get("result").unwrap_or(Value::Null));
        m.insert("identity".into(), get("identity").unwrap_or(Value::Null));
        let request = get("request")
            .unwrap_or_else(|| from_json(&json!({ "headers": {}, "domainName": null })));
        m.insert("request".into(), request);
        m.insert("info".into(), get("info").unwrap_or_else(Value::empty_map));
        m.insert("stash".into(), stash.clone());
        let prev = match get("prev") {
            Some(v) => v,
            None => Value::Null,
        };
        m.insert("prev".into(), prev);
        m.insert("error".into(), get("error").unwrap_or(Value::Null));
        m.insert(
            "outErrors".into(),
            get("outErrors").unwrap_or_else(|| Value::list(Vec::new())),
        );
        (Value::map(m), stash)
    }
}

/// `$ctx` as one live value that several renders share, as the steps of a
/// pipeline resolver do: what one step puts in `$ctx.stash` or `$ctx.args` the
/// next one sees, because it is the same map.
///
/// ```
/// use appsync_vtl::{value::from_json, Engine, RequestContext};
/// let engine = Engine::new();
/// let first = engine.parse("first.vtl", r#"$util.qr($ctx.stash.put("n", 1))"#).unwrap();
/// let second = engine.parse("second.vtl", r#"$ctx.stash.n $ctx.prev.result"#).unwrap();
/// let ctx = RequestContext::new().share();
/// engine.render_shared(&first, &ctx).unwrap();
/// ctx.set("prev", from_json(&serde_json::json!({"result": "ok"})));
/// assert_eq!(engine.render_shared(&second, &ctx).unwrap().output, "1 ok");
/// ```
#[derive(Debug, Clone)]
pub struct SharedContext {
    pub(crate) value: Value,
    pub(crate) stash: Value,
    pub(crate) auth_type: AuthType,
    pub(crate) field_name: Option<String>,
    pub(crate) parent_type_name: Option<String>,
}

impl SharedContext {
    /// Replaces `$ctx.<key>` (and `$context.<key>`), e.g. `result`, `prev` or `error`.
    pub fn set(&self, key: &str, value: Value) {
        if let Value::Map(m) = &self.value {
            m.borrow_mut().insert(Rc::from(key), value);
        }
    }

    /// A copy to render against as if the context were shared anew: its lists and
    /// maps are new (strings are shared), so a render that changes `$ctx` leaves
    /// this one as it was. Cheaper than [`RequestContext::share`], which converts
    /// the JSON again: convert once, then take a fresh copy per render.
    ///
    /// ```
    /// use appsync_vtl::{Engine, RequestContext};
    /// let engine = Engine::new();
    /// // `$ctx.args` and `$ctx.arguments` stay one map in each copy.
    /// let t = engine.parse("t.vtl", r#"$util.qr($ctx.args.put("n", 1))$ctx.arguments.size()"#).unwrap();
    /// let base = RequestContext::new().share();
    /// assert_eq!(engine.render_shared(&t, &base.fresh()).unwrap().output, "1");
    /// assert_eq!(engine.render_shared(&t, &base.fresh()).unwrap().output, "1");
    /// ```
    pub fn fresh(&self) -> SharedContext {
        let mut copier = DeepCopy::default();
        SharedContext {
            value: copier.copy(&self.value, 0),
            stash: copier.copy(&self.stash, 0),
            auth_type: self.auth_type,
            field_name: self.field_name.clone(),
            parent_type_name: self.parent_type_name.clone(),
        }
    }

    /// The stash map every render sees.
    pub fn stash(&self) -> &Value {
        &self.stash
    }

    /// `info.fieldName`
    pub fn field_name(&self) -> Option<&str> {
        self.field_name.as_deref()
    }
}
