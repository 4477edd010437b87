//! `java.util.ArrayList`: every public method.

use std::cmp::Ordering;

use super::table::{
    call, hide, refuse, JavaClass, ARRAYS, FUNCTIONS, ITERATORS, REFLECTION, STREAMS, THREADS,
};
use super::{bad, hash_code, ok, void, MethodResult};
use crate::error::Error;
use crate::eval::ops;
use crate::value::{note_link, note_links, ListRef, Value};

/// The receiver's list (rows of [`ARRAYLIST`] are only called on lists).
fn items(v: &Value) -> &ListRef {
    match v {
        Value::List(l) => l,
        _ => unreachable_list(),
    }
}

/// A list the table never hands over (a receiver is always a list).
fn unreachable_list() -> &'static ListRef {
    thread_local! {
        static EMPTY: &'static ListRef = Box::leak(Box::new(ListRef::default()));
    }
    EMPTY.with(|e| *e)
}

fn index_error(m: &str, i: i64, len: usize) -> Error {
    bad(
        m,
        format!("IndexOutOfBoundsException: Index {i} out of bounds for length {len}"),
    )
}

/// `add(int, x)` and `addAll(int, c)` check their index as `rangeCheckForAdd` does.
fn add_index_error(m: &str, i: i64, len: usize) -> Error {
    bad(
        m,
        format!("IndexOutOfBoundsException: Index: {i}, Size: {len}"),
    )
}

fn n_at(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n)) => *n,
        _ => 0,
    }
}

/// The elements of a collection argument (Java throws for null).
fn elements(m: &str, v: &Value) -> Result<Vec<Value>, Error> {
    match v {
        Value::List(o) => Ok(o.borrow().clone()),
        _ => Err(bad(m, "NullPointerException: the collection is null")),
    }
}

/// Natural ordering (`Comparable`) of two elements, as `sort(null)` uses it.
fn natural(a: &Value, b: &Value) -> Result<Ordering, String> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Ok(x.encode_utf16().cmp(y.encode_utf16())),
        (Value::Bool(x), Value::Bool(y)) => Ok(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => Ok(x.total_cmp(y)),
        (x, y) if x.type_name() == y.type_name() && x.is_number() => {
            Ok(ops::compare(x, y).unwrap_or(Ordering::Equal))
        }
        (Value::Null, _) | (_, Value::Null) => Err("NullPointerException".into()),
        // `x.compareTo(y)` casts `y` to `x`'s class.
        (x, y) => Err(format!(
            "ClassCastException: class java.lang.{} cannot be cast to class java.lang.{}",
            y.type_name(),
            x.type_name()
        )),
    }
}

