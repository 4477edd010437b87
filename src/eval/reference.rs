//! References: variables, macro parameters and the built-in roots, map
//! properties, indexes, method calls and `$util` calls.

use std::cell::Cell;
use std::rc::Rc;

use super::{
    methods, ops, Arg, DefinedBlock, Evaluator, Event, Exec, Interrupt, LoopInfo, Operand, Tracer,
};
use crate::error::{Error, ErrorKind};
use crate::parse::ast::*;
use crate::source::Span;
use crate::util::{self, Call};
use crate::value::Value;

/// `map[name]`, looked for first where `hint` says it was last time.
#[inline]
fn map_get(map: &crate::value::Map, name: &str, hint: &IndexHint) -> Value {
    match map_entry(map, name, hint) {
        Some(value) => value.clone(),
        None => Value::Null,
    }
}

/// [`map_get`] without the copy.
#[inline]
fn map_entry<'m>(map: &'m crate::value::Map, name: &str, hint: &IndexHint) -> Option<&'m Value> {
    if let Some((key, value)) = map.get_index(hint.get()) {
        if **key == *name {
            return Some(value);
        }
    }
    let (index, _, value) = map.get_full(name)?;
    hint.set(index);
    Some(value)
}

/// Applies `f` to what a chain of map properties leads to, read in place;
/// `None` when a step is not a map property (the general path evaluates it).
pub(super) fn peek_properties<R>(
    v: &Value,
    segments: &[Segment],
    f: impl FnOnce(&Value) -> R,
) -> Option<R> {
    let Some((first, rest)) = segments.split_first() else {
        return Some(f(v));
    };
    match (first, v) {
        // A null anywhere makes the whole reference null.
        (_, Value::Null) => Some(f(&Value::Null)),
        (Segment::Property(name, _, hint), Value::Map(m)) => {
            let m = m.borrow();
            match map_entry(&m, name, hint) {
                Some(child) => peek_properties(child, rest, f),
                None => Some(f(&Value::Null)),
            }
        }
        _ => None,
    }
}

/// The error for a `$util` function that does not exist.
#[cold]
fn unknown_function(ns: &'static util::Namespace, name: &str, span: Span) -> Interrupt {
    Error::new(ErrorKind::UnknownFunction {
        path: format!("{}{}.{name}", ns.root(), ns.display_path()),
        hint: util::suggest(ns, name),
    })
    .at(span)
    .into()
}

/// The error for a `$util` call with the wrong number of arguments.
#[cold]
fn wrong_arity(
    ns: &'static util::Namespace,
    name: &str,
    builtin: &util::Builtin,
    got: usize,
    span: Span,
) -> Interrupt {
    Error::new(ErrorKind::Arity {
        path: format!("{}{}.{name}", ns.root(), ns.display_path()),
        expected: builtin.arity.to_string(),
        got,
        signature: builtin.signature.to_string(),
    })
    .at(span)
    .into()
}

/// A negative list index counts from the end, as in Velocity 1.7 (`$l[-1]` is
/// the last element; `ASTIndex` adds the size); further out it stays out of range.
pub(super) fn from_end(list: &Value, index: Value) -> Value {
    match (list, &index) {
        (Value::List(l), Value::Int(i)) if *i < 0 => {
            let len = l.borrow().len() as i64;
            if *i + len >= 0 {
                Value::Int(*i + len)
            } else {
                index
            }
        }
        _ => index,
    }
}

/// The value a render gives the variable `name` before the template runs.
pub(super) fn global(name: &str, ctx: &Value) -> Option<Value> {
    match name {
        "ctx" | "context" => Some(ctx.clone()),
        _ => util::root_namespace(name).map(util::Namespace::value),
    }
}

impl<'t, T: Tracer> Evaluator<'t, T> {
    /// Looks up a root name: macro parameter, variable, or a built-in root.
    #[inline]
    pub(super) fn root(&mut self, name: &str, slot: Slot) -> Exec<Value> {
        // Outside macros, a variable that is set is the common case.
        if self.frame == 0 {
            if let Some(v) = &self.vars[slot as usize] {
                return Ok(v.clone());
            }
        }
        self.root_slow(name, slot)
    }

