//! `vtl explain --matrix`: one template, many callers, one table.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value as Json;

use super::{summarize, OutcomeSummary};
use crate::context::RequestContext;
use crate::explain::why::shorten;
use crate::parse::Template;
use crate::report::Palette;
use crate::value::to_json;
use crate::Engine;

/// One caller's result.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    /// The preset or context file name.
    pub caller: String,
    /// How the render ended.
    pub outcome: OutcomeSummary,
    /// `authorized`, `Unauthorized`, or the error message.
    pub verdict: String,
    /// The watched variables' final values, in `--watch` order (`null` when undefined).
    pub watched: Vec<Json>,
}

/// The whole table.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    /// The template's name.
    pub template: String,
    /// The watched variables.
    pub watch: Vec<String>,
    /// One row per caller.
    pub rows: Vec<MatrixRow>,
}

/// Renders `template` once per named context.
pub fn matrix(
    engine: &Engine,
    template: &Template,
    callers: &[(String, RequestContext)],
    watch: &[String],
) -> Matrix {
    let rows = callers
        .iter()
        .map(|(name, ctx)| {
            let traced = engine.trace(template, ctx);
            let outcome = summarize(&template.source, &traced);
            let verdict = match outcome.kind {
                "rendered" => "authorized".to_string(),
                "returned" => "authorized (#return)".to_string(),
                "unauthorized" => "Unauthorized".to_string(),
                "engine-error" => format!("engine error: {}", outcome.message),
                _ => outcome.message.clone(),
            };
            let watched = watch
                .iter()
                .map(|w| {
                    traced
                        .variables
                        .get(w.trim_start_matches('$'))
                        .map(to_json)
                        .unwrap_or(Json::Null)
                })
                .collect();
            MatrixRow {
                caller: name.clone(),
                outcome,
                verdict,
                watched,
            }
        })
        .collect();
    Matrix {
        template: template.source.name().to_string(),
        watch: watch.to_vec(),
        rows,
    }
}

impl Matrix {
    /// An aligned table; `color` paints the verdicts.
    pub fn to_text(&self, color: bool) -> String {
        let p = Palette::new(color);
        let mut header = vec!["caller".to_string(), "result".to_string()];
        header.extend(
            self.watch
                .iter()
                .map(|w| format!("${}", w.trim_start_matches('$'))),
        );
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                let mut cells = vec![r.caller.clone(), shorten(&r.verdict, 70)];
                cells.extend(r.watched.iter().map(|v| shorten(&v.to_string(), 40)));
                cells
            })
            .collect();
        let widths: Vec<usize> = (0..header.len())
            .map(|i| {
                rows.iter()
                    .map(|r| r[i].chars().count())
                    .chain([header[i].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = format!("{}{}{}\n", p.bold, self.template, p.reset);
        let line =
            |cells: &[String], out: &mut String, color_of: &dyn Fn(usize) -> &'static str| {
                let parts: Vec<String> = cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let pad = widths[i].saturating_sub(c.chars().count());
                        format!("{}{c}{}{}", color_of(i), p.reset, " ".repeat(pad))
                    })
                    .collect();
                let _ = writeln!(out, "{}", parts.join("  ").trim_end());
            };
        line(&header, &mut out, &|_| p.bold);
        for (row, cells) in self.rows.iter().zip(&rows) {
            let verdict_color = if row.verdict.starts_with("authorized") {
                p.green
            } else {
                p.red
            };
            line(cells, &mut out, &|i| {
                if i == 1 {
                    verdict_color
                } else {
                    ""
                }
            });
        }
        out
    }
}
