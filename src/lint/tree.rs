//! Lints that walk the syntax tree.

use std::collections::HashSet;

use super::{Finding, Fix};
use crate::parse::ast::*;
use crate::source::Span;
use crate::util::{self, Namespace};

/// How a reference is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Printed into the output.
    Printed,
    /// Read inside an expression (or printed into a string literal).
    Read,
    /// The target of a `#set`.
    Assigned,
}

/// What the walk visits, in source order.
pub(crate) enum Item<'t> {
    /// A reference.
    Ref(&'t Reference, Role),
    /// An expression (before its parts).
    Expr(&'t Expr),
    /// A `#foreach`, after its iterable and before its body.
    Loop(&'t Foreach),
    /// A macro, before its body.
    Macro(&'t Macro),
    /// A macro call or unknown directive.
    Call(&'t MacroCall),
    /// `#define($name)`, before its body.
    Define(&'t str),
}

/// Visits every node, reference and expression; macro bodies first.
pub(crate) fn walk<'t>(template: &'t Template, f: &mut dyn FnMut(Item<'t>)) {
    for m in &template.macros {
        f(Item::Macro(m));
        block(&m.body, false, f);
    }
    block(&template.body, false, f);
}

fn block<'t>(nodes: &'t [Node], in_string: bool, f: &mut dyn FnMut(Item<'t>)) {
    for node in nodes {
        match node {
            Node::Text(_) | Node::Stop(_) => {}
            Node::Ref(r) => reference(r, if in_string { Role::Read } else { Role::Printed }, f),
            Node::EscapedRef { reference: r, .. } => reference(r, Role::Read, f),
            Node::Set(set) => {
                expr(&set.value, f);
                reference(&set.target, Role::Assigned, f);
            }
            Node::If(node) => {
                for b in &node.branches {
                    expr(&b.condition, f);
                    block(&b.body, in_string, f);
                }
                if let Some(o) = &node.otherwise {
                    block(o, in_string, f);
                }
            }
            Node::Foreach(l) => {
                expr(&l.iterable, f);
                f(Item::Loop(l));
                block(&l.body, in_string, f);
            }
            Node::Break { target, .. } => {
                if let Some(r) = target {
                    reference(r, Role::Read, f);
                }
            }
            Node::Return { value, .. } => {
                if let Some(e) = value {
                    expr(e, f);
                }
            }
            Node::MacroCall(call) => {
                f(Item::Call(call));
                for a in &call.args {
                    expr(a, f);
                }
                if let Some(body) = &call.body {
                    block(body, in_string, f);
                }
            }
            Node::Define { name, body, .. } => {
                f(Item::Define(name));
                block(body, in_string, f);
            }
        }
    }
}

fn reference<'t>(r: &'t Reference, role: Role, f: &mut dyn FnMut(Item<'t>)) {
    f(Item::Ref(r, role));
    for seg in &r.segments {
        match seg {
            Segment::Property(..) => {}
            Segment::Index(e, _) => expr(e, f),
            Segment::Method(_, args, ..) => {
                for a in args {
                    expr(a, f);
                }
            }
        }
    }
}

fn expr<'t>(e: &'t Expr, f: &mut dyn FnMut(Item<'t>)) {
    f(Item::Expr(e));
    match e {
        Expr::Literal(..) => {}
        Expr::Interpolated(b, _) => block(b, true, f),
        Expr::Ref(r) => reference(r, Role::Read, f),
        Expr::List(items, _) => items.iter().for_each(|i| expr(i, f)),
        Expr::Map(entries, _) => entries.iter().for_each(|(k, v)| {
            expr(k, f);
            expr(v, f);
        }),
        Expr::Range(a, b, _) | Expr::Binary(_, a, b, _) => {
            expr(a, f);
            expr(b, f);
        }
        Expr::Unary(_, x, _) => expr(x, f),
    }
}

/// Roots that exist without a `#set`.
const KNOWN_ROOTS: &[&str] = &[
    "ctx",
    "context",
    "util",
    "utils",
    "extensions",
    "foreach",
    "velocityCount",
    "velocityHasNext",
];

/// `undefined-reference`
pub(super) fn undefined_reference(t: &Template, out: &mut Vec<Finding>) {
    let mut defined: HashSet<&str> = KNOWN_ROOTS.iter().copied().collect();
    // A macro sees the parameters of the macros that call it (Velocity 1.7).
    for m in &t.macros {
        defined.extend(m.params.iter().map(|p| &**p));
    }
    let mut reported: HashSet<&str> = HashSet::new();
    walk(t, &mut |item| match item {
        Item::Ref(r, Role::Assigned) if r.segments.is_empty() => {
            defined.insert(&r.root);
        }
        Item::Ref(r, _) => {
            if !r.quiet && !defined.contains(&*r.root) && reported.insert(&r.root) {
                out.push(
                    Finding::new(
                        Span::new(r.span.start as usize, r.span.start as usize + 1 + r.root.len()),
                        format!("`${}` is read before any `#set` of it", r.root),
                    )
                    .help(format!(
                        "set it first (`#set(${} = …)`), check the spelling, or write `$!{}` if it may be undefined",
                        r.root, r.root
                    )),
                );
            }
        }
        Item::Loop(l) => {
            defined.insert(&l.var);
        }
        Item::Macro(m) => {
            defined.extend(m.params.iter().map(|p| &**p));
            // The body of a `#@name()` call, where one is around.
            defined.insert("bodyContent");
        }
        Item::Define(name) => {
            defined.insert(name);
        }
        Item::Expr(_) | Item::Call(_) => {}
    });
}

/// The `$util` function a reference calls: its namespace, name, arguments and span,
/// or the segment naming something that does not exist.
enum UtilUse<'t> {
    Call(&'static Namespace, &'t str, &'t [Expr], Span),
    Unknown(&'static Namespace, &'t str, Span),
    /// A function named without a call: `$util.toJson $x`.
    NotCalled(&'static Namespace, &'t str, Span),
}

fn util_use(r: &Reference) -> Option<UtilUse<'_>> {
    let mut ns: &'static Namespace = util::root_namespace(&r.root)?;
    for seg in &r.segments {
        match seg {
            Segment::Property(name, span, _) => match ns.child(name) {
                Some(child) => ns = child,
                None if ns.function(name).is_some() => {
                    return Some(UtilUse::NotCalled(ns, name, *span))
                }
                None => return Some(UtilUse::Unknown(ns, name, *span)),
            },
            Segment::Method(name, args, span, _) => {
                return Some(match ns.function(name) {
                    Some(_) => UtilUse::Call(ns, name, args, *span),
                    None => UtilUse::Unknown(ns, name, *span),
                })
            }
            Segment::Index(..) => return None,
        }
    }
    None
}

fn util_root(ns: &Namespace) -> &'static str {
    if ns.name == "extensions" {
        "$extensions"
    } else {
        "$util"
    }
}

/// `unknown-util`
pub(super) fn unknown_util(t: &Template, out: &mut Vec<Finding>) {
    walk(t, &mut |item| {
        if let Item::Ref(r, _) = item {
            if let Some(UtilUse::Unknown(ns, name, span)) = util_use(r) {
                let path = format!("{}{}.{name}", util_root(ns), ns.display_path());
                let hint = util::suggest(ns, name);
                let mut f = Finding::new(span, format!("unknown function `{path}`{hint}"));
                f = f.help(if hint.is_empty() {
                    "`vtl util list` shows every function".to_string()
                } else {
                    hint.trim_start_matches("; ").to_string()
                });
                // The segment is `.name` or `.name(…)`: the name follows the dot.
                if let Some(better) = util::closest(ns, name) {
                    let start = span.start as usize + 1;
                    let name_span = Span::new(start, start + name.len());
                    f = f.fix(Fix::replace(format!("use `{better}`"), name_span, better));
                }
                out.push(f);
            }
        }
    });
}

/// `util-not-called`
pub(super) fn util_not_called(t: &Template, out: &mut Vec<Finding>) {
    walk(t, &mut |item| {
        if let Item::Ref(r, _) = item {
            if let Some(UtilUse::NotCalled(ns, name, span)) = util_use(r) {
                let path = format!("{}{}.{name}", util_root(ns), ns.display_path());
                let signature = ns.function(name).map_or("", |f| f.signature);
                out.push(
                    Finding::new(
                        span,
                        format!("`{path}` is a function but is not called here"),
                    )
                    .help(format!(
                        "write `{signature}`; if a `(` follows on the line, its arguments do not \
                         parse (look for an unclosed `(` or quote)"
                    )),
                );
            }
        }
    });
}

/// `util-arity`
pub(super) fn util_arity(t: &Template, out: &mut Vec<Finding>) {
    walk(t, &mut |item| {
        if let Item::Ref(r, _) = item {
            if let Some(UtilUse::Call(ns, name, args, span)) = util_use(r) {
                let Some(b) = ns.function(name) else { return };
                if !b.arity.accepts(args.len()) {
                    let path = format!("{}{}.{name}", util_root(ns), ns.display_path());
                    out.push(
                        Finding::new(
                            span,
                            format!("`{path}` takes {} argument(s), got {}", b.arity, args.len()),
                        )
                        .help(format!("the signature is {}", b.signature)),
                    );
                }
            }
        }
    });
}

/// `word-operator-property`
pub(super) fn word_operator_property(t: &Template, out: &mut Vec<Finding>) {
    walk(t, &mut |item| {
        if let Item::Ref(r, _) = item {
            for seg in &r.segments {
                if let Segment::Property(name, span, _) = seg {
                    if matches!(&**name, "or" | "and") {
                        out.push(
                            Finding::new(
                                *span,
                                format!("`.{name}` as a property: Velocity 2 and the Amplify mock read `{name}` as an operator"),
                            )
                            .help(format!("write `.get('{name}')`")),
                        );
                    }
                }
            }
        }
    });
}

/// `leaked-mutation`
pub(super) fn leaked_mutation(t: &Template, out: &mut Vec<Finding>) {
    walk(t, &mut |item| {
        if let Item::Ref(r, Role::Printed) = item {
            if let Some(Segment::Method(name, ..)) = r.segments.last() {
                if matches!(&**name, "put" | "add" | "addAll" | "remove") && util_use(r).is_none() {
                    out.push(
                        Finding::new(
                            r.span,
                            format!("the result of `.{name}(…)` is printed into the output"),
                        )
                        .help(format!(
                            "wrap it: `$util.qr({})`",
                            // The reference without `$`, `$!`, `${` … `}`.
                            "$".to_string() + &*r.root + &segments_text(r)
                        )),
                    );
                }
            }
        }
    });
}

fn segments_text(r: &Reference) -> String {
    let mut s = String::new();
    for seg in &r.segments {
        match seg {
            Segment::Property(n, ..) => {
                s.push('.');
                s.push_str(n);
            }
            Segment::Index(..) => s.push_str("[…]"),
            Segment::Method(n, args, ..) => {
                s.push('.');
                s.push_str(n);
                s.push_str(if args.is_empty() { "()" } else { "(…)" });
            }
        }
    }
    s
}

/// `unsupported-directive`
pub(super) fn unsupported_directive(t: &Template, out: &mut Vec<Finding>) {
    walk(t, &mut |item| {
        if let Item::Call(call) = item {
            let defined = t.macros.iter().any(|m| m.name == call.name);
            if !defined && matches!(&*call.name, "include" | "parse" | "evaluate") {
                out.push(
                    Finding::new(
                        call.span,
                        format!("AppSync does not support `#{}`", call.name),
                    )
                    .help("inline the template text, or build the value with `#set`"),
                );
            }
        }
    });
}

fn is_expression(e: &Expr) -> bool {
    match e {
        Expr::Binary(..) => true,
        Expr::Unary(UnaryOp::Neg, x, _) => !matches!(**x, Expr::Literal(..)),
        Expr::Unary(..) => true,
        _ => false,
    }
}

/// `expression-argument`
pub(super) fn expression_argument(t: &Template, out: &mut Vec<Finding>) {
    let mut report = |e: &Expr| {
        if is_expression(e) {
            out.push(
                Finding::new(
                    e.span(),
                    "an expression as an argument: Velocity 1.7 (and likely AppSync) refuses to parse it",
                )
                .help("compute it first: `#set($arg = …)`, then pass `$arg`"),
            );
        }
    };
    walk(t, &mut |item| match item {
        Item::Ref(r, _) => {
            for seg in &r.segments {
                if let Segment::Method(_, args, ..) = seg {
                    args.iter().for_each(&mut report);
                }
            }
        }
        Item::Call(call) => call.args.iter().for_each(&mut report),
        _ => {}
    });
}

/// `expression-list-item`
pub(super) fn expression_list_item(t: &Template, out: &mut Vec<Finding>) {
    walk(t, &mut |item| {
        if let Item::Expr(Expr::List(items, _)) = item {
            for e in items.iter().filter(|e| is_expression(e)) {
                out.push(
                    Finding::new(
                        e.span(),
                        "an expression as a list item: Velocity 1.7 (and likely AppSync) refuses to parse it",
                    )
                    .help("compute it first: `#set($item = …)`, then write `[$item]`"),
                );
            }
        }
    });
}

/// `negated-reference`
pub(super) fn negated_reference(t: &Template, out: &mut Vec<Finding>) {
    walk(t, &mut |item| {
        if let Item::Expr(Expr::Unary(UnaryOp::Neg, x, span)) = item {
            if matches!(**x, Expr::Ref(_)) {
                out.push(
                    Finding::new(
                        *span,
                        "unary minus on a reference: Velocity 1.7 refuses to parse it",
                    )
                    .help(format!("write `0 - {}`", "$".to_string() + &expr_root(x))),
                );
            }
        }
    });
}

fn expr_root(e: &Expr) -> String {
    match e {
        Expr::Ref(r) => r.root.to_string() + &segments_text(r),
        _ => String::new(),
    }
}
