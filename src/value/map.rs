//! [`Map`], the entries of a VTL map value: insertion-ordered like Java's
//! `LinkedHashMap`, a plain `Vec` while small, with a hash index once big.

use std::hash::BuildHasher;
use std::ops::RangeBounds;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use super::Value;

/// The most entries a map holds without a hash index (unless it was made with
/// room for more): up to this many, a lookup compares keys in order. Chosen by
/// callgrind counts of the benchmark templates (16 beat 8).
const SMALL: usize = 16;

/// One entry: a key and its value.
type Entry = (Rc<str>, Value);

/// The entries of a map value, in insertion order (`java.util.LinkedHashMap`).
///
/// Most maps a template builds or reads are small (a map literal, `$ctx.args`,
/// a DynamoDB key), so the entries live in one `Vec` and a lookup compares keys
/// one after another: no hashing, and one allocation instead of two. A map that
/// grows past 16 entries also gets a hash index (entry positions in a
/// `hashbrown` table, keys hashed with Fx), so lookups in a big map stay
/// constant-time. Once built, the index is kept until the map is emptied.
///
/// Removing an entry keeps the order of the others, and inserting a key that is
/// already there replaces its value in place.
///
/// ```
/// use appsync_vtl::value::Map;
/// use appsync_vtl::Value;
/// let mut m: Map = [("b", 1), ("a", 2), ("c", 3)]
///     .into_iter()
///     .map(|(k, v)| (k.into(), Value::from(v)))
///     .collect();
/// assert_eq!(m.shift_remove("b").map(|v| v.to_java_string()), Some("1".into()));
/// m.insert("b".into(), Value::from(4));
/// m.insert("a".into(), Value::from(5));
/// let keys: Vec<&str> = m.keys().map(|k| &**k).collect();
/// assert_eq!(keys, ["a", "c", "b"]);
/// assert_eq!(m.get("a").map(|v| v.to_java_string()), Some("5".into()));
/// ```
#[derive(Clone, Default)]
pub struct Map {
    entries: Vec<Entry>,
    /// Positions in `entries`, by key hash; when present it holds every entry.
    index: Option<Box<HashTable<usize>>>,
}

/// `a == b`, without calling `memcmp` when the length, first or last byte
/// differ: keys compared one after another mostly differ there.
#[inline]
pub(super) fn same_key(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.first() == b.first() && a.last() == b.last() && a == b
}

fn hash(key: &str) -> u64 {
    FxBuildHasher.hash_one(key)
}

/// An index of `entries`.
fn index_of(entries: &[Entry], capacity: usize) -> Box<HashTable<usize>> {
    let mut table = HashTable::with_capacity(capacity);
    for (i, (key, _)) in entries.iter().enumerate() {
        table.insert_unique(hash(key), i, |&j| hash(&entries[j].0));
    }
    Box::new(table)
}

impl Map {
    /// An empty map.
    pub fn new() -> Map {
        Map::default()
    }

