//! Reading templates, contexts and the other files a user names, with one
//! clear message per bad input (every front-end reports these as bad input,
//! not as a template failure).
//!
//! Every read is capped before the file is read whole ([`Cap`]): a regular
//! file over its cap is refused on its size, and a device, FIFO or pipe
//! (`/dev/zero`, `<(yes)`, standard input) is read only up to the cap, so no
//! input can take unbounded time or memory. A UTF-8 byte-order mark at the
//! start of a file is dropped (an editor's encoding mark, not text).
//!
//! ```
//! use appsync_vtl::input::{read_text, Cap, InputError};
//! let path = std::env::temp_dir().join(format!("vtl-doc-input-{}.json", std::process::id()));
//! std::fs::write(&path, "\u{feff}{\"arguments\": {}}").unwrap();
//! assert_eq!(read_text(&path, Cap::CONTEXT).unwrap(), "{\"arguments\": {}}");
//! let tiny = Cap { bytes: 4, ..Cap::CONTEXT };
//! assert!(matches!(read_text(&path, tiny), Err(InputError::TooLarge { size: Some(20), .. })));
//! # std::fs::remove_file(&path).unwrap();
//! ```

use std::fmt;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::context::{ContextError, RequestContext};

const MIB: u64 = 1024 * 1024;

/// The most bytes read from one file of a kind, and how messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    /// The most bytes read.
    pub bytes: u64,
    /// What the file is, for messages: `a context`, `a HAR capture`, ….
    pub what: &'static str,
    /// The flag that raises it, when there is one.
    pub flag: Option<&'static str>,
}

impl Cap {
    /// A context (`--context`, a case's `context.json` and `contexts/*.json`): 256 MiB.
    pub const CONTEXT: Cap = Cap::named(256 * MIB, "a context");
    /// A browser HAR capture: 256 MiB.
    pub const CAPTURE: Cap = Cap::named(256 * MIB, "a HAR capture");
    /// AppSync CloudWatch log events: 256 MiB.
    pub const LOG: Cap = Cap::named(256 * MIB, "a log file");
    /// A snapshot file of `vtl test`: 256 MiB.
    pub const SNAPSHOT: Cap = Cap::named(256 * MIB, "a snapshot");
    /// A GraphQL schema (`vtl authz --schema`): 16 MiB.
    pub const SCHEMA: Cap = Cap::named(16 * MIB, "a schema");
    /// A GraphQL operation or its variables given as a file: 16 MiB.
    pub const OPERATION: Cap = Cap::named(16 * MIB, "a GraphQL operation or its variables");
    /// A case's `case.json`: 16 MiB.
    pub const CASE_SETTINGS: Cap = Cap::named(16 * MIB, "case.json");
    /// A token given as a file: 1 MiB (a JWT in a header is a few KB).
    pub const TOKEN: Cap = Cap::named(MIB, "a token");
    /// A template `vtl check` reads: 1 MiB (16 times AppSync's 64 KB, so the
    /// lints run past the size limit that they report).
    pub const CHECKED_TEMPLATE: Cap = Cap::named(MIB, "a template to check");

    const fn named(bytes: u64, what: &'static str) -> Cap {
        Cap {
            bytes,
            what,
            flag: None,
        }
    }

    /// A template to render: [`crate::Limits::template_bytes`].
    pub fn template(bytes: usize) -> Cap {
        Cap {
            bytes: bytes as u64,
            what: "a template",
            flag: Some("--max-template-bytes"),
        }
    }
}

/// `65536 bytes`, or `256 MiB (268435456 bytes)`.
fn show_bytes(n: u64) -> String {
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB ({n} bytes)", n / MIB)
    } else {
        format!("{n} bytes")
    }
}

/// A path as messages show it: as it is when it is UTF-8, else with each byte
/// that is not UTF-8 written `\xNN` and a note, never with replacement
/// characters that hide which file it is.
///
/// ```
/// use appsync_vtl::input::show_path;
/// assert_eq!(show_path("ctx.json".as_ref()), "ctx.json");
/// # #[cfg(unix)] {
/// use std::os::unix::ffi::OsStrExt;
/// let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.vtl");
/// assert_eq!(show_path(latin1.as_ref()), r"caf\xE9.vtl (a path that is not UTF-8)");
/// # }
/// ```
pub fn show_path(path: &Path) -> String {
    match path.to_str() {
        Some(s) => s.to_string(),
        None => format!("{} (a path that is not UTF-8)", escape_path(path)),
    }
}

