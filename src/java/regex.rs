//! Java regular expressions (`java.util.regex`, as OpenJDK 17 reads and runs
//! them) for `$util.matches`, `String.matches`, `replaceAll`, `replaceFirst` and
//! `split`.
//!
//! A pattern is read by a port of Java's own parser ([`pattern`]) and written
//! out for `fancy-regex`, which runs a pattern that needs no backtracking on the
//! linear-time `regex-automata` and the rest (look-around, back-references,
//! atomic groups, possessive quantifiers) on a backtracking machine. That
//! machine gives up after [`BACKTRACK_LIMIT`] steps of one search, so a
//! catastrophic pattern ends with an error instead of hanging the render.
//! Matching, replacement and splitting follow `Matcher.find`,
//! `Matcher.appendReplacement` and `Pattern.split` step by step.

mod pattern;
mod props;
mod tables;

use std::cell::RefCell;
use std::rc::Rc;

use fancy_regex::{Regex, RegexBuilder, RegexInput};
use rustc_hash::FxHashMap;

use pattern::{translate, PatternError};

/// Biggest compiled linear-time program accepted, in bytes.
const SIZE_LIMIT: usize = 1 << 20;

/// Backtracking steps one search may take before it is abandoned.
pub(crate) const BACKTRACK_LIMIT: usize = 1_000_000;

/// Most instructions of a backtracking program.
const MAX_PROG_SIZE: usize = 1 << 18;

/// Longest string `replaceAll` may build (the render's own string limit then
/// applies to what it returns).
const MAX_REPLACED_BYTES: usize = 64 << 20;

/// Longest time one `replaceAll`, `replaceFirst` or `split` may search: each
/// search has the backtracking budget, but a call may search once per
/// character.
const CALL_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Patterns kept per thread and kind.
const CACHE_SIZE: usize = 256;

/// A compiled Java pattern.
pub(crate) struct Compiled {
    exact: Engine,
    /// For ASCII text, when that makes a `\b` linear.
    ascii: Option<Engine>,
    /// Capturing groups (`groupCount()`).
    groups: usize,
    names: Vec<(String, usize)>,
    /// Uses `\G`, which needs to know where the previous match ended.
    last_match: bool,
    java: String,
}

/// One compiled form of the pattern.
struct Engine {
    re: Regex,
    /// Java's group `n` is group `n + offset` of `re`.
    offset: usize,
}

#[derive(Clone, Copy)]
enum Kind {
    Find,
    Full,
}

thread_local! {
    static FIND: RefCell<FxHashMap<String, Rc<Compiled>>> = RefCell::new(FxHashMap::default());
    static FULL: RefCell<FxHashMap<String, Rc<Compiled>>> = RefCell::new(FxHashMap::default());
}

fn cached(java: &str, kind: Kind) -> Result<Rc<Compiled>, String> {
    let cache = match kind {
        Kind::Find => &FIND,
        Kind::Full => &FULL,
    };
    if let Some(hit) = cache.with(|c| c.borrow().get(java).cloned()) {
        return Ok(hit);
    }
    let compiled = Rc::new(build(java, kind)?);
    cache.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_SIZE {
            c.clear();
        }
        c.insert(java.to_string(), compiled.clone());
    });
    Ok(compiled)
}

fn build(java: &str, kind: Kind) -> Result<Compiled, String> {
    let t = translate(java).map_err(|e| match e {
        PatternError::Syntax { description, index } => format!(
            "`{java}` is not a valid Java regular expression: {description} near index {index}"
        ),
        PatternError::Refused(what) => {
            format!("the pattern `{java}` uses {what}, which this engine does not support")
        }
    })?;
    let pick = |(find, full): (pattern::Variant, pattern::Variant)| match kind {
        Kind::Find => find,
        Kind::Full => full,
    };
    let exact = engine(java, pick((t.find, t.full)), t.last_match)?;
    let ascii = match t.ascii {
        Some(pair) => Some(engine(java, pick(pair), t.last_match)?),
        None => None,
    };
    Ok(Compiled {
        exact,
        ascii,
        groups: t.groups,
        names: t.names,
        last_match: t.last_match,
        java: java.to_string(),
    })
}

fn engine(java: &str, v: pattern::Variant, last_match: bool) -> Result<Engine, String> {
    let re = RegexBuilder::new(&v.text)
        .backtrack_limit(BACKTRACK_LIMIT)
        .delegate_size_limit(SIZE_LIMIT)
        .max_prog_size(MAX_PROG_SIZE)
        .allow_input_assertion_overrides(last_match)
        .build()
        .map_err(|e| {
            // The linear engine's size limit hides behind "error building NFA".
            let too_big = match &e {
                fancy_regex::Error::CompileError(ce) => matches!(
                    &**ce,
                    fancy_regex::CompileError::InnerError(inner) if inner.size_limit().is_some()
                ),
                _ => false,
            };
            if too_big {
                format!("the pattern `{java}` is too big to compile (over {SIZE_LIMIT} bytes)")
            } else {
                format!("the pattern `{java}` cannot be compiled: {e}")
            }
        })?;
    Ok(Engine {
        re,
        offset: v.offset,
    })
}

