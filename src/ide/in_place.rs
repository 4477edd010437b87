//! Explain in place: the template rendered (traced) against a context, read
//! back onto the text: the value each `#set` left, the branches and loops that
//! did not run, and for each variable the `vtl explain` answer.

use std::collections::HashMap;

use super::navigate::definitions;
use super::Document;
use crate::engine::Engine;
use crate::eval::Event;
use crate::explain::explain;
use crate::parse::ast::{Block, Expr, Node};
use crate::source::{Source, Span};
use crate::value::to_json_string;
use crate::RequestContext;

/// The most variables explained per render (each answer walks the events).
const MOST_EXPLAINED: usize = 200;

/// The longest value shown in a hint.
const HINT_CHARS: usize = 48;

/// A label to show at a place in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// Where (byte offset; the end of a `#set`).
    pub offset: usize,
    /// What, e.g. `= true`.
    pub label: String,
    /// The whole value, when the label shortened it.
    pub tooltip: Option<String>,
}

/// A render of a document against a context, as places in the text.
#[derive(Debug, Clone)]
pub struct InPlace {
    context_name: String,
    /// The value each `#set` left (its last run), at the end of the directive.
    pub hints: Vec<Hint>,
    /// Branch and loop bodies that did not run.
    pub not_run: Vec<Span>,
    /// How the render ended, in one line.
    pub outcome: String,
    explanations: HashMap<String, String>,
}

impl InPlace {
    /// Renders `doc` (which must parse) against `ctx`, named `context_name`
    /// in messages (a file name).
    pub fn new(
        doc: &Document,
        engine: &Engine,
        ctx: &RequestContext,
        context_name: &str,
    ) -> Option<InPlace> {
        let template = doc.template()?;
        let traced = engine.trace(template, ctx);
        let events = &traced.events;
        // The last value of each `#set`, and how often it ran.
        let mut sets: Vec<(Span, String, usize, bool)> = Vec::new();
        for e in events {
            if let Event::Set {
                span,
                value,
                applied,
                ..
            } = e
            {
                let shown = to_json_string(value);
                match sets.iter_mut().find(|s| s.0 == *span) {
                    Some(s) => {
                        s.1 = shown;
                        s.2 += 1;
                        s.3 = *applied;
                    }
                    None => sets.push((*span, shown, 1, *applied)),
                }
            }
        }
        let hints = sets
            .into_iter()
            .map(|(span, shown, runs, applied)| {
                let short = shorten(&shown);
                let mut label = format!("= {short}");
                if !applied {
                    label = "= null (not assigned)".to_string();
                } else if runs > 1 {
                    label.push_str(&format!(" (last of {runs})"));
                }
                Hint {
                    offset: span.end as usize,
                    label,
                    tooltip: (short != shown).then_some(shown),
                }
            })
            .collect();
        let mut not_run = Vec::new();
        unreached(doc.source(), &template.body, events, &mut not_run);
        let mut names: Vec<String> = definitions(doc).into_iter().map(|(n, _)| n).collect();
        names.sort();
        names.dedup();
        names.truncate(MOST_EXPLAINED);
        let answer = explain(template, &traced, &names);
        let explanations = names
            .iter()
            .cloned()
            .zip(answer.watches.iter().map(|w| {
                crate::explain::Explanation {
                    template: answer.template.clone(),
                    outcome: answer.outcome.clone(),
                    watches: vec![w.clone()],
                }
                .to_text(false)
            }))
            .collect();
        let outcome = answer.outcome.line(crate::report::Palette::new(false));
        Some(InPlace {
            context_name: context_name.to_string(),
            hints,
            not_run,
            outcome,
            explanations,
        })
    }

    /// The context's name.
    pub fn context_name(&self) -> &str {
        &self.context_name
    }

    /// The `vtl explain --watch` answer for a variable set in the template.
    pub fn explain_variable(&self, name: &str) -> Option<&str> {
        self.explanations.get(name).map(String::as_str)
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= HINT_CHARS {
        return s.to_string();
    }
    let mut out: String = s.chars().take(HINT_CHARS - 1).collect();
    out.push('…');
    out
}

/// The furthest byte any node of `block` covers.
fn block_end(block: &Block) -> Option<u32> {
    block.iter().filter_map(node_end).max()
}

fn node_end(node: &Node) -> Option<u32> {
    let own = node.span().map(|s| s.end);
    let inner = match node {
        Node::If(n) => n
            .branches
            .iter()
            .filter_map(|b| block_end(&b.body))
            .chain(n.otherwise.as_ref().and_then(block_end))
            .chain(n.else_span.map(|s| s.end))
            .max(),
        Node::Foreach(f) => block_end(&f.body),
        Node::Define { body, .. } => block_end(body),
        Node::Set(set) => Some(expr_end(&set.value)),
        _ => None,
    };
    own.max(inner)
}

fn expr_end(e: &Expr) -> u32 {
    e.span().end
}

/// Where the `#end` closing a block whose content ends at `after` starts.
fn end_directive(src: &Source, after: u32) -> Option<u32> {
    let text = src.text();
    let from = (after as usize).min(text.len());
    let rest = &text[from..];
    let at = [rest.find("#end"), rest.find("#{end}")]
        .into_iter()
        .flatten()
        .min()?;
    Some((from + at) as u32)
}

/// Marks the bodies of branches and loops of `block` that did not run.
fn unreached(src: &Source, block: &Block, events: &[Event], out: &mut Vec<Span>) {
    for node in block {
        match node {
            Node::If(n) => {
                let reached = |span: Span| {
                    events
                        .iter()
                        .any(|e| matches!(e, Event::Condition { span: s, .. } if *s == span))
                };
                let held = |span: Span| {
                    events.iter().any(
                        |e| matches!(e, Event::Condition { span: s, holds: true, .. } if *s == span),
                    )
                };
                let Some(first) = n.branches.first() else {
                    continue;
                };
                if !reached(first.span) {
                    continue; // inside something that did not run: marked there
                }
                let content_end = node_end(node).unwrap_or(first.span.end);
                let close = end_directive(src, content_end).unwrap_or(content_end);
                for (i, b) in n.branches.iter().enumerate() {
                    let body_end = n
                        .branches
                        .get(i + 1)
                        .map(|next| next.span.start)
                        .or(n.else_span.map(|s| s.start))
                        .unwrap_or(close);
                    if held(b.span) {
                        unreached(src, &b.body, events, out);
                    } else if b.span.end < body_end {
                        out.push(Span {
                            start: b.span.end,
                            end: body_end,
                        });
                    }
                }
                if let (Some(else_span), Some(body)) = (n.else_span, &n.otherwise) {
                    let taken = events
                        .iter()
                        .any(|e| matches!(e, Event::Else { span } if *span == else_span));
                    if taken {
                        unreached(src, body, events, out);
                    } else if else_span.end < close {
                        out.push(Span {
                            start: else_span.end,
                            end: close,
                        });
                    }
                }
            }
            Node::Foreach(f) => {
                let started = events
                    .iter()
                    .any(|e| matches!(e, Event::LoopStart { span, .. } if *span == f.span));
                let passed = events
                    .iter()
                    .any(|e| matches!(e, Event::LoopPass { span, .. } if *span == f.span));
                if passed {
                    unreached(src, &f.body, events, out);
                } else if started {
                    let content_end = block_end(&f.body).unwrap_or(f.span.end);
                    let close = end_directive(src, content_end).unwrap_or(content_end);
                    if f.span.end < close {
                        out.push(Span {
                            start: f.span.end,
                            end: close,
                        });
                    }
                }
            }
            _ => {}
        }
    }
}
