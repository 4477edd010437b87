//! `$util.transform.*`: GraphQL filter inputs to DynamoDB expressions, OpenSearch queries
//! and enhanced subscription filters. Here: the table, the functions it points at, and
//! what the three algorithms (`dynamodb`, `opensearch`, `subscription`) share.
//!
//! The algorithms read their arguments in place, as the JSON `crate::value::to_json` would
//! make of them (`Node`), and build their results as values. They take user data and never
//! panic: malformed input gives `Err(String)` with a readable message. Key order of every
//! produced map follows the insertion order of the input maps.
//!
//! Sources, in order of precedence:
//! 1. The AWS AppSync page "Transformation helpers in $util.transform" (its examples are
//!    reproduced exactly by the tests).
//! 2. Observed real-AppSync behaviour reported in public issues (noted where used).
//! 3. The Amplify AppSync simulator (`amplify-appsync-simulator`,
//!    `src/velocity/util/transform/dynamodb-filter.ts` and `elasticsearch-helper.ts`) for
//!    everything the docs leave open, chiefly the placeholder-naming algorithm.
//!
//! Every place where the docs and the simulator disagree, or where the choice is not
//! confirmed by either, carries a `//` comment starting with `CHOICE:`.

mod dynamodb;
mod opensearch;
mod subscription;

use std::cell::Ref;
use std::rc::Rc;

use super::args::any;
use super::{Builtin, Call, UtilError, UtilResult};
use crate::value::{to_json_string, Map, Value};

/// `$util.transform`
pub static TRANSFORM: super::Namespace = super::Namespace {
    name: "transform",
    path: ".transform",
    functions: &[
        Builtin::new("toDynamoDBFilterExpression", 1, 1, "toDynamoDBFilterExpression(Map) : String", "A filter input as a DynamoDB filter expression (JSON text with expression, expressionNames, expressionValues).", to_dynamodb_filter_expression),
        Builtin::new("toDynamoDBConditionExpression", 1, 1, "toDynamoDBConditionExpression(Map) : String", "A condition input as a DynamoDB condition expression (JSON text).", to_dynamodb_condition_expression),
        Builtin::new("toElasticsearchQueryDSL", 1, 1, "toElasticsearchQueryDSL(Map) : String", "A filter input as an OpenSearch bool query (JSON text).", to_elasticsearch_query_dsl),
        Builtin::new("toSubscriptionFilter", 1, 3, "toSubscriptionFilter(Map filter[, List ignoredFields[, Map rules]]) : Map", "A filter input as an enhanced subscription filter (`filterGroup`).", to_subscription_filter),
    ],
    children: &[],
};

/// JSON text of a result; a JSON `null` result (an empty query) stays null.
fn as_text(result: Result<Value, String>) -> UtilResult {
    match result {
        Ok(Value::Null) => Ok(Value::Null),
        Ok(v) => Ok(Value::from(to_json_string(&v))),
        Err(e) => Err(UtilError::Invalid(e)),
    }
}

fn to_dynamodb_filter_expression(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let input = any(args, 0);
    if input.is_null() {
        return Ok(Value::Null);
    }
    as_text(dynamodb::filter_expression(&input))
}

fn to_dynamodb_condition_expression(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let input = any(args, 0);
    if input.is_null() {
        return Ok(Value::Null);
    }
    as_text(dynamodb::condition_expression(&input))
}

fn to_elasticsearch_query_dsl(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let input = any(args, 0);
    if input.is_null() {
        return Ok(Value::Null);
    }
    as_text(opensearch::query_dsl(&input))
}

fn to_subscription_filter(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    subscription::filter(&any(args, 0), args.get(1), args.get(2)).map_err(UtilError::Invalid)
}

// ---------------------------------------------------------------------------------------
// Shared by the three algorithms
// ---------------------------------------------------------------------------------------

/// Maximum nesting depth of `and`/`or`/`not` accepted; protects against stack exhaustion
/// on hostile input. Real filters are a handful of levels deep.
const MAX_DEPTH: usize = 64;

