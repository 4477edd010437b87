//! The character sets behind Java's classes: the predefined ones (`\w`, `\s`, `.`,
//! …), the POSIX and Unicode properties of `\p{…}`, blocks and scripts, and case
//! folding the way `java.util.regex` applies it. Sets are `regex-syntax` classes,
//! so union, intersection and complement are exact; the Unicode data is
//! `regex-syntax`'s (Unicode 16), Java 17's is Unicode 13.

use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, HirKind};

use super::tables::{BLOCKS, SCRIPTS};

/// A set of characters.
pub(super) type Set = ClassUnicode;

/// Code points `lo..=hi`, without the surrogates (a Rust string never holds one,
/// so a Java class of surrogates matches nothing here either).
pub(super) fn range(lo: u32, hi: u32) -> Set {
    let mut set = ClassUnicode::empty();
    let hi = hi.min(0x10FFFF);
    let mut push = |a: u32, b: u32| {
        if let (Some(a), Some(b)) = (char::from_u32(a), char::from_u32(b)) {
            if a <= b {
                set.push(ClassUnicodeRange::new(a, b));
            }
        }
    };
    if lo <= 0xD7FF {
        push(lo, hi.min(0xD7FF));
    }
    if hi >= 0xE000 {
        push(lo.max(0xE000), hi);
    }
    set
}

/// One code point.
pub(super) fn single(c: u32) -> Set {
    range(c, c)
}

/// Every character.
pub(super) fn all() -> Set {
    range(0, 0x10FFFF)
}

pub(super) fn union(mut a: Set, b: &Set) -> Set {
    a.union(b);
    a
}

pub(super) fn intersect(mut a: Set, b: &Set) -> Set {
    a.intersect(b);
    a
}

pub(super) fn negate(mut a: Set) -> Set {
    a.negate();
    a
}

/// A class written in `regex-syntax`'s syntax (only used with fixed texts below).
fn cls(expr: &str) -> Set {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(true)
        .build()
        .parse(expr);
    match hir.map(|h| h.into_kind()) {
        Ok(HirKind::Class(Class::Unicode(set))) => set,
        Ok(HirKind::Literal(lit)) => {
            let mut set = ClassUnicode::empty();
            for c in String::from_utf8_lossy(&lit.0).chars() {
                set.push(ClassUnicodeRange::new(c, c));
            }
            set
        }
        _ => {
            debug_assert!(false, "not a class: {expr}");
            ClassUnicode::empty()
        }
    }
}

// ---------------------------------------------------------------- predefined

/// `\d`: `[0-9]`, or `\p{Nd}` under `(?U)`.
pub(super) fn digit(unicode: bool) -> Set {
    if unicode {
        cls(r"\p{Nd}")
    } else {
        range(b'0'.into(), b'9'.into())
    }
}

/// `\w`: `[a-zA-Z_0-9]`, or Unicode's word characters under `(?U)`.
pub(super) fn word(unicode: bool) -> Set {
    if unicode {
        cls(r"[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\x{200C}\x{200D}]")
    } else {
        cls(r"[a-zA-Z_0-9]")
    }
}

/// `\s`: `[ \t\n\x0B\f\r]`, or `\p{White_Space}` under `(?U)`.
pub(super) fn space(unicode: bool) -> Set {
    if unicode {
        cls(r"[\p{Z}\t-\r\x{85}]")
    } else {
        cls(r"[ \t\n\x0B\x0C\r]")
    }
}

/// `\h`.
pub(super) fn horizontal_space() -> Set {
    cls(r"[ \t\xA0\x{1680}\x{180E}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}]")
}

/// `\v`.
pub(super) fn vertical_space() -> Set {
    cls(r"[\n\x0B\x0C\r\x{85}\x{2028}\x{2029}]")
}

/// `.`: anything but a line terminator (`\n` alone under `(?d)`), or anything under `(?s)`.
pub(super) fn dot(dotall: bool, unix_lines: bool) -> Set {
    if dotall {
        all()
    } else if unix_lines {
        negate(single(b'\n'.into()))
    } else {
        cls(r"[^\n\r\x{85}\x{2028}\x{2029}]")
    }
}

/// The characters `\b` sees as word characters. Java 17 counts letters and digits
/// of any script (`Character.isLetterOrDigit`) and `_`, and a non-spacing mark
/// after one of them; under `(?U)`, `\w`'s Unicode set.
pub(super) fn boundary_word(unicode: bool) -> Set {
    if unicode {
        word(true)
    } else {
        cls(r"[\p{L}\p{Nd}_\p{Mn}]")
    }
}