/// The path with the bytes that are not UTF-8 written `\xNN`.
pub fn escape_path(path: &Path) -> String {
    let mut out = String::new();
    for chunk in path.as_os_str().as_encoded_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// An input that could not be used (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file does not exist.
    #[error("{path}: no such file")]
    Missing {
        /// The path as given.
        path: String,
    },
    /// The path names a folder.
    #[error("{path}: is a directory, not a file")]
    Directory {
        /// The path as given.
        path: String,
    },
    /// The file could not be read.
    #[error("{path}: cannot read: {reason}")]
    Unreadable {
        /// The path as given.
        path: String,
        /// The operating system's reason.
        reason: String,
    },
    /// The file is larger than its cap (or a stream went on past it).
    #[error("{path}: {}", too_large(*size, cap))]
    TooLarge {
        /// The path as given.
        path: String,
        /// The file's size, when it is a regular file (`None`: a device or
        /// stream that went on past the cap).
        size: Option<u64>,
        /// The cap.
        cap: Cap,
    },
    /// The file is not UTF-8 text.
    #[error("{path}: is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// The path as given.
        path: String,
        /// Where the first invalid byte is.
        offset: usize,
    },
    /// A context that is not JSON.
    #[error("{path}:{line}:{column}: invalid JSON: {message}")]
    Json {
        /// The path as given.
        path: String,
        /// 1-based line of the mistake.
        line: usize,
        /// 1-based column of the mistake.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// JSON that is not a context (`arguments` that is not an object, …).
    #[error("{path}: {message}")]
    Context {
        /// The path as given.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An empty context file.
    #[error("{path}: is empty; expected a JSON object such as {{\"arguments\": {{}}}}")]
    EmptyContext {
        /// The path as given.
        path: String,
    },
}

fn too_large(size: Option<u64>, cap: &Cap) -> String {
    let limit = show_bytes(cap.bytes);
    let mut s = match size {
        Some(n) => format!(
            "is {n} bytes, more than the limit for {} ({limit})",
            cap.what
        ),
        None => format!(
            "goes on past the limit for {} ({limit}): an endless device or stream?",
            cap.what
        ),
    };
    if let Some(flag) = cap.flag {
        s.push_str(&format!("; raise it with {flag}"));
    }
    s
}

impl InputError {
    /// The path the error names, as shown.
    pub fn path(&self) -> &str {
        match self {
            InputError::Missing { path }
            | InputError::Directory { path }
            | InputError::Unreadable { path, .. }
            | InputError::TooLarge { path, .. }
            | InputError::NotUtf8 { path, .. }
            | InputError::Json { path, .. }
            | InputError::Context { path, .. }
            | InputError::EmptyContext { path } => path,
        }
    }
}

/// Whether `path` means standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Bytes read from a file, at most a cap and a little more.
struct Bytes {
    bytes: Vec<u8>,
    /// The file's size when it is a regular file.
    size: Option<u64>,
}

/// Reads at most `limit` bytes of `path` (`-`: standard input). A regular
/// file is opened only when `refuse_over` is unset or its size is within it.
fn read_bytes(path: &Path, limit: u64, refuse_over: Option<Cap>) -> Result<Bytes, InputError> {
    let shown = show_path(path);
    let unreadable = |e: std::io::Error| InputError::Unreadable {
        path: shown.clone(),
        reason: e.to_string(),
    };
    let mut buf = Vec::new();
    if is_stdin(path) {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut buf)
            .map_err(|e| InputError::Unreadable {
                path: "<stdin>".into(),
                reason: e.to_string(),
            })?;
        return Ok(Bytes {
            bytes: buf,
            size: None,
        });
    }
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => InputError::Missing {
            path: shown.clone(),
        },
        _ => unreadable(e),
    })?;
    if meta.is_dir() {
        return Err(InputError::Directory { path: shown });
    }
    let size = meta.is_file().then_some(meta.len());
    if let (Some(cap), Some(n)) = (refuse_over, size) {
        if n > cap.bytes {
            return Err(InputError::TooLarge {
                path: shown,
                size: Some(n),
                cap,
            });
        }
    }
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => InputError::Missing {
            path: shown.clone(),
        },
        _ => unreadable(e),
    })?;
    // A regular file's size is known: one allocation (files in /proc say 0).
    if let Some(n) = size {
        buf.reserve_exact(n.min(limit) as usize);
    }
    file.take(limit).read_to_end(&mut buf).map_err(unreadable)?;
    Ok(Bytes { bytes: buf, size })
}

