//! AppSync's auth-mode check, the one that runs before any resolver:
//!
//! 1. the request must carry credentials of the API's default mode or of one
//!    of its additional modes, and a usable token (no `Bearer ` prefix, not
//!    expired): otherwise HTTP 401 `UnauthorizedException` for the whole request;
//! 2. every selected field is checked against the auth directives
//!    (`@aws_api_key`, `@aws_iam`, `@aws_oidc`, `@aws_lambda`,
//!    `@aws_cognito_user_pools(cognito_groups: […])`, and the legacy `@aws_auth`):
//!    directives on the field override those on its type, and the default mode
//!    applies only where neither has one. A denied field resolves to null with
//!    `Unauthorized: Not Authorized to access F on type T`, the message
//!    `$util.unauthorized()` also gives, which is why the two layers get confused.

use std::collections::HashMap;

use graphql_parser::schema::{Definition, Directive, Field, Type, TypeDefinition, TypeExtension};
use serde::Serialize;
use serde_json::{json, Value as Json};

use super::graphql::{Operation, Selected};
use super::jwt::Problem;
use super::Malformed;
use crate::outcome::AuthType;

const EXPECTED: &str = "a GraphQL schema (SDL)";

/// AppSync's 401 message for credentials of no mode the API has.
const NO_VALID_HEADER: &str = "Valid authorization header not provided.";

/// An auth directive on a type or field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthDirective {
    /// The mode it admits.
    pub mode: AuthType,
    /// `cognito_groups`, when given.
    pub groups: Option<Vec<String>>,
    /// As written, e.g. `@aws_cognito_user_pools(cognito_groups: ["Admin"])`.
    pub text: String,
}

/// The directive that admits a mode, e.g. `@aws_api_key`.
pub fn directive_for(mode: AuthType) -> &'static str {
    match mode {
        AuthType::ApiKey => "@aws_api_key",
        AuthType::AmazonCognitoUserPools => "@aws_cognito_user_pools",
        AuthType::AwsIam => "@aws_iam",
        AuthType::OpenidConnect => "@aws_oidc",
        AuthType::AwsLambda => "@aws_lambda",
    }
}

fn auth_directive(d: &Directive<'static, String>) -> Option<AuthDirective> {
    let mode = match d.name.as_str() {
        "aws_api_key" => AuthType::ApiKey,
        "aws_cognito_user_pools" | "aws_auth" => AuthType::AmazonCognitoUserPools,
        "aws_iam" => AuthType::AwsIam,
        "aws_oidc" => AuthType::OpenidConnect,
        "aws_lambda" => AuthType::AwsLambda,
        _ => return None,
    };
    let groups = d
        .arguments
        .iter()
        .find(|(k, _)| k == "cognito_groups")
        .map(|(_, v)| match v {
            graphql_parser::schema::Value::List(items) => items
                .iter()
                .filter_map(|i| match i {
                    graphql_parser::schema::Value::String(s) => Some(s.clone()),
                    _ => None,
                })
                .collect(),
            graphql_parser::schema::Value::String(s) => vec![s.clone()],
            _ => Vec::new(),
        });
    Some(AuthDirective {
        mode,
        groups,
        text: d.to_string(),
    })
}

fn auth_directives(ds: &[Directive<'static, String>]) -> Vec<AuthDirective> {
    ds.iter().filter_map(auth_directive).collect()
}

#[derive(Debug)]
struct FieldInfo {
    type_name: String,
    ty: TypeRef,
    directives: Vec<AuthDirective>,
}

/// A field's type as the schema writes it (`[Post!]!`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// `Post`
    Named(String),
    /// `[T]`
    List(Box<TypeRef>),
    /// `T!`
    NonNull(Box<TypeRef>),
}

impl TypeRef {
    fn from_ast(t: &Type<'static, String>) -> TypeRef {
        match t {
            Type::NamedType(n) => TypeRef::Named(n.clone()),
            Type::ListType(i) => TypeRef::List(Box::new(TypeRef::from_ast(i))),
            Type::NonNullType(i) => TypeRef::NonNull(Box::new(TypeRef::from_ast(i))),
        }
    }