// ---------------------------------------------------------------- \p{...}

/// The POSIX classes in ASCII (`java.util.regex.ASCII`'s types).
fn ascii_ctype(name: &str) -> Option<Set> {
    Some(cls(match name {
        "Alnum" => r"[a-zA-Z0-9]",
        "Alpha" => r"[a-zA-Z]",
        "Blank" => r"[ \t]",
        "Cntrl" => r"[\x00-\x1F\x7F]",
        "Graph" => r"[!-~]",
        "Punct" => r"[!-/:-@\[-`{-~]",
        "Space" => r"[ \t\n\x0B\x0C\r]",
        "XDigit" => r"[0-9a-fA-F]",
        _ => return None,
    }))
}

/// `Character.isLowerCase`, `isUpperCase` or `isTitleCase`; any of the three
/// under case-insensitive matching (as `CharPredicates` does).
fn cased(which: &str, case_insensitive: bool) -> Set {
    if case_insensitive {
        return cls(r"[\p{Lowercase}\p{Uppercase}\p{Lt}]");
    }
    cls(match which {
        "lower" => r"\p{Lowercase}",
        "upper" => r"\p{Uppercase}",
        _ => r"\p{Lt}",
    })
}

/// `Character.isIdentifierIgnorable`.
const IGNORABLE: &str = r"\x00-\x08\x0E-\x1B\x7F-\x9F\p{Cf}";

/// `CharPredicates.forProperty`: categories, POSIX (ASCII) classes and the
/// `java*` methods of `Character`. Names are case-sensitive.
pub(super) fn for_property(name: &str, case_insensitive: bool) -> Option<Set> {
    let ci = case_insensitive;
    let set = match name {
        "Cn" | "Lm" | "Lo" | "Mn" | "Me" | "Mc" | "Nd" | "Nl" | "No" | "Zs" | "Zl" | "Zp"
        | "Cc" | "Cf" | "Co" | "Pd" | "Ps" | "Pe" | "Pc" | "Po" | "Sm" | "Sc" | "Sk" | "So"
        | "Pi" | "Pf" | "L" | "M" | "N" | "Z" | "P" | "S" => cls(&format!(r"\p{{{name}}}")),
        // Surrogates never occur in a Rust string.
        "Cs" => ClassUnicode::empty(),
        "C" => cls(r"[\p{Cc}\p{Cf}\p{Co}\p{Cn}]"),
        "Lu" | "Ll" | "Lt" if ci => cls(r"[\p{Lu}\p{Ll}\p{Lt}]"),
        "Lu" | "Ll" | "Lt" => cls(&format!(r"\p{{{name}}}")),
        "LC" => cls(r"[\p{Lu}\p{Ll}\p{Lt}]"),
        "LD" => cls(r"[\p{L}\p{Nd}]"),
        "L1" => range(0, 0xFF),
        "all" => all(),
        "ASCII" => range(0, 0x7F),
        "Digit" => range(b'0'.into(), b'9'.into()),
        "Print" => range(0x20, 0x7E),
        "Lower" if ci => cls(r"[a-zA-Z]"),
        "Lower" => cls(r"[a-z]"),
        "Upper" if ci => cls(r"[a-zA-Z]"),
        "Upper" => cls(r"[A-Z]"),
        "javaLowerCase" => cased("lower", ci),
        "javaUpperCase" => cased("upper", ci),
        "javaTitleCase" => cased("title", ci),
        "javaAlphabetic" => cls(r"\p{Alphabetic}"),
        "javaIdeographic" => cls(r"\p{Ideographic}"),
        "javaDigit" => cls(r"\p{Nd}"),
        "javaDefined" => negate(cls(r"\p{Cn}")),
        "javaLetter" => cls(r"\p{L}"),
        "javaLetterOrDigit" => cls(r"[\p{L}\p{Nd}]"),
        "javaJavaIdentifierStart" => cls(r"[\p{L}\p{Nl}\p{Sc}\p{Pc}]"),
        "javaJavaIdentifierPart" => cls(&format!(
            r"[\p{{L}}\p{{Sc}}\p{{Pc}}\p{{Nd}}\p{{Nl}}\p{{Mc}}\p{{Mn}}{IGNORABLE}]"
        )),
        "javaUnicodeIdentifierStart" => cls(r"[\p{L}\p{Nl}\p{Other_ID_Start}]"),
        "javaUnicodeIdentifierPart" => cls(&format!(
            r"[\p{{L}}\p{{Pc}}\p{{Nd}}\p{{Nl}}\p{{Mc}}\p{{Mn}}\p{{Other_ID_Start}}\p{{Other_ID_Continue}}{IGNORABLE}]"
        )),
        "javaIdentifierIgnorable" => cls(&format!("[{IGNORABLE}]")),
        "javaSpaceChar" => cls(r"\p{Z}"),
        "javaWhitespace" => cls(r"[[\p{Z}--[\xA0\x{2007}\x{202F}]]\t-\r\x1C-\x1F]"),
        "javaISOControl" => cls(r"[\x00-\x1F\x7F-\x9F]"),
        "javaMirrored" => cls(r"\p{Bidi_Mirrored}"),
        _ => return ascii_ctype(name),
    };
    Some(set)
}

