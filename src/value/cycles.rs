//! Freeing the reference cycles templates build. Lists, maps and entries are
//! `Rc`s, and `$m.put("self", $m)` is legal Velocity: such a value holds
//! itself, and `Rc` alone would never free it. In a long-lived process (the
//! Node binding inside a test runner, the language server) every render that
//! builds one would keep it.
//!
//! A cycle needs an edge from a container to one made before it, and only a
//! mutation makes those (a literal or a `$util` result holds values that
//! existed before it). So the containers that are given a list, map or entry
//! after they were made are noted, per thread ([`note_link`]), and
//! [`collect_cycles`], which the engine runs every so often after a render,
//! looks at what is reachable from them: the containers whose every
//! reference comes from within that set (trial deletion, as in Bacon and
//! Rajan's synchronous cycle collector) can no longer be reached and are
//! emptied, which breaks their cycles; `Rc` frees the rest.
//!
//! ```
//! use appsync_vtl::value::{self, Map};
//! use appsync_vtl::Value;
//! let m = Value::map(Map::new());
//! if let Value::Map(cell) = &m {
//!     cell.borrow_mut().insert("self".into(), m.clone());
//!     let weak = std::rc::Rc::downgrade(cell);
//!     value::note_link(&m, &m);
//!     drop(m);
//!     assert!(weak.upgrade().is_some()); // held by itself…
//!     value::collect_cycles();
//!     assert!(weak.upgrade().is_none()); // …until collected
//! }
//! ```

use std::cell::RefCell;
use std::collections::hash_map;
use std::rc::{Rc, Weak};

use rustc_hash::FxHashMap;

use super::{Map, MapEntry, Value};

/// A container that was given another after it was made.
enum Suspect {
    List(Weak<RefCell<Vec<Value>>>),
    Map(Weak<RefCell<Map>>),
    Entry(Weak<MapEntry>),
}

/// One container reached by [`collect_cycles`], held while it looks.
#[derive(Clone)]
enum Node {
    List(Rc<RefCell<Vec<Value>>>),
    Map(Rc<RefCell<Map>>),
    Entry(Rc<MapEntry>),
}

/// The most suspects a thread keeps; past it, dead ones are let go, then
/// repeats; a thread that still has this many notes no more (its cycles, if
/// any, are kept as they were before this module existed).
const MAX_SUSPECTS: usize = 1 << 16;

/// The most containers one [`collect_cycles`] looks at (a context of 5 MB
/// has fewer): past them it gives up for this time and keeps its suspects.
const MAX_NODES: usize = 1 << 17;

/// How many renders end with live suspects between two collections. A
/// suspect that outlives its render is mostly part of the request's context
/// (`$ctx.stash`, `$ctx.args`), still in use, so it is not walked after every
/// render: cycles are freed within this many renders.
const RENDERS_BETWEEN: u32 = 64;

struct Suspects {
    list: Vec<Suspect>,
    /// The address last noted: a loop adding to one list notes it once.
    last: usize,
    /// Renders ended with live suspects since the last collection.
    renders: u32,
}

thread_local! {
    static SUSPECTS: RefCell<Suspects> = const {
        RefCell::new(Suspects { list: Vec::new(), last: 0, renders: 0 })
    };
}

/// Whether `v` is a list, map or entry: what can close a cycle.
#[inline]
fn is_container(v: &Value) -> bool {
    matches!(v, Value::List(_) | Value::Map(_) | Value::Entry(_))
}

/// Notes that `added` was put into `receiver` (a list, map or entry): when
/// `added` is a container, `receiver` may now be part of a cycle.
#[inline]
pub fn note_link(receiver: &Value, added: &Value) {
    if is_container(added) {
        note(receiver);
    }
}

/// [`note_link`] for each of `added`.
pub fn note_links<'v>(receiver: &Value, mut added: impl Iterator<Item = &'v Value>) {
    if added.any(is_container) {
        note(receiver);
    }
}

