//! What a render produces: the text, the `#return` value, the errors raised or
//! appended, the stash, the logs.

use serde::Serialize;

use crate::value::{to_json, Value};

/// An AppSync error as `$util.error` / `$util.appendError` / `$util.unauthorized` make it.
#[derive(Debug, Clone, PartialEq)]
pub struct AppSyncError {
    /// The message.
    pub message: String,
    /// `errorType` (null when not given).
    pub error_type: Option<String>,
    /// `data` (third argument).
    pub data: Value,
    /// `errorInfo` (fourth argument).
    pub error_info: Value,
}

impl AppSyncError {
    /// An error with only a message and type.
    pub fn new(message: impl Into<String>, error_type: Option<&str>) -> AppSyncError {
        AppSyncError {
            message: message.into(),
            error_type: error_type.map(str::to_string),
            data: Value::Null,
            error_info: Value::Null,
        }
    }

    /// The error as AppSync lists it (`outErrors` entries, GraphQL `errors`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "message": self.message,
            "errorType": self.error_type,
            "data": to_json(&self.data),
            "errorInfo": to_json(&self.error_info),
        })
    }
}

impl Serialize for AppSyncError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

/// The request's authorization mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuthType {
    /// `API_KEY`
    #[default]
    ApiKey,
    /// `AMAZON_COGNITO_USER_POOLS`
    AmazonCognitoUserPools,
    /// `AWS_IAM`
    AwsIam,
    /// `OPENID_CONNECT`
    OpenidConnect,
    /// `AWS_LAMBDA`
    AwsLambda,
}

impl AuthType {
    /// Every mode, in the order AppSync's docs list them.
    pub const ALL: [AuthType; 5] = [
        AuthType::ApiKey,
        AuthType::AmazonCognitoUserPools,
        AuthType::AwsIam,
        AuthType::OpenidConnect,
        AuthType::AwsLambda,
    ];

    /// What `$util.authType()` returns.
    pub fn util_name(self) -> &'static str {
        match self {
            AuthType::ApiKey => "API Key Authorization",
            AuthType::AmazonCognitoUserPools => "User Pool Authorization",
            AuthType::AwsIam => "IAM Authorization",
            AuthType::OpenidConnect => "Open ID Connect Authorization",
            AuthType::AwsLambda => "Lambda Authorization",
        }
    }

    /// The API's constant, e.g. `AMAZON_COGNITO_USER_POOLS`.
    pub fn api_name(self) -> &'static str {
        match self {
            AuthType::ApiKey => "API_KEY",
            AuthType::AmazonCognitoUserPools => "AMAZON_COGNITO_USER_POOLS",
            AuthType::AwsIam => "AWS_IAM",
            AuthType::OpenidConnect => "OPENID_CONNECT",
            AuthType::AwsLambda => "AWS_LAMBDA",
        }
    }

    /// Parses an API constant or a common alias (`IAM`, `USER_POOLS`, `OIDC`, `LAMBDA`).
    pub fn parse(s: &str) -> Option<AuthType> {
        const NAMES: [(&str, AuthType); 12] = [
            ("API_KEY", AuthType::ApiKey),
            ("APIKEY", AuthType::ApiKey),
            (
                "AMAZON_COGNITO_USER_POOLS",
                AuthType::AmazonCognitoUserPools,
            ),
            ("USER_POOLS", AuthType::AmazonCognitoUserPools),
            ("COGNITO", AuthType::AmazonCognitoUserPools),
            ("USER_POOL", AuthType::AmazonCognitoUserPools),
            ("AWS_IAM", AuthType::AwsIam),
            ("IAM", AuthType::AwsIam),
            ("OPENID_CONNECT", AuthType::OpenidConnect),
            ("OIDC", AuthType::OpenidConnect),
            ("AWS_LAMBDA", AuthType::AwsLambda),
            ("LAMBDA", AuthType::AwsLambda),
        ];
        // Any case, `-` for `_`; compared byte by byte, so nothing is allocated.
        let given = s.trim().as_bytes();
        let same = |name: &str| {
            name.len() == given.len()
                && name
                    .bytes()
                    .zip(given)
                    .all(|(n, &g)| n == g.to_ascii_uppercase() || (n == b'_' && g == b'-'))
        };
        NAMES
            .iter()
            .find(|(name, _)| same(name))
            .map(|&(_, mode)| mode)
    }

    /// Infers the mode from an identity as AppSync shapes it: null → API key,
    /// `resolverContext` → Lambda, `userArn`/`cognitoIdentity*` → IAM, a Cognito
    /// issuer or `cognito:username` claim → user pools, otherwise OIDC.
    pub fn infer(identity: &Value) -> AuthType {
        let Value::Map(obj) = identity else {
            return AuthType::ApiKey;
        };
        let obj = obj.borrow();
        if obj.contains_key("resolverContext") {
            return AuthType::AwsLambda;
        }
        if [
            "userArn",
            "cognitoIdentityPoolId",
            "cognitoIdentityId",
            "cognitoIdentityAuthType",
            "accountId",
        ]
        .iter()
        .any(|k| obj.contains_key(k))
        {
            return AuthType::AwsIam;
        }
        let issuer_is_cognito =
            matches!(obj.get("issuer"), Some(Value::Str(s)) if s.contains("cognito-idp"));
        let cognito_claim = matches!(obj.get("claims"), Some(Value::Map(c))
            if c.borrow().contains_key("cognito:username"));
        if issuer_is_cognito || cognito_claim || obj.contains_key("username") {
            return AuthType::AmazonCognitoUserPools;
        }
        if obj.is_empty() {
            return AuthType::ApiKey;
        }
        AuthType::OpenidConnect
    }
}

