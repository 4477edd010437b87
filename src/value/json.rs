//! Conversion between [`Value`] and JSON, printed the way Java's Jackson prints it
//! (compact, doubles as `Double.toString`: `2.0`, `1.0E21`).

use std::cell::Cell;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use super::map::same_key;
use super::{budget, Map, Value, MAX_DEPTH, MAX_PRINT_BYTES};

/// Builds a value from parsed JSON as Jackson does: integers become `Int`
/// (`BigInt` past `i64`), other numbers `Float`. An integer past `u64` has
/// reached here as a double already (`serde_json` reads it so).
///
/// Object keys repeat (500 items with the same six fields), so each distinct key
/// is allocated once and shared.
pub fn from_json(v: &serde_json::Value) -> Value {
    FromJson::default().value(v)
}

#[derive(Default)]
struct FromJson<'j> {
    keys: FxHashMap<&'j str, Rc<str>>,
}

impl<'j> FromJson<'j> {
    fn value(&mut self, v: &'j serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Value::Int(i),
                (None, Some(u)) => Value::big(u.into()),
                _ => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::Str(s.as_str().into()),
            serde_json::Value::Array(a) => Value::list(a.iter().map(|x| self.value(x)).collect()),
            serde_json::Value::Object(o) => {
                let mut map = Map::with_capacity(o.len());
                for (k, x) in o {
                    let key = self.key(k);
                    map.insert(key, self.value(x));
                }
                Value::map(map)
            }
        }
    }

    fn key(&mut self, k: &'j str) -> Rc<str> {
        self.keys.entry(k).or_insert_with(|| Rc::from(k)).clone()
    }
}

/// Parses JSON text straight into a value, as [`from_json`] would build it from
/// the parsed tree, without building the tree: a context file is read this way.
/// Distinct object keys are allocated once and shared; duplicate keys keep the
/// last value at the first key's place; nesting deeper than 128 levels is an
/// error, as it is for `serde_json`.
///
/// ```
/// use appsync_vtl::value::{parse_json, to_json_string};
/// let v = parse_json(r#"{"a": [1, 2.5, "x"], "b": null, "a": true}"#).unwrap();
/// assert_eq!(to_json_string(&v), r#"{"a":true,"b":null}"#);
/// assert!(parse_json("{\"a\": }").is_err());
/// ```
pub fn parse_json(text: &str) -> Result<Value, serde_json::Error> {
    let mut builder = SPARE_BUILDER.try_with(Cell::take).unwrap_or_default();
    if let Some(value) = Scan::new(text, &mut builder).document() {
        if builder.items.capacity().max(builder.entries.capacity()) <= MAX_KEPT_STACK {
            builder.clear();
            let _ = SPARE_BUILDER.try_with(|spare| spare.set(builder));
        }
        return Ok(value);
    }
    // Not the common shape (or not JSON): `serde_json` reads it, and words its errors.
    builder = Builder::default();
    serde_parse(text, &mut builder)
}

