//! Java regular expressions on an engine that cannot blow up (the `regex` crate
//! runs in linear time). Backreferences and look-around, which need
//! backtracking, are refused with a clear message.

use std::cell::RefCell;

use regex::Regex;
use rustc_hash::FxHashMap;

/// Biggest compiled program accepted, in bytes.
const SIZE_LIMIT: usize = 1 << 20;

thread_local! {
    static CACHE: RefCell<FxHashMap<String, Regex>> = RefCell::new(FxHashMap::default());
}

/// Compiles a Java pattern (cached per thread).
pub(crate) fn compile(java: &str) -> Result<Regex, String> {
    if let Some(re) = CACHE.with(|c| c.borrow().get(java).cloned()) {
        return Ok(re);
    }
    for (needle, what) in [
        ("(?=", "look-ahead `(?=`"),
        ("(?!", "negative look-ahead `(?!`"),
        ("(?<=", "look-behind `(?<=`"),
        ("(?<!", "negative look-behind `(?<!`"),
        ("(?>", "atomic group `(?>`"),
        ("*+", "possessive quantifier `*+`"),
        ("++", "possessive quantifier `++`"),
        ("?+", "possessive quantifier `?+`"),
    ] {
        if java.contains(needle) {
            return Err(format!(
                "the pattern `{java}` uses {what}, which this engine refuses (it needs backtracking)"
            ));
        }
    }
    let translated = translate(java)?;
    let re = regex::RegexBuilder::new(&translated)
        .size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| format!("invalid regular expression `{java}`: {e}"))?;
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 256 {
            c.clear();
        }
        c.insert(java.to_string(), re.clone());
    });
    Ok(re)
}

/// A pattern that must match the whole string (Java's `String.matches`).
pub(crate) fn full_match(java: &str) -> Result<Regex, String> {
    compile(&format!("^(?:{java})$"))
}

/// Rewrites the few Java spellings the `regex` crate reads differently.
fn translate(java: &str) -> Result<String, String> {
    let mut out = String::with_capacity(java.len());
    let mut chars = java.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(d) if d.is_ascii_digit() && d != '0' => {
                    return Err(format!(
                    "the pattern `{java}` uses a backreference `\\{d}`, which this engine refuses"
                ))
                }
                Some('Q') => {
                    // \Q...\E quotes literally.
                    let mut lit = String::new();
                    while let Some(x) = chars.next() {
                        if x == '\\' && chars.peek() == Some(&'E') {
                            chars.next();
                            break;
                        }
                        lit.push(x);
                    }
                    out.push_str(&regex::escape(&lit));
                }
                Some('Z') => out.push_str(r"\z"),
                Some('h') => out.push_str(r"[ \t\xA0\u1680\u180e\u2000-\u200a\u202f\u205f\u3000]"),
                Some(d) => {
                    out.push('\\');
                    out.push(d);
                }
                None => return Err(format!("the pattern `{java}` ends with a lone backslash")),
            }
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// Rewrites a Java replacement string (`$1`, `\$`) for the `regex` crate.
pub(crate) fn replacement(java: &str) -> String {
    let mut out = String::with_capacity(java.len());
    let mut chars = java.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('$') => out.push_str("$$"),
                Some(x) => out.push(x),
                None => {}
            },
            '$' => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                if digits.is_empty() {
                    if chars.peek() == Some(&'{') {
                        out.push('$');
                    } else {
                        out.push_str("$$");
                    }
                } else {
                    out.push_str(&format!("${{{digits}}}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Java's `String.split(regex, limit)`.
pub(crate) fn split(s: &str, java: &str, limit: i64) -> Result<Vec<String>, String> {
    let re = compile(java)?;
    let mut parts: Vec<String> = Vec::new();
    let mut last = 0;
    for m in re.find_iter(s) {
        if limit > 0 && parts.len() as i64 >= limit - 1 {
            break;
        }
        // A zero-width match at the start yields no leading empty string.
        if m.end() == 0 {
            continue;
        }
        if m.start() == m.end() && m.start() >= s.len() {
            break;
        }
        parts.push(s[last..m.start()].to_string());
        last = m.end();
    }
    parts.push(s[last..].to_string());
    if limit == 0 {
        while parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
            parts.pop();
        }
        if parts.len() == 1 && parts[0].is_empty() && !s.is_empty() {
            parts.clear();
        }
    }
    Ok(parts)
}
