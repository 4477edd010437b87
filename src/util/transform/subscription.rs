//! `toSubscriptionFilter`: a subscription filter map (plus ignored fields and rules) as the
//! `filterGroup` of an enhanced subscription filter, by expansion into disjunctive normal form.

use std::rc::Rc;

use super::{condition_fields, filter_fields, filter_items, map_of, single, Json, Kept, Node};
use crate::value::Value;

/// Maximum number of filter groups produced by the DNF expansion of
/// `toSubscriptionFilter`; protects against exponential blow-up on hostile input.
// CHOICE: AppSync itself caps a subscription filter at a few groups (validated by
// `$extensions.setSubscriptionFilter`); this cap is only a safety valve, not AppSync's limit.
const MAX_FILTER_GROUPS: usize = 1024;

const SUBSCRIPTION_OPERATORS: [&str; 13] = [
    "eq",
    "ne",
    "le",
    "lt",
    "ge",
    "gt",
    "contains",
    "notContains",
    "beginsWith",
    "in",
    "notIn",
    "between",
    "containsAny",
];

/// `lte`/`gte` as spelled in the AWS doc examples of `toSubscriptionFilter`.
// CHOICE: the extensions doc lists `le`/`ge`, but the toSubscriptionFilter doc examples use
// `lte`/`gte` in both input and output; we accept both spellings and copy the operator through
// unchanged, exactly as the doc example output shows.
const SUBSCRIPTION_OPERATOR_ALIASES: [&str; 2] = ["lte", "gte"];

/// One filter of a group, `{"fieldName", "operator", "value"}`. It is made anew for each
/// group it appears in, so that the groups of the result share nothing.
struct Filter {
    field: Rc<str>,
    op: Rc<str>,
    value: Kept,
}

impl Filter {
    fn to_value(&self) -> Value {
        map_of([
            ("fieldName", Value::Str(self.field.clone())),
            ("operator", Value::Str(self.op.clone())),
            ("value", self.value.node().to_data()),
        ])
    }
}

/// Disjunctive normal form: a list of groups, each a list of ANDed filters (indices into
/// [`Expansion::filters`]).
type Dnf = Vec<Vec<usize>>;

