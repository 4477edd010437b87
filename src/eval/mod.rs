//! The evaluator: walks the syntax tree over [`Value`]s and writes the output into
//! one buffer.
//!
//! Control flow that is not an engine error (`#stop`, `#break`, `#return`,
//! `$util.error`) travels as an [`Interrupt`], so `?` unwinds it to the directive
//! that handles it. A [`Tracer`] observes every decision; the default
//! [`NoTrace`] compiles the hooks away.

mod methods;
mod ops;
pub mod trace;

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;

use crate::error::{Error, ErrorKind};
use crate::outcome::AppSyncError;
use crate::parse::ast::*;
use crate::source::Span;
use crate::util::{self, Call, RunState};
use crate::value::Value;
pub use trace::{Event, NoTrace, Operand, Tracer};

/// Limits that keep a bad template from hurting the user. Each is checked where
/// the work happens and reported as an [`ErrorKind::Limit`] error at the
/// directive or expression that crossed it; `docs/security.md` lists them with
/// the `vtl` flags that raise them.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Bytes of template text (AppSync's limit is 64 KB); checked by [`crate::Engine::parse`].
    pub template_bytes: usize,
    /// Iterations of one `#foreach` before it stops (AppSync's quota is 1,000).
    /// As in AppSync, the loop stops and the render goes on; a log line says where.
    pub loop_iterations: usize,
    /// Iterations of all loops together in one render.
    pub total_iterations: usize,
    /// Bytes of output (AppSync's evaluated-template limit is 5 MB).
    pub output_bytes: usize,
    /// Nested macro calls and `#define` blocks rendering each other.
    pub macro_depth: usize,
    /// Elements of a range literal `[a..b]`.
    pub range_size: usize,
    /// Bytes of one string built by the template.
    pub string_bytes: usize,
    /// Elements of one list or map grown by `add`, `addAll`, `put`, `putAll`, ….
    pub collection_size: usize,
    /// Wall time of one render, checked at each loop pass, macro call and
    /// `#define` block (`None`: no limit).
    pub time: Option<Duration>,
}

/// AppSync's limit on the size of one mapping template (64 KB).
pub const APPSYNC_TEMPLATE_BYTES: usize = 64 * 1024;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            template_bytes: APPSYNC_TEMPLATE_BYTES,
            loop_iterations: 1000,
            total_iterations: 1_000_000,
            output_bytes: 5 * 1024 * 1024,
            macro_depth: 64,
            range_size: 100_000,
            string_bytes: 5 * 1024 * 1024,
            collection_size: 1_000_000,
            time: Some(Duration::from_secs(10)),
        }
    }
}

/// Stack left when the evaluator moves to a new segment.
const RED_ZONE: usize = 128 * 1024;
/// Size of each new stack segment.
const STACK_SEGMENT: usize = 2 * 1024 * 1024;
/// Levels of blocks and expressions between two looks at the stack (a look
/// costs more than a small expression; eight levels use far less than
/// [`RED_ZONE`]).
const STACK_CHECK_INTERVAL: u32 = 8;

/// A duration as people write it: `10 s`, `250 ms`.
fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// The `$foreach` object of one loop.
#[derive(Debug)]
pub struct LoopInfo {
    /// 0-based index of the current pass.
    pub index: Cell<usize>,
    /// Whether another pass follows.
    pub has_next: Cell<bool>,
    /// The enclosing loop's object.
    pub parent: Option<Rc<LoopInfo>>,
    /// Identifies the loop for `#break($foreach.parent)`.
    pub id: usize,
}

impl LoopInfo {
    /// The property a method without arguments reads: `getIndex()` and
    /// `index()` read `index`.
    pub(crate) fn method_property(name: &str) -> Option<&'static str> {
        Some(match name {
            "hasNext" => "hasNext",
            "getIndex" | "index" => "index",
            "getCount" | "count" => "count",
            "isFirst" | "getFirst" | "first" => "first",
            "isLast" | "getLast" | "last" => "last",
            "getParent" | "parent" => "parent",
            _ => return None,
        })
    }

    /// `$foreach.name`; `None` for a name the loop object does not have.
    pub(crate) fn property(&self, name: &str) -> Option<Value> {
        let index = self.index.get();
        Some(match name {
            "index" => Value::from(index),
            "count" => Value::from(index + 1),
            "hasNext" => Value::Bool(self.has_next.get()),
            "first" => Value::Bool(index == 0),
            "last" => Value::Bool(!self.has_next.get()),
            "parent" => match &self.parent {
                Some(p) => Value::Object(p.clone()),
                None => Value::Null,
            },
            _ => return None,
        })
    }
}

impl crate::value::Object for LoopInfo {
    fn type_name(&self) -> &'static str {
        "loop object"
    }

    fn write_java(&self, out: &mut String) {
        out.push_str("{index=");
        out.push_str(itoa::Buffer::new().format(self.index.get()));
        out.push('}');
    }
}

/// `map[name]`, looked for first where `hint` says it was last time.
#[inline]
fn map_get(map: &crate::value::Map, name: &str, hint: &IndexHint) -> Value {
    match map_entry(map, name, hint) {
        Some(value) => value.clone(),
        None => Value::Null,
    }
}

/// [`map_get`] without the copy.
#[inline]
fn map_entry<'m>(map: &'m crate::value::Map, name: &str, hint: &IndexHint) -> Option<&'m Value> {
    if let Some((key, value)) = map.get_index(hint.get()) {
        if **key == *name {
            return Some(value);
        }
    }
    let (index, _, value) = map.get_full(name)?;
    hint.set(index);
    Some(value)
}

/// Applies `f` to what a chain of map properties leads to, read in place;
/// `None` when a step is not a map property (the general path evaluates it).
fn peek_properties<R>(v: &Value, segments: &[Segment], f: impl FnOnce(&Value) -> R) -> Option<R> {
    let Some((first, rest)) = segments.split_first() else {
        return Some(f(v));
    };
    match (first, v) {
        // A null anywhere makes the whole reference null.
        (_, Value::Null) => Some(f(&Value::Null)),
        (Segment::Property(name, _, hint), Value::Map(m)) => {
            let m = m.borrow();
            match map_entry(&m, name, hint) {
                Some(child) => peek_properties(child, rest, f),
                None => Some(f(&Value::Null)),
            }
        }
        _ => None,
    }
}