/// The Unicode meaning of the POSIX names (`\p{IsAlpha}`, and `\p{Alpha}` under
/// `(?U)`); `name` is upper case.
fn posix_unicode(name: &str, case_insensitive: bool) -> Option<Set> {
    Some(match name {
        "ALPHA" => cls(r"\p{Alphabetic}"),
        "LOWER" => cased("lower", case_insensitive),
        "UPPER" => cased("upper", case_insensitive),
        "SPACE" => space(true),
        "PUNCT" => cls(r"\p{P}"),
        "XDIGIT" => hex_digit(),
        "ALNUM" => cls(r"[\p{Alphabetic}\p{Nd}]"),
        "CNTRL" => cls(r"\p{Cc}"),
        "DIGIT" => cls(r"\p{Nd}"),
        "BLANK" => cls(r"[\p{Zs}\t]"),
        "GRAPH" => graph(),
        "PRINT" => intersect(union(graph(), &cls(r"[\p{Zs}\t]")), &negate(cls(r"\p{Cc}"))),
        _ => return None,
    })
}

fn hex_digit() -> Set {
    cls(r"[\p{Nd}0-9A-Fa-f\x{FF10}-\x{FF19}\x{FF21}-\x{FF26}\x{FF41}-\x{FF46}]")
}

fn graph() -> Set {
    cls(r"[^\p{Z}\p{Cc}\p{Cn}]")
}

/// `\p{Alpha}` and the other POSIX names under `(?U)` (`CharPredicates.forPOSIXName`).
pub(super) fn for_posix_name(name: &str, case_insensitive: bool) -> Option<Set> {
    posix_unicode(&name.to_ascii_uppercase(), case_insensitive)
}

/// `\p{IsXxx}` binary properties (`CharPredicates.forUnicodeProperty`), then the
/// POSIX names in their Unicode meaning. Case-insensitive names.
pub(super) fn for_unicode_property(name: &str, case_insensitive: bool) -> Option<Set> {
    let upper = name.to_uppercase();
    let set = match upper.as_str() {
        "ALPHABETIC" => cls(r"\p{Alphabetic}"),
        "ASSIGNED" => negate(cls(r"\p{Cn}")),
        "CONTROL" => cls(r"\p{Cc}"),
        "HEXDIGIT" | "HEX_DIGIT" => hex_digit(),
        "IDEOGRAPHIC" => cls(r"\p{Ideographic}"),
        "JOINCONTROL" | "JOIN_CONTROL" => cls(r"[\x{200C}\x{200D}]"),
        "LETTER" => cls(r"\p{L}"),
        "LOWERCASE" => cased("lower", case_insensitive),
        "NONCHARACTERCODEPOINT" | "NONCHARACTER_CODE_POINT" => cls(r"\p{Noncharacter_Code_Point}"),
        "TITLECASE" => cased("title", case_insensitive),
        "PUNCTUATION" => cls(r"\p{P}"),
        "UPPERCASE" => cased("upper", case_insensitive),
        "WHITESPACE" | "WHITE_SPACE" => space(true),
        "WORD" => word(true),
        _ => return posix_unicode(&upper, case_insensitive),
    };
    Some(set)
}