/// Reads `text`, one whole JSON value, with `serde_json` into values.
fn serde_parse(text: &str, builder: &mut Builder) -> Result<Value, serde_json::Error> {
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_str(text);
    let value = ValueSeed(builder).deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Where the run of plain string bytes from `i` ends: at the first `"`, `\` or
/// control character (or the end of `bytes`). Eight bytes are tested at a time.
#[inline]
fn plain_run(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        // Each term flags (high bit) its first matching byte exactly, and
        // possibly bytes after it: the lowest flag of all is the first match.
        let found = ((quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (w.wrapping_sub(ONES * 0x20) & !w))
            & HIGHS;
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

/// The items of `stack` from `start` on, taken off it into a vector of their
/// number (moved in one copy).
// `mem::take` (or `split_off(0)`) would hand over the whole buffer, room and
// all, and leave the stack to allocate again: a copy at the items' size it is.
#[allow(clippy::drain_collect)]
fn tail<T>(stack: &mut Vec<T>, start: usize) -> Vec<T> {
    if start == 0 {
        return stack.drain(..).collect();
    }
    stack.split_off(start)
}

/// The text of a JSON string's body with escapes (`a\"b` is `a"b`); `None`
/// when it holds what `serde_json` refuses: a control character, an unknown
/// escape, a surrogate not in a pair.
fn unescape(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < bytes.len() {
        let run = plain_run(bytes, i);
        out.push_str(raw.get(i..run)?);
        i = run;
        match bytes.get(i) {
            None => break,
            Some(b'\\') => {}
            Some(_) => return None,
        }
        let escaped = *bytes.get(i + 1)?;
        i += 2;
        out.push(match escaped {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = hex4(bytes.get(i..i + 4)?)?;
                i += 4;
                match unit {
                    0xD800..=0xDBFF => {
                        if bytes.get(i..i + 2)? != b"\\u" {
                            return None;
                        }
                        let low = hex4(bytes.get(i + 2..i + 6)?)?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return None;
                        }
                        i += 6;
                        char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))?
                    }
                    _ => char::from_u32(unit)?,
                }
            }
            _ => return None,
        });
    }
    Some(out)
}

/// Four hex digits as a number.
fn hex4(digits: &[u8]) -> Option<u32> {
    digits
        .iter()
        .try_fold(0, |n, &d| Some(n * 16 + char::from(d).to_digit(16)?))
}

/// How deep [`Scan`] follows nested lists and objects before it leaves the text
/// to `serde_json` (whose own limit, 128, then words the error).
const SCAN_DEPTH: usize = 100;

/// The fast reader behind [`parse_json`]: one pass over the bytes for the JSON
/// contexts are made of (strings without escapes, integers, literals, lists and
/// objects), building values as it goes. Anything else, a string with an
/// escape or a number with a fraction or an exponent, is handed, that token
/// alone, to `serde_json`; text that is not JSON makes it give up (`None`), and
/// `serde_json` reads the whole text again for its error. It accepts only what
/// `serde_json` accepts and builds what it builds (the tests compare them).
struct Scan<'a, 'b> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    depth: usize,
    builder: &'b mut Builder,
}

impl<'a, 'b> Scan<'a, 'b> {
    fn new(text: &'a str, builder: &'b mut Builder) -> Self {
        Scan {
            text,
            bytes: text.as_bytes(),
            at: 0,
            depth: 0,
            builder,
        }
    }

    /// The whole text as one value, with nothing but whitespace after it.
    fn document(&mut self) -> Option<Value> {
        let value = self.value()?;
        self.skip_ws();
        (self.at == self.bytes.len()).then_some(value)
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// The next byte after whitespace, not consumed.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes.get(self.at).copied()
    }

    fn value(&mut self) -> Option<Value> {
        match self.peek()? {
            b'{' => self.object(),
            b'[' => self.list(),
            first => self.scalar(first),
        }
    }

    /// A value that is not a list or object, its first byte `first`. Inlined
    /// where lists and objects read their items: a value handed back from a
    /// call travels through memory, and reading it back at once stalls the
    /// processor, once per value.
    #[inline(always)]
    fn scalar(&mut self, first: u8) -> Option<Value> {
        match first {
            b'"' => match self.plain_string() {
                Some(s) => Some(Value::Str(Rc::from(s))),
                None => self.escaped_string(),
            },
            b'-' | b'0'..=b'9' => match self.integer() {
                Some(n) => Some(Value::Int(n)),
                None => self.number(),
            },
            b't' => self.literal(b"true", Value::Bool(true)),
            b'f' => self.literal(b"false", Value::Bool(false)),
            b'n' => self.literal(b"null", Value::Null),
            _ => None,
        }
    }

    /// A list's item or an object's value.
    #[inline(always)]
    fn item(&mut self) -> Option<Value> {
        match self.peek()? {
            b'{' | b'[' => self.value(),
            first => self.scalar(first),
        }
    }

    fn literal(&mut self, word: &[u8], value: Value) -> Option<Value> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word).then(|| {
            self.at = end;
            value
        })
    }

    /// The text of the string at `"` when it has no escape; `None` (nothing
    /// read) for any other string, and for text that is not a string.
    #[inline]
    fn plain_string(&mut self) -> Option<&'a str> {
        let start = self.at + 1;
        let end = plain_run(self.bytes, start);
        if self.bytes.get(end) != Some(&b'"') {
            return None;
        }
        let text = self.text.get(start..end)?;
        self.at = end + 1;
        Some(text)
    }

    /// A string at `"` that [`Scan::plain_string`] did not read: its extent
    /// found here, its escapes decoded as JSON's (anything else, a control
    /// character or a lone surrogate, makes the reader give up).
    #[cold]
    #[inline(never)]
    fn escaped_string(&mut self) -> Option<Value> {
        let start = self.at + 1;
        let mut i = start;
        loop {
            match *self.bytes.get(i)? {
                b'"' => break,
                b'\\' => i += 2,
                _ => i += 1,
            }
        }
        let text = unescape(self.text.get(start..i)?)?;
        self.at = i + 1;
        Some(Value::Str(Rc::from(text)))
    }

    /// The token from `start` to here, read by `serde_json`.
    fn token(&mut self, start: usize) -> Option<Value> {
        serde_parse(self.text.get(start..self.at)?, self.builder).ok()
    }

    /// An integer of up to 18 digits (not `-0`, which JSON readers make a
    /// double); `None` (nothing read) for any other number.
    #[inline]
    fn integer(&mut self) -> Option<i64> {
        let start = self.at;
        let negative = self.bytes.get(start) == Some(&b'-');
        let mut i = start + usize::from(negative);
        let digits = i;
        let mut n: i64 = 0;
        while let Some(&b @ b'0'..=b'9') = self.bytes.get(i) {
            n = n.wrapping_mul(10).wrapping_add(i64::from(b - b'0'));
            i += 1;
        }
        let count = i - digits;
        let simple = (count == 1 || (count > 1 && count <= 18 && self.bytes[digits] != b'0'))
            && !(negative && n == 0)
            && !matches!(self.bytes.get(i), Some(b'.' | b'e' | b'E' | b'0'..=b'9'));
        if !simple {
            return None;
        }
        self.at = i;
        Some(if negative { -n } else { n })
    }

    /// A number [`Scan::integer`] did not read, its extent found by JSON's
    /// grammar: one with a fraction or an exponent is a double (read as
    /// `serde_json` reads it, to the nearest; out of range, the reader gives
    /// up), any other (`-0`, past 18 digits) is read by `serde_json`.
    #[cold]
    #[inline(never)]
    fn number(&mut self) -> Option<Value> {
        let start = self.at;
        let negative = self.bytes.get(start) == Some(&b'-');
        let digits = start + usize::from(negative);
        let mut i = self.digits(digits)?;
        if i - digits > 1 && self.bytes[digits] == b'0' {
            return None;
        }
        let integer_end = i;
        if self.bytes.get(i) == Some(&b'.') {
            i = self.digits(i + 1)?;
        }
        if let Some(b'e' | b'E') = self.bytes.get(i) {
            i += 1;
            if let Some(b'+' | b'-') = self.bytes.get(i) {
                i += 1;
            }
            i = self.digits(i)?;
        }
        self.at = i;
        if i == integer_end {
            return self.token(start);
        }
        let double: f64 = self.text.get(start..i)?.parse().ok()?;
        double.is_finite().then_some(Value::Float(double))
    }

    /// Past one or more digits from `i`.
    fn digits(&self, mut i: usize) -> Option<usize> {
        let from = i;
        while let Some(b'0'..=b'9') = self.bytes.get(i) {
            i += 1;
        }
        (i > from).then_some(i)
    }

    /// Enters a list or object (at its bracket); `None` past [`SCAN_DEPTH`].
    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        self.at += 1;
        (self.depth <= SCAN_DEPTH).then_some(())
    }

    fn list(&mut self) -> Option<Value> {
        self.enter()?;
        let start = self.builder.items.len();
        if self.peek()? == b']' {
            self.at += 1;
        } else {
            loop {
                let item = self.item()?;
                self.builder.items.push(item);
                match self.peek()? {
                    b',' => self.at += 1,
                    b']' => {
                        self.at += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        Some(Value::list(tail(&mut self.builder.items, start)))
    }

    fn object(&mut self) -> Option<Value> {
        self.enter()?;
        let start = self.builder.entries.len();
        if self.peek()? == b'}' {
            self.at += 1;
        } else {
            loop {
                if self.peek()? != b'"' {
                    return None;
                }
                let position = self.builder.entries.len() - start;
                let key = match self.plain_string() {
                    Some(k) => self.builder.key(k, position),
                    None => {
                        let k = self.escaped_string()?;
                        self.builder.key(k.as_str()?, position)
                    }
                };
                if self.peek()? != b':' {
                    return None;
                }
                self.at += 1;
                let value = self.item()?;
                self.builder.entries.push((key, value));
                match self.peek()? {
                    b',' => self.at += 1,
                    b'}' => {
                        self.at += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        // Equal keys share one allocation (`Builder::key`), so keys that differ
        // in address differ: the map is built without looking any key up.
        let entries = &self.builder.entries[start..];
        let distinct = entries.len() <= FEW_KEYS
            && entries
                .iter()
                .enumerate()
                .all(|(i, (key, _))| entries[..i].iter().all(|(k, _)| !Rc::ptr_eq(k, key)));
        if distinct {
            let entries = tail(&mut self.builder.entries, start);
            return Some(Value::map(Map::from_distinct(entries)));
        }
        let mut map = Map::with_capacity(self.builder.entries.len() - start);
        for (key, value) in self.builder.entries.drain(start..) {
            map.insert(key, value);
        }
        Some(Value::map(map))
    }
}

/// What one [`parse_json`] keeps while it builds: each distinct key allocated
/// once (and, while there are few, kept for the thread's next document), and
/// stacks on which the items of the open lists and objects gather, so each
/// list and map is allocated once at its final size.
#[derive(Default)]
struct Builder {
    /// Distinct keys met so far, searched in order while they are few…
    few_keys: Vec<Rc<str>>,
    /// …and by hash once they are many.
    many_keys: rustc_hash::FxHashSet<Rc<str>>,
    /// The key last met at each position of an object: objects in a list
    /// mostly repeat their keys in the same order, so a key is usually found
    /// here without a search.
    key_at: Vec<Rc<str>>,
    items: Vec<Value>,
    entries: Vec<(Rc<str>, Value)>,
}

thread_local! {
    /// The builder of the last [`parse_json`] on this thread, emptied: its
    /// stacks keep their room for the next one.
    static SPARE_BUILDER: Cell<Builder> = Cell::new(Builder::default());
}

/// The most items or entries a kept builder's stacks have room for.
const MAX_KEPT_STACK: usize = 4096;

/// How many distinct keys [`Builder`] searches in order before it hashes them.
const FEW_KEYS: usize = 32;

impl Builder {
    /// Made ready for the next document: the keys met are forgotten once they
    /// are many; the stacks (empty after a document is read whole) keep their room.
    fn clear(&mut self) {
        // While they are few, the keys met stay known for the next document on
        // this thread (contexts mostly repeat their keys). `key_at` only holds
        // known keys, so equal keys still share one allocation.
        if !self.many_keys.is_empty() {
            self.few_keys.clear();
            self.many_keys = rustc_hash::FxHashSet::default();
            self.key_at.clear();
        }
        self.items.clear();
        self.entries.clear();
    }

    /// The shared allocation of key `k`, met at `position` in its object.
    fn key(&mut self, k: &str, position: usize) -> Rc<str> {
        if let Some(key) = self.key_at.get(position) {
            if same_key(key, k) {
                return key.clone();
            }
        }
        let key = self.known_key(k);
        match self.key_at.get_mut(position) {
            Some(slot) => *slot = key.clone(),
            None => self.key_at.push(key.clone()),
        }
        key
    }

    fn known_key(&mut self, k: &str) -> Rc<str> {
        if self.many_keys.is_empty() {
            if let Some(key) = self.few_keys.iter().find(|key| same_key(key, k)) {
                return key.clone();
            }
            let key: Rc<str> = Rc::from(k);
            if self.few_keys.len() < FEW_KEYS {
                self.few_keys.push(key.clone());
            } else {
                self.many_keys.extend(self.few_keys.drain(..));
                self.many_keys.insert(key.clone());
            }
            return key;
        }
        if let Some(key) = self.many_keys.get(k) {
            return key.clone();
        }
        let key: Rc<str> = Rc::from(k);
        self.many_keys.insert(key.clone());
        key
    }
}

/// Builds one JSON value as a [`Value`].
struct ValueSeed<'b>(&'b mut Builder);

impl<'de> serde::de::DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Int(n))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        // As `from_json`: an integer past `i64` is a BigInteger (as Jackson reads it).
        Ok(i64::try_from(n).map_or_else(|_| Value::big(n.into()), Value::Int))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Value::Float(n))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::Str(Rc::from(s)))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let b = self.0;
        let start = b.items.len();
        while let Some(item) = seq.next_element_seed(ValueSeed(&mut *b))? {
            b.items.push(item);
        }
        Ok(Value::list(b.items.drain(start..).collect()))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut entries: A) -> Result<Value, A::Error> {
        let b = self.0;
        let start = b.entries.len();
        loop {
            let position = b.entries.len() - start;
            let Some(key) = entries.next_key_seed(KeySeed(&mut *b, position))? else {
                break;
            };
            let value = entries.next_value_seed(ValueSeed(&mut *b))?;
            b.entries.push((key, value));
        }
        let mut map = Map::with_capacity(b.entries.len() - start);
        for (key, value) in b.entries.drain(start..) {
            map.insert(key, value);
        }
        Ok(Value::map(map))
    }
}

/// Reads an object key (the `usize`: its position in the object) through the
/// [`Builder`]'s keys.
struct KeySeed<'b>(&'b mut Builder, usize);

impl<'de> serde::de::DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Rc<str>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Rc<str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for KeySeed<'_> {
    type Value = Rc<str>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E>(self, s: &str) -> Result<Rc<str>, E> {
        Ok(self.0.key(s, self.1))
    }
}

/// Converts a value to `serde_json::Value` (cycles and over-deep values become `null`).
pub fn to_json(v: &Value) -> serde_json::Value {
    to_json_depth(v, 0)
}

fn to_json_depth(v: &Value, depth: usize) -> serde_json::Value {
    if depth > MAX_DEPTH {
        return serde_json::Value::Null;
    }
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        // Past `u64`, the nearest double: `serde_json` holds no more digits.
        Value::BigInt(b) => match u64::try_from(&**b) {
            Ok(u) => serde_json::Value::from(u),
            Err(_) => serde_json::Number::from_f64(super::number::big_to_f64(b))
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
        },
        Value::Decimal(d) => serde_json::Number::from_f64(d.to_f64())
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::Str(s) => serde_json::Value::String(s.to_string()),
        Value::List(l) => {
            let l = l.borrow();
            // Building JSON costs more (and holds more memory) than walking.
            if !budget::charge(8 * (1 + l.len())) {
                return serde_json::Value::Null;
            }
            serde_json::Value::Array(l.iter().map(|x| to_json_depth(x, depth + 1)).collect())
        }
        Value::Map(m) => {
            let m = m.borrow();
            if !budget::charge(8 * (1 + m.len())) {
                return serde_json::Value::Null;
            }
            serde_json::Value::Object(
                m.iter()
                    .map(|(k, x)| (k.to_string(), to_json_depth(x, depth + 1)))
                    .collect(),
            )
        }
        Value::Entry(e) => {
            let mut o = serde_json::Map::new();
            o.insert(e.key().to_string(), to_json_depth(&e.value(), depth + 1));
            serde_json::Value::Object(o)
        }
        other => serde_json::Value::String(other.to_java_string()),
    }
}

