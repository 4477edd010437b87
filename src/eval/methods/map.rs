//! `java.util.LinkedHashMap` and `Map.Entry`: every public method.

use std::rc::Rc;

use super::table::{call, hide, refuse, JavaClass, FUNCTIONS, REFLECTION, THREADS};
use super::{bad, hash_code, ok, void};
use crate::value::{note_link, note_links, MapEntry, MapRef, Value};

/// The receiver's map (rows of [`LINKEDHASHMAP`] are only called on maps).
fn entries(v: &Value) -> &MapRef {
    match v {
        Value::Map(m) => m,
        _ => unreachable_map(),
    }
}

/// A map the table never hands over (a receiver is always a map).
fn unreachable_map() -> &'static MapRef {
    thread_local! {
        static EMPTY: &'static MapRef = Box::leak(Box::new(MapRef::default()));
    }
    EMPTY.with(|e| *e)
}

/// Every public method of `java.util.LinkedHashMap` (OpenJDK 17). Keys are
/// strings: a key of another class is its `toString()`.
pub(super) static LINKEDHASHMAP: JavaClass = JavaClass {
    name: "LinkedHashMap",
    methods: &[
        hide("Class getClass()", REFLECTION),
        call("Object clone()", |r, _| ok(r.shallow_copy())),
        refuse(
            "Object compute(Object, java.util.function.BiFunction)",
            FUNCTIONS,
        ),
        refuse(
            "Object computeIfAbsent(Object, java.util.function.Function)",
            FUNCTIONS,
        ),
        refuse(
            "Object computeIfPresent(Object, java.util.function.BiFunction)",
            FUNCTIONS,
        ),
        call("Object get(Object)", |r, a| {
            ok(entries(r)
                .borrow()
                .get(&a[0].to_key())
                .cloned()
                .unwrap_or(Value::Null))
        }),
        call("Object getOrDefault(Object, Object)", |r, a| {
            ok(entries(r)
                .borrow()
                .get(&a[0].to_key())
                .cloned()
                .unwrap_or_else(|| a[1].clone()))
        }),
        refuse(
            "Object merge(Object, Object, java.util.function.BiFunction)",
            FUNCTIONS,
        ),
        call("Object put(Object, Object)", |r, a| {
            note_link(r, &a[1]);
            ok(entries(r)
                .borrow_mut()
                .insert(a[0].to_key(), a[1].clone())
                .unwrap_or(Value::Null))
        }),
        call("Object putIfAbsent(Object, Object)", |r, a| {
            note_link(r, &a[1]);
            let mut m = entries(r).borrow_mut();
            let key = a[0].to_key();
            match m.get(&key) {
                Some(v) if !v.is_null() => ok(v.clone()),
                _ => {
                    m.insert(key, a[1].clone());
                    ok(Value::Null)
                }
            }
        }),
        call("Object remove(Object)", |r, a| {
            ok(entries(r)
                .borrow_mut()
                .shift_remove(&a[0].to_key())
                .unwrap_or(Value::Null))
        }),
        call("Object replace(Object, Object)", |r, a| {
            note_link(r, &a[1]);
            let mut m = entries(r).borrow_mut();
            match m.get_mut(&a[0].to_key()) {
                Some(slot) => ok(std::mem::replace(slot, a[1].clone())),
                None => ok(Value::Null),
            }
        }),
        call("String toString()", |r, _| ok(r.to_java_string())),
        call("boolean containsKey(Object)", |r, a| {
            ok(entries(r).borrow().contains_key(&a[0].to_key()))
        }),
        call("boolean containsValue(Object)", |r, a| {
            ok(entries(r).borrow().values().any(|v| v.java_equals(&a[0])))
        }),
        call("boolean equals(Object)", |r, a| ok(r.java_equals(&a[0]))),
        call("boolean isEmpty()", |r, _| {
            ok(entries(r).borrow().is_empty())
        }),
        call("boolean remove(Object, Object)", |r, a| {
            let mut m = entries(r).borrow_mut();
            let key = a[0].to_key();
            if m.get(&key).is_some_and(|v| v.java_equals(&a[1])) {
                m.shift_remove(&key);
                ok(true)
            } else {
                ok(false)
            }
        }),
        call("boolean replace(Object, Object, Object)", |r, a| {
            note_link(r, &a[2]);
            let mut m = entries(r).borrow_mut();
            match m.get_mut(&a[0].to_key()) {
                Some(slot) if slot.java_equals(&a[1]) => {
                    *slot = a[2].clone();
                    ok(true)
                }
                _ => ok(false),
            }
        }),
        call("int hashCode()", |r, _| ok(hash_code(r))),
        call("int size()", |r, _| ok(entries(r).borrow().len())),
        call("java.util.Collection values()", |r, _| {
            ok(Value::list(entries(r).borrow().values().cloned().collect()))
        }),
        call("java.util.Set entrySet()", |r, _| {
            ok(Value::list(
                entries(r)
                    .borrow()
                    .iter()
                    .map(|(k, v)| {
                        Value::Entry(Rc::new(MapEntry::of_map(k.clone(), v.clone(), entries(r))))
                    })
                    .collect(),
            ))
        }),
        call("java.util.Set keySet()", |r, _| {
            ok(Value::list(
                entries(r)
                    .borrow()
                    .keys()
                    .map(|k| Value::Str(k.clone()))
                    .collect(),
            ))
        }),
        call("void clear()", |r, _| {
            entries(r).borrow_mut().clear();
            void()
        }),
        refuse("void forEach(java.util.function.BiConsumer)", FUNCTIONS),
        hide("void notify()", THREADS),
        hide("void notifyAll()", THREADS),
        call("void putAll(java.util.Map)", |r, a| {
            let added: Vec<_> = match &a[0] {
                Value::Map(o) => o
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                _ => return Err(bad("putAll", "NullPointerException: the map is null")),
            };
            note_links(r, added.iter().map(|(_, v)| v));
            entries(r).borrow_mut().extend(added);
            void()
        }),
        refuse("void replaceAll(java.util.function.BiFunction)", FUNCTIONS),
        hide("void wait()", THREADS),
        hide("void wait(long)", THREADS),
        hide("void wait(long, int)", THREADS),
    ],
};

