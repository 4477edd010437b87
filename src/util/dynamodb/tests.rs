//! The `…Json` functions write the text that printing their object forms with
//! `to_json_string` gives, for generated values: deep, cyclic, odd floats and
//! strings, values that are not data (`Entry`, `$foreach`, `#define`, namespaces).

use std::rc::Rc;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use super::{DYNAMODB, FUNCTIONS};
use crate::source::Span;
use crate::util::{Builtin, Call, RunState, UtilError, UtilResult};
use crate::value::{to_json_string, Map, MapEntry, Object, Value};

/// A value that is not data, as the interpreter makes them (`$foreach`, `#define`).
#[derive(Debug)]
struct Opaque(Option<usize>);

impl Object for Opaque {
    fn type_name(&self) -> &'static str {
        "opaque"
    }

    fn write_java(&self, out: &mut String) {
        match self.0 {
            Some(index) => out.push_str(&format!("{{index={index}}}")),
            None => out.push_str("#define"),
        }
    }
}

/// A value to build: [`Shape::Cycle`] is the nearest list or map around it.
#[derive(Debug, Clone)]
enum Shape {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Entry(String, Box<Shape>),
    Loop(usize),
    Namespace,
    Block,
    Cycle,
    List(Vec<Shape>),
    Map(Vec<(String, Shape)>),
}

fn build(shape: &Shape, parent: Option<&Value>) -> Value {
    match shape {
        Shape::Null => Value::Null,
        Shape::Bool(b) => Value::Bool(*b),
        Shape::Int(i) => Value::Int(*i),
        Shape::Float(f) => Value::Float(*f),
        Shape::Str(s) => Value::str(s),
        // An entry closes no cycle: printed as Java prints it, two of them around
        // the same map would take 2^64 steps (in the old path as in the new).
        Shape::Entry(k, v) => {
            Value::Entry(Rc::new(MapEntry::new(Rc::from(k.as_str()), build(v, None))))
        }
        Shape::Loop(index) => Value::Object(Rc::new(Opaque(Some(*index)))),
        Shape::Namespace => DYNAMODB.value(),
        Shape::Block => Value::Object(Rc::new(Opaque(None))),
        Shape::Cycle => parent.cloned().unwrap_or(Value::Null),
        Shape::List(items) => {
            let list = Value::list(Vec::new());
            let built: Vec<Value> = items.iter().map(|x| build(x, Some(&list))).collect();
            if let Value::List(l) = &list {
                *l.borrow_mut() = built;
            }
            list
        }
        Shape::Map(entries) => {
            let map = Value::empty_map();
            let built: Vec<(Rc<str>, Value)> = entries
                .iter()
                .map(|(k, x)| (Rc::from(k.as_str()), build(x, Some(&map))))
                .collect();
            if let Value::Map(m) = &map {
                let mut m = m.borrow_mut();
                for (k, v) in built {
                    m.insert(k, v);
                }
            }
            map
        }
    }
}

fn text() -> impl Strategy<Value = String> {
    "[a-zN \"\\\\/\\x00-\\x1f\\x7fé€😀]{0,6}"
}

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        prop::sample::select(vec![
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.0,
            0.0,
            1.0,
            2.5,
            1e7,
            1e21,
            1e-3,
            1e-4,
            f64::MAX,
            f64::MIN_POSITIVE,
        ]),
    ]
}

fn leaf() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Null),
        any::<bool>().prop_map(Shape::Bool),
        prop_oneof![any::<i64>(), -3i64..3].prop_map(Shape::Int),
        float().prop_map(Shape::Float),
        text().prop_map(Shape::Str),
        (text(), any::<i32>()).prop_map(|(k, v)| Shape::Entry(k, Box::new(Shape::Int(v as i64)))),
        (0usize..3).prop_map(Shape::Loop),
        Just(Shape::Namespace),
        Just(Shape::Block),
        Just(Shape::Cycle),
    ]
}

