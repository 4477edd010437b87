//! Runtime values with Java's semantics.
//!
//! # Memory model
//!
//! Velocity runs on Java objects, so lists and maps are *shared mutable
//! references*: after `#set($a = $b)`, `$a.put("k", 1)` changes `$b` too, and a
//! change to `$ctx.stash` is seen by everything holding it. [`Value::List`] and
//! [`Value::Map`] are therefore `Rc<RefCell<…>>`; cloning a `Value` is a pointer
//! bump. Cycles are legal (`$m.put("self", $m)`), so every walk over a value
//! (printing, JSON, equality) is depth-bounded and never hangs, and the
//! engine frees the cycles a render leaves behind ([`collect_cycles`]).
//!
//! ```
//! use appsync_vtl::Value;
//! let list = Value::list(vec![Value::from(1), Value::from("a")]);
//! assert_eq!(list.to_java_string(), "[1, a]");
//! assert_eq!(Value::from(5.0).to_java_string(), "5.0");
//! ```

pub mod budget;
mod cycles;
mod json;
mod map;
mod number;
mod object;

use std::cell::RefCell;
use std::rc::Rc;

pub(crate) use cycles::after_render as cycles_after_render;
pub use cycles::{collect_cycles, note_link, note_links};
pub use json::{
    from_json, parse_json, to_json, to_json_string, to_json_string_pretty, to_json_string_within,
};
pub(crate) use json::{write_json_at, write_json_str};
pub use map::{IndexHint, Map};
pub use number::{big_int_value, format_double, BigDecimal, BigInt, MAX_BIGINT_BITS};
pub use object::Object;

/// How deep printing, JSON conversion and comparisons follow nested values.
pub const MAX_DEPTH: usize = 64;

/// Printing (Java's `toString()` and JSON) stops adding elements past this many
/// bytes. Depth alone does not bound the work: a map holding itself twice has
/// 2^64 paths of depth 64. A render then fails on its string limit instead of
/// hanging; any value a template can print in full is far smaller.
pub const MAX_PRINT_BYTES: usize = 256 * 1024 * 1024;

/// How many list and map entries one [`Value::snapshot`] copies.
pub const SNAPSHOT_ENTRIES: usize = 100_000;

/// A shared, mutable list (`java.util.ArrayList`).
pub type ListRef = Rc<RefCell<Vec<Value>>>;
/// A shared, mutable, insertion-ordered map (`java.util.LinkedHashMap`).
pub type MapRef = Rc<RefCell<Map>>;

/// A VTL value.
#[derive(Clone, Default)]
pub enum Value {
    /// Java `null` (also what an undefined reference evaluates to).
    #[default]
    Null,
    /// `Boolean`
    Bool(bool),
    /// `Integer`/`Long`: `Integer` while the value fits 32 bits, `Long` past
    /// them (the class follows the magnitude; see `docs/fidelity.md`).
    Int(i64),
    /// `BigInteger`, only for values outside `i64` ([`Value::big`] keeps it so):
    /// what Velocity's arithmetic widens a `Long` to, and Jackson reads past `Long`.
    BigInt(Rc<BigInt>),
    /// `BigDecimal`: what Velocity computes in when a `BigInteger` meets a `Double`.
    Decimal(Rc<BigDecimal>),
    /// `Double`
    Float(f64),
    /// `String`
    Str(Rc<str>),
    /// `List`
    List(ListRef),
    /// `Map`
    Map(MapRef),
    /// A map entry from `entrySet()`: `$e.key`, `$e.value`, `$e.setValue(v)`.
    Entry(Rc<MapEntry>),
    /// One of the interpreter's own values (the `$foreach` object, a `#define` block).
    Object(Rc<dyn Object>),
    /// One of the interpreter's own values that lives as long as the program
    /// (a `$util` namespace): no allocation to hand it out.
    Static(&'static dyn Object),
}

impl Value {
    /// A new list value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(items)))
    }

