//! Turns pest's flat item stream into the spanned [`Template`] tree.
//!
//! No pest type leaves this module. Block directives are matched here with a
//! stack, so an unclosed `#if` or a stray `#end` is reported with both positions.

use std::sync::{Arc, LazyLock};

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser;

use super::ast::*;
use super::{Rule, VtlParser};
use crate::error::{Error, ErrorKind};
use crate::source::{Source, Span};

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::or_op, Assoc::Left))
        .op(Op::infix(Rule::and_op, Assoc::Left))
        .op(Op::infix(Rule::eq_op, Assoc::Left) | Op::infix(Rule::ne_op, Assoc::Left))
        .op(Op::infix(Rule::lt_op, Assoc::Left)
            | Op::infix(Rule::le_op, Assoc::Left)
            | Op::infix(Rule::gt_op, Assoc::Left)
            | Op::infix(Rule::ge_op, Assoc::Left))
        .op(Op::infix(Rule::add_op, Assoc::Left) | Op::infix(Rule::sub_op, Assoc::Left))
        .op(Op::infix(Rule::mul_op, Assoc::Left)
            | Op::infix(Rule::div_op, Assoc::Left)
            | Op::infix(Rule::mod_op, Assoc::Left))
        .op(Op::prefix(Rule::not_op) | Op::prefix(Rule::neg_op))
});

/// Maximum nesting of blocks and expressions accepted by the parser.
pub(crate) const MAX_NESTING: usize = 256;

/// Parses a template, collecting every error found.
pub(crate) fn build(source: &Arc<Source>) -> Result<Template, Vec<Error>> {
    let builder = Builder {
        source: source.clone(),
        errors: Vec::new(),
        macros: Vec::new(),
        depth: 0,
    };
    let text = source.text();
    if let Some((at, what)) = nesting_too_deep(text) {
        return Err(vec![Error::limit(format!(
            "{what} nest deeper than {} levels",
            if what == "brackets" {
                MAX_NESTING
            } else {
                MAX_NESTING * 4
            }
        ))
        .at(Span::new(at, at + 1))
        .in_source(source)]);
    }
    // pest and the builder recurse once per nesting level (at most MAX_NESTING):
    // make sure that much stack is there, whatever thread parses.
    stacker::maybe_grow(PARSE_STACK / 2, PARSE_STACK, || {
        build_checked(builder, source, text)
    })
}

/// Stack reserved for parsing one template.
const PARSE_STACK: usize = 8 * 1024 * 1024;

fn build_checked(
    mut builder: Builder,
    source: &Arc<Source>,
    text: &str,
) -> Result<Template, Vec<Error>> {
    let body = match VtlParser::parse(Rule::template, text) {
        Ok(mut pairs) => {
            let items = pairs.next().map(|p| p.into_inner());
            builder.block_from_items(items.into_iter().flatten(), 0, Span::new(0, text.len()))
        }
        Err(e) => {
            builder.errors.push(builder.pest_error(e, 0, "template"));
            Vec::new()
        }
    };
    if builder.errors.is_empty() {
        Ok(Template {
            source: source.clone(),
            body,
            macros: builder.macros,
            names: Arc::new([]),
            string_literals: 0,
        })
    } else {
        builder.errors.sort_by_key(|e| e.span().map(|s| s.start));
        Err(builder.errors)
    }
}

/// Where brackets or directive blocks nest deeper than the parser allows (pest
/// recurses per bracket, so this is checked before parsing; blocks are counted
/// roughly here and exactly, against [`MAX_NESTING`], while building).
pub(super) fn nesting_too_deep(text: &str) -> Option<(usize, &'static str)> {
    let mut depth = 0usize;
    let mut blocks = 0usize;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some((i, "brackets"));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'#' => {
                let rest = &bytes[i + 1..];
                let rest = rest.strip_prefix(b"{").unwrap_or(rest);
                let opens = [
                    &b"if"[..],
                    b"foreach",
                    b"@",
                    b"literal",
                    b"define",
                    b"macro",
                ];
                if opens.iter().any(|w| rest.starts_with(w)) {
                    blocks += 1;
                    if blocks > MAX_NESTING * 4 {
                        return Some((i, "directive blocks"));
                    }
                } else if rest.starts_with(b"end") {
                    blocks = blocks.saturating_sub(1);
                }
            }
            _ => {}
        }
    }
    None
}

struct Builder {
    source: Arc<Source>,
    errors: Vec<Error>,
    macros: Vec<Arc<Macro>>,
    depth: usize,
}

