//! `vtl explain`: why a variable ended with its value.
//!
//! The analysis joins two things: the syntax tree, which says where each
//! `#set($watched = …)` is and which `#if`/`#foreach` blocks enclose it
//! (`guards.rs`), and the evaluation events ([`crate::Event`]), which say which
//! of those ran and what every condition's operands were. An assignment that
//! never ran is blamed on its innermost enclosing condition that was false
//! (or the loop that had no items, or the `#break`/`$util.error` that left first).
//!
//! ```
//! use appsync_vtl::{Engine, identity::Caller, explain::explain};
//! let engine = Engine::new();
//! let t = engine.parse("auth.vtl", "#set($ok = false)\n#if($util.authType() == \"User Pool Authorization\")\n#set($ok = true)\n#end").unwrap();
//! let traced = engine.trace(&t, &Caller::preset("api-key").unwrap().context());
//! let why = explain(&t, &traced, &["ok".to_string()]);
//! assert!(why.watches[0].answer.contains("\"API Key Authorization\""));
//! ```

mod guards;
mod matrix;
mod stream;
mod text;
mod why;

use serde::Serialize;
use serde_json::Value as Json;

use crate::context::RequestContext;
use crate::engine::{Engine, Traced};
use crate::eval::{Event, Operand};
use crate::parse::ast::Template;
use crate::source::{LineCol, Source, Span};
use crate::value::{to_json, Value};
use guards::{Guard, Site};
pub use matrix::{matrix, Matrix, MatrixRow};
pub use stream::{event_json, event_line};
pub(crate) use why::show;

/// Everything `vtl explain` says about one render.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The template's name.
    pub template: String,
    /// How the render ended.
    pub outcome: OutcomeSummary,
    /// One entry per `--watch`.
    pub watches: Vec<Watch>,
}

/// How a render ended, in one line.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeSummary {
    /// `rendered`, `returned`, `unauthorized`, `error` or `engine-error`.
    pub kind: &'static str,
    /// The error message, or the (shortened) output.
    pub message: String,
    /// Where the error was raised, when known.
    pub at: Option<LineCol>,
    /// For an error: the blocks around the call that raised it, outermost
    /// first, with their conditions' values (the conditions that decided it).
    pub because: Vec<GuardState>,
}

/// The story of one watched variable.
#[derive(Debug, Clone, Serialize)]
pub struct Watch {
    /// The variable, without `$`.
    pub name: String,
    /// Its value when the render ended (`None`: never defined).
    pub final_value: Option<Json>,
    /// Assignments that ran, in order.
    pub assignments: Vec<Assignment>,
    /// `#set`s of the variable that never ran, with the reason.
    pub skipped: Vec<Skipped>,
    /// The loops that enclose an assignment, pass by pass.
    pub loops: Vec<LoopSummary>,
    /// A short answer in plain words.
    pub answer: String,
}

/// An assignment that ran.
#[derive(Debug, Clone, Serialize)]
pub struct Assignment {
    /// Where the `#set` is.
    pub at: LineCol,
    /// The target as written.
    pub target: String,
    /// The value assigned.
    pub value: Json,
    /// False when the value was null and Velocity left the variable unchanged.
    pub applied: bool,
    /// The enclosing blocks at that moment, outermost first.
    pub guards: Vec<GuardState>,
}

/// An enclosing `#if`/`#elseif`/`#else`/`#foreach` and how it went.
#[derive(Debug, Clone, Serialize)]
pub struct GuardState {
    /// Where its head is.
    pub at: LineCol,
    /// `#if`, `#elseif`, `#else` or `#foreach`.
    pub directive: &'static str,
    /// The condition (or `$x in $list`) as written.
    pub text: String,
    /// Whether it held (`None`: never evaluated; loops: whether a pass ran).
    pub holds: Option<bool>,
    /// The values of the references and calls in it.
    pub operands: Vec<OperandValue>,
    /// For loops: `pass/count`.
    pub pass: Option<String>,
}

/// A reference or call and its value.
#[derive(Debug, Clone, Serialize)]
pub struct OperandValue {
    /// As written.
    pub text: String,
    /// Its value.
    pub value: Json,
}

/// An assignment that never ran.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// Where the `#set` is.
    pub at: LineCol,
    /// The directive as written.
    pub text: String,
    /// Why it did not run, in words.
    pub reason: String,
    /// The block that decided it, when one did.
    pub decider: Option<GuardState>,
}

