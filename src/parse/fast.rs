//! The fast path: a hand-written, single-pass recursive-descent parser for
//! well-formed templates.
//!
//! It builds exactly the tree that `build.rs` builds from `grammar/vtl.pest`
//! (the same nodes, spans, merged text, whitespace gobbling and literal
//! values), without pest and without a token list. Where pest backtracks, so
//! does it: a method call whose arguments do not parse is a property, an index
//! that does not parse ends the reference, an operator without an operand ends
//! the expression, a `#name(` that is not a macro call is text. It gives up
//! (`None`) on every template pest rejects, and on the few it is not sure of
//! (nesting past half the limits, more than eight prefix operators in a row, a
//! string whose own template does not parse inside a construct pest may yet
//! backtrack from). Then the pest path runs: it stays the specification and
//! the only source of diagnostics. `tests/parse_equivalence.rs` and the fuzz
//! target `fuzz/fuzz_targets/parse_differential.rs` hold the two paths equal.
//!
//! The comments name the grammar rules each function follows.

use std::borrow::Cow;
use std::sync::Arc;

use memchr::{memchr, memchr2, memchr3, memchr_iter, memmem};

use super::ast::*;
use super::build::{is_blank, nesting_too_deep, number_literal, MAX_NESTING};
use crate::source::Span;

/// Deepest nesting of blocks and expressions followed here: half the
/// specification's limit, so that its error always comes from `build.rs`.
const MAX_DEPTH: usize = MAX_NESTING / 2;
/// Most prefix operators in a row (`!!!$a`).
const MAX_PREFIXES: usize = 8;
/// Most operators and operands in one expression (the specification allows
/// `MAX_NESTING * 4`).
const MAX_TERMS: usize = MAX_NESTING * 2;

/// Parses a well-formed template; `None` when the pest path must decide.
/// Its tree: the template's body and its macros.
pub(super) fn parse(text: &str) -> Option<(Block, Vec<Arc<Macro>>)> {
    if may_nest_too_deep(text) && nesting_too_deep(text).is_some() {
        return None;
    }
    let mut parser = Parser::new(text, 0, 0);
    let body = parser.template()?;
    Some((body, parser.macros))
}

/// Whether `nesting_too_deep` could object: only when there are more opening
/// brackets, or more `#`, than its limits (counted quickly, one byte at a time).
fn may_nest_too_deep(text: &str) -> bool {
    let count = |b: u8| memchr_iter(b, text.as_bytes()).count();
    count(b'(') + count(b'[') + count(b'{') > MAX_NESTING || count(b'#') > MAX_NESTING * 4
}

/// Why an expression-level rule did not match. (Block-level functions return
/// `Option`: `None` gives up, since pest backtracks nowhere above expressions
/// but to a `lone` `#` after a failed macro call.)
enum Miss {
    /// The grammar rule does not match here: pest backtracks and tries what
    /// comes next, and so does this parser.
    NoMatch,
    /// pest would report an error here, or this parser is not sure: the pest
    /// path decides.
    GiveUp,
}

type Parsed<T> = Result<T, Miss>;

/// A position to backtrack to, with the lengths of the stacks at it.
#[derive(Clone, Copy)]
struct Mark {
    pos: usize,
    exprs: usize,
    segments: usize,
    macros: usize,
}

/// Byte classes, looked up in [`CLASS`].
const NAME: u8 = 1; // continues an `identifier`: letters, digits, `_`, `-`
const START: u8 = 2; // starts an `identifier`: letters, `_`
const WORD: u8 = 4; // `ident_char`: letters, digits, `_`
const SPACE: u8 = 8; // `WHITESPACE`: space, tab, CR, LF
const TEXT: u8 = 16; // continues a `text` token: all but `$`, `#`, `\`

static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut class = 0;
        if b.is_ascii_alphanumeric() || b == b'_' {
            class |= NAME | WORD;
        }
        if b.is_ascii_alphabetic() || b == b'_' {
            class |= START;
        }
        if b == b'-' {
            class |= NAME;
        }
        if matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
            class |= SPACE;
        }
        if !matches!(b, b'$' | b'#' | b'\\') {
            class |= TEXT;
        }
        table[i] = class;
        i += 1;
    }
    table
};

fn is(b: Option<&u8>, class: u8) -> bool {
    b.is_some_and(|&b| CLASS[b as usize] & class != 0)
}

/// `ident_char`: ASCII letters, digits and `_`.
fn is_ident_char(b: Option<&u8>) -> bool {
    is(b, WORD)
}

/// The first character of an `identifier`.
fn is_ident_start(b: Option<&u8>) -> bool {
    is(b, START)
}

/// How many bytes from the start of `bytes` are of `class`.
fn run_of(bytes: &[u8], class: u8) -> usize {
    bytes
        .iter()
        .take_while(|&&b| CLASS[b as usize] & class != 0)
        .count()
}

/// Directive keywords, in the grammar's order of attempts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keyword {
    Set,
    If,
    ElseIf,
    Else,
    End,
    Foreach,
    Break,
    Stop,
    Return,
    Macro,
    Define,
}

/// Each keyword: its word, and whether it must be followed by `[ \t]*(` (the
/// others, written without braces, must not be followed by an `ident_char`).
const KEYWORDS: [(&[u8], Keyword, bool); 11] = [
    (b"set", Keyword::Set, true),
    (b"if", Keyword::If, true),
    (b"elseif", Keyword::ElseIf, true),
    (b"else", Keyword::Else, false),
    (b"end", Keyword::End, false),
    (b"foreach", Keyword::Foreach, true),
    (b"break", Keyword::Break, false),
    (b"stop", Keyword::Stop, false),
    (b"return", Keyword::Return, false),
    (b"macro", Keyword::Macro, true),
    (b"define", Keyword::Define, true),
];

