//! Renders an [`Error`] as a rustc-style report with the source line and a caret.

use crate::error::Error;

/// The report text for an error; `color` adds ANSI colours.
pub fn render(error: &Error, color: bool) -> String {
    let (red, blue, bold, reset) = if color {
        ("\x1b[31;1m", "\x1b[34;1m", "\x1b[1m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    let mut out = format!("{red}error{reset}{bold}: {}{reset}\n", error.kind());
    let (Some(source), Some(span)) = (error.source_ref(), error.span()) else {
        return out;
    };
    let mut labels = vec![(span, String::new())];
    labels.extend(error.notes().iter().cloned());
    let at = source.line_col(span.start as usize);
    let width = labels
        .iter()
        .map(|(s, _)| source.line_col(s.start as usize).line.to_string().len())
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(width);
    out.push_str(&format!("{pad}{blue}-->{reset} {}:{at}\n", source.name()));
    out.push_str(&format!("{pad} {blue}|{reset}\n"));
    for (i, (label_span, note)) in labels.iter().enumerate() {
        let start = source.line_col(label_span.start as usize);
        let line = source.line_text(start.line);
        let end_col = if source.line_col(label_span.end as usize).line == start.line {
            source.line_col(label_span.end as usize).column
        } else {
            line.chars().count() + 1
        };
        let carets = end_col.saturating_sub(start.column).max(1);
        let lead: String = line
            .chars()
            .take(start.column - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        out.push_str(&format!("{blue}{:>width$} |{reset} {line}\n", start.line));
        let mark = if i == 0 { "^" } else { "-" };
        let note = if note.is_empty() {
            String::new()
        } else {
            format!(" {note}")
        };
        out.push_str(&format!(
            "{pad} {blue}|{reset} {lead}{red}{}{note}{reset}\n",
            mark.repeat(carets)
        ));
    }
    out
}
