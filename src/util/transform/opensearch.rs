//! `toElasticsearchQueryDSL`: an Amplify searchable filter map as an OpenSearch `bool`
//! query.

use super::{
    boolean, condition_fields, filter_fields, filter_items, map_of, single, with_pair, Node,
};
use crate::value::Value;

fn es_and(clauses: Vec<Value>) -> Value {
    single("bool", single("must", Value::list(clauses)))
}

fn es_not(clause: Value) -> Value {
    single("bool", single("must_not", clause))
}

/// One clause stays as is; several are ANDed in `bool.must`; none gives `None`.
fn es_combine(mut clauses: Vec<Value>) -> Option<Value> {
    match clauses.len() {
        0 => None,
        1 => clauses.pop(),
        _ => Some(es_and(clauses)),
    }
}

fn es_level(filter: Node<'_>, depth: usize) -> Result<Vec<Value>, String> {
    let fields = filter_fields(filter, depth)?;
    let mut results = Vec::new();
    for (key, value) in fields.iter() {
        // The simulator matches and/or/not case-insensitively; so do we.
        let lower = key.to_ascii_lowercase();
        match lower.as_str() {
            "and" | "or" => {
                let mut subs = Vec::new();
                for item in filter_items(key, value)?.iter() {
                    // CHOICE: the simulator pushes `null` for an empty sub-filter; we skip it
                    // so the DSL stays valid.
                    if let Some(c) = es_combine(es_level(item, depth + 1)?) {
                        subs.push(c);
                    }
                }
                if subs.is_empty() {
                    continue;
                }
                results.push(if lower == "and" {
                    es_and(subs)
                } else {
                    single(
                        "bool",
                        map_of([
                            ("should", Value::list(subs)),
                            ("minimum_should_match", Value::Int(1)),
                        ]),
                    )
                });
            }
            "not" => {
                if let Some(c) = es_combine(es_level(value, depth + 1)?) {
                    results.push(es_not(c));
                }
            }
            _ => {
                if let Some(c) = es_combine(es_field(key, value)?) {
                    results.push(c);
                }
            }
        }
    }
    Ok(results)
}

fn es_field(field: &str, conditions: Node<'_>) -> Result<Vec<Value>, String> {
    let ops = condition_fields(field, conditions)?;
    let fv = |v: Node<'_>| single(field, v.to_data());
    let range =
        |bound: &str, v: Node<'_>| single("range", single(field, single(bound, v.to_data())));
    let mut out = Vec::new();
    for (op, value) in ops.iter() {
        let op: &str = op;
        let clause = match op {
            // CHOICE: AWS docs show `eq` -> `term` and `ne` -> `bool.must_not.term` on the
            // plain field; the simulator emits `match` on `<field>.keyword` for strings. We
            // follow the docs.
            "eq" => single("term", fv(value)),
            "ne" => es_not(single("term", fv(value))),
            "match" => single("match", fv(value)),
            "matchPhrase" => single("match_phrase", fv(value)),
            "matchPhrasePrefix" => single("match_phrase_prefix", fv(value)),
            "multiMatch" => single("multi_match", fv(value)),
            "wildcard" => single("wildcard", fv(value)),
            "regexp" => single("regexp", fv(value)),
            "gt" | "gte" | "lt" | "lte" => range(op, value),
            "range" => with_pair("range", field, value, |lo, hi| {
                let bounds = map_of([("gte", lo.to_data()), ("lte", hi.to_data())]);
                single("range", single(field, bounds))
            })?,
            "exists" => {
                let exists = boolean(op, field, value)?;
                let e = single("exists", single("field", Value::from(field)));
                if exists {
                    e
                } else {
                    es_not(e)
                }
            }
            other => {
                return Err(format!(
                    "unsupported query operator '{other}' on field '{field}'"
                ))
            }
        };
        out.push(clause);
    }
    Ok(out)
}

