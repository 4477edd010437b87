//! Plain words for why a condition had the value it had, from the operand
//! values the trace recorded while it was evaluated.

use crate::eval::Operand;
use crate::parse::ast::{BinaryOp, Expr, Literal, UnaryOp};
use crate::source::Source;
use crate::value::{to_json_string, Value};

/// A value as people read it: JSON, shortened.
pub(crate) fn show(v: &Value) -> String {
    let text = match v {
        Value::Object(_) | Value::Static(_) => v.to_java_string(),
        other => to_json_string(other),
    };
    shorten(&text, 80)
}

/// Cuts `text` to about `max` characters, marking the cut with `…`.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// Whether an expression is a literal constant (its value is its text).
pub(crate) fn is_literal(e: &Expr) -> bool {
    matches!(e, Expr::Literal(..))
}

/// The value recorded for an expression, or the literal's own value.
fn value_of(e: &Expr, ops: &[Operand]) -> Option<Value> {
    if let Expr::Literal(lit, _) = e {
        return Some(match lit {
            Literal::Null => Value::Null,
            Literal::Bool(b) => Value::Bool(*b),
            Literal::Int(i) => Value::Int(*i),
            Literal::BigInt(b) => Value::BigInt(std::rc::Rc::new((**b).clone())),
            Literal::Float(f) => Value::Float(*f),
            Literal::Str(s, _) => Value::str(s),
        });
    }
    ops.iter()
        .rev()
        .find(|o| o.span == e.span())
        .map(|o| o.value.clone())
}

/// The truth value an expression had (`None`: not evaluated).
fn truth(e: &Expr, ops: &[Operand]) -> Option<bool> {
    match e {
        Expr::Unary(UnaryOp::Not, x, _) => truth(x, ops).map(|b| !b),
        Expr::Binary(BinaryOp::And, l, r, _) => match truth(l, ops)? {
            false => Some(false),
            true => truth(r, ops),
        },
        Expr::Binary(BinaryOp::Or, l, r, _) => match truth(l, ops)? {
            true => Some(true),
            false => truth(r, ops),
        },
        other => value_of(other, ops).map(|v| v.is_truthy()),
    }
}

/// Why `e` came out the way it did, e.g. ``$util.authType()` is "API Key
/// Authorization", not "User Pool Authorization"``.
pub(crate) fn describe(e: &Expr, ops: &[Operand], src: &Source) -> String {
    let text = |e: &Expr| src.slice(e.span()).to_string();
    let is = |e: &Expr| match value_of(e, ops) {
        Some(v) => format!("`{}` is {}", text(e), show(&v)),
        None => format!("`{}` was not evaluated", text(e)),
    };
    match e {
        Expr::Unary(UnaryOp::Not, x, _) => describe(x, ops, src),
        Expr::Binary(BinaryOp::And, l, r, _) => match (truth(l, ops), truth(r, ops)) {
            (Some(false), _) => describe(l, ops, src),
            (_, Some(false)) => describe(r, ops, src),
            _ => format!("{} and {}", describe(l, ops, src), describe(r, ops, src)),
        },
        Expr::Binary(BinaryOp::Or, l, r, _) => match (truth(l, ops), truth(r, ops)) {
            (Some(true), _) => describe(l, ops, src),
            (_, Some(true)) => describe(r, ops, src),
            _ => format!("{} and {}", describe(l, ops, src), describe(r, ops, src)),
        },
        Expr::Binary(op, l, r, _) if op.is_comparison() => {
            let (lv, rv) = (value_of(l, ops), value_of(r, ops));
            let holds = truth(e, ops);
            match (is_literal(l), is_literal(r), lv, rv) {
                (false, true, Some(lv), Some(rv))
                    if *op == BinaryOp::Eq && holds == Some(false) =>
                {
                    format!("`{}` is {}, not {}", text(l), show(&lv), show(&rv))
                }
                (false, true, Some(lv), _) => format!("`{}` is {}", text(l), show(&lv)),
                (true, false, _, Some(rv)) => format!("`{}` is {}", text(r), show(&rv)),
                _ => format!("{} and {}", is(l), is(r)),
            }
        }
        Expr::Ref(r) => {
            // The call's receiver and arguments, when recorded: why `.contains` was false.
            let inner: Vec<String> = ops
                .iter()
                .filter(|o| {
                    o.span != r.span
                        && o.span.start >= r.span.start
                        && o.span.end <= r.span.end
                        && !matches!(o.value, Value::Static(_))
                })
                .map(|o| format!("`{}` is {}", o.text, show(&o.value)))
                .collect();
            let mut seen = Vec::new();
            let inner: Vec<String> = inner
                .into_iter()
                .filter(|s| {
                    let new = !seen.contains(s);
                    seen.push(s.clone());
                    new
                })
                .collect();
            if inner.is_empty() {
                is(e)
            } else {
                format!("{} ({})", is(e), inner.join(", "))
            }
        }
        other => is(other),
    }
}