/// The text of `bytes`; a leading byte-order mark is dropped.
fn utf8(path: &Path, mut bytes: Vec<u8>) -> Result<String, InputError> {
    if let Err(e) = std::str::from_utf8(&bytes) {
        return Err(InputError::NotUtf8 {
            path: if is_stdin(path) {
                "-".into()
            } else {
                show_path(path)
            },
            offset: e.valid_up_to(),
        });
    }
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    // Checked just above.
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads a text file (`-` is standard input), refusing it when it is larger
/// than `cap` (a regular file on its size, before reading; a device or stream
/// once it goes on past the cap).
pub fn read_text(path: impl AsRef<Path>, cap: Cap) -> Result<String, InputError> {
    let path = path.as_ref();
    // One byte past the cap says that a stream goes on; three more make room
    // for a byte-order mark.
    let Bytes { mut bytes, size } = read_bytes(path, cap.bytes + 4, Some(cap))?;
    let bom = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    if (bytes.len() - bom) as u64 > cap.bytes {
        return Err(InputError::TooLarge {
            path: if is_stdin(path) {
                "<stdin>".into()
            } else {
                show_path(path)
            },
            size: size.map(|n| n.saturating_sub(bom as u64)),
            cap,
        });
    }
    bytes.shrink_to_fit();
    utf8(path, bytes)
}

/// A template file as read: its text, or the start of one that is too long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateText {
    /// The whole text.
    Whole(String),
    /// The first bytes of a template longer than its cap (the cap and a little
    /// more, cut on a character boundary), and its size when it is a regular file.
    TooLarge {
        /// The text up to a little past the cap.
        prefix: String,
        /// The size in bytes, when known.
        size: Option<u64>,
    },
}

/// How much of a template past its limit is read, for the report's snippet.
const TEMPLATE_PAST_LIMIT: usize = 128;

/// Reads a template (`-` is standard input): only the first bytes of one
/// longer than `max_bytes` (the limit and a line's worth past it), which the
/// engine reports with [`crate::Engine::template_too_large`].
pub fn read_template(path: impl AsRef<Path>, max_bytes: usize) -> Result<TemplateText, InputError> {
    let path = path.as_ref();
    let max = max_bytes as u64;
    let past = TEMPLATE_PAST_LIMIT as u64;
    let Bytes { mut bytes, size } = read_bytes(path, max + BOM.len() as u64 + past, None)?;
    let bom = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    if (bytes.len() - bom) as u64 <= max {
        return utf8(path, bytes).map(TemplateText::Whole);
    }
    bytes.truncate(bom + max_bytes + TEMPLATE_PAST_LIMIT);
    // The cut may fall inside a character: keep the whole ones before it.
    if let Err(e) = std::str::from_utf8(&bytes) {
        if e.error_len().is_none() {
            bytes.truncate(e.valid_up_to());
        }
    }
    let prefix = utf8(path, bytes)?;
    Ok(TemplateText::TooLarge {
        prefix,
        size: size.map(|n| n.saturating_sub(bom as u64)),
    })
}

