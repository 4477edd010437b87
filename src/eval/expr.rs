//! Expressions: operators, conditions, collection and range literals,
//! interpolated strings and the string literals of the template.

use std::rc::Rc;

use super::literals::LiteralPool;
use super::reference::peek_properties;
use super::{ops, Evaluator, Exec, Tracer};
use crate::parse::ast::*;
use crate::value::Value;

impl<'t, T: Tracer> Evaluator<'t, T> {
    pub(crate) fn expr(&mut self, e: &'t Expr) -> Exec<Value> {
        match e {
            // A constant does not recurse.
            Expr::Literal(lit, _) => Ok(self.constant(lit)),
            _ => self.deeper(|this| this.expr_inner(e)),
        }
    }

    #[inline]
    fn constant(&mut self, lit: &'t Literal) -> Value {
        match lit {
            Literal::Null => Value::Null,
            Literal::Bool(b) => Value::Bool(*b),
            Literal::Int(i) => Value::Int(*i),
            Literal::BigInt(b) => Value::BigInt(Rc::new((**b).clone())),
            Literal::Float(f) => Value::Float(*f),
            Literal::Str(s, id) => Value::Str(self.literal(s, *id)),
        }
    }

    /// Evaluates an expression for its truth (`#if`, `!`, `&&`, `||`) without
    /// making the `Boolean` values of the logical operators in between.
    pub(super) fn condition(&mut self, e: &'t Expr) -> Exec<bool> {
        match e {
            Expr::Binary(BinaryOp::And, lhs, rhs, _) => {
                self.deeper(|this| Ok(this.condition(lhs)? && this.condition(rhs)?))
            }
            Expr::Binary(BinaryOp::Or, lhs, rhs, _) => {
                self.deeper(|this| Ok(this.condition(lhs)? || this.condition(rhs)?))
            }
            Expr::Unary(UnaryOp::Not, operand, _) => {
                self.deeper(|this| Ok(!this.condition(operand)?))
            }
            // Comparisons make no `Boolean` (tracing records both sides instead).
            Expr::Binary(op, lhs, rhs, _) if !T::ENABLED && op.is_comparison() => {
                let holds = |l: &Value, r: &Value| match op {
                    BinaryOp::Eq => ops::equals(l, r),
                    BinaryOp::Ne => !ops::equals(l, r),
                    _ => ops::ordered(*op, l, r),
                };
                if let Some(holds) = self.compare_in_place(lhs, rhs, holds) {
                    return Ok(holds);
                }
                self.deeper(|this| {
                    let l = this.expr(lhs)?;
                    let r = this.expr(rhs)?;
                    Ok(holds(&l, &r))
                })
            }
            // A set variable read as is (tracing records every reference it reads).
            Expr::Ref(r) if !T::ENABLED && r.segments.is_empty() && self.frame == 0 => {
                match &self.vars[r.slot as usize] {
                    Some(v) => Ok(v.is_truthy()),
                    None => Ok(self.expr(e)?.is_truthy()),
                }
            }
            _ => Ok(self.expr(e)?.is_truthy()),
        }
    }

    /// Compares two operands without copying them, when each is a constant or
    /// a variable's chain of map properties (no evaluation order to keep: such
    /// operands have no effects). `None`: evaluate them the general way.
    #[inline(never)]
    fn compare_in_place(
        &mut self,
        lhs: &'t Expr,
        rhs: &'t Expr,
        test: impl Fn(&Value, &Value) -> bool,
    ) -> Option<bool> {
        let properties_only = |r: &Reference| {
            r.segments
                .iter()
                .all(|s| matches!(s, Segment::Property(..)))
        };
        if self.frame != 0 {
            return None;
        }
        match (lhs, rhs) {
            (Expr::Ref(a), Expr::Ref(b)) if properties_only(a) && properties_only(b) => {
                let vars = &self.vars;
                let left = vars[a.slot as usize].as_ref()?;
                let right = vars[b.slot as usize].as_ref()?;
                peek_properties(left, &a.segments, |l| {
                    peek_properties(right, &b.segments, |r| test(l, r))
                })
                .flatten()
            }
            (Expr::Ref(a), Expr::Literal(lit, _)) if properties_only(a) => {
                let r = self.constant(lit);
                let left = self.vars[a.slot as usize].as_ref()?;
                peek_properties(left, &a.segments, |l| test(l, &r))
            }
            (Expr::Literal(lit, _), Expr::Ref(b)) if properties_only(b) => {
                let l = self.constant(lit);
                let right = self.vars[b.slot as usize].as_ref()?;
                peek_properties(right, &b.segments, |r| test(&l, r))
            }
            _ => None,
        }
    }

