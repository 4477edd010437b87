//! The public methods of a Java class as a table, one row per method and
//! overload, each written as `tests/jdk/<Class>.txt` lists it (the JDK's own
//! surface, from `scripts/jdk-surface.sh`): implemented, or refused with the
//! reason. A call picks the row Velocity's introspection would: the name, the
//! number of arguments, parameters the arguments convert to, and among those
//! the most specific (`valueOf(int)` before `valueOf(long)` before
//! `valueOf(Object)`). Static methods are reached through an instance, as
//! Velocity reaches them (`$i.parseInt("f", 16)`); fields are not (Velocity
//! 1.7 has no field access: `$i.MAX_VALUE` prints as written).

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::{bad, MethodResult};
use crate::value::{IndexHint, Value};

/// How a template reaches one public method.
pub(crate) enum Run {
    /// Implemented: the receiver and the arguments, which the parameters accept.
    Call(fn(&Value, &[Value]) -> MethodResult),
    /// Not callable from a template; a call is an engine error that says why.
    Refused(&'static str),
    /// Hidden (reflection, threads): a call is null and prints as written. (The reason is for `docs/fidelity.md`.)
    Hidden(#[cfg_attr(not(test), allow(dead_code))] &'static str),
}

/// One public method: its signature as `tests/jdk` lists it, and how it runs.
pub(crate) struct JavaMethod {
    /// `[static ]return name(params)`, types erased, `java.lang.` left out.
    pub(crate) sig: &'static str,
    /// What a call does.
    pub(crate) run: Run,
}

/// An implemented method.
pub(super) const fn call(sig: &'static str, f: fn(&Value, &[Value]) -> MethodResult) -> JavaMethod {
    JavaMethod {
        sig,
        run: Run::Call(f),
    }
}

/// A refused method, and why.
pub(super) const fn refuse(sig: &'static str, why: &'static str) -> JavaMethod {
    JavaMethod {
        sig,
        run: Run::Refused(why),
    }
}

/// A hidden method (reflection, threads), and why.
pub(super) const fn hide(sig: &'static str, why: &'static str) -> JavaMethod {
    JavaMethod {
        sig,
        run: Run::Hidden(why),
    }
}

/// Reasons shared by many rows.
pub(super) const STREAMS: &str = "returns a stream, which a template cannot use";
pub(super) const REFLECTION: &str = "reflection: AppSync exposes no classes";
pub(super) const THREADS: &str = "thread synchronisation: no monitor to wait on";
pub(super) const CONSTANTS: &str =
    "java.lang.constant API: takes or returns descriptors a template cannot use";
pub(super) const FUNCTIONS: &str = "takes a lambda or a Comparator, which a template cannot write";
pub(super) const ARRAYS: &str = "takes a Java array, which a template cannot make";
pub(super) const LOCALE: &str = "takes a Locale or Charset, which a template cannot make";
pub(super) const CHAR: &str =
    "takes a char, which a template cannot make (its characters are Strings)";
pub(super) const ITERATORS: &str = "returns an iterator; `#foreach` walks the collection itself";
pub(super) const PROPERTIES: &str = "reads JVM system properties, which AppSync does not expose";

/// A Java class: its name and its methods.
pub(crate) struct JavaClass {
    /// The simple name (`String`, `Map.Entry`), as `tests/jdk` names its file.
    pub(crate) name: &'static str,
    /// Every public method, inherited ones too.
    pub(crate) methods: &'static [JavaMethod],
}

/// What a parameter accepts.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Param {
    Int,
    Long,
    Double,
    Boolean,
    Str,
    CharSeq,
    Object,
    Comparable,
    Integer,
    LongBox,
    DoubleBox,
    BooleanBox,
    Collection,
    Map,
    Entry,
    /// `Object[]` at the end: the rest of the arguments (varargs).
    Rest,
    /// A type a template cannot make, but may pass null for.
    NullOnly,
    /// A type a template cannot make.
    Never,
}

impl Param {
    fn of(t: &str) -> Param {
        match t {
            "int" | "short" | "byte" => Param::Int,
            "long" => Param::Long,
            "double" | "float" => Param::Double,
            "boolean" => Param::Boolean,
            "String" => Param::Str,
            "CharSequence" => Param::CharSeq,
            "Object" => Param::Object,
            "Comparable" => Param::Comparable,
            "Integer" => Param::Integer,
            "Long" => Param::LongBox,
            "Double" => Param::DoubleBox,
            "Boolean" => Param::BooleanBox,
            "java.util.Collection" | "java.util.List" | "Iterable" => Param::Collection,
            "java.util.Map" => Param::Map,
            "java.util.Map$Entry" => Param::Entry,
            // Only null (`sort(null)`: natural ordering) reaches a Comparator.
            "java.util.Comparator" => Param::NullOnly,
            "Object[]" | "CharSequence[]" => Param::Rest,
            _ => Param::Never,
        }
    }

