//! A GraphQL operation (parsed with `graphql-parser`) turned into what a
//! resolver sees: `$ctx.arguments` with the variables substituted, and `$ctx.info`
//! (`fieldName`, `parentTypeName`, `variables`, `selectionSetList`,
//! `selectionSetGraphQL`). Fragments are inlined; each selected field keeps the
//! type condition it was selected under, for [`super::authz`].

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use graphql_parser::query::{
    Definition, Document, FragmentDefinition, OperationDefinition, Selection, SelectionSet,
    TypeCondition, Value, VariableDefinition,
};
use serde_json::{json, Map, Value as Json};

use super::Malformed;

const EXPECTED: &str = "a GraphQL operation";

/// Fragments nested deeper than this are reported, not followed (a cycle).
const MAX_FRAGMENT_DEPTH: usize = 32;

/// The most fields and fragments an operation may expand to, fragments
/// inlined: 30 fragments that each spread the next one twice would expand to
/// 2^30 fields from 1.2 KB of text. Past it the operation is refused.
pub const MAX_EXPANDED_SELECTIONS: usize = 10_000;

/// `query`, `mutation` or `subscription`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    /// `query` (or a bare `{ … }`).
    Query,
    /// `mutation`
    Mutation,
    /// `subscription`
    Subscription,
}

impl OperationKind {
    /// The root type's default name (`Query`, `Mutation`, `Subscription`).
    pub fn type_name(self) -> &'static str {
        match self {
            OperationKind::Query => "Query",
            OperationKind::Mutation => "Mutation",
            OperationKind::Subscription => "Subscription",
        }
    }

    /// The keyword (`query`, …).
    pub fn keyword(self) -> &'static str {
        match self {
            OperationKind::Query => "query",
            OperationKind::Mutation => "mutation",
            OperationKind::Subscription => "subscription",
        }
    }
}

/// A selected field.
#[derive(Debug, Clone, PartialEq)]
pub struct Selected {
    /// The field's name.
    pub name: String,
    /// Its alias, if any.
    pub alias: Option<String>,
    /// Its arguments with variables substituted.
    pub arguments: Json,
    /// The type condition of the fragment it was selected in (`... on Post`).
    pub on: Option<String>,
    /// The fields selected under it.
    pub children: Vec<Selected>,
    /// Its selection set printed as GraphQL (`selectionSetGraphQL`).
    pub selection_graphql: String,
    /// Where it is in the operation (1-based line, column).
    pub line: usize,
    /// Column.
    pub column: usize,
}

impl Selected {
    /// The alias, else the name (what `selectionSetList` shows).
    pub fn key(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }

    /// `selectionSetList`: `parent/child` paths of every field below, in order.
    pub fn selection_set_list(&self) -> Vec<String> {
        fn walk(
            fields: &[Selected],
            prefix: &str,
            out: &mut Vec<String>,
            seen: &mut HashSet<String>,
        ) {
            for f in fields {
                let path = if prefix.is_empty() {
                    f.key().to_string()
                } else {
                    format!("{prefix}/{}", f.key())
                };
                if seen.insert(path.clone()) {
                    out.push(path.clone());
                }
                walk(&f.children, &path, out, seen);
            }
        }
        let mut out = Vec::new();
        walk(&self.children, "", &mut out, &mut HashSet::new());
        out
    }
}

/// A parsed operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Query, mutation or subscription.
    pub kind: OperationKind,
    /// The operation's name.
    pub name: Option<String>,
    /// The variables (given values, else the declared defaults).
    pub variables: Json,
    /// The root fields.
    pub fields: Vec<Selected>,
}

impl Operation {
    /// The root field named (by alias or name), or the first.
    pub fn field(&self, name: Option<&str>) -> Result<&Selected, String> {
        match name {
            None => self
                .fields
                .first()
                .ok_or_else(|| "the operation selects no field".to_string()),
            Some(n) => self
                .fields
                .iter()
                .find(|f| f.key() == n || f.name == n)
                .ok_or_else(|| {
                    let names: Vec<&str> = self.fields.iter().map(Selected::key).collect();
                    format!(
                        "the operation has no root field `{n}` (it has: {})",
                        names.join(", ")
                    )
                }),
        }
    }