    fn expr_inner(&mut self, e: &'t Expr) -> Exec<Value> {
        match e {
            Expr::Literal(lit, _) => Ok(self.constant(lit)),
            Expr::Interpolated(block, span) => {
                // The string is written into a buffer kept for the next one.
                let buffer = self.spare.pop().unwrap_or_default();
                let saved = std::mem::replace(&mut self.out, buffer);
                let outer = (self.out_limit, self.building_string);
                self.out_limit = self.limits.string_bytes;
                self.building_string = true;
                let result = self.block(block);
                (self.out_limit, self.building_string) = outer;
                let mut text = std::mem::replace(&mut self.out, saved);
                let value = match result {
                    Ok(()) if text.len() > self.limits.string_bytes => {
                        Err(self.string_too_long(*span))
                    }
                    Ok(()) => Ok(Value::Str(Rc::from(text.as_str()))),
                    Err(e) => Err(e),
                };
                text.clear();
                self.spare.push(text);
                value
            }
            Expr::Ref(r) => Ok(self.eval_ref(r)?.0),
            Expr::List(items, _) => {
                let mut v = Vec::with_capacity(items.len());
                for item in items {
                    v.push(self.expr(item)?);
                }
                Ok(Value::list(v))
            }
            Expr::Map(entries, _) => {
                let mut m = crate::value::Map::with_capacity(entries.len());
                for (k, v) in entries {
                    let key = self.expr(k)?.to_key();
                    let value = self.expr(v)?;
                    m.insert(key, value);
                }
                Ok(Value::map(m))
            }
            Expr::Range(from, to, span) => {
                let a = self.expr(from)?;
                let b = self.expr(to)?;
                // Velocity 1.7's `ASTIntegerRange`: both ends must be numbers, taken
                // as Java ints (`intValue()`: a long wraps, a decimal is truncated);
                // otherwise the range is null (and Velocity logs it).
                let int = |v: &Value| match v {
                    Value::Int(i) => Some(Value::Int(i64::from(*i as i32))),
                    Value::Float(f) => Some(Value::Int(i64::from(*f as i32))),
                    Value::BigInt(b) => Some(Value::Int(i64::from(crate::value::big_int_value(b)))),
                    Value::Decimal(d) => Some(Value::Int(i64::from(crate::value::big_int_value(
                        &d.to_bigint(),
                    )))),
                    _ => None,
                };
                match (int(&a), int(&b)) {
                    (Some(a), Some(b)) => {
                        ops::range(&a, &b, self.limits.range_size).map_err(|e| e.at(*span).into())
                    }
                    _ => {
                        self.warn(format!(
                            "the range at {} is null: its ends must be numbers, not {} and {} \
                             (Velocity 1.7)",
                            self.template.source.line_col(span.start as usize),
                            a.type_name(),
                            b.type_name()
                        ));
                        Ok(Value::Null)
                    }
                }
            }
            Expr::Unary(UnaryOp::Not, operand, _) => Ok(Value::Bool(!self.condition(operand)?)),
            Expr::Unary(UnaryOp::Neg, operand, _) => Ok(match &self.expr(operand)? {
                Value::Int(i) => match i.checked_neg() {
                    Some(n) => Value::Int(n),
                    None => Value::big(-crate::value::BigInt::from(*i)),
                },
                Value::BigInt(b) => Value::big(-&**b),
                Value::Decimal(d) => Value::Decimal(Rc::new(
                    crate::value::BigDecimal::from_int(Default::default()).sub(d),
                )),
                Value::Float(f) => Value::Float(-f),
                _ => Value::Null,
            }),
            Expr::Binary(op, lhs, rhs, span) => match op {
                BinaryOp::And => {
                    let l = self.condition(lhs)?;
                    Ok(Value::Bool(l && self.condition(rhs)?))
                }
                BinaryOp::Or => {
                    let l = self.condition(lhs)?;
                    Ok(Value::Bool(l || self.condition(rhs)?))
                }
                _ => {
                    let mut l = self.expr(lhs)?;
                    let mut r = self.expr(rhs)?;
                    if *op == BinaryOp::Add {
                        // `"a" + $undefined` concatenates the reference's own text.
                        if matches!(r, Value::Str(_)) && l.is_null() {
                            l = self.null_text(lhs);
                        } else if matches!(l, Value::Str(_)) && r.is_null() {
                            r = self.null_text(rhs);
                        }
                    }
                    if T::ENABLED && self.capture.is_some() && op.is_comparison() {
                        // Both sides of a comparison (references record themselves).
                        for (side, value) in [(&**lhs, &l), (&**rhs, &r)] {
                            if !matches!(side, Expr::Ref(_)) {
                                self.capture_operand(side.span(), value);
                            }
                        }
                    }
                    let result = ops::binary(*op, &l, &r, &mut self.spare);
                    self.check_budget(*span)?;
                    if T::ENABLED && op.is_comparison() {
                        if let Ok(v) = &result {
                            self.capture_operand(*span, v);
                        }
                    }
                    match result {
                        Ok(Value::Str(ref s)) if s.len() > self.limits.string_bytes => {
                            Err(self.string_too_long(*span))
                        }
                        Ok(v) => Ok(v),
                        Err(ops::Fault::Fail(e)) => Err(e.at(*span).into()),
                        Err(ops::Fault::Null(message)) => {
                            self.warn(format!(
                                "{} at {}",
                                message,
                                self.template.source.line_col(span.start as usize)
                            ));
                            Ok(Value::Null)
                        }
                    }
                }
            },
        }
    }

    /// The value of a string literal, made once per thread while its template
    /// is rendered (see [`LiteralPool`]).
    #[inline]
    fn literal(&mut self, text: &'t str, id: LiteralId) -> Rc<str> {
        let render = self.literals.render;
        match self.literals.values.get_mut(id as usize) {
            Some(Some((value, seen))) => {
                if *seen != render {
                    if **value != *text {
                        *value = Rc::from(text);
                    }
                    *seen = render;
                }
                value.clone()
            }
            Some(slot) => slot.insert((Rc::from(text), render)).0.clone(),
            None => Rc::from(text),
        }
    }

    /// Gives the string literals made in this render back to the thread's pool.
    pub(crate) fn release_literals(&mut self) {
        std::mem::replace(&mut self.literals, LiteralPool::EMPTY).give_back();
    }

    /// The source text of a reference expression that evaluated to null.
    fn null_text(&self, e: &'t Expr) -> Value {
        match e {
            Expr::Ref(r) => Value::Str(self.src(r.span).into()),
            _ => Value::Null,
        }
    }
}
