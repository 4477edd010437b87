//! Browser HAR captures: the GraphQL POSTs in `log.entries[]`, the auth mode
//! their headers select, and the EvaluateMappingTemplate context a resolver of
//! the operation would see.

use base64::Engine as _;
use indexmap::IndexMap;
use serde_json::{json, Value as Json};

use super::graphql::{self, Operation, Selected};
use super::jwt::{self, Jwt};
use super::Malformed;
use crate::outcome::AuthType;

const EXPECTED: &str = "a HAR file (JSON with log.entries[].request and .response)";

/// Headers AppSync does not pass to `$ctx.request.headers`.
const HIDDEN_HEADERS: &[&str] = &["cookie"];

/// One GraphQL request found in a capture.
#[derive(Debug, Clone)]
pub struct Request {
    /// Its index in `log.entries`.
    pub entry: usize,
    /// The URL it was sent to.
    pub url: String,
    /// Request headers, names in lower case, in the order sent.
    pub headers: IndexMap<String, String>,
    /// The `query` text.
    pub query: String,
    /// `operationName`.
    pub operation_name: Option<String>,
    /// `variables`.
    pub variables: Json,
    /// The HTTP status of the response (0 when the capture has none).
    pub status: i64,
    /// The response body, when it is JSON.
    pub response: Option<Json>,
}

/// How the request authenticated, read from its headers.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// `x-api-key`.
    ApiKey,
    /// A JWT in `authorization` (user pools or OIDC, by issuer).
    Token(Box<Jwt>),
    /// An `AWS4-HMAC-SHA256` signature; the access key id when readable.
    Iam(Option<String>),
    /// Any other `authorization` value: a Lambda authorizer token.
    Lambda(String),
    /// No credentials at all.
    Missing,
}

impl Credentials {
    /// The auth mode they select (`None`: no credentials).
    pub fn auth_type(&self) -> Option<AuthType> {
        Some(match self {
            Credentials::ApiKey => AuthType::ApiKey,
            Credentials::Token(t) => t.auth_type(),
            Credentials::Iam(_) => AuthType::AwsIam,
            Credentials::Lambda(_) => AuthType::AwsLambda,
            Credentials::Missing => return None,
        })
    }

    /// Which header said so, in words.
    pub fn describe(&self) -> String {
        match self {
            Credentials::ApiKey => "an x-api-key header".into(),
            Credentials::Token(t) => format!(
                "a JWT in the authorization header, issuer {}",
                t.claims
                    .get("iss")
                    .and_then(Json::as_str)
                    .unwrap_or("unknown")
            ),
            Credentials::Iam(Some(key)) => format!("a SigV4 signature, access key {key}"),
            Credentials::Iam(None) => "a SigV4 signature".into(),
            Credentials::Lambda(_) => "a non-JWT authorization token (Lambda authorizer)".into(),
            Credentials::Missing => "no x-api-key or authorization header".into(),
        }
    }
}

impl Request {
    /// The credentials the headers carry (`authorization` before `x-api-key`).
    pub fn credentials(&self) -> Credentials {
        if let Some(auth) = self.headers.get("authorization") {
            let auth = auth.trim();
            if let Some(rest) = auth.strip_prefix("AWS4-HMAC-SHA256") {
                let key = rest
                    .split("Credential=")
                    .nth(1)
                    .and_then(|c| c.split('/').next())
                    .map(str::to_string);
                return Credentials::Iam(key);
            }
            return match jwt::decode(auth) {
                Ok(t) => Credentials::Token(Box::new(t)),
                Err(_) => Credentials::Lambda(auth.to_string()),
            };
        }
        if self.headers.contains_key("x-api-key") {
            return Credentials::ApiKey;
        }
        Credentials::Missing
    }

    /// The parsed operation.
    pub fn operation(&self) -> Result<Operation, Malformed> {
        graphql::parse(&self.query, self.operation_name.as_deref(), &self.variables)
    }

    /// `x-forwarded-for` addresses.
    pub fn source_ip(&self) -> Vec<String> {
        self.headers
            .get("x-forwarded-for")
            .map(|v| v.split(',').map(|s| s.trim().to_string()).collect())
            .unwrap_or_default()
    }