    /// A new map value.
    pub fn map(entries: Map) -> Value {
        Value::Map(Rc::new(RefCell::new(entries)))
    }

    /// A new empty map.
    pub fn empty_map() -> Value {
        Value::map(Map::default())
    }

    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::Str(s.into())
    }

    /// An integer value: `Int` when it fits `i64`, else `BigInt`.
    pub fn big(n: BigInt) -> Value {
        match i64::try_from(&n) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::BigInt(Rc::new(n)),
        }
    }

    /// The integer inside (`Int` or `BigInt`) as a `BigInt`.
    pub fn to_bigint(&self) -> Option<BigInt> {
        match self {
            Value::Int(i) => Some(BigInt::from(*i)),
            Value::BigInt(b) => Some((**b).clone()),
            _ => None,
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Velocity truthiness: only `false` and `null` are false.
    pub fn is_truthy(&self) -> bool {
        !matches!(self, Value::Null | Value::Bool(false))
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The Java class-ish name used in messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "Boolean",
            Value::Int(i) if i32::try_from(*i).is_ok() => "Integer",
            Value::Int(_) => "Long",
            Value::BigInt(_) => "BigInteger",
            Value::Decimal(_) => "BigDecimal",
            Value::Float(_) => "Double",
            Value::Str(_) => "String",
            Value::List(_) => "List",
            Value::Map(_) => "Map",
            Value::Entry(_) => "Map.Entry",
            Value::Object(o) => o.type_name(),
            Value::Static(o) => o.type_name(),
        }
    }

    /// The interpreter's object inside, as `T`, when it is one.
    #[inline]
    pub fn downcast_object<T: Object>(&self) -> Option<&T> {
        match self {
            Value::Object(o) => object::downcast(&**o),
            Value::Static(o) => object::downcast(*o),
            _ => None,
        }
    }

    /// The program-long object inside ([`Value::Static`]), as `T`, when it is one.
    #[inline]
    pub fn downcast_static<T: Object>(&self) -> Option<&'static T> {
        match self {
            Value::Static(o) => object::downcast(*o),
            _ => None,
        }
    }

    /// True for the interpreter's own values ([`Value::Object`], [`Value::Static`]).
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_) | Value::Static(_))
    }

    /// True for `Int`, `BigInt` and `Float`.
    pub fn is_number(&self) -> bool {
        matches!(
            self,
            Value::Int(_) | Value::BigInt(_) | Value::Decimal(_) | Value::Float(_)
        )
    }

    /// The number as `f64`, if a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::BigInt(b) => Some(number::big_to_f64(b)),
            Value::Decimal(d) => Some(d.to_f64()),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Java's `String.valueOf(value)`: `[a, b]`, `{k=v}`, `5.0`, `null`.
    pub fn to_java_string(&self) -> String {
        let mut out = String::new();
        self.write_java(&mut out, 0);
        out
    }

    /// Appends Java's `toString()` of the value.
    pub fn write_java(&self, out: &mut String, depth: usize) {
        if depth > MAX_DEPTH {
            out.push_str("(this Collection)");
            return;
        }
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                out.push_str(itoa::Buffer::new().format(*i));
            }
            Value::BigInt(b) => number::write_big(b, out),
            Value::Decimal(d) => {
                if budget::charge(1 + (d.bits() / 64) as usize) {
                    out.push_str(&d.to_string());
                }
            }
            Value::Float(f) => number::write_double(*f, out),
            Value::Str(s) => out.push_str(s),
            Value::List(l) => {
                let l_ref = l.borrow();
                if !budget::charge(1 + l_ref.len()) {
                    return;
                }
                out.push('[');
                for (i, v) in l_ref.iter().enumerate() {
                    if out.len() > MAX_PRINT_BYTES {
                        break;
                    }
                    if i > 0 {
                        out.push_str(", ");
                    }
                    if let Value::List(inner) = v {
                        if Rc::ptr_eq(inner, l) {
                            out.push_str("(this Collection)");
                            continue;
                        }
                    }
                    v.write_java(out, depth + 1);
                }
                out.push(']');
            }
            Value::Map(m) => {
                let m_ref = m.borrow();
                if !budget::charge(1 + m_ref.len()) {
                    return;
                }
                out.push('{');
                for (i, (k, v)) in m_ref.iter().enumerate() {
                    if out.len() > MAX_PRINT_BYTES {
                        break;
                    }
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(k);
                    out.push('=');
                    if let Value::Map(inner) = v {
                        if Rc::ptr_eq(inner, m) {
                            out.push_str("(this Map)");
                            continue;
                        }
                    }
                    v.write_java(out, depth + 1);
                }
                out.push('}');
            }
            Value::Entry(e) => {
                out.push_str(e.key());
                out.push('=');
                e.value().write_java(out, depth + 1);
            }
            Value::Object(o) => o.write_java(out),
            Value::Static(o) => o.write_java(out),
        }
    }

    /// Java `equals` (deep for lists and maps; `1` and `1.0` are different
    /// classes and therefore not `equals`).
    pub fn java_equals(&self, other: &Value) -> bool {
        self.equals_depth(other, 0)
    }

    fn equals_depth(&self, other: &Value, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::BigInt(a), Value::BigInt(b)) => a == b,
            (Value::Decimal(a), Value::Decimal(b)) => a == b,
            // `Double.equals` compares bits: NaN equals NaN, 0.0 is not -0.0.
            (Value::Float(a), Value::Float(b)) => {
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
            }
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::List(a), Value::List(b)) => {
                if Rc::ptr_eq(a, b) {
                    return true;
                }
                let (a, b) = (a.borrow(), b.borrow());
                a.len() == b.len()
                    && budget::charge(1 + a.len())
                    && a.iter()
                        .zip(b.iter())
                        .all(|(x, y)| x.equals_depth(y, depth + 1))
            }
            (Value::Map(a), Value::Map(b)) => {
                if Rc::ptr_eq(a, b) {
                    return true;
                }
                let (a, b) = (a.borrow(), b.borrow());
                a.len() == b.len()
                    && budget::charge(1 + a.len())
                    && a.iter()
                        .all(|(k, v)| b.get(k).is_some_and(|w| v.equals_depth(w, depth + 1)))
            }
            (Value::Entry(a), Value::Entry(b)) => {
                a.key() == b.key() && a.value().equals_depth(&b.value(), depth + 1)
            }
            (Value::Object(a), Value::Object(b)) => Rc::ptr_eq(a, b),
            (Value::Static(a), Value::Static(b)) => std::ptr::addr_eq(*a, *b),
            _ => false,
        }
    }

    /// A copy of a list or map one level deep (Java's copy constructors).
    pub fn shallow_copy(&self) -> Value {
        match self {
            Value::List(l) => Value::list(l.borrow().clone()),
            Value::Map(m) => Value::map(m.borrow().clone()),
            other => other.clone(),
        }
    }

    /// A copy for the record (what tracing and `explain` show): it keeps showing
    /// what the value was even if the template changes it later. A tree of at
    /// most [`SNAPSHOT_ENTRIES`] entries and [`MAX_DEPTH`] levels; past that, a
    /// list or map ends with the string `…` (a value that holds itself twice
    /// would otherwise print 2^64 paths).
    pub fn snapshot(&self) -> Value {
        match self {
            Value::List(_) | Value::Map(_) => {
                let mut left = SNAPSHOT_ENTRIES;
                self.snapshot_within(0, &mut left)
            }
            other => other.clone(),
        }
    }

    fn snapshot_within(&self, depth: usize, left: &mut usize) -> Value {
        if depth >= MAX_DEPTH {
            return Value::str("…");
        }
        match self {
            Value::List(l) => {
                let l = l.borrow();
                let mut items = Vec::with_capacity(l.len().min(*left));
                for v in l.iter() {
                    if *left == 0 || !budget::charge(1) {
                        items.push(Value::str("…"));
                        break;
                    }
                    *left -= 1;
                    items.push(v.snapshot_within(depth + 1, left));
                }
                Value::list(items)
            }
            Value::Map(m) => {
                let m = m.borrow();
                let mut entries = Map::with_capacity(m.len().min(*left));
                for (k, v) in m.iter() {
                    if *left == 0 || !budget::charge(1) {
                        entries.insert(Rc::from("…"), Value::str("…"));
                        break;
                    }
                    *left -= 1;
                    entries.insert(k.clone(), v.snapshot_within(depth + 1, left));
                }
                Value::map(entries)
            }
            other => other.clone(),
        }
    }

    /// A deep copy of lists and maps (bounded by [`MAX_DEPTH`]; strings are shared)
    /// that keeps the shape of sharing: a container reached twice, or through a
    /// cycle, is copied once. Used to give each render its own `$ctx`.
    pub fn deep_copy(&self) -> Value {
        DeepCopy::default().copy(self, 0)
    }

    /// Converts to the string used as a map key.
    pub fn to_key(&self) -> Rc<str> {
        match self {
            Value::Str(s) => s.clone(),
            other => other.to_java_string().into(),
        }
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Str(s) => write!(f, "{s:?}"),
            other => f.write_str(&other.to_java_string()),
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        self.java_equals(other)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<i32> for Value {
    fn from(i: i32) -> Value {
        Value::Int(i as i64)
    }
}

impl From<usize> for Value {
    fn from(i: usize) -> Value {
        Value::Int(i as i64)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s.into())
    }
}