/// The error for a `$util` function that does not exist.
#[cold]
fn unknown_function(ns: &'static util::Namespace, name: &str, span: Span) -> Interrupt {
    Error::new(ErrorKind::UnknownFunction {
        path: format!("{}{}.{name}", ns.root(), ns.display_path()),
        hint: util::suggest(ns, name),
    })
    .at(span)
    .into()
}

/// The error for a `$util` call with the wrong number of arguments.
#[cold]
fn wrong_arity(
    ns: &'static util::Namespace,
    name: &str,
    builtin: &util::Builtin,
    got: usize,
    span: Span,
) -> Interrupt {
    Error::new(ErrorKind::Arity {
        path: format!("{}{}.{name}", ns.root(), ns.display_path()),
        expected: builtin.arity.to_string(),
        got,
        signature: builtin.signature.to_string(),
    })
    .at(span)
    .into()
}

/// The value a render gives the variable `name` before the template runs.
fn global(name: &str, ctx: &Value) -> Option<Value> {
    match name {
        "ctx" | "context" => Some(ctx.clone()),
        _ => util::root_namespace(name).map(util::Namespace::value),
    }
}

/// A `#define` block held by a variable.
#[derive(Debug)]
pub struct DefinedBlock {
    pub(crate) body: Arc<Block>,
}

impl crate::value::Object for DefinedBlock {
    fn type_name(&self) -> &'static str {
        "#define block"
    }

    fn write_java(&self, out: &mut String) {
        out.push_str("#define");
    }
}

/// Why evaluation left the normal flow.
pub(crate) enum Interrupt {
    /// `#stop`: keep the output so far.
    Stop,
    /// `#break`, with the loop it targets (`None`: the innermost).
    Break(Option<usize>),
    /// `#return(value)`.
    Return(Value),
    /// `$util.error`, `$util.unauthorized`, `$util.validate` (boxed: every
    /// evaluation step returns an [`Exec`], which stays small this way).
    Raise(Box<AppSyncError>),
    /// An engine error.
    Error(Error),
}

impl From<Error> for Interrupt {
    fn from(e: Error) -> Interrupt {
        Interrupt::Error(e)
    }
}

pub(crate) type Exec<T> = Result<T, Interrupt>;

/// How a render ended.
pub(crate) enum Ending {
    /// Ran to the end (or `#stop`).
    Complete,
    /// `#return(value)`.
    Returned(Value),
    /// `$util.error` and friends.
    Raised(AppSyncError),
}

/// String literals made into values, by [`LiteralId`], kept on the thread
/// between renders: a template rendered again finds its literals made, so a
/// render allocates no string for them. Strings are immutable, so sharing them
/// between renders cannot be seen. The first use in a render checks the text
/// (another template may have used the same number for another literal).
struct LiteralPool {
    /// Each literal's value, and the render that last checked its text.
    values: Vec<Option<(Rc<str>, u64)>>,
    /// This render's number (unique on the thread).
    render: u64,
}

thread_local! {
    static LITERALS: std::cell::RefCell<LiteralPool> =
        const { std::cell::RefCell::new(LiteralPool::EMPTY) };
}

impl LiteralPool {
    /// Templates with more literals than this make the rest per render.
    const MAX_ENTRIES: usize = 1 << 16;

    /// A pool with no literals made.
    const EMPTY: LiteralPool = LiteralPool {
        values: Vec::new(),
        render: 0,
    };

    /// The thread's pool, for one render (an empty one while a render holds it).
    fn take(literals: usize) -> LiteralPool {
        let mut pool = LITERALS
            .try_with(|p| {
                p.try_borrow_mut().ok().map(|mut p| {
                    p.render += 1;
                    LiteralPool {
                        values: std::mem::take(&mut p.values),
                        render: p.render,
                    }
                })
            })
            .ok()
            .flatten()
            .unwrap_or(LiteralPool::EMPTY);
        let wanted = literals.min(Self::MAX_ENTRIES);
        if pool.values.len() < wanted {
            pool.values.resize(wanted, None);
        }
        pool
    }

    /// Puts a render's literals back for the next render on this thread.
    fn give_back(self) {
        let _ = LITERALS.try_with(|p| {
            if let Ok(mut p) = p.try_borrow_mut() {
                if self.values.len() >= p.values.len() {
                    p.values = self.values;
                }
            }
        });
    }
}

/// A macro argument, passed by name: re-evaluated at each use in the caller's frame.
#[derive(Clone)]
enum Arg<'t> {
    Expr(&'t Expr, usize),
    Value(Value),
}

struct MacroFrame<'t> {
    params: FxHashMap<&'t str, Arg<'t>>,
}

/// Walks one template once.
pub(crate) struct Evaluator<'t, T: Tracer> {
    template: &'t Template,
    pub(crate) out: String,
    /// Variables by [`Slot`] (`None`: never set).
    pub(crate) vars: Vec<Option<Value>>,
    frames: Vec<MacroFrame<'t>>,
    /// The frame references resolve in (below the top while evaluating an argument).
    frame: usize,
    loops: Vec<Rc<LoopInfo>>,
    next_loop_id: usize,
    pub(crate) state: RunState,
    limits: Limits,
    iterations: usize,
    /// When the render must have finished ([`Limits::time`]).
    deadline: Option<Instant>,
    /// `#define` blocks being rendered inside each other.
    block_depth: usize,
    /// Blocks and expressions being evaluated inside each other (see [`Evaluator::deeper`]).
    depth: u32,
    /// Bytes of logs, appended errors and extension calls so far.
    recorded: usize,
    pub(crate) tracer: T,
    /// Operands recorded while a condition is evaluated (tracing only).
    capture: Option<Vec<Operand>>,
    /// String literals already made into values (see [`LiteralPool`]).
    literals: LiteralPool,
    /// Emptied string buffers, kept for the next interpolated string or `+`.
    spare: Vec<String>,
    /// Arguments of the calls being evaluated (one buffer instead of a `Vec` per call).
    args: Vec<Value>,
}

