//! The `$util` library, one file per namespace.
//!
//! Each namespace file starts with its table: one [`Builtin`] row per function
//! (name, arity, signature, doc, body). Adding a function is one row plus its
//! body; adding a namespace is one file plus one entry in [`UTIL`]'s children.
//! `vtl util list` prints these same tables.

pub(crate) mod args;
pub mod core;
pub mod dynamodb;
pub mod extensions;
pub mod http;
mod javatime;
pub mod list;
pub mod log;
pub mod map;
pub mod math;
pub mod rds;
pub mod str;
pub mod time;
pub mod transform;
pub mod xml;

use std::fmt;

use crate::outcome::{AppSyncError, AuthType, ExtensionCall};
use crate::source::Span;
use crate::value::Value;

/// The namespace a root variable names before a template sets it: `$util`
/// (also `$utils`) or `$extensions`.
pub(crate) fn root_namespace(name: &str) -> Option<&'static Namespace> {
    match name {
        "util" | "utils" => Some(&UTIL),
        "extensions" => Some(&extensions::EXTENSIONS),
        _ => None,
    }
}

/// The root `$util` namespace.
pub static UTIL: Namespace = Namespace {
    name: "util",
    path: "",
    functions: core::FUNCTIONS,
    children: &[
        &time::TIME,
        &list::LIST,
        &map::MAP,
        &str::STR,
        &math::MATH,
        &dynamodb::DYNAMODB,
        &transform::TRANSFORM,
        &rds::RDS,
        &http::HTTP,
        &xml::XML,
        &log::LOG,
    ],
};

/// A group of functions: `$util`, `$util.time`, ...
#[derive(Debug)]
pub struct Namespace {
    /// Its own name (`time`).
    pub name: &'static str,
    /// Its path below `$util` (`.time`), empty for `$util` itself.
    pub path: &'static str,
    /// Its functions.
    pub functions: &'static [Builtin],
    /// Nested namespaces.
    pub children: &'static [&'static Namespace],
}

impl crate::value::Object for Namespace {
    fn type_name(&self) -> &'static str {
        "utility namespace"
    }

    fn write_java(&self, out: &mut String) {
        out.push_str("$util");
        out.push_str(self.display_path());
    }
}

impl Namespace {
    /// This namespace as a value.
    pub fn value(&'static self) -> Value {
        Value::Static(self)
    }

    /// The path for messages: `.time` (or `` for the root).
    pub fn display_path(&self) -> &'static str {
        self.path
    }

    /// The variable this namespace hangs from: `$extensions` or `$util`.
    pub fn root(&self) -> &'static str {
        if self.name == "extensions" {
            "$extensions"
        } else {
            "$util"
        }
    }

    /// A function by name.
    pub fn function(&self, name: &str) -> Option<&'static Builtin> {
        self.functions.iter().find(|f| f.name == name)
    }

    /// A function by name, trying the index `hint` recorded first (and
    /// recording where the name was found).
    #[inline]
    pub(crate) fn function_hinted(
        &self,
        name: &str,
        hint: &crate::value::IndexHint,
    ) -> Option<&'static Builtin> {
        if let Some(f) = self.functions.get(hint.get()) {
            if f.name == name {
                return Some(f);
            }
        }
        let index = self.functions.iter().position(|f| f.name == name)?;
        hint.set(index);
        self.functions.get(index)
    }

    /// A nested namespace by name.
    pub fn child(&self, name: &str) -> Option<&'static Namespace> {
        self.children.iter().copied().find(|c| c.name == name)
    }

    /// Every function of this namespace and the ones below it, with full paths.
    pub fn walk(&'static self) -> Vec<(String, &'static Builtin)> {
        let root = self.root();
        let mut out: Vec<(String, &'static Builtin)> = self
            .functions
            .iter()
            .map(|f| (format!("{root}{}.{}", self.path, f.name), f))
            .collect();
        for child in self.children {
            out.extend(child.walk());
        }
        out
    }
}

/// How many arguments a function takes.
#[derive(Debug, Clone, Copy)]
pub struct Arity {
    /// At least.
    pub min: u8,
    /// At most.
    pub max: u8,
}

impl Arity {
    /// Whether `n` arguments are accepted.
    pub fn accepts(&self, n: usize) -> bool {
        (self.min as usize..=self.max as usize).contains(&n)
    }
}

