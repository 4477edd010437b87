//! Identity presets: `$ctx.identity` exactly as AppSync shapes it for each auth
//! mode, for tests, `vtl explain --matrix` and the harness.
//!
//! ```
//! use appsync_vtl::identity::{cognito_user, Caller};
//! let ctx = Caller::preset("cognito-admin").unwrap().context();
//! assert_eq!(ctx.auth_type().util_name(), "User Pool Authorization");
//! let alice = cognito_user("alice-sub", "alice", Some(&["Admin"]));
//! assert_eq!(alice["claims"]["cognito:groups"][0], "Admin");
//! ```

use serde_json::{json, Value as Json};

use crate::context::RequestContext;
use crate::outcome::AuthType;

/// Account id used by the presets.
pub const ACCOUNT: &str = "123456789012";
/// User pool issuer used by the presets.
pub const USER_POOL_ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool";
/// `sourceIp` of the presets (and of identities rebuilt from a token alone):
/// an address reserved for documentation (RFC 5737).
pub const SOURCE_IP: &str = "203.0.113.7";
/// OIDC issuer used by the presets.
pub const OIDC_ISSUER: &str = "https://issuer.example.com";

/// A Cognito user-pool identity (`sub`, `issuer`, `username`, `claims`, `sourceIp`,
/// `defaultAuthStrategy`, `groups`); `groups: None` omits the `cognito:groups` claim.
pub fn cognito_user(sub: &str, username: &str, groups: Option<&[&str]>) -> Json {
    let mut claims = json!({
        "sub": sub, "iss": USER_POOL_ISSUER, "cognito:username": username, "aud": "client123",
        "token_use": "id", "auth_time": 1700000000, "exp": 1700003600, "iat": 1700000000,
        "email": format!("{username}@example.com"),
    });
    if let (Some(g), Some(o)) = (groups, claims.as_object_mut()) {
        o.insert("cognito:groups".into(), json!(g));
    }
    json!({
        "sub": sub, "issuer": USER_POOL_ISSUER, "username": username, "claims": claims,
        "sourceIp": [SOURCE_IP], "defaultAuthStrategy": "ALLOW", "groups": groups,
    })
}

/// An IAM identity; `role` names the assumed role (e.g. `authRole`),
/// `auth_type` is `authenticated` or `unauthenticated` (Cognito identity pools).
pub fn iam_role(role: &str, auth_type: &str) -> Json {
    let provider = if auth_type == "unauthenticated" {
        Json::Null
    } else {
        json!(format!("\"cognito-idp.us-east-1.amazonaws.com/us-east-1_pool\",\"cognito-idp.us-east-1.amazonaws.com/us-east-1_pool:CognitoSignIn:alice-sub\""))
    };
    json!({
        "accountId": ACCOUNT, "cognitoIdentityPoolId": "us-east-1:pool",
        "cognitoIdentityId": "us-east-1:11111111-2222-3333-4444-555555555555",
        "cognitoIdentityAuthType": auth_type, "cognitoIdentityAuthProvider": provider,
        "sourceIp": [SOURCE_IP],
        "userArn": format!("arn:aws:sts::{ACCOUNT}:assumed-role/{role}/CognitoIdentityCredentials"),
        "username": "AROAEXAMPLEID:CognitoIdentityCredentials",
    })
}

/// An OIDC identity (`sub`, `issuer`, `claims`, `sourceIp`) with extra claims.
pub fn oidc_user(sub: &str, extra_claims: Json) -> Json {
    let mut claims = json!({"sub": sub, "iss": OIDC_ISSUER, "aud": "client", "exp": 1700003600, "iat": 1700000000});
    if let (Some(c), Some(extra)) = (claims.as_object_mut(), extra_claims.as_object()) {
        c.extend(extra.clone());
    }
    json!({"sub": sub, "issuer": OIDC_ISSUER, "claims": claims, "sourceIp": [SOURCE_IP]})
}

/// A Lambda-authorizer identity: only `resolverContext`.
pub fn lambda(resolver_context: Json) -> Json {
    json!({ "resolverContext": resolver_context })
}

/// A named caller: an identity and its auth mode.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The preset's name, e.g. `cognito-admin`.
    pub name: String,
    /// What it stands for.
    pub description: &'static str,
    /// `$ctx.identity`.
    pub identity: Json,
    /// The auth mode.
    pub auth_type: AuthType,
}

/// The built-in presets: (name, description).
pub const PRESETS: &[(&str, &str)] = &[
    ("api-key", "API key caller (identity is null)"),
    ("cognito-user", "Cognito user alice, no groups claim"),
    (
        "cognito-other",
        "Cognito user bob (a non-owner), no groups claim",
    ),
    ("cognito-admin", "Cognito user carol in group Admin"),
    (
        "cognito-nogroup",
        "Cognito user erin with an empty groups claim",
    ),
    ("iam-auth", "IAM, Cognito identity pool authenticated role"),
    (
        "iam-unauth",
        "IAM, Cognito identity pool unauthenticated role",
    ),
    ("oidc", "OpenID Connect user"),
    ("lambda", "Lambda authorizer with a resolverContext"),
];

impl Caller {
    /// The first preset of an auth mode (the caller a mode alone stands for).
    ///
    /// ```
    /// use appsync_vtl::{identity::Caller, AuthType};
    /// assert_eq!(Caller::for_mode(AuthType::AwsIam).unwrap().name, "iam-auth");
    /// ```
    pub fn for_mode(mode: AuthType) -> Option<Caller> {
        Caller::all().into_iter().find(|p| p.auth_type == mode)
    }

    /// A built-in preset by name (see [`PRESETS`]).
    pub fn preset(name: &str) -> Option<Caller> {
        let (identity, auth_type) = match name {
            "api-key" => (Json::Null, AuthType::ApiKey),
            "cognito-user" => (
                cognito_user("alice-sub", "alice", None),
                AuthType::AmazonCognitoUserPools,
            ),
            "cognito-other" => (
                cognito_user("bob-sub", "bob", None),
                AuthType::AmazonCognitoUserPools,
            ),
            "cognito-admin" => (
                cognito_user("carol-sub", "carol", Some(&["Admin"])),
                AuthType::AmazonCognitoUserPools,
            ),
            "cognito-nogroup" => (
                cognito_user("erin-sub", "erin", Some(&[])),
                AuthType::AmazonCognitoUserPools,
            ),
            "iam-auth" => (iam_role("authRole", "authenticated"), AuthType::AwsIam),
            "iam-unauth" => (iam_role("unauthRole", "unauthenticated"), AuthType::AwsIam),
            "oidc" => (
                oidc_user("oidc-sub-1", json!({"user_id": "uid-77"})),
                AuthType::OpenidConnect,
            ),
            "lambda" => (
                lambda(json!({"userId": "lambda-user-1"})),
                AuthType::AwsLambda,
            ),
            _ => return None,
        };
        let description = PRESETS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| *d)
            .unwrap_or("");
        Some(Caller {
            name: name.into(),
            description,
            identity,
            auth_type,
        })
    }

    /// Every built-in preset.
    pub fn all() -> Vec<Caller> {
        PRESETS
            .iter()
            .filter_map(|(n, _)| Caller::preset(n))
            .collect()
    }

    /// An otherwise empty context with this caller.
    pub fn context(&self) -> RequestContext {
        self.apply(RequestContext::new())
    }

    /// A context with this caller's identity and auth mode.
    pub fn apply(&self, ctx: RequestContext) -> RequestContext {
        ctx.with_identity(self.identity.clone())
            .with_auth_type(self.auth_type)
    }
}
