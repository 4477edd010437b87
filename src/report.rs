//! Rustc-style snippets (a source line and a caret under a span) and the
//! colours of every text report; [`crate::Error::report`] is built on them.

use crate::source::{Source, Span};

/// ANSI colour codes, or empty strings when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    /// Errors and false conditions.
    pub red: &'static str,
    /// Warnings.
    pub yellow: &'static str,
    /// Passing and true conditions.
    pub green: &'static str,
    /// Locations and gutters.
    pub blue: &'static str,
    /// Less important text.
    pub dim: &'static str,
    /// Emphasis.
    pub bold: &'static str,
    /// Back to normal.
    pub reset: &'static str,
}

impl Palette {
    /// Colours when `color` is true, plain text otherwise.
    pub fn new(color: bool) -> Palette {
        if color {
            Palette {
                red: "\x1b[31;1m",
                yellow: "\x1b[33;1m",
                green: "\x1b[32m",
                blue: "\x1b[34;1m",
                dim: "\x1b[2m",
                bold: "\x1b[1m",
                reset: "\x1b[0m",
            }
        } else {
            Palette {
                red: "",
                yellow: "",
                green: "",
                blue: "",
                dim: "",
                bold: "",
                reset: "",
            }
        }
    }
}

/// Characters of a source line shown in a snippet; longer lines are cut around the mark.
const MAX_LINE: usize = 120;

/// The ` --> name:line:col` header and the annotated source lines: the first
/// label is marked `^^^` in `mark` colour, the others `---` with their note.
pub fn snippet(source: &Source, labels: &[(Span, String)], mark_color: &str, p: Palette) -> String {
    let Palette { blue, reset, .. } = p;
    let Some((span, _)) = labels.first() else {
        return String::new();
    };
    let at = source.line_col(span.start as usize);
    let width = labels
        .iter()
        .map(|(s, _)| source.line_col(s.start as usize).line.to_string().len())
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(width);
    let mut out = format!("{pad}{blue}-->{reset} {}:{at}\n", source.name());
    out.push_str(&format!("{pad} {blue}|{reset}\n"));
    for (i, (label_span, note)) in labels.iter().enumerate() {
        let start = source.line_col(label_span.start as usize);
        let line = source.line_text(start.line);
        let end_col = if source.line_col(label_span.end as usize).line == start.line {
            source.line_col(label_span.end as usize).column
        } else {
            line.chars().count() + 1
        };
        // A long line (a minified template) is shown as a window around the mark.
        let chars = line.chars().count();
        let (from, to) = if chars > MAX_LINE {
            // The mark may sit past the line's last character (at its end).
            let from = (start.column - 1)
                .saturating_sub(MAX_LINE / 3)
                .min(chars - MAX_LINE);
            (from, from + MAX_LINE)
        } else {
            (0, chars)
        };
        let shown: String = line.chars().skip(from).take(to - from).collect();
        let line = format!(
            "{}{shown}{}",
            if from > 0 { "…" } else { "" },
            if to < chars { "…" } else { "" }
        );
        let carets = end_col.min(to + 1).saturating_sub(start.column).max(1);
        let lead: String = (if from > 0 { " " } else { "" }).to_string()
            + &line
                .chars()
                .skip(usize::from(from > 0))
                .take((start.column - 1).saturating_sub(from))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect::<String>();
        if i == 0 || source.line_col(labels[i - 1].0.start as usize).line != start.line {
            out.push_str(&format!("{blue}{:>width$} |{reset} {line}\n", start.line));
        }
        let (mark, color) = if i == 0 {
            ("^", mark_color)
        } else {
            ("-", blue)
        };
        let note = if note.is_empty() {
            String::new()
        } else {
            format!(" {note}")
        };
        out.push_str(&format!(
            "{pad} {blue}|{reset} {lead}{color}{}{note}{reset}\n",
            mark.repeat(carets)
        ));
    }
    out
}