/// Checks a pattern without matching (`Pattern.compile`).
#[cfg(test)]
pub(crate) fn compile(java: &str) -> Result<(), String> {
    cached(java, Kind::Find).map(|_| ())
}

impl Compiled {
    /// The form to run on `input`.
    fn engine(&self, input: &str) -> &Engine {
        match &self.ascii {
            Some(ascii) if input.is_ascii() => ascii,
            _ => &self.exact,
        }
    }

    fn runtime(&self, e: fancy_regex::Error, input: &str) -> String {
        let chars = input.chars().count();
        match e {
            fancy_regex::Error::RuntimeError(fancy_regex::RuntimeError::BacktrackLimitExceeded) => {
                format!(
                    "the pattern `{}` exceeded the backtracking budget of {BACKTRACK_LIMIT} steps \
                     on a {chars}-character input (catastrophic backtracking)",
                    self.java
                )
            }
            e => format!(
                "the pattern `{}` failed on a {chars}-character input: {e}",
                self.java
            ),
        }
    }

    /// Java's `Matcher.find` loop: `each` gets every match in turn (the
    /// captures when `captures`), until it returns false.
    fn find_each(
        &self,
        text: &str,
        mut each: impl FnMut(Found<'_>) -> Result<bool, String>,
        captures: bool,
    ) -> Result<(), String> {
        let engine = self.engine(text);
        let started = std::time::Instant::now();
        let mut searches = 0usize;
        // `first`/`last` of the previous match; Java starts with -1 and 0.
        let mut first: Option<usize> = None;
        let mut last = 0usize;
        loop {
            let mut from = last;
            let after_empty = first == Some(last);
            if after_empty {
                // After an empty match the next search starts one character on.
                match text[from..].chars().next() {
                    Some(c) => from += c.len_utf8(),
                    None => return Ok(()),
                }
            }
            searches += 1;
            if searches > 1 && started.elapsed() > CALL_TIME_LIMIT {
                return Err(format!(
                    "the pattern `{}` searched a {}-character input {searches} times for more \
                     than {} s (catastrophic backtracking)",
                    self.java,
                    text.chars().count(),
                    CALL_TIME_LIMIT.as_secs()
                ));
            }
            let mut input = RegexInput::new(text).from_pos(from);
            if self.last_match {
                // `\G` holds where the previous match ended, which a search
                // that starts after an empty match never reaches.
                input = input.continue_from_previous_match_end(!after_empty);
            }
            let found = if captures || engine.offset > 0 {
                match engine.re.captures_input(input) {
                    Ok(Some(caps)) => {
                        let whole = caps
                            .get(engine.offset)
                            .map_or((from, from), |m| (m.start(), m.end()));
                        Some((whole, Some(caps)))
                    }
                    Ok(None) => None,
                    Err(e) => return Err(self.runtime(e, text)),
                }
            } else {
                match engine.re.find_input(input) {
                    Ok(Some(m)) => Some(((m.start(), m.end()), None)),
                    Ok(None) => None,
                    Err(e) => return Err(self.runtime(e, text)),
                }
            };
            let Some(((start, end), caps)) = found else {
                return Ok(());
            };
            first = Some(start);
            last = end;
            if !each(Found {
                start,
                end,
                caps,
                offset: engine.offset,
            })? {
                return Ok(());
            }
        }
    }
}

struct Found<'t> {
    start: usize,
    end: usize,
    caps: Option<fancy_regex::Captures<'t, str>>,
    offset: usize,
}

impl<'t> Found<'t> {
    /// Java's group `g` (when the search took the captures).
    fn group(&self, g: usize) -> Option<fancy_regex::Match<'t>> {
        self.caps
            .as_ref()
            .and_then(|caps| caps.get(g + self.offset))
    }
}

/// `String.matches` and `$util.matches`: the pattern matches the whole input.
pub(crate) fn matches(java: &str, input: &str) -> Result<bool, String> {
    let c = cached(java, Kind::Full)?;
    c.engine(input)
        .re
        .is_match(input)
        .map_err(|e| c.runtime(e, input))
}

/// A replacement string, read as `Matcher.appendReplacement` reads it.
enum Piece {
    Text(String),
    Group(usize),
}

