//! Completion: `$util` namespaces and functions (from the dispatch table),
//! `$ctx` keys and identity fields, the variables and macros the template
//! defines, and directives as snippets.

use super::context_keys::{self, Key, CTX, IDENTITY};
use super::navigate::definitions;
use super::scan::{chain_before, ident_char, Chain};
use super::Document;
use crate::util::{self, Namespace};

/// What a completion is, for the editor's icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    /// A `$util` function.
    Function,
    /// A `$util` namespace.
    Module,
    /// A `$ctx` key or identity field.
    Field,
    /// A variable of the template.
    Variable,
    /// A directive (`#if`, `#foreach`, …).
    Keyword,
    /// A macro of the template.
    Macro,
}

/// One completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// What is shown and matched.
    pub label: String,
    /// Its kind.
    pub kind: CompletionKind,
    /// A one-line signature or type.
    pub detail: Option<String>,
    /// Documentation (markdown).
    pub doc: Option<String>,
    /// What replaces the partial word: plain text, or a snippet (`$1`, `${1:x}`)
    /// when [`Completion::snippet`] is set.
    pub insert: String,
    /// `insert` is a snippet.
    pub snippet: bool,
    /// Where the partial word the completion replaces starts (byte offset).
    pub replace_from: usize,
}

/// Directives as snippets: (name, snippet after the `#`, what it does).
const DIRECTIVES: &[(&str, &str, &str)] = &[
    (
        "set",
        "set(\\$${1:name} = ${2:value})",
        "Assigns a variable or property.",
    ),
    (
        "if",
        "if(${1:condition})\n\t$0\n#end",
        "A conditional block (only `false` and `null` are false).",
    ),
    (
        "elseif",
        "elseif(${1:condition})",
        "Another condition of the `#if`.",
    ),
    ("else", "else", "The `#if`'s last branch."),
    (
        "end",
        "end",
        "Closes `#if`, `#foreach`, `#macro` or `#define`.",
    ),
    (
        "foreach",
        "foreach(\\$${1:item} in ${2:\\$list})\n\t$0\n#end",
        "Loops over a list or a map's values (at most 1,000 passes on AppSync).",
    ),
    (
        "break",
        "break",
        "Leaves the loop (outside a loop: stops the template).",
    ),
    ("stop", "stop", "Stops rendering the template."),
    (
        "return",
        "return(${1:value})",
        "Ends the template (or pipeline function) with this value as its result.",
    ),
    (
        "macro",
        "macro(${1:name} \\$${2:arg})\n\t$0\n#end",
        "Defines a macro, called as `#name(args)`.",
    ),
    (
        "define",
        "define(\\$${1:name})\n\t$0\n#end",
        "Binds a block to a variable, rendered where the variable is printed.",
    ),
];

/// Variables every template can read.
const ROOTS: &[(&str, &str)] = &[
    (
        "ctx",
        "The request context: arguments, identity, source, result, stash, …",
    ),
    ("context", "The request context (`$ctx` is the same)."),
    (
        "util",
        "AppSync's utilities: `$util.toJson`, `$util.dynamodb.*`, `$util.time.*`, …",
    ),
    ("utils", "AppSync's utilities (`$util` is the same)."),
];