/// A block being filled while its `#end` is looked for.
enum Frame {
    If {
        node: If,
        current: Block,
        in_else: bool,
        head: Span,
        directive: &'static str,
    },
    Foreach {
        var: Box<str>,
        iterable: Expr,
        body: Block,
        head: Span,
    },
    Macro {
        name: Box<str>,
        params: Vec<Box<str>>,
        body: Block,
        head: Span,
    },
    Define {
        name: Box<str>,
        body: Block,
        head: Span,
    },
    /// `#literal()`: the body is parsed, then printed as written.
    Literal {
        body: Block,
        head: Span,
        /// Where the body's text begins (after the line break the head ate).
        body_start: usize,
    },
    /// `#@name(args)` ... `#end`
    BlockCall {
        name: Box<str>,
        args: Vec<Expr>,
        body: Block,
        head: Span,
    },
    /// A block opened by a directive whose head did not parse.
    Broken { body: Block, head: Span },
}

impl Frame {
    fn block(&mut self) -> &mut Block {
        match self {
            Frame::If { current, .. } => current,
            Frame::Foreach { body, .. }
            | Frame::Macro { body, .. }
            | Frame::Define { body, .. }
            | Frame::Literal { body, .. }
            | Frame::BlockCall { body, .. }
            | Frame::Broken { body, .. } => body,
        }
    }

    fn head(&self) -> (Span, &'static str) {
        match self {
            Frame::If {
                head, directive, ..
            } => (*head, directive),
            Frame::Foreach { head, .. } => (*head, "#foreach"),
            Frame::Macro { head, .. } => (*head, "#macro"),
            Frame::Define { head, .. } => (*head, "#define"),
            Frame::Literal { head, .. } => (*head, "#literal"),
            Frame::BlockCall { head, .. } => (*head, "#@ macro call"),
            Frame::Broken { head, .. } => (*head, "directive"),
        }
    }
}

fn span_of(pair: &Pair<'_, Rule>, offset: usize) -> Span {
    let s = pair.as_span();
    Span::new(s.start() + offset, s.end() + offset)
}

/// The span of a directive without the line break it ate. A directive's text ends
/// in a line break only when it ate one (its `eol`: spaces or tabs, then the break),
/// so this is read from the text instead of walking the pair's children again.
fn head_span(pair: &Pair<'_, Rule>, offset: usize) -> Span {
    let full = span_of(pair, offset);
    let text = pair.as_str();
    let Some(body) = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .or_else(|| text.strip_suffix('\r'))
    else {
        return full;
    };
    let head = body.trim_end_matches([' ', '\t']);
    Span::new(full.start as usize, full.start as usize + head.len())
}

