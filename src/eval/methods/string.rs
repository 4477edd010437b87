//! `java.lang.String` methods, and the UTF-16 indexes and hash they are
//! defined by.

use super::table::{
    call, hide, refuse, JavaClass, ARRAYS, CHAR, CONSTANTS, FUNCTIONS, LOCALE, REFLECTION, STREAMS,
    THREADS,
};
use super::{bad, format, ok, MethodResult, MAX_BUILT};
use crate::error::Error;
use crate::java::regex;
use crate::value::{format_double, Value};

/// Java's `String.hashCode`.
pub(super) fn java_hash(s: &str) -> i64 {
    let mut h: i32 = 0;
    for unit in s.encode_utf16() {
        h = h.wrapping_mul(31).wrapping_add(unit as i32);
    }
    h as i64
}

/// UTF-16 length.
fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Byte offset of a UTF-16 index (None when it splits a pair or is out of range).
fn byte_at(s: &str, index: i64) -> Option<usize> {
    if index < 0 {
        return None;
    }
    let mut units = 0i64;
    for (i, c) in s.char_indices() {
        if units == index {
            return Some(i);
        }
        units += c.len_utf16() as i64;
        if units > index {
            return None;
        }
    }
    (units == index).then_some(s.len())
}

/// The receiver's text (rows of [`STRING`] are only called on strings).
fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// A `String` argument: Java throws `NullPointerException` for null.
fn s_at<'a>(m: &str, args: &'a [Value], i: usize) -> Result<&'a str, Error> {
    match args.get(i) {
        Some(Value::Str(s)) => Ok(s),
        _ => Err(bad(m, "NullPointerException: the argument is null")),
    }
}

/// An `int`/`long` argument (the table has matched it already).
fn n_at(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n)) => *n,
        _ => 0,
    }
}

fn out_of_range(m: &str, message: String) -> Error {
    bad(m, format!("StringIndexOutOfBoundsException: {message}"))
}