impl<'t, T: Tracer> Evaluator<'t, T> {
    pub(crate) fn new(
        template: &'t Template,
        vars: Vec<Option<Value>>,
        state: RunState,
        limits: Limits,
        tracer: T,
    ) -> Self {
        Evaluator {
            template,
            // Most outputs are short; a first allocation under 1 KB also stays
            // in the allocator's small-request path.
            out: String::with_capacity(template.source.text().len().min(512)),
            vars,
            frames: Vec::new(),
            frame: 0,
            loops: Vec::new(),
            next_loop_id: 0,
            state,
            deadline: limits.time.and_then(|t| Instant::now().checked_add(t)),
            limits,
            iterations: 0,
            block_depth: 0,
            depth: 0,
            recorded: 0,
            tracer,
            capture: None,
            literals: LiteralPool::take(template.string_literals),
            spare: Vec::new(),
            args: Vec::with_capacity(8),
        }
    }

    /// The variables a render starts with: `$ctx`/`$context` and the `$util`
    /// namespaces, in the slots of the template's names (names it does not use
    /// are not set).
    pub(crate) fn globals(template: &Template, ctx: &Value) -> Vec<Option<Value>> {
        template
            .names
            .iter()
            .map(|name| global(name, ctx))
            .collect()
    }

    /// The variables set when the render ended, by name (the `$util` namespaces
    /// left out).
    pub(crate) fn variables(&self) -> FxHashMap<Rc<str>, Value> {
        self.template
            .names
            .iter()
            .zip(&self.vars)
            .filter_map(|(name, value)| match value {
                Some(Value::Static(ns))
                    if util::root_namespace(name)
                        .is_some_and(|root| std::ptr::addr_eq(root, *ns)) =>
                {
                    None
                }
                Some(v) => Some((Rc::from(&**name), v.clone())),
                None => None,
            })
            .collect()
    }

