//! Java methods on values: the whole public surface of `java.lang.String`,
//! `Integer`, `Long`, `Double`, `Boolean`, `java.util.ArrayList`,
//! `LinkedHashMap` and `Map.Entry` as OpenJDK 17 has it, one table per class
//! ([`table`]), each method implemented or refused with the reason; Java's
//! exceptions are engine errors at the call.
//!
//! A call no method takes (an unknown name, arguments no overload converts)
//! evaluates to null, as in Velocity (the reference then prints as written).
//! Reflection (`getClass`, `class`) is never reachable.

mod format;
mod list;
mod map;
mod number;
mod string;
pub(crate) mod table;

use num_traits::Signed;

use crate::error::Error;
use crate::util::RunState;
use crate::value::{IndexHint, Value, MAX_DEPTH};
use string::java_hash;
use table::JavaClass;

/// How many classes [`CLASSES`] holds.
pub(crate) const CLASS_COUNT: usize = 8;

/// The classes whose methods a template reaches, as `tests/jdk` names them
/// (in the order of the positions [`call`] gives them).
pub(crate) static CLASSES: [&JavaClass; CLASS_COUNT] = [
    &string::STRING,
    &number::INTEGER,
    &number::LONG,
    &number::DOUBLE,
    &number::BOOLEAN,
    &list::ARRAYLIST,
    &map::LINKEDHASHMAP,
    &map::MAP_ENTRY,
];

/// The most text one method builds before it refuses (`repeat`, `indent`, a
/// `format` width or precision): the default string limit, checked again on
/// the result by the evaluator against the render's own limit.
const MAX_BUILT: usize = 5 * 1024 * 1024;

/// A method result: the value, and whether the method returns `void`.
type MethodResult = Result<(Value, bool), Error>;

fn ok(v: impl Into<Value>) -> MethodResult {
    Ok((v.into(), false))
}

fn void() -> MethodResult {
    Ok((Value::Null, true))
}

fn bad(method: &str, message: impl std::fmt::Display) -> Error {
    Error::invalid(format!("`{method}`: {message}"))
}

/// Calls a method on a value; `hint` is the call site's, where its method was
/// found last time (see [`table::dispatch_hinted`]).
pub(crate) fn call(
    recv: &Value,
    name: &str,
    args: &[Value],
    hint: &IndexHint,
    _state: &mut RunState,
) -> MethodResult {
    // Positions in `CLASSES`.
    let class = match recv {
        Value::Str(_) => 0,
        Value::Int(i) if i32::try_from(*i).is_ok() => 1,
        Value::Int(_) => 2,
        Value::Float(_) => 3,
        Value::Bool(_) => 4,
        Value::List(_) => 5,
        Value::Map(_) => 6,
        Value::Entry(_) => 7,
        Value::Object(_) => {
            return match (recv.downcast_object::<super::LoopInfo>(), args.len()) {
                (Some(l), 0) => match super::LoopInfo::method_property(name) {
                    Some(property) => ok(l.property(property)),
                    None => common(recv, name, args),
                },
                _ => common(recv, name, args),
            }
        }
        _ => return common(recv, name, args),
    };
    table::dispatch_hinted(class, recv, name, args, hint)
        .unwrap_or_else(|| common(recv, name, args))
}

/// Methods every object has (and a `BigInteger`'s conversions).
fn common(recv: &Value, name: &str, args: &[Value]) -> MethodResult {
    match (name, args, recv) {
        ("toString", [], _) => ok(recv.to_java_string()),
        ("equals", [other], _) => ok(recv.java_equals(other)),
        ("hashCode", [], _) => ok(hash_code(recv)),
        ("intValue", [], Value::BigInt(b)) => ok(low_bits(b) as i32 as i64),
        ("longValue", [], Value::BigInt(b)) => ok(low_bits(b) as i64),
        ("doubleValue", [], Value::BigInt(_) | Value::Decimal(_)) => {
            ok(recv.as_f64().unwrap_or(0.0))
        }
        ("signum", [], Value::BigInt(b)) => ok(if b.is_negative() { -1i64 } else { 1 }),
        _ => ok(Value::Null),
    }
}

/// The low 64 bits of a `BigInteger` in two's complement (`longValue()`).
fn low_bits(b: &crate::value::BigInt) -> u64 {
    let low = b.iter_u64_digits().next().unwrap_or(0);
    if b.is_negative() {
        low.wrapping_neg()
    } else {
        low
    }
}