    /// `$ctx.info` for one root field.
    pub fn info(&self, field: &Selected) -> Json {
        self.info_on(field, self.kind.type_name())
    }

    /// `$ctx.info` for `field` selected on an object of type `parent_type`.
    pub fn info_on(&self, field: &Selected, parent_type: &str) -> Json {
        json!({
            "fieldName": field.name,
            "parentTypeName": parent_type,
            "variables": self.variables,
            "selectionSetList": field.selection_set_list(),
            "selectionSetGraphQL": field.selection_graphql,
        })
    }

    /// The EvaluateMappingTemplate context a resolver of a root `field` sees,
    /// with the caller's identity, `$ctx.request` and the auth mode.
    pub fn context(
        &self,
        field: &Selected,
        identity: Json,
        request: Json,
        mode: Option<crate::outcome::AuthType>,
    ) -> Json {
        let root = self.kind.type_name();
        self.field_context(field, root, Json::Null, identity, request, mode)
    }

    /// The context a resolver of `field` on `parent_type` sees: `source` is
    /// its parent object (null for a root field).
    pub fn field_context(
        &self,
        field: &Selected,
        parent_type: &str,
        source: Json,
        identity: Json,
        request: Json,
        mode: Option<crate::outcome::AuthType>,
    ) -> Json {
        let mut ctx = json!({
            "arguments": field.arguments,
            "identity": identity,
            "source": source,
            "stash": {},
            "request": request,
            "info": self.info_on(field, parent_type),
        });
        if let (Some(mode), Some(o)) = (mode, ctx.as_object_mut()) {
            o.insert("authType".into(), json!(mode.api_name()));
        }
        ctx
    }

    /// A one-line summary: `mutation CreatePost { createPost }`.
    pub fn summary(&self) -> String {
        let names: Vec<&str> = self.fields.iter().map(Selected::key).collect();
        match &self.name {
            Some(n) => format!("{} {n} {{ {} }}", self.kind.keyword(), names.join(", ")),
            None => format!("{} {{ {} }}", self.kind.keyword(), names.join(", ")),
        }
    }
}

type Doc = Document<'static, String>;

struct Builder<'d> {
    fragments: HashMap<&'d str, &'d FragmentDefinition<'static, String>>,
    variables: &'d Map<String, Json>,
    /// Fields and fragments expanded so far (see [`MAX_EXPANDED_SELECTIONS`]).
    expanded: Cell<usize>,
}

/// A value with the variables substituted; `None` for a variable that was not
/// given, so that the argument or input field it fills is absent, as in GraphQL.
fn value_json(v: &Value<'static, String>, vars: &Map<String, Json>) -> Option<Json> {
    Some(match v {
        Value::Variable(name) => return vars.get(name).cloned(),
        Value::Int(n) => n.as_i64().map(Json::from).unwrap_or(Json::Null),
        Value::Float(f) => json!(f),
        Value::String(s) => json!(s),
        Value::Boolean(b) => json!(b),
        Value::Null => Json::Null,
        Value::Enum(e) => json!(e),
        Value::List(items) => Json::Array(
            items
                .iter()
                .map(|i| value_json(i, vars).unwrap_or(Json::Null))
                .collect(),
        ),
        Value::Object(fields) => Json::Object(
            fields
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), value_json(v, vars)?)))
                .collect(),
        ),
    })
}

