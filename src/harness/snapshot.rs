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
//! * every write is atomic (a temporary file in the same folder, created new
//!   under a name no other writer uses, then a rename over the old file), so
//!   two runs accepting the same snapshots at once each leave a whole file;
//! * a snapshot (or `.snap.new`) that is a symbolic link, a device or a FIFO
//!   is neither read nor replaced.
//!
//! ```
//! use appsync_vtl::harness::snapshot::{Snapshot, parse};
//! let text = Snapshot::new("template.vtl", "contexts/a.json", "{\n  \"output\": 1\n}").to_file_text();
//! assert!(text.starts_with("---\nsource: vtl test\n"));
//! assert_eq!(parse(&text).unwrap().contents, "{\n  \"output\": 1\n}");
//! assert!(parse("<<<<<<< HEAD\n").unwrap_err().contains("line 1"));
//! ```

use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::input::{escape_path, read_text, show_path, Cap, InputError};

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
    plain_file(&pending)
        .map_err(|e| std::io::Error::other(format!("{}: {e}", show_path(&pending))))?;
    let existing = read_plain(path)?.map(|text| parse(&text).map_err(|reason| (reason, text)));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let text = snapshot.to_file_text();
    match existing {
        Some(Ok(old)) if old.same_contents(&snapshot.contents) => {
            if pending.exists() {
                if accept {
                    remove_if_there(&pending)?;
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
    let pending_same = read_plain(pending)
        .ok()
        .flatten()
        .and_then(|t| parse(&t).ok())
        .is_some_and(|p| p.same_contents(&snapshot.contents));
    if pending_same {
        match std::fs::rename(pending, path) {
            Ok(()) => {
                notes.push(format!(
                    "{verb} {} (from {})",
                    path.display(),
                    pending.display()
                ));
                return Ok(());
            }
            // Another run accepting the same snapshot moved it first: write it.
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    write_atomic(path, text)?;
    notes.push(format!("{verb} {}", path.display()));
    if remove_if_there(pending)? {
        notes.push(format!("removed outdated {}", pending.display()));
    }
    Ok(())
}

/// Removes a file; one already gone (another run removed it) is no error.
/// Whether this call removed it.
fn remove_if_there(path: &Path) -> std::io::Result<bool> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// What a file system entry is, in words, when it is not a plain file.
fn not_plain(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_symlink() {
        return Some("a symbolic link");
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_fifo() {
            return Some("a FIFO");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// Whether `path` is a plain file (`false`: nothing there); an error when it
/// is a symbolic link, a folder, a device, a FIFO or a socket.
fn plain_file(path: &Path) -> std::io::Result<bool> {
    match path.symlink_metadata() {
        Ok(meta) => match not_plain(&meta) {
            None => Ok(true),
            Some(what) => Err(std::io::Error::other(format!(
                "it is {what}, not a plain file: it is left alone (neither read nor replaced)"
            ))),
        },
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// The text of a plain file (`None`: there is none), read up to
/// [`Cap::SNAPSHOT`].
fn read_plain(path: &Path) -> std::io::Result<Option<String>> {
    if !plain_file(path)? {
        return Ok(None);
    }
    match read_text(path, Cap::SNAPSHOT) {
        Ok(text) => Ok(Some(text)),
        Err(InputError::Missing { .. }) => Ok(None),
        Err(e) => Err(std::io::Error::other(e.to_string())),
    }
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `text` to `path` through a temporary file in the same folder and a
/// rename, so readers see the old file or the new one, never a part. The
/// temporary file is created new (never opened through a link another
/// process left there) under a name unique to this process; the folder must
/// exist.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(std::io::Error::new(
            ErrorKind::NotFound,
            format!(
                "the folder {} does not exist (create it first)",
                show_path(dir)
            ),
        ));
    }
    let name = path
        .file_name()
        .map(|n| escape_path(Path::new(n)))
        .unwrap_or_default();
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    };
    let result = (|| {
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes a report file (`vtl test --junit`, `--lcov`) as [`write_atomic`]
/// does, refusing to replace anything but a plain file: a symbolic link
/// (neither it nor what it leads to is replaced), a device, a FIFO or a
/// folder is an error, and so is a folder that does not exist.
pub fn write_report(path: &Path, text: &str) -> std::io::Result<()> {
    check_report_path(path)?;
    write_atomic(path, text)
}

/// Whether [`write_report`] may write `path`: nothing or a plain file there,
/// in a folder that exists (checked before a run, so that a bad `--junit`
/// fails at once).
pub fn check_report_path(path: &Path) -> std::io::Result<()> {
    plain_file(path)?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if dir.is_dir() {
        Ok(())
    } else {
        Err(std::io::Error::new(
            ErrorKind::NotFound,
            format!(
                "the folder {} does not exist (create it first)",
                show_path(dir)
            ),
        ))
    }
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