/// Reads a context file.
pub fn read_context(path: impl AsRef<Path>) -> Result<RequestContext, InputError> {
    let path = path.as_ref();
    let shown = show_path(path);
    let text = read_text(path, Cap::CONTEXT)?;
    if text.trim().is_empty() {
        return Err(InputError::EmptyContext { path: shown });
    }
    RequestContext::from_json_str(&text).map_err(|e| match e {
        ContextError::Json {
            line,
            column,
            message,
        } => InputError::Json {
            message: match lone_surrogate(&text, line, column) {
                Some(escape) => format!(
                    "`{escape}` is a lone UTF-16 surrogate (half of a pair, without the other \
                     half): not a character, so no string can hold it"
                ),
                None => message,
            },
            path: shown,
            line,
            column,
        },
        other => InputError::Context {
            path: shown,
            message: other.to_string(),
        },
    })
}

/// The `\uD800`–`\uDFFF` escape nearest before `line:column` on its line,
/// when the JSON error is about one.
fn lone_surrogate(text: &str, line: usize, column: usize) -> Option<String> {
    let line_text = text.lines().nth(line.checked_sub(1)?)?;
    let end = line_text
        .char_indices()
        .nth(column)
        .map_or(line_text.len(), |(i, _)| i);
    let before = &line_text[..end];
    let mut found = None;
    let bytes = before.as_bytes();
    for (i, _) in before.match_indices("\\u") {
        // An escaped backslash (`\\u`) is not an escape.
        let backslashes = bytes[..i].iter().rev().take_while(|b| **b == b'\\').count();
        let Some(hex) = before.get(i + 2..i + 6) else {
            continue;
        };
        if backslashes % 2 == 0
            && u16::from_str_radix(hex, 16).is_ok_and(|n| (0xD800..=0xDFFF).contains(&n))
        {
            found = Some(format!("\\u{hex}"));
        }
    }
    found
}

/// A file named in a settings file (`case.json`) that may not be read: not
/// inside the folders it may name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outside {
    /// The name as written.
    pub name: String,
    /// Where it leads, when it could be resolved.
    pub resolved: Option<PathBuf>,
    /// Why: an absolute path, or a path that leads out.
    pub absolute: bool,
}

impl fmt::Display for Outside {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.absolute {
            return write!(
                f,
                "`{}` is an absolute path: name a file inside the case folder, relative to it",
                self.name
            );
        }
        write!(f, "`{}` leads outside the case folder", self.name)?;
        if let Some(r) = &self.resolved {
            write!(f, " (to {})", show_path(r))?;
        }
        Ok(())
    }
}

/// `path` with `.` and `..` taken away without asking the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                // `/..` is `/`, as the kernel reads it.
                if !out.pop() && !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Resolves `name`, relative to `base`, and checks that it stays inside
/// `base` or one of `roots` that holds `base`: an absolute name, `..` that
/// climbs out, or a symbolic link that leads out are refused. A file that
/// does not exist is checked by its name (reading it then says it is missing).
///
/// ```
/// use appsync_vtl::input::resolve_inside;
/// let base = std::env::temp_dir();
/// assert!(resolve_inside(&base, "t.vtl", &[]).is_ok());
/// let out = resolve_inside(&base, "../../../../proc/self/environ", &[]).unwrap_err();
/// assert!(out.to_string().contains("leads outside the case folder"), "{out}");
/// assert!(resolve_inside(&base, "/etc/passwd", &[]).unwrap_err().absolute);
/// ```
pub fn resolve_inside(base: &Path, name: &str, roots: &[PathBuf]) -> Result<PathBuf, Outside> {
    let given = Path::new(name);
    if given.has_root() || given.is_absolute() {
        return Err(Outside {
            name: name.to_string(),
            resolved: None,
            absolute: true,
        });
    }
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| normalize(p));
    let base_real = canonical(base);
    let mut allowed = vec![base_real.clone()];
    allowed.extend(
        roots
            .iter()
            .map(|r| canonical(r))
            .filter(|r| base_real.starts_with(r)),
    );
    let joined = base.join(given);
    let named = normalize(&base_real.join(given));
    let target = joined.canonicalize().unwrap_or_else(|_| named.clone());
    if allowed.iter().any(|root| target.starts_with(root)) {
        Ok(joined)
    } else {
        Err(Outside {
            name: name.to_string(),
            // Where the name points, or, when only a link leads out, the link's target.
            resolved: Some(if allowed.iter().any(|root| named.starts_with(root)) {
                target
            } else {
                named
            }),
            absolute: false,
        })
    }
}
