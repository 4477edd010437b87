//! Operators with Velocity 1.7's rules: integer arithmetic truncates toward zero
//! and widens `Integer` → `Long` → `BigInteger`, any decimal operand makes a decimal, `==` compares numbers numerically and
//! values of different classes by their `toString()`.

use std::cmp::Ordering;
use std::rc::Rc;

use num_integer::Integer;
use num_traits::FromPrimitive;

use crate::error::Error;
use crate::parse::ast::BinaryOp;
use crate::value::{budget, BigDecimal, BigInt, Value, MAX_BIGINT_BITS};

/// Why an operator has no value.
pub(crate) enum Fault {
    /// Velocity logs the message and the expression is null (`1 / 0`, `"a" - 1`).
    Null(String),
    /// Java throws and the render fails (`BigInteger.mod` by a negative number,
    /// a `BigInteger` past [`MAX_BIGINT_BITS`]).
    Fail(Error),
}

/// Applies a non-logical binary operator. A concatenation is built in one of
/// the `spare` buffers (and the buffer kept there).
pub(crate) fn binary(
    op: BinaryOp,
    l: &Value,
    r: &Value,
    spare: &mut Vec<String>,
) -> Result<Value, Fault> {
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

/// Velocity's `==`: numbers by `MathUtils.compare` (so `NaN` equals every
/// number), others by `equals` within a class and `toString()` across classes.
pub(crate) fn equals(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Int(a), Value::Int(b)) => a == b,
        (a, b) if a.is_number() && b.is_number() => compare(a, b) == Some(Ordering::Equal),
        (Value::Str(a), Value::Str(b)) => a == b,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::List(_), Value::List(_)) | (Value::Map(_), Value::Map(_)) => l.java_equals(r),
        // Different classes: compare their `toString()`.
        _ => l.to_java_string() == r.to_java_string(),
    }
}

/// `<`, `<=`, `>`, `>=`: false unless both sides are numbers.
pub(crate) fn ordered(op: BinaryOp, l: &Value, r: &Value) -> bool {
    compare(l, r).is_some_and(|ord| match op {
        BinaryOp::Lt => ord == Ordering::Less,
        BinaryOp::Le => ord != Ordering::Greater,
        BinaryOp::Gt => ord == Ordering::Greater,
        _ => ord != Ordering::Less,
    })
}