#[inline(never)]
fn note(receiver: &Value) {
    let (suspect, address) = match receiver {
        Value::List(l) => (Suspect::List(Rc::downgrade(l)), Rc::as_ptr(l) as usize),
        Value::Map(m) => (Suspect::Map(Rc::downgrade(m)), Rc::as_ptr(m) as usize),
        Value::Entry(e) => (Suspect::Entry(Rc::downgrade(e)), Rc::as_ptr(e) as usize),
        _ => return,
    };
    let _ = SUSPECTS.try_with(|s| {
        let Ok(mut s) = s.try_borrow_mut() else {
            return;
        };
        if s.last == address {
            return;
        }
        if s.list.len() >= MAX_SUSPECTS {
            s.last = 0;
            prune(&mut s.list);
            if s.list.len() >= MAX_SUSPECTS {
                return;
            }
        }
        s.last = address;
        s.list.push(suspect);
    });
}

impl Suspect {
    fn is_alive(&self) -> bool {
        match self {
            Suspect::List(w) => w.strong_count() > 0,
            Suspect::Map(w) => w.strong_count() > 0,
            Suspect::Entry(w) => w.strong_count() > 0,
        }
    }

    fn upgrade(&self) -> Option<Node> {
        Some(match self {
            Suspect::List(w) => Node::List(w.upgrade()?),
            Suspect::Map(w) => Node::Map(w.upgrade()?),
            Suspect::Entry(w) => Node::Entry(w.upgrade()?),
        })
    }

    fn address(&self) -> usize {
        match self {
            Suspect::List(w) => w.as_ptr() as usize,
            Suspect::Map(w) => w.as_ptr() as usize,
            Suspect::Entry(w) => w.as_ptr() as *const () as usize,
        }
    }
}

/// Where the list, map or entry `v` lives; `None` for any other value.
fn address_of(v: &Value) -> Option<usize> {
    Some(match v {
        Value::List(l) => Rc::as_ptr(l) as usize,
        Value::Map(m) => Rc::as_ptr(m) as usize,
        Value::Entry(e) => Rc::as_ptr(e) as usize,
        _ => return None,
    })
}

impl Node {
    fn of(v: &Value) -> Option<Node> {
        Some(match v {
            Value::List(l) => Node::List(l.clone()),
            Value::Map(m) => Node::Map(m.clone()),
            Value::Entry(e) => Node::Entry(e.clone()),
            _ => return None,
        })
    }

    fn address(&self) -> usize {
        match self {
            Node::List(l) => Rc::as_ptr(l) as usize,
            Node::Map(m) => Rc::as_ptr(m) as usize,
            Node::Entry(e) => Rc::as_ptr(e) as usize,
        }
    }

    /// References to it, less the one [`collect_cycles`] holds.
    fn references(&self) -> usize {
        let count = match self {
            Node::List(l) => Rc::strong_count(l),
            Node::Map(m) => Rc::strong_count(m),
            Node::Entry(e) => Rc::strong_count(e),
        };
        count - 1
    }

    /// Calls `f` with each container it holds; `false` when it is borrowed
    /// (in use: it counts as reachable).
    fn children(&self, f: &mut impl FnMut(&Value)) -> bool {
        match self {
            Node::List(l) => match l.try_borrow() {
                Ok(items) => items.iter().filter(|v| is_container(v)).for_each(f),
                Err(_) => return false,
            },
            Node::Map(m) => match m.try_borrow() {
                Ok(entries) => entries.values().filter(|v| is_container(v)).for_each(f),
                Err(_) => return false,
            },
            Node::Entry(e) => match e.value.try_borrow() {
                Ok(v) if is_container(&v) => f(&v),
                Ok(_) => {}
                Err(_) => return false,
            },
        }
        true
    }