    /// `$ctx.request`: the headers AppSync passes on and `domainName` (null
    /// on the default `appsync-api` endpoint).
    pub fn request_json(&self) -> Json {
        let headers: serde_json::Map<String, Json> = self
            .headers
            .iter()
            .filter(|(k, _)| !HIDDEN_HEADERS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        let host = self
            .url
            .split("://")
            .nth(1)
            .and_then(|r| r.split(['/', ':']).next())
            .unwrap_or("");
        let domain = if host.is_empty() || host.contains(".appsync-api.") {
            Json::Null
        } else {
            json!(host)
        };
        json!({ "headers": headers, "domainName": domain })
    }

    /// `$ctx.identity` for the credentials (null for an API key or none).
    pub fn identity(&self) -> Json {
        match self.credentials() {
            Credentials::Token(t) => t.identity_from(t.auth_type(), &self.source_ip()),
            Credentials::Iam(_) => json!({
                "accountId": null, "cognitoIdentityPoolId": null, "cognitoIdentityId": null,
                "sourceIp": self.source_ip(), "username": null, "userArn": null,
                "cognitoIdentityAuthType": null, "cognitoIdentityAuthProvider": null,
            }),
            Credentials::Lambda(_) => json!({ "resolverContext": {} }),
            Credentials::ApiKey | Credentials::Missing => Json::Null,
        }
    }

    /// The caller as AppSync's auth check sees it: the mode the credentials
    /// select, a token's groups and its problems at `now_secs`.
    pub fn caller(&self, now_secs: i64) -> super::authz::Caller {
        let creds = self.credentials();
        let (groups, problems) = match &creds {
            Credentials::Token(t) => (t.groups(), t.problems(now_secs)),
            _ => (Vec::new(), Vec::new()),
        };
        super::authz::Caller {
            mode: creds.auth_type(),
            credentials: creds.describe(),
            groups,
            problems,
        }
    }

    /// The context a resolver of `field` sees.
    pub fn context(&self, op: &Operation, field: &Selected) -> Json {
        op.context(
            field,
            self.identity(),
            self.request_json(),
            self.credentials().auth_type(),
        )
    }

    /// The GraphQL errors of the response, one line each.
    pub fn response_errors(&self) -> Vec<String> {
        let Some(errors) = self
            .response
            .as_ref()
            .and_then(|r| r.get("errors"))
            .and_then(Json::as_array)
        else {
            return Vec::new();
        };
        errors
            .iter()
            .map(|e| {
                let kind = e.get("errorType").and_then(Json::as_str).unwrap_or("error");
                let msg = e.get("message").and_then(Json::as_str).unwrap_or("");
                let path = e
                    .get("path")
                    .and_then(Json::as_array)
                    .map(|p| {
                        let parts: Vec<String> = p
                            .iter()
                            .map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_string))
                            .collect();
                        format!(" (path {})", parts.join("."))
                    })
                    .unwrap_or_default();
                format!("{kind}: {msg}{path}")
            })
            .collect()
    }

    /// `entry 3: POST mutation createPost → 200, 1 error`.
    pub fn summary(&self) -> String {
        let op = match self.operation() {
            Ok(op) => op.summary(),
            Err(e) => format!("(unparsable: {})", e.detail),
        };
        let errors = self.response_errors();
        let errors = match errors.len() {
            0 => String::new(),
            1 => format!(", {}", errors[0]),
            n => format!(", {n} errors"),
        };
        format!("entry {}: {op} → HTTP {}{errors}", self.entry, self.status)
    }
}

fn text_of(content: &Json) -> Option<String> {
    let text = content.get("text")?.as_str()?;
    if content.get("encoding").and_then(Json::as_str) == Some("base64") {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .ok()?;
        return String::from_utf8(bytes).ok();
    }
    Some(text.to_string())
}

/// A HAR capture: how many entries it has, and its GraphQL requests.
#[derive(Debug, Clone)]
pub struct Capture {
    /// How many entries `log.entries` holds (of any kind).
    pub entries: usize,
    /// The GraphQL POSTs among them, in capture order.
    pub requests: Vec<Request>,
}

/// Every GraphQL POST in a HAR file (JSON text), in capture order.
pub fn read(text: &str) -> Result<Vec<Request>, Malformed> {
    read_capture(text).map(|c| c.requests)
}

