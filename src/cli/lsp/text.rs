//! An open document's text, edited in place by incremental changes, and the
//! conversion between the protocol's positions (line, character in UTF-16 or
//! UTF-8 code units) and byte offsets.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// How the client counts characters in a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Utf8,
    Utf16,
}

/// A document's text with where each line starts.
#[derive(Debug, Clone)]
pub(crate) struct Text {
    text: String,
    line_starts: Vec<usize>,
}

impl Text {
    pub(crate) fn new(text: String) -> Text {
        let line_starts = line_starts(&text);
        Text { text, line_starts }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// The byte offset of `pos` (clamped into the text, onto a character).
    pub(crate) fn offset(&self, pos: Position, enc: Encoding) -> usize {
        let Some(&start) = self.line_starts.get(pos.line as usize) else {
            return self.text.len();
        };
        let end = self
            .line_starts
            .get(pos.line as usize + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line = &self.text[start..end];
        let want = pos.character as usize;
        let mut units = 0usize;
        for (i, c) in line.char_indices() {
            if units >= want || c == '\n' || c == '\r' {
                return start + i;
            }
            units += match enc {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
        }
        end
    }

    /// The position of byte `offset` (clamped).
    pub(crate) fn position(&self, offset: usize, enc: Encoding) -> Position {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(l) => l,
            Err(l) => l - 1,
        };
        let start = self.line_starts[line];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let character: usize = match enc {
            Encoding::Utf8 => end - start,
            Encoding::Utf16 => self.text[start..end].chars().map(char::len_utf16).sum(),
        };
        Position::new(line as u32, character as u32)
    }

    pub(crate) fn range(&self, start: usize, end: usize, enc: Encoding) -> Range {
        Range::new(self.position(start, enc), self.position(end, enc))
    }

    /// Applies one change (a range replaced, or the whole text).
    pub(crate) fn apply(&mut self, change: TextDocumentContentChangeEvent, enc: Encoding) {
        match change.range {
            None => self.text = change.text,
            Some(range) => {
                let start = self.offset(range.start, enc);
                let end = self.offset(range.end, enc).max(start);
                self.text.replace_range(start..end, &change.text);
            }
        }
        self.line_starts = line_starts(&self.text);
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip() {
        let t = Text::new("a😀b\n\u{e9}x\n".to_string());
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            for (offset, _) in t.as_str().char_indices() {
                assert_eq!(t.offset(t.position(offset, enc), enc), offset);
            }
        }
        assert_eq!(t.position(5, Encoding::Utf16), Position::new(0, 3));
        assert_eq!(
            t.offset(Position::new(9, 9), Encoding::Utf16),
            t.as_str().len()
        );
        // A position inside a surrogate pair moves on to the next character.
        assert_eq!(t.offset(Position::new(0, 2), Encoding::Utf16), 5);
    }

    #[test]
    fn incremental_edits() {
        let mut t = Text::new("#set($a = 1)\n$a\n".to_string());
        t.apply(
            TextDocumentContentChangeEvent {
                range: Some(Range::new(Position::new(1, 1), Position::new(1, 2))),
                range_length: None,
                text: "bc".into(),
            },
            Encoding::Utf16,
        );
        assert_eq!(t.as_str(), "#set($a = 1)\n$bc\n");
    }
}