    /// An empty map with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Map {
        Map {
            entries: Vec::with_capacity(capacity),
            index: (capacity > SMALL).then(|| Box::new(HashTable::with_capacity(capacity))),
        }
    }

    /// A map of `entries` whose keys all differ (not checked here: no key is
    /// looked for), in their order.
    pub(crate) fn from_distinct(entries: Vec<Entry>) -> Map {
        let index = (entries.len() > SMALL).then(|| index_of(&entries, 2 * entries.len()));
        Map { entries, index }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The position of `key`, if it is in the map.
    #[inline]
    pub fn get_index_of(&self, key: &str) -> Option<usize> {
        match &self.index {
            None => self.entries.iter().position(|(k, _)| same_key(k, key)),
            Some(table) => self.find_hashed(table, key),
        }
    }

    /// [`Map::get_index_of`] in a big map.
    #[inline(never)]
    fn find_hashed(&self, table: &HashTable<usize>, key: &str) -> Option<usize> {
        table
            .find(hash(key), |&i| *self.entries[i].0 == *key)
            .copied()
    }

    /// The value of `key`.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.get_index_of(key).map(|i| &self.entries[i].1)
    }

    /// The value of `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let i = self.get_index_of(key)?;
        Some(&mut self.entries[i].1)
    }

    /// The position, key and value of `key`.
    #[inline]
    pub fn get_full(&self, key: &str) -> Option<(usize, &Rc<str>, &Value)> {
        let i = self.get_index_of(key)?;
        let (k, v) = &self.entries[i];
        Some((i, k, v))
    }

    /// The entry at position `index`.
    #[inline]
    pub fn get_index(&self, index: usize) -> Option<(&Rc<str>, &Value)> {
        self.entries.get(index).map(|(k, v)| (k, v))
    }

    /// True when `key` is in the map.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get_index_of(key).is_some()
    }

    /// Sets `key` to `value` and returns the value it replaces. A new key goes
    /// last; a key already there keeps its place (and its first spelling).
    pub fn insert(&mut self, key: Rc<str>, value: Value) -> Option<Value> {
        if let Some(i) = self.get_index_of(&key) {
            return Some(std::mem::replace(&mut self.entries[i].1, value));
        }
        if self.index.is_none() && self.entries.len() < SMALL {
            self.entries.push((key, value));
        } else {
            self.push_indexed(key, value);
        }
        None
    }

    /// Adds a new key to a map that has (or is about to need) a hash index.
    #[inline(never)]
    fn push_indexed(&mut self, key: Rc<str>, value: Value) {
        let i = self.entries.len();
        self.entries.push((key, value));
        let entries = &self.entries;
        match &mut self.index {
            Some(table) => {
                table.insert_unique(hash(&entries[i].0), i, |&j| hash(&entries[j].0));
            }
            None => self.index = Some(index_of(entries, 2 * entries.len())),
        }
    }

    /// Removes `key` and returns its value; the entries after it move up one
    /// place, so the order of the rest is kept.
    pub fn shift_remove(&mut self, key: &str) -> Option<Value> {
        let i = self.get_index_of(key)?;
        if let Some(table) = &mut self.index {
            if let Ok(slot) = table.find_entry(hash(key), |&j| j == i) {
                slot.remove();
            }
            for j in table.iter_mut() {
                if *j > i {
                    *j -= 1;
                }
            }
        }
        Some(self.entries.remove(i).1)
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.index = None;
    }

    /// Removes the entries in `range` and yields them in order.
    pub fn drain<R: RangeBounds<usize>>(&mut self, range: R) -> std::vec::Drain<'_, Entry> {
        // Rebuilt by `insert` once the map is big again; lookups without it scan.
        self.index = None;
        self.entries.drain(range)
    }

    /// The entries in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Rc<str>, &Value)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Rc<str>> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in order, to change them.
    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

impl Extend<(Rc<str>, Value)> for Map {
    fn extend<I: IntoIterator<Item = (Rc<str>, Value)>>(&mut self, entries: I) {
        for (k, v) in entries {
            self.insert(k, v);
        }
    }
}