    /// Lets go of what it holds (only ever called on an unreachable node).
    fn empty(&self) {
        let contents = match self {
            Node::List(l) => l.try_borrow_mut().map(|mut items| {
                let _ = std::mem::take(&mut *items);
            }),
            Node::Map(m) => m.try_borrow_mut().map(|mut entries| {
                let _ = std::mem::take(&mut *entries);
            }),
            Node::Entry(e) => e.value.try_borrow_mut().map(|mut v| {
                let _ = std::mem::take(&mut *v);
            }),
        };
        drop(contents);
    }
}

/// What the engine runs after each render: the suspects freed meanwhile are
/// let go of, and every [`RENDERS_BETWEEN`] renders that leave some alive (or
/// once they are many) the cycles among them are collected.
pub(crate) fn after_render() {
    let due = SUSPECTS.try_with(|s| {
        let Ok(mut s) = s.try_borrow_mut() else {
            return false;
        };
        s.last = 0;
        if s.list.is_empty() {
            return false;
        }
        s.list.retain(Suspect::is_alive);
        if s.list.is_empty() {
            return false;
        }
        s.renders += 1;
        s.renders >= RENDERS_BETWEEN || s.list.len() >= MAX_SUSPECTS / 2
    });
    if due == Ok(true) {
        collect_cycles();
    }
}

/// Frees, now, the cycles among this thread's noted containers that nothing
/// outside them reaches any more (see the module's docs). The engine runs it
/// every so often after a render ([`RENDERS_BETWEEN`]); a program that builds
/// values with cycles itself can call it.
pub fn collect_cycles() {
    let Some(mut suspects) = SUSPECTS
        .try_with(|s| {
            let mut s = s.try_borrow_mut().ok()?;
            s.last = 0;
            s.renders = 0;
            (!s.list.is_empty()).then(|| std::mem::take(&mut s.list))
        })
        .ok()
        .flatten()
    else {
        return;
    };
    let roots: Vec<Node> = suspects.iter().filter_map(Suspect::upgrade).collect();
    if roots.is_empty() {
        return;
    }
    if let Some(garbage) = find_garbage(roots) {
        // Each is emptied while every one of them is still held here, so
        // no drop in between recurses through the rest.
        garbage.iter().for_each(Node::empty);
    }
    // The live suspects stay suspects: a cycle among them may be let go of
    // later. (Nothing was noted meanwhile: the list is put back whole.)
    prune(&mut suspects);
    let _ = SUSPECTS.try_with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            s.list = suspects;
        }
    });
}

/// Lets go of the suspects that are gone, and of repeats.
fn prune(list: &mut Vec<Suspect>) {
    list.retain(Suspect::is_alive);
    let mut seen = rustc_hash::FxHashSet::default();
    list.retain(|x| seen.insert(x.address()));
}

