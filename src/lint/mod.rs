//! `vtl check`: parse errors and lints for AppSync-specific traps.
//!
//! Every lint is one row of [`LINTS`] (its kebab-case name, severity, summary
//! and check function); that table is the only place a lint is registered.
//! Text lints (`text.rs`) read the source, so they also run when it does not
//! parse; tree lints (`tree.rs`) walk the syntax tree.
//!
//! A warning is silenced for one line with `## vtl-ignore: lint-name` at the end
//! of that line or alone on the line above, or everywhere with `--allow lint-name`.
//!
//! ```
//! use std::sync::Arc;
//! use appsync_vtl::{Source, lint::check};
//! let found = check(Arc::new(Source::new("t.vtl", "$util.toJsn($ctx.args)")), &[]);
//! assert_eq!(found[0].lint, "unknown-util");
//! assert!(found[0].message.contains("did you mean `toJson`"));
//! ```

mod text;
mod tree;

use std::fmt::Write as _;
use std::sync::Arc;

use serde::Serialize;

use crate::parse;
use crate::report::{snippet, Palette};
use crate::source::{LineCol, Source, Span};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The template fails (or will fail on AppSync): exit code 1.
    Error,
    /// Probably a mistake.
    Warning,
}

/// What a check function reports; the runner adds the lint's name and severity.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub(crate) span: Span,
    pub(crate) message: String,
    pub(crate) help: Option<String>,
    pub(crate) notes: Vec<(Span, String)>,
    pub(crate) fix: Option<Fix>,
}

/// A change that certainly fixes a finding (an editor offers it as a quick fix).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What it does, e.g. "remove the extra `$`".
    pub title: String,
    /// The replacements, by byte span of the source.
    pub edits: Vec<Edit>,
}

/// Replace the text at `span` with `text`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// The bytes replaced (empty: an insertion).
    #[serde(skip)]
    pub span: Span,
    /// Where the replaced text starts.
    pub at: LineCol,
    /// Where it ends.
    pub end: LineCol,
    /// The new text.
    pub text: String,
}

impl Fix {
    /// One replacement of `span` by `text`.
    pub(crate) fn replace(title: impl Into<String>, span: Span, text: impl Into<String>) -> Fix {
        Fix {
            title: title.into(),
            edits: vec![Edit {
                span,
                at: LineCol { line: 0, column: 0 },
                end: LineCol { line: 0, column: 0 },
                text: text.into(),
            }],
        }
    }
}

impl Finding {
    pub(crate) fn new(span: Span, message: impl Into<String>) -> Finding {
        Finding {
            span,
            message: message.into(),
            help: None,
            notes: Vec::new(),
            fix: None,
        }
    }