fn tree() -> impl Strategy<Value = Shape> {
    leaf().prop_recursive(5, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Shape::List),
            prop::collection::vec((text(), inner.clone()), 0..5).prop_map(Shape::Map),
            (text(), inner).prop_map(|(k, v)| Shape::Entry(k, Box::new(v))),
        ]
    })
}

/// `inner` under 30 to 70 lists and maps, some levels with a sibling beside it.
fn deep() -> impl Strategy<Value = Shape> {
    (
        prop::collection::vec((any::<bool>(), prop::option::of(leaf())), 30..=70),
        tree(),
    )
        .prop_map(|(levels, inner)| {
            levels.into_iter().fold(inner, |child, (as_list, sibling)| {
                let items: Vec<Shape> = std::iter::once(child).chain(sibling).collect();
                if as_list {
                    Shape::List(items)
                } else {
                    let keys = ["k", "sibling"].map(String::from);
                    Shape::Map(keys.into_iter().zip(items).collect())
                }
            })
        })
}

/// Arguments: mostly a list or a map first, sometimes strings (for `toS3Object`).
fn args() -> impl Strategy<Value = Vec<Shape>> {
    prop_oneof![
        3 => prop::collection::vec(tree(), 0..3),
        2 => deep().prop_map(|x| vec![x]),
        1 => prop::collection::vec(text().prop_map(Shape::Str), 3..5),
    ]
}

/// Each `…Json` function with its object form.
fn pairs() -> Vec<(&'static Builtin, &'static Builtin)> {
    let pairs: Vec<_> = FUNCTIONS
        .iter()
        .filter_map(|b| {
            let json = format!("{}Json", b.name);
            FUNCTIONS.iter().find(|j| j.name == json).map(|j| (b, j))
        })
        .collect();
    assert_eq!(pairs.len(), 13, "a `…Json` function has no object form");
    pairs
}

/// What a function's result looks like as JSON text, or its error message.
fn outcome(result: UtilResult) -> Result<String, String> {
    match result {
        Ok(v) => Ok(v
            .as_str()
            .map_or_else(|| format!("not a string: {v:?}"), str::to_string)),
        Err(UtilError::Invalid(e)) => Err(e),
        Err(UtilError::Raise(e)) => Err(format!("raised {e:?}")),
    }
}

/// How many comparisons printed text and how many failed as nesting too deeply.
#[derive(Default)]
struct Seen {
    printed: usize,
    cut_off: usize,
    too_deep: usize,
}

/// Whether a list or map in the shape contains itself.
fn cyclic(shape: &Shape) -> bool {
    match shape {
        Shape::Cycle => true,
        Shape::Entry(_, v) => cyclic(v),
        Shape::List(items) => items.iter().any(cyclic),
        Shape::Map(entries) => entries.iter().any(|(_, v)| cyclic(v)),
        _ => false,
    }
}

/// The functions that convert nested values to attributes, and so refuse a
/// value that contains itself. The others print such a value as `$util.toJson`
/// does, which takes exponential time when it contains itself twice.
const CONVERTING: [&str; 4] = ["toDynamoDB", "toList", "toMap", "toMapValues"];

/// Whether attribute-value JSON has a `null` that stands for a part past
/// `MAX_DEPTH` JSON levels (where an attribute or its content would be).
fn cut_off(text: &str) -> bool {
    [
        r#""L":null"#,
        r#""M":null"#,
        r#""S":null"#,
        r#""N":null"#,
        "[null",
        ",null",
    ]
    .iter()
    .any(|p| text.contains(p))
}

/// The `…Json` function and `to_json_string` of the object form agree on `args`
/// (of only the [`CONVERTING`] functions for values that contain themselves).
fn compare(args: &[Value], cyclic: bool, seen: &mut Seen) -> Result<(), TestCaseError> {
    let mut state = RunState::default();
    let mut call = Call {
        state: &mut state,
        span: Span::default(),
    };
    for (object, json) in pairs() {
        if cyclic && !CONVERTING.contains(&object.name) {
            continue;
        }
        let old = outcome((object.func)(&mut call, args).map(|v| Value::from(to_json_string(&v))));
        let new = outcome((json.func)(&mut call, args));
        prop_assert_eq!(&new, &old, "{}", json.name);
        match &new {
            Ok(text) if CONVERTING.contains(&object.name) && cut_off(text) => seen.cut_off += 1,
            Ok(_) => seen.printed += 1,
            Err(e) if e.contains("nests too deeply") => seen.too_deep += 1,
            Err(_) => {}
        }
    }
    Ok(())
}