/// A value inside an argument, read as the JSON `to_json` would make of it (without that
/// copy): `depth` levels below the argument. Past `value::MAX_DEPTH` levels, and for a
/// non-finite double, it is null (so a cyclic value ends there); a map entry (`entrySet()`)
/// is a one-entry map; a namespace, loop object or `#define` block is its Java text.
#[derive(Clone, Copy)]
struct Node<'a> {
    value: &'a Value,
    depth: usize,
}

/// What a [`Node`] is, in JSON terms. A list or map holds its cell's `borrow()` (nothing
/// here ever borrows an argument mutably).
enum Json<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    List(Items<'a>),
    Map(Fields<'a>),
}

/// The items of a list, as nodes one level down.
struct Items<'a> {
    list: Ref<'a, Vec<Value>>,
    depth: usize,
}

/// The entries of a map (or of a map entry), their values as nodes one level down.
struct Fields<'a> {
    entries: Entries<'a>,
    depth: usize,
}

enum Entries<'a> {
    Map(Ref<'a, Map>),
    Entry(&'a Rc<str>, Value),
}

impl<'a> Node<'a> {
    /// An argument.
    fn root(value: &'a Value) -> Node<'a> {
        Node { value, depth: 0 }
    }

    fn json(self) -> Json<'a> {
        if self.depth > crate::value::MAX_DEPTH {
            return Json::Null;
        }
        let depth = self.depth + 1;
        match self.value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => Json::Int(*i),
            Value::Float(f) if f.is_finite() => Json::Float(*f),
            Value::Float(_) => Json::Null,
            Value::Str(s) => Json::Str(s.clone()),
            // A container charges the render's work budget, as `to_json` does.
            Value::List(l) => {
                let list = l.borrow();
                if !crate::value::budget::charge(1 + list.len()) {
                    return Json::Null;
                }
                Json::List(Items { list, depth })
            }
            Value::Map(m) => {
                let map = m.borrow();
                if !crate::value::budget::charge(1 + map.len()) {
                    return Json::Null;
                }
                Json::Map(Fields {
                    entries: Entries::Map(map),
                    depth,
                })
            }
            Value::Entry(e) => Json::Map(Fields {
                entries: Entries::Entry(e.key(), e.value()),
                depth,
            }),
            other => Json::Str(other.to_java_string().into()),
        }
    }

    fn type_name(self) -> &'static str {
        self.json().type_name()
    }

    fn is_map(self) -> bool {
        matches!(self.json(), Json::Map(_))
    }

    fn is_list(self) -> bool {
        matches!(self.json(), Json::List(_))
    }

    fn as_str(self) -> Option<Rc<str>> {
        match self.json() {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value `from_json(&to_json(..))` gives: new lists and maps, nothing shared with
    /// the argument but strings.
    fn to_data(self) -> Value {
        match self.json() {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::Int(i) => Value::Int(i),
            Json::Float(f) => Value::Float(f),
            Json::Str(s) => Value::Str(s),
            Json::List(items) => items.to_list(|n| n.to_data()),
            Json::Map(fields) => fields.to_map(|n| n.to_data()),
        }
    }

    /// `$util.dynamodb.toDynamoDB` as real AppSync emits it (reference §1.6): numbers stay
    /// JSON numbers (`{"N": 5}`), null is `{"NULL": null}`, lists/maps are `L`/`M`, never
    /// sets.
    // CHOICE: the simulator marshals numbers as strings (`{"N":"5"}`) and `""` as
    // `{"NULL":true}`; we follow real AppSync (JSON number, `{"S":""}`).
    fn to_dynamodb(self) -> Value {
        let (tag, inner) = match self.json() {
            Json::Null => ("NULL", Value::Null),
            Json::Bool(b) => ("BOOL", Value::Bool(b)),
            Json::Int(i) => ("N", Value::Int(i)),
            Json::Float(f) => ("N", Value::Float(f)),
            Json::Str(s) => ("S", Value::Str(s)),
            Json::List(items) => ("L", items.to_list(|n| n.to_dynamodb())),
            Json::Map(fields) => ("M", fields.to_map(|n| n.to_dynamodb())),
        };
        single(tag, inner)
    }

    /// This node, kept past the borrow it was read under (the value is shared, not copied).
    fn keep(self) -> Kept {
        Kept {
            value: self.value.clone(),
            depth: self.depth,
        }
    }
}

/// A [`Node`] that owns (a reference to) its value.
struct Kept {
    value: Value,
    depth: usize,
}

impl Kept {
    fn node(&self) -> Node<'_> {
        Node {
            value: &self.value,
            depth: self.depth,
        }
    }
}