/// `$util.transform.toElasticsearchQueryDSL(Map)`: converts an Amplify searchable filter map
/// into the equivalent OpenSearch query DSL (AppSync returns it as a JSON string; the caller
/// serializes it).
///
/// Field operators: `eq` (`term`), `ne` (`bool.must_not.term`), `range: [a, b]`
/// (`range.gte/lte`), `gt gte lt lte` (`range`), `match`, `matchPhrase`,
/// `matchPhrasePrefix`, `multiMatch`, `wildcard`, `regexp`, `exists`. Several conditions on a
/// field, and several entries of a map, are ANDed (`bool.must`); `and` -> `bool.must`,
/// `or` -> `bool.should` with `minimum_should_match: 1`, `not` -> `bool.must_not`.
/// An empty filter gives JSON `null` (as in the simulator).
pub(super) fn query_dsl(filter: &Value) -> Result<Value, String> {
    let clauses =
        es_level(Node::root(filter), 0).map_err(|e| format!("toElasticsearchQueryDSL: {e}"))?;
    Ok(es_combine(clauses).unwrap_or(Value::Null))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::util::transform::testing::{assert_same, input, ok};

    fn dsl(v: serde_json::Value) -> Value {
        ok(query_dsl(&input(v)))
    }

    #[test]
    fn doc_example_query_dsl() {
        let out = dsl(json!({
            "upvotes": {"ne": 15, "range": [10, 20]},
            "title": {"eq": "hihihi", "wildcard": "h*i"}
        }));
        assert_same(
            &out,
            &json!({"bool": {"must": [
                {"bool": {"must": [
                    {"bool": {"must_not": {"term": {"upvotes": 15}}}},
                    {"range": {"upvotes": {"gte": 10, "lte": 20}}}
                ]}},
                {"bool": {"must": [
                    {"term": {"title": "hihihi"}},
                    {"wildcard": {"title": "h*i"}}
                ]}}
            ]}}),
        );
    }

    #[test]
    fn query_dsl_operators_and_logic() {
        let out = dsl(json!({
            "or": [{"a": {"match": "x"}}, {"b": {"gt": 1, "lte": 5}}],
            "not": {"c": {"exists": true}},
            "d": {"exists": false}
        }));
        assert_same(
            &out,
            &json!({"bool": {"must": [
                {"bool": {"should": [
                    {"match": {"a": "x"}},
                    {"bool": {"must": [
                        {"range": {"b": {"gt": 1}}},
                        {"range": {"b": {"lte": 5}}}
                    ]}}
                ], "minimum_should_match": 1}},
                {"bool": {"must_not": {"exists": {"field": "c"}}}},
                {"bool": {"must_not": {"exists": {"field": "d"}}}}
            ]}}),
        );
        let out = dsl(json!({"and": [
            {"a": {"matchPhrase": "p"}}, {"a": {"matchPhrasePrefix": "q"}},
            {"a": {"multiMatch": {"query": "r"}}}, {"a": {"regexp": "s.*"}},
            {"a": {"gte": 1}}, {"a": {"lt": 2}}
        ]}));
        assert_same(
            &out,
            &json!({"bool": {"must": [
                {"match_phrase": {"a": "p"}},
                {"match_phrase_prefix": {"a": "q"}},
                {"multi_match": {"a": {"query": "r"}}},
                {"regexp": {"a": "s.*"}},
                {"range": {"a": {"gte": 1}}},
                {"range": {"a": {"lt": 2}}}
            ]}}),
        );
    }

    #[test]
    fn query_dsl_single_and_empty() {
        let out = dsl(json!({"a": {"eq": 1}}));
        assert_same(&out, &json!({"term": {"a": 1}}));
        assert!(dsl(json!({})).is_null());
        assert!(dsl(json!({"and": [{}], "b": {}})).is_null());
    }

    #[test]
    fn query_dsl_errors() {
        for b in [
            json!(null),
            json!({"a": 1}),
            json!({"a": {"nope": 1}}),
            json!({"a": {"range": [1]}}),
            json!({"a": {"exists": 1}}),
            json!({"and": {"a": {"eq": 1}}}),
            json!({"or": [3]}),
        ] {
            let r = query_dsl(&input(b.clone()));
            assert!(r.is_err(), "expected error for {b}");
        }
    }
}