/// Java's `hashCode()` of a value.
pub(crate) fn hash_code(v: &Value) -> i64 {
    hash_at(v, 0) as i64
}

/// [`hash_code`] of a value `depth` levels down (past [`MAX_DEPTH`] levels, 0).
fn hash_at(v: &Value, depth: usize) -> i32 {
    if depth > MAX_DEPTH {
        return 0;
    }
    match v {
        Value::Null => 0,
        Value::Bool(b) => {
            if *b {
                1231
            } else {
                1237
            }
        }
        Value::Int(i) if i32::try_from(*i).is_ok() => *i as i32,
        Value::Int(i) => (*i ^ ((*i as u64) >> 32) as i64) as i32,
        Value::Float(f) => {
            let bits = if f.is_nan() {
                0x7ff8000000000000u64
            } else {
                f.to_bits()
            };
            (bits ^ (bits >> 32)) as i32
        }
        Value::BigInt(b) => big_hash(b),
        Value::Decimal(d) => {
            // `BigDecimal.hashCode`: 31 × the unscaled value's hash + the scale.
            let (unscaled, scale) = d.parts();
            big_hash(unscaled)
                .wrapping_mul(31)
                .wrapping_add(scale as i32)
        }
        Value::Str(s) => java_hash(s) as i32,
        Value::List(l) => {
            let l = l.borrow();
            if !crate::value::budget::charge(1 + l.len()) {
                return 0;
            }
            l.iter().fold(1i32, |h, x| {
                h.wrapping_mul(31).wrapping_add(nested_hash(v, x, depth))
            })
        }
        Value::Map(m) => {
            let m = m.borrow();
            if !crate::value::budget::charge(1 + m.len()) {
                return 0;
            }
            m.iter().fold(0i32, |h, (k, x)| {
                h.wrapping_add(java_hash(k) as i32 ^ nested_hash(v, x, depth))
            })
        }
        Value::Entry(e) => java_hash(e.key()) as i32 ^ hash_at(&e.value(), depth + 1),
        other => java_hash(&other.to_java_string()) as i32,
    }
}

/// `BigInteger.hashCode`: the magnitude's 32-bit words, most significant first.
fn big_hash(b: &crate::value::BigInt) -> i32 {
    let h = b
        .magnitude()
        .iter_u32_digits()
        .rev()
        .fold(0i32, |h, w| h.wrapping_mul(31).wrapping_add(w as i32));
    if b.is_negative() {
        h.wrapping_neg()
    } else {
        h
    }
}

/// The hash of an element (a container holding itself counts as Java's
/// identity hash would: here, 0).
fn nested_hash(outer: &Value, x: &Value, depth: usize) -> i32 {
    let same = match (outer, x) {
        (Value::List(a), Value::List(b)) => std::rc::Rc::ptr_eq(a, b),
        (Value::Map(a), Value::Map(b)) => std::rc::Rc::ptr_eq(a, b),
        _ => false,
    };
    if same {
        0
    } else {
        hash_at(x, depth + 1)
    }
}

/// `s.substring(begin, end)` for the `CharSequence` overloads of `parseInt`.
fn string_slice(m: &str, s: &str, begin: i64, end: i64) -> Result<String, Error> {
    let units: Vec<u16> = s.encode_utf16().collect();
    if begin < 0 || end > units.len() as i64 || begin > end {
        return Err(bad(m, "IndexOutOfBoundsException"));
    }
    Ok(String::from_utf16_lossy(
        &units[begin as usize..end as usize],
    ))
}

/// A property read that is not a map key: Velocity tries `getX()` and `isX()`.
pub(crate) fn property(recv: &Value, name: &str, state: &mut RunState) -> Result<Value, Error> {
    if name == "class" {
        return Ok(Value::Null);
    }
    match recv {
        Value::Entry(e) => Ok(match name {
            "key" => Value::Str(e.key().clone()),
            "value" => e.value(),
            _ => Value::Null,
        }),
        _ => {
            let mut chars = name.chars();
            let Some(first) = chars.next() else {
                return Ok(Value::Null);
            };
            let capitalized: String = first.to_uppercase().chain(chars).collect();
            for prefix in ["get", "is"] {
                let method = format!("{prefix}{capitalized}");
                let (v, void) = call(recv, &method, &[], &IndexHint::default(), state)?;
                if !v.is_null() || void {
                    return Ok(v);
                }
            }
            Ok(Value::Null)
        }
    }
}