/// JSON text of a value, as `$util.toJson` prints it.
///
/// ```
/// use appsync_vtl::{Value, value::to_json_string};
/// let v = Value::list(vec![Value::from(2.0), Value::from("a\"b"), Value::Null]);
/// assert_eq!(to_json_string(&v), r#"[2.0,"a\"b",null]"#);
/// ```
pub fn to_json_string(v: &Value) -> String {
    let mut out = String::with_capacity(128);
    write_json(v, &mut out, 0, None, MAX_PRINT_BYTES);
    out
}

/// The JSON text of `v` as [`to_json_string`] prints it, or `None` once it
/// grows past `max` bytes (printing stops there).
pub fn to_json_string_within(v: &Value, max: usize) -> Option<String> {
    let mut out = String::new();
    write_json(v, &mut out, 0, None, max);
    (out.len() <= max).then_some(out)
}

/// Indented JSON text (two spaces), for people.
pub fn to_json_string_pretty(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out, 0, Some(0), MAX_PRINT_BYTES);
    out
}

/// Appends the compact JSON text of `v` as [`to_json_string`] prints it when `v`
/// sits `depth` levels down (past [`MAX_DEPTH`] levels it prints `null`).
pub(crate) fn write_json_at(v: &Value, out: &mut String, depth: usize) {
    write_json(v, out, depth, None, MAX_PRINT_BYTES);
}