/// The UTF-16 units of a string.
fn units(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// A string from UTF-16 units (a lone surrogate becomes U+FFFD).
fn from_units(u: &[u16]) -> String {
    String::from_utf16_lossy(u)
}

/// `substring(begin, end)` by UTF-16 indexes, with Java's exception.
fn substring(m: &str, s: &str, begin: i64, end: i64) -> MethodResult {
    let len = utf16_len(s) as i64;
    if begin < 0 || end > len || begin > end {
        return Err(out_of_range(
            m,
            format!("begin {begin}, end {end}, length {len}"),
        ));
    }
    match (byte_at(s, begin), byte_at(s, end)) {
        (Some(a), Some(b)) => ok(&s[a..b]),
        _ => ok(from_units(&units(s)[begin as usize..end as usize])),
    }
}

/// `indexOf(String, from)` by UTF-16 indexes.
fn index_of(s: &str, needle: &[u16], from: i64) -> i64 {
    let hay = units(s);
    let from = from.max(0) as usize;
    if from > hay.len() {
        return if needle.is_empty() {
            hay.len() as i64
        } else {
            -1
        };
    }
    (from..=hay.len().saturating_sub(needle.len()))
        .find(|&i| i + needle.len() <= hay.len() && hay[i..i + needle.len()] == *needle)
        .map(|i| i as i64)
        .unwrap_or(-1)
}

/// `lastIndexOf(String, from)` by UTF-16 indexes.
fn last_index_of(s: &str, needle: &[u16], from: i64) -> i64 {
    let hay = units(s);
    if from < 0 || needle.len() > hay.len() {
        return -1;
    }
    let start = (from as usize).min(hay.len() - needle.len());
    (0..=start)
        .rev()
        .find(|&i| hay[i..i + needle.len()] == *needle)
        .map(|i| i as i64)
        .unwrap_or(-1)
}

/// The UTF-16 units of a code point (`indexOf(int ch)`); none for an invalid one.
fn code_point_units(cp: i64) -> Vec<u16> {
    match u32::try_from(cp).ok().and_then(char::from_u32) {
        Some(c) => {
            let mut buf = [0u16; 2];
            c.encode_utf16(&mut buf).to_vec()
        }
        None if (0xD800..=0xDFFF).contains(&cp) => vec![cp as u16],
        None => Vec::new(),
    }
}

/// Java's `compareTo`: the first differing UTF-16 unit, else the length difference.
fn compare_units(a: &[u16], b: &[u16]) -> i64 {
    a.iter()
        .zip(b.iter())
        .find(|(x, y)| x != y)
        .map(|(x, y)| *x as i64 - *y as i64)
        .unwrap_or(a.len() as i64 - b.len() as i64)
}

/// `Character.toUpperCase` then `toLowerCase` of a unit, as
/// `compareToIgnoreCase` and `regionMatches(true, …)` fold.
fn fold_unit(u: u16) -> u16 {
    let fold = |c: char| {
        let up = c
            .to_uppercase()
            .next()
            .filter(|_| c.to_uppercase().count() == 1)
            .unwrap_or(c);
        up.to_lowercase()
            .next()
            .filter(|_| up.to_lowercase().count() == 1)
            .unwrap_or(up)
    };
    char::from_u32(u as u32)
        .map(fold)
        .and_then(|c| u16::try_from(c as u32).ok())
        .unwrap_or(u)
}

/// `regionMatches(ignoreCase, toffset, other, ooffset, len)`.
fn region_matches(s: &str, ignore_case: bool, to: i64, other: &str, oo: i64, len: i64) -> bool {
    let (a, b) = (units(s), units(other));
    if to < 0 || oo < 0 || to + len > a.len() as i64 || oo + len > b.len() as i64 {
        return false;
    }
    if len <= 0 {
        return true;
    }
    let (a, b) = (
        &a[to as usize..(to + len) as usize],
        &b[oo as usize..(oo + len) as usize],
    );
    a.iter()
        .zip(b)
        .all(|(x, y)| x == y || (ignore_case && fold_unit(*x) == fold_unit(*y)))
}

/// Java's `String.indent(n)`.
fn indent(s: &str, n: i64) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    for line in java_lines(s) {
        if n > 0 {
            out.push_str(&" ".repeat(n as usize));
            out.push_str(line);
        } else {
            let strip = line
                .char_indices()
                .take_while(|(i, c)| c.is_whitespace() && (*i as i64) < -n)
                .count();
            out.push_str(
                &line[line
                    .char_indices()
                    .nth(strip)
                    .map_or(line.len(), |(i, _)| i)..],
            );
        }
        out.push('\n');
    }
    out
}

/// The lines of a string as `String.lines()` splits them (`\n`, `\r`, `\r\n`).
fn java_lines(s: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        match rest.find(['\n', '\r']) {
            Some(i) => {
                lines.push(&rest[..i]);
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[i + skip..];
            }
            None => {
                lines.push(rest);
                break;
            }
        }
    }
    lines
}

/// Java's `String.stripIndent()`.
fn strip_indent(s: &str) -> String {
    let lines = java_lines(s);
    let last_blank = s.ends_with(['\n', '\r']);
    let significant = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| !l.trim().is_empty() || (*i == lines.len() - 1 && !last_blank))
        .map(|(_, l)| l.chars().take_while(|c| c.is_whitespace()).count());
    let min = if last_blank {
        0
    } else {
        significant.min().unwrap_or(0)
    };
    let mut out: Vec<String> = lines
        .iter()
        .map(|l| {
            let stripped: String = l.chars().skip(min).collect();
            stripped.trim_end().to_string()
        })
        .collect();
    if last_blank {
        out.push(String::new());
    }
    out.join("\n")
}

/// Java's `String.translateEscapes()`.
fn translate_escapes(m: &str, s: &str) -> MethodResult {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            return Err(bad(
                m,
                "IllegalArgumentException: Invalid escape sequence: \\",
            ));
        };
        out.push(match e {
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            's' => ' ',
            't' => '\t',
            '\'' | '"' | '\\' => e,
            '\n' => continue,
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                continue;
            }
            '0'..='7' => {
                let mut code = e.to_digit(8).unwrap_or(0);
                let limit = if e <= '3' { 2 } else { 1 };
                for _ in 0..limit {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            code = code * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                char::from_u32(code).unwrap_or('\u{FFFD}')
            }
            other => {
                return Err(bad(
                    m,
                    format!(
                        "IllegalArgumentException: Invalid escape sequence: \\{other} \\\\u{:04X}",
                        other as u32
                    ),
                ))
            }
        });
    }
    ok(out)
}