/// A loop around an assignment, one line per pass.
#[derive(Debug, Clone, Serialize)]
pub struct LoopSummary {
    /// Where the `#foreach` is.
    pub at: LineCol,
    /// The head as written.
    pub head: String,
    /// Whether the loop was reached at all.
    pub reached: bool,
    /// What happened in each pass.
    pub passes: Vec<String>,
}

impl Engine {
    /// Renders `template` traced and explains each watched variable (`isAuthorized`
    /// or `$isAuthorized`): its assignments, the conditions that guarded them with
    /// their operands' values, and the ones that never ran and why.
    ///
    /// ```
    /// use appsync_vtl::{Engine, RequestContext};
    /// let engine = Engine::new();
    /// let t = engine.parse("auth.vtl", "#set($ok = false)\n#if($ctx.identity)#set($ok = true)#end").unwrap();
    /// let why = engine.explain(&t, &RequestContext::new(), &["ok".to_string()]);
    /// assert_eq!(why.watches[0].final_value, Some(serde_json::json!(false)));
    /// assert_eq!(why.watches[0].skipped.len(), 1);
    /// ```
    pub fn explain(
        &self,
        template: &Template,
        ctx: &RequestContext,
        watch: &[String],
    ) -> Explanation {
        explain(template, &self.trace(template, ctx), watch)
    }
}

/// Explains one traced render for each watched variable.
pub fn explain(template: &Template, traced: &Traced, watch: &[String]) -> Explanation {
    let src: &Source = &template.source;
    let events = &traced.events;
    let watches = watch
        .iter()
        .map(|raw| {
            let name = raw.trim_start_matches('$').trim_start_matches('!');
            let name = name.trim_start_matches('{').trim_end_matches('}');
            let a = Analysis {
                template,
                src,
                events,
                sites: guards::sites(template, name),
            };
            a.watch(name, traced.variables.get(name))
        })
        .collect();
    let mut outcome = summarize(src, traced);
    let raised = events.iter().enumerate().rev().find_map(|(i, e)| match e {
        Event::Raise { span, .. } => Some((i, *span)),
        _ => None,
    });
    if let Some((i, span)) = raised {
        let a = Analysis {
            template,
            src,
            events,
            sites: Vec::new(),
        };
        outcome.because = guards::around(template, span)
            .into_iter()
            .map(|g| a.guard_state(g, i))
            .collect();
    }
    Explanation {
        template: src.name().to_string(),
        outcome,
        watches,
    }
}

/// How a render ended, in one line.
pub fn summarize(src: &Source, traced: &Traced) -> OutcomeSummary {
    let raised_at = traced.events.iter().rev().find_map(|e| match e {
        Event::Raise { span, .. } => Some(src.line_col(span.start as usize)),
        _ => None,
    });
    match &traced.result {
        Err(e) => OutcomeSummary {
            kind: "engine-error",
            message: e.message(),
            at: e.line_col(),
            because: Vec::new(),
        },
        Ok(o) => match (&o.raised, &o.returned) {
            (Some(e), _) => OutcomeSummary {
                kind: if o.is_unauthorized() {
                    "unauthorized"
                } else {
                    "error"
                },
                message: match &e.error_type {
                    Some(t) if t != "Unauthorized" => format!("{} ({t})", e.message),
                    _ => e.message.clone(),
                },
                at: raised_at,
                because: Vec::new(),
            },
            (None, Some(v)) => OutcomeSummary {
                kind: "returned",
                message: show(v),
                at: traced.events.iter().rev().find_map(|e| match e {
                    Event::Return { span, .. } => Some(src.line_col(span.start as usize)),
                    _ => None,
                }),
                because: Vec::new(),
            },
            (None, None) => OutcomeSummary {
                kind: "rendered",
                message: why::shorten(o.output.trim(), 200),
                at: None,
                because: Vec::new(),
            },
        },
    }
}

struct Analysis<'a, 't> {
    template: &'t Template,
    src: &'a Source,
    events: &'a [Event],
    sites: Vec<Site<'t>>,
}

fn operand_values(ops: &[Operand], skip: Span) -> Vec<OperandValue> {
    let mut out: Vec<OperandValue> = Vec::new();
    for o in ops {
        let literal = o.text.starts_with(['"', '\'']) || o.text.parse::<f64>().is_ok();
        if o.span == skip || literal || matches!(o.value, Value::Static(_)) {
            continue;
        }
        if out.iter().any(|v| v.text == o.text) {
            continue;
        }
        out.push(OperandValue {
            text: o.text.clone(),
            value: to_json(&o.value),
        });
    }
    out
}

