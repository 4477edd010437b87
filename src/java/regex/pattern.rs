//! Java's pattern syntax, read the way `java.util.regex.Pattern` (OpenJDK 17)
//! reads it, written out for `fancy-regex`.
//!
//! The parser follows `Pattern`'s own recursive descent method by method
//! (`expr`, `sequence`, `atom`, `escape`, `clazz`, `range`, `family`, `group0`,
//! `closure`), on the same array of code points with the same cursor moves, so
//! a pattern Java refuses is refused with Java's description at Java's index.
//! What it builds is a small tree whose leaves are explicit character sets
//! (Java's `\w`, `\s`, `.`, `(?i)` and classes are not `fancy-regex`'s), and
//! whose anchors are written as the look-arounds that give them Java's meaning.
//! Constructs without backtracking stay plain, so `fancy-regex` hands them to
//! its linear-time engine.

use std::fmt::Write;

use super::props::{self, Set};

const UNIX_LINES: u32 = 0x01;
const CASE_INSENSITIVE: u32 = 0x02;
const COMMENTS: u32 = 0x04;
const MULTILINE: u32 = 0x08;
const DOTALL: u32 = 0x20;
const UNICODE_CASE: u32 = 0x40;
const CANON_EQ: u32 = 0x80;
const UNICODE_CHARACTER_CLASS: u32 = 0x100;

/// Java's `MAX_REPS`: a bound this large means no bound.
const MAX_REPS: u32 = 0x7FFF_FFFF;

/// Deepest nesting of groups and classes the parser follows.
const MAX_DEPTH: usize = 200;

/// Why a pattern cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PatternError {
    /// Java throws `PatternSyntaxException(description, pattern, index)`.
    Syntax { description: String, index: i64 },
    /// Java accepts it; this engine cannot express it.
    Refused(&'static str),
}

type R<T> = Result<T, PatternError>;

/// A Java pattern written for `fancy-regex`.
#[derive(Debug)]
pub(crate) struct Translated {
    /// For `Matcher.find` (`replaceAll`, `split`).
    pub(crate) find: Variant,
    /// For `Matcher.matches` (`String.matches`): the whole input.
    pub(crate) full: Variant,
    /// The same two for ASCII text, when the pattern has a `\b` (whose Java
    /// meaning is then the linear engine's).
    pub(crate) ascii: Option<(Variant, Variant)>,
    /// Capturing groups (Java's `groupCount()`).
    pub(crate) groups: usize,
    /// Named groups and their numbers.
    pub(crate) names: Vec<(String, usize)>,
    /// Uses `\G`.
    pub(crate) last_match: bool,
}

/// One written pattern.
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    pub(crate) text: String,
    /// The group of `text` that is Java's match (and Java's group `n` is
    /// `n + offset`): 1 when a trailing `$` was written as a suffix.
    pub(crate) offset: usize,
}

/// Reads a Java pattern.
pub(crate) fn translate(java: &str) -> R<Translated> {
    let mut p = Parser::new(java);
    let mut node = if java.is_empty() {
        Node::Empty
    } else {
        p.compile()?
    };
    node.fence_lazy_repeats();
    let groups = p.capturing_group_count;
    let exact = Cx {
        groups,
        ascii_bound: false,
    };
    let ascii = node.has_java_bound().then(|| {
        let cx = Cx {
            groups,
            ascii_bound: true,
        };
        (
            variant(&node, Kind::Find, &cx),
            variant(&node, Kind::Full, &cx),
        )
    });
    Ok(Translated {
        find: variant(&node, Kind::Find, &exact),
        full: variant(&node, Kind::Full, &exact),
        ascii,
        groups: groups - 1,
        names: p.named_groups,
        last_match: p.last_match,
    })
}

/// What a pattern is used for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `Matcher.find` (`replaceAll`, `split`).
    Find,
    /// `Matcher.matches` (`String.matches`): the whole input.
    Full,
}

/// How the tree is written out.
struct Cx {
    /// Capturing groups and one (group 0).
    groups: usize,
    /// For ASCII text only: `\b` is the linear engine's.
    ascii_bound: bool,
}

fn variant(node: &Node, kind: Kind, cx: &Cx) -> Variant {
    if kind == Kind::Full {
        let mut text = String::from(r"\A(?:");
        node.emit(&mut text, true, cx);
        text.push_str(r")\z");
        return Variant { text, offset: 0 };
    }
    match trailing_dollar(node, cx) {
        // `X$` with `X` plain: `(X)` then the line terminator the `$` may stand
        // before, consumed, so the whole stays on the linear engine (the match
        // is group 1).
        Some((prefix, unix)) => {
            let mut text = String::from("(");
            for n in prefix {
                n.emit(&mut text, false, cx);
            }
            text.push_str(if unix {
                r")\n?\z"
            } else {
                r")(?:\r\n|[\r\x{85}\x{2028}\x{2029}]|(?Rm:$)\n)?\z"
            });
            Variant { text, offset: 1 }
        }
        None => {
            let mut text = String::new();
            node.emit(&mut text, false, cx);
            Variant { text, offset: 0 }
        }
    }
}

/// A pattern that ends with `$` (without `(?m)`) after plain parts only: the
/// parts, and whether `(?d)` was on.
fn trailing_dollar<'n>(node: &'n Node, cx: &Cx) -> Option<(Vec<&'n Node>, bool)> {
    let (prefix, last): (Vec<&Node>, &Node) = match node {
        Node::Seq(nodes) => {
            let (last, prefix) = nodes.split_last()?;
            (prefix.iter().collect(), last)
        }
        other => (Vec::new(), other),
    };
    match last {
        Node::Anchor(Anchor::Dollar {
            multiline: false,
            unix,
        }) if prefix.iter().all(|n| n.plain(cx)) => Some((prefix, *unix)),
        _ => None,
    }
}

// ---------------------------------------------------------------- the tree

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Qtype {
    Greedy,
    Lazy,
    Possessive,
}

#[derive(Debug, Clone)]
enum Group {
    Capture(Option<String>),
    NonCapture,
    Atomic,
    Ahead { negative: bool },
    Behind { negative: bool },
}

#[derive(Debug, Clone)]
enum Anchor {
    /// `\A`, and `^` without `(?m)`.
    Begin,
    /// `\z`.
    End,
    /// `$` and `\Z`.
    Dollar { multiline: bool, unix: bool },
    /// `^` under `(?m)`.
    Caret { unix: bool },
    /// `\b` (`not`: `\B`).
    Bound { not: bool, unicode: bool },
    /// `\G`.
    LastMatch,
}

#[derive(Debug, Clone)]
enum Node {
    Empty,
    Set(Set),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    Group(Box<Node>, Group),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
        kind: Qtype,
        /// Written `*`, `+` or `{n,}` (Java's `curly`), not `{n,m}`.
        open: bool,
    },
    Anchor(Anchor),
    /// `\R`.
    LineEnding,
    BackRef {
        group: usize,
        case_insensitive: bool,
    },
}

impl Node {
    /// Written without look-around, back-references or atomic groups, so
    /// `fancy-regex` can hand it to its linear-time engine.
    fn plain(&self, cx: &Cx) -> bool {
        match self {
            Node::Empty | Node::Set(_) | Node::LineEnding => true,
            Node::Anchor(Anchor::Bound { unicode, .. }) => *unicode || cx.ascii_bound,
            Node::Anchor(a) => matches!(
                a,
                Anchor::Begin
                    | Anchor::End
                    | Anchor::Dollar {
                        multiline: true,
                        unix: true
                    }
            ),
            Node::Seq(nodes) | Node::Alt(nodes) => nodes.iter().all(|n| n.plain(cx)),
            Node::Group(inner, Group::Capture(_) | Group::NonCapture) => inner.plain(cx),
            Node::Group(..) | Node::BackRef { .. } => false,
            Node::Repeat { node, kind, .. } => *kind != Qtype::Possessive && node.plain(cx),
        }
    }