impl From<Rc<str>> for Value {
    fn from(s: Rc<str>) -> Value {
        Value::Str(s)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Value {
        o.map(Into::into).unwrap_or(Value::Null)
    }
}

impl From<&serde_json::Value> for Value {
    fn from(v: &serde_json::Value) -> Value {
        from_json(v)
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Value {
        from_json(&v)
    }
}

/// A map entry (`Map.Entry`): a key and its value, and the map it belongs to,
/// which `setValue` writes through to and `getValue` reads from while the map
/// still holds the key (Java's entry is the map's own node). An entry whose
/// key has left the map keeps the value it had when last read or set.
#[derive(Debug)]
pub struct MapEntry {
    key: Rc<str>,
    value: RefCell<Value>,
    map: Option<std::rc::Weak<RefCell<Map>>>,
}

impl MapEntry {
    /// An entry of no map (`Map.entry(k, v)`).
    pub fn new(key: Rc<str>, value: Value) -> MapEntry {
        MapEntry {
            key,
            value: RefCell::new(value),
            map: None,
        }
    }

    /// An entry of `map`, as its `entrySet()` hands it out.
    pub fn of_map(key: Rc<str>, value: Value, map: &MapRef) -> MapEntry {
        MapEntry {
            key,
            value: RefCell::new(value),
            map: Some(Rc::downgrade(map)),
        }
    }

