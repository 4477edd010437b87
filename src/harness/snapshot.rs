//! Snapshot files in insta's format (a YAML header between `---` lines, then
//! the content), so `cargo insta review` can read them, and a workflow that
//! never loses data:
//!
//! * a match passes;
//! * a missing or different snapshot writes `<name>.snap.new` and fails;
//! * with `accept`, the result is written to `<name>.snap` (a pending
//!   `.snap.new` with the same content is renamed into place), and every file
//!   written or removed is reported;
//! * a corrupt `.snap` is never overwritten: the test fails with the reason and
//!   the result goes to `.snap.new`;
//! * every write is atomic (a temporary file in the same folder, then a rename).
//!
//! ```
//! use appsync_vtl::harness::snapshot::{Snapshot, parse};
//! let text = Snapshot::new("template.vtl", "contexts/a.json", "{\n  \"output\": 1\n}").to_file_text();
//! assert!(text.starts_with("---\nsource: vtl test\n"));
//! assert_eq!(parse(&text).unwrap().contents, "{\n  \"output\": 1\n}");
//! assert!(parse("<<<<<<< HEAD\n").unwrap_err().contains("line 1"));
//! ```

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot: header fields and content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// Header fields in order (`source`, `expression`, `input_file`).
    pub metadata: Vec<(String, String)>,
    /// The content (pretty JSON of a report).
    pub contents: String,
}

impl Snapshot {
    /// A snapshot of `contents`, made from `template` run with `input_file`.
    pub fn new(template: &str, input_file: &str, contents: &str) -> Snapshot {
        let mut metadata = vec![
            ("source".to_string(), "vtl test".to_string()),
            ("expression".to_string(), template.to_string()),
        ];
        if !input_file.is_empty() {
            metadata.push(("input_file".to_string(), input_file.to_string()));
        }
        Snapshot {
            metadata,
            contents: contents.to_string(),
        }
    }

    /// The file text, as insta writes it.
    pub fn to_file_text(&self) -> String {
        let mut out = String::from("---\n");
        for (k, v) in &self.metadata {
            out.push_str(k);
            out.push_str(": ");
            out.push_str(&yaml_scalar(v));
            out.push('\n');
        }
        out.push_str("---\n");
        out.push_str(&self.contents);
        out.push('\n');
        out
    }

    /// Whether two contents are equal as insta compares them (trailing
    /// whitespace and CRLF ignored).
    pub fn same_contents(&self, contents: &str) -> bool {
        normalize(&self.contents) == normalize(contents)
    }
}

fn normalize(s: &str) -> String {
    s.trim_end().replace("\r\n", "\n")
}

/// A YAML scalar quoted the way insta's emitter quotes (JSON escapes are valid YAML).
fn yaml_scalar(s: &str) -> String {
    let special = |c: char| {
        matches!(
            c,
            ':' | '{' | '}' | '[' | ']' | ',' | '#' | '`' | '"' | '\'' | '\\' | '\t' | '\n' | '\r'
        ) || (c.is_control())
    };
    let needs = s.is_empty()
        || s.starts_with(' ')
        || s.ends_with(' ')
        || s.starts_with(['&', '*', '?', '|', '-', '<', '>', '=', '!', '%', '@', '.'])
        || s.contains(special)
        || matches!(
            s,
            "yes"
                | "Yes"
                | "YES"
                | "no"
                | "No"
                | "NO"
                | "true"
                | "True"
                | "TRUE"
                | "false"
                | "False"
                | "FALSE"
                | "on"
                | "On"
                | "ON"
                | "off"
                | "Off"
                | "OFF"
                | "null"
                | "Null"
                | "NULL"
                | "~"
        )
        || s.starts_with("0x")
        || s.parse::<f64>().is_ok();
    if needs {
        serde_json::to_string(s).unwrap_or_default()
    } else {
        s.to_string()
    }
}

fn unquote(v: &str) -> Result<String, String> {
    if v.starts_with('"') {
        serde_json::from_str(v).map_err(|_| format!("unreadable quoted value {v}"))
    } else if let Some(inner) = v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')) {
        Ok(inner.replace("''", "'"))
    } else {
        Ok(v.to_string())
    }
}

