//! Editor support: what a language server answers about one template, in byte
//! offsets and the library's own types (the `vtl lsp` front-end converts them
//! to the protocol's). Diagnostics are `vtl check`'s, the catalogue is the
//! `$util` dispatch table, and "explain in place" is `vtl explain` over a
//! context: nothing here is a second parser, lint or catalogue.
//!
//! ```
//! use appsync_vtl::ide::Document;
//! let doc = Document::new("t.vtl", "#set($ok = false)\n$util.toJsn($ok)");
//! assert_eq!(doc.diagnostics(&[])[0].lint, "unknown-util");
//! // `$ok` in the second line is defined by the `#set` on the first.
//! let use_at = doc.text().rfind("$ok").unwrap();
//! assert_eq!(doc.definition(use_at + 1).map(|s| s.start), Some(6));
//! ```

mod complete;
mod context_keys;
mod contexts;
mod hover;
mod in_place;
mod navigate;
mod scan;

use std::sync::Arc;

use crate::error::Error;
use crate::lint::{self, Diagnostic};
use crate::parse::{self, Template};
use crate::source::Source;

pub use complete::{Completion, CompletionKind};
pub use contexts::contexts_for;
pub use hover::Hover;
pub use in_place::{Hint, InPlace};
pub use navigate::{Symbol, SymbolKind};

/// One template as an editor holds it: its text and its parse (kept when it
/// fails, with every error).
#[derive(Debug)]
pub struct Document {
    source: Arc<Source>,
    parsed: Result<Template, Vec<Error>>,
}

impl Document {
    /// Parses `text` (named `name` in reports).
    pub fn new(name: &str, text: &str) -> Document {
        let source = Arc::new(Source::new(name, text));
        let parsed = parse::parse_all(source.clone());
        Document { source, parsed }
    }

    /// The text.
    pub fn text(&self) -> &str {
        self.source.text()
    }

    /// The source (name, text, lines).
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The syntax tree, when the text parses.
    pub fn template(&self) -> Option<&Template> {
        self.parsed.as_ref().ok()
    }

    /// Parse errors and every `vtl check` lint (`## vtl-ignore` honoured),
    /// with their fixes; `allow` silences warnings by lint name.
    pub fn diagnostics(&self, allow: &[String]) -> Vec<Diagnostic> {
        lint::check_parsed(&self.source, &self.parsed, allow)
    }
}
