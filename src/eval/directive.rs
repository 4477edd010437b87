//! The directives: blocks and nodes, `#set`, `#if`, `#foreach`, `#break`,
//! `#stop`, `#return`, macro calls, and rendering values into the output.

use std::cell::Cell;
use std::rc::Rc;

use super::{
    Arg, DefinedBlock, Evaluator, Event, Exec, Interrupt, LoopInfo, MacroFrame, NoTrace, Tracer,
};
use crate::error::{Error, ErrorKind};
use crate::parse::ast::*;
use crate::source::Span;
use crate::value::{budget, Value};

impl<'t, T: Tracer> Evaluator<'t, T> {
    pub(super) fn block(&mut self, block: &'t [Node]) -> Exec<()> {
        self.deeper(|this| {
            let mut at = None;
            for node in block {
                at = node.span().or(at);
                if let Err(e) = this.node(node) {
                    // An error without a position (the output outgrew its limit while
                    // text was written) is located at the nearest node before it.
                    return Err(match (e, at) {
                        (Interrupt::Error(e), Some(span)) => Interrupt::Error(e.at(span)),
                        (other, _) => other,
                    });
                }
            }
            Ok(())
        })
    }

    fn node(&mut self, node: &'t Node) -> Exec<()> {
        match node {
            Node::Text(t) => self.write(t),
            Node::Ref(r) => self.render_ref(r),
            Node::EscapedRef {
                backslashes,
                reference,
            } => self.render_escaped(*backslashes, reference),
            Node::Set(set) => self.set(set),
            Node::If(node) => self.if_node(node),
            Node::Foreach(node) => self.foreach(node),
            Node::Break { target, span } => {
                let target = match target {
                    Some(r) => self
                        .eval_ref(r)?
                        .0
                        .downcast_object::<LoopInfo>()
                        .map(|l| l.id),
                    None => None,
                };
                if T::ENABLED {
                    self.tracer.event(Event::Break { span: *span });
                }
                Err(Interrupt::Break(target))
            }
            Node::Stop(span) => {
                if T::ENABLED {
                    self.tracer.event(Event::Stop { span: *span });
                }
                Err(Interrupt::Stop)
            }
            Node::Return { value, span } => {
                let v = match value {
                    Some(e) => self.expr(e)?,
                    None => Value::Null,
                };
                if T::ENABLED {
                    self.tracer.event(Event::Return {
                        span: *span,
                        value: v.clone(),
                    });
                }
                Err(Interrupt::Return(v))
            }
            Node::MacroCall(call) => self.macro_call(call),
            Node::Define { slot, body, .. } => {
                let block = Value::Object(Rc::new(DefinedBlock {
                    body: body.clone(),
                    depth: Cell::new(0),
                }));
                self.assign(*slot, block);
                Ok(())
            }
        }
    }

    fn render_value(&mut self, value: &Value, span: Span) -> Exec<()> {
        match value {
            Value::Str(s) => self.write(s),
            other => {
                if let Some(block) = other.downcast_object::<DefinedBlock>() {
                    if block.depth.get() >= DEFINE_DEPTH {
                        // Velocity 1.7 (`directive.define.max_depth`): a block
                        // rendered inside itself this deep prints the reference as written.
                        if !std::mem::replace(&mut self.body_depth_logged, true) {
                            self.warn(format!(
                            "a #define block printed at {} is rendered inside itself more than {} \
                             levels deep: printed as written (Velocity 1.7's directive.define.max_depth)",
                            self.template.source.line_col(span.start as usize),
                            DEFINE_DEPTH
                        ));
                        }
                        let text = self.src(span);
                        if text.starts_with("$!") {
                            return Ok(());
                        }
                        return self.write(text);
                    }
                    block.depth.set(block.depth.get() + 1);
                    let result = self.render_owned_block(&block.body, span);
                    block.depth.set(block.depth.get() - 1);
                    return result;
                }
                let mut s = String::new();
                other.write_java(&mut s, 0);
                self.check_budget(span)?;
                self.write(&s)
            }
        }
    }