impl<'t> Analysis<'_, 't> {
    fn at(&self, span: Span) -> LineCol {
        self.src.line_col(span.start as usize)
    }

    fn text(&self, span: Span) -> String {
        self.src.slice(span).to_string()
    }

    /// Condition events of one branch head, with their positions in the stream.
    fn conditions(&self, head: Span) -> Vec<(usize, bool, &'_ [Operand])> {
        self.events
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match e {
                Event::Condition {
                    span,
                    holds,
                    operands,
                    ..
                } if *span == head => Some((i, *holds, operands.as_slice())),
                _ => None,
            })
            .collect()
    }

    fn branch_state(
        &self,
        node: &crate::parse::ast::If,
        index: usize,
        before: usize,
    ) -> GuardState {
        let branch = &node.branches[index];
        let last = self
            .conditions(branch.span)
            .into_iter()
            .rev()
            .find(|(i, _, _)| *i < before);
        GuardState {
            at: self.at(branch.span),
            directive: if index == 0 { "#if" } else { "#elseif" },
            text: self.text(branch.condition.span()),
            holds: last.map(|(_, h, _)| h),
            operands: last
                .map(|(_, _, ops)| operand_values(ops, branch.condition.span()))
                .unwrap_or_default(),
            pass: None,
        }
    }

    fn loop_state(&self, f: &crate::parse::ast::Foreach, before: usize) -> GuardState {
        let pass = self.events[..before.min(self.events.len())]
            .iter()
            .rev()
            .find_map(|e| match e {
                Event::LoopPass {
                    span,
                    index,
                    count,
                    value,
                    ..
                } if *span == f.span => Some((*index, *count, value)),
                _ => None,
            });
        GuardState {
            at: self.at(f.span),
            directive: "#foreach",
            text: format!("${} in {}", f.var, self.text(f.iterable.span())),
            holds: Some(pass.is_some()),
            operands: pass
                .map(|(_, _, v)| {
                    vec![OperandValue {
                        text: format!("${}", f.var),
                        value: to_json(v),
                    }]
                })
                .unwrap_or_default(),
            pass: pass.map(|(i, n, _)| format!("{}/{n}", i + 1)),
        }
    }

    fn guard_state(&self, g: Guard<'t>, before: usize) -> GuardState {
        match g {
            Guard::Branch { node, index } => self.branch_state(node, index, before),
            Guard::Else(node) => GuardState {
                at: self.at(node.else_span.unwrap_or_default()),
                directive: "#else",
                text: format!(
                    "no condition of the #if at line {} held",
                    self.at(node.branches[0].span).line
                ),
                holds: Some(true),
                operands: Vec::new(),
                pass: None,
            },
            Guard::Loop(f) => self.loop_state(f, before),
        }
    }

    fn watch(&self, name: &str, final_value: Option<&Value>) -> Watch {
        let mut assignments = Vec::new();
        let mut skipped = Vec::new();
        for site in &self.sites {
            let ran: Vec<(usize, &Value, bool)> = self
                .events
                .iter()
                .enumerate()
                .filter_map(|(i, e)| match e {
                    Event::Set {
                        span,
                        value,
                        applied,
                        ..
                    } if *span == site.set.span => Some((i, value, *applied)),
                    _ => None,
                })
                .collect();
            if ran.is_empty() {
                let (reason, decider) = self.why_skipped(site);
                skipped.push(Skipped {
                    at: self.at(site.set.span),
                    text: self.text(site.set.span).trim().to_string(),
                    reason,
                    decider,
                });
            }
            for (i, value, applied) in ran {
                assignments.push((
                    i,
                    Assignment {
                        at: self.at(site.set.span),
                        target: self.text(site.set.target.span),
                        value: to_json(value),
                        applied,
                        guards: site
                            .guards
                            .iter()
                            .map(|g| self.guard_state(*g, i))
                            .collect(),
                    },
                ));
            }
        }
        assignments.sort_by_key(|(i, _)| *i);
        let assignments: Vec<Assignment> = assignments.into_iter().map(|(_, a)| a).collect();
        let loops = self.loops();
        let answer = self.answer(name, final_value, &assignments, &skipped);
        Watch {
            name: name.to_string(),
            final_value: final_value.map(to_json),
            assignments,
            skipped,
            loops,
            answer,
        }
    }

    /// Why a `#set` never ran: the first enclosing block, from the outside in,
    /// that was not entered.
    fn why_skipped(&self, site: &Site<'t>) -> (String, Option<GuardState>) {
        let end = self.events.len();
        for (depth, g) in site.guards.iter().enumerate() {
            match *g {
                Guard::Branch { node, index } => {
                    let branch = &node.branches[index];
                    let evs = self.conditions(branch.span);
                    if evs.is_empty() {
                        for j in 0..index {
                            let earlier = &node.branches[j];
                            if self.conditions(earlier.span).iter().any(|(_, h, _)| *h) {
                                let state = self.branch_state(node, j, end);
                                let reason = format!(
                                    "it is in the `#elseif` at line {}, but the earlier `{}` at line {} held, so that branch ran instead",
                                    self.at(branch.span).line,
                                    state.directive,
                                    state.at.line
                                );
                                return (reason, Some(state));
                            }
                        }
                        return (self.not_reached(site, depth), None);
                    }
                    if evs.iter().all(|(_, h, _)| !h) {
                        let (_, _, ops) = evs[evs.len() - 1];
                        let state = self.branch_state(node, index, end);
                        let times = if evs.len() > 1 {
                            format!(" each of the {} times it was evaluated", evs.len())
                        } else {
                            String::new()
                        };
                        let reason = format!(
                            "it is inside `{}` at line {}, whose condition `{}` was false{times} because {}",
                            state.directive,
                            state.at.line,
                            state.text,
                            why::describe(&branch.condition, ops, self.src)
                        );
                        return (reason, Some(state));
                    }
                }
                Guard::Else(node) => {
                    for (j, b) in node.branches.iter().enumerate() {
                        let evs = self.conditions(b.span);
                        if let Some((_, _, ops)) = evs.iter().rev().find(|(_, h, _)| *h) {
                            let state = self.branch_state(node, j, end);
                            let reason = format!(
                                "it is in the `#else` of the `#if` at line {}, but `{}` at line {} held because {}",
                                self.at(node.branches[0].span).line,
                                state.text,
                                state.at.line,
                                why::describe(&b.condition, ops, self.src)
                            );
                            return (reason, Some(state));
                        }
                    }
                    if self.conditions(node.branches[0].span).is_empty() {
                        return (self.not_reached(site, depth), None);
                    }
                }
                Guard::Loop(f) => {
                    let started = self
                        .events
                        .iter()
                        .any(|e| matches!(e, Event::LoopStart { span, .. } if *span == f.span));
                    if !started {
                        return (self.not_reached(site, depth), None);
                    }
                    let passed = self
                        .events
                        .iter()
                        .any(|e| matches!(e, Event::LoopPass { span, .. } if *span == f.span));
                    if !passed {
                        let state = self.loop_state(f, end);
                        let reason = format!(
                            "it is inside `#foreach` at line {}, which made no pass: `{}` had no items",
                            state.at.line,
                            self.text(f.iterable.span())
                        );
                        return (reason, Some(state));
                    }
                }
            }
        }
        (self.not_reached(site, site.guards.len()), None)
    }

    /// The reason when every enclosing block up to `depth` was entered but the
    /// `#set` still did not run.
    fn not_reached(&self, site: &Site<'t>, depth: usize) -> String {
        let entered = if depth == 0 {
            "the template never reached it".to_string()
        } else {
            "every enclosing condition up to it held, but it was never reached".to_string()
        };
        let region_start = match depth.checked_sub(1).map(|d| site.guards[d]) {
            Some(Guard::Branch { node, index }) => node.branches[index].span.start,
            Some(Guard::Else(node)) => node.else_span.unwrap_or_default().start,
            Some(Guard::Loop(f)) => f.span.start,
            None => 0,
        };
        let set_at = site.set.span.start;
        for e in self.events.iter().rev() {
            let span = e.span();
            let what = match e {
                Event::Raise { error, .. } => format!(
                    "`{}` at line {} stopped the template first ({}){}",
                    self.text(span),
                    self.at(span).line,
                    error.message,
                    self.why_ran(span)
                ),
                Event::Return { .. } => {
                    format!(
                        "`#return` at line {} ended the template first",
                        self.at(span).line
                    )
                }
                Event::Stop { .. } => {
                    format!(
                        "`#stop` at line {} ended the template first",
                        self.at(span).line
                    )
                }
                Event::Break { .. } if span.start >= region_start && span.start < set_at => {
                    format!(
                        "`#break` at line {} left the loop first",
                        self.at(span).line
                    )
                }
                _ => continue,
            };
            return format!("{entered}: {what}");
        }
        entered
    }

    /// Why the node at `span` ran: the innermost `#if` branch around it that held,
    /// with its operands, as a clause to append (empty at the top level).
    fn why_ran(&self, span: Span) -> String {
        let guards = guards::around(self.template, span);
        for g in guards.iter().rev() {
            if let Guard::Branch { node, index } = g {
                let head = node.branches[*index].span;
                let Some((_, true, operands)) =
                    self.conditions(head).into_iter().rev().find(|c| c.1)
                else {
                    continue;
                };
                let condition = self.text(node.branches[*index].condition.span());
                let values: Vec<String> =
                    operand_values(operands, node.branches[*index].condition.span())
                        .iter()
                        .map(|o| format!("{} = {}", o.text, o.value))
                        .collect();
                let values = if values.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", values.join(", "))
                };
                return format!(
                    ", which ran because `{condition}` (line {}) held{values}",
                    self.at(head).line
                );
            }
        }
        String::new()
    }

    /// Pass-by-pass summaries of the loops around any assignment.
    fn loops(&self) -> Vec<LoopSummary> {
        let mut loops: Vec<&crate::parse::ast::Foreach> = Vec::new();
        for site in &self.sites {
            for g in &site.guards {
                if let Guard::Loop(f) = g {
                    if !loops.iter().any(|l| l.span == f.span) {
                        loops.push(f);
                    }
                }
            }
        }
        loops
            .into_iter()
            .map(|f| LoopSummary {
                at: self.at(f.span),
                head: self.text(f.span).trim().to_string(),
                reached: self
                    .events
                    .iter()
                    .any(|e| matches!(e, Event::LoopStart { span, .. } if *span == f.span)),
                passes: self.passes(f.span),
            })
            .collect()
    }

    fn passes(&self, head: Span) -> Vec<String> {
        let mut out = Vec::new();
        let mut current: Option<String> = None;
        let mut depth = 0usize;
        for e in self.events {
            match e {
                Event::LoopPass {
                    span,
                    var,
                    index,
                    count,
                    value,
                } if *span == head => {
                    out.extend(current.take());
                    current = Some(format!("${var} {}/{count} = {}:", index + 1, show(value)));
                    depth = 0;
                }
                Event::LoopEnd { span } if *span == head => {
                    out.extend(current.take());
                }
                _ => {
                    let Some(line) = &mut current else { continue };
                    match e {
                        Event::LoopStart { .. } => depth += 1,
                        Event::LoopEnd { .. } => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                    if depth > 0 {
                        continue;
                    }
                    let piece = match e {
                        Event::Set { target, value, .. } => format!("{target} = {}", show(value)),
                        Event::Condition {
                            condition, holds, ..
                        } => format!("`{condition}` → {holds}"),
                        Event::UtilCall {
                            path, args, result, ..
                        } if path != "$util.qr" && path != "$util.quiet" => {
                            let args: Vec<String> = args.iter().map(show).collect();
                            format!("{path}({}) → {}", args.join(", "), show(result))
                        }
                        Event::Break { .. } => "#break".into(),
                        Event::Raise { error, .. } => format!("raised {}", error.message),
                        _ => continue,
                    };
                    line.push_str(if line.ends_with(':') { " " } else { "; " });
                    line.push_str(&piece);
                }
            }
        }
        out.extend(current);
        out
    }

    fn answer(
        &self,
        name: &str,
        final_value: Option<&Value>,
        assignments: &[Assignment],
        skipped: &[Skipped],
    ) -> String {
        let mut s = match final_value {
            Some(v) => format!("${name} ended as {}", show(v)),
            None => format!("${name} was never set"),
        };
        let applied: Vec<&Assignment> = assignments.iter().filter(|a| a.applied).collect();
        match applied.as_slice() {
            [] if self.sites.is_empty() => s.push_str(": the template never assigns it"),
            [] => {}
            [only] => s.push_str(&format!(" (assigned once, at line {})", only.at.line)),
            [.., last] => s.push_str(&format!(
                " ({} assignments ran; the last at line {})",
                applied.len(),
                last.at.line
            )),
        }
        s.push('.');
        for a in assignments.iter().filter(|a| !a.applied) {
            s.push_str(&format!(
                " The assignment at line {} had a null value, so Velocity left ${name} unchanged.",
                a.at.line
            ));
        }
        // Assignments skipped for the same reason are told once.
        let mut told: Vec<(&str, &str, Vec<usize>)> = Vec::new();
        for k in skipped {
            match told
                .iter_mut()
                .find(|(t, r, _)| *t == k.text && *r == k.reason)
            {
                Some((_, _, lines)) => lines.push(k.at.line),
                None => told.push((&k.text, &k.reason, vec![k.at.line])),
            }
        }
        for (text, reason, lines) in told {
            let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
            let label = if lines.len() == 1 { "line" } else { "lines" };
            s.push_str(&format!(
                " `{text}` ({label} {}) never ran: {reason}.",
                lines.join(", ")
            ));
        }
        s
    }
}