impl Builder<'_> {
    fn selections(
        &self,
        set: &SelectionSet<'static, String>,
        on: Option<&str>,
        depth: usize,
        out: &mut Vec<Selected>,
    ) -> Result<(), Malformed> {
        if depth > MAX_FRAGMENT_DEPTH {
            return Err(Malformed::new(
                EXPECTED,
                "fragments nest too deeply (a fragment that spreads itself?)",
            ));
        }
        for item in &set.items {
            let n = self.expanded.get() + 1;
            if n > MAX_EXPANDED_SELECTIONS {
                return Err(Malformed::new(
                    EXPECTED,
                    format!(
                        "its fragments expand to more than {MAX_EXPANDED_SELECTIONS} fields and \
                         fragments (fragments that spread others several times multiply)"
                    ),
                ));
            }
            self.expanded.set(n);
            match item {
                Selection::Field(f) => {
                    let mut children = Vec::new();
                    self.selections(&f.selection_set, None, depth, &mut children)?;
                    let arguments: Map<String, Json> = f
                        .arguments
                        .iter()
                        .filter_map(|(k, v)| Some((k.clone(), value_json(v, self.variables)?)))
                        .collect();
                    let selection_graphql = if f.selection_set.items.is_empty() {
                        String::new()
                    } else {
                        f.selection_set.to_string().trim_end().to_string()
                    };
                    out.push(Selected {
                        name: f.name.clone(),
                        alias: f.alias.clone(),
                        arguments: Json::Object(arguments),
                        on: on.map(str::to_string),
                        children,
                        selection_graphql,
                        line: f.position.line,
                        column: f.position.column,
                    });
                }
                Selection::InlineFragment(frag) => {
                    let cond = frag
                        .type_condition
                        .as_ref()
                        .map(|TypeCondition::On(t)| t.as_str());
                    self.selections(&frag.selection_set, cond.or(on), depth + 1, out)?;
                }
                Selection::FragmentSpread(spread) => {
                    let frag = self
                        .fragments
                        .get(spread.fragment_name.as_str())
                        .ok_or_else(|| {
                            Malformed::new(
                                EXPECTED,
                                format!(
                                    "fragment `{}` is spread at {} but never defined",
                                    spread.fragment_name, spread.position
                                ),
                            )
                        })?;
                    let TypeCondition::On(t) = &frag.type_condition;
                    self.selections(&frag.selection_set, Some(t), depth + 1, out)?;
                }
            }
        }
        Ok(())
    }
}