    /// Renders nodes that do not borrow from the template (a `#define` body).
    fn render_owned_block(&mut self, body: &[Node], span: Span) -> Exec<()> {
        if self.block_depth + self.frames.len() >= self.limits.macro_depth {
            return Err(Error::limit(format!(
                "macros and #define blocks render each other more than {} levels deep \
                 (raise it with --max-macro-depth)",
                self.limits.macro_depth
            ))
            .at(span)
            .into());
        }
        self.check_time(span)?;
        // Safety of lifetimes: `#define` bodies are Arc-owned, so they are cloned
        // into a short-lived evaluator that shares this one's state.
        let template = Template {
            source: self.template.source.clone(),
            body: body.to_vec(),
            macros: self.template.macros.clone(),
            names: self.template.names.clone(),
            string_literals: self.template.string_literals,
        };
        let vars = std::mem::take(&mut self.vars);
        let state = std::mem::take(&mut self.state);
        let mut inner = Evaluator::new(
            &template,
            vars,
            state,
            self.limits.clone(),
            NoTrace,
            self.deadline,
        );
        inner.loops = self.loops.clone();
        inner.iterations = self.iterations;
        // The block sees the macro parameters around it (Velocity renders it in
        // the macro's context); they are lent, as the limit counts them here.
        inner.frames = self.frames[..self.frame]
            .iter()
            .map(|f| MacroFrame {
                params: f.params.clone(),
                literals: f.literals.clone(),
                body: f.body,
                body_depth: f.body_depth,
            })
            .collect();
        inner.frame = self.frame;
        inner.body_depth_logged = self.body_depth_logged;
        inner.block_depth = self.block_depth + self.frames.len() + 1 - inner.frames.len();
        inner.depth = self.depth;
        inner.recorded = self.recorded;
        let result = inner.block(&template.body);
        self.iterations = inner.iterations;
        self.recorded = inner.recorded;
        self.body_depth_logged = inner.body_depth_logged;
        let out = std::mem::take(&mut inner.out);
        self.vars = std::mem::take(&mut inner.vars);
        self.state = std::mem::take(&mut inner.state);
        self.write(&out)?;
        result
    }

    fn render_ref(&mut self, r: &'t Reference) -> Exec<()> {
        if self.frame > 0 && r.segments.is_empty() && &*r.root == "bodyContent" {
            if let Some(rendered) = self.body_content(r) {
                return rendered;
            }
        }
        let (value, void) = self.eval_ref(r)?;
        if void {
            return Ok(());
        }
        match value {
            Value::Null => {
                if r.quiet {
                    Ok(())
                } else {
                    let text = self.printed_null(r);
                    self.write(text)
                }
            }
            v => self.render_value(&v, r.span),
        }
    }