fn newline(out: &mut String, indent: Option<usize>) {
    if let Some(n) = indent {
        out.push('\n');
        for _ in 0..n {
            out.push_str("  ");
        }
    }
}

fn write_json(v: &Value, out: &mut String, depth: usize, indent: Option<usize>, cap: usize) {
    if depth > MAX_DEPTH {
        out.push_str("null");
        return;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            out.push_str(itoa::Buffer::new().format(*i));
        }
        Value::BigInt(b) => super::number::write_big(b, out),
        Value::Decimal(_) => v.write_java(out, depth),
        Value::Float(f) => {
            if f.is_finite() {
                super::number::write_double(*f, out)
            } else {
                out.push('"');
                super::number::write_double(*f, out);
                out.push('"');
            }
        }
        Value::Str(s) => write_json_str(s, out),
        Value::List(l) => {
            let l = l.borrow();
            if !budget::charge(1 + l.len()) {
                out.push_str("null");
                return;
            }
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if out.len() > cap {
                    break;
                }
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent.map(|n| n + 1));
                write_json(x, out, depth + 1, indent.map(|n| n + 1), cap);
            }
            if !l.is_empty() {
                newline(out, indent);
            }
            out.push(']');
        }
        Value::Map(m) => {
            let m = m.borrow();
            if !budget::charge(1 + m.len()) {
                out.push_str("null");
                return;
            }
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if out.len() > cap {
                    break;
                }
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent.map(|n| n + 1));
                write_json_str(k, out);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_json(x, out, depth + 1, indent.map(|n| n + 1), cap);
            }
            if !m.is_empty() {
                newline(out, indent);
            }
            out.push('}');
        }
        Value::Entry(e) => {
            out.push('{');
            write_json_str(e.key(), out);
            out.push(':');
            write_json(&e.value(), out, depth + 1, indent, cap);
            out.push('}');
        }
        other => write_json_str(&other.to_java_string(), out),
    }
}