    /// The named type inside the lists and `!`s.
    pub fn name(&self) -> &str {
        match self {
            TypeRef::Named(n) => n,
            TypeRef::List(i) | TypeRef::NonNull(i) => i.name(),
        }
    }
}

impl std::fmt::Display for TypeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeRef::Named(n) => f.write_str(n),
            TypeRef::List(i) => write!(f, "[{i}]"),
            TypeRef::NonNull(i) => write!(f, "{i}!"),
        }
    }
}

#[derive(Debug, Default)]
struct TypeInfo {
    directives: Vec<AuthDirective>,
    fields: HashMap<String, FieldInfo>,
}

/// The parts of a schema the auth check needs.
#[derive(Debug, Default)]
pub struct Schema {
    types: HashMap<String, TypeInfo>,
    roots: [Option<String>; 3],
}

fn named(t: &Type<'static, String>) -> String {
    match t {
        Type::NamedType(n) => n.clone(),
        Type::ListType(i) | Type::NonNullType(i) => named(i),
    }
}

impl Schema {
    /// Parses SDL. An Amplify input schema (`@model`) is refused: AppSync
    /// checks the schema Amplify generates from it.
    pub fn parse(text: &str) -> Result<Schema, Malformed> {
        super::check_nesting(EXPECTED, text)?;
        let doc = graphql_parser::parse_schema::<String>(text)
            .map_err(|e| Malformed::parse_error(EXPECTED, e))?
            .into_static();
        let mut schema = Schema::default();
        for def in &doc.definitions {
            let (name, directives, fields): (
                &String,
                &[Directive<'static, String>],
                &[Field<'static, String>],
            ) = match def {
                Definition::SchemaDefinition(s) => {
                    schema.roots = [s.query.clone(), s.mutation.clone(), s.subscription.clone()];
                    continue;
                }
                Definition::TypeDefinition(TypeDefinition::Object(o)) => {
                    (&o.name, &o.directives, &o.fields)
                }
                Definition::TypeDefinition(TypeDefinition::Interface(i)) => {
                    (&i.name, &i.directives, &i.fields)
                }
                Definition::TypeExtension(TypeExtension::Object(o)) => {
                    (&o.name, &o.directives, &o.fields)
                }
                Definition::TypeExtension(TypeExtension::Interface(i)) => {
                    (&i.name, &i.directives, &i.fields)
                }
                Definition::TypeDefinition(TypeDefinition::Union(u)) => {
                    (&u.name, &u.directives, &[][..])
                }
                _ => continue,
            };
            if directives.iter().any(|d| d.name == "model") {
                return Err(Malformed::new(
                    "an AppSync schema (the deployed one, with @aws_* directives)",
                    format!(
                        "type {name} has Amplify's @model: AppSync checks the schema Amplify builds from it \
                         (amplify/backend/api/<api>/build/schema.graphql, or the AppSync console's \
                         \"Export schema\")"
                    ),
                ));
            }
            let info = schema.types.entry(name.clone()).or_default();
            info.directives.extend(auth_directives(directives));
            for f in fields {
                info.fields.insert(
                    f.name.clone(),
                    FieldInfo {
                        type_name: named(&f.field_type),
                        ty: TypeRef::from_ast(&f.field_type),
                        directives: auth_directives(&f.directives),
                    },
                );
            }
        }
        Ok(schema)
    }

    fn root(&self, op: &Operation) -> String {
        self.root_type(op.kind)
    }

    /// The root type of an operation kind (`Query` unless the schema renames it).
    pub fn root_type(&self, kind: super::graphql::OperationKind) -> String {
        self.roots[kind as usize]
            .clone()
            .unwrap_or_else(|| kind.type_name().to_string())
    }

    /// The type of `type_name.field`, when the schema has the field.
    pub fn field_type(&self, type_name: &str, field: &str) -> Option<&TypeRef> {
        Some(&self.types.get(type_name)?.fields.get(field)?.ty)
    }
}

/// The API's auth configuration (`AuthenticationType` and
/// `AdditionalAuthenticationProviders` of its `AWS::AppSync::GraphQLApi`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiAuth {
    /// The default mode.
    pub default: AuthType,
    /// The additional modes.
    pub additional: Vec<AuthType>,
}

/// Who is calling, as far as the auth check cares.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The mode the credentials select (`None`: no credentials).
    pub mode: Option<AuthType>,
    /// How we know, e.g. `an x-api-key header`.
    pub credentials: String,
    /// `cognito:groups` of a user-pool token.
    pub groups: Vec<String>,
    /// What is wrong with the token.
    pub problems: Vec<Problem>,
}

