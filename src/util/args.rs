//! Typed access to `$util` arguments with uniform error messages.

use std::rc::Rc;

use super::UtilError;
use crate::value::{ListRef, MapRef, Value};

fn wrong(i: usize, expected: &str, got: &Value) -> UtilError {
    UtilError::Invalid(format!(
        "argument {} must be a {expected}, got {}",
        i + 1,
        if got.is_null() {
            "null".to_string()
        } else {
            got.type_name().to_string()
        }
    ))
}

/// The argument at `i` (null when absent).
pub(crate) fn any(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Null)
}

/// A string argument.
pub(crate) fn string(args: &[Value], i: usize) -> Result<Rc<str>, UtilError> {
    match args.get(i) {
        Some(Value::Str(s)) => Ok(s.clone()),
        Some(other) => Err(wrong(i, "String", other)),
        None => Err(wrong(i, "String", &Value::Null)),
    }
}

/// Any value printed as Java's `toString()` (null stays null).
pub(crate) fn text(args: &[Value], i: usize) -> Option<String> {
    match args.get(i) {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.to_java_string()),
    }
}

/// An integer argument (a decimal is truncated, as Java's unboxing would).
pub(crate) fn int(args: &[Value], i: usize) -> Result<i64, UtilError> {
    match args.get(i) {
        Some(Value::Int(n)) => Ok(*n),
        Some(Value::Float(f)) => Ok(*f as i64),
        Some(Value::Str(s)) => s
            .trim()
            .parse()
            .map_err(|_| wrong(i, "Number", &Value::Str(s.clone()))),
        Some(other) => Err(wrong(i, "Number", other)),
        None => Err(wrong(i, "Number", &Value::Null)),
    }
}

/// A numeric argument as a double.
pub(crate) fn float(args: &[Value], i: usize) -> Result<f64, UtilError> {
    match args.get(i) {
        Some(Value::Int(n)) => Ok(*n as f64),
        Some(v @ (Value::BigInt(_) | Value::Decimal(_))) => Ok(v.as_f64().unwrap_or(f64::NAN)),
        Some(Value::Float(f)) => Ok(*f),
        Some(Value::Str(s)) => s
            .trim()
            .parse()
            .map_err(|_| wrong(i, "Number", &Value::Str(s.clone()))),
        Some(other) => Err(wrong(i, "Number", other)),
        None => Err(wrong(i, "Number", &Value::Null)),
    }
}

/// A boolean argument.
pub(crate) fn boolean(args: &[Value], i: usize) -> Result<bool, UtilError> {
    match args.get(i) {
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(wrong(i, "Boolean", other)),
        None => Err(wrong(i, "Boolean", &Value::Null)),
    }
}

/// A list argument.
pub(crate) fn list(args: &[Value], i: usize) -> Result<ListRef, UtilError> {
    match args.get(i) {
        Some(Value::List(l)) => Ok(l.clone()),
        Some(other) => Err(wrong(i, "List", other)),
        None => Err(wrong(i, "List", &Value::Null)),
    }
}

/// A map argument.
pub(crate) fn map(args: &[Value], i: usize) -> Result<MapRef, UtilError> {
    match args.get(i) {
        Some(Value::Map(m)) => Ok(m.clone()),
        Some(other) => Err(wrong(i, "Map", other)),
        None => Err(wrong(i, "Map", &Value::Null)),
    }
}
