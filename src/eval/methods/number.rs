//! Methods of numbers (`java.lang.Number`, `Comparable`): `intValue`,
//! `doubleValue`, `compareTo`, `isNaN`.

use super::{common, ok, MethodResult};
use crate::eval::ops;
use crate::value::Value;

pub(super) fn number(recv: &Value, name: &str, args: &[Value]) -> MethodResult {
    match (name, args.len(), recv) {
        ("intValue" | "longValue", 0, Value::Int(i)) => ok(*i),
        ("intValue" | "longValue", 0, Value::Float(f)) => ok(*f as i64),
        ("doubleValue" | "floatValue", 0, v) => ok(v.as_f64().unwrap_or(0.0)),
        ("compareTo", 1, v) => ok(match ops::compare(v, &args[0]) {
            Some(std::cmp::Ordering::Less) => -1i64,
            Some(std::cmp::Ordering::Greater) => 1,
            _ => 0,
        }),
        ("isNaN", 0, Value::Float(f)) => ok(f.is_nan()),
        _ => common(recv, name, args),
    }
}