impl FromIterator<(Rc<str>, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (Rc<str>, Value)>>(entries: I) -> Map {
        let mut m = Map::new();
        m.extend(entries);
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(v: &Value) -> i64 {
        match v {
            Value::Int(i) => *i,
            other => panic!("not an int: {other:?}"),
        }
    }

    fn keys(m: &Map) -> Vec<String> {
        m.keys().map(|k| k.to_string()).collect()
    }

    /// Keys `k0..kn` with values `0..n`.
    fn entries(n: usize) -> impl Iterator<Item = Entry> {
        (0..n).map(|i| (Rc::from(format!("k{i}")), Value::Int(i as i64)))
    }

    fn counted(n: usize) -> Map {
        entries(n).collect()
    }

    #[test]
    fn remove_keeps_order_and_reinsert_goes_last() {
        for n in [4, SMALL, SMALL + 1, 40] {
            let mut m = counted(n);
            assert_eq!(m.shift_remove("k1").as_ref().map(int), Some(1));
            assert_eq!(m.shift_remove("k1").as_ref().map(int), None);
            m.insert("k1".into(), Value::Int(-1));
            let mut expected: Vec<String> = (0..n).map(|i| format!("k{i}")).collect();
            expected.remove(1);
            expected.push("k1".into());
            assert_eq!(keys(&m), expected, "n = {n}");
            for (i, key) in expected.iter().enumerate() {
                assert_eq!(m.get_index_of(key), Some(i), "n = {n}, {key}");
            }
        }
    }

    #[test]
    fn lookups_after_growing_past_the_small_size() {
        assert!(counted(SMALL).index.is_none());
        let m = counted(1000);
        assert!(m.index.is_some());
        assert_eq!(m.len(), 1000);
        for i in 0..1000 {
            let (at, key, value) = m.get_full(&format!("k{i}")).expect("present");
            assert_eq!((at, &**key, int(value)), (i, &*format!("k{i}"), i as i64));
        }
        assert!(!m.contains_key("k1000"));
        assert_eq!(m.get_index(999).map(|(k, _)| &**k), Some("k999"));
    }

    #[test]
    fn a_duplicate_key_replaces_the_value_in_place() {
        for n in [3, 30] {
            let mut m = counted(n);
            let old = m.insert("k2".into(), Value::Int(99));
            assert_eq!(old.as_ref().map(int), Some(2));
            assert_eq!(m.len(), n);
            assert_eq!(m.get_index_of("k2"), Some(2));
            assert_eq!(m.get("k2").map(int), Some(99));
        }
        let m: Map = [("a", 1), ("b", 2), ("a", 3)]
            .into_iter()
            .map(|(k, v)| (Rc::from(k), Value::Int(v)))
            .collect();
        assert_eq!(keys(&m), ["a", "b"]);
        assert_eq!(m.get("a").map(int), Some(3));
    }

    #[test]
    fn draining_and_refilling_rebuilds_the_index() {
        let mut m = counted(20);
        let drained: Vec<i64> = m.drain(..).map(|(_, v)| int(&v)).collect();
        assert_eq!(drained, (0..20).collect::<Vec<_>>());
        assert!(m.is_empty());
        m.extend(entries(30));
        assert_eq!(m.get("k25").map(int), Some(25));
        m.clear();
        assert_eq!(m.get("k25").map(int), None);
    }

    #[test]
    fn a_map_made_with_room_for_many_works_while_small() {
        let mut m = Map::with_capacity(50);
        m.insert("a".into(), Value::Int(1));
        assert_eq!(m.get("a").map(int), Some(1));
        assert_eq!(m.shift_remove("a").as_ref().map(int), Some(1));
        assert!(m.get("a").is_none());
    }

    /// Random inserts and removals over a few dozen keys (so maps cross the
    /// small size both ways) give the same entries, in the same order, as an
    /// `IndexMap` with `shift_remove`.
    #[test]
    fn behaves_like_an_insertion_ordered_map() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut m = Map::new();
        let mut model = indexmap::IndexMap::<String, i64>::new();
        for step in 0..20_000 {
            let key = format!("key{}", next() % 40);
            if next() % 3 == 0 {
                let got = m.shift_remove(&key).as_ref().map(int);
                assert_eq!(got, model.shift_remove(&key), "step {step}");
            } else {
                let got = m
                    .insert(key.as_str().into(), Value::Int(step))
                    .as_ref()
                    .map(int);
                assert_eq!(got, model.insert(key, step), "step {step}");
            }
            if step % 97 == 0 {
                let entries: Vec<(String, i64)> =
                    m.iter().map(|(k, v)| (k.to_string(), int(v))).collect();
                let expected: Vec<(String, i64)> =
                    model.iter().map(|(k, v)| (k.clone(), *v)).collect();
                assert_eq!(entries, expected, "step {step}");
                for (i, (k, _)) in expected.iter().enumerate() {
                    assert_eq!(m.get_index_of(k), Some(i), "step {step}");
                }
            }
        }
    }
}

/// Where a property was last found in the map it was read from. Maps built
/// from the same JSON or the same literal keep their keys in one order, so the
/// next read of `$item.status` usually finds `status` at the same index without
/// hashing. Only a hint: the key at that index is compared before it is used,
/// and templates rendered on several threads at once may overwrite each other's.
#[derive(Default)]
pub struct IndexHint(AtomicU32);

impl IndexHint {
    /// The index last recorded.
    #[inline]
    pub fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed) as usize
    }

    /// Records where the property was found.
    #[inline]
    pub fn set(&self, index: usize) {
        self.0.store(index as u32, Ordering::Relaxed);
    }
}

impl Clone for IndexHint {
    fn clone(&self) -> IndexHint {
        IndexHint(AtomicU32::new(self.0.load(Ordering::Relaxed)))
    }
}

/// A hint is not part of what a tree means: any two are equal.
impl PartialEq for IndexHint {
    fn eq(&self, _: &IndexHint) -> bool {
        true
    }
}

impl std::fmt::Debug for IndexHint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IndexHint")
    }
}