/// Parses a snapshot file's text; the error names the line.
pub fn parse(text: &str) -> Result<Snapshot, String> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err("line 1: expected `---` (the start of insta's header)".into());
    }
    let mut metadata = Vec::new();
    let mut consumed = first.len();
    let mut closed = false;
    for (i, line) in lines.by_ref().enumerate() {
        consumed += line.len();
        let l = line.trim_end();
        if l == "---" {
            closed = true;
            break;
        }
        let Some((k, v)) = l.split_once(':') else {
            return Err(format!(
                "line {}: expected `key: value` in the header, found {l:?}",
                i + 2
            ));
        };
        if k.is_empty() || k.starts_with([' ', '<', '=', '>']) {
            return Err(format!(
                "line {}: expected `key: value` in the header, found {l:?}",
                i + 2
            ));
        }
        metadata.push((
            k.to_string(),
            unquote(v.trim()).map_err(|e| format!("line {}: {e}", i + 2))?,
        ));
    }
    if !closed {
        return Err("the header is never closed with `---`".into());
    }
    let contents = text[consumed..].trim_end().replace("\r\n", "\n");
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&contents) {
        let header_lines = text[..consumed].lines().count();
        return Err(format!(
            "line {}: the content is not JSON: {}",
            header_lines + e.line(),
            e.to_string().split(" at line ").next().unwrap_or("")
        ));
    }
    Ok(Snapshot { metadata, contents })
}

/// What happened to a test's snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The snapshot matched.
    Matched,
    /// There was no snapshot; `written` is the `.snap.new` (or, accepted, the `.snap`).
    New {
        /// The file written.
        written: PathBuf,
        /// Whether it was accepted.
        accepted: bool,
    },
    /// The snapshot differed.
    Changed {
        /// A line diff, old → new.
        diff: String,
        /// The file written.
        written: PathBuf,
        /// Whether it was accepted.
        accepted: bool,
    },
    /// The snapshot file is not a snapshot; it is left alone.
    Corrupt {
        /// Why.
        reason: String,
        /// The `.snap.new` holding the result.
        written: PathBuf,
    },
}

impl Verdict {
    /// Whether the test passes on this snapshot.
    pub fn passed(&self) -> bool {
        match self {
            Verdict::Matched => true,
            Verdict::New { accepted, .. } | Verdict::Changed { accepted, .. } => *accepted,
            Verdict::Corrupt { .. } => false,
        }
    }
}

/// `x.snap` → `x.snap.new`.
pub fn pending_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".new");
    PathBuf::from(s)
}

/// Compares `snapshot` with the file at `path` and writes what the workflow says;
/// `notes` receives every file written or removed.
pub fn check(
    path: &Path,
    snapshot: &Snapshot,
    accept: bool,
    notes: &mut Vec<String>,
) -> std::io::Result<Verdict> {
    let pending = pending_path(path);
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => Some(parse(&text).map_err(|reason| (reason, text))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let text = snapshot.to_file_text();
    match existing {
        Some(Ok(old)) if old.same_contents(&snapshot.contents) => {
            if pending.exists() {
                if accept {
                    std::fs::remove_file(&pending)?;
                    notes.push(format!("removed stale {}", pending.display()));
                } else {
                    notes.push(format!(
                        "stale {} (the snapshot matches; --accept removes it)",
                        pending.display()
                    ));
                }
            }
            Ok(Verdict::Matched)
        }
        Some(Err((reason, _))) => {
            write_atomic(&pending, &text)?;
            Ok(Verdict::Corrupt {
                reason,
                written: pending,
            })
        }
        other => {
            let old = other.and_then(Result::ok);
            let written = if accept {
                promote_or_write(path, &pending, snapshot, &text, notes)?;
                path.to_path_buf()
            } else {
                write_atomic(&pending, &text)?;
                pending
            };
            Ok(match old {
                None => Verdict::New {
                    written,
                    accepted: accept,
                },
                Some(old) => Verdict::Changed {
                    diff: diff(&old.contents, &snapshot.contents),
                    written,
                    accepted: accept,
                },
            })
        }
    }
}

/// Accepts a result: renames a pending `.snap.new` with the same content into
/// place, else writes the `.snap` and removes the outdated `.snap.new`.
fn promote_or_write(
    path: &Path,
    pending: &Path,
    snapshot: &Snapshot,
    text: &str,
    notes: &mut Vec<String>,
) -> std::io::Result<()> {
    let verb = if path.exists() { "updated" } else { "wrote" };
    let pending_same = std::fs::read_to_string(pending)
        .ok()
        .and_then(|t| parse(&t).ok())
        .is_some_and(|p| p.same_contents(&snapshot.contents));
    if pending_same {
        std::fs::rename(pending, path)?;
        notes.push(format!(
            "{verb} {} (from {})",
            path.display(),
            pending.display()
        ));
        return Ok(());
    }
    write_atomic(path, text)?;
    notes.push(format!("{verb} {}", path.display()));
    if pending.exists() {
        std::fs::remove_file(pending)?;
        notes.push(format!("removed outdated {}", pending.display()));
    }
    Ok(())
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `text` to `path` through a temporary file in the same folder and a
/// rename, so readers see the old file or the new one, never a part.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A unified line diff, `-` old and `+` new, with three lines of context.
pub fn diff(old: &str, new: &str) -> String {
    let old = normalize(old) + "\n";
    let new = normalize(new) + "\n";
    similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header("snapshot", "result")
        .to_string()
}
