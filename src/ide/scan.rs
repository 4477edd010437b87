//! Reading references out of the text around a cursor, for completion and
//! hover, which must work while the template is half typed and does not parse.

/// A character of a VTL identifier (`$a-b` is one name in Velocity).
pub(crate) fn ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// A reference chain as written up to a point: `$ctx.identity.cl` is root
/// `ctx`, segments `["identity"]` and the partial name `cl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Chain {
    /// The variable, without `$`, `!` or `{`.
    pub(crate) root: String,
    /// The names between the root and the partial one (calls' arguments dropped).
    pub(crate) segments: Vec<String>,
    /// Where the `$` is.
    pub(crate) start: usize,
}

/// The chain that ends just before `end` (the start of the partial name the
/// cursor is in), if the text there is `$root(.name|.name(…))*.`.
pub(crate) fn chain_before(text: &str, end: usize) -> Option<Chain> {
    let b = text.as_bytes();
    let mut i = end;
    let mut names: Vec<String> = Vec::new();
    loop {
        // Expect a dot before the name that follows.
        if i == 0 || b[i - 1] != b'.' {
            return None;
        }
        i -= 1;
        // Skip a call's arguments: `name(…)`.
        if i > 0 && b[i - 1] == b')' {
            let mut depth = 0usize;
            loop {
                if i == 0 {
                    return None;
                }
                i -= 1;
                match b[i] {
                    b')' => depth += 1,
                    b'(' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    b'\n' => return None,
                    _ => {}
                }
            }
        }
        let name_end = i;
        while i > 0 && ident_char(b[i - 1]) {
            i -= 1;
        }
        if i == name_end {
            return None;
        }
        names.push(text[i..name_end].to_string());
        // The root: `$name`, `$!name`, `${name`, `$!{name`.
        let mut j = i;
        if j > 0 && b[j - 1] == b'{' {
            j -= 1;
        }
        if j > 0 && b[j - 1] == b'!' {
            j -= 1;
        }
        if j > 0 && b[j - 1] == b'$' {
            names.reverse();
            let root = names.remove(0);
            return Some(Chain {
                root,
                segments: names,
                start: j - 1,
            });
        }
    }
}

/// The identifier characters around `offset`: (start, end).
pub(crate) fn word_at(text: &str, offset: usize) -> (usize, usize) {
    let b = text.as_bytes();
    let offset = offset.min(b.len());
    let mut start = offset;
    while start > 0 && ident_char(b[start - 1]) {
        start -= 1;
    }
    let mut end = offset;
    while end < b.len() && ident_char(b[end]) {
        end += 1;
    }
    (start, end)
}

/// What the word at `start..end` is: the root of a reference (`$name`), a
/// name in a chain, or a directive / macro name after `#`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WordRole {
    /// `$name`: the variable.
    Root,
    /// `.name` in a chain.
    Member(Chain),
    /// `#name`.
    Directive,
    /// Anything else.
    Other,
}

pub(crate) fn role(text: &str, start: usize) -> WordRole {
    let b = text.as_bytes();
    let mut j = start;
    if j > 0 && b[j - 1] == b'{' {
        j -= 1;
    }
    if j > 0 && b[j - 1] == b'!' {
        j -= 1;
    }
    if j > 0 && b[j - 1] == b'$' {
        return WordRole::Root;
    }
    // `#name`, `#{name}`, `#@name` (a block macro call).
    let after_hash = start > 1 && b[start - 2] == b'#';
    if start > 0 && (b[start - 1] == b'#' || (matches!(b[start - 1], b'{' | b'@') && after_hash)) {
        return WordRole::Directive;
    }
    match chain_before(text, start) {
        Some(chain) => WordRole::Member(chain),
        None => WordRole::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains() {
        let t = "x $ctx.identity.cl";
        let c = chain_before(t, t.len() - 2).unwrap();
        assert_eq!(
            (c.root.as_str(), c.segments.clone(), c.start),
            ("ctx", vec!["identity".to_string()], 2)
        );
        let t = "$!{util.time}.";
        assert_eq!(chain_before(t, t.len()), None);
        let t = "$m.get(\"a.b\").";
        let c = chain_before(t, t.len()).unwrap();
        assert_eq!(
            (c.root.as_str(), c.segments),
            ("m", vec!["get".to_string()])
        );
        assert_eq!(chain_before("a.b", 2), None);
        assert_eq!(role("#if", 1), WordRole::Directive);
        assert_eq!(role("$!{x}", 3), WordRole::Root);
        assert_eq!(role("#@m()", 2), WordRole::Directive);
    }
}