/// `block_word`: names that are never macro calls.
const BLOCK_WORDS: [&[u8]; 12] = [
    b"set", b"if", b"elseif", b"else", b"end", b"foreach", b"break", b"stop", b"return", b"macro",
    b"define", b"literal",
];

/// `directive_word`, in order: what a backslash escapes.
const DIRECTIVE_WORDS: [&[u8]; 15] = [
    b"set",
    b"if",
    b"elseif",
    b"else",
    b"end",
    b"foreach",
    b"break",
    b"stop",
    b"return",
    b"macro",
    b"define",
    b"include",
    b"parse",
    b"evaluate",
    b"literal",
];

/// How a block ended.
enum Close {
    /// The end of the text.
    Eof,
    /// `#end`.
    End,
    /// `#else`, with its head.
    Else(Span),
    /// `#elseif(condition)`, with its head.
    ElseIf(Expr, Span),
}

/// A block being built: its nodes sit on [`Parser::nodes`] from `start` on, and
/// its text run is not pushed yet (runs are merged as they come, as
/// `merge_text` would merge them afterwards).
struct Out {
    start: usize,
    run: Run,
}

/// Consecutive text tokens: a slice of the text while they are contiguous in it.
#[derive(Default)]
struct Run {
    start: usize,
    end: usize,
    owned: Option<String>,
    tokens: usize,
}

impl Out {
    /// Appends the text token `text[start..end]`.
    fn push_slice(&mut self, text: &str, start: usize, end: usize) {
        let run = &mut self.run;
        if run.tokens == 0 {
            (run.start, run.end) = (start, end);
        } else if let Some(s) = &mut run.owned {
            s.push_str(&text[start..end]);
        } else if run.end == start {
            run.end = end;
        } else {
            let mut s = String::with_capacity(run.end - run.start + end - start);
            s.push_str(&text[run.start..run.end]);
            s.push_str(&text[start..end]);
            run.owned = Some(s);
        }
        run.tokens += 1;
    }

    /// Appends a text token that is not a slice of the text.
    fn push_owned(&mut self, text: &str, token: &str) {
        let run = &mut self.run;
        match &mut run.owned {
            Some(s) if run.tokens > 0 => s.push_str(token),
            _ => {
                let mut s = String::new();
                if run.tokens > 0 {
                    s.push_str(&text[run.start..run.end]);
                }
                s.push_str(token);
                run.owned = Some(s);
            }
        }
        run.tokens += 1;
    }

    /// Removes the last text token (`len` bytes): a `#set` eats the blank text before it.
    fn pop_token(&mut self, len: usize) {
        let run = &mut self.run;
        run.tokens -= 1;
        if run.tokens == 0 {
            run.owned = None;
        } else if let Some(s) = &mut run.owned {
            s.truncate(s.len() - len);
        } else {
            run.end -= len;
        }
    }
}