/// Appends a JSON string literal (Jackson's escaping).
pub(crate) fn write_json_str(s: &str, out: &mut String) {
    out.push('"');
    // Most strings need no escaping: copy them in one go.
    let plain = plain_run(s.as_bytes(), 0);
    if plain == s.len() {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, b) in s.bytes().enumerate().skip(plain) {
        let esc: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x08 => Some("\\b"),
            0x0c => Some("\\f"),
            0..=0x1f => None,
            _ => continue,
        };
        out.push_str(&s[start..i]);
        match esc {
            Some(e) => out.push_str(e),
            None => out.push_str(&format!("\\u{:04X}", b)),
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `parse_json` builds what the tree and `from_json` build, and the fast
    /// reader, when it reads the text, what `serde_json` reads.
    fn agree(text: &str) {
        let mut builder = Builder::default();
        if let Some(fast) = Scan::new(text, &mut builder).document() {
            let slow = serde_parse(text, &mut Builder::default());
            assert_eq!(
                slow.as_ref().map(to_json_string).ok(),
                Some(to_json_string(&fast)),
                "{text}"
            );
            assert_eq!(
                slow.as_ref().map(|v| v.type_name()).ok(),
                Some(fast.type_name()),
                "{text}"
            );
        }
        let tree: Result<serde_json::Value, _> = serde_json::from_str(text);
        match (tree, parse_json(text)) {
            (Ok(tree), Ok(v)) => {
                assert_eq!(
                    to_json_string(&from_json(&tree)),
                    to_json_string(&v),
                    "{text}"
                )
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{text}"),
            (a, b) => panic!(
                "{text}: tree {a:?}, parse_json {:?}",
                b.map(|v| to_json_string(&v))
            ),
        }
    }

    /// Keys the thread's previous documents left known are shared, never
    /// doubled: a repeated key still replaces the first one's value.
    #[test]
    fn keys_known_from_earlier_documents() {
        let docs = [
            r#"{"a": 1, "b": {"c": 2}}"#,
            r#"{"b": 1, "a": 2, "a": 3}"#,
            r#"[{"c": 1, "a": 2}, {"a": 3, "c": 4, "c": 5}]"#,
            r#"{"x": {"a": 1}, "a": {"x": 2, "a": 3, "x": 4}}"#,
        ];
        for _ in 0..2 {
            for doc in docs {
                agree(doc);
            }
        }
        let many: String = (0..40).map(|i| format!(r#""k{i}": {i},"#)).collect();
        agree(&format!(r#"{{{many} "a": 1, "a": 2}}"#));
        for doc in docs {
            agree(doc);
        }
    }

    #[test]
    fn corners() {
        for text in [
            r#"{"a": 1, "b": {"a": 2}, "a": 3}"#,
            r#"[{"k": "x", "j": 1}, {"j": 2, "k": "y"}, {"k": "z"}]"#,
            r#""\u00e9\ud83d\ude00\n\"\\""#,
            "18446744073709551615",
            "-9223372036854775808",
            "1e400",
            "[1.0, -0.0, 2.5e-3, 123456789012345678901234567890]",
            "{\"a\": }",
            "[1,]",
            "{} x",
            &"[".repeat(200),
            "\"\u{1}\"",
            "-0",
            "[-0, 0, -0.0, 01, 1.5]",
            "[-0.5e-3, 1E+2, 2e, -, 1., 999999999999999999, 9999999999999999999]",
            "[12345678901234567890123]",
            "{\"a\\\"b\": \"x\\ny\", \"a\\\"b\": 1}",
            "{\"a\": tru}",
            "[true, false, null, nul]",
            " \t\r\n{ \"k\" : [ ] , \"j\" : { } } \n",
            "{\"k\" 1}",
            "{1: 2}",
            "\"é\u{1F600}\"",
            r#"["\ud83d", "\ude00", "\ud83dx", "\ud83d\u0041", "\u00E9\u00e9", "\/\b\f\r\t", "\x", "\u12"]"#,
            r#"["\ud83d\ude00", "a\"b", "tab\there"]"#,
            r#"{"k\u0041": 1, "kA": 2}"#,
            "[1e400, -1e400]",
            "[1e-400, 0.1, 2.5E+3, 1E2, -0.0, 0e0, 123456789.123456789e-5]",
            &format!(
                "{}{}",
                "[".repeat(SCAN_DEPTH + 1),
                "]".repeat(SCAN_DEPTH + 1)
            ),
        ] {
            agree(text);
        }
        let many: Vec<String> = (0..100).map(|i| format!("\"k{i}\": {i}")).collect();
        agree(&format!("{{{}}}", many.join(", ")));
    }

    proptest! {
        #[test]
        fn numbers_read_as_serde_json_reads_them(
            n in "-?(0|[1-9][0-9]{0,24})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,4})?"
        ) {
            agree(&n);
            agree(&format!("[{n}, {{\"k\": {n}}}]"));
        }

        #[test]
        fn escapes_read_as_serde_json_reads_them(
            body in "([a-zé]|\\\\u[dD][89a-fA-F][0-9a-fA-F]{2}|\\\\u00[0-9a-fA-F]{2}|\\\\[\"\\\\/bfnrtx])*"
        ) {
            agree(&format!("\"{body}\""));
            agree(&format!("{{\"{body}\": 1}}"));
        }

        #[test]
        fn plain_run_stops_where_a_byte_loop_stops(bytes in prop::collection::vec(any::<u8>(), 0..40), from in 0usize..40) {
            let expected = (from..bytes.len())
                .find(|&i| matches!(bytes[i], b'"' | b'\\' | 0..=0x1f))
                .unwrap_or(bytes.len().max(from));
            prop_assert_eq!(plain_run(&bytes, from), expected);
        }
    }

    /// The benchmark contexts are read by the fast reader, not handed to `serde_json`.
    #[test]
    fn contexts_take_the_fast_path() {
        for name in ["auth", "putitem", "filter"] {
            let path = format!(
                "{}/benches/templates/{name}.context.json",
                env!("CARGO_MANIFEST_DIR")
            );
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                Scan::new(&text, &mut Builder::default())
                    .document()
                    .is_some(),
                "{path}"
            );
            agree(&text);
        }
        // Escapes and doubles too; a lone surrogate is left to `serde_json`.
        let read = |text: &str| {
            Scan::new(text, &mut Builder::default())
                .document()
                .is_some()
        };
        assert!(read(r#"{"a\"b": ["x\n\u00e9\ud83d\ude00", 1.5, -2e-3]}"#));
        assert!(!read(r#"["\ud83d"]"#));
    }

    fn json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(serde_json::Value::from),
            "[a-c\\\\\"é\n]{0,4}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
                prop::collection::vec(("[a-d]{1,2}", inner), 0..6).prop_map(|entries| {
                    serde_json::Value::Object(entries.into_iter().collect())
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn parse_json_builds_what_from_json_builds(v in json(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&v).unwrap_or_default()
            } else {
                v.to_string()
            };
            agree(&text);
        }
    }
}