#[test]
fn json_forms_print_what_the_object_forms_print() {
    let config = Config {
        cases: 1000,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[11; 32]));
    let seen = std::cell::RefCell::new(Seen::default());
    runner
        .run(&args(), |shapes| {
            let args: Vec<Value> = shapes.iter().map(|s| build(s, None)).collect();
            compare(&args, shapes.iter().any(cyclic), &mut seen.borrow_mut())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let seen = seen.into_inner();
    assert!(
        seen.printed > 1000 && seen.cut_off > 20 && seen.too_deep > 20,
        "too few cases of a kind: {} printed, {} with nulls, {} too deep",
        seen.printed,
        seen.cut_off,
        seen.too_deep
    );
}

/// `levels` lists (or maps) around a string.
fn nested(levels: usize, as_list: bool) -> Value {
    (0..levels).fold(Value::str("x"), |v, _| {
        if as_list {
            Value::list(vec![v])
        } else {
            let mut m = Map::new();
            m.insert(Rc::from("k"), v);
            Value::map(m)
        }
    })
}

#[test]
fn deep_values_are_cut_off_and_then_refused_as_before() {
    let mut seen = Seen::default();
    for levels in 0..=70 {
        for as_list in [true, false] {
            let v = nested(levels, as_list);
            compare(&[v], false, &mut seen).unwrap_or_else(|e| panic!("{levels} levels: {e}"));
        }
    }
    // `toDynamoDBJson` of 33 lists: the innermost list is an attribute 32 levels
    // down, which opens at JSON depth 64: its items would be past the limit.
    let mut state = RunState::default();
    let mut call = Call {
        state: &mut state,
        span: Span::default(),
    };
    let text = outcome(super::to_dynamodb::<true>(&mut call, &[nested(33, true)]));
    assert!(
        matches!(&text, Ok(t) if t.ends_with(&format!(r#"{{"L":null}}{}"#, "]}".repeat(32)))),
        "{text:?}"
    );
    let deeper = outcome(super::to_dynamodb::<true>(&mut call, &[nested(65, true)]));
    assert!(
        matches!(&deeper, Err(e) if e.contains("nests too deeply")),
        "{deeper:?}"
    );
    assert!(seen.cut_off > 0 && seen.too_deep > 0 && seen.printed > 0);
}

#[test]
fn values_that_contain_themselves_are_refused_as_before() {
    let map = Value::empty_map();
    let list = Value::list(Vec::new());
    if let (Value::Map(m), Value::List(l)) = (&map, &list) {
        m.borrow_mut().insert(Rc::from("self"), map.clone());
        m.borrow_mut().insert(Rc::from("list"), list.clone());
        l.borrow_mut().push(list.clone());
        l.borrow_mut().push(map.clone());
    }
    let mut seen = Seen::default();
    for v in [&map, &list] {
        compare(std::slice::from_ref(v), true, &mut seen).unwrap_or_else(|e| panic!("{e}"));
    }
    // toDynamoDB (of both), toList (of the list), toMap and toMapValues (of the map).
    assert_eq!(seen.too_deep, 5);
}

/// The catalogue is the table that dispatches: each `…Json` row names itself
/// and returns JSON text, each object form returns a `Map`.
#[test]
fn json_rows_name_themselves_and_return_text() {
    for f in FUNCTIONS {
        assert!(
            f.signature.starts_with(&format!("{}(", f.name)),
            "{} is listed as {}",
            f.name,
            f.signature
        );
        let returns = if f.name.ends_with("Json") && f.name != "fromS3ObjectJson" {
            ": String"
        } else {
            ": Map"
        };
        assert!(f.signature.ends_with(returns), "{}", f.signature);
    }
}