    /// Has a `\b` or `\B` outside `(?U)`, written differently for ASCII text.
    fn has_java_bound(&self) -> bool {
        match self {
            Node::Anchor(Anchor::Bound { unicode, .. }) => !*unicode,
            Node::Seq(nodes) | Node::Alt(nodes) => nodes.iter().any(Node::has_java_bound),
            Node::Group(inner, _) => inner.has_java_bound(),
            Node::Repeat { node, .. } => node.has_java_bound(),
            _ => false,
        }
    }

    /// `fancy-regex` rewrites `(X+?)*` and `(?:(?:X+?)?)+` to `(X+?)?`, taking
    /// `X+?` for a repeat whose two passes one pass can match, which is true of
    /// `X+` only. A bound of `{1}` on such a lazy repeat (the same pattern)
    /// keeps it from that: every lazy repeat without a bound that is the body,
    /// or the body's body, of another repeat gets one.
    fn fence_lazy_repeats(&mut self) {
        match self {
            Node::Seq(nodes) | Node::Alt(nodes) => {
                nodes.iter_mut().for_each(Node::fence_lazy_repeats)
            }
            Node::Group(inner, _) => inner.fence_lazy_repeats(),
            Node::Repeat { node, .. } => {
                node.fence_lazy_repeats();
                let body = node.peeled_mut();
                fence(body);
                if let Node::Repeat { node: inner, .. } = body {
                    fence(inner.peeled_mut());
                }
            }
            _ => {}
        }
        fn fence(node: &mut Node) {
            if let Node::Repeat {
                kind: Qtype::Lazy,
                max: None,
                ..
            } = node
            {
                let lazy = std::mem::replace(node, Node::Empty);
                *node = Node::Repeat {
                    node: Box::new(lazy),
                    min: 1,
                    max: Some(1),
                    kind: Qtype::Greedy,
                    open: false,
                };
            }
        }
    }

    /// Inside any groups that only group (as `fancy-regex` sees them).
    fn peeled_mut(&mut self) -> &mut Node {
        match self {
            Node::Group(inner, Group::NonCapture | Group::Capture(_)) => inner.peeled_mut(),
            other => other,
        }
    }

    fn has_line_ending(&self) -> bool {
        match self {
            Node::LineEnding => true,
            Node::Seq(nodes) | Node::Alt(nodes) => nodes.iter().any(Node::has_line_ending),
            Node::Group(inner, _) => inner.has_line_ending(),
            Node::Repeat { node, .. } => node.has_line_ending(),
            _ => false,
        }
    }

    /// Matches only the empty string (so `fancy-regex` will not repeat it).
    fn zero_width(&self) -> bool {
        match self {
            Node::Empty | Node::Anchor(_) => true,
            Node::Group(_, Group::Ahead { .. } | Group::Behind { .. }) => true,
            Node::Group(inner, Group::NonCapture | Group::Atomic) => inner.zero_width(),
            Node::Seq(nodes) | Node::Alt(nodes) => nodes.iter().all(Node::zero_width),
            Node::Repeat { node, max, .. } => node.zero_width() || *max == Some(0),
            _ => false,
        }
    }

    /// Writes the node. `tail`: nothing follows it up to the end of a
    /// whole-input match, where Java's `$` can only hold at the very end.
    fn emit(&self, out: &mut String, tail: bool, cx: &Cx) {
        match self {
            Node::Empty => {}
            Node::Set(set) => emit_set(out, set),
            Node::Seq(nodes) => {
                let last = nodes.len().saturating_sub(1);
                for (i, n) in nodes.iter().enumerate() {
                    n.emit(out, tail && i == last, cx);
                }
            }
            Node::Alt(nodes) => {
                out.push_str("(?:");
                for (i, n) in nodes.iter().enumerate() {
                    if i > 0 {
                        out.push('|');
                    }
                    n.emit(out, tail, cx);
                }
                out.push(')');
            }
            Node::Group(inner, kind) => {
                let (open, inherit) = match kind {
                    Group::Capture(None) => ("(", true),
                    Group::Capture(Some(name)) => {
                        let _ = write!(out, "(?P<{name}>");
                        ("", true)
                    }
                    Group::NonCapture => ("(?:", true),
                    Group::Atomic => ("(?>", true),
                    Group::Ahead { negative: false } => ("(?=", false),
                    Group::Ahead { negative: true } => ("(?!", false),
                    Group::Behind { negative: false } => ("(?<=", false),
                    Group::Behind { negative: true } => ("(?<!", false),
                };
                out.push_str(open);
                match &**inner {
                    // The group already brackets the alternatives.
                    Node::Alt(branches) => {
                        for (i, n) in branches.iter().enumerate() {
                            if i > 0 {
                                out.push('|');
                            }
                            n.emit(out, tail && inherit, cx);
                        }
                    }
                    inner => inner.emit(out, tail && inherit, cx),
                }
                out.push(')');
            }
            Node::Repeat {
                node,
                min,
                max,
                kind,
                ..
            } => {
                if node.zero_width() {
                    // Once is as good as many; none-or-once keeps its preference.
                    if *min > 0 {
                        node.emit(out, false, cx);
                    } else if !matches!(**node, Node::Empty) {
                        out.push_str(match kind {
                            Qtype::Possessive => "(?>",
                            _ => "(?:",
                        });
                        if *kind == Qtype::Lazy {
                            out.push('|');
                            node.emit(out, false, cx);
                        } else {
                            node.emit(out, false, cx);
                            out.push('|');
                        }
                        out.push(')');
                    }
                    return;
                }
                // Java matches the body of a quantifier once per pass, without
                // coming back into it (its `Curly`, `Ques` and, for a group it
                // finds deterministic, `GroupCurly`): the only thing that
                // notices is `\R`, which then never gives back the `\n` of `\r\n`.
                let optional_group = *min == 0 && *max == Some(1) && *kind != Qtype::Possessive;
                match &**node {
                    Node::LineEnding => out.push_str(LINE_ENDING_ATOMIC),
                    Node::Group(inner, g @ (Group::Capture(_) | Group::NonCapture))
                        if !optional_group && inner.has_line_ending() && {
                            let mut info = Info::new();
                            study(&[inner], &mut info)
                        } =>
                    {
                        match g {
                            Group::Capture(Some(name)) => {
                                let _ = write!(out, "(?P<{name}>");
                            }
                            Group::Capture(None) => out.push('('),
                            _ => out.push_str("(?:"),
                        }
                        out.push_str("(?>");
                        inner.emit(out, false, cx);
                        out.push_str("))");
                    }
                    Node::Group(..) | Node::Set(_) | Node::BackRef { .. } => {
                        node.emit(out, false, cx)
                    }
                    _ => {
                        out.push_str("(?:");
                        node.emit(out, false, cx);
                        out.push(')');
                    }
                }
                let _ = match (min, max) {
                    (0, None) => write!(out, "*"),
                    (1, None) => write!(out, "+"),
                    (0, Some(1)) => write!(out, "?"),
                    (m, None) => write!(out, "{{{m},}}"),
                    (m, Some(n)) if m == n => write!(out, "{{{m}}}"),
                    (m, Some(n)) => write!(out, "{{{m},{n}}}"),
                };
                match kind {
                    Qtype::Greedy => {}
                    Qtype::Lazy => out.push('?'),
                    Qtype::Possessive => out.push('+'),
                }
            }
            Node::Anchor(anchor) => emit_anchor(out, anchor, tail, cx),
            Node::LineEnding => out.push_str(LINE_ENDING),
            Node::BackRef {
                group,
                case_insensitive,
            } => {
                if *group >= cx.groups {
                    // A group the pattern does not have never matched.
                    out.push_str(NEVER);
                } else if *case_insensitive {
                    let _ = write!(out, r"(?i:\k<{group}>)");
                } else {
                    let _ = write!(out, r"\k<{group}>");
                }
            }
        }
    }
}