/// The variables with the declared defaults filled in.
fn with_defaults(defs: &[VariableDefinition<'static, String>], given: &Json) -> Map<String, Json> {
    let mut vars = given.as_object().cloned().unwrap_or_default();
    for d in defs {
        if !vars.contains_key(&d.name) {
            if let Some(default) = &d.default_value {
                if let Some(v) = value_json(default, &Map::new()) {
                    vars.insert(d.name.clone(), v);
                }
            }
        }
    }
    vars
}

/// Parses a GraphQL document and picks the operation to run: the one named
/// `operation_name`, or the only one.
pub fn parse(
    query: &str,
    operation_name: Option<&str>,
    variables: &Json,
) -> Result<Operation, Malformed> {
    super::check_nesting(EXPECTED, query)?;
    let doc: Doc = graphql_parser::parse_query::<String>(query)
        .map_err(|e| Malformed::parse_error(EXPECTED, e))?
        .into_static();
    let mut fragments = HashMap::new();
    let mut operations = Vec::new();
    for d in &doc.definitions {
        match d {
            Definition::Fragment(f) => {
                fragments.insert(f.name.as_str(), f);
            }
            Definition::Operation(o) => operations.push(o),
        }
    }
    let name_of = |o: &OperationDefinition<'static, String>| -> Option<String> {
        match o {
            OperationDefinition::SelectionSet(_) => None,
            OperationDefinition::Query(q) => q.name.clone(),
            OperationDefinition::Mutation(m) => m.name.clone(),
            OperationDefinition::Subscription(s) => s.name.clone(),
        }
    };
    let op = match (operation_name, operations.as_slice()) {
        (_, []) => return Err(Malformed::new(EXPECTED, "the document has no operation")),
        (None, [only]) => *only,
        (Some(n), ops) => ops
            .iter()
            .find(|o| name_of(o).as_deref() == Some(n))
            .copied()
            .or_else(|| (ops.len() == 1).then(|| ops[0]))
            .ok_or_else(|| {
                Malformed::new(
                    EXPECTED,
                    format!("the document has no operation named `{n}`"),
                )
            })?,
        (None, ops) => {
            return Err(Malformed::new(
                EXPECTED,
                format!(
                    "the document has {} operations and no operationName says which to run",
                    ops.len()
                ),
            ))
        }
    };
    let (kind, defs, set) = match op {
        OperationDefinition::SelectionSet(s) => (OperationKind::Query, &[][..], s),
        OperationDefinition::Query(q) => (
            OperationKind::Query,
            q.variable_definitions.as_slice(),
            &q.selection_set,
        ),
        OperationDefinition::Mutation(m) => (
            OperationKind::Mutation,
            m.variable_definitions.as_slice(),
            &m.selection_set,
        ),
        OperationDefinition::Subscription(s) => (
            OperationKind::Subscription,
            s.variable_definitions.as_slice(),
            &s.selection_set,
        ),
    };
    let vars = with_defaults(defs, variables);
    let builder = Builder {
        fragments,
        variables: &vars,
        expanded: Cell::new(0),
    };
    let mut fields = Vec::new();
    builder.selections(set, None, 0, &mut fields)?;
    Ok(Operation {
        kind,
        name: name_of(op),
        variables: Json::Object(vars.clone()),
        fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_of_a_mutation_with_variables_and_fragments() {
        let op = parse(
            "mutation Create($input: CreatePostInput!, $n: Int = 3) {\n  createPost(input: $input, limit: $n) { id ...F author { name } }\n}\nfragment F on Post { title t2: title }",
            None,
            &json!({"input": {"title": "Hi"}}),
        )
        .unwrap();
        let f = op.field(None).unwrap();
        assert_eq!(f.arguments, json!({"input": {"title": "Hi"}, "limit": 3}));
        let info = op.info(f);
        assert_eq!(info["parentTypeName"], "Mutation");
        assert_eq!(
            info["selectionSetList"],
            json!(["id", "title", "t2", "author", "author/name"])
        );
        assert_eq!(f.children[1].on.as_deref(), Some("Post"));
        assert_eq!(f.children[3].on, None);
        assert!(info["selectionSetGraphQL"]
            .as_str()
            .unwrap()
            .starts_with('{'));
    }

    #[test]
    fn errors() {
        assert!(parse("mutation {", None, &Json::Null).is_err());
        let e = parse("query A { a } query B { b }", None, &Json::Null).unwrap_err();
        assert!(e.detail.contains("2 operations"), "{e}");
        let e = parse("{ a { ...X } }", None, &Json::Null).unwrap_err();
        assert!(e.detail.contains("`X`"), "{e}");
        let deep = format!("{}{}", "{ a ".repeat(200), "}".repeat(200));
        let e = parse(&deep, None, &Json::Null).unwrap_err();
        assert!(e.detail.contains("deeper than 128"), "{e}");
        let e = parse("{ a { ...X } } fragment X on A { ...X }", None, &Json::Null).unwrap_err();
        assert!(e.detail.contains("too deeply"), "{e}");
    }

    /// An operation whose fragments each spread the next one twice, `levels` deep.
    fn doubling_fragments(levels: usize) -> String {
        let mut doc = String::from("query { ...F0 }\n");
        for i in 0..levels {
            doc.push_str(&format!(
                "fragment F{i} on Query {{ ...F{n} ...F{n} }}\n",
                n = i + 1
            ));
        }
        doc.push_str(&format!("fragment F{levels} on Query {{ a }}\n"));
        doc
    }

    #[test]
    fn fragments_that_multiply_are_refused_at_once() {
        let doc = doubling_fragments(30);
        let start = std::time::Instant::now();
        let e = parse(&doc, None, &Json::Null).unwrap_err();
        assert!(e.detail.contains("more than 10000 fields"), "{e}");
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        // Wide but finite operations below the limit still expand.
        let doc = doubling_fragments(10);
        let op = parse(&doc, None, &Json::Null).unwrap();
        assert_eq!(op.fields.len(), 1024);
    }
}
