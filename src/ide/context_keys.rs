//! What `$ctx` holds, key by key, and the identity fields each auth mode
//! fills in (AppSync's resolver context reference; `docs/fidelity.md` and
//! the identity presets of [`crate::identity`] follow the same shapes).

/// A key of an object `$ctx` holds, with what it means.
pub(crate) struct Key {
    pub(crate) name: &'static str,
    pub(crate) doc: &'static str,
}

const fn key(name: &'static str, doc: &'static str) -> Key {
    Key { name, doc }
}

/// `$ctx.*`
pub(crate) const CTX: &[Key] = &[
    key("arguments", "The GraphQL field's arguments, as a map (`$ctx.args` is the same map)."),
    key("args", "Short for `$ctx.arguments`: the same map."),
    key("source", "The parent object's resolved value, for a field of a type (null for a root field)."),
    key("result", "The data source's result, in a response template."),
    key("identity", "The caller: null with an API key; a map whose fields depend on the auth mode (Cognito user pools, IAM, OIDC, Lambda)."),
    key("request", "The HTTP request: `headers` (lower-case names) and `domainName`."),
    key("info", "The GraphQL field: `fieldName`, `parentTypeName`, `variables`, `selectionSetList`, `selectionSetGraphQL`."),
    key("stash", "A map that lives for the whole request: what one template or pipeline function puts there, the next one reads."),
    key("prev", "In a pipeline: `prev.result`, the previous step's result."),
    key("error", "In a response template, the data source's error (`message`, `type`), or null."),
    key("outErrors", "The errors `$util.appendError` added so far (a list)."),
];

/// `$ctx.request.*`
pub(crate) const REQUEST: &[Key] = &[
    key("headers", "The request's HTTP headers, by lower-case name."),
    key(
        "domainName",
        "The custom domain name the request came through, or null.",
    ),
];

/// `$ctx.info.*`
pub(crate) const INFO: &[Key] = &[
    key("fieldName", "The name of the field being resolved."),
    key(
        "parentTypeName",
        "The type the field belongs to (`Query`, `Mutation`, `Post`, …).",
    ),
    key("variables", "The operation's variables, as a map."),
    key(
        "selectionSetList",
        "The selected fields below this one, as paths (`id`, `author/name`).",
    ),
    key(
        "selectionSetGraphQL",
        "The selection set below this field, as GraphQL text.",
    ),
];

/// `$ctx.error.*`
pub(crate) const ERROR: &[Key] = &[
    key("message", "The data source's error message."),
    key("type", "The data source's error type."),
];

/// `$ctx.prev.*`
pub(crate) const PREV: &[Key] = &[key("result", "The previous pipeline step's result.")];

/// An identity field and the auth modes that fill it in.
pub(crate) struct IdentityField {
    pub(crate) name: &'static str,
    pub(crate) modes: &'static str,
    pub(crate) doc: &'static str,
}

const fn field(name: &'static str, modes: &'static str, doc: &'static str) -> IdentityField {
    IdentityField { name, modes, doc }
}

/// `$ctx.identity.*` (an API key caller has no identity: `$ctx.identity` is null).
pub(crate) const IDENTITY: &[IdentityField] = &[
    field(
        "sub",
        "Cognito user pools, OIDC",
        "The user's unique id (the token's `sub`).",
    ),
    field(
        "issuer",
        "Cognito user pools, OIDC",
        "The token issuer (`https://cognito-idp.<region>.amazonaws.com/<pool>` for Cognito).",
    ),
    field(
        "username",
        "Cognito user pools, IAM",
        "Cognito: the user name; IAM: the principal.",
    ),
    field(
        "claims",
        "Cognito user pools, OIDC",
        "The token's claims, as a map (`$ctx.identity.claims.get(\"cognito:groups\")`).",
    ),
    field(
        "sourceIp",
        "Cognito user pools, IAM",
        "The caller's IP addresses (a list).",
    ),
    field(
        "defaultAuthStrategy",
        "Cognito user pools",
        "`ALLOW` or `DENY`, from the API's user pool configuration.",
    ),
    field(
        "groups",
        "Cognito user pools",
        "The user's Cognito groups (`cognito:groups`), or null.",
    ),
    field("accountId", "IAM", "The caller's AWS account id."),
    field(
        "cognitoIdentityPoolId",
        "IAM",
        "The Cognito identity pool, for identity-pool credentials.",
    ),
    field(
        "cognitoIdentityId",
        "IAM",
        "The Cognito identity id, for identity-pool credentials.",
    ),
    field(
        "cognitoIdentityAuthType",
        "IAM",
        "`authenticated` or `unauthenticated`.",
    ),
    field(
        "cognitoIdentityAuthProvider",
        "IAM",
        "The identity provider that authenticated the caller.",
    ),
    field(
        "userArn",
        "IAM",
        "The caller's ARN (an assumed role's for identity-pool credentials).",
    ),
    field(
        "resolverContext",
        "Lambda",
        "What the Lambda authorizer returned as `resolverContext`.",
    ),
];
