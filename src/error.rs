//! Engine errors: a template that cannot be parsed or evaluated.
//!
//! `$util.error` and friends are not errors in this sense: they are outcomes of a
//! successful evaluation (see [`crate::Outcome`]). An [`Error`] carries a [`Span`] and
//! the [`Source`] it points into; `Display` gives one line
//! (`name:3:7: message`), the alternate form `{:#}` a report with a snippet.

use std::fmt;
use std::sync::Arc;

use crate::report::{snippet, Palette};
use crate::source::{Source, Span};

/// What went wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The template is not valid VTL.
    #[error("syntax error: {message}")]
    Syntax {
        /// What was expected, in words.
        message: String,
    },
    /// A block directive was never closed with `#end`.
    #[error("`{directive}` opened at {opened_at} is never closed with `#end`")]
    Unclosed {
        /// The directive, e.g. `#if`.
        directive: String,
        /// Where it was opened, as `line:column`.
        opened_at: String,
    },
    /// An `#end`, `#else` or `#elseif` with nothing to close.
    #[error("`{directive}` does not close anything")]
    Stray {
        /// The directive.
        directive: String,
    },
    /// A `$util` function that does not exist.
    #[error("unknown function `{path}`{hint}")]
    UnknownFunction {
        /// e.g. `$util.time.nowIso8601`.
        path: String,
        /// `; did you mean ...?` or empty.
        hint: String,
    },
    /// A `$util` function named without a call, or whose arguments did not parse.
    #[error("`{path}` is a function but is not called here: write `{signature}` (if a `(` follows, its arguments could not be parsed)")]
    NotCalled {
        /// e.g. `$util.toJson`.
        path: String,
        /// The documented signature.
        signature: String,
    },
    /// A `$util` function called with the wrong number of arguments.
    #[error("`{path}` takes {expected} argument(s), got {got}: {signature}")]
    Arity {
        /// The function.
        path: String,
        /// e.g. `1 or 2`.
        expected: String,
        /// How many were passed.
        got: usize,
        /// The documented signature.
        signature: String,
    },
    /// A function or method rejected its arguments.
    #[error("{message}")]
    Invalid {
        /// The reason.
        message: String,
    },
    /// A limit that protects the user was reached.
    #[error("limit reached: {message}")]
    Limit {
        /// Which limit, and how to raise it.
        message: String,
    },
    /// AppSync has no such feature.
    #[error("{message}")]
    Unsupported {
        /// What is unsupported.
        message: String,
    },
}

/// A located engine error.
#[derive(Clone)]
pub struct Error {
    repr: Box<Repr>,
}

#[derive(Clone)]
struct Repr {
    kind: ErrorKind,
    span: Option<Span>,
    source: Option<Arc<Source>>,
    notes: Vec<(Span, String)>,
}

impl Error {
    /// An error of this kind, not yet located.
    pub fn new(kind: ErrorKind) -> Error {
        Error {
            repr: Box::new(Repr {
                kind,
                span: None,
                source: None,
                notes: Vec::new(),
            }),
        }
    }

    /// A syntax error.
    pub fn syntax(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Syntax {
            message: message.into(),
        })
    }

    /// An invalid-argument or type error.
    pub fn invalid(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Invalid {
            message: message.into(),
        })
    }

    /// A limit error.
    pub fn limit(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Limit {
            message: message.into(),
        })
    }

    /// Sets the span if none is set yet.
    pub fn at(mut self, span: Span) -> Error {
        if self.repr.span.is_none() {
            self.repr.span = Some(span);
        }
        self
    }

    /// Sets the source if none is set yet, and fits the spans to its text (whole
    /// characters, never past the end).
    pub fn in_source(mut self, source: &Arc<Source>) -> Error {
        if self.repr.source.is_none() {
            self.repr.source = Some(source.clone());
        }
        if let Some(source) = &self.repr.source {
            self.repr.span = self.repr.span.map(|s| source.snap(s));
            for (span, _) in &mut self.repr.notes {
                *span = source.snap(*span);
            }
        }
        self
    }

    /// Adds a secondary label.
    pub fn with_note(mut self, span: Span, note: impl Into<String>) -> Error {
        self.repr.notes.push((span, note.into()));
        self
    }

    /// The kind of error.
    pub fn kind(&self) -> &ErrorKind {
        &self.repr.kind
    }

    /// Where it happened.
    pub fn span(&self) -> Option<Span> {
        self.repr.span
    }

    /// The source the span points into.
    pub fn source_ref(&self) -> Option<&Arc<Source>> {
        self.repr.source.as_ref()
    }

    /// Secondary labels.
    pub fn notes(&self) -> &[(Span, String)] {
        &self.repr.notes
    }

    /// `line:column` of the error, when known.
    pub fn line_col(&self) -> Option<crate::source::LineCol> {
        let (source, span) = (self.repr.source.as_ref()?, self.repr.span?);
        Some(source.line_col(span.start as usize))
    }

    /// The short error type shown in `vtl render`'s `error.type`.
    pub fn type_name(&self) -> &'static str {
        match self.repr.kind {
            ErrorKind::Syntax { .. } | ErrorKind::Unclosed { .. } | ErrorKind::Stray { .. } => {
                "ParseError"
            }
            ErrorKind::Limit { .. } => "LimitExceeded",
            _ => "TemplateError",
        }
    }

    /// The message without location.
    pub fn message(&self) -> String {
        self.repr.kind.to_string()
    }

    /// The rustc-style report: `error: …`, ` --> name:line:col`, the source line
    /// and a caret under the span (what `{:#}` prints); `color` adds ANSI colours.
    pub fn report(&self, color: bool) -> String {
        let p = Palette::new(color);
        let head = format!(
            "{}error{}{}: {}{}\n",
            p.red,
            p.reset,
            p.bold,
            self.kind(),
            p.reset
        );
        match (self.source_ref(), self.span()) {
            (Some(source), Some(span)) => {
                let mut labels = vec![(span, String::new())];
                labels.extend(self.notes().iter().cloned());
                head + &snippet(source, &labels, p.red, p)
            }
            (Some(source), None) => format!("{head} {}-->{} {}\n", p.blue, p.reset, source.name()),
            _ => head,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            return f.write_str(&self.report(false));
        }
        match (&self.repr.source, self.line_col()) {
            (Some(source), Some(at)) => write!(f, "{}:{at}: {}", source.name(), self.repr.kind),
            (Some(source), None) => write!(f, "{}: {}", source.name(), self.repr.kind),
            _ => write!(f, "{}", self.repr.kind),
        }
    }
}

impl std::error::Error for Error {}

/// A result with an engine [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