    /// What a null reference prints: its text, or inside a macro, for `$param`
    /// written just so, the argument as the call wrote it (Velocity 1.7's
    /// `.literal.$param`: `#m($undef)` prints `$undef` where the macro prints `$param`).
    fn printed_null(&self, r: &Reference) -> &'t str {
        let text = self.src(r.span);
        if self.frame == 0 || !r.segments.is_empty() || text.len() != r.root.len() + 1 {
            return text;
        }
        let literal = self.frames[..self.frame].iter().rev().find_map(|f| {
            f.params.contains_key(&*r.root).then(|| {
                f.literals
                    .iter()
                    .find(|(name, _)| **name == *r.root)
                    .map(|(_, span)| *span)
            })
        });
        match literal {
            Some(Some(span)) => self.src(span),
            _ => text,
        }
    }

    fn render_escaped(&mut self, backslashes: u32, r: &'t Reference) -> Exec<()> {
        let defined = !self.eval_ref(r)?.0.is_null();
        let text = self.printed_null(r);
        if !defined {
            if r.quiet && backslashes.is_multiple_of(2) {
                // An even run escapes nothing: `$!b` prints nothing after the
                // backslashes, which Velocity 1.7 writes in full (`\\\\$!b` → `\\\\`).
                let s = "\\".repeat(backslashes as usize);
                return self.write(&s);
            }
            // Velocity 1.7 keeps every backslash of an even run, and half the
            // run plus the escaping one of an odd run: `\\\$b` prints `\\$b`.
            let kept = if backslashes % 2 == 1 {
                backslashes / 2 + 1
            } else {
                backslashes
            };
            let mut s = "\\".repeat(kept as usize);
            s.push_str(text);
            return self.write(&s);
        }
        let half = "\\".repeat(backslashes as usize / 2);
        self.write(&half)?;
        if backslashes % 2 == 1 {
            self.write(text)
        } else {
            self.render_ref(r)
        }
    }

    fn set(&mut self, set: &'t Set) -> Exec<()> {
        let value = self.expr(&set.value)?;
        let target = &set.target;
        if value.is_null() {
            // Velocity 1.7: assigning null leaves the target unchanged.
            if T::ENABLED {
                self.tracer.event(Event::Set {
                    span: set.span,
                    target: self.src(target.span).to_string(),
                    value: Value::Null,
                    applied: false,
                });
            }
            return Ok(());
        }
        if T::ENABLED {
            self.tracer.event(Event::Set {
                span: set.span,
                target: self.src(target.span).to_string(),
                value: value.snapshot(),
                applied: true,
            });
            self.check_budget(set.span)?;
        }
        let Some((last, init)) = target.segments.split_last() else {
            // Velocity 1.7: `#set` of a macro parameter unbinds it in every macro
            // around and sets the template's variable (macro contexts are not local).
            for frame in &mut self.frames[..self.frame] {
                frame.params.remove(&*target.root);
            }
            self.assign(target.slot, value);
            return Ok(());
        };
        let mut parent = self.root(&target.root, target.slot)?;
        for seg in init {
            if parent.is_null() {
                return Ok(());
            }
            parent = self.segment(parent, seg, target.span.start)?.0;
        }
        crate::value::note_link(&parent, &value);
        match (&parent, last) {
            (Value::Map(m), Segment::Property(name, ..)) => {
                let mut m = m.borrow_mut();
                match m.get_mut(name) {
                    Some(slot) => *slot = value,
                    None => {
                        m.insert(Rc::from(&**name), value);
                    }
                }
            }
            (Value::Map(m), Segment::Index(e, _)) => {
                let key = self.expr(e)?.to_key();
                m.borrow_mut().insert(key, value);
            }
            (Value::List(l), Segment::Index(e, span)) => {
                let i = super::reference::from_end(&parent, self.expr(e)?);
                let mut l = l.borrow_mut();
                match i {
                    Value::Int(i) if i >= 0 && (i as usize) < l.len() => l[i as usize] = value,
                    other => {
                        return Err(Error::invalid(format!(
                            "index {} is out of bounds for a list of {} element(s)",
                            other.to_java_string(),
                            l.len()
                        ))
                        .at(*span)
                        .into())
                    }
                }
            }
            // Velocity ignores assignments it cannot make.
            _ => {}
        }
        Ok(())
    }

    /// Sets a variable.
    fn assign(&mut self, slot: Slot, value: Value) {
        self.vars[slot as usize] = Some(value);
    }

    fn if_node(&mut self, node: &'t If) -> Exec<()> {
        for (i, branch) in node.branches.iter().enumerate() {
            let holds = if T::ENABLED {
                self.capture = Some(Vec::new());
                let holds = self
                    .condition(&branch.condition)
                    .and_then(|h| self.check_budget(branch.span).map(|()| h));
                let operands = self.capture.take().unwrap_or_default();
                let holds = holds?;
                self.tracer.event(Event::Condition {
                    span: branch.span,
                    condition: self.src(branch.condition.span()).to_string(),
                    elseif: i > 0,
                    holds,
                    operands,
                });
                holds
            } else {
                let holds = self.condition(&branch.condition)?;
                self.check_budget(branch.span)?;
                holds
            };
            if holds {
                return self.block(&branch.body);
            }
        }
        if let Some(otherwise) = &node.otherwise {
            if T::ENABLED {
                self.tracer.event(Event::Else {
                    span: node.else_span.unwrap_or_default(),
                });
            }
            return self.block(otherwise);
        }
        Ok(())
    }

    fn foreach(&mut self, node: &'t Foreach) -> Exec<()> {
        let iterable = self.expr(&node.iterable)?;
        // A list is walked in place, over the elements it had when the loop
        // began; a map's values are collected first.
        let (list, items) = match &iterable {
            Value::List(l) => (Some(l.clone()), Vec::new()),
            Value::Map(m) => (None, m.borrow().values().cloned().collect()),
            _ => (None, Vec::new()),
        };
        let count = list.as_ref().map_or(items.len(), |l| l.borrow().len());
        if T::ENABLED {
            self.tracer.event(Event::LoopStart {
                span: node.span,
                var: node.var.to_string(),
                iterable: self.src(node.iterable.span()).to_string(),
                items: count,
            });
        }
        let var = node.slot as usize;
        let saved = self.vars[var].take();
        let info = Rc::new(LoopInfo {
            index: Cell::new(0),
            has_next: Cell::new(count > 0),
            parent: self.loops.last().cloned(),
            id: self.next_loop_id,
        });
        self.next_loop_id += 1;
        self.loops.push(info.clone());
        let mut result = Ok(());
        for i in 0..count {
            let item = match &list {
                Some(l) => match l.borrow().get(i) {
                    Some(v) => v.clone(),
                    // The body removed elements: the loop ends with the list.
                    None => break,
                },
                None => match items.get(i) {
                    Some(v) => v.clone(),
                    None => break,
                },
            };
            if i >= self.limits.loop_iterations {
                self.warn(format!(
                    "#foreach at {} stopped after {} iterations (AppSync's per-loop limit; \
                     raise it with --max-loop-iterations)",
                    self.template.source.line_col(node.span.start as usize),
                    self.limits.loop_iterations
                ));
                break;
            }
            self.iterations += 1;
            // A pass is work too: the meter also looks at the clock as it counts.
            if !budget::charge(1) {
                result = self.check_budget(node.span);
                break;
            }
            if self.iterations > self.limits.total_iterations {
                result = Err(Error::limit(format!(
                    "more than {} loop iterations in one render (raise it with --max-total-iterations)",
                    self.limits.total_iterations
                ))
                .at(node.span)
                .into());
                break;
            }
            // Reading the clock costs more than a pass of a small loop: look every 64 passes.
            if self.iterations.is_multiple_of(64) {
                if let Err(e) = self.check_time(node.span) {
                    result = Err(e);
                    break;
                }
            }
            info.index.set(i);
            info.has_next.set(i + 1 < count);
            if T::ENABLED {
                self.tracer.event(Event::LoopPass {
                    span: node.span,
                    var: node.var.to_string(),
                    index: i,
                    count,
                    value: item.snapshot(),
                });
            }
            self.vars[var] = Some(item);
            match self.block(&node.body) {
                Ok(()) => {}
                Err(Interrupt::Break(None)) => break,
                Err(Interrupt::Break(Some(id))) if id == info.id => break,
                Err(other) => {
                    result = Err(other);
                    break;
                }
            }
        }
        self.loops.pop();
        self.vars[var] = saved;
        if T::ENABLED {
            self.tracer.event(Event::LoopEnd { span: node.span });
        }
        result
    }

    fn macro_call(&mut self, call: &'t MacroCall) -> Exec<()> {
        let template: &'t Template = self.template;
        let Some(mac) = template.macros.iter().find(|m| *m.name == *call.name) else {
            if matches!(&*call.name, "include" | "parse" | "evaluate") {
                return Err(Error::new(ErrorKind::Unsupported {
                    message: format!("AppSync does not support `#{}`", call.name),
                })
                .at(call.span)
                .into());
            }
            // Velocity 1.7 prints an unknown call as written, with the line break
            // its head (or the `#end` of a block call) ate; a body is not rendered.
            let text = self.src(call.text);
            return self.write(text);
        };
        if self.block_depth + self.frames.len() >= self.limits.macro_depth {
            return Err(Error::limit(format!(
                "macros call each other more than {} levels deep (raise it with --max-macro-depth)",
                self.limits.macro_depth
            ))
            .at(call.span)
            .into());
        }
        self.check_time(call.span)?;
        let caller = self.frame;
        let params = mac
            .params
            .iter()
            .zip(call.args.iter())
            .map(|(name, arg)| (&**name, Arg::Expr(arg, caller)))
            .collect();
        let literals = mac
            .params
            .iter()
            .zip(call.args.iter())
            .map(|(name, arg)| (&**name, arg.span()))
            .collect();
        self.frames.push(MacroFrame {
            params,
            literals,
            body: call.body.as_ref(),
            body_depth: 0,
        });
        let saved_frame = self.frame;
        self.frame = self.frames.len();
        let result = self.block(&mac.body);
        self.frame = saved_frame;
        self.frames.pop();
        result
    }

    /// `$bodyContent` in a macro: the body of the nearest block call around it,
    /// rendered here (in the macro's frame, as Velocity renders it in the macro's
    /// context). `None` when no block call is around.
    fn body_content(&mut self, r: &'t Reference) -> Option<Exec<()>> {
        let k = self.frames[..self.frame]
            .iter()
            .rposition(|f| f.body.is_some())?;
        let frame = &mut self.frames[k];
        let body = frame.body?;
        if frame.body_depth >= BODY_CONTENT_DEPTH {
            // Velocity 1.7 (`velocimacro.max.depth`): the body rendered inside
            // itself this deep prints the reference as written.
            if !std::mem::replace(&mut self.body_depth_logged, true) {
                self.warn(format!(
                    "$bodyContent at {} is rendered inside itself more than {} levels deep: \
                 printed as written (Velocity 1.7's velocimacro.max.depth)",
                    self.template.source.line_col(r.span.start as usize),
                    BODY_CONTENT_DEPTH
                ));
            }
            return Some(if r.quiet {
                Ok(())
            } else {
                let text = self.src(r.span);
                self.write(text)
            });
        }
        frame.body_depth += 1;
        let result = self.check_time(r.span).and_then(|()| self.block(&body[..]));
        self.frames[k].body_depth -= 1;
        Some(result)
    }
}

/// How many times a `#define` block may be rendered inside itself before the
/// reference prints as written: Velocity 1.7's `directive.define.max_depth` default.
const DEFINE_DEPTH: usize = 2;

/// How many times a block call's body may be rendered inside itself (through
/// `$bodyContent` in the body) before the reference prints as written: Velocity
/// 1.7's `velocimacro.max.depth` default.
const BODY_CONTENT_DEPTH: usize = 20;
