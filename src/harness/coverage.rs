//! Template coverage: which lines, `#if`/`#elseif`/`#else` branches and
//! `#foreach` bodies the tests exercised, from the evaluator's trace events.
//!
//! The denominators come from the syntax tree: every directive, reference and
//! branch of a template counts, whether or not a test reached it. A line is
//! counted once per entry into its block (a branch taken, a loop pass); plain
//! text lines are not instrumented. After `$util.error`, `#return` or `#stop`,
//! later references in the same blocks count as not run.
//!
//! ```
//! use appsync_vtl::harness::Coverage;
//! use appsync_vtl::{Engine, RequestContext};
//! let engine = Engine::new();
//! let text = "#if($ctx.args.a)\nA\n#elseif($ctx.args.b)\nB\n#else\n$ctx.args\n#end\n";
//! let t = engine.parse("t.vtl", text).unwrap();
//! let mut coverage = Coverage::default();
//! let ctx = RequestContext::new().with_arguments(serde_json::json!({"a": true}));
//! let (_, events) = engine.render_traced(&t, &ctx);
//! coverage.record("t.vtl".as_ref(), "t.vtl", &t, &events);
//! let file = &coverage.files()[0];
//! assert_eq!((file.branches_hit(), file.branches_total()), (1, 3));
//! assert_eq!((file.lines_hit(), file.lines_total()), (1, 4));
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use crate::context::SharedContext;
use crate::eval::Event;
use crate::outcome::Outcome;
use crate::parse::ast::{Block, Node};
use crate::parse::Template;
use crate::pipeline::TemplateFile;
use crate::source::{Source, Span};
use crate::{Engine, Error};

/// One outcome of a branch point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchOutcome {
    /// `#if`, `#elseif`, `#else`, `(no #else)`, `body` or `(no items)`.
    pub label: &'static str,
    /// The line it is written on.
    pub line: usize,
    /// How many times it was taken.
    pub taken: u64,
}

/// An `#if` chain or a `#foreach`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchPoint {
    /// The line of the `#if` or `#foreach`.
    pub line: usize,
    /// How many times it was reached.
    pub reached: u64,
    /// Its outcomes.
    pub outcomes: Vec<BranchOutcome>,
}

/// The coverage of one template file.
#[derive(Debug, Clone, Default)]
pub struct FileCoverage {
    /// The path as shown in reports.
    pub display: String,
    /// The file.
    pub path: PathBuf,
    /// Instrumented line → hits.
    pub lines: BTreeMap<usize, u64>,
    /// Branch points in source order.
    pub branches: Vec<BranchPoint>,
}

impl FileCoverage {
    /// Instrumented lines.
    pub fn lines_total(&self) -> usize {
        self.lines.len()
    }

    /// Lines run at least once.
    pub fn lines_hit(&self) -> usize {
        self.lines.values().filter(|&&n| n > 0).count()
    }

    /// Branch outcomes.
    pub fn branches_total(&self) -> usize {
        self.branches.iter().map(|b| b.outcomes.len()).sum()
    }

    /// Branch outcomes taken at least once.
    pub fn branches_hit(&self) -> usize {
        self.missed().len().abs_diff(self.branches_total())
    }

    /// The outcomes never taken.
    pub fn missed(&self) -> Vec<&BranchOutcome> {
        self.branches
            .iter()
            .flat_map(|b| b.outcomes.iter())
            .filter(|o| o.taken == 0)
            .collect()
    }

    fn add(&mut self, other: FileCoverage) {
        for (line, n) in other.lines {
            *self.lines.entry(line).or_default() += n;
        }
        if self.branches.len() != other.branches.len() {
            return;
        }
        for (mine, theirs) in self.branches.iter_mut().zip(other.branches) {
            mine.reached += theirs.reached;
            for (a, b) in mine.outcomes.iter_mut().zip(theirs.outcomes) {
                a.taken += b.taken;
            }
        }
    }
}

/// Coverage of every template the tests rendered.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    files: BTreeMap<PathBuf, FileCoverage>,
}