/// The decision for one selected field.
#[derive(Debug, Clone, Serialize)]
pub struct FieldCheck {
    /// The response path, e.g. `createPost.author.name`.
    pub path: String,
    /// The type the field is on.
    pub type_name: String,
    /// The field.
    pub field: String,
    /// Whether the caller may read it.
    pub allowed: bool,
    /// Why, in words.
    pub reason: String,
}

/// What AppSync's auth check does with a request.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// The caller's mode.
    pub mode: Option<AuthType>,
    /// Why the whole request gets HTTP 401 (empty: it does not).
    pub rejected: Vec<String>,
    /// The message AppSync's 401 carries, when it answers 401.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_401: Option<&'static str>,
    /// Each selected field (empty when the request is rejected).
    pub fields: Vec<FieldCheck>,
}

impl Verdict {
    /// The fields denied.
    pub fn denied(&self) -> impl Iterator<Item = &FieldCheck> {
        self.fields.iter().filter(|f| !f.allowed)
    }

    /// Whether the request reaches the resolvers with every field allowed.
    pub fn passes(&self) -> bool {
        self.rejected.is_empty() && self.denied().next().is_none()
    }

    /// The errors AppSync returns for it, as in the response's `errors`.
    pub fn errors(&self) -> Vec<Json> {
        if !self.rejected.is_empty() {
            return vec![json!({
                "errorType": "UnauthorizedException",
                "message": self.message_401.unwrap_or(NO_VALID_HEADER),
            })];
        }
        self.denied()
            .map(|f| {
                json!({
                    "path": f.path.split('.').collect::<Vec<_>>(),
                    "errorType": "Unauthorized",
                    "message": format!("Not Authorized to access {} on type {}", f.field, f.type_name),
                })
            })
            .collect()
    }
}

struct Checker<'a> {
    schema: &'a Schema,
    auth: &'a ApiAuth,
    caller: &'a Caller,
    mode: AuthType,
    out: Vec<FieldCheck>,
}

