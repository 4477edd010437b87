//! Hover: a `$util` function's signature and doc, a `$ctx` key's meaning, and
//! for a variable where it is set (and, with a context, why it ended so).

use super::complete::util_namespace;
use super::context_keys::{self, Key, CTX, IDENTITY};
use super::in_place::InPlace;
use super::navigate::{occurrences, What};
use super::scan::{role, word_at, Chain, WordRole};
use super::Document;
use crate::source::Span;
use crate::util;

/// What a hover shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    /// Markdown.
    pub markdown: String,
    /// The word it is about.
    pub span: Span,
}

impl Document {
    /// The hover at byte `offset`; `explained` is the template's render
    /// against a context, when the editor has one.
    pub fn hover(&self, offset: usize, explained: Option<&InPlace>) -> Option<Hover> {
        let text = self.text();
        let (start, end) = word_at(text, offset);
        if start == end {
            return None;
        }
        let word = &text[start..end];
        let span = Span::new(start, end);
        let markdown = match role(text, start) {
            WordRole::Root => self.variable_hover(word, explained)?,
            WordRole::Member(chain) => member_hover(&chain, word)?,
            WordRole::Directive => self.directive_hover(word)?,
            WordRole::Other => return None,
        };
        Some(Hover { markdown, span })
    }

    fn variable_hover(&self, name: &str, explained: Option<&InPlace>) -> Option<String> {
        if let Some(ns) = util::root_namespace(name) {
            return Some(format!(
                "`{}`: AppSync's utilities ({} functions here and in nested namespaces).",
                ns.root(),
                ns.walk().len()
            ));
        }
        if matches!(name, "ctx" | "context") {
            return Some(
                "`$ctx`: the request context (arguments, identity, source, result, stash, …)."
                    .to_string(),
            );
        }
        let sets: Vec<usize> = occurrences(self)
            .into_iter()
            .filter(|o| o.what == What::VarDef && o.name == name)
            .map(|o| self.source().line_col(o.span.start as usize).line)
            .collect();
        let mut md = format!("`${name}`");
        if sets.is_empty() {
            md.push_str(": never set in this template (undefined unless a macro argument).");
        } else {
            let lines: Vec<String> = sets.iter().map(|l| l.to_string()).collect();
            md.push_str(&format!(
                ": set on line{} {}.",
                if sets.len() == 1 { "" } else { "s" },
                lines.join(", ")
            ));
            if let Some(line) = sets.first() {
                let code = self.source().line_text(*line).trim();
                md.push_str(&format!("\n\n```vtl\n{code}\n```"));
            }
        }
        if let Some(why) = explained.and_then(|e| e.explain_variable(name)) {
            md.push_str(&format!(
                "\n\n**With {}:**\n\n```text\n{why}\n```",
                explained.map_or("the context", |e| e.context_name())
            ));
        }
        Some(md)
    }

    fn directive_hover(&self, word: &str) -> Option<String> {
        if self.macro_names().iter().any(|m| m == word) {
            return Some(format!("`#{word}`: a macro of this template."));
        }
        let doc = match word {
            "set" => "Assigns a variable or property. A null value leaves the target as it was.",
            "if" | "elseif" | "else" => "A conditional: only `false` and `null` are false.",
            "foreach" => "Loops over a list or a map's values; `$foreach.count`, `.index`, `.hasNext`. AppSync stops a loop after 1,000 passes.",
            "end" => "Closes `#if`, `#foreach`, `#macro` or `#define`.",
            "return" => "Ends the template with this value as its result.",
            "stop" => "Stops rendering.",
            "break" => "Leaves the loop.",
            "macro" => "Defines a macro.",
            "define" => "Binds a block to a variable.",
            _ => return None,
        };
        Some(format!("`#{word}`: {doc}"))
    }
}

fn member_hover(chain: &Chain, word: &str) -> Option<String> {
    if let Some(ns) = util_namespace(chain) {
        if let Some(f) = ns.function(word) {
            return Some(format!(
                "```vtl\n{}{}.{}\n```\n{}\n\n{}",
                ns.root(),
                ns.display_path(),
                f.signature,
                if f.void {
                    "Prints nothing (returns void)."
                } else {
                    ""
                },
                f.doc
            ));
        }
        if let Some(child) = ns.child(word) {
            return Some(format!(
                "`{}{}`: {} functions.",
                child.root(),
                child.display_path(),
                child.functions.len()
            ));
        }
        return None;
    }
    if !matches!(chain.root.as_str(), "ctx" | "context") {
        return None;
    }
    let segs: Vec<&str> = chain.segments.iter().map(String::as_str).collect();
    if segs == ["identity"] {
        let f = IDENTITY.iter().find(|f| f.name == word)?;
        return Some(format!(
            "`$ctx.identity.{}`: {}\n\nFilled in for: {}.",
            f.name, f.doc, f.modes
        ));
    }
    let keys: &[Key] = match segs.as_slice() {
        [] => CTX,
        ["request"] => context_keys::REQUEST,
        ["info"] => context_keys::INFO,
        ["error"] => context_keys::ERROR,
        ["prev"] => context_keys::PREV,
        _ => return None,
    };
    let k = keys.iter().find(|k| k.name == word)?;
    let path: String = segs.iter().map(|s| format!(".{s}")).collect();
    Some(format!("`$ctx{path}.{}`: {}", k.name, k.doc))
}