impl Json<'_> {
    /// Short JSON-ish type name for error messages.
    fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Int(_) | Json::Float(_) => "a number",
            Json::Str(_) => "a string",
            Json::List(_) => "a list",
            Json::Map(_) => "a map",
        }
    }
}

impl Items<'_> {
    fn len(&self) -> usize {
        self.list.len()
    }

    fn iter(&self) -> impl Iterator<Item = Node<'_>> {
        let depth = self.depth;
        self.list.iter().map(move |value| Node { value, depth })
    }

    /// The two items of a two-item list.
    fn pair(&self) -> Option<(Node<'_>, Node<'_>)> {
        let node = |value| Node {
            value,
            depth: self.depth,
        };
        match self.list.as_slice() {
            [lo, hi] => Some((node(lo), node(hi))),
            _ => None,
        }
    }

    /// A new list of the items converted by `f`.
    fn to_list(&self, f: impl Fn(Node<'_>) -> Value) -> Value {
        Value::list(self.iter().map(f).collect())
    }
}

impl Fields<'_> {
    fn len(&self) -> usize {
        match &self.entries {
            Entries::Map(m) => m.len(),
            Entries::Entry(..) => 1,
        }
    }

    fn iter(&self) -> impl Iterator<Item = (&Rc<str>, Node<'_>)> {
        let (map, entry) = match &self.entries {
            Entries::Map(m) => (Some(m.iter()), None),
            Entries::Entry(k, v) => (None, Some((*k, v))),
        };
        let depth = self.depth;
        map.into_iter()
            .flatten()
            .chain(entry)
            .map(move |(k, value)| (k, Node { value, depth }))
    }

    /// A new map of the same keys, the values converted by `f`.
    fn to_map(&self, f: impl Fn(Node<'_>) -> Value) -> Value {
        let mut out = Map::with_capacity(self.len());
        for (k, v) in self.iter() {
            out.insert(k.clone(), f(v));
        }
        Value::map(out)
    }
}

/// A new map of `entries`, in order.
fn map_of<const N: usize>(entries: [(&str, Value); N]) -> Value {
    let mut m = Map::with_capacity(N);
    for (k, v) in entries {
        m.insert(k.into(), v);
    }
    Value::map(m)
}

/// A new one-entry map `{key: value}`.
fn single(key: &str, value: Value) -> Value {
    map_of([(key, value)])
}

/// One level of a filter: its nesting depth checked, its map of field names (and
/// `and`/`or`/`not`) to conditions.
fn filter_fields(filter: Node<'_>, depth: usize) -> Result<Fields<'_>, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "filter is nested more than {MAX_DEPTH} levels deep"
        ));
    }
    match filter.json() {
        Json::Map(fields) => Ok(fields),
        other => Err(format!(
            "a filter must be a map of field names to conditions, got {}",
            other.type_name()
        )),
    }
}

/// The operators and values of the conditions on `field`.
fn condition_fields<'a>(field: &str, conditions: Node<'a>) -> Result<Fields<'a>, String> {
    match conditions.json() {
        Json::Map(ops) => Ok(ops),
        other => Err(format!(
            "conditions for field '{field}' must be a map of operators to values, got {}",
            other.type_name()
        )),
    }
}

/// The filters of an `and`/`or` list (`key` names it).
fn filter_items<'a>(key: &str, value: Node<'a>) -> Result<Items<'a>, String> {
    match value.json() {
        Json::List(items) => Ok(items),
        other => Err(format!(
            "'{key}' expects a list of filters, got {}",
            other.type_name()
        )),
    }
}

/// The boolean value of operator `op` on `field`.
fn boolean(op: &str, field: &str, value: Node<'_>) -> Result<bool, String> {
    match value.json() {
        Json::Bool(b) => Ok(b),
        other => Err(format!(
            "'{op}' on field '{field}' expects a boolean, got {}",
            other.type_name()
        )),
    }
}