fn entry_of(v: &Value) -> Option<&MapEntry> {
    match v {
        Value::Entry(e) => Some(e),
        _ => None,
    }
}

/// Every public method of `java.util.Map.Entry` (OpenJDK 17).
pub(super) static MAP_ENTRY: JavaClass = JavaClass {
    name: "Map.Entry",
    methods: &[
        call("Object getKey()", |r, _| {
            ok(entry_of(r).map_or(Value::Null, |e| Value::Str(e.key().clone())))
        }),
        call("Object getValue()", |r, _| {
            ok(entry_of(r).map_or(Value::Null, MapEntry::value))
        }),
        call("Object setValue(Object)", |r, a| {
            note_link(r, &a[0]);
            ok(entry_of(r).map_or(Value::Null, |e| e.set_value(a[0].clone())))
        }),
        call("boolean equals(Object)", |r, a| ok(r.java_equals(&a[0]))),
        call("int hashCode()", |r, _| ok(hash_code(r))),
        refuse(
            "static java.util.Comparator comparingByKey()",
            "returns a Comparator, which a template cannot use",
        ),
        refuse(
            "static java.util.Comparator comparingByKey(java.util.Comparator)",
            FUNCTIONS,
        ),
        refuse(
            "static java.util.Comparator comparingByValue()",
            "returns a Comparator, which a template cannot use",
        ),
        refuse(
            "static java.util.Comparator comparingByValue(java.util.Comparator)",
            FUNCTIONS,
        ),
        call(
            "static java.util.Map$Entry copyOf(java.util.Map$Entry)",
            |_, a| match entry_of(&a[0]) {
                Some(e) => ok(Value::Entry(Rc::new(MapEntry::new(
                    e.key().clone(),
                    e.value(),
                )))),
                None => Err(bad("copyOf", "NullPointerException: the entry is null")),
            },
        ),
    ],
};