/// `\p{IsGreek}`, `\p{sc=Grek}`: `Character.UnicodeScript.forName` (the constant
/// or the ISO 15924 alias, in any case).
pub(super) fn for_script(name: &str) -> Option<Set> {
    let upper = name.to_uppercase();
    let (constant, _) = SCRIPTS
        .iter()
        .find(|(constant, alias)| *constant == upper || *alias == upper)?;
    if *constant == "UNKNOWN" {
        // Not a script regex-syntax names: whatever no other script holds.
        let mut known = ClassUnicode::empty();
        for (other, _) in SCRIPTS.iter().filter(|(c, _)| *c != "UNKNOWN") {
            known.union(&cls(&format!(r"\p{{Script={other}}}")));
        }
        return Some(negate(known));
    }
    Some(cls(&format!(r"\p{{Script={constant}}}")))
}

/// `\p{InGreek}`, `\p{blk=Greek}`: `Character.UnicodeBlock.forName`.
pub(super) fn for_block(name: &str) -> Option<Set> {
    let upper = name.to_uppercase();
    let (lo, hi, _, _) = BLOCKS.iter().find(|(_, _, constant, names)| {
        *constant == upper
            || names
                .iter()
                .any(|n| *n == upper || n.replace(' ', "") == upper)
    })?;
    Some(range(*lo, *hi))
}

// ---------------------------------------------------------------- case folding

/// Adds the other ASCII case of every ASCII letter (Java's `CASE_INSENSITIVE`
/// without `UNICODE_CASE`: other letters match only themselves).
pub(super) fn ascii_fold(set: Set) -> Set {
    let mut letters = intersect(set.clone(), &cls(r"[a-zA-Z]"));
    let swapped: Vec<ClassUnicodeRange> = letters
        .ranges()
        .iter()
        .map(|r| {
            let flip = |c: char| {
                let b = c as u8;
                char::from(if b.is_ascii_lowercase() {
                    b - 32
                } else {
                    b + 32
                })
            };
            ClassUnicodeRange::new(flip(r.start()), flip(r.end()))
        })
        .collect();
    letters = ClassUnicode::new(swapped);
    union(set, &letters)
}

/// `Character.toUpperCase(int)` (the one-character mapping; a character whose
/// upper case is longer maps to itself, as in Java).
fn upper(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// `Character.toLowerCase(int)`.
fn lower(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Characters related to `set` by simple case folding, without `set` itself.
fn fold_candidates(set: &Set) -> Vec<char> {
    let mut folded = set.clone();
    folded.case_fold_simple();
    let mut extra = folded;
    extra.difference(set);
    extra
        .ranges()
        .iter()
        .flat_map(|r| r.start()..=r.end())
        .collect()
}

/// A literal under `CASE_INSENSITIVE | UNICODE_CASE` (Java's `SingleU`): the
/// characters whose `toLowerCase(toUpperCase(c))` is the literal's.
pub(super) fn unicode_fold_char(c: u32) -> Set {
    let Some(ch) = char::from_u32(c) else {
        return ClassUnicode::empty();
    };
    let up = upper(ch);
    let key = lower(up);
    let mut set = single(c);
    if up == key {
        return set;
    }
    let mut orbit = union(single(up as u32), &single(key as u32));
    orbit.union(&set);
    orbit.case_fold_simple();
    for x in orbit.ranges().iter().flat_map(|r| r.start()..=r.end()) {
        if lower(upper(x)) == key {
            set.union(&single(x as u32));
        }
    }
    set
}

/// A range under `CASE_INSENSITIVE | UNICODE_CASE` (Java's `CIRangeU`): a
/// character matches when it, its upper case or the lower case of that is in
/// the range.
pub(super) fn unicode_fold_range(lo: u32, hi: u32) -> Set {
    let mut set = range(lo, hi);
    let inside = |c: char| (lo..=hi).contains(&(c as u32));
    for x in fold_candidates(&set) {
        let up = upper(x);
        if inside(up) || inside(lower(up)) {
            set.union(&single(x as u32));
        }
    }
    set
}

/// A Latin-1 character added to a class under `CASE_INSENSITIVE | UNICODE_CASE`
/// (Java's `BitClass.add`): itself, its lower and its upper case.
pub(super) fn unicode_fold_latin1(c: u32) -> Set {
    let mut set = single(c);
    if let Some(ch) = char::from_u32(c) {
        set.union(&single(lower(ch) as u32));
        set.union(&single(upper(ch) as u32));
    }
    set
}