impl Coverage {
    /// Records one render of `template` (read from `path`, shown as `display`).
    pub fn record(&mut self, path: &Path, display: &str, template: &Template, events: &[Event]) {
        let key = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let mut file = FileCoverage {
            display: display.to_string(),
            path: key.clone(),
            ..FileCoverage::default()
        };
        let counts = Counts::new(events);
        let walker = Walker {
            counts: &counts,
            source: &template.source,
        };
        walker.block(&template.body, 1, counts.cut, &mut file);
        for m in &template.macros {
            let entries = counts.any_within(block_range(&m.body));
            walker.block(&m.body, entries, None, &mut file);
        }
        file.branches.sort_by_key(|b| b.line);
        match self.files.get_mut(&key) {
            Some(existing) => existing.add(file),
            None => {
                self.files.insert(key, file);
            }
        }
    }

    /// Adds another run's coverage.
    pub fn merge(&mut self, other: Coverage) {
        for (key, file) in other.files {
            match self.files.get_mut(&key) {
                Some(existing) => existing.add(file),
                None => {
                    self.files.insert(key, file);
                }
            }
        }
    }

    /// Every file, by path.
    pub fn files(&self) -> Vec<&FileCoverage> {
        self.files.values().collect()
    }

    /// A table: per template, lines and branches covered and the branches missed.
    pub fn table(&self) -> String {
        let rows: Vec<[String; 4]> = self
            .files
            .values()
            .map(|f| {
                let missed: Vec<String> = f
                    .missed()
                    .iter()
                    .map(|o| format!("{} {}", o.line, o.label))
                    .collect();
                let missed = if missed.len() > 4 {
                    format!("{}, … ({} more)", missed[..4].join(", "), missed.len() - 4)
                } else {
                    missed.join(", ")
                };
                [
                    f.display.clone(),
                    ratio(f.lines_hit(), f.lines_total()),
                    ratio(f.branches_hit(), f.branches_total()),
                    missed,
                ]
            })
            .collect();
        let (lh, lt, bh, bt) = self.files.values().fold((0, 0, 0, 0), |a, f| {
            (
                a.0 + f.lines_hit(),
                a.1 + f.lines_total(),
                a.2 + f.branches_hit(),
                a.3 + f.branches_total(),
            )
        });
        let header = ["template", "lines", "branches", "missed branches (line)"].map(String::from);
        let total = [
            "total".to_string(),
            ratio(lh, lt),
            ratio(bh, bt),
            String::new(),
        ];
        let mut widths = [0usize; 4];
        for row in std::iter::once(&header)
            .chain(&rows)
            .chain(std::iter::once(&total))
        {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        for row in std::iter::once(&header)
            .chain(&rows)
            .chain(std::iter::once(&total))
        {
            let line = format!(
                "{:<w0$}  {:>w1$}  {:>w2$}  {}",
                row[0],
                row[1],
                row[2],
                row[3],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2]
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// The coverage in lcov's tracefile format (`genhtml`, editors, CI services read it).
    pub fn lcov(&self) -> String {
        let mut out = String::new();
        for f in self.files.values() {
            let _ = writeln!(out, "TN:\nSF:{}", f.path.display());
            for (block, b) in f.branches.iter().enumerate() {
                for (i, o) in b.outcomes.iter().enumerate() {
                    let taken = if b.reached == 0 {
                        "-".to_string()
                    } else {
                        o.taken.to_string()
                    };
                    let _ = writeln!(out, "BRDA:{},{block},{i},{taken}", b.line);
                }
            }
            let _ = writeln!(out, "BRF:{}\nBRH:{}", f.branches_total(), f.branches_hit());
            for (line, n) in &f.lines {
                let _ = writeln!(out, "DA:{line},{n}");
            }
            let _ = writeln!(
                out,
                "LF:{}\nLH:{}\nend_of_record",
                f.lines_total(),
                f.lines_hit()
            );
        }
        out
    }
}

fn ratio(hit: usize, total: usize) -> String {
    if total == 0 {
        return "-".into();
    }
    format!("{hit}/{total} {:>3}%", hit * 100 / total)
}

/// Renders `template` (from `file`), recording coverage when asked.
pub(crate) fn render(
    engine: &Engine,
    file: &TemplateFile,
    template: &Template,
    ctx: &SharedContext,
    coverage: Option<&mut Coverage>,
) -> Result<Outcome, Error> {
    match coverage {
        None => engine.render_shared(template, ctx),
        Some(cov) => {
            let (result, events) = engine.render_shared_traced(template, ctx);
            if result.is_ok() {
                cov.record(&file.path, &shown_path(&file.path), template, &events);
            }
            result
        }
    }
}

/// A path relative to the working directory when it is inside it.
pub(crate) fn shown_path(path: &Path) -> String {
    let full = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    std::env::current_dir()
        .ok()
        .and_then(|cwd| full.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or(full)
        .display()
        .to_string()
}

/// Event counts of one render, by span start.
#[derive(Default)]
struct Counts {
    cond_eval: FxHashMap<u32, u64>,
    cond_true: FxHashMap<u32, u64>,
    else_taken: FxHashMap<u32, u64>,
    loop_start: FxHashMap<u32, u64>,
    loop_empty: FxHashMap<u32, u64>,
    loop_pass: FxHashMap<u32, u64>,
    exact: FxHashMap<u32, u64>,
    offsets: Vec<u32>,
    /// Where the render stopped early (`$util.error`, `#return`, `#stop`).
    cut: Option<u32>,
}

impl Counts {
    fn new(events: &[Event]) -> Counts {
        let mut c = Counts::default();
        for e in events {
            let at = e.span().start;
            c.offsets.push(at);
            let bump = |m: &mut FxHashMap<u32, u64>| *m.entry(at).or_default() += 1;
            match e {
                Event::Condition { holds, .. } => {
                    bump(&mut c.cond_eval);
                    if *holds {
                        bump(&mut c.cond_true);
                    }
                }
                Event::Else { .. } => bump(&mut c.else_taken),
                Event::LoopStart { items, .. } => {
                    bump(&mut c.loop_start);
                    if *items == 0 {
                        bump(&mut c.loop_empty);
                    }
                }
                Event::LoopPass { .. } => bump(&mut c.loop_pass),
                Event::Set { .. }
                | Event::Return { .. }
                | Event::Break { .. }
                | Event::Stop { .. } => bump(&mut c.exact),
                _ => {}
            }
        }
        c.cut = match events.last() {
            Some(e @ (Event::Raise { .. } | Event::Return { .. } | Event::Stop { .. })) => {
                Some(e.span().start)
            }
            _ => None,
        };
        c.offsets.sort_unstable();
        c
    }

    fn get(m: &FxHashMap<u32, u64>, span: Span) -> u64 {
        m.get(&span.start).copied().unwrap_or(0)
    }

    /// 1 when any event happened inside `range`, else 0.
    fn any_within(&self, range: Option<(u32, u32)>) -> u64 {
        let Some((start, end)) = range else { return 0 };
        let i = self.offsets.partition_point(|&o| o < start);
        u64::from(self.offsets.get(i).is_some_and(|&o| o < end))
    }
}

struct Walker<'a> {
    counts: &'a Counts,
    source: &'a Source,
}

impl Walker<'_> {
    fn line(&self, span: Span) -> usize {
        self.source.line_col(span.start as usize).line
    }

    fn mark(&self, span: Span, hits: u64, out: &mut FileCoverage) {
        let first = self.line(span);
        let last = self
            .source
            .line_col(span.end.saturating_sub(1).max(span.start) as usize)
            .line;
        for line in first..=last.max(first) {
            let n = out.lines.entry(line).or_default();
            *n = (*n).max(hits);
        }
    }

    fn block(&self, block: &Block, entries: u64, cut: Option<u32>, out: &mut FileCoverage) {
        let c = self.counts;
        let after_cut = |span: Span| cut.is_some_and(|at| span.start > at);
        for node in block {
            match node {
                Node::Text(_) => {}
                Node::Ref(r) | Node::EscapedRef { reference: r, .. } => {
                    self.mark(r.span, if after_cut(r.span) { 0 } else { entries }, out)
                }
                Node::MacroCall(call) => {
                    self.mark(
                        call.span,
                        if after_cut(call.span) { 0 } else { entries },
                        out,
                    );
                    if let Some(body) = &call.body {
                        self.block(body, c.any_within(block_range(body)), None, out);
                    }
                }
                Node::Set(set) => {
                    let raised_here =
                        cut.is_some_and(|at| at >= set.span.start && at < set.span.end);
                    self.mark(
                        set.span,
                        Counts::get(&c.exact, set.span).max(u64::from(raised_here)),
                        out,
                    )
                }
                Node::Return { span, .. } | Node::Break { span, .. } | Node::Stop(span) => {
                    self.mark(*span, Counts::get(&c.exact, *span), out)
                }
                Node::Define { body, span, .. } => {
                    self.mark(*span, if after_cut(*span) { 0 } else { entries }, out);
                    self.block(body, c.any_within(block_range(body)), None, out);
                }
                Node::If(node) => {
                    let first = &node.branches[0];
                    let reached = Counts::get(&c.cond_eval, first.span);
                    let mut outcomes = Vec::new();
                    let mut taken_total = 0;
                    for (i, b) in node.branches.iter().enumerate() {
                        self.mark(b.span, Counts::get(&c.cond_eval, b.span), out);
                        let taken = Counts::get(&c.cond_true, b.span);
                        taken_total += taken;
                        outcomes.push(BranchOutcome {
                            label: if i == 0 { "#if" } else { "#elseif" },
                            line: self.line(b.span),
                            taken,
                        });
                        self.block(&b.body, taken, cut, out);
                    }
                    match (&node.otherwise, node.else_span) {
                        (Some(body), Some(span)) => {
                            let taken = Counts::get(&c.else_taken, span);
                            self.mark(span, taken, out);
                            outcomes.push(BranchOutcome {
                                label: "#else",
                                line: self.line(span),
                                taken,
                            });
                            self.block(body, taken, cut, out);
                        }
                        _ => outcomes.push(BranchOutcome {
                            label: "(no #else)",
                            line: self.line(first.span),
                            taken: reached.saturating_sub(taken_total),
                        }),
                    }
                    out.branches.push(BranchPoint {
                        line: self.line(first.span),
                        reached,
                        outcomes,
                    });
                }
                Node::Foreach(f) => {
                    let starts = Counts::get(&c.loop_start, f.span);
                    let empty = Counts::get(&c.loop_empty, f.span);
                    self.mark(f.span, starts, out);
                    let end = block_range(&f.body).map_or(f.span.end, |(_, e)| e);
                    let inner_cut = cut.filter(|&at| at < f.span.start || at >= end);
                    self.block(&f.body, Counts::get(&c.loop_pass, f.span), inner_cut, out);
                    let line = self.line(f.span);
                    out.branches.push(BranchPoint {
                        line,
                        reached: starts,
                        outcomes: vec![
                            BranchOutcome {
                                label: "#foreach body",
                                line,
                                taken: starts - empty.min(starts),
                            },
                            BranchOutcome {
                                label: "(no items)",
                                line,
                                taken: empty,
                            },
                        ],
                    });
                }
            }
        }
    }
}

/// The byte range the spanned nodes of a block cover.
fn block_range(block: &Block) -> Option<(u32, u32)> {
    let mut range: Option<(u32, u32)> = None;
    let mut add = |s: Span| {
        range = Some(match range {
            None => (s.start, s.end),
            Some((a, b)) => (a.min(s.start), b.max(s.end)),
        })
    };
    for node in block {
        match node {
            Node::Text(_) => {}
            Node::Ref(r) | Node::EscapedRef { reference: r, .. } => add(r.span),
            Node::MacroCall(c) => {
                add(c.span);
                if let Some((a, b)) = c.body.as_ref().and_then(|b| block_range(b)) {
                    add(Span { start: a, end: b });
                }
            }
            Node::Set(s) => add(s.span),
            Node::Return { span, .. } | Node::Break { span, .. } | Node::Stop(span) => add(*span),
            Node::Define { body, span, .. } => {
                add(*span);
                if let Some((a, b)) = block_range(body) {
                    add(Span { start: a, end: b });
                }
            }
            Node::If(i) => {
                for b in &i.branches {
                    add(b.span);
                    if let Some((a, e)) = block_range(&b.body) {
                        add(Span { start: a, end: e });
                    }
                }
                if let Some(s) = i.else_span {
                    add(s);
                }
                if let Some((a, e)) = i.otherwise.as_ref().and_then(block_range) {
                    add(Span { start: a, end: e });
                }
            }
            Node::Foreach(f) => {
                add(f.span);
                if let Some((a, e)) = block_range(&f.body) {
                    add(Span { start: a, end: e });
                }
            }
        }
    }
    range
}