    /// The key.
    pub fn key(&self) -> &Rc<str> {
        &self.key
    }

    /// The value: the map's while it holds the key.
    pub fn value(&self) -> Value {
        let live = self
            .map
            .as_ref()
            .and_then(std::rc::Weak::upgrade)
            .and_then(|m| m.try_borrow().ok()?.get(&self.key).cloned());
        match live {
            Some(v) => {
                if let Ok(mut cached) = self.value.try_borrow_mut() {
                    *cached = v.clone();
                }
                v
            }
            None => self
                .value
                .try_borrow()
                .map(|v| v.clone())
                .unwrap_or_default(),
        }
    }

    /// `setValue`: writes `v` (through to the map while it holds the key) and
    /// gives the value before.
    pub fn set_value(&self, v: Value) -> Value {
        let old = self.value();
        if let Some(map) = self.map.as_ref().and_then(std::rc::Weak::upgrade) {
            note_link(&Value::Map(map.clone()), &v);
            if let Ok(mut map) = map.try_borrow_mut() {
                if let Some(slot) = map.get_mut(&self.key) {
                    *slot = v.clone();
                }
            }
        }
        if let Ok(mut cached) = self.value.try_borrow_mut() {
            *cached = v;
        }
        old
    }
}

/// Copies containers, remembering those that are referenced more than once.
#[derive(Default)]
pub(crate) struct DeepCopy {
    seen: rustc_hash::FxHashMap<usize, Value>,
}

impl DeepCopy {
    /// Copies `v`; containers already copied by this copier are reused.
    pub(crate) fn copy(&mut self, v: &Value, depth: usize) -> Value {
        self.copy_held(v, depth, 1)
    }

