//! `$ctx` / `$context`: the request a template sees, in the shape of
//! EvaluateMappingTemplate's `context` JSON.
//!
//! ```
//! use appsync_vtl::RequestContext;
//! let ctx = RequestContext::from_json_str(r#"{"arguments": {"id": "1"}, "identity": null}"#).unwrap();
//! assert_eq!(ctx.auth_type().util_name(), "API Key Authorization");
//! ```

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{json, Value as Json};

use crate::outcome::AuthType;
use crate::value::{from_json, parse_json, to_json, DeepCopy, Map, Value};

/// The keys `$ctx` has, in its order (`$ctx.args` is `arguments` under a second name).
const CTX_KEYS: [&str; 10] = [
    "arguments",
    "source",
    "result",
    "identity",
    "request",
    "info",
    "stash",
    "prev",
    "error",
    "outErrors",
];

/// The keys of the `$ctx` map a render sees, in its order (with `args` after
/// `arguments`), then those of the default `request`.
const SHARED_KEYS: [&str; 13] = [
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
    "headers",
    "domainName",
];

thread_local! {
    /// [`SHARED_KEYS`], allocated once per thread: each `$ctx` made on it shares them.
    static SHARED_KEY_NAMES: [Rc<str>; 13] = SHARED_KEYS.map(Rc::from);
}

/// [`SHARED_KEYS`] as map keys.
fn shared_keys() -> [Rc<str>; 13] {
    SHARED_KEY_NAMES
        .try_with(|keys| keys.clone())
        .unwrap_or_else(|_| SHARED_KEYS.map(Rc::from))
}

/// Keys a context file may have (anything else is reported as a warning):
/// `$ctx`'s, `args`, and `authType`.
pub fn is_known_key(key: &str) -> bool {
    CTX_KEYS.contains(&key) || key == "args" || key == "authType"
}

/// The request a template is evaluated against: the context's top-level keys
/// as engine values (built once; each render gets its own copy of the lists
/// and maps, sharing the strings).
pub struct RequestContext {
    fields: Map,
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
            fields: Map::new(),
            auth_type: None,
        }
    }
}

impl std::fmt::Debug for RequestContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestContext")
            .field("json", &self.to_json())
            .field("auth_type", &self.auth_type)
            .finish()
    }
}

impl Clone for RequestContext {
    /// A copy whose lists and maps are new: changing one leaves the other as it was.
    fn clone(&self) -> Self {
        let mut copier = DeepCopy::default();
        RequestContext {
            fields: self
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), copier.copy(v, 0)))
                .collect(),
            auth_type: self.auth_type,
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

/// [`json_kind`] of a value read from JSON.
fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Int(_) | Value::Float(_) => "a number",
        Value::Str(_) => "a string",
        Value::List(_) => "an array",
        _ => "an object",
    }
}

impl RequestContext {
    /// An empty context (API key caller, no arguments).
    pub fn new() -> RequestContext {
        RequestContext::default()
    }

    /// A context from EvaluateMappingTemplate-shaped JSON.
    pub fn from_json(json: Json) -> Result<RequestContext, ContextError> {
        match json {
            Json::Object(o) => Ok(RequestContext::from_fields(
                o.iter()
                    .map(|(k, v)| (Rc::from(k.as_str()), from_json(v)))
                    .collect(),
            )),
            other => Err(ContextError::NotObject(json_kind(&other))),
        }
    }

    /// A context from JSON text (read straight into values, without a JSON tree).
    pub fn from_json_str(text: &str) -> Result<RequestContext, ContextError> {
        let value = parse_json(text).map_err(|e| ContextError::Json {
            line: e.line(),
            column: e.column().max(1),
            message: e
                .to_string()
                .split(" at line")
                .next()
                .unwrap_or("")
                .to_string(),
        })?;
        match &value {
            Value::Map(m) => Ok(RequestContext::from_fields(std::mem::take(
                &mut *m.borrow_mut(),
            ))),
            other => Err(ContextError::NotObject(value_kind(other))),
        }
    }

    fn from_fields(fields: Map) -> RequestContext {
        let auth_type = match fields.get("authType") {
            Some(Value::Str(s)) => AuthType::parse(s),
            _ => None,
        };
        RequestContext { fields, auth_type }
    }

    /// The context as JSON (as it was given, with what the `with_…` methods set).
    pub fn to_json(&self) -> Json {
        Json::Object(
            self.fields
                .iter()
                .map(|(k, v)| (k.to_string(), to_json(v)))
                .collect(),
        )
    }

    /// Keys that AppSync's context does not have.
    pub fn unknown_keys(&self) -> Vec<String> {
        self.fields
            .keys()
            .filter(|k| !is_known_key(k))
            .map(|k| k.to_string())
            .collect()
    }