/// Calls `f` with the bounds of a `[lo, hi]` value of operator `op` on `field`.
fn with_pair<T>(
    op: &str,
    field: &str,
    value: Node<'_>,
    f: impl FnOnce(Node<'_>, Node<'_>) -> T,
) -> Result<T, String> {
    let json = value.json();
    let got = match &json {
        Json::List(items) => match items.pair() {
            Some((lo, hi)) => return Ok(f(lo, hi)),
            None => format!("a list of {}", items.len()),
        },
        other => other.type_name().to_string(),
    };
    Err(format!(
        "'{op}' on field '{field}' expects a list of exactly two values, got {got}"
    ))
}

#[cfg(test)]
mod testing {
    //! Helpers for the unit tests of the three algorithms: inputs and expected outputs are
    //! written as JSON, results compared as the JSON text they print.

    use crate::value::{from_json, to_json_string, Value};

    /// An argument from JSON (integers become `Int`, other numbers `Float`).
    pub(super) fn input(json: serde_json::Value) -> Value {
        from_json(&json)
    }

    pub(super) fn ok(r: Result<Value, String>) -> Value {
        match r {
            Ok(v) => v,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    /// Compares as printed JSON text: key order, and ints and doubles, count.
    #[track_caller]
    pub(super) fn assert_same(actual: &Value, expected: &serde_json::Value) {
        assert_eq!(to_json_string(actual), to_json_string(&from_json(expected)));
    }

    /// The value of `key` in a map (null when absent or not a map).
    pub(super) fn get(v: &Value, key: &str) -> Value {
        match v {
            Value::Map(m) => m.borrow().get(key).cloned().unwrap_or_default(),
            _ => Value::Null,
        }
    }

    /// The string value of `key` in a map (empty when not a string).
    pub(super) fn text(v: &Value, key: &str) -> String {
        get(v, key).as_str().unwrap_or_default().to_string()
    }

    /// The item at `i` of a list (null when absent or not a list).
    pub(super) fn at(v: &Value, i: usize) -> Value {
        match v {
            Value::List(l) => l.borrow().get(i).cloned().unwrap_or_default(),
            _ => Value::Null,
        }
    }

    /// The keys of a map, in order.
    pub(super) fn keys(v: &Value) -> Vec<String> {
        match v {
            Value::Map(m) => m.borrow().keys().map(|k| k.to_string()).collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::testing::{at, get, input};
    use super::*;

    fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The three results as JSON text, or their errors.
    fn all(filter: &Value) -> [String; 3] {
        let text = |r: Result<Value, String>| match r {
            Ok(v) => to_json_string(&v),
            Err(e) => e,
        };
        [
            text(dynamodb::filter_expression(filter)),
            text(opensearch::query_dsl(filter)),
            text(subscription::filter(filter, None, None)),
        ]
    }

    #[test]
    fn too_deep_is_an_error_not_a_crash() {
        let mut v = json!({"a": {"eq": 1}});
        for _ in 0..500 {
            v = json!({"not": v});
        }
        let v = input(v);
        assert!(dynamodb::filter_expression(&v).is_err());
        assert!(opensearch::query_dsl(&v).is_err());
        let mut v = json!({"a": {"eq": 1}});
        for _ in 0..500 {
            v = json!({"and": [v]});
        }
        assert!(subscription::filter(&input(v), None, None).is_err());
    }

    /// Past `value::MAX_DEPTH` JSON levels an argument reads as null, as through `to_json`:
    /// an `and` chain fails there before its own nesting limit, a `not` chain after.
    #[test]
    fn deep_filters_fail_where_to_json_would_cut_them() {
        let chain = |n: usize, wrap: fn(Value) -> Value| {
            let mut v = map(vec![("a", map(vec![("eq", Value::Int(1))]))]);
            for _ in 0..n {
                v = wrap(v);
            }
            v
        };
        let and = |v| map(vec![("and", Value::list(vec![v]))]);
        let not = |v| map(vec![("not", v)]);
        let msg = |v: &Value| dynamodb::filter_expression(v).err().unwrap_or_default();
        assert!(dynamodb::filter_expression(&chain(31, and)).is_ok());
        assert_eq!(
            msg(&chain(32, and)),
            "toDynamoDBFilterExpression: conditions for field 'a' must be a map of operators to values, got null"
        );
        assert_eq!(
            msg(&chain(33, and)),
            "toDynamoDBFilterExpression: 'and' expects a list of filters, got null"
        );
        assert!(dynamodb::filter_expression(&chain(63, not)).is_ok());
        assert_eq!(
            msg(&chain(64, not)),
            "toDynamoDBFilterExpression: conditions for field 'a' must be a map of operators to values, got null"
        );
        assert_eq!(
            msg(&chain(65, not)),
            "toDynamoDBFilterExpression: filter is nested more than 64 levels deep"
        );
    }

    #[test]
    fn cyclic_arguments_end() {
        // A filter that contains itself: `{"and": [<itself>]}`.
        let m = Value::empty_map();
        if let Value::Map(cell) = &m {
            let items = Value::list(vec![m.clone()]);
            cell.borrow_mut().insert("and".into(), items);
        }
        for (result, prefix) in all(&m).iter().zip([
            "toDynamoDBFilterExpression",
            "toElasticsearchQueryDSL",
            "toSubscriptionFilter",
        ]) {
            assert_eq!(
                *result,
                format!("{prefix}: 'and' expects a list of filters, got null")
            );
        }
        if let Value::Map(cell) = &m {
            cell.borrow_mut().clear();
        }
        // A condition value that contains itself.
        let c = Value::empty_map();
        if let Value::Map(cell) = &c {
            cell.borrow_mut().insert("x".into(), Value::Float(0.5));
            cell.borrow_mut().insert("self".into(), c.clone());
        }
        let filter = map(vec![("a", map(vec![("eq", c.clone())]))]);
        let [ddb, dsl, _] = all(&filter);
        assert!(ddb.starts_with(r##"{"expression":"#a = :a_eq","##));
        assert_eq!(
            dsl,
            to_json_string(&map(vec![("term", map(vec![("a", c.clone())]))]))
        );
        // The subscription filter is a value of its own: the copy of `c` (two levels down
        // the argument) ends in null where `to_json` would have cut it.
        let out = subscription::filter(&filter, None, None).unwrap_or_default();
        let group = at(&get(&out, "filterGroup"), 0);
        let mut v = get(&at(&get(&group, "filters"), 0), "value");
        for _ in 2..=crate::value::MAX_DEPTH {
            assert!(matches!(v, Value::Map(_)));
            v = get(&v, "self");
        }
        assert!(v.is_null());
        if let Value::Map(cell) = &c {
            cell.borrow_mut().clear();
        }
    }

    /// Values that are not JSON data read as `to_json` makes them: a non-finite double is
    /// null, a map entry a one-entry map, a namespace its text; ints and doubles stay apart.
    #[test]
    fn arguments_read_as_to_json_makes_them() {
        let entry = Value::Entry(Rc::new(crate::value::MapEntry::new(
            "eq".into(),
            Value::Int(1),
        )));
        let odd = Value::list(vec![
            Value::Float(f64::NAN),
            Value::Float(2.0),
            Value::Int(2),
            Value::Float(-0.0),
            Value::Float(1e21),
            entry.clone(),
            crate::util::UTIL.value(),
        ]);
        let filter = map(vec![("a", map(vec![("eq", odd)])), ("b", entry)]);
        let [ddb, dsl, sub] = all(&filter);
        assert_eq!(
            ddb,
            r##"{"expression":"#a = :a_eq AND #b = :b_eq","expressionNames":{"#a":"a","#b":"b"},"expressionValues":{":a_eq":{"L":[{"NULL":null},{"N":2.0},{"N":2},{"N":-0.0},{"N":1.0E21},{"M":{"eq":{"N":1}}},{"S":"$util"}]},":b_eq":{"N":1}}}"##
        );
        assert_eq!(
            dsl,
            r#"{"bool":{"must":[{"term":{"a":[null,2.0,2,-0.0,1.0E21,{"eq":1},"$util"]}},{"term":{"b":1}}]}}"#
        );
        assert_eq!(
            sub,
            r#"{"filterGroup":[{"filters":[{"fieldName":"a","operator":"eq","value":[null,2.0,2,-0.0,1.0E21,{"eq":1},"$util"]},{"fieldName":"b","operator":"eq","value":1}]}]}"#
        );
    }
}
