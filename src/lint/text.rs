//! Lints that read the source text, so they also work on templates that do not
//! parse: size, `$$`, unbalanced parentheses on directive lines, `#` comments.

use super::{Finding, Fix};
use crate::eval::APPSYNC_TEMPLATE_BYTES;
use crate::source::{Source, Span};

/// A template over AppSync's 64 KB limit: AppSync refuses to save the resolver.
pub(super) fn template_too_large(src: &Source, out: &mut Vec<Finding>) {
    let len = src.text().len();
    if len <= APPSYNC_TEMPLATE_BYTES {
        return;
    }
    out.push(
        Finding::new(
            src.snap(Span::new(
                APPSYNC_TEMPLATE_BYTES,
                APPSYNC_TEMPLATE_BYTES + 1,
            )),
            format!(
                "the template is {} bytes; AppSync refuses mapping templates over 64 KB \
                 (65,536 bytes) and this byte is past the limit",
                len
            ),
        )
        .help("split the work across pipeline functions: each has its own 64 KB"),
    );
}

/// Directive keywords: `#word` followed by one of these is not a comment.
const DIRECTIVES: &[&str] = &[
    "set", "if", "elseif", "else", "end", "foreach", "break", "stop", "return", "macro", "define",
    "include", "parse", "evaluate", "literal",
];

/// The text with comments (`##`, `#* *#`) and `#[[ ]]#` blanked out (same byte
/// offsets; line breaks kept), so lints do not look inside them.
fn code(text: &str) -> Vec<u8> {
    let mut b = text.as_bytes().to_vec();
    let mut i = 0;
    let blank = |b: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut b[from..to] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    while i < b.len() {
        let rest = &text.as_bytes()[i..];
        let end = if rest.starts_with(b"##") {
            rest.iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |p| i + p)
        } else if rest.starts_with(b"#*") {
            find(rest, b"*#").map_or(b.len(), |p| i + p + 2)
        } else if rest.starts_with(b"#[[") {
            find(rest, b"]]#").map_or(b.len(), |p| i + p + 3)
        } else {
            i += 1;
            continue;
        };
        blank(&mut b, i, end);
        i = end;
    }
    b
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

/// `## vtl-ignore: a, b` comments: (the line they apply to, the lint names).
pub(super) fn ignore_comments(src: &Source) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for line in 1..=src.line_count() {
        let text = src.line_text(line);
        let Some(at) = text.find("## vtl-ignore:") else {
            continue;
        };
        let names = text[at + "## vtl-ignore:".len()..]
            .split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let alone = text[..at].trim().is_empty();
        out.push((if alone { line + 1 } else { line }, names));
    }
    out
}

/// `dollar-dollar`
pub(super) fn dollar_dollar(src: &Source, out: &mut Vec<Finding>) {
    let b = code(src.text());
    for i in 0..b.len().saturating_sub(2) {
        let next = b[i + 2];
        if b[i] == b'$'
            && b[i + 1] == b'$'
            && (i == 0 || b[i - 1] != b'$')
            && (ident_start(next) || next == b'{' || next == b'!')
        {
            let name: String = src.text()[i + 2..]
                .chars()
                .take_while(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '{' | '}' | '!')
                })
                .collect();
            out.push(
                Finding::new(
                    Span::new(i, i + 2),
                    "`$$` before a reference: one `$` too many",
                )
                .help(format!("write `${name}`"))
                .fix(Fix::replace(
                    "remove the extra `$`",
                    Span::new(i, i + 1),
                    "",
                )),
            );
        }
    }
}

/// `hash-comment`
pub(super) fn hash_comment(src: &Source, out: &mut Vec<Finding>) {
    let b = code(src.text());
    let mut start = 0;
    for line in b.split(|&c| c == b'\n') {
        let indent = line
            .iter()
            .take_while(|c| **c == b' ' || **c == b'\t')
            .count();
        let rest = &line[indent..];
        let at = start + indent;
        start += line.len() + 1;
        if rest.first() != Some(&b'#') {
            continue;
        }
        let after = &rest[1..];
        if matches!(after.first(), Some(b'#' | b'*' | b'[' | b'{' | b'@')) {
            continue;
        }
        let word_len = after
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        let word = std::str::from_utf8(&after[..word_len]).unwrap_or("");
        let called = after[word_len..]
            .iter()
            .find(|c| **c != b' ' && **c != b'\t')
            .is_some_and(|c| *c == b'(');
        if DIRECTIVES.contains(&word) || (word_len > 0 && called) {
            continue;
        }
        let end = at + rest.iter().position(|c| *c == b'\r').unwrap_or(rest.len());
        out.push(
            Finding::new(
                Span::new(at, end.max(at + 1)),
                "a line starting with `#` is not a comment in VTL: it is printed as text",
            )
            .help("use `##` for a line comment (or `#* … *#` for a block)"),
        );
    }
}

/// Directive heads that take parentheses.
const PAREN_DIRECTIVES: &[&str] = &["set", "if", "elseif", "foreach", "return"];

/// `unbalanced-parens`
pub(super) fn unbalanced_parens(src: &Source, out: &mut Vec<Finding>) {
    let b = code(src.text());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'#' || (i > 0 && b[i - 1] == b'\\') {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        let braced = b.get(j) == Some(&b'{');
        if braced {
            j += 1;
        }
        let word_len = b[j..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        let word = std::str::from_utf8(&b[j..j + word_len]).unwrap_or("");
        j += word_len;
        if braced {
            j += usize::from(b.get(j) == Some(&b'}'));
        }
        while matches!(b.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        if !PAREN_DIRECTIVES.contains(&word) || b.get(j) != Some(&b'(') {
            i += 1;
            continue;
        }
        let open = j;
        match close_of(&b, open) {
            None => {
                out.push(
                    Finding::new(
                        Span::new(open, open + 1),
                        format!("the `(` of `#{word}` is never closed"),
                    )
                    .help("add the missing `)`"),
                );
                return;
            }
            Some(close) => {
                // After the directive, on the same line: a `)` that closes nothing.
                let mut depth = 0usize;
                let mut k = close + 1;
                while k < b.len() && b[k] != b'\n' {
                    match b[k] {
                        b'(' => depth += 1,
                        b')' if depth > 0 => depth -= 1,
                        b')' => {
                            out.push(
                                Finding::new(
                                    Span::new(k, k + 1),
                                    format!("this `)` closes nothing: `#{word}` already ended"),
                                )
                                .note(Span::new(close, close + 1), format!("`#{word}(` is closed here"))
                                .help("remove it, or check the parentheses of the calls inside the directive"),
                            );
                            break;
                        }
                        b'#' | b'$' => break,
                        _ => {}
                    }
                    k += 1;
                }
                i = close + 1;
            }
        }
    }
}

/// The `)` that closes the `(` at `open`, skipping string literals.
fn close_of(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut k = open;
    while k < b.len() {
        match b[k] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            q @ (b'"' | b'\'') => {
                k += 1;
                while k < b.len() {
                    if b[k] == q {
                        if b.get(k + 1) == Some(&q) {
                            k += 1;
                        } else {
                            break;
                        }
                    }
                    k += 1;
                }
            }
            _ => {}
        }
        k += 1;
    }
    None
}