/// Parses one text: a template, or the body of a double-quoted string at `base`.
struct Parser<'t> {
    text: &'t str,
    b: &'t [u8],
    pos: usize,
    /// Added to every span (where a string's body starts in the template).
    base: usize,
    /// Blocks and expressions open, as `build.rs` counts them.
    depth: usize,
    /// Operators and operands in the expression being parsed.
    terms: usize,
    /// The last item was a text token of spaces and tabs, `blank_len` bytes long.
    last_blank: bool,
    blank_len: usize,
    macros: Vec<Arc<Macro>>,
    /// The nodes of the blocks being built, innermost last.
    nodes: Vec<Node>,
    /// The arguments and list items being parsed, innermost last.
    exprs: Vec<Expr>,
    /// The segments of the references being parsed, innermost last.
    segments: Vec<Segment>,
    /// Where the last `#end` began.
    last_end: usize,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str, base: usize, depth: usize) -> Parser<'t> {
        Parser {
            text,
            b: text.as_bytes(),
            pos: 0,
            base,
            depth,
            terms: 0,
            last_end: 0,
            last_blank: false,
            blank_len: 0,
            macros: Vec::new(),
            nodes: Vec::new(),
            exprs: Vec::new(),
            segments: Vec::new(),
        }
    }

    // -- bytes ------------------------------------------------------------------

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn at(&self, i: usize) -> Option<&u8> {
        self.b.get(i)
    }

    fn starts(&self, at: usize, s: &[u8]) -> bool {
        // (Byte by byte: the words are short, a `memcmp` call costs more.)
        s.iter()
            .enumerate()
            .all(|(i, c)| self.b.get(at + i) == Some(c))
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        self.pos += usize::from(hit);
        hit
    }

    fn expect(&mut self, c: u8) -> Parsed<()> {
        self.eat(c).then_some(()).ok_or(Miss::NoMatch)
    }

    /// `ws` and implicit `WHITESPACE`.
    fn skip_ws(&mut self) {
        while is(self.at(self.pos), SPACE) {
            self.pos += 1;
        }
    }

    /// `(" " | "\t")*`
    fn skip_blank(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Whether `[ \t]*(` follows `at`.
    fn paren_follows(&self, at: usize) -> bool {
        let mut i = at;
        while matches!(self.at(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        self.at(i) == Some(&b'(')
    }

    /// `NEWLINE?`; whether there was one.
    fn newline(&mut self) -> bool {
        match self.peek() {
            Some(b'\n') => self.pos += 1,
            Some(b'\r') => self.pos += 1 + usize::from(self.at(self.pos + 1) == Some(&b'\n')),
            _ => return false,
        }
        true
    }

    /// `eol?`: spaces or tabs and one line break.
    fn eol(&mut self) {
        let save = self.pos;
        self.skip_blank();
        if !self.newline() {
            self.pos = save;
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.base + start, self.base + end)
    }

    /// The length of the `identifier` at `at` (0 if none).
    fn ident_len(&self, at: usize) -> usize {
        if !is_ident_start(self.at(at)) {
            return 0;
        }
        1 + run_of(&self.b[at + 1..], NAME)
    }

    /// An `identifier` at the cursor, moved past it.
    fn identifier(&mut self) -> Parsed<&'t str> {
        let len = self.ident_len(self.pos);
        if len == 0 {
            return Err(Miss::NoMatch);
        }
        let name = &self.text[self.pos..self.pos + len];
        self.pos += len;
        Ok(name)
    }

    fn mark(&self) -> Mark {
        Mark {
            pos: self.pos,
            exprs: self.exprs.len(),
            segments: self.segments.len(),
            macros: self.macros.len(),
        }
    }

    /// Backtracks: what was parsed since `mark` is dropped (macros that strings
    /// in it defined too: pest builds nothing it backtracked from).
    fn reset(&mut self, mark: Mark) {
        self.pos = mark.pos;
        self.exprs.truncate(mark.exprs);
        self.segments.truncate(mark.segments);
        self.macros.truncate(mark.macros);
    }

    // -- blocks -----------------------------------------------------------------

    /// Starts a block.
    fn out(&self) -> Out {
        Out {
            start: self.nodes.len(),
            run: Run::default(),
        }
    }

    /// Ends the block's text run, if any, with a text node.
    fn flush(&mut self, out: &mut Out) {
        let run = &mut out.run;
        if run.tokens > 0 {
            run.tokens = 0;
            let merged = match run.owned.take() {
                Some(s) => s.into_boxed_str(),
                None => self.text[run.start..run.end].into(),
            };
            self.nodes.push(Node::Text(merged));
        }
    }

    fn push(&mut self, out: &mut Out, node: Node) {
        self.flush(out);
        self.nodes.push(node);
    }

    /// The block's nodes, in a vector of their own.
    fn finish(&mut self, mut out: Out) -> Block {
        self.flush(&mut out);
        self.nodes.drain(out.start..).collect()
    }

    // -- items ------------------------------------------------------------------

    /// `template` / `string_template`: items up to the end, every block closed.
    fn template(&mut self) -> Option<Block> {
        match self.block()? {
            (body, Close::Eof) => Some(body),
            _ => None,
        }
    }

    /// Items up to the `#end`, `#else` or `#elseif` that closes the block.
    fn block(&mut self) -> Option<(Block, Close)> {
        let mut out = self.out();
        loop {
            let after_blank = std::mem::replace(&mut self.last_blank, false);
            let Some(c) = self.peek() else {
                return Some((self.finish(out), Close::Eof));
            };
            match c {
                b'$' => self.dollar(&mut out)?,
                b'\\' => self.backslash(&mut out)?,
                b'#' => {
                    if let Some(close) = self.hash(&mut out, after_blank)? {
                        return Some((self.finish(out), close));
                    }
                }
                _ => self.text_token(&mut out),
            }
        }
    }

    /// `text`: everything up to the next `$`, `#` or `\`.
    fn text_token(&mut self, out: &mut Out) {
        let start = self.pos;
        // Most runs are short (line breaks and indentation between directives).
        const SHORT: usize = 32;
        let rest = &self.b[start..];
        let n = run_of(&rest[..rest.len().min(SHORT)], TEXT);
        let end = if n < SHORT {
            start + n
        } else {
            memchr3(b'$', b'#', b'\\', &rest[SHORT..]).map_or(self.b.len(), |i| start + SHORT + i)
        };
        self.pos = end;
        out.push_slice(self.text, start, end);
        if is_blank(&self.text[start..end]) {
            self.last_blank = true;
            self.blank_len = end - start;
        }
    }

    /// `bang_escape | reference | unclosed_reference | lone` at `$`.
    fn dollar(&mut self, out: &mut Out) -> Option<()> {
        let start = self.pos;
        let slashes = self.b[start + 1..]
            .iter()
            .take_while(|&&b| b == b'\\')
            .count();
        if slashes > 0 && self.at(start + 1 + slashes) == Some(&b'!') {
            // `bang_escape`: the chain after `\!` is read as a reference whose
            // `$` is the last backslash, then printed as Velocity prints it.
            let bang = start + 1 + slashes;
            if self.at_reference(bang - 1) {
                self.pos = bang - 1;
                self.reference().ok()?;
            } else {
                self.pos = bang + 1;
            }
            let text = super::build::bang_escape(&self.text[start..self.pos]);
            out.push_owned(self.text, &text);
            return Some(());
        }
        if self.at_reference(start) {
            let reference = self.reference().ok()?;
            self.push(out, Node::Ref(Box::new(reference)));
        } else {
            // `lone`: `$!` prints as `$`.
            self.pos += if self.at(start + 1) == Some(&b'!') {
                2
            } else {
                1
            };
            out.push_slice(self.text, start, start + 1);
        }
        Some(())
    }

    /// `escaped_directive | directive_backslashes | escaped_reference | lone` at `\`.
    fn backslash(&mut self, out: &mut Out) -> Option<()> {
        let start = self.pos;
        let n = self.b[start..].iter().take_while(|&&b| b == b'\\').count();
        let after = start + n;
        let word = match self.at(after) {
            Some(b'#') => self.directive_word_len(after),
            _ => None,
        };
        if let Some(len) = word {
            if n % 2 == 1 {
                // `escaped_directive`: half the backslashes, then the keyword as text.
                let mut s = "\\".repeat(n / 2);
                s.push_str(&self.text[after..after + len]);
                out.push_owned(self.text, &s);
                self.pos = after + len;
            } else {
                // `directive_backslashes`: half are printed, the directive runs.
                out.push_slice(self.text, start, start + n / 2);
                self.pos = after;
            }
        } else if self.at(after) == Some(&b'$') && self.at_reference(after) {
            self.pos = after;
            let reference = self.reference().ok()?;
            let backslashes = n as u32;
            let reference = Box::new(reference);
            self.push(
                out,
                Node::EscapedRef {
                    backslashes,
                    reference,
                },
            );
        } else {
            // Each backslash is a `lone`.
            out.push_slice(self.text, start, after);
            self.pos = after;
        }
        Some(())
    }

    /// The length of `#` + (`{directive_word}` | `directive_word !ident_char`) at `at`.
    fn directive_word_len(&self, at: usize) -> Option<usize> {
        let braced = self.at(at + 1) == Some(&b'{');
        let word_at = at + 1 + usize::from(braced);
        let word = DIRECTIVE_WORDS.iter().find(|w| self.starts(word_at, w))?;
        let end = word_at + word.len();
        if braced {
            (self.at(end) == Some(&b'}')).then_some(end + 1 - at)
        } else {
            (!is_ident_char(self.at(end))).then_some(end - at)
        }
    }

    /// Everything that starts with `#`; `Some(Some(close))` ends the block.
    fn hash(&mut self, out: &mut Out, after_blank: bool) -> Option<Option<Close>> {
        let start = self.pos;
        match self.at(start + 1) {
            Some(b'#') => {
                // `comment_line`, with its line break.
                let end =
                    memchr2(b'\n', b'\r', &self.b[start..]).map_or(self.b.len(), |i| start + i);
                self.pos = end;
                self.newline();
                return Some(None);
            }
            Some(b'*') => {
                // `comment_block`; `comment_unclosed` is an error.
                let i = memmem::find(&self.b[start + 2..], b"*#")?;
                self.pos = start + 2 + i + 2;
                return Some(None);
            }
            Some(b'[') if self.starts(start + 1, b"[[") => {
                // `unparsed`; `unparsed_unclosed` is an error.
                let i = memmem::find(&self.b[start + 3..], b"]]#")?;
                out.push_slice(self.text, start + 3, start + 3 + i);
                self.pos = start + 3 + i + 3;
                return Some(None);
            }
            Some(b'@') => {
                self.block_call(out, start)?;
                return Some(None);
            }
            _ if self.starts(start + 1, b"literal") || self.starts(start + 1, b"{literal}") => {
                self.literal(out, start)?;
                return Some(None);
            }
            _ => {}
        }
        let Some((keyword, end)) = self.keyword(start) else {
            self.macro_call(out, start)?;
            return Some(None);
        };
        self.pos = end;
        match keyword {
            Keyword::Set => self.set(out, start, after_blank)?,
            Keyword::If => self.if_block(out, start)?,
            Keyword::ElseIf => {
                let (condition, span) = self.condition(start)?;
                return Some(Some(Close::ElseIf(condition, span)));
            }
            Keyword::Else => {
                let span = self.span(start, self.pos);
                self.eol();
                return Some(Some(Close::Else(span)));
            }
            Keyword::End => {
                self.last_end = start;
                self.eol();
                return Some(Some(Close::End));
            }
            Keyword::Foreach => self.foreach(out, start)?,
            // Without parentheses these eat no line break.
            Keyword::Break => {
                let target = if self.paren_follows(self.pos) {
                    self.open_paren();
                    let reference = self.reference_here().ok()?;
                    self.close_paren()?;
                    Some(Box::new(reference))
                } else {
                    None
                };
                let span = self.head_end(start, target.is_some());
                self.push(out, Node::Break { target, span });
            }
            Keyword::Stop => {
                let paren = self.paren_follows(self.pos);
                if paren {
                    self.open_paren();
                    self.close_paren()?;
                }
                let span = self.head_end(start, paren);
                self.push(out, Node::Stop(span));
            }
            Keyword::Return => {
                let paren = self.paren_follows(self.pos);
                let mut value = None;
                if paren {
                    self.open_paren();
                    if self.peek() != Some(b')') {
                        value = Some(self.expr().ok()?);
                    }
                    self.close_paren()?;
                }
                let span = self.head_end(start, paren);
                self.push(out, Node::Return { value, span });
            }
            Keyword::Macro => self.macro_block(start)?,
            Keyword::Define => self.define(out, start)?,
        }
        Some(None)
    }

    /// The directive keyword at `#` whose rule can match here, and where it ends.
    /// Keywords of directives that need `(` count only when `[ \t]*(` follows.
    fn keyword(&self, start: usize) -> Option<(Keyword, usize)> {
        let braced = self.at(start + 1) == Some(&b'{');
        let word_at = start + 1 + usize::from(braced);
        let first = *self.at(word_at)?;
        KEYWORDS.iter().find_map(|&(word, keyword, needs_paren)| {
            if word[0] != first || !self.starts(word_at, word) {
                return None;
            }
            let end = word_at + word.len();
            let end = if braced {
                (self.at(end) == Some(&b'}')).then_some(end + 1)?
            } else if !needs_paren && is_ident_char(self.at(end)) {
                return None;
            } else {
                end
            };
            (!needs_paren || self.paren_follows(end)).then_some((keyword, end))
        })
    }

    /// `[ \t]* "(" ~ ws` (known to be there).
    fn open_paren(&mut self) {
        self.skip_blank();
        self.pos += 1;
        self.skip_ws();
    }

    /// `ws ~ ")"`.
    fn close_paren(&mut self) -> Option<()> {
        self.skip_ws();
        self.expect(b')').ok()
    }

    /// The head's span (from `start` to the cursor), then `eol?` if `eats_eol`.
    fn head_end(&mut self, start: usize, eats_eol: bool) -> Span {
        let span = self.span(start, self.pos);
        if eats_eol {
            self.eol();
        }
        span
    }

    /// A block directive's depth, as `build.rs` counts it.
    fn open(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// A block up to its `#end`.
    fn body(&mut self) -> Option<Block> {
        match self.block()? {
            (body, Close::End) => {
                self.depth -= 1;
                Some(body)
            }
            _ => None,
        }
    }

    /// `set_directive`
    fn set(&mut self, out: &mut Out, start: usize, after_blank: bool) -> Option<()> {
        self.open_paren();
        let target = self.reference_here().ok()?;
        if matches!(target.segments.last(), Some(Segment::Method(..))) {
            return None;
        }
        self.skip_ws();
        self.expect(b'=').ok()?;
        self.skip_ws();
        let value = self.expr().ok()?;
        self.close_paren()?;
        let span = self.head_end(start, true);
        if after_blank {
            out.pop_token(self.blank_len);
        }
        self.push(
            out,
            Node::Set(Box::new(Set {
                target,
                value,
                span,
            })),
        );
        Some(())
    }

    /// `( condition )` of `#if` and `#elseif`, and the head's span.
    fn condition(&mut self, start: usize) -> Option<(Expr, Span)> {
        self.open_paren();
        let condition = self.expr().ok()?;
        self.close_paren()?;
        Some((condition, self.head_end(start, true)))
    }

    /// `if_directive` up to its `#end`.
    fn if_block(&mut self, out: &mut Out, start: usize) -> Option<()> {
        let (condition, span) = self.condition(start)?;
        self.open()?;
        let mut node = If {
            branches: vec![Branch {
                condition,
                body: Vec::new(),
                span,
            }],
            otherwise: None,
            else_span: None,
        };
        loop {
            let (body, close) = self.block()?;
            node.branches.last_mut()?.body = body;
            match close {
                Close::ElseIf(condition, span) => node.branches.push(Branch {
                    condition,
                    body: Vec::new(),
                    span,
                }),
                Close::Else(span) => {
                    node.otherwise = Some(self.body()?);
                    node.else_span = Some(span);
                    break;
                }
                Close::End => {
                    self.depth -= 1;
                    break;
                }
                Close::Eof => return None,
            }
        }
        self.push(out, Node::If(Box::new(node)));
        Some(())
    }

    /// `loop_variable`: `$name` or `${name}`.
    fn loop_variable(&mut self) -> Option<Box<str>> {
        self.expect(b'$').ok()?;
        let braced = self.eat(b'{');
        let name = self.identifier().ok()?;
        if braced {
            self.expect(b'}').ok()?;
        }
        Some(name.into())
    }

    /// The `)` that ends a block directive's head (from `start`), and its block.
    fn head_and_body(&mut self, start: usize) -> Option<(Span, Block)> {
        self.close_paren()?;
        let span = self.head_end(start, true);
        self.open()?;
        Some((span, self.body()?))
    }

    /// `foreach_directive` up to its `#end`.
    fn foreach(&mut self, out: &mut Out, start: usize) -> Option<()> {
        self.open_paren();
        let var = self.loop_variable()?;
        self.skip_ws();
        if !self.starts(self.pos, b"in")
            || !matches!(
                self.at(self.pos + 2),
                Some(b'$' | b'[' | b'{' | b'(' | b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'')
            )
        {
            return None;
        }
        self.pos += 2;
        self.skip_ws();
        let iterable = self.expr().ok()?;
        let (span, body) = self.head_and_body(start)?;
        self.push(
            out,
            Node::Foreach(Box::new(Foreach {
                var,
                slot: 0,
                iterable,
                body,
                span,
            })),
        );
        Some(())
    }

    /// `macro_directive` up to its `#end` (registered, not a node).
    fn macro_block(&mut self, start: usize) -> Option<()> {
        self.open_paren();
        let name: Box<str> = self.identifier().ok()?.into();
        let mut params = Vec::new();
        loop {
            // `(ws ~ ","? ~ ws ~ macro_parameter)*`
            let save = self.pos;
            self.skip_ws();
            self.eat(b',');
            self.skip_ws();
            if self.peek() != Some(b'$') {
                self.pos = save;
                break;
            }
            params.push(self.loop_variable()?);
        }
        let (span, body) = self.head_and_body(start)?;
        self.macros.push(Arc::new(Macro {
            name,
            params,
            body,
            span,
        }));
        Some(())
    }

    /// `define_directive` up to its `#end`.
    fn define(&mut self, out: &mut Out, start: usize) -> Option<()> {
        self.open_paren();
        let name = self.loop_variable()?;
        let (span, body) = self.head_and_body(start)?;
        self.push(
            out,
            Node::Define {
                name,
                slot: 0,
                body: Arc::new(body),
                span,
            },
        );
        Some(())
    }

    /// `block_macro_call` up to its `#end`, or a `lone` `#` when none starts here.
    fn block_call(&mut self, out: &mut Out, start: usize) -> Option<()> {
        let name_at = start + 2;
        let len = self.ident_len(name_at);
        if len == 0 || !self.paren_follows(name_at + len) {
            out.push_slice(self.text, start, start + 1);
            self.pos = start + 1;
            return Some(());
        }
        let mark = self.mark();
        self.pos = name_at + len;
        self.open_paren();
        let args = match self.exprs_until(b')', None, true) {
            Ok(args) => args,
            Err(Miss::NoMatch) => {
                self.reset(mark);
                out.push_slice(self.text, start, start + 1);
                self.pos = start + 1;
                return Some(());
            }
            Err(Miss::GiveUp) => return None,
        };
        let name: Box<str> = self.text[name_at..name_at + len].into();
        let span = self.head_end(start, true);
        self.open()?;
        let body = self.body()?;
        let text = self.span(start, self.pos);
        self.push(
            out,
            Node::MacroCall(Box::new(MacroCall {
                name,
                args,
                span,
                text,
                body: Some(Arc::new(body)),
            })),
        );
        Some(())
    }

    /// `literal_directive` up to its `#end`: the body is parsed (a `#macro` in
    /// it is defined), then kept as text. Other `#literal…` forms are left to pest.
    fn literal(&mut self, out: &mut Out, start: usize) -> Option<()> {
        let braced = self.at(start + 1) == Some(&b'{');
        let end = start + if braced { 10 } else { 8 };
        if !self.paren_follows(end) {
            return None;
        }
        self.pos = end;
        self.open_paren();
        self.close_paren()?;
        self.head_end(start, true);
        let body_start = self.pos;
        self.open()?;
        let nodes = self.nodes.len();
        self.body()?;
        self.nodes.truncate(nodes);
        let text = super::build::literal_text(&self.text[body_start..self.last_end]);
        out.push_owned(self.text, &text);
        Some(())
    }

    /// `macro_call`, or a `lone` `#` when none starts here.
    fn macro_call(&mut self, out: &mut Out, start: usize) -> Option<()> {
        let braced = self.at(start + 1) == Some(&b'{');
        let name_at = start + 1 + usize::from(braced);
        let len = self.ident_len(name_at);
        let name_end = name_at + len;
        // `{name}` needs its closing brace.
        let end = name_end + usize::from(braced);
        let is_call = len > 0
            && !BLOCK_WORDS.contains(&&self.b[name_at..name_end])
            && (!braced || self.at(name_end) == Some(&b'}'))
            && self.paren_follows(end);
        if !is_call {
            out.push_slice(self.text, start, start + 1);
            self.pos = start + 1;
            return Some(());
        }
        let mark = self.mark();
        self.pos = end;
        self.open_paren();
        // `macro_arguments`: expressions, commas optional.
        let args = match self.exprs_until(b')', None, true) {
            Ok(args) => args,
            Err(Miss::NoMatch) => {
                // Not a macro call after all: a `lone` `#`.
                self.reset(mark);
                out.push_slice(self.text, start, start + 1);
                self.pos = start + 1;
                return Some(());
            }
            Err(Miss::GiveUp) => return None,
        };
        let name: Box<str> = self.text[name_at..name_at + len].into();
        let span = self.head_end(start, true);
        let text = self.span(start, self.pos);
        self.push(
            out,
            Node::MacroCall(Box::new(MacroCall {
                name,
                args,
                span,
                text,
                body: None,
            })),
        );
        Some(())
    }

    // -- references ---------------------------------------------------------------

    /// Whether a `reference` can start at `at`: `$`, `!`?, then a name or `{`
    /// and a name. (In text, one that starts with `{` and does not parse is an
    /// `unclosed_reference` error.)
    fn at_reference(&self, at: usize) -> bool {
        let mut i = at + 1;
        if self.at(i) == Some(&b'!') {
            i += 1;
        }
        if self.at(i) == Some(&b'{') {
            i += 1;
        }
        is_ident_start(self.at(i))
    }

    /// A `reference` at the cursor.
    fn reference_here(&mut self) -> Parsed<Reference> {
        if self.peek() == Some(b'$') && self.at_reference(self.pos) {
            self.reference()
        } else {
            Err(Miss::NoMatch)
        }
    }

    /// `reference` (known to start at the cursor). Each segment is tried as pest
    /// tries it: a `method_call` whose arguments do not parse is a `property`,
    /// and an `index` that does not parse ends the reference.
    fn reference(&mut self) -> Parsed<Reference> {
        let start = self.pos;
        self.pos += 1;
        let quiet = self.eat(b'!');
        let braced = self.eat(b'{');
        let root: Box<str> = self.identifier()?.into();
        let base = self.segments.len();
        loop {
            let seg_start = self.pos;
            match self.peek() {
                Some(b'.') => {
                    let len = self.ident_len(seg_start + 1);
                    if len == 0 {
                        break;
                    }
                    let name: Box<str> = self.text[seg_start + 1..seg_start + 1 + len].into();
                    self.pos = seg_start + 1 + len;
                    let segment = if self.peek() == Some(b'(') {
                        let mark = self.mark();
                        self.pos += 1;
                        // `method_call`: `(` ws arguments ws `)`.
                        self.skip_ws();
                        match self.exprs_until(b')', None, false) {
                            Ok(args) => Segment::Method(
                                name,
                                args,
                                self.span(seg_start, self.pos),
                                IndexHint::default(),
                            ),
                            Err(Miss::NoMatch) => {
                                self.reset(mark);
                                Segment::Property(
                                    name,
                                    self.span(seg_start, self.pos),
                                    IndexHint::default(),
                                )
                            }
                            Err(Miss::GiveUp) => return Err(Miss::GiveUp),
                        }
                    } else {
                        Segment::Property(
                            name,
                            self.span(seg_start, self.pos),
                            IndexHint::default(),
                        )
                    };
                    self.segments.push(segment);
                }
                Some(b'[') => {
                    let mark = self.mark();
                    match self.bracketed(b']') {
                        Ok(index) => {
                            let span = self.span(seg_start, self.pos);
                            self.segments.push(Segment::Index(index, span));
                        }
                        Err(Miss::NoMatch) => {
                            self.reset(mark);
                            break;
                        }
                        Err(Miss::GiveUp) => return Err(Miss::GiveUp),
                    }
                }
                _ => break,
            }
        }
        if braced {
            self.expect(b'}')?;
        }
        Ok(Reference {
            root,
            slot: 0,
            segments: self.segments.drain(base..).collect(),
            quiet,
            span: self.span(start, self.pos),
        })
    }

    /// An expression in brackets (`index`: `[` ws expr ws `]`; `group`:
    /// `(expr)`), the cursor at the opening one.
    fn bracketed(&mut self, close: u8) -> Parsed<Expr> {
        self.pos += 1;
        self.skip_ws();
        let inner = self.expr()?;
        self.skip_ws();
        self.expect(close)?;
        Ok(inner)
    }

    // -- expressions --------------------------------------------------------------

    /// Expressions up to `close`, which is consumed: separated by commas
    /// (`arguments`, list items), or optionally so (`macro_arguments`). The
    /// cursor is past the opening bracket and any `ws`, or past `first`.
    fn exprs_until(
        &mut self,
        close: u8,
        first: Option<Expr>,
        commas_optional: bool,
    ) -> Parsed<Vec<Expr>> {
        let base = self.exprs.len();
        let first = match first {
            Some(first) => first,
            None if self.eat(close) => return Ok(Vec::new()),
            None => self.expr()?,
        };
        self.exprs.push(first);
        loop {
            self.skip_ws();
            if self.eat(b',') {
                self.skip_ws();
            } else if !commas_optional || self.peek() == Some(close) {
                break;
            }
            let next = self.expr()?;
            self.exprs.push(next);
        }
        self.expect(close)?;
        Ok(self.exprs.drain(base..).collect())
    }

    /// `expr`, folded with the precedences of `build.rs`'s Pratt parser.
    fn expr(&mut self) -> Parsed<Expr> {
        if self.depth >= MAX_DEPTH {
            return Err(Miss::GiveUp);
        }
        self.depth += 1;
        let terms = std::mem::replace(&mut self.terms, 0);
        let expr = self.binary(0);
        self.terms = terms;
        self.depth -= 1;
        expr
    }

    fn count_term(&mut self) -> Parsed<()> {
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(Miss::GiveUp);
        }
        Ok(())
    }

    /// Operands joined by operators binding at least as tightly as `min`. An
    /// operator without an operand after it is not part of the expression.
    fn binary(&mut self, min: u8) -> Parsed<Expr> {
        let mut lhs = self.unary()?;
        loop {
            let before = self.pos;
            self.skip_ws();
            let Some((op, len)) = self.infix_op() else {
                self.pos = before;
                return Ok(lhs);
            };
            let precedence = precedence(op);
            if precedence < min {
                self.pos = before;
                return Ok(lhs);
            }
            let mark = Mark {
                pos: before,
                ..self.mark()
            };
            self.count_term()?;
            self.pos += len;
            self.skip_ws();
            let rhs = match self.binary(precedence + 1) {
                Ok(rhs) => rhs,
                Err(Miss::NoMatch) => {
                    self.reset(mark);
                    return Ok(lhs);
                }
                Err(Miss::GiveUp) => return Err(Miss::GiveUp),
            };
            let span = lhs.span().to(rhs.span());
            lhs = Expr::Binary(op, Box::new(lhs), Box::new(rhs), span);
        }
    }

    /// `infix_op` at the cursor, and its length.
    fn infix_op(&self) -> Option<(BinaryOp, usize)> {
        let rest = &self.b[self.pos..];
        let word = |w: &[u8]| rest.starts_with(w) && !is_ident_char(rest.get(w.len()));
        let two = |s: &[u8]| rest.starts_with(s);
        Some(match *rest.first()? {
            b'|' if two(b"||") => (BinaryOp::Or, 2),
            b'o' if word(b"or") => (BinaryOp::Or, 2),
            b'&' if two(b"&&") => (BinaryOp::And, 2),
            b'a' if word(b"and") => (BinaryOp::And, 3),
            b'=' if two(b"==") => (BinaryOp::Eq, 2),
            b'e' if word(b"eq") => (BinaryOp::Eq, 2),
            b'!' if two(b"!=") => (BinaryOp::Ne, 2),
            b'n' if word(b"ne") => (BinaryOp::Ne, 2),
            b'<' if two(b"<=") => (BinaryOp::Le, 2),
            b'l' if word(b"le") => (BinaryOp::Le, 2),
            b'>' if two(b">=") => (BinaryOp::Ge, 2),
            b'g' if word(b"ge") => (BinaryOp::Ge, 2),
            b'<' => (BinaryOp::Lt, 1),
            b'l' if word(b"lt") => (BinaryOp::Lt, 2),
            b'>' => (BinaryOp::Gt, 1),
            b'g' if word(b"gt") => (BinaryOp::Gt, 2),
            b'+' => (BinaryOp::Add, 1),
            b'-' => (BinaryOp::Sub, 1),
            b'*' => (BinaryOp::Mul, 1),
            b'/' => (BinaryOp::Div, 1),
            b'%' => (BinaryOp::Rem, 1),
            _ => return None,
        })
    }

    /// `prefix_op* ~ primary`, the prefixes applied innermost first.
    fn unary(&mut self) -> Parsed<Expr> {
        self.prefixed(0)
    }

    /// [`Parser::unary`] after `n` prefix operators.
    fn prefixed(&mut self, n: usize) -> Parsed<Expr> {
        let start = self.pos;
        let (op, len) = match self.peek() {
            Some(b'!') if self.at(start + 1) != Some(&b'=') => (UnaryOp::Not, 1),
            Some(b'-') => (UnaryOp::Neg, 1),
            Some(b'n') if self.starts(start, b"not") && !is_ident_char(self.at(start + 3)) => {
                (UnaryOp::Not, 3)
            }
            _ => return self.primary(),
        };
        if n == MAX_PREFIXES {
            return Err(Miss::GiveUp);
        }
        self.count_term()?;
        self.pos += len;
        self.skip_ws();
        let rhs = self.prefixed(n + 1)?;
        let span = self.span(start, start + len).to(rhs.span());
        Ok(match (op, rhs) {
            (UnaryOp::Neg, Expr::Literal(Literal::Int(n), _)) => {
                Expr::Literal(Literal::Int(n.wrapping_neg()), span)
            }
            (UnaryOp::Neg, Expr::Literal(Literal::BigInt(n), _)) => {
                Expr::Literal(Literal::negated_big(&n), span)
            }
            (UnaryOp::Neg, Expr::Literal(Literal::Float(n), _)) => {
                Expr::Literal(Literal::Float(-n), span)
            }
            (op, rhs) => Expr::Unary(op, Box::new(rhs), span),
        })
    }

    /// `primary`
    fn primary(&mut self) -> Parsed<Expr> {
        self.count_term()?;
        let start = self.pos;
        let word =
            |p: &Parser<'_>, w: &[u8]| p.starts(start, w) && !is_ident_char(p.at(start + w.len()));
        let literal = |p: &mut Parser<'_>, literal: Literal, len: usize| {
            p.pos += len;
            Ok(Expr::Literal(literal, p.span(start, start + len)))
        };
        match self.peek() {
            Some(b'$') => Ok(Expr::Ref(Box::new(self.reference_here()?))),
            Some(b'"') => self.string_double(),
            Some(b'\'') => self.string_single(),
            Some(b'0'..=b'9') => self.number(),
            Some(b't') if word(self, b"true") => literal(self, Literal::Bool(true), 4),
            Some(b'f') if word(self, b"false") => literal(self, Literal::Bool(false), 5),
            Some(b'n') if word(self, b"null") => literal(self, Literal::Null, 4),
            Some(b'[') => self.list(),
            Some(b'{') => self.map(),
            // `group`: the expression inside, with its own span.
            Some(b'(') => self.bracketed(b')'),
            _ => Err(Miss::NoMatch),
        }
    }

    /// `number`: digits, an optional fraction, an optional exponent.
    fn number(&mut self) -> Parsed<Expr> {
        let start = self.pos;
        let digits = |p: &Parser<'_>, at: usize| {
            p.b[at.min(p.b.len())..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let mut end = start + digits(self, start);
        if self.at(end) == Some(&b'.') {
            let n = digits(self, end + 1);
            if n > 0 {
                end += 1 + n;
            }
        }
        if matches!(self.at(end), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(self.at(end + 1), Some(b'+' | b'-')));
            let n = digits(self, end + 1 + sign);
            if n > 0 {
                end += 1 + sign + n;
            }
        }
        self.pos = end;
        // A number pest matches but cannot read is an error.
        let literal = number_literal(&self.text[start..end]).map_err(|_| Miss::GiveUp)?;
        Ok(Expr::Literal(literal, self.span(start, end)))
    }

    /// The body of a string quoted with `q` (a doubled `q` is one), the cursor
    /// past its closing quote; and whether it has doubled quotes.
    fn quoted(&mut self, q: u8) -> Parsed<(usize, usize, bool)> {
        let body = self.pos + 1;
        let mut at = body;
        let mut doubled = false;
        loop {
            let i = at + memchr(q, &self.b[at..]).ok_or(Miss::NoMatch)?;
            if self.at(i + 1) == Some(&q) {
                doubled = true;
                at = i + 2;
            } else {
                self.pos = i + 1;
                return Ok((body, i, doubled));
            }
        }
    }

    /// `string_single`
    fn string_single(&mut self) -> Parsed<Expr> {
        let start = self.pos;
        let (body, end, doubled) = self.quoted(b'\'')?;
        let raw = &self.text[body..end];
        let value: Box<str> = if doubled {
            raw.replace("''", "'").into()
        } else {
            raw.into()
        };
        Ok(Expr::Literal(
            Literal::Str(value, 0),
            self.span(start, self.pos),
        ))
    }

    /// `string_double`: a template of its own when it holds `$` or `#` (one
    /// that does not parse is an error).
    fn string_double(&mut self) -> Parsed<Expr> {
        let start = self.pos;
        let (body, end, doubled) = self.quoted(b'"')?;
        let span = self.span(start, self.pos);
        let raw = &self.text[body..end];
        let text: Cow<'_, str> = if doubled {
            Cow::Owned(raw.replace("\"\"", "\""))
        } else {
            Cow::Borrowed(raw)
        };
        if memchr2(b'$', b'#', text.as_bytes()).is_none() {
            return Ok(Expr::Literal(Literal::Str(text.into(), 0), span));
        }
        // Spans inside count from the body's start (in the text without doubled quotes).
        let mut inner = Parser::new(&text, self.base + body, self.depth);
        inner.macros = std::mem::take(&mut self.macros);
        let mut nodes = inner.template().ok_or(Miss::GiveUp)?;
        self.macros = inner.macros;
        Ok(match nodes.as_slice() {
            [] => Expr::Literal(Literal::Str("".into(), 0), span),
            [Node::Text(_)] => match nodes.pop() {
                Some(Node::Text(t)) => Expr::Literal(Literal::Str(t, 0), span),
                _ => return Err(Miss::GiveUp),
            },
            _ => Expr::Interpolated(nodes, span),
        })
    }

    /// `list`: `[a, b]` or the range `[a..b]`.
    fn list(&mut self) -> Parsed<Expr> {
        let start = self.pos;
        self.pos += 1;
        self.skip_ws();
        if self.eat(b']') {
            return Ok(Expr::List(Vec::new(), self.span(start, self.pos)));
        }
        let first = self.expr()?;
        self.skip_ws();
        if self.starts(self.pos, b"..") {
            self.pos += 2;
            self.skip_ws();
            let last = self.expr()?;
            self.skip_ws();
            self.expect(b']')?;
            let span = self.span(start, self.pos);
            return Ok(Expr::Range(Box::new(first), Box::new(last), span));
        }
        let items = self.exprs_until(b']', Some(first), false)?;
        Ok(Expr::List(items, self.span(start, self.pos)))
    }

    /// `map`: `{k: v, ...}`.
    fn map(&mut self) -> Parsed<Expr> {
        let start = self.pos;
        self.pos += 1;
        self.skip_ws();
        let mut entries = Vec::new();
        if !self.eat(b'}') {
            loop {
                let key = self.expr()?;
                self.skip_ws();
                self.expect(b':')?;
                self.skip_ws();
                let value = self.expr()?;
                entries.push((key, value));
                self.skip_ws();
                if !self.eat(b',') {
                    break;
                }
                self.skip_ws();
            }
            self.expect(b'}')?;
        }
        Ok(Expr::Map(entries, self.span(start, self.pos)))
    }
}

/// The Pratt precedences of `build.rs`, loosest first.
fn precedence(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => 1,
        BinaryOp::And => 2,
        BinaryOp::Eq | BinaryOp::Ne => 3,
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => 4,
        BinaryOp::Add | BinaryOp::Sub => 5,
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => 6,
    }
}