    pub(crate) fn fix(mut self, fix: Fix) -> Finding {
        self.fix = Some(fix);
        self
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn note(mut self, span: Span, note: impl Into<String>) -> Finding {
        self.notes.push((span, note.into()));
        self
    }
}

/// How a lint looks at a template.
#[derive(Clone, Copy)]
pub(crate) enum CheckFn {
    /// Reads the source text (runs even when parsing failed).
    Text(fn(&Source, &mut Vec<Finding>)),
    /// Walks the syntax tree.
    Tree(fn(&parse::Template, &mut Vec<Finding>)),
}

/// One lint.
pub struct Lint {
    /// Its kebab-case name (for `--allow` and `## vtl-ignore:`).
    pub name: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// What it finds, in one line.
    pub summary: &'static str,
    pub(crate) check: CheckFn,
}

/// Every lint: the one place a lint is registered.
pub static LINTS: &[Lint] = &[
    Lint {
        name: "template-too-large",
        severity: Severity::Error,
        summary: "a template over AppSync's 64 KB limit (AppSync refuses to save it)",
        check: CheckFn::Text(text::template_too_large),
    },
    Lint {
        name: "dollar-dollar",
        severity: Severity::Warning,
        summary: "`$$name`: a doubled `$` (other tools reject it; the first `$` is printed)",
        check: CheckFn::Text(text::dollar_dollar),
    },
    Lint {
        name: "unbalanced-parens",
        severity: Severity::Warning,
        summary: "a directive line with a `)` that closes nothing, or a `(` never closed",
        check: CheckFn::Text(text::unbalanced_parens),
    },
    Lint {
        name: "hash-comment",
        severity: Severity::Warning,
        summary:
            "a line starting with a lone `#` meant as a comment: it is printed and breaks the JSON",
        check: CheckFn::Text(text::hash_comment),
    },
    Lint {
        name: "undefined-reference",
        severity: Severity::Warning,
        summary:
            "a reference read before any `#set` of it that is not a known root ($ctx, $util, …)",
        check: CheckFn::Tree(tree::undefined_reference),
    },
    Lint {
        name: "unknown-util",
        severity: Severity::Error,
        summary: "a `$util` function or namespace that does not exist",
        check: CheckFn::Tree(tree::unknown_util),
    },
    Lint {
        name: "util-not-called",
        severity: Severity::Error,
        summary: "a `$util` function named without a call (`$util.toJson $x`, or arguments that do not parse)",
        check: CheckFn::Tree(tree::util_not_called),
    },
    Lint {
        name: "util-arity",
        severity: Severity::Error,
        summary: "a `$util` function called with the wrong number of arguments",
        check: CheckFn::Tree(tree::util_arity),
    },
    Lint {
        name: "word-operator-property",
        severity: Severity::Warning,
        summary:
            "`.or` / `.and` as a property name: newer Velocity tooling reads them as operators",
        check: CheckFn::Tree(tree::word_operator_property),
    },
    Lint {
        name: "leaked-mutation",
        severity: Severity::Warning,
        summary: "`$x.put(…)`/`.add`/`.addAll`/`.remove` printed: its result leaks into the output",
        check: CheckFn::Tree(tree::leaked_mutation),
    },
    Lint {
        name: "unsupported-directive",
        severity: Severity::Error,
        summary: "`#include`, `#parse`, `#evaluate`: AppSync does not support them",
        check: CheckFn::Tree(tree::unsupported_directive),
    },
    Lint {
        name: "expression-argument",
        severity: Severity::Warning,
        summary:
            "an expression as a method argument (`$s.substring($i + 1)`): Velocity 1.7 refuses it",
        check: CheckFn::Tree(tree::expression_argument),
    },
    Lint {
        name: "expression-list-item",
        severity: Severity::Warning,
        summary: "an expression as a list item (`[$a + 1]`): Velocity 1.7 refuses it",
        check: CheckFn::Tree(tree::expression_list_item),
    },
    Lint {
        name: "negated-reference",
        severity: Severity::Warning,
        summary: "unary minus on a reference (`-$a`): Velocity 1.7 refuses it",
        check: CheckFn::Tree(tree::negated_reference),
    },
];

/// The name parse errors are reported under.
pub const SYNTAX: &str = "syntax";

/// A lint by name.
pub fn lint(name: &str) -> Option<&'static Lint> {
    LINTS.iter().find(|l| l.name == name)
}

/// `; did you mean …?` for a misspelled lint name.
pub fn suggest(name: &str) -> String {
    LINTS
        .iter()
        .map(|l| (crate::util::edit_distance(l.name, name), l.name))
        .min()
        .filter(|(d, _)| *d <= 3)
        .map(|(_, n)| format!("; did you mean `{n}`?"))
        .unwrap_or_default()
}

/// One reported problem.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    /// The lint's name, or `syntax` for a parse error.
    pub lint: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// Where (start).
    pub at: LineCol,
    /// Where it ends.
    pub end: LineCol,
    /// How to fix it.
    pub help: Option<String>,
    /// Secondary locations.
    pub notes: Vec<Note>,
    /// A change that certainly fixes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    #[serde(skip)]
    span: Span,
    #[serde(skip)]
    note_spans: Vec<(Span, String)>,
}

/// A secondary location.
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    /// Where.
    pub at: LineCol,
    /// What is there.
    pub message: String,
}

fn diagnostic(src: &Source, lint: &'static str, severity: Severity, mut f: Finding) -> Diagnostic {
    f.span = src.snap(f.span);
    for (span, _) in &mut f.notes {
        *span = src.snap(*span);
    }
    Diagnostic {
        lint,
        severity,
        at: src.line_col(f.span.start as usize),
        end: src.line_col(f.span.end as usize),
        message: f.message,
        help: f.help,
        notes: f
            .notes
            .iter()
            .map(|(s, m)| Note {
                at: src.line_col(s.start as usize),
                message: m.clone(),
            })
            .collect(),
        fix: f.fix.map(|mut fix| {
            for edit in &mut fix.edits {
                edit.at = src.line_col(edit.span.start as usize);
                edit.end = src.line_col(edit.span.end as usize);
            }
            fix
        }),
        span: f.span,
        note_spans: f.notes,
    }
}