/// `\R`: `\r\n`, or one line terminator (a `\r` alone when what follows fails).
const LINE_ENDING: &str = r"(?:\r\n|[\n\x0B\x0C\r\x{85}\x{2028}\x{2029}])";
/// `\R` under a quantifier.
const LINE_ENDING_ATOMIC: &str = r"(?>\r\n|[\n\x0B\x0C\r\x{85}\x{2028}\x{2029}])";

/// A set that matches nothing.
const NEVER: &str = r"[^\x{0}-\x{10FFFF}]";

fn emit_char(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || c == '_' {
        out.push(c);
    } else {
        let _ = write!(out, r"\x{{{:X}}}", c as u32);
    }
}

fn emit_set(out: &mut String, set: &Set) {
    let ranges = set.ranges();
    match ranges {
        [] => out.push_str(NEVER),
        [r] if r.start() == r.end() => emit_char(out, r.start()),
        _ => {
            out.push('[');
            for r in ranges {
                emit_char(out, r.start());
                if r.end() > r.start() {
                    out.push('-');
                    emit_char(out, r.end());
                }
            }
            out.push(']');
        }
    }
}

fn emit_anchor(out: &mut String, anchor: &Anchor, tail: bool, cx: &Cx) {
    match anchor {
        Anchor::Begin => out.push_str(r"\A"),
        Anchor::End => out.push_str(r"\z"),
        // At the end of a whole-input match, `$` holds only at the very end.
        Anchor::Dollar { .. } if tail => out.push_str(r"\z"),
        // The end, or before a line terminator at the end (`\r\n` counts as one,
        // and there is no end of line between `\r` and `\n`). `(?Rm:$)` holds
        // before a `\n` unless a `\r` precedes it.
        Anchor::Dollar {
            multiline: false,
            unix: false,
        } => out.push_str(r"(?=(?:\r\n|[\r\x{85}\x{2028}\x{2029}]|(?Rm:$)\n)?\z)"),
        Anchor::Dollar {
            multiline: false,
            unix: true,
        } => out.push_str(r"(?=\n?\z)"),
        Anchor::Dollar {
            multiline: true,
            unix: false,
        } => out.push_str(r"(?:(?Rm:$)|(?=[\x{85}\x{2028}\x{2029}]))"),
        Anchor::Dollar {
            multiline: true,
            unix: true,
        } => out.push_str(r"(?m:$)"),
        // Java's `^` under `(?m)` never matches at the end of the input.
        Anchor::Caret { unix: false } => {
            out.push_str(r"(?:\A|(?<=[\n\x{85}\x{2028}\x{2029}])|(?<=\r)(?!\n))(?!\z)")
        }
        Anchor::Caret { unix: true } => out.push_str(r"(?:\A|(?<=\n))(?!\z)"),
        // Under `(?U)` Java's word characters are Unicode's, as the linear
        // engine's `\b`; on ASCII text Java 17's are `[A-Za-z0-9_]`, as well.
        Anchor::Bound { not, unicode } if *unicode || cx.ascii_bound => {
            out.push_str(if *not { r"\B" } else { r"\b" })
        }
        Anchor::Bound { not, unicode } => {
            let mut w = String::new();
            emit_set(&mut w, &props::boundary_word(*unicode));
            let _ = if *not {
                write!(out, "(?:(?<={w})(?={w})|(?<!{w})(?!{w}))")
            } else {
                write!(out, "(?:(?<={w})(?!{w})|(?<!{w})(?={w}))")
            };
        }
        Anchor::LastMatch => out.push_str(r"\G"),
    }
}

// ---------------------------------------------------------------- study

/// Java's `TreeInfo`: what `Node.study` learns of the lengths a part matches.
/// Java refuses a look-behind whose maximum is not "obvious"; its arithmetic
/// (in `int`, wrapping) decides which, so it is copied as it is.
#[derive(Clone, Copy)]
struct Info {
    min: i32,
    max: i32,
    valid: bool,
    deterministic: bool,
}

impl Info {
    fn new() -> Info {
        Info {
            min: 0,
            max: 0,
            valid: true,
            deterministic: true,
        }
    }
}