/// `String.valueOf(x)` and `toString()` of anything.
fn value_of(_: &Value, a: &[Value]) -> MethodResult {
    ok(a[0].to_java_string())
}

/// `String.join(delimiter, elements…)`.
fn join(_: &Value, a: &[Value]) -> MethodResult {
    let m = "join";
    let sep = s_at(m, a, 0)?;
    let parts: Vec<String> = match a.get(1) {
        Some(Value::List(l)) if a.len() == 2 => {
            l.borrow().iter().map(Value::to_java_string).collect()
        }
        _ => a[1..].iter().map(Value::to_java_string).collect(),
    };
    ok(parts.join(sep))
}

/// Every public method of `java.lang.String` (OpenJDK 17).
pub(super) static STRING: JavaClass = JavaClass {
    name: "String",
    methods: &[
        call("CharSequence subSequence(int, int)", |r, a| {
            substring("subSequence", text(r), n_at(a, 0), n_at(a, 1))
        }),
        hide("Class getClass()", REFLECTION),
        refuse("Object transform(java.util.function.Function)", FUNCTIONS),
        call("String concat(String)", |r, a| {
            ok(format!("{}{}", text(r), s_at("concat", a, 0)?))
        }),
        call("String formatted(Object[])", |r, a| {
            ok(format::format("formatted", text(r), a)?)
        }),
        call("String indent(int)", |r, a| {
            let (s, n) = (text(r), n_at(a, 0));
            let lines = java_lines(s).len();
            if n > 0 && (n as usize).saturating_mul(lines).saturating_add(s.len()) > MAX_BUILT {
                return Err(bad(
                    "indent",
                    format!("{n} spaces on {lines} lines make a string past the 5 MB string limit"),
                ));
            }
            ok(indent(s, n))
        }),
        call("String intern()", |r, _| ok(r.clone())),
        call("String repeat(int)", |r, a| {
            let (s, n) = (text(r), n_at(a, 0));
            if n < 0 {
                return Err(bad(
                    "repeat",
                    format!("IllegalArgumentException: count is negative: {n}"),
                ));
            }
            if (n as usize).saturating_mul(s.len()) > MAX_BUILT {
                return Err(bad(
                    "repeat",
                    format!("count {n} makes a string past the 5 MB string limit"),
                ));
            }
            ok(s.repeat(n as usize))
        }),
        call("String replace(CharSequence, CharSequence)", |r, a| {
            let (s, from, to) = (text(r), s_at("replace", a, 0)?, s_at("replace", a, 1)?);
            if from.is_empty() {
                // Java inserts the replacement between every character.
                let mut out = String::from(to);
                for c in s.chars() {
                    out.push(c);
                    out.push_str(to);
                }
                return ok(out);
            }
            ok(s.replace(from, to))
        }),
        refuse("String replace(char, char)", CHAR),
        call("String replaceAll(String, String)", |r, a| {
            let (p, rep) = (s_at("replaceAll", a, 0)?, s_at("replaceAll", a, 1)?);
            ok(regex::replace(text(r), p, rep, true).map_err(|e| bad("replaceAll", e))?)
        }),
        call("String replaceFirst(String, String)", |r, a| {
            let (p, rep) = (s_at("replaceFirst", a, 0)?, s_at("replaceFirst", a, 1)?);
            ok(regex::replace(text(r), p, rep, false).map_err(|e| bad("replaceFirst", e))?)
        }),
        refuse(
            "String resolveConstantDesc(java.lang.invoke.MethodHandles$Lookup)",
            CONSTANTS,
        ),
        call("String strip()", |r, _| ok(text(r).trim())),
        call("String stripIndent()", |r, _| ok(strip_indent(text(r)))),
        call("String stripLeading()", |r, _| ok(text(r).trim_start())),
        call("String stripTrailing()", |r, _| ok(text(r).trim_end())),
        call("String substring(int)", |r, a| {
            let s = text(r);
            substring("substring", s, n_at(a, 0), utf16_len(s) as i64)
        }),
        call("String substring(int, int)", |r, a| {
            substring("substring", text(r), n_at(a, 0), n_at(a, 1))
        }),
        call("String toLowerCase()", |r, _| ok(text(r).to_lowercase())),
        refuse("String toLowerCase(java.util.Locale)", LOCALE),
        call("String toString()", |r, _| ok(r.clone())),
        call("String toUpperCase()", |r, _| ok(text(r).to_uppercase())),
        refuse("String toUpperCase(java.util.Locale)", LOCALE),
        call("String translateEscapes()", |r, _| {
            translate_escapes("translateEscapes", text(r))
        }),
        call("String trim()", |r, _| {
            ok(text(r).trim_matches(|c: char| c <= ' '))
        }),
        call("String[] split(String)", |r, a| {
            let parts =
                regex::split(text(r), s_at("split", a, 0)?, 0).map_err(|e| bad("split", e))?;
            ok(Value::list(parts.into_iter().map(Value::from).collect()))
        }),
        call("String[] split(String, int)", |r, a| {
            let parts = regex::split(text(r), s_at("split", a, 0)?, n_at(a, 1))
                .map_err(|e| bad("split", e))?;
            ok(Value::list(parts.into_iter().map(Value::from).collect()))
        }),
        call("boolean contains(CharSequence)", |r, a| {
            ok(text(r).contains(s_at("contains", a, 0)?))
        }),
        call("boolean contentEquals(CharSequence)", |r, a| {
            ok(text(r) == s_at("contentEquals", a, 0)?)
        }),
        refuse(
            "boolean contentEquals(StringBuffer)",
            "takes a StringBuffer, which a template cannot make",
        ),
        call("boolean endsWith(String)", |r, a| {
            ok(text(r).ends_with(s_at("endsWith", a, 0)?))
        }),
        call("boolean equals(Object)", |r, a| {
            ok(matches!(&a[0], Value::Str(o) if **o == *text(r)))
        }),
        call("boolean equalsIgnoreCase(String)", |r, a| {
            ok(match &a[0] {
                Value::Str(o) => {
                    let (x, y) = (units(text(r)), units(o));
                    x.len() == y.len() && region_matches(text(r), true, 0, o, 0, x.len() as i64)
                }
                _ => false,
            })
        }),
        call("boolean isBlank()", |r, _| {
            ok(text(r).chars().all(char::is_whitespace))
        }),
        call("boolean isEmpty()", |r, _| ok(text(r).is_empty())),
        call("boolean matches(String)", |r, a| {
            ok(regex::matches(s_at("matches", a, 0)?, text(r)).map_err(|e| bad("matches", e))?)
        }),
        call(
            "boolean regionMatches(boolean, int, String, int, int)",
            |r, a| {
                let ignore = matches!(a[0], Value::Bool(true));
                let other = s_at("regionMatches", a, 2)?;
                ok(region_matches(
                    text(r),
                    ignore,
                    n_at(a, 1),
                    other,
                    n_at(a, 3),
                    n_at(a, 4),
                ))
            },
        ),
        call("boolean regionMatches(int, String, int, int)", |r, a| {
            let other = s_at("regionMatches", a, 1)?;
            ok(region_matches(
                text(r),
                false,
                n_at(a, 0),
                other,
                n_at(a, 2),
                n_at(a, 3),
            ))
        }),
        call("boolean startsWith(String)", |r, a| {
            ok(text(r).starts_with(s_at("startsWith", a, 0)?))
        }),
        call("boolean startsWith(String, int)", |r, a| {
            let (s, p, from) = (text(r), s_at("startsWith", a, 0)?, n_at(a, 1));
            ok(region_matches(s, false, from, p, 0, utf16_len(p) as i64))
        }),
        call("byte[] getBytes()", |r, _| ok(r.clone())),
        refuse(
            "byte[] getBytes(String)",
            "returns the bytes in a named charset; a template has no byte arrays",
        ),
        refuse("byte[] getBytes(java.nio.charset.Charset)", LOCALE),
        call("char charAt(int)", |r, a| {
            let (s, i) = (text(r), n_at(a, 0));
            match usize::try_from(i)
                .ok()
                .and_then(|i| units(s).get(i).copied())
            {
                Some(u) => ok(from_char_unit(s, i, u)),
                None => Err(out_of_range(
                    "charAt",
                    format!("String index out of range: {i}"),
                )),
            }
        }),
        refuse("char[] toCharArray()", ARRAYS),
        call("int codePointAt(int)", |r, a| {
            let (s, i) = (text(r), n_at(a, 0));
            let u = units(s);
            match usize::try_from(i).ok().filter(|&i| i < u.len()) {
                Some(i) => ok(code_point_at(&u, i)),
                None => Err(out_of_range(
                    "codePointAt",
                    format!("index {i}, length {}", u.len()),
                )),
            }
        }),
        call("int codePointBefore(int)", |r, a| {
            let (s, i) = (text(r), n_at(a, 0));
            let u = units(s);
            match usize::try_from(i).ok().filter(|&i| i >= 1 && i <= u.len()) {
                Some(i) => {
                    let low = u[i - 1];
                    if (0xDC00..0xE000).contains(&low)
                        && i >= 2
                        && (0xD800..0xDC00).contains(&u[i - 2])
                    {
                        ok(code_point_at(&u, i - 2))
                    } else {
                        ok(low as i64)
                    }
                }
                None => Err(out_of_range(
                    "codePointBefore",
                    format!("String index out of range: {i}"),
                )),
            }
        }),
        call("int codePointCount(int, int)", |r, a| {
            let u = units(text(r));
            let (b, e) = (n_at(a, 0), n_at(a, 1));
            if b < 0 || e > u.len() as i64 || b > e {
                return Err(bad("codePointCount", "IndexOutOfBoundsException"));
            }
            ok(char::decode_utf16(u[b as usize..e as usize].iter().copied()).count())
        }),
        call("int compareTo(String)", |r, a| {
            ok(compare_units(
                &units(text(r)),
                &units(s_at("compareTo", a, 0)?),
            ))
        }),
        call("int compareToIgnoreCase(String)", |r, a| {
            let fold = |s: &str| units(s).into_iter().map(fold_unit).collect::<Vec<_>>();
            ok(compare_units(
                &fold(text(r)),
                &fold(s_at("compareToIgnoreCase", a, 0)?),
            ))
        }),
        call("int hashCode()", |r, _| ok(java_hash(text(r)))),
        call("int indexOf(String)", |r, a| {
            ok(index_of(text(r), &units(s_at("indexOf", a, 0)?), 0))
        }),
        call("int indexOf(String, int)", |r, a| {
            ok(index_of(
                text(r),
                &units(s_at("indexOf", a, 0)?),
                n_at(a, 1),
            ))
        }),
        call("int indexOf(int)", |r, a| {
            ok(char_index(text(r), n_at(a, 0), 0))
        }),
        call("int indexOf(int, int)", |r, a| {
            ok(char_index(text(r), n_at(a, 0), n_at(a, 1)))
        }),
        call("int lastIndexOf(String)", |r, a| {
            ok(last_index_of(
                text(r),
                &units(s_at("lastIndexOf", a, 0)?),
                i64::from(i32::MAX),
            ))
        }),
        call("int lastIndexOf(String, int)", |r, a| {
            ok(last_index_of(
                text(r),
                &units(s_at("lastIndexOf", a, 0)?),
                n_at(a, 1),
            ))
        }),
        call("int lastIndexOf(int)", |r, a| {
            let needle = code_point_units(n_at(a, 0));
            ok(if needle.is_empty() {
                -1
            } else {
                last_index_of(text(r), &needle, i64::from(i32::MAX))
            })
        }),
        call("int lastIndexOf(int, int)", |r, a| {
            let needle = code_point_units(n_at(a, 0));
            ok(if needle.is_empty() {
                -1
            } else {
                last_index_of(text(r), &needle, n_at(a, 1))
            })
        }),
        call("int length()", |r, _| ok(utf16_len(text(r)))),
        call("int offsetByCodePoints(int, int)", |r, a| {
            let u = units(text(r));
            let (mut i, n) = (n_at(a, 0), n_at(a, 1));
            if i < 0 || i > u.len() as i64 {
                return Err(bad("offsetByCodePoints", "IndexOutOfBoundsException"));
            }
            let is_high = |x: u16| (0xD800..0xDC00).contains(&x);
            let is_low = |x: u16| (0xDC00..0xE000).contains(&x);
            for _ in 0..n.max(0) {
                if i >= u.len() as i64 {
                    return Err(bad("offsetByCodePoints", "IndexOutOfBoundsException"));
                }
                i += if is_high(u[i as usize]) && u.get(i as usize + 1).is_some_and(|x| is_low(*x))
                {
                    2
                } else {
                    1
                };
            }
            for _ in 0..(-n).max(0) {
                if i <= 0 {
                    return Err(bad("offsetByCodePoints", "IndexOutOfBoundsException"));
                }
                i -= if i >= 2 && is_low(u[i as usize - 1]) && is_high(u[i as usize - 2]) {
                    2
                } else {
                    1
                };
            }
            ok(i)
        }),
        refuse("java.util.Optional describeConstable()", CONSTANTS),
        refuse("java.util.stream.IntStream chars()", STREAMS),
        refuse("java.util.stream.IntStream codePoints()", STREAMS),
        refuse("java.util.stream.Stream lines()", STREAMS),
        refuse("static String copyValueOf(char[])", ARRAYS),
        refuse("static String copyValueOf(char[], int, int)", ARRAYS),
        call("static String format(String, Object[])", |_, a| {
            ok(format::format("format", s_at("format", a, 0)?, &a[1..])?)
        }),
        refuse(
            "static String format(java.util.Locale, String, Object[])",
            LOCALE,
        ),
        call("static String join(CharSequence, CharSequence[])", join),
        call("static String join(CharSequence, Iterable)", join),
        call("static String valueOf(Object)", value_of),
        call("static String valueOf(boolean)", value_of),
        refuse("static String valueOf(char)", CHAR),
        refuse("static String valueOf(char[])", ARRAYS),
        refuse("static String valueOf(char[], int, int)", ARRAYS),
        call("static String valueOf(double)", |_, a| {
            ok(format_double(a[0].as_f64().unwrap_or(0.0)))
        }),
        call("static String valueOf(float)", |_, a| {
            ok(format_double(a[0].as_f64().unwrap_or(0.0) as f32 as f64))
        }),
        call("static String valueOf(int)", value_of),
        call("static String valueOf(long)", value_of),
        refuse("void getBytes(int, int, byte[], int)", ARRAYS),
        refuse("void getChars(int, int, char[], int)", ARRAYS),
        hide("void notify()", THREADS),
        hide("void notifyAll()", THREADS),
        hide("void wait()", THREADS),
        hide("void wait(long)", THREADS),
        hide("void wait(long, int)", THREADS),
    ],
};

/// The code point at a UTF-16 index (a pair counts as one).
fn code_point_at(u: &[u16], i: usize) -> i64 {
    char::decode_utf16(u[i..].iter().copied())
        .next()
        .map(|c| match c {
            Ok(c) => c as i64,
            Err(e) => e.unpaired_surrogate() as i64,
        })
        .unwrap_or(0)
}

/// `charAt`: the character as a string (half a pair is U+FFFD).
fn from_char_unit(s: &str, i: i64, u: u16) -> String {
    match byte_at(s, i).and_then(|b| s[b..].chars().next()) {
        Some(c) if c.len_utf16() == 1 => c.to_string(),
        _ => from_units(&[u]),
    }
}

/// `indexOf(int ch, int from)`.
fn char_index(s: &str, cp: i64, from: i64) -> i64 {
    let needle = code_point_units(cp);
    if needle.is_empty() {
        return -1;
    }
    index_of(s, &needle, from)
}
