//! JSON Web Tokens from Cognito user pools or an OIDC provider, decoded
//! **without verifying the signature** (the point is to see what AppSync saw),
//! and `$ctx.identity` built from the claims as AppSync builds it for that
//! auth mode, with the problems that make AppSync answer 401 or that make
//! templates see nulls.

use base64::Engine as _;
use serde::Serialize;
use serde_json::{json, Value as Json};

use super::Malformed;
use crate::identity::SOURCE_IP;
use crate::outcome::AuthType;

const EXPECTED: &str = "a JWT (header.payload.signature: base64url-encoded JSON)";

/// A decoded token.
#[derive(Debug, Clone, PartialEq)]
pub struct Jwt {
    /// The JOSE header (`alg`, `kid`, …).
    pub header: Json,
    /// The claims (payload).
    pub claims: Json,
    /// Whether the token as given started with `Bearer `.
    pub bearer: bool,
}

/// Something about a token that AppSync or a template will trip on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Problem {
    /// `exp` is in the past: AppSync answers 401.
    Expired {
        /// The `exp` claim (seconds).
        exp: i64,
        /// The clock used (seconds).
        now: i64,
    },
    /// `nbf` is in the future: AppSync answers 401.
    NotYetValid {
        /// The `nbf` claim (seconds).
        nbf: i64,
        /// The clock used (seconds).
        now: i64,
    },
    /// The header value started with `Bearer `: AppSync answers 401.
    BearerPrefix,
    /// A Cognito access token: no `cognito:username`, `email` or custom attributes.
    AccessToken,
}

/// Seconds as an RFC 3339 time.
fn time(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| format!("{secs} (seconds since the epoch)"))
}

/// `3d 4h`, `2h 5m`, `40s`.
fn span(secs: i64) -> String {
    let s = secs.unsigned_abs();
    let (d, h, m) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, m) => format!("{m}m {}s", s % 60),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

impl Problem {
    /// Whether AppSync rejects the request for it (HTTP 401 `UnauthorizedException`)
    /// before any resolver runs.
    pub fn rejects(&self) -> bool {
        !matches!(self, Problem::AccessToken)
    }

    /// The message of AppSync's 401 for it (`UnauthorizedException`).
    pub fn appsync_message(&self) -> &'static str {
        match self {
            Problem::Expired { .. } => "Token has expired.",
            Problem::BearerPrefix => "Unable to parse JWT token.",
            Problem::NotYetValid { .. } | Problem::AccessToken => {
                "Valid authorization header not provided."
            }
        }
    }

    /// The problem in one sentence.
    pub fn message(&self) -> String {
        match self {
            Problem::Expired { exp, now } => format!(
                "the token expired at {} (exp {exp}), {} before the clock ({}): AppSync answers \
                 401 UnauthorizedException",
                time(*exp),
                span(now - exp),
                time(*now)
            ),
            Problem::NotYetValid { nbf, now } => format!(
                "the token is not valid before {} (nbf {nbf}), {} after the clock ({}): AppSync \
                 answers 401 UnauthorizedException",
                time(*nbf),
                span(nbf - now),
                time(*now)
            ),
            Problem::BearerPrefix => "the Authorization header starts with `Bearer `: AppSync \
                 expects the bare token for Cognito user pools and OIDC and answers 401 \
                 UnauthorizedException \"Unable to parse JWT token.\""
                .into(),
            Problem::AccessToken => "this is an access token (token_use = access): it carries \
                 `username` but not `cognito:username`, `email` or custom attributes, so \
                 templates reading them (Amplify owner rules read `cognito:username`, and \
                 identityClaim rules read the claim they name) see null; send the id token"
                .into(),
        }
    }
}

fn part(text: &str, which: &str) -> Result<Json, Malformed> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|e| Malformed::new(EXPECTED, format!("the {which} is not base64url: {e}")))?;
    let value: Json = serde_json::from_slice(&bytes)
        .map_err(|e| Malformed::new(EXPECTED, format!("the {which} is not JSON: {e}")))?;
    if !value.is_object() {
        return Err(Malformed::new(
            EXPECTED,
            format!(
                "the {which} is {}, not a JSON object",
                super::json_kind(&value)
            ),
        ));
    }
    Ok(value)
}

/// Decodes a token (a leading `Bearer ` is noted and removed); the signature
/// is not checked.
pub fn decode(token: &str) -> Result<Jwt, Malformed> {
    let mut t = token.trim();
    let bearer = t
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("bearer "));
    if bearer {
        t = t.get(7..).unwrap_or("").trim_start();
    }
    if t.is_empty() {
        return Err(Malformed::new(EXPECTED, "it is empty"));
    }
    let parts: Vec<&str> = t.split('.').collect();
    match parts.len() {
        3 => {}
        5 => {
            return Err(Malformed::new(
                EXPECTED,
                "it has five parts: an encrypted token (JWE), which cannot be read without the key",
            ))
        }
        n => {
            return Err(Malformed::new(
                EXPECTED,
                format!("it has {n} part(s) separated by dots, not 3"),
            ))
        }
    }
    Ok(Jwt {
        header: part(parts[0], "header")?,
        claims: part(parts[1], "payload")?,
        bearer,
    })
}