impl Document {
    /// The completions at byte `offset`.
    pub fn completions(&self, offset: usize) -> Vec<Completion> {
        let text = self.text();
        let offset = floor_char(text, offset.min(text.len()));
        let b = text.as_bytes();
        let mut start = offset;
        while start > 0 && ident_char(b[start - 1]) {
            start -= 1;
        }
        let partial = &text[start..offset];
        let keep = |label: &str| label.starts_with(partial) || partial.is_empty();
        // `#name`: directives and macros.
        let hash = if start > 0 && b[start - 1] == b'#' {
            Some(start - 1)
        } else if start > 1 && b[start - 1] == b'{' && b[start - 2] == b'#' {
            Some(start - 2)
        } else {
            None
        };
        if let Some(at) = hash {
            if at > 0 && (b[at - 1] == b'#' || b[at - 1] == b'\\') {
                return Vec::new(); // a `##` comment or an escaped `\#`
            }
            let braced = b[start - 1] == b'{';
            let mut out: Vec<Completion> = DIRECTIVES
                .iter()
                .filter(|(name, ..)| keep(name))
                .map(|(name, snippet, doc)| Completion {
                    label: format!("#{name}"),
                    kind: CompletionKind::Keyword,
                    detail: None,
                    doc: Some(doc.to_string()),
                    insert: if braced {
                        name.to_string()
                    } else {
                        snippet.to_string()
                    },
                    snippet: !braced,
                    replace_from: start,
                })
                .collect();
            for m in self.macro_names() {
                if keep(&m) {
                    out.push(Completion {
                        label: format!("#{m}"),
                        kind: CompletionKind::Macro,
                        detail: Some("macro of this template".into()),
                        doc: None,
                        insert: format!("{m}($1)"),
                        snippet: true,
                        replace_from: start,
                    });
                }
            }
            return out;
        }
        // `$name`, `$!name`, `${name`: variables and roots.
        let mut j = start;
        if j > 0 && b[j - 1] == b'{' {
            j -= 1;
        }
        if j > 0 && b[j - 1] == b'!' {
            j -= 1;
        }
        if j > 0 && b[j - 1] == b'$' {
            let mut out: Vec<Completion> = ROOTS
                .iter()
                .filter(|(name, _)| keep(name))
                .map(|(name, doc)| Completion {
                    label: name.to_string(),
                    kind: CompletionKind::Variable,
                    detail: None,
                    doc: Some(doc.to_string()),
                    insert: name.to_string(),
                    snippet: false,
                    replace_from: start,
                })
                .collect();
            let mut seen: Vec<String> = Vec::new();
            for (name, span) in definitions(self) {
                if span.start as usize >= j.saturating_sub(1) || seen.contains(&name) {
                    continue; // only variables set before the cursor
                }
                if keep(&name) && name != partial {
                    let line = self.source().line_col(span.start as usize).line;
                    out.push(Completion {
                        label: name.clone(),
                        kind: CompletionKind::Variable,
                        detail: Some(format!("set on line {line}")),
                        doc: None,
                        insert: name.clone(),
                        snippet: false,
                        replace_from: start,
                    });
                }
                seen.push(name);
            }
            return out;
        }
        // `$root.a.b.`: members.
        match chain_before(text, start) {
            Some(chain) => members(&chain)
                .into_iter()
                .filter(|c| keep(&c.label))
                .map(|c| Completion {
                    replace_from: start,
                    ..c
                })
                .collect(),
            None => Vec::new(),
        }
    }
}

/// The largest char boundary at or below `i`.
pub(crate) fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The `$util` namespace a chain names (`$util.time` → `time`).
pub(crate) fn util_namespace(chain: &Chain) -> Option<&'static Namespace> {
    let mut ns = util::root_namespace(&chain.root)?;
    for name in &chain.segments {
        ns = ns.child(name)?;
    }
    Some(ns)
}

fn members(chain: &Chain) -> Vec<Completion> {
    if let Some(ns) = util_namespace(chain) {
        return namespace_members(ns);
    }
    if matches!(chain.root.as_str(), "ctx" | "context") {
        let segs: Vec<&str> = chain.segments.iter().map(String::as_str).collect();
        let keys: &[Key] = match segs.as_slice() {
            [] => CTX,
            ["request"] => context_keys::REQUEST,
            ["info"] => context_keys::INFO,
            ["error"] => context_keys::ERROR,
            ["prev"] => context_keys::PREV,
            ["identity"] => {
                return IDENTITY
                    .iter()
                    .map(|f| Completion {
                        label: f.name.to_string(),
                        kind: CompletionKind::Field,
                        detail: Some(f.modes.to_string()),
                        doc: Some(format!("{}\n\nFilled in for: {}.", f.doc, f.modes)),
                        insert: f.name.to_string(),
                        snippet: false,
                        replace_from: 0,
                    })
                    .collect()
            }
            _ => &[],
        };
        return keys
            .iter()
            .map(|k| Completion {
                label: k.name.to_string(),
                kind: CompletionKind::Field,
                detail: None,
                doc: Some(k.doc.to_string()),
                insert: k.name.to_string(),
                snippet: false,
                replace_from: 0,
            })
            .collect();
    }
    Vec::new()
}

/// A namespace's functions (with a call snippet) and nested namespaces.
fn namespace_members(ns: &'static Namespace) -> Vec<Completion> {
    let mut out: Vec<Completion> = ns
        .children
        .iter()
        .map(|c| Completion {
            label: c.name.to_string(),
            kind: CompletionKind::Module,
            detail: Some(format!("{}{}", c.root(), c.display_path())),
            doc: None,
            insert: c.name.to_string(),
            snippet: false,
            replace_from: 0,
        })
        .collect();
    out.extend(ns.functions.iter().map(|f| Completion {
        label: f.name.to_string(),
        kind: CompletionKind::Function,
        detail: Some(f.signature.to_string()),
        doc: Some(f.doc.to_string()),
        insert: if f.arity.max == 0 {
            format!("{}()", f.name)
        } else {
            format!("{}($1)", f.name)
        },
        snippet: f.arity.max > 0,
        replace_from: 0,
    }));
    out
}
