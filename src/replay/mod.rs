//! Replaying what a user captured: a JWT ([`jwt`]), a browser HAR file
//! ([`har`]), AppSync CloudWatch log events ([`log`]) become EvaluateMappingTemplate
//! contexts; [`authz`] applies AppSync's auth-mode rules (the check that runs
//! before any resolver) to a GraphQL operation ([`graphql`]).
//!
//! ```
//! use appsync_vtl::replay::jwt;
//! // an unsigned token: {"alg":"none"} . {"sub":"s1","cognito:username":"alice","iss":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x"}
//! let token = jwt::encode_unsigned(&serde_json::json!({
//!     "sub": "s1", "cognito:username": "alice",
//!     "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x",
//! }));
//! let decoded = jwt::decode(&token).unwrap();
//! assert_eq!(decoded.identity(decoded.auth_type())["username"], "alice");
//! ```

pub mod authz;
pub mod graphql;
pub mod har;
pub mod jwt;
pub mod log;

/// An input that is not what it should be: not a JWT, not a HAR file, a log
/// line of another shape, a schema that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not {expected}: {detail}")]
pub struct Malformed {
    /// What was expected, e.g. `a JWT (three base64url parts separated by dots)`.
    pub expected: &'static str,
    /// What was wrong.
    pub detail: String,
}

impl Malformed {
    /// A new error.
    pub fn new(expected: &'static str, detail: impl Into<String>) -> Malformed {
        Malformed {
            expected,
            detail: detail.into(),
        }
    }

    /// A parser's error message, on one line.
    pub(crate) fn parse_error(expected: &'static str, e: impl std::fmt::Display) -> Malformed {
        Malformed::new(
            expected,
            e.to_string().replace('\n', " ").trim().to_string(),
        )
    }
}

pub(crate) use crate::context::json_kind;

/// GraphQL documents nested deeper than this are refused before parsing
/// (the parser recurses once per level).
pub(crate) const MAX_GRAPHQL_NESTING: usize = 128;

/// Refuses GraphQL text whose brackets nest deeper than [`MAX_GRAPHQL_NESTING`]
/// (string contents are skipped).
pub(crate) fn check_nesting(expected: &'static str, text: &str) -> Result<(), Malformed> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for c in text.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' | '(' => {
                depth += 1;
                if depth > MAX_GRAPHQL_NESTING {
                    return Err(Malformed::new(
                        expected,
                        format!("brackets nest deeper than {MAX_GRAPHQL_NESTING} levels"),
                    ));
                }
            }
            '}' | ']' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}