/// Every public method of `java.util.ArrayList` (OpenJDK 17).
pub(super) static ARRAYLIST: JavaClass = JavaClass {
    name: "ArrayList",
    methods: &[
        hide("Class getClass()", REFLECTION),
        call("Object clone()", |r, _| ok(r.shallow_copy())),
        call("Object get(int)", |r, a| {
            let (l, i) = (items(r).borrow(), n_at(a, 0));
            match usize::try_from(i).ok().and_then(|i| l.get(i)) {
                Some(v) => ok(v.clone()),
                None => Err(index_error("get", i, l.len())),
            }
        }),
        call("Object remove(int)", |r, a| {
            let (mut l, i) = (items(r).borrow_mut(), n_at(a, 0));
            if i < 0 || i as usize >= l.len() {
                return Err(index_error("remove", i, l.len()));
            }
            ok(l.remove(i as usize))
        }),
        call("Object set(int, Object)", |r, a| {
            note_link(r, &a[1]);
            let (mut l, i) = (items(r).borrow_mut(), n_at(a, 0));
            let len = l.len();
            match usize::try_from(i).ok().and_then(|i| l.get_mut(i)) {
                Some(slot) => ok(std::mem::replace(slot, a[1].clone())),
                None => Err(index_error("set", i, len)),
            }
        }),
        call("Object[] toArray()", |r, _| ok(r.shallow_copy())),
        refuse("Object[] toArray(Object[])", ARRAYS),
        refuse(
            "Object[] toArray(java.util.function.IntFunction)",
            FUNCTIONS,
        ),
        call("String toString()", |r, _| ok(r.to_java_string())),
        call("boolean add(Object)", |r, a| {
            note_link(r, &a[0]);
            items(r).borrow_mut().push(a[0].clone());
            ok(true)
        }),
        call("boolean addAll(int, java.util.Collection)", |r, a| {
            let i = n_at(a, 0);
            let added = elements("addAll", &a[1])?;
            note_links(r, added.iter());
            let mut l = items(r).borrow_mut();
            if i < 0 || i as usize > l.len() {
                return Err(add_index_error("addAll", i, l.len()));
            }
            let changed = !added.is_empty();
            let tail = l.split_off(i as usize);
            l.extend(added);
            l.extend(tail);
            ok(changed)
        }),
        call("boolean addAll(java.util.Collection)", |r, a| {
            let added = elements("addAll", &a[0])?;
            note_links(r, added.iter());
            let changed = !added.is_empty();
            items(r).borrow_mut().extend(added);
            ok(changed)
        }),
        call("boolean contains(Object)", |r, a| {
            ok(items(r).borrow().iter().any(|x| x.java_equals(&a[0])))
        }),
        call("boolean containsAll(java.util.Collection)", |r, a| {
            let wanted = elements("containsAll", &a[0])?;
            let l = items(r).borrow();
            ok(wanted.iter().all(|x| l.iter().any(|y| y.java_equals(x))))
        }),
        call("boolean equals(Object)", |r, a| ok(r.java_equals(&a[0]))),
        call("boolean isEmpty()", |r, _| ok(items(r).borrow().is_empty())),
        call("boolean remove(Object)", |r, a| {
            let mut l = items(r).borrow_mut();
            match l.iter().position(|x| x.java_equals(&a[0])) {
                Some(p) => {
                    l.remove(p);
                    ok(true)
                }
                None => ok(false),
            }
        }),
        call("boolean removeAll(java.util.Collection)", |r, a| {
            retain(r, &a[0], false, "removeAll")
        }),
        refuse("boolean removeIf(java.util.function.Predicate)", FUNCTIONS),
        call("boolean retainAll(java.util.Collection)", |r, a| {
            retain(r, &a[0], true, "retainAll")
        }),
        call("int hashCode()", |r, _| ok(hash_code(r))),
        call("int indexOf(Object)", |r, a| {
            ok(items(r)
                .borrow()
                .iter()
                .position(|x| x.java_equals(&a[0]))
                .map_or(-1, |p| p as i64))
        }),
        call("int lastIndexOf(Object)", |r, a| {
            ok(items(r)
                .borrow()
                .iter()
                .rposition(|x| x.java_equals(&a[0]))
                .map_or(-1, |p| p as i64))
        }),
        call("int size()", |r, _| ok(items(r).borrow().len())),
        refuse("java.util.Iterator iterator()", ITERATORS),
        call("java.util.List subList(int, int)", |r, a| {
            let (from, to) = (n_at(a, 0), n_at(a, 1));
            let l = items(r).borrow();
            if from < 0 {
                return Err(bad(
                    "subList",
                    format!("IndexOutOfBoundsException: fromIndex = {from}"),
                ));
            }
            if to > l.len() as i64 {
                return Err(bad(
                    "subList",
                    format!("IndexOutOfBoundsException: toIndex = {to}"),
                ));
            }
            if from > to {
                return Err(bad(
                    "subList",
                    format!("IllegalArgumentException: fromIndex({from}) > toIndex({to})"),
                ));
            }
            ok(Value::list(l[from as usize..to as usize].to_vec()))
        }),
        refuse("java.util.ListIterator listIterator()", ITERATORS),
        refuse("java.util.ListIterator listIterator(int)", ITERATORS),
        refuse("java.util.Spliterator spliterator()", STREAMS),
        refuse("java.util.stream.Stream parallelStream()", STREAMS),
        refuse("java.util.stream.Stream stream()", STREAMS),
        call("void add(int, Object)", |r, a| {
            note_link(r, &a[1]);
            let (mut l, i) = (items(r).borrow_mut(), n_at(a, 0));
            if i < 0 || i as usize > l.len() {
                return Err(add_index_error("add", i, l.len()));
            }
            l.insert(i as usize, a[1].clone());
            void()
        }),
        call("void clear()", |r, _| {
            items(r).borrow_mut().clear();
            void()
        }),
        call("void ensureCapacity(int)", |_, _| void()),
        refuse("void forEach(java.util.function.Consumer)", FUNCTIONS),
        hide("void notify()", THREADS),
        hide("void notifyAll()", THREADS),
        refuse(
            "void replaceAll(java.util.function.UnaryOperator)",
            FUNCTIONS,
        ),
        call("void sort(java.util.Comparator)", |r, _| {
            // Only `sort(null)` reaches here: natural ordering.
            let mut l = items(r).borrow_mut();
            let mut failure = None;
            l.sort_by(|x, y| {
                natural(x, y).unwrap_or_else(|e| {
                    failure.get_or_insert(e);
                    Ordering::Equal
                })
            });
            match failure {
                Some(e) => Err(bad("sort", e)),
                None => void(),
            }
        }),
        call("void trimToSize()", |_, _| void()),
        hide("void wait()", THREADS),
        hide("void wait(long)", THREADS),
        hide("void wait(long, int)", THREADS),
    ],
};

/// `retainAll` (`keep`) and `removeAll`.
fn retain(r: &Value, other: &Value, keep: bool, m: &str) -> MethodResult {
    let other = elements(m, other)?;
    let mut l = items(r).borrow_mut();
    let before = l.len();
    l.retain(|x| other.iter().any(|y| y.java_equals(x)) == keep);
    ok(l.len() != before)
}