    /// Whether `v` converts to this parameter, and how far (lower is more specific).
    fn accepts(self, v: &Value) -> Option<u32> {
        let int32 = |i: &i64| i32::try_from(*i).is_ok();
        match (self, v) {
            (Param::Int, Value::Int(i)) if int32(i) => Some(0),
            (Param::Long, Value::Int(_)) => Some(1),
            (Param::Double, Value::Int(_)) => Some(2),
            (Param::Double, Value::Float(_)) => Some(0),
            (Param::Boolean, Value::Bool(_)) => Some(0),
            (Param::Integer, Value::Int(i)) if int32(i) => Some(0),
            (Param::LongBox, Value::Int(i)) if !int32(i) => Some(0),
            (Param::DoubleBox, Value::Float(_)) => Some(0),
            (Param::BooleanBox, Value::Bool(_)) => Some(0),
            (Param::Str, Value::Str(_)) => Some(0),
            (Param::CharSeq, Value::Str(_)) => Some(1),
            (Param::Collection, Value::List(_)) => Some(1),
            (Param::Map, Value::Map(_)) => Some(1),
            (Param::Entry, Value::Entry(_)) => Some(1),
            (
                Param::Comparable,
                Value::Str(_)
                | Value::Int(_)
                | Value::BigInt(_)
                | Value::Decimal(_)
                | Value::Float(_)
                | Value::Bool(_),
            ) => Some(3),
            (Param::Object | Param::Rest, _) => Some(5),
            (Param::NullOnly, Value::Null) => Some(4),
            (
                Param::Str
                | Param::CharSeq
                | Param::Comparable
                | Param::Integer
                | Param::LongBox
                | Param::DoubleBox
                | Param::BooleanBox
                | Param::Collection
                | Param::Map
                | Param::Entry,
                Value::Null,
            ) => Some(4),
            _ => None,
        }
    }
}

/// A row made ready for calls: its parameters.
struct Row {
    params: Vec<Param>,
    run: &'static Run,
}

/// The rows of a class, one group per method name, and where each name's group is.
#[derive(Default)]
struct Index {
    groups: Vec<(&'static str, Vec<Row>)>,
    by_name: FxHashMap<&'static str, usize>,
}

/// The name and parameter types of a signature.
pub(crate) fn parse_sig(sig: &str) -> (&str, Vec<&str>) {
    let open = sig.find('(').unwrap_or(sig.len());
    let name = sig[..open].rsplit(' ').next().unwrap_or("");
    let params = sig[open..]
        .trim_start_matches('(')
        .trim_end_matches(')')
        .split(", ")
        .filter(|p| !p.is_empty())
        .collect();
    (name, params)
}

fn index(class: &'static JavaClass) -> Index {
    let mut index = Index::default();
    for m in class.methods {
        let (name, params) = parse_sig(m.sig);
        let row = Row {
            params: params.into_iter().map(Param::of).collect(),
            run: &m.run,
        };
        match index.by_name.get(name) {
            Some(&group) => index.groups[group].1.push(row),
            None => {
                index.by_name.insert(name, index.groups.len());
                index.groups.push((name, vec![row]));
            }
        }
    }
    index
}

/// The index of the class at `at` in [`super::CLASSES`], made on its first call.
fn class_index(at: usize) -> Option<&'static Index> {
    static INDEXES: [OnceLock<Index>; super::CLASS_COUNT] =
        [const { OnceLock::new() }; super::CLASS_COUNT];
    let class = super::CLASSES.get(at)?;
    Some(INDEXES.get(at)?.get_or_init(|| index(class)))
}

/// The rows named `name` of the class at `at`, looked for first where `hint`
/// (the call site's) says they were last time: a hint holds the class's
/// position above [`HINT_CLASS_SHIFT`] bits and the group's below.
fn rows_named(at: usize, name: &str, hint: &IndexHint) -> Option<&'static [Row]> {
    let index = class_index(at)?;
    let hinted = hint.get();
    if hinted >> HINT_CLASS_SHIFT == at + 1 {
        if let Some((group_name, rows)) = index.groups.get(hinted & HINT_GROUP_MASK) {
            if *group_name == name {
                return Some(rows);
            }
        }
    }
    let group = *index.by_name.get(name)?;
    hint.set(((at + 1) << HINT_CLASS_SHIFT) | group);
    Some(&index.groups[group].1)
}