    #[inline(never)]
    fn root_slow(&mut self, name: &str, slot: Slot) -> Exec<Value> {
        if self.frame > 0 {
            // A macro sees the parameters of the macros it was called from
            // (Velocity 1.7's macro contexts chain to their caller's).
            let arg = self.frames[..self.frame]
                .iter()
                .rev()
                .find_map(|f| f.params.get(name).cloned());
            if let Some(arg) = arg {
                let Arg::Expr(e, caller) = arg;
                let saved = self.frame;
                self.frame = caller;
                let v = self.expr(e);
                self.frame = saved;
                return v;
            }
        }
        if name == "bodyContent" {
            // In a block call's macro, `$bodyContent` used as a value (`#if`,
            // `#set`, an argument) is the body, a block rendered when printed.
            if let Some(body) = self.frames[..self.frame].iter().rev().find_map(|f| f.body) {
                return Ok(Value::Object(Rc::new(DefinedBlock {
                    body: body.clone(),
                    depth: Cell::new(0),
                })));
            }
        }
        if let Some(v) = &self.vars[slot as usize] {
            return Ok(v.clone());
        }
        Ok(match name {
            "foreach" => self
                .loops
                .last()
                .map(|l| Value::Object(l.clone()))
                .unwrap_or(Value::Null),
            "velocityCount" => self
                .loops
                .last()
                .map(|l| Value::Int(l.index.get() as i64 + 1))
                .unwrap_or(Value::Null),
            _ => Value::Null,
        })
    }

    /// Evaluates a reference; the flag is true when the last call returned void.
    pub(super) fn eval_ref(&mut self, r: &'t Reference) -> Exec<(Value, bool)> {
        let mut value = self.root(&r.root, r.slot)?;
        let mut void = false;
        let last = r.segments.len().saturating_sub(1);
        for (i, seg) in r.segments.iter().enumerate() {
            if value.is_null() {
                void = false;
                break;
            }
            if T::ENABLED && i == last && matches!(seg, Segment::Method(..)) {
                // The receiver of the final call: `$groups` in `$groups.contains("Admin")`.
                if !matches!(value, Value::Static(_)) {
                    self.capture_operand(
                        Span::new(r.span.start as usize, seg.span().start as usize),
                        &value,
                    );
                }
            }
            // A map's property, the most common step, without the general call.
            if let (Segment::Property(name, _, hint), Value::Map(m)) = (seg, &value) {
                let v = map_get(&m.borrow(), name, hint);
                value = v;
                void = false;
                continue;
            }
            let (v, is_void) = self.segment(value, seg, r.span.start)?;
            value = v;
            void = is_void;
        }
        if T::ENABLED {
            self.capture_operand(r.span, &value);
        }
        Ok((value, void))
    }

    /// Records a value seen while a condition is evaluated (tracing only).
    pub(super) fn capture_operand(&mut self, span: Span, value: &Value) {
        if let Some(capture) = &mut self.capture {
            capture.push(Operand {
                span,
                text: self.template.source.slice(span).to_string(),
                value: value.snapshot(),
            });
        }
    }