    /// [`DeepCopy::copy`] of a value of which `held` references are this copy's
    /// own (the original, or the original and a clone being filled in).
    fn copy_held(&mut self, v: &Value, depth: usize, held: usize) -> Value {
        if depth >= MAX_DEPTH {
            return v.clone();
        }
        match v {
            Value::List(l) => {
                // A container with one owner cannot be met again: skip the memo.
                let shared = Rc::strong_count(l) > held;
                let key = Rc::as_ptr(l) as *const () as usize;
                if shared {
                    if let Some(done) = self.seen.get(&key) {
                        return done.clone();
                    }
                }
                if !budget::charge(1 + l.borrow().len()) {
                    return v.clone();
                }
                let new = Rc::new(RefCell::new(Vec::new()));
                if shared {
                    self.seen.insert(key, Value::List(new.clone()));
                }
                let mut items = l.borrow().clone();
                self.copy_all(items.iter_mut(), depth + 1);
                *new.borrow_mut() = items;
                Value::List(new)
            }
            Value::Map(m) => {
                let shared = Rc::strong_count(m) > held;
                let key = Rc::as_ptr(m) as *const () as usize;
                if shared {
                    if let Some(done) = self.seen.get(&key) {
                        return done.clone();
                    }
                }
                if !budget::charge(1 + m.borrow().len()) {
                    return v.clone();
                }
                let new = Rc::new(RefCell::new(Map::default()));
                if shared {
                    self.seen.insert(key, Value::Map(new.clone()));
                }
                // Cloning copies the entries (and a big map's index) as they are: no key is hashed again.
                let mut entries = m.borrow().clone();
                self.copy_all(entries.values_mut(), depth + 1);
                *new.borrow_mut() = entries;
                Value::Map(new)
            }
            other => other.clone(),
        }
    }