impl crate::Engine {
    /// Parses and lints one template, as `vtl check` does: parse errors and
    /// every lint, in source order; `allow` names warnings to silence.
    ///
    /// ```
    /// use appsync_vtl::Engine;
    /// let found = Engine::new().check("t.vtl", "#set($$x = 1)", &[]);
    /// assert_eq!(found[0].lint, "dollar-dollar");
    /// assert_eq!((found[0].at.line, found[0].at.column), (1, 6));
    /// ```
    pub fn check(&self, name: &str, text: &str, allow: &[String]) -> Vec<Diagnostic> {
        check(Arc::new(Source::new(name, text)), allow)
    }
}

/// Parses and lints one template; `allow` names warnings to silence.
/// Diagnostics come in source order.
pub fn check(source: Arc<Source>, allow: &[String]) -> Vec<Diagnostic> {
    let parsed = parse::parse_all(source.clone());
    check_parsed(&source, &parsed, allow)
}

/// [`check`] of a template already parsed (`parsed` is what
/// [`parse::parse_all`] gave for `src`).
pub fn check_parsed(
    src: &Source,
    parsed: &Result<parse::Template, Vec<crate::Error>>,
    allow: &[String],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Err(errors) = parsed {
        for e in errors {
            let span = e.span().unwrap_or_default();
            let fix = match e.kind() {
                crate::error::ErrorKind::Unclosed { directive, .. } => {
                    let end = src.text().len();
                    let newline = if src.text().ends_with('\n') { "" } else { "\n" };
                    Some(Fix::replace(
                        format!("close `{directive}` with `#end` at the end"),
                        Span::new(end, end),
                        format!("{newline}#end\n"),
                    ))
                }
                _ => None,
            };
            let f = Finding {
                span,
                message: e.message(),
                help: None,
                notes: e.notes().to_vec(),
                fix,
            };
            out.push(diagnostic(src, SYNTAX, Severity::Error, f));
        }
    }
    let ignores = text::ignore_comments(src);
    for lint in LINTS {
        if lint.severity == Severity::Warning && allow.iter().any(|a| a == lint.name) {
            continue;
        }
        let mut found = Vec::new();
        match (lint.check, parsed) {
            (CheckFn::Text(f), _) => f(src, &mut found),
            (CheckFn::Tree(f), Ok(t)) => f(t, &mut found),
            (CheckFn::Tree(_), Err(_)) => {}
        }
        for f in found {
            let line = src.line_col(f.span.start as usize).line;
            let ignored = lint.severity == Severity::Warning
                && ignores
                    .iter()
                    .any(|(l, names)| *l == line && names.iter().any(|n| n == lint.name));
            if !ignored {
                out.push(diagnostic(src, lint.name, lint.severity, f));
            }
        }
    }
    out.sort_by_key(|d| (d.span.start, d.lint != SYNTAX));
    out
}

impl Diagnostic {
    /// The bytes it points at (whole characters inside the source).
    pub fn span(&self) -> Span {
        self.span
    }

    /// The secondary locations with the bytes they point at.
    pub fn note_spans(&self) -> &[(Span, String)] {
        &self.note_spans
    }

    /// The rustc-style report: `warning[dollar-dollar]: …`, the snippet, `= help: …`.
    pub fn render(&self, src: &Source, color: bool) -> String {
        let p = Palette::new(color);
        let (color_of, word) = match self.severity {
            Severity::Error => (p.red, "error"),
            Severity::Warning => (p.yellow, "warning"),
        };
        let mut out = format!(
            "{color_of}{word}[{}]{}{}: {}{}\n",
            self.lint, p.reset, p.bold, self.message, p.reset
        );
        let mut labels = vec![(self.span, String::new())];
        labels.extend(self.note_spans.iter().cloned());
        out.push_str(&snippet(src, &labels, color_of, p));
        if let Some(help) = &self.help {
            let width = self.at.line.to_string().len();
            let _ = writeln!(
                out,
                "{} {}={} help: {help}",
                " ".repeat(width),
                p.blue,
                p.reset
            );
        }
        out
    }
}
