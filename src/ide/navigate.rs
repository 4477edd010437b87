//! Where variables and macros are defined and used: go to definition, find
//! references, document symbols. Read from the syntax tree (a template that
//! does not parse has none).

use super::scan::{ident_char, role, word_at, WordRole};
use super::Document;
use crate::parse::ast::{Block, Expr, Node, Reference, Segment};
use crate::source::{Source, Span};

/// A name written in the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Occurrence {
    pub(crate) name: String,
    /// The name itself (without `$`, `!`, `{`, `#`).
    pub(crate) span: Span,
    pub(crate) what: What,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum What {
    /// `#set($x = …)`, `#foreach($x in …)`, `#define($x)`, a macro parameter.
    VarDef,
    /// Any other `$x`.
    VarUse,
    /// `#macro(name …)`
    MacroDef,
    /// `#name(…)`
    MacroCall,
}

/// What a document symbol is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// A variable (its first `#set`).
    Variable,
    /// A macro.
    Macro,
}

/// A document symbol: a variable's first definition or a macro.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    /// The name (`$x` or `#name`).
    pub name: String,
    /// Its kind.
    pub kind: SymbolKind,
    /// The name where it is defined.
    pub span: Span,
    /// The whole directive that defines it.
    pub full: Span,
}

/// The name after `$`, `$!`, `${` at `at`.
fn name_after_dollar(src: &Source, at: usize) -> Option<(String, Span)> {
    let text = src.text();
    let b = text.as_bytes();
    let mut i = at;
    if b.get(i) != Some(&b'$') {
        return None;
    }
    i += 1;
    if b.get(i) == Some(&b'!') {
        i += 1;
    }
    if b.get(i) == Some(&b'{') {
        i += 1;
    }
    let start = i;
    while i < b.len() && ident_char(b[i]) {
        i += 1;
    }
    (i > start).then(|| (text[start..i].to_string(), Span::new(start, i)))
}

/// The first `$name` inside `span`.
fn first_var_in(src: &Source, span: Span) -> Option<(String, Span)> {
    let text = src.slice(span);
    let at = text.find('$')?;
    name_after_dollar(src, span.start as usize + at)
}

struct Collector<'s> {
    src: &'s Source,
    out: Vec<Occurrence>,
}

impl Collector<'_> {
    fn push(&mut self, name: String, span: Span, what: What) {
        self.out.push(Occurrence { name, span, what });
    }

    fn reference(&mut self, r: &Reference, what: What) {
        if let Some((name, span)) = name_after_dollar(self.src, r.span.start as usize) {
            self.push(name, span, what);
        }
        for seg in &r.segments {
            match seg {
                Segment::Index(e, _) => self.expr(e),
                Segment::Method(_, args, _, _) => args.iter().for_each(|a| self.expr(a)),
                Segment::Property(..) => {}
            }
        }
    }

    fn block(&mut self, block: &Block) {
        for node in block {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Text(_) | Node::Stop(_) => {}
            Node::Ref(r) | Node::EscapedRef { reference: r, .. } => self.reference(r, What::VarUse),
            Node::Set(set) => {
                self.expr(&set.value);
                let what = if set.target.segments.is_empty() {
                    What::VarDef
                } else {
                    What::VarUse
                };
                self.reference(&set.target, what);
            }
            Node::If(node) => {
                for b in &node.branches {
                    self.expr(&b.condition);
                    self.block(&b.body);
                }
                if let Some(e) = &node.otherwise {
                    self.block(e);
                }
            }
            Node::Foreach(f) => {
                if let Some((name, span)) = first_var_in(self.src, f.span) {
                    self.push(name, span, What::VarDef);
                }
                self.expr(&f.iterable);
                self.block(&f.body);
            }
            Node::Break { target, .. } => {
                if let Some(r) = target {
                    self.reference(r, What::VarUse);
                }
            }
            Node::Return { value, .. } => {
                if let Some(e) = value {
                    self.expr(e);
                }
            }
            Node::MacroCall(call) => {
                // `#name(`, `#{name}(` or a block call `#@name(`.
                let text = self.src.slice(call.span);
                let skip = text.len() - text.trim_start_matches(['#', '{', '@']).len();
                let start = call.span.start as usize + skip;
                self.push(
                    call.name.to_string(),
                    Span::new(start, start + call.name.len()),
                    What::MacroCall,
                );
                call.args.iter().for_each(|a| self.expr(a));
                if let Some(body) = &call.body {
                    self.block(body);
                }
            }
            Node::Define { body, span, .. } => {
                if let Some((name, s)) = first_var_in(self.src, *span) {
                    self.push(name, s, What::VarDef);
                }
                self.block(body);
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Literal(..) => {}
            Expr::Interpolated(block, _) => self.block(block),
            Expr::Ref(r) => self.reference(r, What::VarUse),
            Expr::List(items, _) => items.iter().for_each(|x| self.expr(x)),
            Expr::Map(entries, _) => entries.iter().for_each(|(k, v)| {
                self.expr(k);
                self.expr(v);
            }),
            Expr::Range(a, b, _) | Expr::Binary(_, a, b, _) => {
                self.expr(a);
                self.expr(b);
            }
            Expr::Unary(_, a, _) => self.expr(a),
        }
    }
}

