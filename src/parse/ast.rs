//! The syntax tree. Every node carries the [`Span`] of the text it came from.

use std::sync::Arc;

use crate::source::{Source, Span};
pub use crate::value::IndexHint;

/// A parsed template: parse once, render many times.
#[derive(Debug)]
pub struct Template {
    /// The text it was parsed from.
    pub source: Arc<Source>,
    /// The top-level nodes.
    pub body: Block,
    /// `#macro` definitions, by name.
    pub macros: Vec<Arc<Macro>>,
    /// Every variable name the template uses, indexed by [`Slot`] (filled in by
    /// `resolve` after parsing).
    pub names: Arc<[Box<str>]>,
    /// How many string literals (without interpolation) it holds (filled in by
    /// `resolve`; a render makes each into a value once).
    pub string_literals: usize,
}

/// Two templates are equal when their trees, macros and name tables are (the
/// sources may differ).
impl PartialEq for Template {
    fn eq(&self, other: &Template) -> bool {
        self.body == other.body && self.macros == other.macros && self.names == other.names
    }
}

/// A variable's index in [`Template::names`]: references are resolved to slots
/// once, after parsing, so a render looks variables up by index instead of by name.
pub type Slot = u32;

/// A string literal's number in its template (see [`Template::string_literals`]).
pub type LiteralId = u32;

/// A sequence of nodes.
pub type Block = Vec<Node>;

/// A template node.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Text printed as it is.
    Text(Box<str>),
    /// A reference printed with its value: `$a.b`.
    Ref(Box<Reference>),
    /// `\$a`: printed literally when `$a` is defined, with backslashes halved.
    EscapedRef {
        /// How many backslashes were written.
        backslashes: u32,
        /// The reference after them.
        reference: Box<Reference>,
    },
    /// `#set($target = value)`
    Set(Box<Set>),
    /// `#if` ... `#elseif` ... `#else` ... `#end`
    If(Box<If>),
    /// `#foreach($var in iterable)` ... `#end`
    Foreach(Box<Foreach>),
    /// `#break` or `#break($foreach.parent)`
    Break {
        /// The loop to leave, when given.
        target: Option<Box<Reference>>,
        /// The directive.
        span: Span,
    },
    /// `#stop`
    Stop(Span),
    /// `#return` or `#return(value)`
    Return {
        /// The returned value.
        value: Option<Expr>,
        /// The directive.
        span: Span,
    },
    /// `#name(args)`: a macro call, printed literally if no such macro exists.
    MacroCall(Box<MacroCall>),
    /// `#define($name)` ... `#end`
    Define {
        /// The variable that receives the block.
        name: Box<str>,
        /// Its slot.
        slot: Slot,
        /// The block, rendered each time the variable is printed.
        body: Arc<Block>,
        /// The directive head.
        span: Span,
    },
}

impl Node {
    /// Where the node is written (its directive head); `None` for text.
    pub fn span(&self) -> Option<Span> {
        Some(match self {
            Node::Text(_) => return None,
            Node::Ref(r) | Node::EscapedRef { reference: r, .. } => r.span,
            Node::Set(set) => set.span,
            Node::If(node) => node.branches.first()?.span,
            Node::Foreach(node) => node.span,
            Node::Break { span, .. }
            | Node::Stop(span)
            | Node::Return { span, .. }
            | Node::Define { span, .. } => *span,
            Node::MacroCall(call) => call.span,
        })
    }
}

/// `#set`
#[derive(Debug, Clone, PartialEq)]
pub struct Set {
    /// What is assigned.
    pub target: Reference,
    /// The value.
    pub value: Expr,
    /// The whole directive.
    pub span: Span,
}

/// `#if` with its branches.
#[derive(Debug, Clone, PartialEq)]
pub struct If {
    /// `#if` and each `#elseif`, in order.
    pub branches: Vec<Branch>,
    /// The `#else` block.
    pub otherwise: Option<Block>,
    /// Where the `#else` was written.
    pub else_span: Option<Span>,
}

/// One conditional branch.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    /// The condition.
    pub condition: Expr,
    /// The block taken when it holds.
    pub body: Block,
    /// The `#if(...)` or `#elseif(...)` head.
    pub span: Span,
}

/// `#foreach`
#[derive(Debug, Clone, PartialEq)]
pub struct Foreach {
    /// The loop variable's name.
    pub var: Box<str>,
    /// Its slot.
    pub slot: Slot,
    /// What is iterated.
    pub iterable: Expr,
    /// The body.
    pub body: Block,
    /// The `#foreach(...)` head.
    pub span: Span,
}

