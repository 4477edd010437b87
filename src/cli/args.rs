//! Argument types and parsers that several commands share: the auth mode,
//! `--now`, and `TOKEN|FILE` for tokens.

use std::path::Path;

use clap::Args;

use appsync_vtl::engine::parse_time_millis;
use appsync_vtl::input::{read_text, show_path, Cap};
use appsync_vtl::outcome::AuthType;
use appsync_vtl::project::Project;
use appsync_vtl::replay::authz::{ApiAuth, Schema};
use appsync_vtl::replay::jwt::{self, Jwt};

/// Parses an auth mode argument.
pub(crate) fn parse_auth_type(s: &str) -> Result<AuthType, String> {
    AuthType::parse(s).ok_or_else(|| {
        "expected API_KEY, AMAZON_COGNITO_USER_POOLS, AWS_IAM, OPENID_CONNECT or AWS_LAMBDA".into()
    })
}

/// `--now`, for the commands that read tokens but evaluate nothing.
#[derive(Args, Debug)]
pub(crate) struct Clock {
    /// The clock (RFC 3339) for the token's `exp`/`nbf`, and `$util.time` where
    /// templates run; default: the system clock.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
}

impl Clock {
    /// The clock in milliseconds since the epoch.
    pub(crate) fn millis(&self) -> Result<i64, String> {
        now_millis(self.now.as_deref())
    }
}

/// `--now` in milliseconds (the system clock when absent).
pub(crate) fn now_millis(now: Option<&str>) -> Result<i64, String> {
    match now {
        Some(t) => parse_time_millis(t),
        None => Ok(chrono::Utc::now().timestamp_millis()),
    }
}

/// Reads `TOKEN|FILE`: the token's text, and how messages name it. Anything
/// that exists at that path is read as a file (a FIFO, `/dev/stdin`), up to
/// [`Cap::TOKEN`].
pub(crate) fn read_token(arg: &str) -> Result<(String, String), String> {
    if Path::new(arg).exists() || arg == "-" {
        Ok((
            read_text(arg, Cap::TOKEN).map_err(|e| e.to_string())?,
            arg.to_string(),
        ))
    } else if arg.matches('.').count() >= 2 && !arg.contains(['/', '\\']) {
        Ok((arg.to_string(), "the token given".to_string()))
    } else {
        Err(format!(
            "{arg}: neither a file nor a JWT (header.payload.signature)"
        ))
    }
}

/// Reads `TOKEN|FILE` and decodes it; the label names it in messages.
pub(crate) fn read_jwt(arg: &str) -> Result<(Jwt, String), String> {
    let (text, label) = read_token(arg)?;
    let jwt = jwt::decode(&text).map_err(|e| format!("{label}: {e}"))?;
    Ok((jwt, label))
}

/// Reads `TOKEN|FILE`, decodes it and prints its problems as warnings.
pub(crate) fn load_jwt(arg: &str, now_ms: i64) -> Result<Jwt, String> {
    let (jwt, label) = read_jwt(arg)?;
    for p in jwt.problems(now_ms.div_euclid(1000)) {
        errln!("warning: {label}: {}", p.message());
    }
    Ok(jwt)
}

/// `--field Type.field`: (parent type, field name).
pub(crate) fn parse_field(s: &str) -> Result<(String, String), String> {
    let ident = |p: &str| {
        !p.is_empty()
            && p.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    match s.split_once('.') {
        Some((parent, field)) if ident(parent) && ident(field) => {
            Ok((parent.to_string(), field.to_string()))
        }
        _ => Err(format!(
            "expected `Type.field` (a GraphQL type and field name, e.g. `Mutation.createPost`), got `{s}`"
        )),
    }
}

/// `GRAPHQL|FILE` or `JSON|FILE`: anything that exists at that path is read
/// as a file (a FIFO, `/dev/stdin`), up to [`Cap::OPERATION`]; else the
/// argument is the text.
pub(crate) fn text_or_file(arg: &str) -> Result<String, String> {
    if Path::new(arg).exists() {
        read_text(arg, Cap::OPERATION).map_err(|e| e.to_string())
    } else {
        Ok(arg.to_string())
    }
}

/// The API's schema and auth modes, when the project does not give them (or
/// to use others): `vtl authz` and `vtl request`.
#[derive(Args, Debug)]
pub(crate) struct ApiArgs {
    /// The API's schema as AppSync has it (with `@aws_*` directives); default:
    /// the project's.
    #[arg(long, value_name = "SCHEMA.graphql")]
    schema: Option<std::path::PathBuf>,
    /// The API's default auth mode; default: the project's.
    #[arg(long, value_name = "MODE", value_parser = parse_auth_type)]
    default_auth: Option<AuthType>,
    /// An additional auth mode (repeatable; with --default-auth).
    #[arg(long, value_name = "MODE", value_parser = parse_auth_type, requires = "default_auth")]
    additional_auth: Vec<AuthType>,
}

impl ApiArgs {
    /// `--schema`, else the project's schema.
    pub(crate) fn schema(&self, project: Option<&Project>) -> Result<Schema, String> {
        match (&self.schema, project) {
            (Some(path), _) => {
                let text = read_text(path, Cap::SCHEMA).map_err(|e| e.to_string())?;
                Schema::parse(&text).map_err(|e| format!("{}: {e}", show_path(path)))
            }
            (None, Some(p)) if p.schema.is_some() => p
                .parsed_schema()
                .map_err(|e| format!("{}: {e}", show_path(&p.root))),
            _ => Err("give --schema SCHEMA.graphql (or a project that holds its schema)".into()),
        }
    }

    /// `--default-auth` and `--additional-auth`, else the project's modes.
    pub(crate) fn auth(&self, project: Option<&Project>) -> Result<ApiAuth, String> {
        match (self.default_auth, project.and_then(|p| p.auth.as_ref())) {
            (Some(default), _) => Ok(ApiAuth {
                default,
                additional: self.additional_auth.clone(),
            }),
            (None, Some(modes)) => Ok(modes.clone()),
            (None, None) => Err(
                "give --default-auth MODE [--additional-auth MODE] (or a project that says its auth modes)"
                    .into(),
            ),
        }
    }
}