impl Checker<'_> {
    fn decide(
        &self,
        type_name: &str,
        field: &str,
        info: &FieldInfo,
        on_type: &[AuthDirective],
    ) -> (bool, String) {
        let mode = self.mode;
        let (directives, whose): (&[AuthDirective], String) = if !info.directives.is_empty() {
            (&info.directives, format!("field {type_name}.{field}"))
        } else if !on_type.is_empty() {
            (on_type, format!("type {type_name}"))
        } else {
            return if mode == self.auth.default {
                (
                    true,
                    format!(
                        "no auth directive on the field or on type {type_name}: the default mode {} applies",
                        mode.api_name()
                    ),
                )
            } else {
                (
                    false,
                    format!(
                        "no auth directive on the field or on type {type_name}, so only the default mode {} \
                         may read it; {} needs {}",
                        self.auth.default.api_name(),
                        mode.api_name(),
                        directive_for(mode)
                    ),
                )
            };
        };
        let all: Vec<&str> = directives.iter().map(|d| d.text.as_str()).collect();
        let Some(d) = directives.iter().find(|d| d.mode == mode) else {
            return (
                false,
                format!(
                    "{whose} has {} but not {}",
                    all.join(" "),
                    directive_for(mode)
                ),
            );
        };
        if let Some(groups) = &d.groups {
            if !groups.iter().any(|g| self.caller.groups.contains(g)) {
                return (
                    false,
                    format!(
                        "{} on {whose} admits only the groups {groups:?}; the token's cognito:groups are {:?}",
                        d.text, self.caller.groups
                    ),
                );
            }
        }
        (true, format!("allowed by {} on {whose}", d.text))
    }

    fn walk(&mut self, type_name: &str, fields: &[Selected], prefix: &str) -> Result<(), String> {
        for f in fields {
            if f.name.starts_with("__") {
                continue;
            }
            let on =
                f.on.as_deref()
                    .filter(|t| self.schema.types.contains_key(*t))
                    .unwrap_or(type_name);
            let ty = self
                .schema
                .types
                .get(on)
                .ok_or_else(|| format!("the schema has no type {on}"))?;
            let info = ty.fields.get(&f.name).ok_or_else(|| {
                format!(
                    "validation error: type {on} has no field `{}` (AppSync answers 400 before any auth check)",
                    f.name
                )
            })?;
            let path = if prefix.is_empty() {
                f.key().to_string()
            } else {
                format!("{prefix}.{}", f.key())
            };
            let (allowed, reason) = self.decide(on, &f.name, info, &ty.directives);
            self.out.push(FieldCheck {
                path: path.clone(),
                type_name: on.to_string(),
                field: f.name.clone(),
                allowed,
                reason,
            });
            if allowed && !f.children.is_empty() {
                let child_type = info.type_name.clone();
                self.walk(&child_type, &f.children, &path)?;
            }
        }
        Ok(())
    }
}

/// Applies the auth check to an operation; `Err` is a validation error
/// (a field the schema does not have).
pub fn check(
    schema: &Schema,
    auth: &ApiAuth,
    caller: &Caller,
    op: &Operation,
) -> Result<Verdict, String> {
    let mut rejected = Vec::new();
    let Some(mode) = caller.mode else {
        rejected.push(format!(
            "{}: AppSync answers 401 UnauthorizedException (\"Valid authorization header not provided.\")",
            caller.credentials
        ));
        return Ok(Verdict {
            mode: None,
            rejected,
            message_401: Some(NO_VALID_HEADER),
            fields: Vec::new(),
        });
    };
    if mode != auth.default && !auth.additional.contains(&mode) {
        let additional: Vec<&str> = auth.additional.iter().map(|a| a.api_name()).collect();
        rejected.push(format!(
            "the request uses {} ({}), which is not an auth mode of this API (default {}, additional: {}): \
             AppSync answers 401 UnauthorizedException",
            mode.api_name(),
            caller.credentials,
            auth.default.api_name(),
            if additional.is_empty() { "none".to_string() } else { additional.join(", ") }
        ));
    }
    rejected.extend(
        caller
            .problems
            .iter()
            .filter(|p| p.rejects())
            .map(Problem::message),
    );
    if !rejected.is_empty() {
        let message_401 = caller
            .problems
            .iter()
            .filter(|p| p.rejects())
            .map(Problem::appsync_message)
            .next()
            .filter(|_| mode == auth.default || auth.additional.contains(&mode))
            .unwrap_or(NO_VALID_HEADER);
        return Ok(Verdict {
            mode: Some(mode),
            rejected,
            message_401: Some(message_401),
            fields: Vec::new(),
        });
    }
    let mut checker = Checker {
        schema,
        auth,
        caller,
        mode,
        out: Vec::new(),
    };
    let root = schema.root(op);
    if !schema.types.contains_key(&root) {
        return Err(format!(
            "the schema has no {root} type for this {}",
            op.kind.keyword()
        ));
    }
    checker.walk(&root, &op.fields, "")?;
    Ok(Verdict {
        mode: Some(mode),
        rejected,
        message_401: None,
        fields: checker.out,
    })
}