/// A method hint's bits for the group (a class has far fewer method names).
const HINT_CLASS_SHIFT: u32 = 16;
const HINT_GROUP_MASK: usize = (1 << HINT_CLASS_SHIFT) - 1;

/// How far `args` are from `params`, when they convert at all.
fn distance(params: &[Param], args: &[Value]) -> Option<u32> {
    match params.last() {
        Some(Param::Rest) => {
            let fixed = params.len() - 1;
            if args.len() < fixed {
                return None;
            }
            let mut d = 10;
            for (p, a) in params[..fixed].iter().zip(args) {
                d += p.accepts(a)?;
            }
            Some(d)
        }
        _ if params.len() != args.len() => None,
        _ => params
            .iter()
            .zip(args)
            .try_fold(0, |d, (p, a)| Some(d + p.accepts(a)?)),
    }
}

/// `compareTo(Object)`, the bridge method `Comparable` gives every class that
/// implements it: Velocity finds it when `compareTo`'s own parameter does not
/// take the argument, and Java's cast then fails.
fn compare_bridge(class: &JavaClass, name: &str, args: &[Value]) -> Option<MethodResult> {
    let comparable = matches!(
        class.name,
        "String" | "Integer" | "Long" | "Double" | "Boolean"
    );
    if name != "compareTo" || args.len() != 1 || !comparable {
        return None;
    }
    let java = |c: &str| match c {
        "BigInteger" => "java.math.BigInteger".to_string(),
        "List" => "java.util.ArrayList".to_string(),
        "Map" => "java.util.LinkedHashMap".to_string(),
        other => format!("java.lang.{other}"),
    };
    Some(Err(match &args[0] {
        Value::Null => bad(name, "NullPointerException: the argument is null"),
        other => bad(
            name,
            format!(
                "ClassCastException: class {} cannot be cast to class java.lang.{}",
                java(other.type_name()),
                class.name
            ),
        ),
    }))
}

/// Calls `name` of `class` on `recv`: `None` when no method of that name
/// takes these arguments (Velocity then evaluates the call to null).
#[cfg(test)]
pub(super) fn dispatch(
    class: &'static JavaClass,
    recv: &Value,
    name: &str,
    args: &[Value],
) -> Option<MethodResult> {
    let at = super::CLASSES
        .iter()
        .position(|c| std::ptr::eq(*c, class))?;
    dispatch_hinted(at, recv, name, args, &IndexHint::default())
}

/// Calls `name` of the class at `at` in [`super::CLASSES`] on `recv`, its
/// methods of that name looked for first where the call site's `hint` says:
/// `None` when no method of that name takes these arguments (Velocity then
/// evaluates the call to null).
pub(super) fn dispatch_hinted(
    at: usize,
    recv: &Value,
    name: &str,
    args: &[Value],
    hint: &IndexHint,
) -> Option<MethodResult> {
    let class = super::CLASSES.get(at)?;
    let rows = rows_named(at, name, hint)?;
    let Some((_, row)) = rows
        .iter()
        .filter_map(|r| Some((distance(&r.params, args)?, r)))
        .min_by_key(|(d, _)| *d)
    else {
        return compare_bridge(class, name, args);
    };
    Some(match row.run {
        Run::Call(f) => f(recv, args),
        Run::Refused(why) => Err(bad(
            name,
            format!("{}.{name} is not available: {why}", class.name),
        )),
        Run::Hidden(_) => Ok((Value::Null, false)),
    })
}