/// `Node.study` over `chain`, the nodes in the order Java links them; returns
/// whether they are deterministic.
fn study<'a>(chain: &[&'a Node], info: &mut Info) -> bool {
    let Some((first, rest)) = chain.split_first() else {
        return info.deterministic;
    };
    let then = |extra: &[&'a Node]| -> Vec<&'a Node> {
        let mut all: Vec<&Node> = extra.to_vec();
        all.extend_from_slice(rest);
        all
    };
    match first {
        Node::Empty
        | Node::Anchor(_)
        | Node::Group(_, Group::Ahead { .. } | Group::Behind { .. }) => study(rest, info),
        Node::Set(_) => {
            info.min = info.min.wrapping_add(1);
            info.max = info.max.wrapping_add(1);
            study(rest, info)
        }
        Node::LineEnding => {
            info.min = info.min.wrapping_add(1);
            info.max = info.max.wrapping_add(2);
            study(rest, info)
        }
        Node::BackRef { .. } => {
            info.valid = false;
            study(rest, info)
        }
        Node::Seq(nodes) => {
            let nodes: Vec<&Node> = nodes.iter().collect();
            study(&then(&nodes), info)
        }
        Node::Group(inner, Group::Capture(_) | Group::NonCapture) => study(&then(&[inner]), info),
        // `(?>X)` is Java's `Ques(INDEPENDENT)`.
        Node::Group(inner, Group::Atomic) => {
            study(&[inner], info);
            study(rest, info)
        }
        Node::Alt(branches) => {
            let branches: Vec<&Node> = branches.iter().collect();
            study_branch(&branches, rest, info)
        }
        Node::Repeat {
            node,
            min,
            max,
            kind,
            open,
        } => {
            let cmax = max.unwrap_or(MAX_REPS);
            let group = matches!(
                **node,
                Node::Group(_, Group::Capture(_) | Group::NonCapture)
            );
            if *min == 0 && cmax == 1 {
                if group && *kind != Qtype::Possessive {
                    // A group's `?` is a branch between the group and nothing.
                    return study_branch(&[node, &Node::Empty], rest, info);
                }
                // `Ques`
                let min_l = info.min;
                study(&[node], info);
                info.min = min_l;
                info.deterministic = false;
                return study(rest, info);
            }
            if *open && *kind == Qtype::Greedy && matches!(**node, Node::Set(_)) {
                // `CharPropertyGreedy`: the maximum stays "valid".
                info.min = info.min.wrapping_add(*min as i32);
                if info.valid {
                    info.max = info.max.wrapping_add(MAX_REPS as i32);
                }
                info.deterministic = false;
                return study(rest, info);
            }
            if group && *kind != Qtype::Possessive {
                let mut body = Info::new();
                if !study(&[node], &mut body) {
                    // `Loop`: no maximum, and Java studies nothing after it.
                    info.valid = false;
                    info.deterministic = false;
                    return false;
                }
            }
            // `Curly` and `GroupCurly`.
            let (min_l, max_l, max_v, detm) = (info.min, info.max, info.valid, info.deterministic);
            *info = Info::new();
            study(&[node], info);
            let mut temp = info.min.wrapping_mul(*min as i32).wrapping_add(min_l);
            if temp < min_l {
                temp = 0xFFF_FFFF;
            }
            info.min = temp;
            if max_v && info.valid {
                let temp = info.max.wrapping_mul(cmax as i32).wrapping_add(max_l);
                info.max = temp;
                if temp < max_l {
                    info.valid = false;
                }
            } else {
                info.valid = false;
            }
            info.deterministic = info.deterministic && *min == cmax && detm;
            study(rest, info)
        }
    }
}

/// Java's `Branch.study`: the alternatives from scratch, then what follows.
fn study_branch(branches: &[&Node], rest: &[&Node], info: &mut Info) -> bool {
    let (mut min_l, mut max_l, mut max_v) = (info.min, info.max, info.valid);
    let mut min2 = i32::MAX;
    let mut max2 = -1;
    for branch in branches {
        *info = Info::new();
        study(&[branch], info);
        min2 = min2.min(info.min);
        max2 = max2.max(info.max);
        max_v &= info.valid;
    }
    min_l = min_l.wrapping_add(min2);
    max_l = max_l.wrapping_add(max2);
    *info = Info::new();
    study(rest, info);
    info.min = info.min.wrapping_add(min_l);
    info.max = info.max.wrapping_add(max_l);
    info.valid &= max_v;
    info.deterministic = false;
    false
}

// ---------------------------------------------------------------- the parser

/// What `escape` found: a character, or (Java's `-1`) a construct left in
/// `root` (outside a class) or `predicate` (a class).
enum Esc {
    Char(u32),
    Node,
}

struct Parser {
    /// The pattern as code points, then two zeros (`temp`).
    temp: Vec<u32>,
    cursor: usize,
    pattern_length: usize,
    flags0: u32,
    capturing_group_count: usize,
    named_groups: Vec<(String, usize)>,
    last_match: bool,
    /// The construct `escape` made (Java's `root` double return).
    root: Option<Node>,
    /// The class `escape` made (Java's `predicate`).
    predicate: Option<Set>,
    depth: usize,
}

fn is_space(c: u32) -> bool {
    matches!(c, 0x20 | 0x09..=0x0D)
}

fn is_digit(c: u32) -> bool {
    (b'0' as u32..=b'9' as u32).contains(&c)
}

fn is_alpha(c: u32) -> bool {
    char::from_u32(c).is_some_and(|c| c.is_ascii_alphabetic())
}

fn is_hex(c: u32) -> bool {
    char::from_u32(c).is_some_and(|c| c.is_ascii_hexdigit())
}

fn hex_value(c: u32) -> u32 {
    char::from_u32(c).and_then(|c| c.to_digit(16)).unwrap_or(0)
}

const fn c(ch: char) -> u32 {
    ch as u32
}

fn display(ch: u32) -> String {
    // Java prints `(char) ch`.
    char::from_u32(ch).map_or_else(|| "\u{FFFD}".to_string(), String::from)
}

impl Parser {
    fn new(java: &str) -> Parser {
        let mut temp: Vec<u32> = java.chars().map(|ch| ch as u32).collect();
        let pattern_length = temp.len();
        temp.extend([0, 0]);
        Parser {
            temp,
            cursor: 0,
            pattern_length,
            flags0: 0,
            capturing_group_count: 1,
            named_groups: Vec::new(),
            last_match: false,
            root: None,
            predicate: None,
            depth: 0,
        }
    }

    // ----- Java's cursor primitives

    fn at(&self, i: usize) -> u32 {
        self.temp.get(i).copied().unwrap_or(0)
    }

    fn has(&self, f: u32) -> bool {
        self.flags0 & f != 0
    }

    fn error(&self, description: impl Into<String>) -> PatternError {
        PatternError::Syntax {
            description: description.into(),
            index: self.cursor as i64 - 1,
        }
    }

    fn peek(&mut self) -> u32 {
        let ch = self.at(self.cursor);
        if self.has(COMMENTS) {
            self.peek_past_whitespace(ch)
        } else {
            ch
        }
    }

    fn read(&mut self) -> u32 {
        let ch = self.at(self.cursor);
        self.cursor += 1;
        if self.has(COMMENTS) {
            self.parse_past_whitespace(ch)
        } else {
            ch
        }
    }

    fn next(&mut self) -> u32 {
        self.cursor += 1;
        let ch = self.at(self.cursor);
        if self.has(COMMENTS) {
            self.peek_past_whitespace(ch)
        } else {
            ch
        }
    }

    fn next_escaped(&mut self) -> u32 {
        self.cursor += 1;
        self.at(self.cursor)
    }

    fn skip(&mut self) -> u32 {
        let ch = self.at(self.cursor + 1);
        self.cursor += 2;
        ch
    }

    fn unread(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    fn accept(&mut self, ch: u32, description: &str) -> R<()> {
        let mut test = self.at(self.cursor);
        self.cursor += 1;
        if self.has(COMMENTS) {
            test = self.parse_past_whitespace(test);
        }
        if ch != test {
            return Err(self.error(description));
        }
        Ok(())
    }

    fn is_line_separator(&self, ch: u32) -> bool {
        if self.has(UNIX_LINES) {
            ch == c('\n')
        } else {
            ch == c('\n') || ch == c('\r') || (ch | 1) == 0x2029 || ch == 0x85
        }
    }

    fn peek_past_whitespace(&mut self, mut ch: u32) -> u32 {
        while is_space(ch) || ch == c('#') {
            while is_space(ch) {
                self.cursor += 1;
                ch = self.at(self.cursor);
            }
            if ch == c('#') {
                ch = self.peek_past_line();
            }
        }
        ch
    }

    fn parse_past_whitespace(&mut self, mut ch: u32) -> u32 {
        while is_space(ch) || ch == c('#') {
            while is_space(ch) {
                ch = self.at(self.cursor);
                self.cursor += 1;
            }
            if ch == c('#') {
                ch = self.parse_past_line();
            }
        }
        ch
    }

    fn parse_past_line(&mut self) -> u32 {
        let mut ch = self.at(self.cursor);
        self.cursor += 1;
        while ch != 0 && !self.is_line_separator(ch) {
            ch = self.at(self.cursor);
            self.cursor += 1;
        }
        if ch == 0 && self.cursor > self.pattern_length {
            self.cursor = self.pattern_length;
            ch = self.at(self.cursor);
            self.cursor += 1;
        }
        ch
    }

    fn peek_past_line(&mut self) -> u32 {
        self.cursor += 1;
        let mut ch = self.at(self.cursor);
        while ch != 0 && !self.is_line_separator(ch) {
            self.cursor += 1;
            ch = self.at(self.cursor);
        }
        if ch == 0 && self.cursor > self.pattern_length {
            self.cursor = self.pattern_length;
            ch = self.at(self.cursor);
        }
        ch
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(PatternError::Refused(
                "groups or classes nested more than 200 deep",
            ));
        }
        Ok(())
    }

    // ----- Pattern.compile

    fn compile(&mut self) -> R<Node> {
        self.remove_qe_quoting();
        let node = self.expr()?;
        if self.pattern_length != self.cursor {
            if self.peek() == c(')') {
                return Err(self.error("Unmatched closing ')'"));
            }
            return Err(self.error("Unexpected internal error"));
        }
        Ok(node)
    }

    /// `\Q…\E`: every character between them becomes a literal.
    fn remove_qe_quoting(&mut self) {
        let len = self.pattern_length;
        let temp = &self.temp;
        let mut i = 0;
        while i + 1 < len {
            if temp[i] != c('\\') {
                i += 1;
            } else if temp[i + 1] != c('Q') {
                i += 2;
            } else {
                break;
            }
        }
        if i + 1 >= len {
            return;
        }
        let mut out: Vec<u32> = temp[..i].to_vec();
        i += 2;
        let mut in_quote = true;
        let mut begin_quote = true;
        while i < len {
            let ch = temp[i];
            i += 1;
            let ascii = ch < 0x80;
            if !ascii || is_alpha(ch) {
                out.push(ch);
            } else if is_digit(ch) {
                if begin_quote {
                    // Keeps an escape before `\Q` from reading this digit.
                    out.extend([c('\\'), c('x'), c('3')]);
                }
                out.push(ch);
            } else if ch != c('\\') {
                if in_quote {
                    out.push(c('\\'));
                }
                out.push(ch);
            } else if in_quote {
                if temp[i] == c('E') {
                    i += 1;
                    in_quote = false;
                } else {
                    out.extend([c('\\'), c('\\')]);
                }
            } else if temp[i] == c('Q') {
                i += 1;
                in_quote = true;
                begin_quote = true;
                continue;
            } else {
                out.push(ch);
                if i != len {
                    out.push(temp[i]);
                    i += 1;
                }
            }
            begin_quote = false;
        }
        self.pattern_length = out.len();
        out.extend([0, 0]);
        self.temp = out;
    }

    // ----- expressions

    fn expr(&mut self) -> R<Node> {
        let mut branches = Vec::new();
        loop {
            branches.push(self.sequence()?);
            if self.peek() != c('|') {
                break;
            }
            self.next();
        }
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(branches)
        })
    }

    fn sequence(&mut self) -> R<Node> {
        let mut nodes = Vec::new();
        loop {
            let ch = self.peek();
            let node = match char::from_u32(ch).unwrap_or('\u{FFFD}') {
                '(' => {
                    // Groups take their own quantifier.
                    if let Some(node) = self.group0()? {
                        nodes.push(node);
                    }
                    continue;
                }
                '[' => {
                    self.canon_eq()?;
                    Node::Set(self.clazz(true)?)
                }
                '\\' => {
                    let ch = self.next_escaped();
                    if ch == c('p') || ch == c('P') {
                        let set = self.property(ch)?;
                        Node::Set(set)
                    } else {
                        self.unread();
                        self.atom()?
                    }
                }
                '^' => {
                    self.next();
                    if self.has(MULTILINE) {
                        Node::Anchor(Anchor::Caret {
                            unix: self.has(UNIX_LINES),
                        })
                    } else {
                        Node::Anchor(Anchor::Begin)
                    }
                }
                '$' => {
                    self.next();
                    Node::Anchor(Anchor::Dollar {
                        multiline: self.has(MULTILINE),
                        unix: self.has(UNIX_LINES),
                    })
                }
                '.' => {
                    self.next();
                    Node::Set(props::dot(self.has(DOTALL), self.has(UNIX_LINES)))
                }
                '|' | ')' => break,
                ']' | '}' => self.atom()?,
                '?' | '*' | '+' => {
                    self.next();
                    return Err(self.error(format!("Dangling meta character '{}'", display(ch))));
                }
                '\0' if self.cursor >= self.pattern_length => break,
                _ => self.atom()?,
            };
            let node = self.closure(node)?;
            nodes.push(node);
        }
        Ok(match nodes.len() {
            0 => Node::Empty,
            1 => nodes.pop().unwrap_or(Node::Empty),
            _ => Node::Seq(nodes),
        })
    }

    /// `\p` or `\P` read, `{` maybe next: the property as a set.
    fn property(&mut self, p: u32) -> R<Set> {
        self.canon_eq()?;
        let complement = p == c('P');
        let ch = self.next();
        let one_letter = if ch != c('{') {
            self.unread();
            true
        } else {
            false
        };
        self.family(one_letter, complement)
    }

    fn canon_eq(&self) -> R<()> {
        if self.has(CANON_EQ) {
            return Err(PatternError::Refused(
                "canonical equivalence `(?c)` applied to a class",
            ));
        }
        Ok(())
    }

    /// Literal characters up to the next construct (a quantifier takes only the
    /// last of them).
    fn atom(&mut self) -> R<Node> {
        let mut buffer: Vec<u32> = Vec::new();
        let mut prev = 0usize;
        let mut ch = self.peek();
        loop {
            match char::from_u32(ch).unwrap_or('\u{FFFD}') {
                '*' | '+' | '?' | '{' => {
                    if buffer.len() > 1 {
                        self.cursor = prev;
                        buffer.pop();
                    }
                }
                '$' | '.' | '^' | '(' | '[' | '|' | ')' => {}
                '\\' => {
                    ch = self.next_escaped();
                    if ch == c('p') || ch == c('P') {
                        if !buffer.is_empty() {
                            self.unread();
                        } else {
                            return Ok(Node::Set(self.property(ch)?));
                        }
                    } else {
                        self.unread();
                        prev = self.cursor;
                        match self.escape(false, buffer.is_empty(), false)? {
                            Esc::Char(e) => {
                                buffer.push(e);
                                ch = self.peek();
                                continue;
                            }
                            Esc::Node if buffer.is_empty() => {
                                return Ok(self.root.take().unwrap_or(Node::Empty));
                            }
                            // Unwind: the construct is read on its own next.
                            Esc::Node => self.cursor = prev,
                        }
                    }
                }
                '\0' if self.cursor >= self.pattern_length => {}
                _ => {
                    prev = self.cursor;
                    buffer.push(ch);
                    ch = self.next();
                    continue;
                }
            }
            break;
        }
        let mut nodes: Vec<Node> = buffer
            .into_iter()
            .map(|b| Node::Set(self.single(b)))
            .collect();
        Ok(match nodes.len() {
            0 => Node::Empty,
            1 => nodes.pop().unwrap_or(Node::Empty),
            _ => Node::Seq(nodes),
        })
    }

    /// A back reference `\n`: more digits are taken while such a group exists.
    fn back_ref(&mut self, mut ref_num: usize) -> Node {
        loop {
            let ch = self.peek();
            if !is_digit(ch) {
                break;
            }
            let new_ref = ref_num * 10 + (ch - c('0')) as usize;
            if self.capturing_group_count - 1 < new_ref {
                break;
            }
            ref_num = new_ref;
            self.read();
        }
        Node::BackRef {
            group: ref_num,
            case_insensitive: self.has(CASE_INSENSITIVE),
        }
    }

    fn escape(&mut self, inclass: bool, create: bool, isrange: bool) -> R<Esc> {
        let ch = self.skip();
        let unicode = self.has(UNICODE_CHARACTER_CLASS);
        let letter = char::from_u32(ch).unwrap_or('\u{FFFD}');
        let class = |this: &mut Parser, set: Set| {
            if create {
                if inclass {
                    this.predicate = Some(set);
                } else {
                    this.root = Some(Node::Set(set));
                }
            }
            Ok(Esc::Node)
        };
        let node = |this: &mut Parser, node: Node| {
            if create {
                this.root = Some(node);
            }
            Ok(Esc::Node)
        };
        match letter {
            '0' => return Ok(Esc::Char(self.octal()?)),
            '1'..='9' if !inclass => {
                if create {
                    let n = self.back_ref((ch - c('0')) as usize);
                    self.root = Some(n);
                }
                return Ok(Esc::Node);
            }
            'A' if !inclass => return node(self, Node::Anchor(Anchor::Begin)),
            'B' if !inclass => {
                return node(self, Node::Anchor(Anchor::Bound { not: true, unicode }))
            }
            'D' => return class(self, props::negate(props::digit(unicode))),
            'G' if !inclass => {
                self.last_match = true;
                return node(self, Node::Anchor(Anchor::LastMatch));
            }
            'H' => return class(self, props::negate(props::horizontal_space())),
            'N' => {
                return Err(PatternError::Refused("a named character `\\N{…}`"));
            }
            'R' if !inclass => return node(self, Node::LineEnding),
            'S' => return class(self, props::negate(props::space(unicode))),
            'V' => return class(self, props::negate(props::vertical_space())),
            'W' => return class(self, props::negate(props::word(unicode))),
            'X' if !inclass => {
                return Err(PatternError::Refused("an extended grapheme cluster `\\X`"));
            }
            'Z' if !inclass => {
                return node(
                    self,
                    Node::Anchor(Anchor::Dollar {
                        multiline: false,
                        unix: self.has(UNIX_LINES),
                    }),
                )
            }
            'a' => return Ok(Esc::Char(0x07)),
            'b' if !inclass => {
                if create && self.peek() == c('{') {
                    if self.skip() == c('g') {
                        if self.read() == c('}') {
                            return Err(PatternError::Refused(
                                "a grapheme cluster boundary `\\b{g}`",
                            ));
                        }
                        return Err(self.error("Illegal/unsupported escape sequence"));
                    }
                    self.unread();
                    self.unread();
                }
                return node(
                    self,
                    Node::Anchor(Anchor::Bound {
                        not: false,
                        unicode,
                    }),
                );
            }
            'c' => {
                if self.cursor < self.pattern_length {
                    return Ok(Esc::Char(self.read() ^ 64));
                }
                return Err(self.error("Illegal control escape sequence"));
            }
            'd' => return class(self, props::digit(unicode)),
            'e' => return Ok(Esc::Char(0x1B)),
            'f' => return Ok(Esc::Char(0x0C)),
            'h' => return class(self, props::horizontal_space()),
            'k' if !inclass => {
                if self.read() != c('<') {
                    return Err(self.error("\\k is not followed by '<' for named capturing group"));
                }
                let first = self.read();
                let name = self.group_name(first)?;
                let Some(number) = self.group_number(&name) else {
                    return Err(
                        self.error(format!("named capturing group <{name}> does not exist"))
                    );
                };
                let n = Node::BackRef {
                    group: number,
                    case_insensitive: self.has(CASE_INSENSITIVE),
                };
                return node(self, n);
            }
            'n' => return Ok(Esc::Char(c('\n'))),
            'r' => return Ok(Esc::Char(c('\r'))),
            's' => return class(self, props::space(unicode)),
            't' => return Ok(Esc::Char(c('\t'))),
            'u' => return Ok(Esc::Char(self.unicode_escape()?)),
            'v' => {
                // `\v` is 0x0B where a range needs one character.
                if isrange {
                    return Ok(Esc::Char(0x0B));
                }
                return class(self, props::vertical_space());
            }
            'w' => return class(self, props::word(unicode)),
            'x' => return Ok(Esc::Char(self.hex_escape()?)),
            'z' if !inclass => return node(self, Node::Anchor(Anchor::End)),
            _ if !(ch < 0x80 && (is_alpha(ch) || is_digit(ch))) => return Ok(Esc::Char(ch)),
            _ => {}
        }
        Err(self.error("Illegal/unsupported escape sequence"))
    }

    fn group_number(&self, name: &str) -> Option<usize> {
        self.named_groups
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, g)| *g)
    }

    // ----- classes

    /// `[...]`; `consume`: eat the closing `]` (not for the right side of
    /// `abc&&def`, whose brackets are understood).
    fn clazz(&mut self, consume: bool) -> R<Set> {
        self.enter()?;
        let result = self.clazz_inner(consume);
        self.depth -= 1;
        result
    }

    fn clazz_inner(&mut self, consume: bool) -> R<Set> {
        let mut prev: Option<Set> = None;
        let mut curr: Option<Set> = None;
        let mut bits = Set::empty();
        let mut is_neg = false;
        let mut has_bits = false;
        let mut ch = self.next();
        if ch == c('^') && self.at(self.cursor - 1) == c('[') {
            ch = self.next();
            is_neg = true;
        }
        loop {
            match char::from_u32(ch).unwrap_or('\u{FFFD}') {
                '[' => {
                    let set = self.clazz(true)?;
                    prev = Some(match prev {
                        None => set.clone(),
                        Some(p) => props::union(p, &set),
                    });
                    curr = Some(set);
                    ch = self.peek();
                    continue;
                }
                '&' => {
                    ch = self.next();
                    if ch == c('&') {
                        ch = self.next();
                        let mut right: Option<Set> = None;
                        while ch != c(']') && ch != c('&') {
                            if ch == c('[') {
                                let set = self.clazz(true)?;
                                right = Some(match right {
                                    None => set,
                                    Some(r) => props::union(r, &set),
                                });
                            } else {
                                // abc&&def
                                self.unread();
                                if has_bits {
                                    // Bits first: union binds tighter.
                                    match prev {
                                        None => {
                                            prev = Some(bits.clone());
                                            curr = Some(bits.clone());
                                        }
                                        Some(p) => prev = Some(props::union(p, &bits)),
                                    }
                                    has_bits = false;
                                }
                                right = Some(self.clazz(false)?);
                            }
                            ch = self.peek();
                        }
                        if has_bits {
                            match prev {
                                None => {
                                    prev = Some(bits.clone());
                                    curr = Some(bits.clone());
                                }
                                Some(p) => prev = Some(props::union(p, &bits)),
                            }
                            has_bits = false;
                        }
                        if right.is_some() {
                            curr = right.clone();
                        }
                        prev = match prev {
                            None => match right {
                                None => return Err(self.error("Bad class syntax")),
                                Some(r) => Some(r),
                            },
                            Some(p) => match &curr {
                                Some(cur) => Some(props::intersect(p, cur)),
                                // Java intersects with null and throws a
                                // NullPointerException when it matches.
                                None => {
                                    return Err(PatternError::Refused(
                                        "a class ending in `&&` after a single character (Java throws a NullPointerException on it)",
                                    ))
                                }
                            },
                        };
                        continue;
                    }
                    // A literal `&`.
                    self.unread();
                }
                '\0' if self.cursor >= self.pattern_length => {
                    return Err(self.error("Unclosed character class"));
                }
                ']' if prev.is_some() || has_bits => {
                    if consume {
                        self.next();
                    }
                    let mut set = match prev {
                        None => bits,
                        Some(p) if has_bits => props::union(p, &bits),
                        Some(p) => p,
                    };
                    if is_neg {
                        set = props::negate(set);
                    }
                    return Ok(set);
                }
                _ => {}
            }
            match self.range(&mut bits)? {
                None => {
                    has_bits = true;
                    curr = None;
                }
                Some(set) => {
                    prev = Some(match prev {
                        None => set.clone(),
                        Some(p) => props::union(p, &set),
                    });
                    curr = Some(set);
                }
            }
            ch = self.peek();
        }
    }

    /// One member of a class: a character (added to `bits`: `None`), a range, an
    /// escape or a property.
    fn range(&mut self, bits: &mut Set) -> R<Option<Set>> {
        let mut ch = self.peek();
        if ch == c('\\') {
            ch = self.next_escaped();
            if ch == c('p') || ch == c('P') {
                return self.property(ch).map(Some);
            }
            let isrange = self.at(self.cursor + 1) == c('-');
            self.unread();
            match self.escape(true, true, isrange)? {
                Esc::Char(e) => ch = e,
                Esc::Node => return Ok(Some(self.predicate.take().unwrap_or_else(Set::empty))),
            }
        } else {
            self.next();
        }
        if self.peek() == c('-') {
            let end_range = self.at(self.cursor + 1);
            if end_range == c('[') {
                return Ok(self.bits_or_single(bits, ch));
            }
            if end_range != c(']') {
                self.next();
                let mut m = self.peek();
                if m == c('\\') {
                    m = match self.escape(true, false, true)? {
                        Esc::Char(e) => e,
                        Esc::Node => return Err(self.error("Illegal character range")),
                    };
                } else {
                    self.next();
                }
                if m < ch {
                    return Err(self.error("Illegal character range"));
                }
                return Ok(Some(if self.has(CASE_INSENSITIVE) {
                    if self.has(UNICODE_CASE) {
                        props::unicode_fold_range(ch, m)
                    } else {
                        props::ascii_fold(props::range(ch, m))
                    }
                } else {
                    props::range(ch, m)
                }));
            }
        }
        Ok(self.bits_or_single(bits, ch))
    }

    fn bits_or_single(&mut self, bits: &mut Set, ch: u32) -> Option<Set> {
        let special = matches!(
            ch,
            0xff | 0xb5 | 0x49 | 0x69 | 0x53 | 0x73 | 0x4b | 0x6b | 0xc5 | 0xe5
        );
        if ch < 256 && !(self.has(CASE_INSENSITIVE) && self.has(UNICODE_CASE) && special) {
            let added = if self.has(CASE_INSENSITIVE) {
                if ch < 0x80 {
                    props::ascii_fold(props::single(ch))
                } else if self.has(UNICODE_CASE) {
                    props::unicode_fold_latin1(ch)
                } else {
                    props::single(ch)
                }
            } else {
                props::single(ch)
            };
            bits.union(&added);
            return None;
        }
        Some(self.single(ch))
    }

    /// One literal character under the current case flags.
    fn single(&self, ch: u32) -> Set {
        if self.has(CASE_INSENSITIVE) {
            if self.has(UNICODE_CASE) {
                return props::unicode_fold_char(ch);
            }
            if ch < 0x80 {
                return props::ascii_fold(props::single(ch));
            }
        }
        props::single(ch)
    }

    /// `\p{name}` after `\p` or `\P` (and `{`, unless `single_letter`).
    fn family(&mut self, single_letter: bool, complement: bool) -> R<Set> {
        self.next();
        let name: String;
        if single_letter {
            let ch = self.at(self.cursor);
            name = display(ch);
            self.read();
        } else {
            let i = self.cursor;
            // Java marks the end of the pattern with `}` while it looks.
            let saved = self.at(self.pattern_length);
            self.temp[self.pattern_length] = c('}');
            while self.read() != c('}') {}
            self.temp[self.pattern_length] = saved;
            let j = self.cursor;
            if j > self.pattern_length {
                return Err(self.error("Unclosed character family"));
            }
            if i + 1 >= j {
                return Err(self.error("Empty character family"));
            }
            name = self.temp[i..j - 1].iter().map(|&u| display(u)).collect();
        }
        let ci = self.has(CASE_INSENSITIVE);
        let set = if let Some(eq) = name.find('=') {
            let value = &name[eq + 1..];
            let key = name[..eq].to_lowercase();
            let set = match key.as_str() {
                "sc" | "script" => props::for_script(value),
                "blk" | "block" => props::for_block(value),
                "gc" | "general_category" => props::for_property(value, ci),
                _ => None,
            };
            match set {
                Some(set) => set,
                None => {
                    return Err(self.error(format!(
                        "Unknown Unicode property {{name=<{key}>, value=<{value}>}}"
                    )))
                }
            }
        } else {
            let set = if let Some(block) = name.strip_prefix("In") {
                props::for_block(block)
            } else if let Some(short) = name.strip_prefix("Is") {
                props::for_unicode_property(short, ci)
                    .or_else(|| props::for_property(short, ci))
                    .or_else(|| props::for_script(short))
            } else {
                let posix = if self.has(UNICODE_CHARACTER_CLASS) {
                    props::for_posix_name(&name, ci)
                } else {
                    None
                };
                posix.or_else(|| props::for_property(&name, ci))
            };
            match set {
                Some(set) => set,
                None => {
                    return Err(self.error(format!("Unknown character property name {{{name}}}")))
                }
            }
        };
        Ok(if complement { props::negate(set) } else { set })
    }

    // ----- groups

    fn group_name(&mut self, mut ch: u32) -> R<String> {
        if !is_alpha(ch) {
            return Err(self.error("capturing group name does not start with a Latin letter"));
        }
        let mut name = String::new();
        loop {
            name.push_str(&display(ch));
            ch = self.read();
            if !(is_alpha(ch) || is_digit(ch)) {
                break;
            }
        }
        if ch != c('>') {
            return Err(self.error("named capturing group is missing trailing '>'"));
        }
        Ok(name)
    }

    /// A group with its quantifier; `None` for a flags-only group `(?i)`.
    fn group0(&mut self) -> R<Option<Node>> {
        self.enter()?;
        let result = self.group0_inner();
        self.depth -= 1;
        result
    }

    fn group0_inner(&mut self) -> R<Option<Node>> {
        let save = self.flags0;
        let mut ch = self.next();
        let node = if ch == c('?') {
            ch = self.skip();
            match char::from_u32(ch).unwrap_or('\u{FFFD}') {
                ':' => Node::Group(Box::new(self.expr()?), Group::NonCapture),
                '=' | '!' => {
                    let body = self.expr()?;
                    Node::Group(
                        Box::new(body),
                        Group::Ahead {
                            negative: ch == c('!'),
                        },
                    )
                }
                '>' => Node::Group(Box::new(self.expr()?), Group::Atomic),
                '<' => {
                    ch = self.read();
                    if ch != c('=') && ch != c('!') {
                        let name = self.group_name(ch)?;
                        if self.group_number(&name).is_some() {
                            return Err(self.error(format!(
                                "Named capturing group <{name}> is already defined"
                            )));
                        }
                        let number = self.capturing_group_count;
                        self.capturing_group_count += 1;
                        self.named_groups.push((name.clone(), number));
                        Node::Group(Box::new(self.expr()?), Group::Capture(Some(name)))
                    } else {
                        let body = self.expr()?;
                        let mut info = Info::new();
                        study(&[&body], &mut info);
                        if !info.valid {
                            return Err(self.error(
                                "Look-behind group does not have an obvious maximum length",
                            ));
                        }
                        Node::Group(
                            Box::new(body),
                            Group::Behind {
                                negative: ch == c('!'),
                            },
                        )
                    }
                }
                '$' | '@' => return Err(self.error("Unknown group type")),
                _ => {
                    self.unread();
                    self.add_flag();
                    ch = self.read();
                    if ch == c(')') {
                        return Ok(None);
                    }
                    if ch != c(':') {
                        return Err(self.error("Unknown inline modifier"));
                    }
                    Node::Group(Box::new(self.expr()?), Group::NonCapture)
                }
            }
        } else {
            self.capturing_group_count += 1;
            Node::Group(Box::new(self.expr()?), Group::Capture(None))
        };
        self.accept(c(')'), "Unclosed group")?;
        self.flags0 = save;
        self.closure(node).map(Some)
    }

    fn add_flag(&mut self) {
        let mut ch = self.peek();
        loop {
            match char::from_u32(ch).unwrap_or('\u{FFFD}') {
                'i' => self.flags0 |= CASE_INSENSITIVE,
                'm' => self.flags0 |= MULTILINE,
                's' => self.flags0 |= DOTALL,
                'd' => self.flags0 |= UNIX_LINES,
                'u' => self.flags0 |= UNICODE_CASE,
                'c' => self.flags0 |= CANON_EQ,
                'x' => self.flags0 |= COMMENTS,
                'U' => self.flags0 |= UNICODE_CHARACTER_CLASS | UNICODE_CASE,
                '-' => {
                    self.next();
                    self.sub_flag();
                    return;
                }
                _ => return,
            }
            ch = self.next();
        }
    }

    fn sub_flag(&mut self) {
        let mut ch = self.peek();
        loop {
            match char::from_u32(ch).unwrap_or('\u{FFFD}') {
                'i' => self.flags0 &= !CASE_INSENSITIVE,
                'm' => self.flags0 &= !MULTILINE,
                's' => self.flags0 &= !DOTALL,
                'd' => self.flags0 &= !UNIX_LINES,
                'u' => self.flags0 &= !UNICODE_CASE,
                'c' => self.flags0 &= !CANON_EQ,
                'x' => self.flags0 &= !COMMENTS,
                'U' => self.flags0 &= !(UNICODE_CHARACTER_CLASS | UNICODE_CASE),
                _ => return,
            }
            ch = self.next();
        }
    }

    // ----- quantifiers

    fn qtype(&mut self) -> Qtype {
        let ch = self.next();
        if ch == c('?') {
            self.next();
            Qtype::Lazy
        } else if ch == c('+') {
            self.next();
            Qtype::Possessive
        } else {
            Qtype::Greedy
        }
    }

    fn repeat(node: Node, min: u32, max: u32, kind: Qtype, open: bool) -> Node {
        Node::Repeat {
            node: Box::new(node),
            min,
            max: (max != MAX_REPS).then_some(max),
            kind,
            open,
        }
    }

    fn closure(&mut self, prev: Node) -> R<Node> {
        let ch = self.peek();
        match char::from_u32(ch).unwrap_or('\u{FFFD}') {
            '?' => {
                let kind = self.qtype();
                Ok(Self::repeat(prev, 0, 1, kind, false))
            }
            '*' => {
                let kind = self.qtype();
                Ok(Self::repeat(prev, 0, MAX_REPS, kind, true))
            }
            '+' => {
                let kind = self.qtype();
                Ok(Self::repeat(prev, 1, MAX_REPS, kind, true))
            }
            '{' => {
                let mut ch = self.skip();
                if !is_digit(ch) {
                    return Err(self.error("Illegal repetition"));
                }
                let mut cmin: u32 = 0;
                let cmax: u32;
                let overflow = |p: &Parser| p.error("Illegal repetition range");
                loop {
                    cmin = cmin
                        .checked_mul(10)
                        .and_then(|v| v.checked_add(ch - c('0')))
                        .filter(|v| *v <= i32::MAX as u32)
                        .ok_or_else(|| overflow(self))?;
                    ch = self.read();
                    if !is_digit(ch) {
                        break;
                    }
                }
                if ch == c(',') {
                    ch = self.read();
                    if ch == c('}') {
                        self.unread();
                        let kind = self.qtype();
                        return Ok(Self::repeat(prev, cmin, MAX_REPS, kind, true));
                    }
                    let mut max: u32 = 0;
                    while is_digit(ch) {
                        max = max
                            .checked_mul(10)
                            .and_then(|v| v.checked_add(ch - c('0')))
                            .filter(|v| *v <= i32::MAX as u32)
                            .ok_or_else(|| overflow(self))?;
                        ch = self.read();
                    }
                    cmax = max;
                } else {
                    cmax = cmin;
                }
                if ch != c('}') {
                    return Err(self.error("Unclosed counted closure"));
                }
                if cmax < cmin {
                    return Err(self.error("Illegal repetition range"));
                }
                self.unread();
                let kind = self.qtype();
                Ok(Self::repeat(prev, cmin, cmax, kind, false))
            }
            _ => Ok(prev),
        }
    }

    // ----- numeric escapes

    fn octal(&mut self) -> R<u32> {
        let is_octal = |d: u32| (c('0')..=c('7')).contains(&d);
        let n = self.read();
        if is_octal(n) {
            let m = self.read();
            if is_octal(m) {
                let o = self.read();
                if is_octal(o) && (c('0')..=c('3')).contains(&n) {
                    return Ok((n - c('0')) * 64 + (m - c('0')) * 8 + (o - c('0')));
                }
                self.unread();
                return Ok((n - c('0')) * 8 + (m - c('0')));
            }
            self.unread();
            return Ok(n - c('0'));
        }
        Err(self.error("Illegal octal escape sequence"))
    }

    fn hex_escape(&mut self) -> R<u32> {
        let n = self.read();
        if is_hex(n) {
            let m = self.read();
            if is_hex(m) {
                return Ok(hex_value(n) * 16 + hex_value(m));
            }
        } else if n == c('{') && is_hex(self.peek()) {
            let mut value: u32 = 0;
            let mut d;
            loop {
                d = self.read();
                if !is_hex(d) {
                    break;
                }
                value = (value << 4) + hex_value(d);
                if value > 0x10FFFF {
                    return Err(self.error("Hexadecimal codepoint is too big"));
                }
            }
            if d != c('}') {
                return Err(self.error("Unclosed hexadecimal escape sequence"));
            }
            return Ok(value);
        }
        Err(self.error("Illegal hexadecimal escape sequence"))
    }

    fn uxxxx(&mut self) -> R<u32> {
        let mut n = 0;
        for _ in 0..4 {
            let ch = self.read();
            if !is_hex(ch) {
                return Err(self.error("Illegal Unicode escape sequence"));
            }
            n = n * 16 + hex_value(ch);
        }
        Ok(n)
    }

    /// `\uXXXX`, and a surrogate pair written as two of them.
    fn unicode_escape(&mut self) -> R<u32> {
        let n = self.uxxxx()?;
        if (0xD800..=0xDBFF).contains(&n) {
            let cur = self.cursor;
            if self.read() == c('\\') && self.read() == c('u') {
                let n2 = self.uxxxx()?;
                if (0xDC00..=0xDFFF).contains(&n2) {
                    return Ok(0x10000 + ((n - 0xD800) << 10) + (n2 - 0xDC00));
                }
            }
            self.cursor = cur;
        }
        Ok(n)
    }
}