/// What Velocity 1.7 prints for `$\!name…` (see `bang_escape` in the grammar).
pub(super) fn bang_escape(text: &str) -> String {
    let slashes = text[1..].bytes().take_while(|&b| b == b'\\').count();
    let rest = &text[1 + slashes + 1..];
    let mut out = String::from("$");
    if rest.is_empty() {
        return out;
    }
    out.push_str(&"\\".repeat(slashes - 1));
    out.push('!');
    if rest.starts_with('{') {
        out.push('{');
    } else {
        let name = rest
            .bytes()
            .take_while(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            .count();
        out.push_str(&rest[..name]);
    }
    out
}

/// What Velocity 1.7 prints for the body of a `#literal()` block: its tokens,
/// not its text. A `##` comment keeps only `##` (and its line break), a `#* *#`
/// comment nothing (a `#** *#` one its `*#`), backslashes before a reference
/// are dropped, an odd run before a directive word is halved; the rest is kept.
pub(super) fn literal_text(body: &str) -> String {
    const WORDS: [&str; 15] = [
        "set", "if", "elseif", "else", "end", "foreach", "break", "stop", "return", "macro",
        "define", "include", "parse", "evaluate", "literal",
    ];
    let b = body.as_bytes();
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    let mut kept = 0;
    while i < b.len() {
        let rest = &body[i..];
        let (skip, add): (usize, &str) = if rest.starts_with("##") {
            (rest.find(['\n', '\r']).unwrap_or(rest.len()), "##")
        } else if rest.starts_with("#[[") {
            let n = rest.find("]]#").map_or(rest.len(), |e| e + 3);
            (n, &rest[..n])
        } else if let Some(c) = rest.strip_prefix("#**") {
            (c.find("*#").map_or(rest.len(), |e| e + 5), "*#")
        } else if let Some(c) = rest.strip_prefix("#*") {
            (c.find("*#").map_or(rest.len(), |e| e + 4), "")
        } else if rest.starts_with('\\') {
            let n = rest.bytes().take_while(|&c| c == b'\\').count();
            let after = &rest[n..];
            let r = after
                .strip_prefix('$')
                .map(|a| a.strip_prefix('!').unwrap_or(a));
            let r = r.map(|a| a.strip_prefix('{').unwrap_or(a));
            if r.is_some_and(|a| a.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')) {
                (n, "")
            } else if n % 2 == 1 && after.starts_with('#') && {
                let w = after[1..].strip_prefix('{').unwrap_or(&after[1..]);
                WORDS.iter().any(|k| {
                    w.starts_with(k)
                        && !w[k.len()..]
                            .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                })
            } {
                (n, &rest[..n / 2])
            } else {
                (n, &rest[..n])
            }
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        out.push_str(&body[kept..i]);
        out.push_str(add);
        i += skip;
        kept = i;
    }
    out.push_str(&body[kept..]);
    out
}

/// A text token made only of spaces and tabs (a following `#set` eats it).
pub(super) fn is_blank(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b == b' ' || b == b'\t')
}

impl Builder {
    fn error(&mut self, error: Error, span: Span) {
        self.errors.push(error.at(span).in_source(&self.source));
    }

    /// Builds the nodes of a template (or of a string literal at `offset`).
    fn block_from_items<'i>(
        &mut self,
        items: impl Iterator<Item = Pair<'i, Rule>>,
        offset: usize,
        whole: Span,
    ) -> Block {
        let mut root: Block = Vec::new();
        let mut stack: Vec<Frame> = Vec::new();
        // Blocks left open are reported below; the depth is restored either way.
        let depth_at_start = self.depth;
        // The last item was a text token made only of spaces and tabs: a following
        // `#set` eats it (Velocity 1.7's SET_DIRECTIVE token includes it).
        let mut last_blank_text = false;
        for pair in items {
            let rule = pair.as_rule();
            let span = span_of(&pair, offset);
            let blank_text = rule == Rule::text && is_blank(pair.as_str());
            macro_rules! push {
                ($node:expr) => {{
                    let node = $node;
                    match stack.last_mut() {
                        Some(frame) => frame.block().push(node),
                        None => root.push(node),
                    }
                }};
            }
            match rule {
                Rule::text => push!(Node::Text(pair.as_str().into())),
                Rule::lone => {
                    let text = if pair.as_str() == "$!" {
                        "$"
                    } else {
                        pair.as_str()
                    };
                    push!(Node::Text(text.into()))
                }
                Rule::comment_line | Rule::comment_block => {}
                Rule::comment_unclosed => self.error(
                    Error::syntax("`#*` comment is never closed with `*#`"),
                    Span::new(span.start as usize, span.start as usize + 2),
                ),
                Rule::unparsed_unclosed => self.error(
                    Error::syntax("`#[[` is never closed with `]]#`"),
                    Span::new(span.start as usize, span.start as usize + 3),
                ),
                Rule::unclosed_reference => self.error(
                    Error::syntax(
                        "`${` is never closed with `}` (or what follows is not a reference)",
                    ),
                    span,
                ),
                Rule::bang_escape => push!(Node::Text(bang_escape(pair.as_str()).into())),
                Rule::unparsed => {
                    let body = pair.into_inner().next().map(|p| p.as_str()).unwrap_or("");
                    push!(Node::Text(body.into()))
                }
                Rule::escaped_reference => {
                    let mut inner = pair.into_inner();
                    let backslashes = inner.next().map(|p| p.as_str().len()).unwrap_or(0) as u32;
                    if let Some(r) = inner.next() {
                        let reference = self.reference(r, offset);
                        push!(Node::EscapedRef {
                            backslashes,
                            reference: Box::new(reference),
                        })
                    }
                }
                Rule::escaped_directive => {
                    let text = pair.as_str();
                    let n = text.bytes().take_while(|&b| b == b'\\').count();
                    // Only odd runs reach here: half the backslashes, then the
                    // directive keyword as text.
                    let mut out = "\\".repeat(n / 2);
                    out.push_str(&text[n..]);
                    push!(Node::Text(out.into()))
                }
                Rule::directive_backslashes => {
                    push!(Node::Text("\\".repeat(pair.as_str().len() / 2).into()))
                }
                Rule::reference => {
                    let reference = self.reference(pair, offset);
                    push!(Node::Ref(Box::new(reference)))
                }
                Rule::set_directive => {
                    let head = head_span(&pair, offset);
                    let mut inner = pair.into_inner();
                    let target = inner.next().map(|p| self.reference(p, offset));
                    let value = inner.next().map(|p| self.expr(p, offset));
                    if let (Some(target), Some(value)) = (target, value) {
                        if matches!(target.segments.last(), Some(Segment::Method(..))) {
                            self.error(
                                Error::syntax("`#set` cannot assign to a method call"),
                                target.span,
                            );
                        }
                        if last_blank_text {
                            let block = match stack.last_mut() {
                                Some(frame) => frame.block(),
                                None => &mut root,
                            };
                            if matches!(block.last(), Some(Node::Text(t)) if is_blank(t)) {
                                block.pop();
                            }
                        }
                        push!(Node::Set(Box::new(Set {
                            target,
                            value,
                            span: head,
                        })))
                    }
                }
                Rule::if_directive => {
                    let head = head_span(&pair, offset);
                    let condition = self.first_expr(pair, offset);
                    self.open(&mut stack, head);
                    stack.push(Frame::If {
                        node: If {
                            branches: vec![Branch {
                                condition,
                                body: Vec::new(),
                                span: head,
                            }],
                            otherwise: None,
                            else_span: None,
                        },
                        current: Vec::new(),
                        in_else: false,
                        head,
                        directive: "#if",
                    });
                }
                Rule::elseif_directive => {
                    let head = head_span(&pair, offset);
                    let condition = self.first_expr(pair, offset);
                    match stack.last_mut() {
                        Some(Frame::If {
                            node,
                            current,
                            in_else: false,
                            ..
                        }) => {
                            let body = std::mem::take(current);
                            if let Some(last) = node.branches.last_mut() {
                                last.body = body;
                            }
                            node.branches.push(Branch {
                                condition,
                                body: Vec::new(),
                                span: head,
                            });
                        }
                        Some(Frame::If { in_else: true, .. }) => {
                            self.error(Error::syntax("`#elseif` after `#else`"), head)
                        }
                        _ => self.error(
                            Error::new(ErrorKind::Stray {
                                directive: "#elseif".into(),
                            }),
                            head,
                        ),
                    }
                }
                Rule::else_directive => {
                    let head = head_span(&pair, offset);
                    match stack.last_mut() {
                        Some(Frame::If {
                            node,
                            current,
                            in_else,
                            ..
                        }) if !*in_else => {
                            let body = std::mem::take(current);
                            if let Some(last) = node.branches.last_mut() {
                                last.body = body;
                            }
                            node.else_span = Some(head);
                            *in_else = true;
                        }
                        Some(Frame::If { .. }) => {
                            self.error(Error::syntax("a second `#else` in one `#if`"), head)
                        }
                        _ => self.error(
                            Error::new(ErrorKind::Stray {
                                directive: "#else".into(),
                            }),
                            head,
                        ),
                    }
                }
                Rule::end_directive => {
                    let head = head_span(&pair, offset);
                    match stack.pop() {
                        Some(frame) => {
                            self.depth = self.depth.saturating_sub(1);
                            if let Some(node) = self.close(frame, span) {
                                push!(node)
                            }
                        }
                        None => self.error(
                            Error::new(ErrorKind::Stray {
                                directive: "#end".into(),
                            }),
                            head,
                        ),
                    }
                }
                Rule::foreach_directive => {
                    let head = head_span(&pair, offset);
                    let mut inner = pair.into_inner();
                    let var = inner
                        .next()
                        .and_then(|p| p.into_inner().next())
                        .map(|p| p.as_str().into())
                        .unwrap_or_default();
                    let iterable = inner
                        .next()
                        .map(|p| self.expr(p, offset))
                        .unwrap_or(Expr::Literal(Literal::Null, head));
                    self.open(&mut stack, head);
                    stack.push(Frame::Foreach {
                        var,
                        iterable,
                        body: Vec::new(),
                        head,
                    });
                }
                Rule::break_directive => {
                    let head = head_span(&pair, offset);
                    let target = pair
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::reference)
                        .map(|p| Box::new(self.reference(p, offset)));
                    push!(Node::Break { target, span: head })
                }
                Rule::stop_directive => push!(Node::Stop(head_span(&pair, offset))),
                Rule::return_directive => {
                    let head = head_span(&pair, offset);
                    let value = pair
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::expr)
                        .map(|p| self.expr(p, offset));
                    push!(Node::Return { value, span: head })
                }
                Rule::macro_directive => {
                    let head = head_span(&pair, offset);
                    let mut inner = pair.into_inner();
                    let name: Box<str> =
                        inner.next().map(|p| p.as_str().into()).unwrap_or_default();
                    let params = inner
                        .filter(|p| p.as_rule() == Rule::macro_parameter)
                        .filter_map(|p| p.into_inner().next())
                        .map(|p| p.as_str().into())
                        .collect();
                    self.open(&mut stack, head);
                    stack.push(Frame::Macro {
                        name,
                        params,
                        body: Vec::new(),
                        head,
                    });
                }
                Rule::define_directive => {
                    let head = head_span(&pair, offset);
                    let name = pair
                        .into_inner()
                        .next()
                        .and_then(|p| p.into_inner().next())
                        .map(|p| p.as_str().into())
                        .unwrap_or_default();
                    self.open(&mut stack, head);
                    stack.push(Frame::Define {
                        name,
                        body: Vec::new(),
                        head,
                    });
                }
                Rule::macro_call => {
                    let call_span = head_span(&pair, offset);
                    let mut inner = pair.into_inner();
                    let name: Box<str> =
                        inner.next().map(|p| p.as_str().into()).unwrap_or_default();
                    let args = inner
                        .find(|p| p.as_rule() == Rule::macro_arguments)
                        .map(|p| p.into_inner().map(|e| self.expr(e, offset)).collect())
                        .unwrap_or_default();
                    push!(Node::MacroCall(Box::new(MacroCall {
                        name,
                        args,
                        span: call_span,
                        text: span,
                        body: None,
                    })))
                }
                Rule::block_macro_call => {
                    let head = head_span(&pair, offset);
                    let mut inner = pair.into_inner();
                    let name: Box<str> =
                        inner.next().map(|p| p.as_str().into()).unwrap_or_default();
                    let args = inner
                        .find(|p| p.as_rule() == Rule::macro_arguments)
                        .map(|p| p.into_inner().map(|e| self.expr(e, offset)).collect())
                        .unwrap_or_default();
                    self.open(&mut stack, head);
                    stack.push(Frame::BlockCall {
                        name,
                        args,
                        body: Vec::new(),
                        head,
                    });
                }
                Rule::literal_directive => {
                    let head = head_span(&pair, offset);
                    self.open(&mut stack, head);
                    stack.push(Frame::Literal {
                        body: Vec::new(),
                        head,
                        body_start: span.end as usize,
                    });
                }
                Rule::bad_directive => {
                    let error = self.explain_bad_directive(pair.as_str(), span.start as usize);
                    self.errors.push(error);
                    let opens = [
                        "#if",
                        "#{if}",
                        "#foreach",
                        "#{foreach}",
                        "#macro",
                        "#{macro}",
                        "#define",
                        "#{define}",
                        "#literal",
                        "#{literal}",
                    ]
                    .iter()
                    .any(|k| pair.as_str().starts_with(k) && !pair.as_str().starts_with("#ifx"));
                    if opens {
                        self.depth += 1;
                        stack.push(Frame::Broken {
                            body: Vec::new(),
                            head: span,
                        });
                    }
                }
                Rule::EOI => {}
                _ => {}
            }
            last_blank_text = blank_text;
        }
        for frame in stack.into_iter().rev() {
            let (head, directive) = frame.head();
            if matches!(frame, Frame::Broken { .. }) {
                continue;
            }
            let at = self.source.line_col(head.start as usize);
            self.error(
                Error::new(ErrorKind::Unclosed {
                    directive: directive.into(),
                    opened_at: at.to_string(),
                })
                .with_note(
                    Span::new(whole.end as usize, whole.end as usize),
                    "expected `#end` before the end",
                ),
                head,
            );
        }
        self.depth = depth_at_start;
        merge_text(&mut root);
        root
    }

    fn open(&mut self, stack: &mut [Frame], head: Span) {
        let _ = stack;
        self.depth += 1;
        if self.depth > MAX_NESTING {
            self.error(
                Error::limit(format!(
                    "directives and expressions nest deeper than {MAX_NESTING} levels"
                )),
                head,
            );
        }
    }

    /// Turns a finished frame into its node (macros are registered instead);
    /// `end` is the `#end` that closed it, with the line break it ate.
    fn close(&mut self, frame: Frame, end: Span) -> Option<Node> {
        match frame {
            Frame::If {
                mut node,
                mut current,
                in_else,
                ..
            } => {
                merge_text(&mut current);
                if in_else {
                    node.otherwise = Some(current);
                } else if let Some(last) = node.branches.last_mut() {
                    last.body = current;
                }
                for b in &mut node.branches {
                    merge_text(&mut b.body);
                }
                Some(Node::If(Box::new(node)))
            }
            Frame::Foreach {
                var,
                iterable,
                mut body,
                head,
            } => {
                merge_text(&mut body);
                Some(Node::Foreach(Box::new(Foreach {
                    var,
                    slot: 0,
                    iterable,
                    body,
                    span: head,
                })))
            }
            Frame::Macro {
                name,
                params,
                mut body,
                head,
            } => {
                merge_text(&mut body);
                self.macros.push(Arc::new(Macro {
                    name,
                    params,
                    body,
                    span: head,
                }));
                None
            }
            Frame::Define {
                name,
                mut body,
                head,
            } => {
                merge_text(&mut body);
                Some(Node::Define {
                    name,
                    slot: 0,
                    body: Arc::new(body),
                    span: head,
                })
            }
            Frame::Literal { body_start, .. } => {
                let text = self
                    .source
                    .text()
                    .get(body_start..end.start as usize)
                    .unwrap_or_default();
                Some(Node::Text(literal_text(text).into()))
            }
            Frame::BlockCall {
                name,
                args,
                mut body,
                head,
            } => {
                merge_text(&mut body);
                Some(Node::MacroCall(Box::new(MacroCall {
                    name,
                    args,
                    span: head,
                    text: Span::new(head.start as usize, end.end as usize),
                    body: Some(Arc::new(body)),
                })))
            }
            Frame::Broken { .. } => None,
        }
    }

    fn first_expr(&mut self, pair: Pair<'_, Rule>, offset: usize) -> Expr {
        let span = span_of(&pair, offset);
        pair.into_inner()
            .find(|p| p.as_rule() == Rule::expr)
            .map(|p| self.expr(p, offset))
            .unwrap_or(Expr::Literal(Literal::Null, span))
    }

    /// Re-parses a directive head that failed, to report where and why.
    fn explain_bad_directive(&self, head: &str, at: usize) -> Error {
        let keyword = head
            .trim_start_matches('#')
            .trim_start_matches('{')
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or("");
        let rule = match keyword {
            "set" => Rule::set_directive,
            "if" => Rule::if_directive,
            "elseif" => Rule::elseif_directive,
            "foreach" => Rule::foreach_directive,
            "macro" => Rule::macro_directive,
            "define" => Rule::define_directive,
            "literal" => Rule::literal_directive,
            "return" => Rule::return_directive,
            "break" => Rule::break_directive,
            _ => Rule::stop_directive,
        };
        let rest = self.source.text().get(at..).unwrap_or("");
        match VtlParser::parse(rule, rest) {
            Err(e) if error_position(&e) == 0 => {
                let shape = match keyword {
                    "set" => "`#set( $name = value )`",
                    "foreach" => "`#foreach( $item in $list )`",
                    "macro" => "`#macro( name $arg1 $arg2 )`",
                    "define" => "`#define( $name )`",
                    "literal" => "`#literal()` with nothing in the parentheses",
                    "if" | "elseif" => "a condition in parentheses, like `#if( $a == 1 )`",
                    _ => "balanced parentheses",
                };
                Error::syntax(format!("malformed `#{keyword}`: expected {shape}"))
                    .at(Span::new(at, at + head.len()))
                    .in_source(&self.source)
            }
            Err(e) => self.pest_error(e, at, &format!("#{keyword}")),
            Ok(_) => Error::syntax(format!("malformed `#{keyword}`"))
                .at(Span::new(at, at + head.len()))
                .in_source(&self.source),
        }
    }

    fn pest_error(&self, e: pest::error::Error<Rule>, offset: usize, what: &str) -> Error {
        use pest::error::ErrorVariant;
        let pos = error_position(&e) + offset;
        let text = self.source.text();
        let found = text
            .get(pos..)
            .and_then(|s| s.chars().next())
            .map(|c| match c {
                '\n' | '\r' => "the end of the line".to_string(),
                c => format!("`{c}`"),
            })
            .unwrap_or_else(|| "the end of the template".into());
        let expected = match &e.variant {
            ErrorVariant::ParsingError { positives, .. }
                if positives.contains(&Rule::identifier) && positives.contains(&Rule::quiet) =>
            {
                "a name after `$`".to_string()
            }
            ErrorVariant::ParsingError { positives, .. } => {
                let mut words: Vec<&str> = positives.iter().map(|r| describe(*r)).collect();
                words.sort_unstable();
                words.dedup();
                words.join(", ")
            }
            ErrorVariant::CustomError { message } => message.clone(),
        };
        let expected = if what == "#set" && expected == describe(Rule::property) {
            "`=` and a value".to_string()
        } else {
            expected
        };
        let message = if expected.is_empty() {
            format!("unexpected {found} in `{what}`")
        } else {
            format!("in `{what}`: expected {expected}, found {found}")
        };
        let mut message = message;
        if what == "#set" || what.starts_with("#if") || what == "#elseif" || what == "#foreach" {
            if text.get(pos..).is_some_and(|s| s.starts_with('$'))
                && text.get(pos.saturating_sub(1)..pos) == Some("$")
            {
                message.push_str(" (`$$` is a typo: write a single `$`)");
            }
            let parens = unbalanced_parens(text.get(offset..).unwrap_or(""));
            if let Some(extra) = parens {
                message.push_str(&extra);
            }
        }
        Error::syntax(message)
            .at(Span::new(pos, (pos + 1).min(text.len().max(pos))))
            .in_source(&self.source)
    }

    fn reference(&mut self, pair: Pair<'_, Rule>, offset: usize) -> Reference {
        let span = span_of(&pair, offset);
        let mut quiet = false;
        let mut root: Box<str> = "".into();
        let mut segments = Vec::new();
        for p in pair.into_inner() {
            let seg_span = span_of(&p, offset);
            match p.as_rule() {
                Rule::quiet => quiet = true,
                Rule::identifier => root = p.as_str().into(),
                Rule::property => {
                    let name = p.into_inner().next().map(|n| n.as_str()).unwrap_or("");
                    segments.push(Segment::Property(
                        name.into(),
                        seg_span,
                        IndexHint::default(),
                    ));
                }
                Rule::index => {
                    let e = p
                        .into_inner()
                        .next()
                        .map(|e| self.expr(e, offset))
                        .unwrap_or(Expr::Literal(Literal::Null, seg_span));
                    segments.push(Segment::Index(e, seg_span));
                }
                Rule::method_call => {
                    let mut inner = p.into_inner();
                    let name: Box<str> =
                        inner.next().map(|n| n.as_str().into()).unwrap_or_default();
                    let args = inner
                        .next()
                        .map(|a| a.into_inner().map(|e| self.expr(e, offset)).collect())
                        .unwrap_or_default();
                    segments.push(Segment::Method(name, args, seg_span, IndexHint::default()));
                }
                _ => {}
            }
        }
        Reference {
            root,
            slot: 0,
            segments,
            quiet,
            span,
        }
    }

    fn expr(&mut self, pair: Pair<'_, Rule>, offset: usize) -> Expr {
        let depth_at_start = self.depth;
        self.depth += 1;
        let expr = if self.depth > MAX_NESTING {
            let span = span_of(&pair, offset);
            self.error(
                Error::limit(format!(
                    "directives and expressions nest deeper than {MAX_NESTING} levels"
                )),
                span,
            );
            Expr::Literal(Literal::Null, span)
        } else {
            self.expr_inner(pair, offset)
        };
        self.depth = depth_at_start;
        expr
    }

    fn expr_inner(&mut self, pair: Pair<'_, Rule>, offset: usize) -> Expr {
        if pair.as_rule() != Rule::expr {
            return self.primary(pair, offset);
        }
        // Operator chains are folded recursively; keep them far from the stack's end.
        // (Each term takes at least one character: only long texts are counted.)
        let terms = if pair.as_str().len() > MAX_NESTING * 4 {
            pair.clone().into_inner().count()
        } else {
            0
        };
        if terms > MAX_NESTING * 4 {
            let span = span_of(&pair, offset);
            self.error(
                Error::limit(format!(
                    "an expression with {terms} operators and operands is longer than the {} allowed",
                    MAX_NESTING * 4
                )),
                Span::new(span.start as usize, span.start as usize + 1),
            );
            return Expr::Literal(Literal::Null, span);
        }
        let this = std::cell::RefCell::new(self);
        PRATT
            .map_primary(|p| this.borrow_mut().primary(p, offset))
            .map_prefix(|op, rhs| {
                let span = span_of(&op, offset).to(rhs.span());
                match (op.as_rule(), rhs) {
                    (Rule::neg_op, Expr::Literal(Literal::Int(n), _)) => {
                        Expr::Literal(Literal::Int(n.wrapping_neg()), span)
                    }
                    (Rule::neg_op, Expr::Literal(Literal::BigInt(n), _)) => {
                        Expr::Literal(Literal::negated_big(&n), span)
                    }
                    (Rule::neg_op, Expr::Literal(Literal::Float(n), _)) => {
                        Expr::Literal(Literal::Float(-n), span)
                    }
                    (Rule::neg_op, rhs) => Expr::Unary(UnaryOp::Neg, Box::new(rhs), span),
                    (_, rhs) => Expr::Unary(UnaryOp::Not, Box::new(rhs), span),
                }
            })
            .map_infix(|lhs, op, rhs| {
                let span = lhs.span().to(rhs.span());
                let op = match op.as_rule() {
                    Rule::or_op => BinaryOp::Or,
                    Rule::and_op => BinaryOp::And,
                    Rule::eq_op => BinaryOp::Eq,
                    Rule::ne_op => BinaryOp::Ne,
                    Rule::lt_op => BinaryOp::Lt,
                    Rule::le_op => BinaryOp::Le,
                    Rule::gt_op => BinaryOp::Gt,
                    Rule::ge_op => BinaryOp::Ge,
                    Rule::add_op => BinaryOp::Add,
                    Rule::sub_op => BinaryOp::Sub,
                    Rule::mul_op => BinaryOp::Mul,
                    Rule::div_op => BinaryOp::Div,
                    _ => BinaryOp::Rem,
                };
                Expr::Binary(op, Box::new(lhs), Box::new(rhs), span)
            })
            .parse(pair.into_inner())
    }

    fn primary(&mut self, pair: Pair<'_, Rule>, offset: usize) -> Expr {
        let span = span_of(&pair, offset);
        match pair.as_rule() {
            Rule::true_lit => Expr::Literal(Literal::Bool(true), span),
            Rule::false_lit => Expr::Literal(Literal::Bool(false), span),
            Rule::null_lit => Expr::Literal(Literal::Null, span),
            Rule::number => self.number(pair.as_str(), span),
            Rule::string_single => {
                let body = pair.into_inner().next().map(|p| p.as_str()).unwrap_or("");
                Expr::Literal(Literal::Str(body.replace("''", "'").into(), 0), span)
            }
            Rule::string_double => {
                let body_pair = pair.into_inner().next();
                let (body, body_start) = body_pair
                    .map(|p| (p.as_str(), p.as_span().start() + offset))
                    .unwrap_or(("", span.start as usize + 1));
                self.interpolated(body, body_start, span)
            }
            Rule::reference => Expr::Ref(Box::new(self.reference(pair, offset))),
            Rule::list => {
                let inner: Vec<_> = pair.into_inner().collect();
                if inner.iter().any(|p| p.as_rule() == Rule::range_dots) {
                    let mut ends = inner.into_iter().filter(|p| p.as_rule() == Rule::expr);
                    let from = ends.next().map(|p| self.expr(p, offset));
                    let to = ends.next().map(|p| self.expr(p, offset));
                    match (from, to) {
                        (Some(a), Some(b)) => Expr::Range(Box::new(a), Box::new(b), span),
                        _ => Expr::Literal(Literal::Null, span),
                    }
                } else {
                    Expr::List(
                        inner.into_iter().map(|p| self.expr(p, offset)).collect(),
                        span,
                    )
                }
            }
            Rule::map => {
                let entries = pair
                    .into_inner()
                    .filter_map(|entry| {
                        let mut kv = entry.into_inner();
                        let k = kv.next()?;
                        let v = kv.next()?;
                        Some((self.expr(k, offset), self.expr(v, offset)))
                    })
                    .collect();
                Expr::Map(entries, span)
            }
            Rule::group | Rule::expr => {
                if pair.as_rule() == Rule::expr {
                    return self.expr(pair, offset);
                }
                match pair.into_inner().next() {
                    Some(e) => self.expr(e, offset),
                    None => Expr::Literal(Literal::Null, span),
                }
            }
            _ => Expr::Literal(Literal::Null, span),
        }
    }

    fn number(&mut self, text: &str, span: Span) -> Expr {
        match number_literal(text) {
            Ok(literal) => Expr::Literal(literal, span),
            Err(message) => {
                self.error(Error::syntax(message), span);
                Expr::Literal(Literal::Null, span)
            }
        }
    }

    /// A double-quoted string: a template of its own when it holds `$` or `#`.
    fn interpolated(&mut self, raw: &str, body_start: usize, span: Span) -> Expr {
        let text = raw.replace("\"\"", "\"");
        if !text.contains(['$', '#']) {
            return Expr::Literal(Literal::Str(text.into(), 0), span);
        }
        // Spans inside stay exact unless doubled quotes shifted them.
        let parsed = VtlParser::parse(Rule::string_template, &text);
        match parsed {
            Ok(mut pairs) => {
                let items = pairs.next().map(|p| p.into_inner());
                let body = self.block_from_items(
                    items.into_iter().flatten(),
                    body_start,
                    Span::new(body_start, body_start + text.len()),
                );
                match body.as_slice() {
                    [] => Expr::Literal(Literal::Str("".into(), 0), span),
                    [Node::Text(t)] => Expr::Literal(Literal::Str(t.clone(), 0), span),
                    _ => Expr::Interpolated(body, span),
                }
            }
            Err(e) => {
                let err = self.pest_error(e, body_start, "string");
                self.errors.push(err);
                Expr::Literal(Literal::Null, span)
            }
        }
    }
}