fn parse_replacement(rep: &str, c: &Compiled) -> Result<Vec<Piece>, String> {
    let illegal = |what: String| format!("illegal replacement `{rep}`: {what}");
    let mut pieces = Vec::new();
    let mut text = String::new();
    let chars: Vec<char> = rep.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                i += 1;
                let Some(&next) = chars.get(i) else {
                    return Err(illegal("character to be escaped is missing".into()));
                };
                text.push(next);
                i += 1;
            }
            '$' => {
                i += 1;
                let Some(&next) = chars.get(i) else {
                    return Err(illegal(
                        "Illegal group reference: group index is missing".into(),
                    ));
                };
                let group = if next == '{' {
                    i += 1;
                    let begin = i;
                    while chars.get(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
                        i += 1;
                    }
                    if begin == i {
                        return Err(illegal("named capturing group has 0 length name".into()));
                    }
                    if chars.get(i) != Some(&'}') {
                        return Err(illegal(
                            "named capturing group is missing trailing '}'".into(),
                        ));
                    }
                    let name: String = chars[begin..i].iter().collect();
                    if name.starts_with(|c: char| c.is_ascii_digit()) {
                        return Err(illegal(format!(
                            "capturing group name {{{name}}} starts with digit character"
                        )));
                    }
                    let Some(&(_, number)) = c.names.iter().find(|(n, _)| *n == name) else {
                        return Err(illegal(format!("No group with name {{{name}}}")));
                    };
                    i += 1;
                    number
                } else {
                    // The first digit is always a group; more while one exists.
                    let Some(first) = next.to_digit(10) else {
                        return Err(illegal("Illegal group reference".into()));
                    };
                    let mut number = first as usize;
                    i += 1;
                    while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                        let longer = number * 10 + d as usize;
                        if c.groups < longer {
                            break;
                        }
                        number = longer;
                        i += 1;
                    }
                    if number > c.groups {
                        return Err(illegal(format!("No group {number}")));
                    }
                    number
                };
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Group(group));
            }
            other => {
                text.push(other);
                i += 1;
            }
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// `String.replaceAll` (`all`) and `replaceFirst`.
pub(crate) fn replace(input: &str, java: &str, rep: &str, all: bool) -> Result<String, String> {
    let c = cached(java, Kind::Find)?;
    // Java reads the replacement at the first match: without one, even an
    // illegal replacement returns the input.
    let pieces = parse_replacement(rep, &c);
    let mut matched = false;
    let mut out = String::new();
    let mut append = 0;
    c.find_each(
        input,
        |found| {
            let pieces = pieces.as_ref().map_err(Clone::clone)?;
            matched = true;
            out.push_str(&input[append..found.start]);
            for piece in pieces {
                match piece {
                    Piece::Text(t) => out.push_str(t),
                    Piece::Group(g) => {
                        if let Some(m) = found.group(*g) {
                            out.push_str(m.as_str());
                        }
                    }
                }
            }
            append = found.end;
            if out.len() > MAX_REPLACED_BYTES {
                return Err(format!(
                    "the result of replacing `{java}` grew past {MAX_REPLACED_BYTES} bytes"
                ));
            }
            Ok(all)
        },
        true,
    )?;
    if !matched {
        return Ok(input.to_string());
    }
    out.push_str(&input[append..]);
    Ok(out)
}

/// `String.split(regex, limit)`.
pub(crate) fn split(input: &str, java: &str, limit: i64) -> Result<Vec<String>, String> {
    if let Some(ch) = fast_split_char(java) {
        let mut parts: Vec<&str> = Vec::new();
        let mut off = 0;
        for (next, sep) in input.match_indices(ch) {
            if limit <= 0 || (parts.len() as i64) < limit - 1 {
                parts.push(&input[off..next]);
                off = next + sep.len();
            } else {
                parts.push(&input[off..]);
                off = input.len();
                break;
            }
        }
        if off == 0 {
            return Ok(vec![input.to_string()]);
        }
        if limit <= 0 || (parts.len() as i64) < limit {
            parts.push(&input[off..]);
        }
        return Ok(finish_split(parts, limit));
    }
    let c = cached(java, Kind::Find)?;
    let mut parts: Vec<&str> = Vec::new();
    let mut index = 0;
    let mut count: i64 = 0;
    c.find_each(
        input,
        |found| {
            if limit <= 0 || count < limit - 1 {
                // A zero-width match at the start gives no leading empty string.
                if index == 0 && found.start == 0 && found.end == 0 {
                    return Ok(true);
                }
                parts.push(&input[index..found.start]);
                index = found.end;
                count += 1;
                Ok(true)
            } else {
                // count == limit - 1: the rest is the last part.
                parts.push(&input[index..]);
                index = found.end;
                count += 1;
                Ok(false)
            }
        },
        false,
    )?;
    if index == 0 {
        return Ok(vec![input.to_string()]);
    }
    if limit <= 0 || count < limit {
        parts.push(&input[index..]);
    }
    Ok(finish_split(parts, limit))
}

fn finish_split(mut parts: Vec<&str>, limit: i64) -> Vec<String> {
    if limit == 0 {
        while parts.last().is_some_and(|p| p.is_empty()) {
            parts.pop();
        }
    }
    parts.into_iter().map(str::to_string).collect()
}

/// `String.split`'s fast path: one character that is not a metacharacter, or a
/// backslash and one character that is neither an ASCII letter nor a digit.
fn fast_split_char(java: &str) -> Option<char> {
    let mut it = java.chars();
    let ch = match (it.next(), it.next(), it.next()) {
        (Some(a), None, None) if !".$|()[{^?*+\\".contains(a) => a,
        (Some('\\'), Some(b), None) if !b.is_ascii_alphanumeric() => b,
        _ => return None,
    };
    Some(ch)
}

#[cfg(test)]
mod tests;
