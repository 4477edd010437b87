//! Pretty-printing JSON text as it is: `vtl render --output text` indents the
//! rendered JSON without converting it to values and back, so numbers
//! (`12345678901234567890123`, `-0`, `1.50`), escapes and duplicate keys stay
//! exactly as the template wrote them.

/// `text` indented as `serde_json::to_string_pretty` indents (two spaces,
/// `"key": value`, `{}` and `[]` for empty ones), when it is one JSON value;
/// `None` when it is not JSON.
pub(crate) fn reindent(text: &str) -> Option<String> {
    serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut depth = 0usize;
    let rest = text.trim();
    let mut chars = rest.char_indices();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                // A string, copied as written (escapes included).
                out.push('"');
                let mut escaped = false;
                for (_, c) in chars.by_ref() {
                    out.push(c);
                    match (escaped, c) {
                        (true, _) => escaped = false,
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => {
                let close = if c == '{' { '}' } else { ']' };
                let next = rest[i + 1..].trim_start().chars().next();
                if next == Some(close) {
                    out.push(c);
                    out.push(close);
                    // Skip the whitespace and the closing bracket.
                    for (_, d) in chars.by_ref() {
                        if d == close {
                            break;
                        }
                    }
                } else {
                    out.push(c);
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::reindent;

    #[test]
    fn numbers_keys_and_escapes_stay_as_written() {
        let text = r#"{"n": 12345678901234567890123, "m": -0, "a": 1, "a": 2, "f": 1.50, "e": 1E3, "s": "\u00e9 \" [x] {y}", "l": [ ], "o": {}, "d": [1, {"k": [true, null]}]}"#;
        assert_eq!(
            reindent(text).unwrap(),
            r#"{
  "n": 12345678901234567890123,
  "m": -0,
  "a": 1,
  "a": 2,
  "f": 1.50,
  "e": 1E3,
  "s": "\u00e9 \" [x] {y}",
  "l": [],
  "o": {},
  "d": [
    1,
    {
      "k": [
        true,
        null
      ]
    }
  ]
}"#
        );
    }

    #[test]
    fn same_layout_as_serde_json_for_ordinary_json() {
        let text = r#" {"a":[1,2,{"b":"c\\"}],"e":{},"f":[],"g":{"h":null}} "#;
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            reindent(text).unwrap(),
            serde_json::to_string_pretty(&v).unwrap()
        );
        assert_eq!(reindent("  7 ").unwrap(), "7");
        assert_eq!(reindent(r#""x""#).unwrap(), r#""x""#);
    }

    #[test]
    fn not_json() {
        assert_eq!(reindent("{\"a\": 1,}"), None);
        assert_eq!(reindent("hello"), None);
        assert_eq!(reindent(""), None);
    }
}