/// An unsigned token (`alg: none`) with these claims, for tests and examples;
/// AppSync would reject it.
pub fn encode_unsigned(claims: &Json) -> String {
    let b64 = |v: &Json| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(claims)
    )
}

impl Jwt {
    fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Json::as_str)
    }

    fn claim_secs(&self, name: &str) -> Option<i64> {
        let v = self.claims.get(name)?;
        v.as_i64().or_else(|| v.as_f64().map(|f| f as i64))
    }

    /// Cognito user pools when the issuer is a Cognito user pool (or the
    /// claims are Cognito's), otherwise OpenID Connect.
    pub fn auth_type(&self) -> AuthType {
        let cognito_issuer = self
            .claim_str("iss")
            .is_some_and(|i| i.contains("cognito-idp."));
        let cognito_claims = ["cognito:username", "token_use"]
            .iter()
            .any(|c| self.claims.get(*c).is_some());
        if cognito_issuer || cognito_claims {
            AuthType::AmazonCognitoUserPools
        } else {
            AuthType::OpenidConnect
        }
    }

    /// `$ctx.identity` as AppSync builds it for `mode` (OIDC: `sub`, `issuer`,
    /// `claims`; anything else: the Cognito user-pool shape) with the
    /// documentation `sourceIp` ([`SOURCE_IP`]).
    pub fn identity(&self, mode: AuthType) -> Json {
        self.identity_from(mode, &[])
    }

    /// [`Jwt::identity`] with the caller's addresses (`x-forwarded-for`);
    /// none: [`SOURCE_IP`].
    pub fn identity_from(&self, mode: AuthType, source_ip: &[String]) -> Json {
        let sub = self.claims.get("sub").cloned().unwrap_or(Json::Null);
        let issuer = self.claims.get("iss").cloned().unwrap_or(Json::Null);
        if mode == AuthType::OpenidConnect {
            return json!({"sub": sub, "issuer": issuer, "claims": self.claims});
        }
        let username = self
            .claims
            .get("cognito:username")
            .or_else(|| self.claims.get("username"))
            .cloned()
            .unwrap_or(Json::Null);
        let source_ip: Vec<&str> = if source_ip.is_empty() {
            vec![SOURCE_IP]
        } else {
            source_ip.iter().map(String::as_str).collect()
        };
        json!({
            "sub": sub, "issuer": issuer, "username": username, "claims": self.claims,
            "sourceIp": source_ip, "defaultAuthStrategy": "ALLOW",
            "groups": self.claims.get("cognito:groups").cloned().unwrap_or(Json::Null),
        })
    }

    /// The user-pool groups (`cognito:groups`).
    pub fn groups(&self) -> Vec<String> {
        self.claims
            .get("cognito:groups")
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|g| g.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// What is wrong with the token at `now_secs` (seconds since the epoch).
    pub fn problems(&self, now_secs: i64) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.bearer {
            out.push(Problem::BearerPrefix);
        }
        if let Some(exp) = self.claim_secs("exp") {
            if exp <= now_secs {
                out.push(Problem::Expired { exp, now: now_secs });
            }
        }
        if let Some(nbf) = self.claim_secs("nbf") {
            if nbf > now_secs {
                out.push(Problem::NotYetValid { nbf, now: now_secs });
            }
        }
        if self.claim_str("token_use") == Some("access") {
            out.push(Problem::AccessToken);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_tokens_say_why() {
        let e = decode("abc.def").unwrap_err();
        assert!(e.to_string().contains("2 part(s)"), "{e}");
        let e = decode("a.b.c.d.e").unwrap_err();
        assert!(e.to_string().contains("JWE"), "{e}");
        let e = decode("!!.e30.").unwrap_err();
        assert!(e.to_string().contains("header is not base64url"), "{e}");
        let e = decode("ééééé").unwrap_err();
        assert!(e.to_string().contains("1 part(s)"), "{e}");
        let e = decode("W10.e30.").unwrap_err();
        assert!(e.to_string().contains("header is an array"), "{e}");
    }

    #[test]
    fn bearer_and_times() {
        let t = encode_unsigned(&json!({"sub": "x", "exp": 100, "nbf": 50, "token_use": "access"}));
        let jwt = decode(&format!("Bearer {t}")).unwrap();
        assert!(jwt.bearer);
        assert_eq!(jwt.auth_type(), AuthType::AmazonCognitoUserPools);
        let p = jwt.problems(200);
        assert_eq!(p[0], Problem::BearerPrefix);
        assert_eq!(p[1], Problem::Expired { exp: 100, now: 200 });
        assert_eq!(p[2], Problem::AccessToken);
        assert_eq!(
            jwt.problems(10)[1],
            Problem::NotYetValid { nbf: 50, now: 10 }
        );
    }
}