impl fmt::Display for Arity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.max - self.min {
            0 => write!(f, "{}", self.min),
            1 => write!(f, "{} or {}", self.min, self.max),
            _ => write!(f, "{} to {}", self.min, self.max),
        }
    }
}

/// What a `$util` function returns.
pub type UtilResult = Result<Value, UtilError>;

/// The body of a `$util` function.
pub type UtilFn = fn(&mut Call<'_>, &[Value]) -> UtilResult;

/// One `$util` function: a row of its namespace's table.
#[derive(Debug)]
pub struct Builtin {
    /// The name after the namespace.
    pub name: &'static str,
    /// Accepted argument counts.
    pub arity: Arity,
    /// The documented signature.
    pub signature: &'static str,
    /// What it does.
    pub doc: &'static str,
    /// Returns Java `void`: prints nothing.
    pub void: bool,
    /// The body.
    pub func: UtilFn,
}

impl Builtin {
    /// A function row.
    pub const fn new(
        name: &'static str,
        min: u8,
        max: u8,
        signature: &'static str,
        doc: &'static str,
        func: UtilFn,
    ) -> Builtin {
        Builtin {
            name,
            arity: Arity { min, max },
            signature,
            doc,
            void: false,
            func,
        }
    }

    /// Marks the function as returning `void`.
    pub const fn void(mut self) -> Builtin {
        self.void = true;
        self
    }
}

/// Why a `$util` function did not return a value.
#[derive(Debug, Clone)]
pub enum UtilError {
    /// `$util.error` and friends: the template stops with this error.
    Raise(AppSyncError),
    /// Bad arguments: an engine error with this message.
    Invalid(String),
}

/// Everything a render can change or observe beyond its variables.
#[derive(Debug, Default)]
pub struct RunState {
    /// `$util.appendError` entries, in order.
    pub errors: Vec<AppSyncError>,
    /// `$util.log.*` lines and engine warnings.
    pub logs: Vec<String>,
    /// The clock, in epoch milliseconds.
    pub now_ms: i64,
    /// Seeded generator for ids and random numbers.
    pub rng: Rng,
    /// The request's auth mode.
    pub auth_type: AuthType,
    /// `$ctx.info.fieldName`.
    pub field_name: Option<String>,
    /// `$ctx.info.parentTypeName`.
    pub parent_type_name: Option<String>,
    /// `$extensions` calls, in order.
    pub extensions: Vec<ExtensionCall>,
    /// Headers added with `$util.http.addResponseHeader`.
    pub response_headers: Vec<(String, Value)>,
}

impl RunState {
    /// How many log lines, appended errors and extension calls there are so far.
    pub(crate) fn recorded(&self) -> (usize, usize, usize) {
        (self.logs.len(), self.errors.len(), self.extensions.len())
    }
}

/// The handle a `$util` function gets: the run's state and the call's position.
pub struct Call<'a> {
    /// The run's state.
    pub state: &'a mut RunState,
    /// Where the call is written.
    pub span: Span,
}

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Default for Rng {
    fn default() -> Rng {
        Rng::seeded(0)
    }
}

impl Rng {
    /// A generator from a seed.
    pub fn seeded(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Random bytes.
    pub fn fill(&mut self, bytes: &mut [u8]) {
        for chunk in bytes.chunks_mut(8) {
            let r = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&r[..chunk.len()]);
        }
    }

    /// A double in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// "; did you mean `x`?" for a misspelled name in a namespace, or empty.
pub(crate) fn suggest(ns: &Namespace, name: &str) -> String {
    closest(ns, name)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

/// The function or namespace of `ns` a misspelled `name` most likely means.
pub(crate) fn closest(ns: &Namespace, name: &str) -> Option<&'static str> {
    let candidates = ns
        .functions
        .iter()
        .map(|f| f.name)
        .chain(ns.children.iter().map(|c| c.name));
    let lower = name.to_ascii_lowercase();
    let best = candidates
        .map(|c| {
            let d = if c.to_ascii_lowercase() == lower {
                0
            } else if lower.len() >= 3 && c.to_ascii_lowercase().starts_with(&lower) {
                1
            } else {
                edit_distance(&c.to_ascii_lowercase(), &lower)
            };
            (d, c)
        })
        .min();
    match best {
        Some((d, c)) if d <= 2.max(name.len() / 3) => Some(c),
        _ => None,
    }
}

/// Levenshtein distance.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