/// `#macro(name $a $b)` ... `#end`
#[derive(Debug, Clone, PartialEq)]
pub struct Macro {
    /// Its name.
    pub name: Box<str>,
    /// Parameter names, without `$`.
    pub params: Vec<Box<str>>,
    /// The body.
    pub body: Block,
    /// The head.
    pub span: Span,
}

/// `#name(args)`, or the block call `#@name(args)` ... `#end`
#[derive(Debug, Clone, PartialEq)]
pub struct MacroCall {
    /// The macro's name.
    pub name: Box<str>,
    /// The arguments (passed by name, as in Velocity).
    pub args: Vec<Expr>,
    /// The call's head: `#name(args)` or `#@name(args)`.
    pub span: Span,
    /// The whole call as written, through the `#end` of a block call, with the
    /// line break its last directive ate: what is printed when no macro has the name.
    pub text: Span,
    /// The body of a block call (`#@name(args)` ... `#end`), rendered where the
    /// macro prints `$bodyContent`; `None` for `#name(args)`.
    pub body: Option<Arc<Block>>,
}

/// A reference: `$root.segment...`, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// The variable name.
    pub root: Box<str>,
    /// Its slot.
    pub slot: Slot,
    /// Properties, indexes and calls after it.
    pub segments: Vec<Segment>,
    /// Written `$!a` / `$!{a}`.
    pub quiet: bool,
    /// The whole reference text.
    pub span: Span,
}

/// One step of a reference.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// `.name`, with where the name was last found.
    Property(Box<str>, Span, IndexHint),
    /// `[expr]`
    Index(Expr, Span),
    /// `.name(args)`, with where a `$util` function of that name was last
    /// found in its namespace's table.
    Method(Box<str>, Vec<Expr>, Span, IndexHint),
}

impl Segment {
    /// The text this segment covers.
    pub fn span(&self) -> Span {
        match self {
            Segment::Property(_, s, _) | Segment::Index(_, s) | Segment::Method(_, _, s, _) => *s,
        }
    }
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A constant.
    Literal(Literal, Span),
    /// A double-quoted string with references or directives in it.
    Interpolated(Block, Span),
    /// A reference.
    Ref(Box<Reference>),
    /// `[a, b]`
    List(Vec<Expr>, Span),
    /// `{k: v}`
    Map(Vec<(Expr, Expr)>, Span),
    /// `[a..b]`
    Range(Box<Expr>, Box<Expr>, Span),
    /// `!a`, `-a`
    Unary(UnaryOp, Box<Expr>, Span),
    /// `a op b`
    Binary(BinaryOp, Box<Expr>, Box<Expr>, Span),
}

impl Expr {
    /// The text the expression covers.
    pub fn span(&self) -> Span {
        match self {
            Expr::Literal(_, s)
            | Expr::Interpolated(_, s)
            | Expr::List(_, s)
            | Expr::Map(_, s)
            | Expr::Range(_, _, s)
            | Expr::Unary(_, _, s)
            | Expr::Binary(_, _, _, s) => *s,
            Expr::Ref(r) => r.span,
        }
    }
}

/// A constant value written in the template.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true`, `false`
    Bool(bool),
    /// An integer (Velocity's `Integer` or `Long` literal).
    Int(i64),
    /// An integer past `i64` (Velocity's `BigInteger` literal).
    BigInt(Box<crate::value::BigInt>),
    /// A decimal.
    Float(f64),
    /// A string without interpolation, and its number among the template's
    /// string literals (given by `resolve`; a render makes each into a value once).
    Str(Box<str>, LiteralId),
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `!`, `not`
    Not,
    /// `-`
    Neg,
}

/// Infix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `||`, `or`
    Or,
    /// `&&`, `and`
    And,
    /// `==`, `eq`
    Eq,
    /// `!=`, `ne`
    Ne,
    /// `<`, `lt`
    Lt,
    /// `<=`, `le`
    Le,
    /// `>`, `gt`
    Gt,
    /// `>=`, `ge`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
}

impl Literal {
    /// The literal `-n` for a `BigInteger` literal `n` (`-9223372036854775808`
    /// is a `Long`).
    pub fn negated_big(n: &crate::value::BigInt) -> Literal {
        let neg = -n;
        match i64::try_from(&neg) {
            Ok(i) => Literal::Int(i),
            Err(_) => Literal::BigInt(Box::new(neg)),
        }
    }
}

impl BinaryOp {
    /// `==`, `!=`, `<`, `<=`, `>`, `>=`.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
        )
    }

    /// The operator as usually written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "||",
            BinaryOp::And => "&&",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
        }
    }
}
