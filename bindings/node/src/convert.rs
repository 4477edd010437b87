//! The library's answers as JavaScript objects: one `#[napi(object)]` struct
//! per shape (their TypeScript declarations are generated from these), each
//! filled from the library's type.

use appsync_vtl::harness::{self, Status};
use appsync_vtl::lint;
use appsync_vtl::source::LineCol;
use appsync_vtl::{api, explain as ex, Error};
use napi_derive::napi;
use serde_json::Value as Json;

/// What EvaluateMappingTemplate returns.
#[napi(object)]
pub struct EvaluateResponse {
    /// The rendered template (absent when it raised an error).
    pub evaluation_result: Option<String>,
    /// The error that stopped the template, or the engine error.
    pub error: Option<ErrorDetail>,
    /// `$util.log.*` lines.
    pub logs: Vec<String>,
    /// The stash after the render, as JSON text.
    pub stash: String,
    /// Errors appended with `$util.appendError`, as JSON text.
    pub out_errors: String,
}

/// The response's `error`.
#[napi(object)]
pub struct ErrorDetail {
    /// The message, as AppSync reports it.
    pub message: String,
    /// The error type (`Unauthorized`, `ParseError`, a `$util.error` type, …).
    #[napi(js_name = "type")]
    pub error_type: Option<String>,
    /// `$util.error`'s data.
    #[napi(ts_type = "unknown")]
    pub data: Option<Json>,
    /// `$util.error`'s errorInfo.
    #[napi(ts_type = "unknown")]
    pub error_info: Option<Json>,
    /// 1-based line of the engine error, when known.
    pub line: Option<u32>,
    /// 1-based column of the engine error, when known.
    pub column: Option<u32>,
    /// The engine error as a rustc-style report with the source line, when known.
    pub snippet: Option<String>,
}

/// The library's response as an object; an engine error adds its position and
/// snippet.
pub(crate) fn evaluate_response(
    response: api::EvaluateResponse,
    engine_error: Option<&Error>,
) -> EvaluateResponse {
    let error = response.error.map(|e| {
        let at = engine_error.and_then(Error::line_col);
        ErrorDetail {
            message: e.message,
            error_type: e.error_type,
            data: e.data,
            error_info: e.error_info,
            line: at.map(|a| a.line as u32),
            column: at.map(|a| a.column as u32),
            snippet: engine_error
                .filter(|e| e.line_col().is_some())
                .map(|e| e.report(false)),
        }
    });
    EvaluateResponse {
        evaluation_result: response.evaluation_result,
        error,
        logs: response.logs,
        stash: response.stash,
        out_errors: response.out_errors,
    }
}

/// A 1-based line and column.
#[napi(object)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

fn position(at: LineCol) -> Position {
    Position {
        line: at.line as u32,
        column: at.column as u32,
    }
}

/// Why the watched variables ended as they did.
#[napi(object)]
pub struct Explanation {
    /// The template's name.
    pub template: String,
    /// How the render ended.
    pub outcome: OutcomeSummary,
    /// One entry per watched variable.
    pub watches: Vec<Watch>,
    /// The answer as `vtl explain` prints it.
    pub text: String,
}

/// How a render ended.
#[napi(object)]
pub struct OutcomeSummary {
    /// `rendered`, `returned`, `unauthorized`, `error` or `engine-error`.
    pub kind: String,
    /// The error message, or the (shortened) output.
    pub message: String,
    /// Where the error was raised, when known.
    pub at: Option<Position>,
    /// For an error: the blocks around the call that raised it, outermost first.
    pub because: Vec<GuardState>,
}

/// The story of one watched variable.
#[napi(object)]
pub struct Watch {
    /// The variable, without `$`.
    pub name: String,
    /// Its value when the render ended (absent: never defined).
    #[napi(ts_type = "unknown")]
    pub final_value: Option<Json>,
    /// Assignments that ran, in order.
    pub assignments: Vec<Assignment>,
    /// `#set`s of the variable that never ran, with the reason.
    pub skipped: Vec<Skipped>,
    /// The loops around an assignment, pass by pass.
    pub loops: Vec<LoopSummary>,
    /// A short answer in plain words.
    pub answer: String,
}

/// An assignment that ran.
#[napi(object)]
pub struct Assignment {
    /// Where the `#set` is.
    pub at: Position,
    /// The target as written.
    pub target: String,
    /// The value assigned.
    #[napi(ts_type = "unknown")]
    pub value: Json,
    /// False when the value was null and Velocity left the variable unchanged.
    pub applied: bool,
    /// The enclosing blocks at that moment, outermost first.
    pub guards: Vec<GuardState>,
}

/// An enclosing `#if`/`#elseif`/`#else`/`#foreach` and how it went.
#[napi(object)]
pub struct GuardState {
    /// Where its head is.
    pub at: Position,
    /// `#if`, `#elseif`, `#else` or `#foreach`.
    pub directive: String,
    /// The condition as written.
    pub text: String,
    /// Whether it held (absent: never evaluated).
    pub holds: Option<bool>,
    /// The values of the references and calls in it.
    pub operands: Vec<OperandValue>,
    /// For loops: `pass/count`.
    pub pass: Option<String>,
}

/// A reference or call and its value.
#[napi(object)]
pub struct OperandValue {
    /// As written.
    pub text: String,
    /// Its value.
    #[napi(ts_type = "unknown")]
    pub value: Json,
}