/// A recorded `$extensions` call.
#[derive(Debug, Clone, Serialize)]
pub struct ExtensionCall {
    /// e.g. `setSubscriptionFilter`.
    pub method: String,
    /// Its arguments as JSON.
    pub args: Vec<serde_json::Value>,
}

/// The result of rendering a template.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The rendered text (empty when the template raised an error).
    pub output: String,
    /// The `#return` value, if the template returned.
    pub returned: Option<Value>,
    /// The error that stopped the template (`$util.error`, `unauthorized`, `validate`).
    pub raised: Option<AppSyncError>,
    /// Errors added with `$util.appendError`.
    pub errors: Vec<AppSyncError>,
    /// The stash after the render.
    pub stash: Value,
    /// The stash's JSON text as the response holds it, printed when the render
    /// ended (within its work budget and output limit).
    pub stash_json: String,
    /// `$util.log.*` lines and engine warnings.
    pub logs: Vec<String>,
    /// `$extensions` calls.
    pub extensions: Vec<ExtensionCall>,
    /// Headers added with `$util.http.addResponseHeader(s)`, in order (a name
    /// added again replaces the earlier one): what AppSync sends with the response.
    pub response_headers: Vec<(String, Value)>,
}

impl Outcome {
    /// The evaluation result as the API shows it: the output, or the returned
    /// value (a string as it is, anything else as JSON).
    pub fn evaluation_result(&self) -> Option<String> {
        if self.raised.is_some() {
            return None;
        }
        match &self.returned {
            None => Some(self.output.clone()),
            Some(Value::Str(s)) => Some(s.to_string()),
            Some(v) => Some(crate::value::to_json_string(v)),
        }
    }

    /// The evaluation result parsed as JSON, when it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.evaluation_result()?).ok()
    }

    /// Whether the template ended in `Unauthorized`.
    pub fn is_unauthorized(&self) -> bool {
        self.raised
            .as_ref()
            .is_some_and(|e| e.error_type.as_deref() == Some("Unauthorized"))
    }
}

/// Adds a response header as AppSync keeps them: a name added again (in any
/// case) replaces the earlier one and moves to the end.
pub(crate) fn set_header(headers: &mut Vec<(String, Value)>, name: String, value: Value) {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
    headers.push((name, value));
}

#[cfg(test)]
mod tests {
    use super::AuthType;

    /// `parse` reads what upper-casing the trimmed text and writing `_` for `-`
    /// makes of it: the API constants and their aliases, nothing else.
    #[test]
    fn auth_type_parse_ignores_case_and_dashes() {
        let cases = [
            ("API_KEY", Some(AuthType::ApiKey)),
            (" apikey ", Some(AuthType::ApiKey)),
            ("api-key", Some(AuthType::ApiKey)),
            (
                "Amazon-Cognito-User-Pools",
                Some(AuthType::AmazonCognitoUserPools),
            ),
            ("user_pool", Some(AuthType::AmazonCognitoUserPools)),
            ("Cognito", Some(AuthType::AmazonCognitoUserPools)),
            ("aws_iam", Some(AuthType::AwsIam)),
            ("IAM", Some(AuthType::AwsIam)),
            ("openid-connect", Some(AuthType::OpenidConnect)),
            ("oidc", Some(AuthType::OpenidConnect)),
            ("aws-lambda", Some(AuthType::AwsLambda)),
            ("\tLAMBDA\n", Some(AuthType::AwsLambda)),
            ("LAMBDA_", None),
            ("API KEY", None),
            ("User Pool Authorization", None),
            ("ıam", None),
            ("", None),
        ];
        for (text, mode) in cases {
            assert_eq!(AuthType::parse(text), mode, "{text:?}");
        }
    }
}