#[cfg(test)]
/// The table of every class's methods for `docs/fidelity.md`: per class, the
/// counts, then each method refused or hidden with its reason (implemented
/// methods are listed by name).
pub(crate) fn surface_markdown() -> String {
    let mut out = String::new();
    out.push_str("| class | methods | implemented | refused | hidden (null) |\n| --- | --- | --- | --- | --- |\n");
    let mut total = [0usize; 4];
    for c in super::CLASSES.iter() {
        let count = |f: fn(&Run) -> bool| c.methods.iter().filter(|m| f(&m.run)).count();
        let row = [
            c.methods.len(),
            count(|r| matches!(r, Run::Call(_))),
            count(|r| matches!(r, Run::Refused(_))),
            count(|r| matches!(r, Run::Hidden(_))),
        ];
        for (t, n) in total.iter_mut().zip(row) {
            *t += n;
        }
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            c.name, row[0], row[1], row[2], row[3]
        ));
    }
    out.push_str(&format!(
        "| all | {} | {} | {} | {} |\n\n",
        total[0], total[1], total[2], total[3]
    ));
    for c in super::CLASSES.iter() {
        out.push_str(&format!("**`{}`** — implemented: ", c.name));
        let implemented: Vec<String> = c
            .methods
            .iter()
            .filter(|m| matches!(m.run, Run::Call(_)))
            .map(|m| format!("`{}`", m.sig))
            .collect();
        out.push_str(&implemented.join(", "));
        out.push_str(".\n\n");
        let others: Vec<&JavaMethod> = c
            .methods
            .iter()
            .filter(|m| !matches!(m.run, Run::Call(_)))
            .collect();
        if !others.is_empty() {
            out.push_str("| method | refused or hidden | why |\n| --- | --- | --- |\n");
            for m in others {
                let (what, why) = match m.run {
                    Run::Refused(why) => ("refused (engine error)", why),
                    Run::Hidden(why) => ("hidden (null)", why),
                    Run::Call(_) => continue,
                };
                out.push_str(&format!("| `{}` | {what} | {why} |\n", m.sig));
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `methods::call` names a receiver's class by its position in `CLASSES`.
    #[test]
    fn classes_sit_where_calls_look_for_them() {
        let names: Vec<&str> = super::super::CLASSES.iter().map(|c| c.name).collect();
        assert_eq!(
            names,
            [
                "String",
                "Integer",
                "Long",
                "Double",
                "Boolean",
                "ArrayList",
                "LinkedHashMap",
                "Map.Entry"
            ]
        );
    }

    /// Every public method the JDK lists (`tests/jdk/<Class>.txt`, made by
    /// `scripts/jdk-surface.sh`) has exactly one row, and every row is a JDK method.
    #[test]
    fn tables_cover_the_jdk_surface() {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut problems = Vec::new();
        for c in super::super::CLASSES.iter() {
            let path = format!("{root}/tests/jdk/{}.txt", c.name);
            let listed = std::fs::read_to_string(&path).expect("the JDK surface file");
            let jdk: Vec<&str> = listed.lines().filter(|l| !l.starts_with('#')).collect();
            let ours: Vec<&str> = c.methods.iter().map(|m| m.sig).collect();
            for sig in &jdk {
                match ours.iter().filter(|o| *o == sig).count() {
                    1 => {}
                    0 => problems.push(format!("{}: no row for `{sig}`", c.name)),
                    _ => problems.push(format!("{}: several rows for `{sig}`", c.name)),
                }
            }
            for sig in &ours {
                if !jdk.contains(sig) {
                    problems.push(format!("{}: `{sig}` is not a JDK 17 method", c.name));
                }
            }
            for m in c.methods {
                let (_, params) = parse_sig(m.sig);
                let unmakeable = params.iter().any(|p| Param::of(p) == Param::Never);
                if unmakeable && matches!(m.run, Run::Call(_)) {
                    problems.push(format!("{}: `{}` can never be called", c.name, m.sig));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// No method panics, whatever a template passes: every row of every class is
    /// called with every pair of odd values (and a sample of longer argument lists).
    #[test]
    fn no_method_panics_on_odd_arguments() {
        use crate::value::{BigInt, Map, MapEntry};
        use std::rc::Rc;
        let map = Value::map(Map::default());
        if let Value::Map(m) = &map {
            m.borrow_mut().insert("k".into(), Value::Int(1));
        }
        let entry = match &map {
            Value::Map(m) => Value::Entry(Rc::new(MapEntry::of_map("k".into(), Value::Int(1), m))),
            _ => Value::Null,
        };
        let pool = || {
            vec![
                Value::Null,
                Value::Int(0),
                Value::Int(-1),
                Value::Int(i64::from(i32::MAX)),
                Value::Int(i64::MIN),
                Value::big(BigInt::from(u64::MAX) * 3u32),
                Value::Float(f64::NAN),
                Value::Float(-0.0),
                Value::Float(1e300),
                Value::Bool(true),
                Value::str(""),
                Value::str("a😀b"),
                Value::str("%-0,(#+ 5.3f%n%<s"),
                Value::str("-"),
                Value::list(vec![Value::Int(2), Value::str("a"), Value::Null]),
                map.clone(),
                entry.clone(),
            ]
        };
        let receivers = |class: &str| -> Vec<Value> {
            match class {
                "String" => vec![Value::str(""), Value::str("a😀b\r\n  c"), Value::str("\\u")],
                "Integer" => vec![
                    Value::Int(0),
                    Value::Int(-7),
                    Value::Int(i64::from(i32::MIN)),
                ],
                "Long" => vec![Value::Int(i64::MIN), Value::Int(i64::MAX)],
                "Double" => vec![
                    Value::Float(f64::NAN),
                    Value::Float(-0.0),
                    Value::Float(1e-320),
                ],
                "Boolean" => vec![Value::Bool(false)],
                "ArrayList" => vec![
                    Value::list(vec![]),
                    Value::list(vec![Value::Int(3), Value::Int(1), Value::Int(2)]),
                    Value::list(vec![Value::Int(1), Value::str("a")]),
                ],
                "LinkedHashMap" => vec![map.clone(), Value::map(Map::default())],
                _ => vec![entry.clone()],
            }
        };
        let mut seed = 0x9e3779b97f4a7c15u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for class in super::super::CLASSES.iter() {
            for m in class.methods {
                let (name, params) = parse_sig(m.sig);
                let arity = params.len();
                let values = pool();
                let mut lists: Vec<Vec<Value>> = Vec::new();
                match arity {
                    0 => lists.push(vec![]),
                    1 => lists.extend(values.iter().map(|v| vec![v.clone()])),
                    2 => {
                        for a in &values {
                            for b in &values {
                                lists.push(vec![a.clone(), b.clone()]);
                            }
                        }
                    }
                    _ => {
                        for _ in 0..300 {
                            lists.push(
                                (0..arity)
                                    .map(|_| values[next(values.len())].clone())
                                    .collect(),
                            );
                        }
                    }
                }
                if params.last() == Some(&"Object[]") || params.last() == Some(&"CharSequence[]") {
                    for _ in 0..100 {
                        let extra = next(4) + arity;
                        lists.push(
                            (0..extra)
                                .map(|_| values[next(values.len())].clone())
                                .collect(),
                        );
                    }
                }
                for recv in receivers(class.name) {
                    for args in &lists {
                        let recv = recv.shallow_copy();
                        let _ = dispatch(class, &recv, name, args);
                    }
                }
            }
        }
    }

    /// `docs/fidelity.md` holds the table the dispatch tables make
    /// (`UPDATE_DOCS=1 cargo test` rewrites it).
    #[test]
    fn fidelity_doc_lists_the_surface() {
        let path = format!("{}/docs/fidelity.md", env!("CARGO_MANIFEST_DIR"));
        let doc = std::fs::read_to_string(&path).expect("docs/fidelity.md");
        let (start, end) = ("<!-- jdk-surface:start -->\n", "<!-- jdk-surface:end -->");
        let (Some(a), Some(b)) = (doc.find(start), doc.find(end)) else {
            panic!("docs/fidelity.md has no {start} … {end} section");
        };
        let wanted = surface_markdown();
        let current = &doc[a + start.len()..b];
        if current != wanted {
            if std::env::var_os("UPDATE_DOCS").is_some() {
                let new = format!("{}{wanted}{}", &doc[..a + start.len()], &doc[b..]);
                std::fs::write(&path, new).expect("docs/fidelity.md written");
            } else {
                panic!("docs/fidelity.md's JDK surface is out of date: run UPDATE_DOCS=1 cargo test --lib fidelity_doc");
            }
        }
    }
}
