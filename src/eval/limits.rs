//! The limits a render runs under ([`Limits`]), and the stack the evaluator
//! grows into as it recurses.

use std::time::Duration;

/// Limits that keep a bad template from hurting the user. Each is checked where
/// the work happens and reported as an
/// [`ErrorKind::Limit`](crate::error::ErrorKind::Limit) error at the directive or
/// expression that crossed it; `docs/security.md` lists them with the `vtl` flags
/// that raise them.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Bytes of template text (AppSync's limit is 64 KB); checked by [`crate::Engine::parse`].
    pub template_bytes: usize,
    /// Iterations of one `#foreach` before it stops (AppSync's quota is 1,000).
    /// As in AppSync, the loop stops and the render goes on; a log line says where.
    pub loop_iterations: usize,
    /// Iterations of all loops together in one render.
    pub total_iterations: usize,
    /// Bytes of output (AppSync's evaluated-template limit is 5 MB).
    pub output_bytes: usize,
    /// Nested macro calls and `#define` blocks rendering each other.
    pub macro_depth: usize,
    /// Elements of a range literal `[a..b]`.
    pub range_size: usize,
    /// Bytes of one string built by the template.
    pub string_bytes: usize,
    /// Elements of one list or map grown by `add`, `addAll`, `put`, `putAll`, ….
    pub collection_size: usize,
    /// Wall time of one render, checked at each loop pass, macro call and
    /// `#define` block, and by the work meter as values are walked (`None`: no limit).
    pub time: Option<Duration>,
    /// Units of work one render may do: every loop pass, and every list or map
    /// entry a walk over values visits (printing, JSON, copies, comparisons, the
    /// `$util` converters; building JSON objects counts eight per entry). See
    /// [`crate::value::budget`].
    pub work: u64,
}

/// AppSync's limit on the size of one mapping template (64 KB).
pub const APPSYNC_TEMPLATE_BYTES: usize = 64 * 1024;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            template_bytes: APPSYNC_TEMPLATE_BYTES,
            loop_iterations: 1000,
            total_iterations: 1_000_000,
            output_bytes: 5 * 1024 * 1024,
            macro_depth: 64,
            range_size: 100_000,
            string_bytes: 5 * 1024 * 1024,
            collection_size: 1_000_000,
            time: Some(Duration::from_secs(10)),
            work: 20_000_000,
        }
    }
}

/// Stack left when the evaluator moves to a new segment.
pub(super) const RED_ZONE: usize = 128 * 1024;
/// Size of each new stack segment.
pub(super) const STACK_SEGMENT: usize = 2 * 1024 * 1024;
/// Levels of blocks and expressions between two looks at the stack (a look
/// costs more than a small expression; eight levels use far less than
/// [`RED_ZONE`]).
pub(super) const STACK_CHECK_INTERVAL: u32 = 8;

/// A duration as people write it: `10 s`, `250 ms`.
pub(super) fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}