/// Every variable and macro name written in the template, in source order.
pub(crate) fn occurrences(doc: &Document) -> Vec<Occurrence> {
    let Some(t) = doc.template() else {
        return Vec::new();
    };
    let mut c = Collector {
        src: doc.source(),
        out: Vec::new(),
    };
    c.block(&t.body);
    for m in &t.macros {
        let head = doc.source().slice(m.span);
        if let Some(at) = head.find(&*m.name) {
            let start = m.span.start as usize + at;
            c.push(
                m.name.to_string(),
                Span::new(start, start + m.name.len()),
                What::MacroDef,
            );
            // Parameters: every `$name` after the macro's name.
            let mut i = at + m.name.len();
            while let Some(d) = head[i..].find('$') {
                let at = m.span.start as usize + i + d;
                match name_after_dollar(doc.source(), at) {
                    Some((name, span)) => {
                        i = span.end as usize - m.span.start as usize;
                        c.push(name, span, What::VarDef);
                    }
                    None => i += d + 1,
                }
            }
        }
        c.block(&m.body);
    }
    c.out.sort_by_key(|o| o.span.start);
    c.out
}

/// Variable definitions, in source order: (name, span of the name).
pub(crate) fn definitions(doc: &Document) -> Vec<(String, Span)> {
    occurrences(doc)
        .into_iter()
        .filter(|o| o.what == What::VarDef)
        .map(|o| (o.name, o.span))
        .collect()
}

impl Document {
    /// The occurrence under byte `offset`.
    fn occurrence_at(&self, offset: usize) -> Option<Occurrence> {
        let (start, end) = word_at(self.text(), offset);
        if start == end {
            return None;
        }
        if !matches!(
            role(self.text(), start),
            WordRole::Root | WordRole::Directive
        ) {
            return None;
        }
        occurrences(self)
            .into_iter()
            .find(|o| o.span.start as usize == start)
    }

    /// Where the variable or macro under `offset` is defined: a variable's
    /// last definition before the cursor (else its first), a macro's `#macro`.
    pub fn definition(&self, offset: usize) -> Option<Span> {
        let at = self.occurrence_at(offset)?;
        let all = occurrences(self);
        match at.what {
            What::MacroDef | What::MacroCall => all
                .iter()
                .find(|o| o.what == What::MacroDef && o.name == at.name)
                .map(|o| o.span),
            What::VarDef | What::VarUse => {
                let defs: Vec<&Occurrence> = all
                    .iter()
                    .filter(|o| o.what == What::VarDef && o.name == at.name)
                    .collect();
                defs.iter()
                    .rev()
                    .find(|o| o.span.start <= at.span.start)
                    .or(defs.first())
                    .map(|o| o.span)
            }
        }
    }

    /// Every place the variable or macro under `offset` is written (its
    /// definitions only when `with_definitions`).
    pub fn references(&self, offset: usize, with_definitions: bool) -> Vec<Span> {
        let Some(at) = self.occurrence_at(offset) else {
            return Vec::new();
        };
        let macro_name = matches!(at.what, What::MacroDef | What::MacroCall);
        occurrences(self)
            .into_iter()
            .filter(|o| o.name == at.name)
            .filter(|o| macro_name == matches!(o.what, What::MacroDef | What::MacroCall))
            .filter(|o| with_definitions || !matches!(o.what, What::VarDef | What::MacroDef))
            .map(|o| o.span)
            .collect()
    }

    /// Macros, and each variable at its first definition.
    pub fn symbols(&self) -> Vec<Symbol> {
        let Some(t) = self.template() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for o in occurrences(self) {
            match o.what {
                What::VarDef if !seen.contains(&o.name) => {
                    let line = self.source().line_col(o.span.start as usize).line;
                    let full = self.line_span(line);
                    out.push(Symbol {
                        name: format!("${}", o.name),
                        kind: SymbolKind::Variable,
                        span: o.span,
                        full,
                    });
                    seen.push(o.name);
                }
                What::MacroDef => {
                    let full = t
                        .macros
                        .iter()
                        .find(|m| *m.name == o.name)
                        .map_or(o.span, |m| m.span);
                    out.push(Symbol {
                        name: format!("#{}", o.name),
                        kind: SymbolKind::Macro,
                        span: o.span,
                        full,
                    });
                }
                _ => {}
            }
        }
        out
    }

    /// The names of the template's macros.
    pub(crate) fn macro_names(&self) -> Vec<String> {
        self.template()
            .map(|t| t.macros.iter().map(|m| m.name.to_string()).collect())
            .unwrap_or_default()
    }

    /// The bytes of 1-based `line` (without its line break).
    fn line_span(&self, line: usize) -> Span {
        let text = self.text();
        let start: usize = text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
        Span::new(start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_macro_calls_name_their_macro_and_hold_definitions() {
        let text = "#macro(wrap)<$bodyContent>#end\n#@wrap()#set($a = 1)$a#end\n";
        let doc = Document::new("t.vtl", text);
        let call = text.find("#@wrap").unwrap_or(0) + 3;
        let def = doc.definition(call).expect("the macro");
        assert_eq!(&text[def.start as usize..def.end as usize], "wrap");
        assert_eq!(def.start, 7);
        // `$a` inside the block call is defined by the `#set` beside it.
        let read = text.rfind("$a").unwrap_or(0) + 1;
        let set = doc.definition(read).expect("the #set");
        assert_eq!(set.start as usize, text.find("$a =").unwrap_or(0) + 1);
        assert_eq!(doc.references(call, true).len(), 2);
    }
}