    fn set(mut self, key: &str, value: Json) -> Self {
        self.fields.insert(Rc::from(key), from_json(&value));
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
    pub fn with_field(mut self, parent_type_name: &str, field_name: &str) -> Self {
        let info = match self.fields.get("info") {
            Some(Value::Map(m)) => m.clone(),
            _ => {
                let info = Rc::new(RefCell::new(Map::new()));
                self.fields
                    .insert(Rc::from("info"), Value::Map(info.clone()));
                info
            }
        };
        let mut info = info.borrow_mut();
        info.insert(Rc::from("fieldName"), Value::from(field_name));
        info.insert(Rc::from("parentTypeName"), Value::from(parent_type_name));
        drop(info);
        self
    }

    /// Fixes the auth mode (otherwise inferred from the identity).
    pub fn with_auth_type(mut self, auth_type: AuthType) -> Self {
        self.auth_type = Some(auth_type);
        self
    }

    /// The auth mode: as set, else inferred from the identity.
    pub fn auth_type(&self) -> AuthType {
        self.auth_type
            .unwrap_or_else(|| AuthType::infer(self.fields.get("identity").unwrap_or(&Value::Null)))
    }

    /// `info.<key>` when it is a string.
    fn info(&self, key: &str) -> Option<String> {
        match self.fields.get("info") {
            Some(Value::Map(m)) => match m.borrow().get(key) {
                Some(Value::Str(s)) => Some(s.to_string()),
                _ => None,
            },
            _ => None,
        }
    }

    /// `info.fieldName`
    pub fn field_name(&self) -> Option<String> {
        self.info("fieldName")
    }

    /// `info.parentTypeName`
    pub fn parent_type_name(&self) -> Option<String> {
        self.info("parentTypeName")
    }

    /// `$ctx` as one live value that several renders share (a pipeline's steps);
    /// this context stays as it was.
    pub fn share(&self) -> SharedContext {
        self.clone().into_shared()
    }

    /// [`RequestContext::share`] without a copy: the values become `$ctx`'s.
    pub fn into_shared(self) -> SharedContext {
        let auth_type = self.auth_type();
        let field_name = self.field_name();
        let parent_type_name = self.parent_type_name();
        let (value, stash) = self.into_value();
        SharedContext {
            value,
            stash,
            auth_type,
            field_name,
            parent_type_name,
        }
    }

    /// Builds the `$ctx` map; the stash it holds is returned separately so the
    /// caller can read it after the render.
    fn into_value(mut self) -> (Value, Value) {
        let mut given: [Option<Value>; 10] = Default::default();
        let mut args = None;
        for (key, value) in self.fields.drain(..) {
            match CTX_KEYS.iter().position(|k| **k == *key) {
                Some(i) => given[i] = Some(value),
                None if &*key == "args" => args = Some(value),
                None => {}
            }
        }
        let [arguments, source, result, identity, request, info, stash, prev, error, out_errors] =
            given;
        let arguments = arguments.or(args).unwrap_or_else(Value::empty_map);
        let stash = match stash {
            Some(v @ Value::Map(_)) => v,
            _ => Value::empty_map(),
        };
        let [k_arguments, k_args, k_source, k_result, k_identity, k_request, k_info, k_stash, k_prev, k_error, k_out_errors, k_headers, k_domain_name] =
            shared_keys();
        let request = request.unwrap_or_else(|| {
            Value::map(Map::from_distinct(vec![
                (k_headers, Value::empty_map()),
                (k_domain_name, Value::Null),
            ]))
        });
        // The keys differ: the map is built without looking any up.
        let m = Map::from_distinct(vec![
            (k_arguments, arguments.clone()),
            (k_args, arguments),
            (k_source, source.unwrap_or(Value::Null)),
            (k_result, result.unwrap_or(Value::Null)),
            (k_identity, identity.unwrap_or(Value::Null)),
            (k_request, request),
            (k_info, info.unwrap_or_else(Value::empty_map)),
            (k_stash, stash.clone()),
            (k_prev, prev.unwrap_or(Value::Null)),
            (k_error, error.unwrap_or(Value::Null)),
            (
                k_out_errors,
                out_errors.unwrap_or_else(|| Value::list(Vec::new())),
            ),
        ]);
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

#[cfg(test)]
mod tests {
    use super::{CTX_KEYS, SHARED_KEYS};

    /// The shared keys are `$ctx`'s keys in its order, with `args` after
    /// `arguments`, then the default request's: written twice, held equal here.
    #[test]
    fn shared_keys_are_ctx_keys_with_args_and_the_request_keys() {
        let mut expected: Vec<&str> = Vec::new();
        for key in CTX_KEYS {
            expected.push(key);
            if key == "arguments" {
                expected.push("args");
            }
        }
        expected.extend(["headers", "domainName"]);
        assert_eq!(SHARED_KEYS.to_vec(), expected);
    }
}