    /// Replaces each container among `values` (clones of the originals) by its copy.
    fn copy_all<'v>(&mut self, values: impl Iterator<Item = &'v mut Value>, depth: usize) {
        for v in values {
            if matches!(v, Value::List(_) | Value::Map(_)) {
                // `v` is a clone: the original counts twice while it is copied.
                let original = std::mem::take(v);
                *v = self.copy_held(&original, depth, 2);
            }
        }
    }
}

/// Dropping a value frees nested lists and maps by recursion while they are
/// few levels deep ([`RECURSIVE_DROP_LEVELS`], counted per thread), and with a
/// work list below that, so a list nested a million levels deep
/// (`#set($l = [$l])` in a loop) is freed without overflowing the stack.
/// Scalars and strings take the ordinary drop, and so does a container that
/// others still hold (one count less): the check is inlined and costs a
/// comparison or two for the values a render drops most.
impl Drop for Value {
    #[inline]
    fn drop(&mut self) {
        if is_owned_container(self) {
            drop_contents(self);
        }
    }
}

/// How many levels of nested lists and maps a drop frees by recursion before it
/// moves to a work list ([`drop_iteratively`]): deeper than contexts and the
/// values templates build mostly are, and a few kilobytes of stack.
const RECURSIVE_DROP_LEVELS: u32 = 32;

thread_local! {
    /// How many containers this thread is freeing, one inside the other.
    static DROP_LEVEL: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Frees what a list, map or entry holds, `v` being its last reference (its
/// own allocation is then freed by the ordinary drop).
#[inline(never)]
fn drop_contents(v: &mut Value) {
    let level = DROP_LEVEL
        .try_with(std::cell::Cell::get)
        .unwrap_or(u32::MAX);
    if level >= RECURSIVE_DROP_LEVELS {
        if holds_owned_containers(v) {
            drop_iteratively(v);
        }
        return;
    }
    let _ = DROP_LEVEL.try_with(|l| l.set(level + 1));
    // The contents are taken out and dropped here, while the level counts them.
    match v {
        Value::List(l) => drop(
            l.try_borrow_mut()
                .map(|mut items| std::mem::take(&mut *items)),
        ),
        Value::Map(m) => drop(
            m.try_borrow_mut()
                .map(|mut entries| std::mem::take(&mut *entries)),
        ),
        Value::Entry(e) => {
            if let Some(entry) = Rc::get_mut(e) {
                drop(std::mem::take(entry.value.get_mut()));
            }
        }
        _ => {}
    }
    let _ = DROP_LEVEL.try_with(|l| l.set(level));
}

/// True for a list, map or entry that this value is the last reference to.
#[inline]
fn is_owned_container(v: &Value) -> bool {
    match v {
        Value::List(l) => Rc::strong_count(l) == 1,
        Value::Map(m) => Rc::strong_count(m) == 1,
        Value::Entry(e) => Rc::strong_count(e) == 1,
        _ => false,
    }
}

/// True when dropping `v` would free a container that frees another container:
/// only then can the ordinary (recursive) drop go deep.
fn holds_owned_containers(v: &Value) -> bool {
    match v {
        Value::List(l) if Rc::strong_count(l) == 1 => l
            .try_borrow()
            .is_ok_and(|items| items.iter().any(is_owned_container)),
        Value::Map(m) if Rc::strong_count(m) == 1 => m
            .try_borrow()
            .is_ok_and(|entries| entries.values().any(is_owned_container)),
        Value::Entry(e) if Rc::strong_count(e) == 1 => {
            e.value.try_borrow().is_ok_and(|v| is_owned_container(&v))
        }
        _ => false,
    }
}

#[inline(never)]
fn drop_iteratively(v: &mut Value) {
    // The work list's buffer is kept for the next drop on this thread.
    let mut pending = PENDING_DROPS
        .try_with(|p| p.try_borrow_mut().map(|mut p| std::mem::take(&mut *p)).ok())
        .ok()
        .flatten()
        .unwrap_or_default();
    take_children(v, &mut pending);
    while let Some(mut v) = pending.pop() {
        if holds_owned_containers(&v) {
            take_children(&mut v, &mut pending);
        }
        // `v` holds no owned container now: its own drop does not recurse.
    }
    if pending.capacity() <= MAX_KEPT_DROP_BUFFER {
        let _ = PENDING_DROPS.try_with(|p| {
            if let Ok(mut p) = p.try_borrow_mut() {
                *p = pending;
            }
        });
    }
}

/// Values [`drop_iteratively`] has yet to free: a buffer per thread, kept while small.
const MAX_KEPT_DROP_BUFFER: usize = 4096;

thread_local! {
    static PENDING_DROPS: RefCell<Vec<Value>> = const { RefCell::new(Vec::new()) };
}

/// Moves the children of a container that is about to be freed (its last
/// reference) into `pending`.
fn take_children(v: &mut Value, pending: &mut Vec<Value>) {
    match v {
        Value::List(l) if Rc::strong_count(l) == 1 => {
            if let Ok(mut items) = l.try_borrow_mut() {
                pending.append(&mut items);
            }
        }
        Value::Map(m) if Rc::strong_count(m) == 1 => {
            if let Ok(mut entries) = m.try_borrow_mut() {
                pending.extend(entries.drain(..).map(|(_, v)| v));
            }
        }
        Value::Entry(e) => {
            if let Some(entry) = Rc::get_mut(e) {
                pending.push(std::mem::take(entry.value.get_mut()));
            }
        }
        _ => {}
    }
}