/// An assignment that never ran.
#[napi(object)]
pub struct Skipped {
    /// Where the `#set` is.
    pub at: Position,
    /// The directive as written.
    pub text: String,
    /// Why it did not run.
    pub reason: String,
    /// The block that decided it, when one did.
    pub decider: Option<GuardState>,
}

/// A loop around an assignment.
#[napi(object)]
pub struct LoopSummary {
    /// Where the `#foreach` is.
    pub at: Position,
    /// The head as written.
    pub head: String,
    /// Whether the loop was reached at all.
    pub reached: bool,
    /// What happened in each pass.
    pub passes: Vec<String>,
}

fn guard(g: ex::GuardState) -> GuardState {
    GuardState {
        at: position(g.at),
        directive: g.directive.to_string(),
        text: g.text,
        holds: g.holds,
        operands: g
            .operands
            .into_iter()
            .map(|o| OperandValue {
                text: o.text,
                value: o.value,
            })
            .collect(),
        pass: g.pass,
    }
}

pub(crate) fn explanation(e: ex::Explanation) -> Explanation {
    let text = e.to_text(false);
    Explanation {
        text,
        template: e.template,
        outcome: OutcomeSummary {
            kind: e.outcome.kind.to_string(),
            message: e.outcome.message,
            at: e.outcome.at.map(position),
            because: e.outcome.because.into_iter().map(guard).collect(),
        },
        watches: e
            .watches
            .into_iter()
            .map(|w| Watch {
                name: w.name,
                final_value: w.final_value,
                assignments: w
                    .assignments
                    .into_iter()
                    .map(|a| Assignment {
                        at: position(a.at),
                        target: a.target,
                        value: a.value,
                        applied: a.applied,
                        guards: a.guards.into_iter().map(guard).collect(),
                    })
                    .collect(),
                skipped: w
                    .skipped
                    .into_iter()
                    .map(|s| Skipped {
                        at: position(s.at),
                        text: s.text,
                        reason: s.reason,
                        decider: s.decider.map(guard),
                    })
                    .collect(),
                loops: w
                    .loops
                    .into_iter()
                    .map(|l| LoopSummary {
                        at: position(l.at),
                        head: l.head,
                        reached: l.reached,
                        passes: l.passes,
                    })
                    .collect(),
                answer: w.answer,
            })
            .collect(),
    }
}

/// A parse error or lint.
#[napi(object)]
pub struct Diagnostic {
    /// The lint's name, or `syntax` for a parse error.
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    /// What is wrong.
    pub message: String,
    /// 1-based line where it starts.
    pub line: u32,
    /// 1-based column where it starts.
    pub column: u32,
    /// 1-based line where it ends.
    pub end_line: u32,
    /// 1-based column where it ends.
    pub end_column: u32,
    /// How to fix it.
    pub help: Option<String>,
    /// Secondary locations.
    pub notes: Vec<Note>,
}

/// A secondary location of a diagnostic.
#[napi(object)]
pub struct Note {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is there.
    pub message: String,
}

pub(crate) fn diagnostic(d: lint::Diagnostic) -> Diagnostic {
    Diagnostic {
        code: d.lint.to_string(),
        severity: match d.severity {
            lint::Severity::Error => "error",
            lint::Severity::Warning => "warning",
        }
        .to_string(),
        message: d.message,
        line: d.at.line as u32,
        column: d.at.column as u32,
        end_line: d.end.line as u32,
        end_column: d.end.column as u32,
        help: d.help,
        notes: d
            .notes
            .into_iter()
            .map(|n| Note {
                line: n.at.line as u32,
                column: n.at.column as u32,
                message: n.message,
            })
            .collect(),
    }
}

/// One test of a case-folder run.
#[napi(object)]
pub struct CaseResult {
    /// `<case folder>@<test>`.
    pub name: String,
    /// `passed`, `failed`, `skipped` or `error`.
    pub status: String,
    /// Why it failed, one message each.
    pub failures: Vec<String>,
    /// The snapshot diff, old → new, when it changed.
    pub diff: Option<String>,
    /// The snapshot file.
    pub snapshot: Option<String>,
    /// What the test produced (the snapshot's content).
    #[napi(ts_type = "unknown")]
    pub report: Option<Json>,
}

/// The results of a case-folder run.
#[napi(object)]
pub struct RunSummary {
    /// Tests that passed.
    pub passed: u32,
    /// Tests that failed, and cases that could not be loaded.
    pub failed: u32,
    /// Tests skipped.
    pub skipped: u32,
    /// `N passed, M failed`.
    pub summary: String,
    /// Every failure as `vtl test` prints it.
    pub failure_report: String,
    /// Every test, in case then test order.
    pub results: Vec<CaseResult>,
}

pub(crate) fn run_summary(s: &harness::RunSummary) -> RunSummary {
    RunSummary {
        passed: s.passed() as u32,
        failed: s.failed() as u32,
        skipped: s.skipped() as u32,
        summary: s.summary_line(),
        failure_report: s.failure_report(),
        results: s
            .results
            .iter()
            .map(|r| CaseResult {
                name: r.name.clone(),
                status: match r.status {
                    Status::Passed => "passed",
                    Status::Failed => "failed",
                    Status::Skipped => "skipped",
                    Status::Error => "error",
                }
                .to_string(),
                failures: r.failures.clone(),
                diff: r.diff.clone(),
                snapshot: r.snapshot.as_ref().map(|p| p.display().to_string()),
                report: r
                    .report
                    .as_ref()
                    .and_then(|rep| serde_json::to_value(rep).ok()),
            })
            .collect(),
    }
}