/// The value of a `number` token, or why it has none.
pub(super) fn number_literal(text: &str) -> Result<Literal, String> {
    if text.contains(['.', 'e', 'E']) {
        text.parse::<f64>()
            .map(Literal::Float)
            .map_err(|_| format!("`{text}` is not a number"))
    } else {
        match text.parse::<i64>() {
            Ok(i) => Ok(Literal::Int(i)),
            // Velocity 1.7 reads `Integer`, else `Long`, else `BigInteger`.
            Err(_) => text
                .parse::<crate::value::BigInt>()
                .map(|b| Literal::BigInt(Box::new(b)))
                .map_err(|_| format!("`{text}` is not a number")),
        }
    }
}

/// The byte offset a pest error points at.
fn error_position(e: &pest::error::Error<Rule>) -> usize {
    match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}

/// Describes an unbalanced parenthesis on the directive's line, if any.
fn unbalanced_parens(from: &str) -> Option<String> {
    let line = from.lines().next().unwrap_or("");
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth < 0 {
                    return Some("; this line has an unbalanced `)`".into());
                }
            }
            _ => {}
        }
    }
    (depth > 0).then(|| "; this line has an unclosed `(`".into())
}

/// Joins adjacent text nodes so rendering writes each run once.
fn merge_text(block: &mut Block) {
    let mut merged: Block = Vec::with_capacity(block.len());
    for node in block.drain(..) {
        match (merged.last_mut(), node) {
            (Some(Node::Text(prev)), Node::Text(next)) => {
                let mut s = String::with_capacity(prev.len() + next.len());
                s.push_str(prev);
                s.push_str(&next);
                *prev = s.into();
            }
            (_, node) => merged.push(node),
        }
    }
    *block = merged;
}

/// Words for grammar rules in error messages.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::expr | Rule::primary => "an expression",
        Rule::reference => "a reference like `$name`",
        Rule::identifier => "a name",
        Rule::quiet => "`!`",
        Rule::string_double | Rule::string_single => "a string",
        Rule::number => "a number",
        Rule::or_op | Rule::and_op => "a logical operator",
        Rule::eq_op | Rule::ne_op | Rule::lt_op | Rule::le_op | Rule::gt_op | Rule::ge_op => {
            "a comparison"
        }
        Rule::add_op | Rule::sub_op | Rule::mul_op | Rule::div_op | Rule::mod_op => {
            "an arithmetic operator"
        }
        Rule::method_call | Rule::property | Rule::index => "`.name`, `[index]` or a call",
        Rule::arguments | Rule::macro_arguments => "arguments",
        Rule::loop_variable => "a loop variable like `$item`",
        Rule::macro_parameter => "a parameter like `$name`",
        Rule::eol => "the end of the line",
        Rule::EOI => "the end of the template",
        _ => "more input",
    }
}