/// AND of two DNFs: every group of `a` (outer, varying slowest) with every group of `b`.
fn dnf_and(a: Dnf, b: &Dnf) -> Result<Dnf, String> {
    if a.len().saturating_mul(b.len()) > MAX_FILTER_GROUPS {
        return Err(format!(
            "the filter expands to more than {MAX_FILTER_GROUPS} filter groups"
        ));
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for ga in &a {
        for gb in b {
            let mut g = ga.clone();
            g.extend(gb.iter().copied());
            out.push(g);
        }
    }
    Ok(out)
}

fn and_into(acc: Option<Dnf>, part: Option<Dnf>) -> Result<Option<Dnf>, String> {
    Ok(match (acc, part) {
        (None, p) => p,
        (a, None) => a,
        (Some(a), Some(p)) => Some(dnf_and(a, &p)?),
    })
}

/// The expansion of one call: the ignored field names and the filters met so far.
struct Expansion {
    ignored: Vec<Rc<str>>,
    filters: Vec<Filter>,
}

impl Expansion {
    /// A field's conditions, ORed: one single-filter group per operator. `None` when empty.
    fn field(&mut self, field: &Rc<str>, conditions: Node<'_>) -> Result<Option<Dnf>, String> {
        let ops = condition_fields(field, conditions)?;
        let mut out = Vec::new();
        for (op, value) in ops.iter() {
            if !SUBSCRIPTION_OPERATORS.contains(&&**op)
                && !SUBSCRIPTION_OPERATOR_ALIASES.contains(&&**op)
            {
                return Err(format!(
                    "unsupported subscription filter operator '{op}' on field '{field}' (expected one of {})",
                    SUBSCRIPTION_OPERATORS.join(", ")
                ));
            }
            out.push(vec![self.filters.len()]);
            self.filters.push(Filter {
                field: field.clone(),
                op: op.clone(),
                value: value.keep(),
            });
        }
        Ok(if out.is_empty() { None } else { Some(out) })
    }

    /// One filter map (fields, `and`, `or`) as a DNF; `None` means "no constraint" (empty or
    /// entirely ignored), which is dropped from both ANDs and ORs.
    fn level(&mut self, filter: Node<'_>, depth: usize) -> Result<Option<Dnf>, String> {
        let fields = filter_fields(filter, depth)?;
        let mut acc: Option<Dnf> = None;
        for (key, value) in fields.iter() {
            let part = match &**key {
                "and" | "or" => {
                    let mut combined: Option<Dnf> = None;
                    for item in filter_items(key, value)?.iter() {
                        let sub = self.level(item, depth + 1)?;
                        if &**key == "and" {
                            combined = and_into(combined, sub)?;
                        } else if let Some(s) = sub {
                            let c = combined.get_or_insert_with(Vec::new);
                            if c.len() + s.len() > MAX_FILTER_GROUPS {
                                return Err(format!(
                                    "the filter expands to more than {MAX_FILTER_GROUPS} filter groups"
                                ));
                            }
                            c.extend(s);
                        }
                    }
                    combined
                }
                // Ignored fields are dropped at every depth (doc example: `author` inside `or`).
                field if self.ignored.iter().any(|i| **i == *field) => None,
                _ => self.field(key, value)?,
            };
            acc = and_into(acc, part)?;
        }
        Ok(acc)
    }
}

/// The ignored field names of the second argument.
fn ignored_fields(ignored: Option<&Value>) -> Result<Vec<Rc<str>>, String> {
    let Some(ignored) = ignored else {
        return Ok(Vec::new());
    };
    match Node::root(ignored).json() {
        Json::Null => Ok(Vec::new()),
        Json::List(items) => items
            .iter()
            .map(|i| {
                i.as_str().ok_or_else(|| {
                    format!("ignored field names must be strings, got {}", i.type_name())
                })
            })
            .collect(),
        other => Err(format!(
            "the ignored fields argument must be a list of field names, got {}",
            other.type_name()
        )),
    }
}

/// `$util.transform.toSubscriptionFilter(Map[, List ignoredFields[, Map rules]])`: converts a
/// subscription filter map into `{"filterGroup": [{"filters": [{"fieldName", "operator",
/// "value"}, ...]}, ...]}` for `$extensions.setSubscriptionFilter`.
///
/// Several operators on one field are ORed; the entries of a map and the items of `and` are
/// ANDed; the items of `or` are ORed; the whole is expanded into disjunctive normal form, one
/// filter group per conjunction (groups ordered with the first key varying slowest, as in
/// the AWS doc example). Fields named in `ignored_fields` are dropped at every depth. Each
/// `(field, operator)` entry of `rules` is a strict rule; the rules are ORed and ANDed with the
/// rest (they are not subject to `ignored_fields`). Operators: `eq ne le lt ge gt contains
/// notContains beginsWith in notIn between containsAny` (plus `lte`/`gte`, used by the doc
/// examples), copied through unchanged.
/// A filter that constrains nothing gives `{"filterGroup": []}`.
pub(super) fn filter(
    filter: &Value,
    ignored_fields: Option<&Value>,
    rules: Option<&Value>,
) -> Result<Value, String> {
    let err = |e: String| format!("toSubscriptionFilter: {e}");
    let mut expansion = Expansion {
        ignored: self::ignored_fields(ignored_fields).map_err(err)?,
        filters: Vec::new(),
    };
    let mut dnf = expansion.level(Node::root(filter), 0).map_err(err)?;

    if let Some(rules) = rules {
        match Node::root(rules).json() {
            Json::Null => {}
            Json::Map(rule_map) => {
                let mut disjuncts: Dnf = Vec::new();
                for (field, conditions) in rule_map.iter() {
                    if &**field == "and" || &**field == "or" {
                        return Err(err(format!("the rules argument cannot contain '{field}'")));
                    }
                    // CHOICE: the docs say a rule has exactly one condition per field; we
                    // accept several and treat each as its own rule.
                    if let Some(groups) = expansion.field(field, conditions).map_err(err)? {
                        disjuncts.extend(groups);
                    }
                }
                if !disjuncts.is_empty() {
                    dnf = and_into(dnf, Some(disjuncts)).map_err(err)?;
                }
            }
            other => {
                return Err(err(format!(
                    "the rules argument must be a map, got {}",
                    other.type_name()
                )))
            }
        }
    }

    let filters = &expansion.filters;
    let groups = dnf
        .unwrap_or_default()
        .iter()
        .map(|group| {
            let group = group.iter().map(|&i| filters[i].to_value()).collect();
            single("filters", Value::list(group))
        })
        .collect();
    Ok(single("filterGroup", Value::list(groups)))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value as JsonValue};

    use crate::value::to_json_string;

    use super::*;
    use crate::util::transform::testing::{assert_same, at, get, input, ok};

    fn sub(f: JsonValue, ignored: Option<JsonValue>, rules: Option<JsonValue>) -> Value {
        let ignored = ignored.map(input);
        let rules = rules.map(input);
        ok(filter(&input(f), ignored.as_ref(), rules.as_ref()))
    }

    fn f(field: &str, op: &str, value: JsonValue) -> JsonValue {
        json!({"fieldName": field, "operator": op, "value": value})
    }

    fn groups(gs: Vec<Vec<JsonValue>>) -> JsonValue {
        json!({"filterGroup": gs.into_iter().map(|g| json!({"filters": g})).collect::<Vec<_>>()})
    }

    #[test]
    fn doc_example_subscription_filter_map() {
        let input = json!({
            "percentageUp": {"lte": 50, "gte": 20},
            "and": [{"title": {"ne": "Book1"}}, {"downvotes": {"gt": 2000}}],
            "or": [{"author": {"eq": "Admin"}}, {"isPublished": {"eq": false}}]
        });
        let out = sub(input, None, None);
        let title = f("title", "ne", json!("Book1"));
        let down = f("downvotes", "gt", json!(2000));
        let lte = f("percentageUp", "lte", json!(50));
        let gte = f("percentageUp", "gte", json!(20));
        let admin = f("author", "eq", json!("Admin"));
        let publ = f("isPublished", "eq", json!(false));
        assert_same(
            &out,
            &groups(vec![
                vec![lte.clone(), title.clone(), down.clone(), admin.clone()],
                vec![lte, title.clone(), down.clone(), publ.clone()],
                vec![gte.clone(), title.clone(), down.clone(), admin],
                vec![gte, title, down, publ],
            ]),
        );
    }

    #[test]
    fn doc_example_subscription_filter_ignored_fields() {
        let input = json!({
            "percentageUp": {"lte": 50, "gte": 20},
            "and": [{"title": {"ne": "Book1"}}, {"downvotes": {"gt": 20}}],
            "or": [{"author": {"eq": "Admin"}}, {"isPublished": {"eq": false}}]
        });
        let ignored = json!(["percentageUp", "author"]);
        let out = sub(input, Some(ignored), None);
        assert_same(
            &out,
            &groups(vec![vec![
                f("title", "ne", json!("Book1")),
                f("downvotes", "gt", json!(20)),
                f("isPublished", "eq", json!(false)),
            ]]),
        );
    }

    #[test]
    fn doc_example_subscription_filter_rules() {
        // The doc's input says `"downvotes": {"lt": 20}` but its output shows `gt`; that is a
        // typo in the doc, the operator is copied through unchanged.
        let input = json!({
            "percentageUp": {"lte": 50, "gte": 20},
            "and": [{"title": {"ne": "Book1"}}, {"downvotes": {"gt": 20}}],
            "or": [{"author": {"eq": "Admin"}}, {"isPublished": {"eq": false}}]
        });
        let ignored = json!(["percentageUp", "author"]);
        let rules = json!({"upvotes": {"gte": 250}, "author": {"eq": "Person1"}});
        let out = sub(input, Some(ignored), Some(rules));
        let base = vec![
            f("title", "ne", json!("Book1")),
            f("downvotes", "gt", json!(20)),
            f("isPublished", "eq", json!(false)),
        ];
        let mut g1 = base.clone();
        g1.push(f("upvotes", "gte", json!(250)));
        let mut g2 = base;
        g2.push(f("author", "eq", json!("Person1")));
        assert_same(&out, &groups(vec![g1, g2]));
    }

    #[test]
    fn subscription_operators_and_nesting() {
        let input = json!({
            "and": [
                {"a": {"in": [1, 2]}},
                {"or": [{"b": {"between": [1, 5]}}, {"c": {"containsAny": ["x"]}}]}
            ],
            "d": {"beginsWith": "p"}
        });
        let out = sub(input, Some(json!([])), Some(json!({})));
        let a = f("a", "in", json!([1, 2]));
        let d = f("d", "beginsWith", json!("p"));
        assert_same(
            &out,
            &groups(vec![
                vec![a.clone(), f("b", "between", json!([1, 5])), d.clone()],
                vec![a, f("c", "containsAny", json!(["x"])), d],
            ]),
        );
        for op in SUBSCRIPTION_OPERATORS {
            let out = sub(json!({"x": {op: 1}}), None, None);
            assert_same(&out, &groups(vec![vec![f("x", op, json!(1))]]));
        }
    }

    #[test]
    fn subscription_empty_and_fully_ignored() {
        assert_same(&sub(json!({}), None, None), &json!({"filterGroup": []}));
        let ignored = json!(["a"]);
        assert_same(
            &sub(
                json!({"or": [{"a": {"eq": 1}}]}),
                Some(ignored.clone()),
                None,
            ),
            &json!({"filterGroup": []}),
        );
        let rules = json!({"r": {"eq": 1}});
        assert_same(
            &sub(json!({"a": {"eq": 1}}), Some(ignored), Some(rules)),
            &groups(vec![vec![f("r", "eq", json!(1))]]),
        );
    }

    #[test]
    fn subscription_errors() {
        let cases: Vec<(JsonValue, Option<JsonValue>, Option<JsonValue>)> = vec![
            (json!(null), None, None),
            (json!({"a": 1}), None, None),
            (json!({"a": {"attributeExists": true}}), None, None),
            (json!({"and": {"a": {"eq": 1}}}), None, None),
            (json!({"or": ["x"]}), None, None),
            (json!({}), Some(json!("a")), None),
            (json!({}), Some(json!([1])), None),
            (json!({}), None, Some(json!([1]))),
            (json!({}), None, Some(json!({"and": []}))),
            (json!({}), None, Some(json!({"a": {"bad": 1}}))),
        ];
        for (filter_json, ig, rules) in cases {
            let r = filter(
                &input(filter_json.clone()),
                ig.map(input).as_ref(),
                rules.map(input).as_ref(),
            );
            let msg = r.err().unwrap_or_default();
            assert!(
                msg.starts_with("toSubscriptionFilter: "),
                "{filter_json}: {msg}"
            );
        }
    }

    #[test]
    fn subscription_blowup_is_an_error() {
        let mut m = serde_json::Map::new();
        for i in 0..40 {
            m.insert(format!("f{i}"), json!({"eq": 1, "ne": 2}));
        }
        let r = filter(&input(JsonValue::Object(m)), None, None);
        assert!(r.is_err());
    }

    /// The result is a value of its own: changing it changes neither the argument nor
    /// another group holding the same filter.
    #[test]
    fn result_shares_nothing_with_the_argument() {
        let list = input(json!([1, 2]));
        let filter_map = Value::map(
            [
                (
                    "a".into(),
                    Value::map([("in".into(), list.clone())].into_iter().collect()),
                ),
                (
                    "or".into(),
                    input(json!([{"b": {"eq": 1}}, {"c": {"eq": 2}}])),
                ),
            ]
            .into_iter()
            .collect(),
        );
        let out = ok(filter(&filter_map, None, None));
        let value = |group: usize| {
            let group = at(&get(&out, "filterGroup"), group);
            get(&at(&get(&group, "filters"), 0), "value")
        };
        if let Value::List(l) = &value(0) {
            l.borrow_mut().push(Value::Int(3));
        }
        assert_eq!(to_json_string(&value(0)), "[1,2,3]");
        assert_eq!(to_json_string(&value(1)), "[1,2]");
        assert_eq!(to_json_string(&list), "[1,2]");
    }
}