    /// Renders the whole template.
    pub(crate) fn run(&mut self) -> Result<Ending, Error> {
        let body = &self.template.body;
        // The first look at the stack; [`Evaluator::deeper`] looks again every few levels.
        match stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.block(body)) {
            Ok(()) | Err(Interrupt::Stop) | Err(Interrupt::Break(_)) => Ok(Ending::Complete),
            Err(Interrupt::Return(v)) => Ok(Ending::Returned(v)),
            Err(Interrupt::Raise(e)) => Ok(Ending::Raised(*e)),
            Err(Interrupt::Error(e)) => Err(e.at(Span::default()).in_source(&self.template.source)),
        }
    }

    fn src(&self, span: Span) -> &'t str {
        self.template.source.slice(span)
    }

    /// Fails once the render has run past [`Limits::time`].
    fn check_time(&self, span: Span) -> Exec<()> {
        match (self.deadline, self.limits.time) {
            (Some(deadline), Some(time)) if Instant::now() > deadline => {
                Err(Error::limit(format!(
                    "the render took longer than {} (raise it with --timeout)",
                    seconds(time)
                ))
                .at(span)
                .into())
            }
            _ => Ok(()),
        }
    }

    /// Adds what a `$util` call logged, appended or recorded to the bytes kept
    /// beside the output, which may not outgrow [`Limits::output_bytes`].
    #[cold]
    fn count_recorded(&mut self, before: (usize, usize, usize), span: Span) -> Exec<()> {
        let state = &self.state;
        let logs: usize = state.logs[before.0..].iter().map(String::len).sum();
        let errors: usize = state.errors[before.1..]
            .iter()
            .map(|e| e.message.len() + 64)
            .sum();
        let extensions: usize = state.extensions[before.2..]
            .iter()
            .flat_map(|x| x.args.iter())
            .map(|a| a.to_string().len())
            .sum();
        self.recorded += logs + errors + extensions;
        if self.recorded > self.limits.output_bytes {
            return Err(Error::limit(format!(
                "logs, appended errors and extension calls are larger than {} bytes \
                 (raise it with --max-output-bytes)",
                self.limits.output_bytes
            ))
            .at(span)
            .into());
        }
        Ok(())
    }

    /// Fails when a method built a string past [`Limits::string_bytes`] or grew
    /// its list or map past [`Limits::collection_size`].
    fn check_growth(&self, recv: &Value, result: &Value, span: Span) -> Exec<()> {
        if let Value::Str(s) = result {
            if s.len() > self.limits.string_bytes {
                return Err(self.string_too_long(span));
            }
        }
        let grown = match recv {
            Value::List(l) => l.borrow().len(),
            Value::Map(m) => m.borrow().len(),
            _ => 0,
        };
        if grown > self.limits.collection_size {
            return Err(Error::limit(format!(
                "a list or map grew past {} elements (raise it with --max-collection-size)",
                self.limits.collection_size
            ))
            .at(span)
            .into());
        }
        Ok(())
    }

    /// Records an engine warning, unless the logs are already full.
    fn warn(&mut self, line: String) {
        if self.recorded + line.len() <= self.limits.output_bytes {
            self.recorded += line.len();
            self.state.logs.push(line);
        }
    }

    /// The error for a string longer than [`Limits::string_bytes`].
    fn string_too_long(&self, span: Span) -> Interrupt {
        Error::limit(format!(
            "a string grew past {} bytes (raise it with --max-string-bytes)",
            self.limits.string_bytes
        ))
        .at(span)
        .into()
    }

    #[inline]
    fn write(&mut self, s: &str) -> Exec<()> {
        self.out.push_str(s);
        if self.out.len() > self.limits.output_bytes {
            return Err(Error::limit(format!(
                "the output is larger than {} bytes (AppSync's limit is 5 MB; raise it with \
                 --max-output-bytes)",
                self.limits.output_bytes
            ))
            .into());
        }
        Ok(())
    }

    /// Runs `f` one level deeper. Blocks, expressions and macro calls recurse:
    /// the stack grows on the heap when it runs low, so that depth is bounded by
    /// the limits, not the stack.
    #[inline(always)]
    fn deeper<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        self.depth += 1;
        let result = if self.depth.is_multiple_of(STACK_CHECK_INTERVAL) {
            stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || f(self))
        } else {
            f(self)
        };
        self.depth -= 1;
        result
    }

    fn block(&mut self, block: &'t [Node]) -> Exec<()> {
        self.deeper(|this| {
            let mut at = None;
            for node in block {
                at = node.span().or(at);
                if let Err(e) = this.node(node) {
                    // An error without a position (the output outgrew its limit while
                    // text was written) is located at the nearest node before it.
                    return Err(match (e, at) {
                        (Interrupt::Error(e), Some(span)) => Interrupt::Error(e.at(span)),
                        (other, _) => other,
                    });
                }
            }
            Ok(())
        })
    }

    fn node(&mut self, node: &'t Node) -> Exec<()> {
        match node {
            Node::Text(t) => self.write(t),
            Node::Ref(r) => self.render_ref(r),
            Node::EscapedRef {
                backslashes,
                reference,
            } => self.render_escaped(*backslashes, reference),
            Node::Set(set) => self.set(set),
            Node::If(node) => self.if_node(node),
            Node::Foreach(node) => self.foreach(node),
            Node::Break { target, span } => {
                let target = match target {
                    Some(r) => self
                        .eval_ref(r)?
                        .0
                        .downcast_object::<LoopInfo>()
                        .map(|l| l.id),
                    None => None,
                };
                if T::ENABLED {
                    self.tracer.event(Event::Break { span: *span });
                }
                Err(Interrupt::Break(target))
            }
            Node::Stop(span) => {
                if T::ENABLED {
                    self.tracer.event(Event::Stop { span: *span });
                }
                Err(Interrupt::Stop)
            }
            Node::Return { value, span } => {
                let v = match value {
                    Some(e) => self.expr(e)?,
                    None => Value::Null,
                };
                if T::ENABLED {
                    self.tracer.event(Event::Return {
                        span: *span,
                        value: v.clone(),
                    });
                }
                Err(Interrupt::Return(v))
            }
            Node::MacroCall(call) => self.macro_call(call),
            Node::Define { slot, body, .. } => {
                let block = Value::Object(Rc::new(DefinedBlock { body: body.clone() }));
                self.assign(*slot, block);
                Ok(())
            }
        }
    }

    fn render_value(&mut self, value: &Value, span: Span) -> Exec<()> {
        match value {
            Value::Str(s) => self.write(s),
            other => {
                if let Some(block) = other.downcast_object::<DefinedBlock>() {
                    return self.render_owned_block(&block.body, span);
                }
                let mut s = String::new();
                other.write_java(&mut s, 0);
                self.write(&s)
            }
        }
    }

    /// Renders nodes that do not borrow from the template (a `#define` body).
    fn render_owned_block(&mut self, body: &[Node], span: Span) -> Exec<()> {
        if self.block_depth + self.frames.len() >= self.limits.macro_depth {
            return Err(Error::limit(format!(
                "macros and #define blocks render each other more than {} levels deep \
                 (raise it with --max-macro-depth)",
                self.limits.macro_depth
            ))
            .at(span)
            .into());
        }
        self.check_time(span)?;
        // Safety of lifetimes: `#define` bodies are Arc-owned, so they are cloned
        // into a short-lived evaluator that shares this one's state.
        let template = Template {
            source: self.template.source.clone(),
            body: body.to_vec(),
            macros: self.template.macros.clone(),
            names: self.template.names.clone(),
            string_literals: self.template.string_literals,
        };
        let vars = std::mem::take(&mut self.vars);
        let state = std::mem::take(&mut self.state);
        let mut inner = Evaluator::new(&template, vars, state, self.limits.clone(), NoTrace);
        inner.loops = self.loops.clone();
        inner.iterations = self.iterations;
        inner.deadline = self.deadline;
        inner.block_depth = self.block_depth + self.frames.len() + 1;
        inner.depth = self.depth;
        inner.recorded = self.recorded;
        let result = inner.block(&template.body);
        self.iterations = inner.iterations;
        self.recorded = inner.recorded;
        let out = std::mem::take(&mut inner.out);
        self.vars = std::mem::take(&mut inner.vars);
        self.state = std::mem::take(&mut inner.state);
        self.write(&out)?;
        result
    }

    fn render_ref(&mut self, r: &'t Reference) -> Exec<()> {
        let (value, void) = self.eval_ref(r)?;
        if void {
            return Ok(());
        }
        match value {
            Value::Null => {
                if r.quiet {
                    Ok(())
                } else {
                    let text = self.src(r.span);
                    self.write(text)
                }
            }
            v => self.render_value(&v, r.span),
        }
    }

    fn render_escaped(&mut self, backslashes: u32, r: &'t Reference) -> Exec<()> {
        let defined = !self.eval_ref(r)?.0.is_null();
        let text = self.src(r.span);
        if !defined {
            // Velocity 1.7 keeps every backslash of an even run, and half the
            // run plus the escaping one of an odd run: `\\\$b` prints `\\$b`.
            let kept = if backslashes % 2 == 1 {
                backslashes / 2 + 1
            } else {
                backslashes
            };
            let mut s = "\\".repeat(kept as usize);
            s.push_str(text);
            return self.write(&s);
        }
        let half = "\\".repeat(backslashes as usize / 2);
        self.write(&half)?;
        if backslashes % 2 == 1 {
            self.write(text)
        } else {
            self.render_ref(r)
        }
    }

    // -- directives -----------------------------------------------------------

    fn set(&mut self, set: &'t Set) -> Exec<()> {
        let value = self.expr(&set.value)?;
        let target = &set.target;
        if value.is_null() {
            // Velocity 1.7: assigning null leaves the target unchanged.
            if T::ENABLED {
                self.tracer.event(Event::Set {
                    span: set.span,
                    target: self.src(target.span).to_string(),
                    value: Value::Null,
                    applied: false,
                });
            }
            return Ok(());
        }
        if T::ENABLED {
            self.tracer.event(Event::Set {
                span: set.span,
                target: self.src(target.span).to_string(),
                value: value.snapshot(),
                applied: true,
            });
        }
        let Some((last, init)) = target.segments.split_last() else {
            if let Some(frame) = self.frames.last_mut() {
                if let Some(arg) = frame.params.get_mut(&*target.root) {
                    *arg = Arg::Value(value);
                    return Ok(());
                }
            }
            self.assign(target.slot, value);
            return Ok(());
        };
        let mut parent = self.root(&target.root, target.slot)?;
        for seg in init {
            if parent.is_null() {
                return Ok(());
            }
            parent = self.segment(parent, seg, target.span.start)?.0;
        }
        match (&parent, last) {
            (Value::Map(m), Segment::Property(name, ..)) => {
                let mut m = m.borrow_mut();
                match m.get_mut(name) {
                    Some(slot) => *slot = value,
                    None => {
                        m.insert(Rc::from(&**name), value);
                    }
                }
            }
            (Value::Map(m), Segment::Index(e, _)) => {
                let key = self.expr(e)?.to_key();
                m.borrow_mut().insert(key, value);
            }
            (Value::List(l), Segment::Index(e, span)) => {
                let i = self.expr(e)?;
                let mut l = l.borrow_mut();
                match i {
                    Value::Int(i) if i >= 0 && (i as usize) < l.len() => l[i as usize] = value,
                    other => {
                        return Err(Error::invalid(format!(
                            "index {} is out of bounds for a list of {} element(s)",
                            other.to_java_string(),
                            l.len()
                        ))
                        .at(*span)
                        .into())
                    }
                }
            }
            // Velocity ignores assignments it cannot make.
            _ => {}
        }
        Ok(())
    }

    /// Sets a variable.
    fn assign(&mut self, slot: Slot, value: Value) {
        self.vars[slot as usize] = Some(value);
    }

    fn if_node(&mut self, node: &'t If) -> Exec<()> {
        for (i, branch) in node.branches.iter().enumerate() {
            let holds = if T::ENABLED {
                self.capture = Some(Vec::new());
                let holds = self.condition(&branch.condition);
                let operands = self.capture.take().unwrap_or_default();
                let holds = holds?;
                self.tracer.event(Event::Condition {
                    span: branch.span,
                    condition: self.src(branch.condition.span()).to_string(),
                    elseif: i > 0,
                    holds,
                    operands,
                });
                holds
            } else {
                self.condition(&branch.condition)?
            };
            if holds {
                return self.block(&branch.body);
            }
        }
        if let Some(otherwise) = &node.otherwise {
            if T::ENABLED {
                self.tracer.event(Event::Else {
                    span: node.else_span.unwrap_or_default(),
                });
            }
            return self.block(otherwise);
        }
        Ok(())
    }

    fn foreach(&mut self, node: &'t Foreach) -> Exec<()> {
        let iterable = self.expr(&node.iterable)?;
        // A list is walked in place, over the elements it had when the loop
        // began; a map's values are collected first.
        let (list, items) = match &iterable {
            Value::List(l) => (Some(l.clone()), Vec::new()),
            Value::Map(m) => (None, m.borrow().values().cloned().collect()),
            _ => (None, Vec::new()),
        };
        let count = list.as_ref().map_or(items.len(), |l| l.borrow().len());
        if T::ENABLED {
            self.tracer.event(Event::LoopStart {
                span: node.span,
                var: node.var.to_string(),
                iterable: self.src(node.iterable.span()).to_string(),
                items: count,
            });
        }
        let var = node.slot as usize;
        let saved = self.vars[var].take();
        let info = Rc::new(LoopInfo {
            index: Cell::new(0),
            has_next: Cell::new(count > 0),
            parent: self.loops.last().cloned(),
            id: self.next_loop_id,
        });
        self.next_loop_id += 1;
        self.loops.push(info.clone());
        let mut result = Ok(());
        for i in 0..count {
            let item = match &list {
                Some(l) => match l.borrow().get(i) {
                    Some(v) => v.clone(),
                    // The body removed elements: the loop ends with the list.
                    None => break,
                },
                None => match items.get(i) {
                    Some(v) => v.clone(),
                    None => break,
                },
            };
            if i >= self.limits.loop_iterations {
                self.warn(format!(
                    "#foreach at {} stopped after {} iterations (AppSync's per-loop limit; \
                     raise it with --max-loop-iterations)",
                    self.template.source.line_col(node.span.start as usize),
                    self.limits.loop_iterations
                ));
                break;
            }
            self.iterations += 1;
            if self.iterations > self.limits.total_iterations {
                result = Err(Error::limit(format!(
                    "more than {} loop iterations in one render (raise it with --max-total-iterations)",
                    self.limits.total_iterations
                ))
                .at(node.span)
                .into());
                break;
            }
            // Reading the clock costs more than a pass of a small loop: look every 64 passes.
            if self.iterations.is_multiple_of(64) {
                if let Err(e) = self.check_time(node.span) {
                    result = Err(e);
                    break;
                }
            }
            info.index.set(i);
            info.has_next.set(i + 1 < count);
            if T::ENABLED {
                self.tracer.event(Event::LoopPass {
                    span: node.span,
                    var: node.var.to_string(),
                    index: i,
                    count,
                    value: item.snapshot(),
                });
            }
            self.vars[var] = Some(item);
            match self.block(&node.body) {
                Ok(()) => {}
                Err(Interrupt::Break(None)) => break,
                Err(Interrupt::Break(Some(id))) if id == info.id => break,
                Err(other) => {
                    result = Err(other);
                    break;
                }
            }
        }
        self.loops.pop();
        self.vars[var] = saved;
        if T::ENABLED {
            self.tracer.event(Event::LoopEnd { span: node.span });
        }
        result
    }

    fn macro_call(&mut self, call: &'t MacroCall) -> Exec<()> {
        let template: &'t Template = self.template;
        let Some(mac) = template.macros.iter().find(|m| *m.name == *call.name) else {
            if matches!(&*call.name, "include" | "parse" | "evaluate") {
                return Err(Error::new(ErrorKind::Unsupported {
                    message: format!("AppSync does not support `#{}`", call.name),
                })
                .at(call.span)
                .into());
            }
            let text = self.src(call.span);
            return self.write(text);
        };
        if self.block_depth + self.frames.len() >= self.limits.macro_depth {
            return Err(Error::limit(format!(
                "macros call each other more than {} levels deep (raise it with --max-macro-depth)",
                self.limits.macro_depth
            ))
            .at(call.span)
            .into());
        }
        self.check_time(call.span)?;
        let caller = self.frame;
        let params = mac
            .params
            .iter()
            .zip(call.args.iter())
            .map(|(name, arg)| (&**name, Arg::Expr(arg, caller)))
            .collect();
        self.frames.push(MacroFrame { params });
        let saved_frame = self.frame;
        self.frame = self.frames.len();
        let result = self.block(&mac.body);
        self.frame = saved_frame;
        self.frames.pop();
        result
    }

    // -- references -------------------------------------------------------------

    /// Looks up a root name: macro parameter, variable, or a built-in root.
    #[inline]
    fn root(&mut self, name: &str, slot: Slot) -> Exec<Value> {
        // Outside macros, a variable that is set is the common case.
        if self.frame == 0 {
            if let Some(v) = &self.vars[slot as usize] {
                return Ok(v.clone());
            }
        }
        self.root_slow(name, slot)
    }

    #[inline(never)]
    fn root_slow(&mut self, name: &str, slot: Slot) -> Exec<Value> {
        if self.frame > 0 {
            if let Some(arg) = self.frames[self.frame - 1].params.get(name).cloned() {
                return match arg {
                    Arg::Value(v) => Ok(v),
                    Arg::Expr(e, caller) => {
                        let saved = self.frame;
                        self.frame = caller;
                        let v = self.expr(e);
                        self.frame = saved;
                        v
                    }
                };
            }
        }
        if let Some(v) = &self.vars[slot as usize] {
            return Ok(v.clone());
        }
        Ok(match name {
            "foreach" => self
                .loops
                .last()
                .map(|l| Value::Object(l.clone()))
                .unwrap_or(Value::Null),
            "velocityCount" => self
                .loops
                .last()
                .map(|l| Value::Int(l.index.get() as i64 + 1))
                .unwrap_or(Value::Null),
            _ => Value::Null,
        })
    }

    /// Evaluates a reference; the flag is true when the last call returned void.
    fn eval_ref(&mut self, r: &'t Reference) -> Exec<(Value, bool)> {
        let mut value = self.root(&r.root, r.slot)?;
        let mut void = false;
        let last = r.segments.len().saturating_sub(1);
        for (i, seg) in r.segments.iter().enumerate() {
            if value.is_null() {
                void = false;
                break;
            }
            if T::ENABLED && i == last && matches!(seg, Segment::Method(..)) {
                // The receiver of the final call: `$groups` in `$groups.contains("Admin")`.
                if !matches!(value, Value::Static(_)) {
                    self.capture_operand(
                        Span::new(r.span.start as usize, seg.span().start as usize),
                        &value,
                    );
                }
            }
            // A map's property, the most common step, without the general call.
            if let (Segment::Property(name, _, hint), Value::Map(m)) = (seg, &value) {
                let v = map_get(&m.borrow(), name, hint);
                value = v;
                void = false;
                continue;
            }
            let (v, is_void) = self.segment(value, seg, r.span.start)?;
            value = v;
            void = is_void;
        }
        if T::ENABLED {
            self.capture_operand(r.span, &value);
        }
        Ok((value, void))
    }

    /// Records a value seen while a condition is evaluated (tracing only).
    fn capture_operand(&mut self, span: Span, value: &Value) {
        if let Some(capture) = &mut self.capture {
            capture.push(Operand {
                span,
                text: self.template.source.slice(span).to_string(),
                value: value.snapshot(),
            });
        }
    }

    /// Applies one segment; `start` is where the whole reference begins (a `$util`
    /// call is located from the `$` to its closing parenthesis).
    fn segment(&mut self, value: Value, seg: &'t Segment, start: u32) -> Exec<(Value, bool)> {
        match seg {
            Segment::Property(name, span, hint) => {
                Ok((self.property(&value, name, hint, *span)?, false))
            }
            Segment::Index(e, span) => {
                let index = self.expr(e)?;
                Ok((ops::index(&value, &index).map_err(|e| e.at(*span))?, false))
            }
            Segment::Method(name, args, span, hint) => {
                // Arguments go on `self.args` above those of the calls around this one.
                let base = self.args.len();
                for a in args {
                    match self.expr(a) {
                        Ok(v) => self.args.push(v),
                        Err(e) => {
                            self.args.truncate(base);
                            return Err(e);
                        }
                    }
                }
                // Calls do not evaluate template code, so the buffer can be lent out.
                let buffer = std::mem::take(&mut self.args);
                let values = &buffer[base..];
                let result = if let Some(ns) = value.downcast_static::<util::Namespace>() {
                    let whole = Span {
                        start,
                        end: span.end,
                    };
                    self.util_call(ns, name, hint, values, whole)
                } else {
                    methods::call(&value, name, values, &mut self.state)
                        .map_err(|e| Interrupt::Error(e.at(*span)))
                };
                self.args = buffer;
                self.args.truncate(base);
                let result = result?;
                if !matches!(value, Value::Static(_)) {
                    self.check_growth(&value, &result.0, *span)?;
                }
                Ok(result)
            }
        }
    }

    fn property(&mut self, value: &Value, name: &str, hint: &IndexHint, span: Span) -> Exec<Value> {
        Ok(match value {
            Value::Map(m) => map_get(&m.borrow(), name, hint),
            Value::Static(_) => {
                let Some(ns) = value.downcast_static::<util::Namespace>() else {
                    return Ok(methods::property(value, name, &mut self.state)?);
                };
                match ns.child(name) {
                    Some(child) => child.value(),
                    None if ns.function(name).is_some() => {
                        let signature = ns.function(name).map_or("", |f| f.signature);
                        return Err(Error::new(ErrorKind::NotCalled {
                            path: format!("{}{}.{name}", ns.root(), ns.display_path()),
                            signature: signature.to_string(),
                        })
                        .at(span)
                        .into());
                    }
                    None => return Err(unknown_function(ns, name, span)),
                }
            }
            Value::Object(_) => match value.downcast_object::<LoopInfo>() {
                Some(l) => l.property(name).unwrap_or(Value::Null),
                None => methods::property(value, name, &mut self.state)?,
            },
            other => methods::property(other, name, &mut self.state)?,
        })
    }

    fn util_call(
        &mut self,
        ns: &'static util::Namespace,
        name: &str,
        hint: &IndexHint,
        args: &[Value],
        span: Span,
    ) -> Exec<(Value, bool)> {
        let Some(builtin) = ns.function_hinted(name, hint) else {
            return Err(unknown_function(ns, name, span));
        };
        if !builtin.arity.accepts(args.len()) {
            return Err(wrong_arity(ns, name, builtin, args.len(), span));
        }
        let before = self.state.recorded();
        let mut call = Call {
            state: &mut self.state,
            span,
        };
        let result = (builtin.func)(&mut call, args);
        if self.state.recorded() != before {
            self.count_recorded(before, span)?;
        }
        if let Ok(Value::Str(s)) = &result {
            if s.len() > self.limits.string_bytes {
                return Err(self.string_too_long(span));
            }
        }
        if T::ENABLED {
            let shown = match &result {
                Ok(v) => v.clone(),
                Err(_) => Value::Null,
            };
            self.tracer.event(Event::UtilCall {
                span,
                path: format!("{}{}.{name}", ns.root(), ns.display_path()),
                args: args.iter().map(Value::snapshot).collect(),
                result: shown.snapshot(),
            });
        }
        match result {
            Ok(v) => Ok((v, builtin.void)),
            Err(util::UtilError::Raise(e)) => {
                if T::ENABLED {
                    self.tracer.event(Event::Raise {
                        span,
                        error: e.clone(),
                    });
                }
                Err(Interrupt::Raise(Box::new(e)))
            }
            Err(util::UtilError::Invalid(message)) => Err(Error::invalid(format!(
                "`$util{}.{name}`: {message}",
                ns.display_path()
            ))
            .at(span)
            .into()),
        }
    }

    // -- expressions --------------------------------------------------------------

    pub(crate) fn expr(&mut self, e: &'t Expr) -> Exec<Value> {
        match e {
            // A constant does not recurse.
            Expr::Literal(lit, _) => Ok(self.constant(lit)),
            _ => self.deeper(|this| this.expr_inner(e)),
        }
    }

    #[inline]
    fn constant(&mut self, lit: &'t Literal) -> Value {
        match lit {
            Literal::Null => Value::Null,
            Literal::Bool(b) => Value::Bool(*b),
            Literal::Int(i) => Value::Int(*i),
            Literal::Float(f) => Value::Float(*f),
            Literal::Str(s, id) => Value::Str(self.literal(s, *id)),
        }
    }

    /// Evaluates an expression for its truth (`#if`, `!`, `&&`, `||`) without
    /// making the `Boolean` values of the logical operators in between.
    fn condition(&mut self, e: &'t Expr) -> Exec<bool> {
        match e {
            Expr::Binary(BinaryOp::And, lhs, rhs, _) => {
                self.deeper(|this| Ok(this.condition(lhs)? && this.condition(rhs)?))
            }
            Expr::Binary(BinaryOp::Or, lhs, rhs, _) => {
                self.deeper(|this| Ok(this.condition(lhs)? || this.condition(rhs)?))
            }
            Expr::Unary(UnaryOp::Not, operand, _) => {
                self.deeper(|this| Ok(!this.condition(operand)?))
            }
            // Comparisons make no `Boolean` (tracing records both sides instead).
            Expr::Binary(op, lhs, rhs, _) if !T::ENABLED && op.is_comparison() => {
                let holds = |l: &Value, r: &Value| match op {
                    BinaryOp::Eq => ops::equals(l, r),
                    BinaryOp::Ne => !ops::equals(l, r),
                    _ => ops::ordered(*op, l, r),
                };
                if let Some(holds) = self.compare_in_place(lhs, rhs, holds) {
                    return Ok(holds);
                }
                self.deeper(|this| {
                    let l = this.expr(lhs)?;
                    let r = this.expr(rhs)?;
                    Ok(holds(&l, &r))
                })
            }
            // A set variable read as is (tracing records every reference it reads).
            Expr::Ref(r) if !T::ENABLED && r.segments.is_empty() && self.frame == 0 => {
                match &self.vars[r.slot as usize] {
                    Some(v) => Ok(v.is_truthy()),
                    None => Ok(self.expr(e)?.is_truthy()),
                }
            }
            _ => Ok(self.expr(e)?.is_truthy()),
        }
    }

    /// Compares two operands without copying them, when each is a constant or
    /// a variable's chain of map properties (no evaluation order to keep: such
    /// operands have no effects). `None`: evaluate them the general way.
    #[inline(never)]
    fn compare_in_place(
        &mut self,
        lhs: &'t Expr,
        rhs: &'t Expr,
        test: impl Fn(&Value, &Value) -> bool,
    ) -> Option<bool> {
        let properties_only = |r: &Reference| {
            r.segments
                .iter()
                .all(|s| matches!(s, Segment::Property(..)))
        };
        if self.frame != 0 {
            return None;
        }
        match (lhs, rhs) {
            (Expr::Ref(a), Expr::Ref(b)) if properties_only(a) && properties_only(b) => {
                let vars = &self.vars;
                let left = vars[a.slot as usize].as_ref()?;
                let right = vars[b.slot as usize].as_ref()?;
                peek_properties(left, &a.segments, |l| {
                    peek_properties(right, &b.segments, |r| test(l, r))
                })
                .flatten()
            }
            (Expr::Ref(a), Expr::Literal(lit, _)) if properties_only(a) => {
                let r = self.constant(lit);
                let left = self.vars[a.slot as usize].as_ref()?;
                peek_properties(left, &a.segments, |l| test(l, &r))
            }
            (Expr::Literal(lit, _), Expr::Ref(b)) if properties_only(b) => {
                let l = self.constant(lit);
                let right = self.vars[b.slot as usize].as_ref()?;
                peek_properties(right, &b.segments, |r| test(&l, r))
            }
            _ => None,
        }
    }

    fn expr_inner(&mut self, e: &'t Expr) -> Exec<Value> {
        match e {
            Expr::Literal(lit, _) => Ok(self.constant(lit)),
            Expr::Interpolated(block, span) => {
                // The string is written into a buffer kept for the next one.
                let buffer = self.spare.pop().unwrap_or_default();
                let saved = std::mem::replace(&mut self.out, buffer);
                let result = self.block(block);
                let mut text = std::mem::replace(&mut self.out, saved);
                let value = match result {
                    Ok(()) if text.len() > self.limits.string_bytes => {
                        Err(self.string_too_long(*span))
                    }
                    Ok(()) => Ok(Value::Str(Rc::from(text.as_str()))),
                    Err(e) => Err(e),
                };
                text.clear();
                self.spare.push(text);
                value
            }
            Expr::Ref(r) => Ok(self.eval_ref(r)?.0),
            Expr::List(items, _) => {
                let mut v = Vec::with_capacity(items.len());
                for item in items {
                    v.push(self.expr(item)?);
                }
                Ok(Value::list(v))
            }
            Expr::Map(entries, _) => {
                let mut m = crate::value::Map::with_capacity(entries.len());
                for (k, v) in entries {
                    let key = self.expr(k)?.to_key();
                    let value = self.expr(v)?;
                    m.insert(key, value);
                }
                Ok(Value::map(m))
            }
            Expr::Range(from, to, span) => {
                let a = self.expr(from)?;
                let b = self.expr(to)?;
                ops::range(&a, &b, self.limits.range_size).map_err(|e| e.at(*span).into())
            }
            Expr::Unary(UnaryOp::Not, operand, _) => Ok(Value::Bool(!self.condition(operand)?)),
            Expr::Unary(UnaryOp::Neg, operand, _) => Ok(match self.expr(operand)? {
                Value::Int(i) => Value::Int(i.wrapping_neg()),
                Value::Float(f) => Value::Float(-f),
                _ => Value::Null,
            }),
            Expr::Binary(op, lhs, rhs, span) => match op {
                BinaryOp::And => {
                    let l = self.condition(lhs)?;
                    Ok(Value::Bool(l && self.condition(rhs)?))
                }
                BinaryOp::Or => {
                    let l = self.condition(lhs)?;
                    Ok(Value::Bool(l || self.condition(rhs)?))
                }
                _ => {
                    let mut l = self.expr(lhs)?;
                    let mut r = self.expr(rhs)?;
                    if *op == BinaryOp::Add {
                        // `"a" + $undefined` concatenates the reference's own text.
                        if matches!(r, Value::Str(_)) && l.is_null() {
                            l = self.null_text(lhs);
                        } else if matches!(l, Value::Str(_)) && r.is_null() {
                            r = self.null_text(rhs);
                        }
                    }
                    if T::ENABLED && self.capture.is_some() && op.is_comparison() {
                        // Both sides of a comparison (references record themselves).
                        for (side, value) in [(&**lhs, &l), (&**rhs, &r)] {
                            if !matches!(side, Expr::Ref(_)) {
                                self.capture_operand(side.span(), value);
                            }
                        }
                    }
                    let result = ops::binary(*op, &l, &r, &mut self.spare);
                    if T::ENABLED && op.is_comparison() {
                        if let Ok(v) = &result {
                            self.capture_operand(*span, v);
                        }
                    }
                    match result {
                        Ok(Value::Str(ref s)) if s.len() > self.limits.string_bytes => {
                            Err(self.string_too_long(*span))
                        }
                        Ok(v) => Ok(v),
                        Err(message) => {
                            self.warn(format!(
                                "{} at {}",
                                message,
                                self.template.source.line_col(span.start as usize)
                            ));
                            Ok(Value::Null)
                        }
                    }
                }
            },
        }
    }

    /// The value of a string literal, made once per thread while its template
    /// is rendered (see [`LiteralPool`]).
    #[inline]
    fn literal(&mut self, text: &'t str, id: LiteralId) -> Rc<str> {
        let render = self.literals.render;
        match self.literals.values.get_mut(id as usize) {
            Some(Some((value, seen))) => {
                if *seen != render {
                    if **value != *text {
                        *value = Rc::from(text);
                    }
                    *seen = render;
                }
                value.clone()
            }
            Some(slot) => slot.insert((Rc::from(text), render)).0.clone(),
            None => Rc::from(text),
        }
    }

    /// Gives the string literals made in this render back to the thread's pool.
    pub(crate) fn release_literals(&mut self) {
        std::mem::replace(&mut self.literals, LiteralPool::EMPTY).give_back();
    }

    /// The source text of a reference expression that evaluated to null.
    fn null_text(&self, e: &'t Expr) -> Value {
        match e {
            Expr::Ref(r) => Value::Str(self.src(r.span).into()),
            _ => Value::Null,
        }
    }
}