    /// Applies one segment; `start` is where the whole reference begins (a `$util`
    /// call is located from the `$` to its closing parenthesis).
    pub(super) fn segment(
        &mut self,
        value: Value,
        seg: &'t Segment,
        start: u32,
    ) -> Exec<(Value, bool)> {
        match seg {
            Segment::Property(name, span, hint) => {
                Ok((self.property(&value, name, hint, *span)?, false))
            }
            Segment::Index(e, span) => {
                let index = from_end(&value, self.expr(e)?);
                Ok((ops::index(&value, &index).map_err(|e| e.at(*span))?, false))
            }
            Segment::Method(name, args, span, hint) => {
                // Arguments go on `self.args` above those of the calls around this one.
                let base = self.args.len();
                for a in args {
                    match self.expr(a) {
                        Ok(v) => self.args.push(v),
                        Err(e) => {
                            self.args.truncate(base);
                            return Err(e);
                        }
                    }
                }
                // Calls do not evaluate template code, so the buffer can be lent out.
                let buffer = std::mem::take(&mut self.args);
                let values = &buffer[base..];
                let result = if let Some(ns) = value.downcast_static::<util::Namespace>() {
                    let whole = Span {
                        start,
                        end: span.end,
                    };
                    self.util_call(ns, name, hint, values, whole)
                } else {
                    methods::call(&value, name, values, hint, &mut self.state)
                        .map_err(|e| Interrupt::Error(e.at(*span)))
                };
                self.args = buffer;
                self.args.truncate(base);
                let result = result?;
                self.check_budget(*span)?;
                if !matches!(value, Value::Static(_)) {
                    self.check_growth(&value, &result.0, *span)?;
                }
                Ok(result)
            }
        }
    }

    fn property(&mut self, value: &Value, name: &str, hint: &IndexHint, span: Span) -> Exec<Value> {
        Ok(match value {
            Value::Map(m) => map_get(&m.borrow(), name, hint),
            Value::Static(_) => {
                let Some(ns) = value.downcast_static::<util::Namespace>() else {
                    return Ok(methods::property(value, name, &mut self.state)?);
                };
                match ns.child(name) {
                    Some(child) => child.value(),
                    None if ns.function(name).is_some() => {
                        let signature = ns.function(name).map_or("", |f| f.signature);
                        return Err(Error::new(ErrorKind::NotCalled {
                            path: format!("{}{}.{name}", ns.root(), ns.display_path()),
                            signature: signature.to_string(),
                        })
                        .at(span)
                        .into());
                    }
                    None => return Err(unknown_function(ns, name, span)),
                }
            }
            Value::Object(_) => match value.downcast_object::<LoopInfo>() {
                Some(l) => l.property(name).unwrap_or(Value::Null),
                None => methods::property(value, name, &mut self.state)?,
            },
            other => methods::property(other, name, &mut self.state)?,
        })
    }

    fn util_call(
        &mut self,
        ns: &'static util::Namespace,
        name: &str,
        hint: &IndexHint,
        args: &[Value],
        span: Span,
    ) -> Exec<(Value, bool)> {
        let Some(builtin) = ns.function_hinted(name, hint) else {
            return Err(unknown_function(ns, name, span));
        };
        if !builtin.arity.accepts(args.len()) {
            return Err(wrong_arity(ns, name, builtin, args.len(), span));
        }
        let before = self.state.recorded();
        let mut call = Call {
            state: &mut self.state,
            span,
        };
        let result = (builtin.func)(&mut call, args);
        self.check_budget(span)?;
        if self.state.recorded() != before {
            self.count_recorded(before, span)?;
        }
        if let Ok(Value::Str(s)) = &result {
            if s.len() > self.limits.string_bytes {
                return Err(self.string_too_long(span));
            }
        }
        if T::ENABLED {
            let shown = match &result {
                Ok(v) => v.clone(),
                Err(_) => Value::Null,
            };
            self.tracer.event(Event::UtilCall {
                span,
                path: format!("{}{}.{name}", ns.root(), ns.display_path()),
                args: args.iter().map(Value::snapshot).collect(),
                result: shown.snapshot(),
            });
        }
        match result {
            Ok(v) => Ok((v, builtin.void)),
            Err(util::UtilError::Raise(e)) => {
                if T::ENABLED {
                    self.tracer.event(Event::Raise {
                        span,
                        error: e.clone(),
                    });
                }
                Err(Interrupt::Raise(Box::new(e)))
            }
            Err(util::UtilError::Invalid(message)) => Err(Error::invalid(format!(
                "`$util{}.{name}`: {message}",
                ns.display_path()
            ))
            .at(span)
            .into()),
        }
    }
}
