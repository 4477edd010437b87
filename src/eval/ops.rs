//! Operators with Velocity 1.7's rules: integer arithmetic truncates toward zero,
//! any decimal operand makes a decimal, `==` compares numbers numerically and
//! values of different classes by their `toString()`.

use std::rc::Rc;

use crate::error::Error;
use crate::parse::ast::BinaryOp;
use crate::value::Value;

/// Applies a non-logical binary operator. `Err` is a message for the log; the
/// expression then evaluates to null, as in Velocity. A concatenation is built
/// in one of the `spare` buffers (and the buffer kept there).
pub(crate) fn binary(
    op: BinaryOp,
    l: &Value,
    r: &Value,
    spare: &mut Vec<String>,
) -> Result<Value, String> {
    match op {
        BinaryOp::Eq => Ok(Value::Bool(equals(l, r))),
        BinaryOp::Ne => Ok(Value::Bool(!equals(l, r))),
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            Ok(Value::Bool(ordered(op, l, r)))
        }
        BinaryOp::Add if matches!(l, Value::Str(_)) || matches!(r, Value::Str(_)) => {
            let mut s = spare.pop().unwrap_or_default();
            l.write_java(&mut s, 0);
            r.write_java(&mut s, 0);
            let value = Value::Str(Rc::from(s.as_str()));
            s.clear();
            spare.push(s);
            Ok(value)
        }
        _ => arithmetic(op, l, r),
    }
}

/// Velocity's `==`.
pub(crate) fn equals(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Int(a), Value::Int(b)) => a == b,
        (a, b) if a.is_number() && b.is_number() => {
            a.as_f64().unwrap_or(f64::NAN) == b.as_f64().unwrap_or(f64::NAN)
        }
        (Value::Str(a), Value::Str(b)) => a == b,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::List(_), Value::List(_)) | (Value::Map(_), Value::Map(_)) => l.java_equals(r),
        // Different classes: compare their `toString()`.
        _ => l.to_java_string() == r.to_java_string(),
    }
}

/// `<`, `<=`, `>`, `>=`: false unless both sides are numbers.
pub(crate) fn ordered(op: BinaryOp, l: &Value, r: &Value) -> bool {
    use std::cmp::Ordering::*;
    compare(l, r).is_some_and(|ord| match op {
        BinaryOp::Lt => ord == Less,
        BinaryOp::Le => ord != Greater,
        BinaryOp::Gt => ord == Greater,
        _ => ord != Less,
    })
}

/// Ordering for `<`, `>`, `<=`, `>=`: numbers only.
pub(crate) fn compare(l: &Value, r: &Value) -> Option<std::cmp::Ordering> {
    match (l, r) {
        (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
        (a, b) if a.is_number() && b.is_number() => a.as_f64()?.partial_cmp(&b.as_f64()?),
        _ => None,
    }
}

fn arithmetic(op: BinaryOp, l: &Value, r: &Value) -> Result<Value, String> {
    let what = op.symbol();
    match (l, r) {
        (Value::Int(a), Value::Int(b)) => {
            let (a, b) = (*a, *b);
            let result = match op {
                BinaryOp::Add => a.checked_add(b),
                BinaryOp::Sub => a.checked_sub(b),
                BinaryOp::Mul => a.checked_mul(b),
                BinaryOp::Div | BinaryOp::Rem if b == 0 => {
                    return Err(format!("right side of `{what}` is zero"))
                }
                BinaryOp::Div => a.checked_div(b),
                _ => a.checked_rem(b),
            };
            match result {
                Some(v) => Ok(Value::Int(v)),
                // Java would widen to BigInteger; a double keeps the magnitude.
                None => {
                    let (a, b) = (a as f64, b as f64);
                    Ok(Value::Float(match op {
                        BinaryOp::Add => a + b,
                        BinaryOp::Sub => a - b,
                        BinaryOp::Mul => a * b,
                        BinaryOp::Div => (a / b).trunc(),
                        _ => a % b,
                    }))
                }
            }
        }
        (a, b) if a.is_number() && b.is_number() => {
            let (a, b) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            if matches!(op, BinaryOp::Div | BinaryOp::Rem) && b == 0.0 {
                return Err(format!("right side of `{what}` is zero"));
            }
            Ok(Value::Float(match op {
                BinaryOp::Add => a + b,
                BinaryOp::Sub => a - b,
                BinaryOp::Mul => a * b,
                BinaryOp::Div => a / b,
                _ => a % b,
            }))
        }
        _ => Err(format!(
            "`{what}` needs numbers, got {} and {}",
            l.type_name(),
            r.type_name()
        )),
    }
}

/// `$list[i]`, `$map["k"]`.
pub(crate) fn index(value: &Value, index: &Value) -> Result<Value, Error> {
    match (value, index) {
        (Value::List(l), Value::Int(i)) => {
            let l = l.borrow();
            if *i >= 0 && (*i as usize) < l.len() {
                Ok(l[*i as usize].clone())
            } else {
                Err(Error::invalid(format!(
                    "index {i} is out of bounds for a list of {} element(s)",
                    l.len()
                )))
            }
        }
        (Value::Map(m), k) => Ok(m.borrow().get(&k.to_key()).cloned().unwrap_or(Value::Null)),
        (Value::Null, _) => Ok(Value::Null),
        (v, i) => Err(Error::invalid(format!(
            "cannot index a {} with {}",
            v.type_name(),
            i.to_java_string()
        ))),
    }
}

/// `[a..b]`: inclusive, ascending or descending.
pub(crate) fn range(a: &Value, b: &Value, max: usize) -> Result<Value, Error> {
    let as_int = |v: &Value| match v {
        Value::Int(i) => Some(*i),
        Value::Str(s) => s.trim().parse().ok(),
        Value::Float(f) => Some(*f as i64),
        _ => None,
    };
    let (Some(from), Some(to)) = (as_int(a), as_int(b)) else {
        return Err(Error::invalid(format!(
            "a range needs integers, got {} and {}",
            a.to_java_string(),
            b.to_java_string()
        )));
    };
    let len = from.abs_diff(to).saturating_add(1);
    if len > max as u64 {
        return Err(Error::limit(format!(
            "the range [{from}..{to}] has {len} elements; the limit is {max} (raise it with --max-range-size)"
        )));
    }
    let items: Vec<Value> = if from <= to {
        (from..=to).map(Value::Int).collect()
    } else {
        (to..=from).rev().map(Value::Int).collect()
    };
    Ok(Value::list(items))
}