/// The containers reachable from `roots` that only each other reference;
/// `None` when they are too many to look at ([`MAX_NODES`]).
fn find_garbage(roots: Vec<Node>) -> Option<Vec<Node>> {
    // Every container reachable from the roots, once, with its references.
    let mut index: FxHashMap<usize, usize> = FxHashMap::default();
    let mut nodes: Vec<Node> = Vec::new();
    let mut add = |node: Node, nodes: &mut Vec<Node>| {
        if let hash_map::Entry::Vacant(slot) = index.entry(node.address()) {
            slot.insert(nodes.len());
            nodes.push(node);
        }
    };
    for root in roots {
        add(root, &mut nodes);
    }
    let mut outside: Vec<isize> = Vec::new();
    let mut walked = 0;
    while walked < nodes.len() {
        if nodes.len() > MAX_NODES {
            return None;
        }
        let node = nodes[walked].clone();
        walked += 1;
        let readable = node.children(&mut |child| {
            if let Some(child) = Node::of(child) {
                add(child, &mut nodes);
            }
        });
        // A borrowed container is in use: something outside reaches it.
        outside.push(if readable { 0 } else { isize::MAX / 2 });
    }
    // References from outside = references - references from within. The
    // clones taken above while walking are gone again: `node` was dropped.
    for (i, node) in nodes.iter().enumerate() {
        outside[i] += node.references() as isize;
    }
    for node in &nodes {
        node.children(&mut |child| {
            if let Some(&j) = address_of(child).and_then(|a| index.get(&a)) {
                outside[j] -= 1;
            }
        });
    }
    // What a node referenced from outside reaches is reachable too.
    let mut reachable = vec![false; nodes.len()];
    let mut pending: Vec<usize> = (0..nodes.len()).filter(|&i| outside[i] > 0).collect();
    while let Some(i) = pending.pop() {
        if std::mem::replace(&mut reachable[i], true) {
            continue;
        }
        nodes[i].children(&mut |child| {
            if let Some(&j) = address_of(child).and_then(|a| index.get(&a)) {
                if !reachable[j] {
                    pending.push(j);
                }
            }
        });
    }
    Some(
        nodes
            .into_iter()
            .zip(reachable)
            .filter_map(|(n, r)| (!r).then_some(n))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map_value() -> (Value, Weak<RefCell<Map>>) {
        let v = Value::map(Map::new());
        let Value::Map(m) = &v else { unreachable!() };
        let weak = Rc::downgrade(m);
        (v, weak)
    }

    fn put(receiver: &Value, key: &str, v: &Value) {
        if let Value::Map(m) = receiver {
            m.borrow_mut().insert(key.into(), v.clone());
        }
        note_link(receiver, v);
    }

    /// Two maps that hold each other, and a weak handle to each.
    fn two_maps_holding_each_other() -> (Value, Value, Weak<RefCell<Map>>, Weak<RefCell<Map>>) {
        let (a, wa) = map_value();
        let (b, wb) = map_value();
        put(&a, "b", &b);
        put(&b, "a", &a);
        (a, b, wa, wb)
    }

    #[test]
    fn a_cycle_nothing_reaches_is_freed() {
        let (a, b, wa, wb) = two_maps_holding_each_other();
        drop((a, b));
        assert!(wa.upgrade().is_some() && wb.upgrade().is_some());
        collect_cycles();
        assert!(wa.upgrade().is_none() && wb.upgrade().is_none());
    }

    #[test]
    fn a_cycle_still_held_is_kept_whole_and_freed_later() {
        let (a, b, wa, wb) = two_maps_holding_each_other();
        let holder = Value::list(vec![b.clone()]);
        drop((a, b));
        collect_cycles();
        // Reached through `holder`: nothing emptied.
        let a = Value::Map(wa.upgrade().expect("kept"));
        assert_eq!(
            crate::value::to_json_string_within(&a, 1 << 20).map(|s| s.len() > 2),
            Some(true)
        );
        drop(a);
        drop(holder);
        collect_cycles();
        assert!(wa.upgrade().is_none() && wb.upgrade().is_none());
    }

    #[test]
    fn cycles_through_lists_and_entries_are_freed() {
        let list = Value::list(Vec::new());
        let Value::List(cell) = &list else {
            unreachable!()
        };
        let weak_list = Rc::downgrade(cell);
        let entry = Value::Entry(Rc::new(MapEntry::new("k".into(), list.clone())));
        let Value::Entry(e) = &entry else {
            unreachable!()
        };
        let weak_entry = Rc::downgrade(e);
        cell.borrow_mut().push(entry.clone());
        note_link(&list, &entry);
        drop((list, entry));
        collect_cycles();
        assert!(weak_list.upgrade().is_none() && weak_entry.upgrade().is_none());
    }

    #[test]
    fn values_without_cycles_are_left_alone() {
        let (a, wa) = map_value();
        let inner = Value::list(vec![Value::from(1)]);
        put(&a, "inner", &inner);
        collect_cycles();
        assert_eq!(crate::value::to_json_string(&a), r#"{"inner":[1]}"#);
        drop(a);
        assert!(wa.upgrade().is_none());
        collect_cycles();
    }
}