/// Velocity's `MathUtils.compare`, for numbers only: exact between integers,
/// in doubles when one side is a `Double` (where `NaN` is neither less nor
/// greater than anything, so it compares equal), exact between a `BigInteger`
/// and a `Double` (Velocity compares them as `BigDecimal`s).
pub(crate) fn compare(l: &Value, r: &Value) -> Option<Ordering> {
    match (l, r) {
        (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
        _ if decimal_base(l, r) => match (to_decimal(l), to_decimal(r)) {
            (Ok(a), Ok(b)) => Some(a.cmp_value(&b)),
            // Velocity cannot make a `BigDecimal` of NaN or an infinity.
            _ if l.is_number() && r.is_number() => Some(Ordering::Equal),
            _ => None,
        },
        (Value::BigInt(_), Value::Float(f)) => Some(compare_big_double(l, *f)),
        (Value::Float(f), Value::BigInt(_)) => Some(compare_big_double(r, *f).reverse()),
        (Value::Float(_), _) | (_, Value::Float(_)) => {
            let (a, b) = (l.as_f64()?, r.as_f64()?);
            Some(if a < b {
                Ordering::Less
            } else if a > b {
                Ordering::Greater
            } else {
                Ordering::Equal
            })
        }
        _ => Some(l.to_bigint()?.cmp(&r.to_bigint()?)),
    }
}

/// A `BigInteger` against a double, exactly (an infinity is beyond every
/// integer; `NaN`, which Velocity cannot make a `BigDecimal` of, is equal).
fn compare_big_double(big: &Value, f: f64) -> Ordering {
    let Some(b) = big.to_bigint() else {
        return Ordering::Equal;
    };
    if f.is_nan() {
        return Ordering::Equal;
    }
    if f.is_infinite() {
        return if f > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    let whole = BigInt::from_f64(f.trunc()).unwrap_or_default();
    b.cmp(&whole)
        .then_with(|| 0.0.partial_cmp(&f.fract()).unwrap_or(Ordering::Equal))
}

/// `+ - * / %` on numbers with Velocity 1.7's `MathUtils`: integers compute
/// in `long` and widen to `BigInteger` on overflow (`Long.MIN_VALUE / -1`
/// wraps, as Java's `long` division does); a `BigInteger` operand computes in
/// `BigInteger`, where `%` is `BigInteger.mod` (never negative, and an error
/// for a negative divisor); a `Double` operand computes in doubles. Division
/// by zero is null.
fn arithmetic(op: BinaryOp, l: &Value, r: &Value) -> Result<Value, Fault> {
    let what = op.symbol();
    if let (Value::Int(a), Value::Int(b)) = (l, r) {
        let (a, b) = (*a, *b);
        let result = match op {
            BinaryOp::Add => a.checked_add(b),
            BinaryOp::Sub => a.checked_sub(b),
            BinaryOp::Mul => a.checked_mul(b),
            BinaryOp::Div | BinaryOp::Rem if b == 0 => {
                return Err(Fault::Null(format!("right side of `{what}` is zero")))
            }
            BinaryOp::Div => Some(a.wrapping_div(b)),
            _ => Some(a.wrapping_rem(b)),
        };
        return match result {
            Some(v) => Ok(Value::Int(v)),
            None => big_arithmetic(op, BigInt::from(a), BigInt::from(b)),
        };
    }
    if !l.is_number() || !r.is_number() {
        return Err(Fault::Null(format!(
            "`{what}` needs numbers, got {} and {}",
            l.type_name(),
            r.type_name()
        )));
    }
    if decimal_base(l, r) {
        return decimal_arithmetic(op, l, r);
    }
    match (l.to_bigint(), r.to_bigint()) {
        (Some(a), Some(b)) => big_arithmetic(op, a, b),
        _ => {
            let (a, b) = (l.as_f64().unwrap_or(0.0), r.as_f64().unwrap_or(0.0));
            if matches!(op, BinaryOp::Div | BinaryOp::Rem) && b == 0.0 {
                return Err(Fault::Null(format!("right side of `{what}` is zero")));
            }
            Ok(Value::Float(match op {
                BinaryOp::Add => a + b,
                BinaryOp::Sub => a - b,
                BinaryOp::Mul => a * b,
                BinaryOp::Div => a / b,
                _ => a % b,
            }))
        }
    }
}

/// Velocity's `BASE_BIGDECIMAL`: a `BigDecimal` operand, or a `BigInteger` with a `Double`.
fn decimal_base(l: &Value, r: &Value) -> bool {
    matches!(l, Value::Decimal(_))
        || matches!(r, Value::Decimal(_))
        || matches!(
            (l, r),
            (Value::BigInt(_), Value::Float(_)) | (Value::Float(_), Value::BigInt(_))
        )
}

/// Velocity's `toBigDecimal`: a double exactly, an integer at scale 0.
fn to_decimal(v: &Value) -> Result<BigDecimal, Fault> {
    match v {
        Value::Decimal(d) => Ok((**d).clone()),
        Value::Float(f) => BigDecimal::from_f64(*f).ok_or_else(|| {
            Fault::Fail(Error::invalid(
                "NumberFormatException: Infinite or NaN (Velocity makes a BigDecimal of a Double that meets a BigInteger)",
            ))
        }),
        other => Ok(BigDecimal::from_int(other.to_bigint().unwrap_or_default())),
    }
}

/// The largest scale (digits after the point) a `BigDecimal` result may have.
const MAX_DECIMAL_SCALE: i64 = 10_000;

/// `BigDecimal` arithmetic as `MathUtils` does it: `divide` with
/// `ROUND_HALF_DOWN` at the dividend's scale, and no `%`.
fn decimal_arithmetic(op: BinaryOp, l: &Value, r: &Value) -> Result<Value, Fault> {
    let what = op.symbol();
    if matches!(op, BinaryOp::Div | BinaryOp::Rem) && r.as_f64() == Some(0.0) {
        return Err(Fault::Null(format!("right side of `{what}` is zero")));
    }
    if op == BinaryOp::Rem {
        return Err(Fault::Fail(Error::invalid(
            "ArithmeticException: Cannot calculate the modulo of BigDecimals.",
        )));
    }
    let (a, b) = (to_decimal(l)?, to_decimal(r)?);
    let too_big = |bits: u64| {
        Fault::Fail(Error::limit(format!(
            "`{what}` would make a decimal of about {bits} bits; the limit is {MAX_BIGINT_BITS} bits"
        )))
    };
    let bits = a.bits() + b.bits() + 64;
    if bits > MAX_BIGINT_BITS || !budget::charge(1 + (bits / 64) as usize) {
        return Err(too_big(bits));
    }
    let result = match op {
        BinaryOp::Add => a.add(&b),
        BinaryOp::Sub => a.sub(&b),
        BinaryOp::Mul => a.mul(&b),
        _ => match a.div_half_down(&b) {
            Some(q) => q,
            None => return Err(Fault::Null(format!("right side of `{what}` is zero"))),
        },
    };
    let (_, scale) = result.parts();
    if result.bits() > MAX_BIGINT_BITS || scale.abs() > MAX_DECIMAL_SCALE {
        return Err(too_big(result.bits()));
    }
    Ok(Value::Decimal(Rc::new(result)))
}

/// `BigInteger` arithmetic, within [`MAX_BIGINT_BITS`].
fn big_arithmetic(op: BinaryOp, a: BigInt, b: BigInt) -> Result<Value, Fault> {
    let what = op.symbol();
    let zero = BigInt::default();
    if matches!(op, BinaryOp::Div | BinaryOp::Rem) && b == zero {
        return Err(Fault::Null(format!("right side of `{what}` is zero")));
    }
    let bits = a.bits().max(b.bits());
    let result_bits = if op == BinaryOp::Mul {
        a.bits() + b.bits()
    } else {
        bits + 1
    };
    if result_bits > MAX_BIGINT_BITS + 1 || !budget::charge(1 + (result_bits / 64) as usize) {
        return Err(Fault::Fail(Error::limit(format!(
            "`{what}` would make an integer of about {result_bits} bits; the limit is {MAX_BIGINT_BITS} bits"
        ))));
    }
    let result = match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a * b,
        BinaryOp::Div => a / b,
        _ if b < zero => {
            return Err(Fault::Fail(Error::invalid(
                "ArithmeticException: BigInteger: modulus not positive (Velocity's `%` on a BigInteger is `BigInteger.mod`)",
            )))
        }
        _ => a.mod_floor(&b),
    };
    if result.bits() > MAX_BIGINT_BITS {
        return Err(Fault::Fail(Error::limit(format!(
            "`{what}` made an integer of {} bits; the limit is {MAX_BIGINT_BITS} bits",
            result.bits()
        ))));
    }
    Ok(Value::big(result))
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