/// A HAR file (JSON text): its number of entries and its GraphQL POSTs.
pub fn read_capture(text: &str) -> Result<Capture, Malformed> {
    let har: Json = serde_json::from_str(text).map_err(|e| {
        Malformed::new(
            EXPECTED,
            format!("invalid JSON at line {}, column {}", e.line(), e.column()),
        )
    })?;
    let entries = har
        .pointer("/log/entries")
        .and_then(Json::as_array)
        .ok_or_else(|| {
            Malformed::new(
                EXPECTED,
                format!("it is {} without log.entries[]", super::json_kind(&har)),
            )
        })?;
    let mut out = Vec::new();
    let count = entries.len();
    for (i, e) in entries.iter().enumerate() {
        let Some(req) = e.get("request") else {
            return Err(Malformed::new(
                EXPECTED,
                format!("entry {i} has no request"),
            ));
        };
        if !req
            .get("method")
            .and_then(Json::as_str)
            .is_some_and(|m| m.eq_ignore_ascii_case("POST"))
        {
            continue;
        }
        let Some(body) = req.get("postData").and_then(text_of) else {
            continue;
        };
        let Ok(body) = serde_json::from_str::<Json>(&body) else {
            continue;
        };
        let Some(query) = body.get("query").and_then(Json::as_str) else {
            continue;
        };
        let mut headers = IndexMap::new();
        for h in req
            .get("headers")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(name), Some(value)) = (
                h.get("name").and_then(Json::as_str),
                h.get("value").and_then(Json::as_str),
            ) else {
                continue;
            };
            if name.starts_with(':') {
                continue;
            }
            headers.insert(name.to_ascii_lowercase(), value.to_string());
        }
        let response = e.get("response");
        out.push(Request {
            entry: i,
            url: req
                .get("url")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string(),
            headers,
            query: query.to_string(),
            operation_name: body
                .get("operationName")
                .and_then(Json::as_str)
                .map(str::to_string),
            variables: body.get("variables").cloned().unwrap_or(json!({})),
            status: response
                .and_then(|r| r.get("status"))
                .and_then(Json::as_i64)
                .unwrap_or(0),
            response: response
                .and_then(|r| r.get("content"))
                .and_then(text_of)
                .and_then(|t| serde_json::from_str(&t).ok()),
        });
    }
    Ok(Capture {
        entries: count,
        requests: out,
    })
}

/// How many requests an error lists before it only counts the rest.
const LISTED: usize = 20;

/// The request of entry `entry`, or the only one; with several and no
/// choice, the error lists them (the first 20, then how many more). An entry
/// past the end, or one that is not a GraphQL request, is said to be so, with
/// where the GraphQL requests are.
///
/// ```
/// use appsync_vtl::replay::har::{pick, Capture};
/// let capture = Capture { entries: 8, requests: Vec::new() };
/// assert_eq!(pick(&capture, Some(99)).unwrap_err(), "the capture has no GraphQL POST (a JSON body with a `query`)");
/// ```
pub fn pick(capture: &Capture, entry: Option<usize>) -> Result<&Request, String> {
    let requests = capture.requests.as_slice();
    match (entry, requests) {
        (_, []) => Err("the capture has no GraphQL POST (a JSON body with a `query`)".into()),
        (Some(n), rs) if n >= capture.entries => Err(format!(
            "entry {n} is out of range: the capture has {} {}, GraphQL requests at {}",
            capture.entries,
            if capture.entries == 1 {
                "entry"
            } else {
                "entries"
            },
            indices(rs)
        )),
        (Some(n), rs) => rs.iter().find(|r| r.entry == n).ok_or_else(|| {
            format!(
                "entry {n} is not a GraphQL POST; GraphQL requests are at {}:\n{}",
                indices(rs),
                list(rs)
            )
        }),
        (None, [only]) => Ok(only),
        (None, rs) => Err(format!(
            "the capture has {} GraphQL requests; choose one with --entry N:\n{}",
            rs.len(),
            list(rs)
        )),
    }
}

/// `2, 5, 7`, or the first 20 and how many in all.
fn indices(requests: &[Request]) -> String {
    let shown: Vec<String> = requests
        .iter()
        .take(LISTED)
        .map(|r| r.entry.to_string())
        .collect();
    if requests.len() > LISTED {
        format!("{}, … ({} in all)", shown.join(", "), requests.len())
    } else {
        shown.join(", ")
    }
}

fn list(requests: &[Request]) -> String {
    let mut lines: Vec<String> = requests
        .iter()
        .take(LISTED)
        .map(|r| format!("  {}", r.summary()))
        .collect();
    if requests.len() > LISTED {
        lines.push(format!("  … and {} more", requests.len() - LISTED));
    }
    lines.join("\n")
}
