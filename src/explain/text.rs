//! The human-readable form of an [`Explanation`].

use std::fmt::Write as _;

use super::{Explanation, GuardState, OutcomeSummary};
use crate::explain::why::shorten;
use crate::report::Palette;

fn json_text(v: &serde_json::Value) -> String {
    shorten(&v.to_string(), 80)
}

impl OutcomeSummary {
    /// `Unauthorized: Not Authorized … (raised at 23:1)`, coloured by kind.
    pub fn line(&self, p: Palette) -> String {
        let (color, label) = match self.kind {
            "rendered" => (p.green, "rendered"),
            "returned" => (p.green, "returned"),
            "unauthorized" => (p.red, "Unauthorized"),
            "error" => (p.red, "error"),
            _ => (p.red, "engine error"),
        };
        let at = match self.at {
            Some(at) => format!(" {}(at {at}){}", p.dim, p.reset),
            None => String::new(),
        };
        format!("{color}{label}{}: {}{at}", p.reset, self.message)
    }
}

fn guard_line(g: &GuardState, p: Palette) -> String {
    let verdict = match (g.directive, g.holds) {
        ("#foreach", _) => match &g.pass {
            Some(pass) => format!("{}pass {pass}{}", p.green, p.reset),
            None => format!("{}no pass{}", p.red, p.reset),
        },
        (_, Some(true)) => format!("{}true{}", p.green, p.reset),
        (_, Some(false)) => format!("{}false{}", p.red, p.reset),
        (_, None) => format!("{}not evaluated{}", p.dim, p.reset),
    };
    let mut s = format!(
        "{}{}{} {} `{}` → {verdict}",
        p.blue, g.at, p.reset, g.directive, g.text
    );
    if !g.operands.is_empty() {
        let ops: Vec<String> = g
            .operands
            .iter()
            .map(|o| format!("{} = {}", o.text, json_text(&o.value)))
            .collect();
        let _ = write!(s, "  {}[{}]{}", p.dim, ops.join(", "), p.reset);
    }
    s
}

impl Explanation {
    /// The report `vtl explain` prints; `color` adds ANSI colours.
    pub fn to_text(&self, color: bool) -> String {
        let p = Palette::new(color);
        let mut out = String::new();
        let _ = writeln!(out, "{}{}{}", p.bold, self.template, p.reset);
        let _ = writeln!(out, "outcome: {}", self.outcome.line(p));
        for g in &self.outcome.because {
            let _ = writeln!(out, "  because inside {}", guard_line(g, p));
        }
        for w in &self.watches {
            let value = match &w.final_value {
                Some(v) => json_text(v),
                None => "(never set)".into(),
            };
            let _ = writeln!(out, "\n{}${}{} = {value}", p.bold, w.name, p.reset);
            if !w.assignments.is_empty() {
                let _ = writeln!(out, "  assignments:");
            }
            for a in &w.assignments {
                let note = if a.applied {
                    String::new()
                } else {
                    format!(" {}(null: left unchanged){}", p.dim, p.reset)
                };
                let _ = writeln!(
                    out,
                    "    {}{}{} #set {} = {}{note}",
                    p.blue,
                    a.at,
                    p.reset,
                    a.target,
                    json_text(&a.value)
                );
                for g in &a.guards {
                    let _ = writeln!(out, "        inside {}", guard_line(g, p));
                }
            }
            if !w.skipped.is_empty() {
                let _ = writeln!(out, "  never ran:");
            }
            for k in &w.skipped {
                let _ = writeln!(out, "    {}{}{} {}", p.blue, k.at, p.reset, k.text);
                if let Some(g) = &k.decider {
                    let _ = writeln!(out, "        decided by {}", guard_line(g, p));
                }
                let _ = writeln!(out, "        {}{}{}", p.yellow, k.reason, p.reset);
            }
            for l in &w.loops {
                let _ = writeln!(out, "  loop {}{}{} {}", p.blue, l.at, p.reset, l.head);
                if !l.reached {
                    let _ = writeln!(out, "    {}(never reached){}", p.dim, p.reset);
                } else if l.passes.is_empty() {
                    let _ = writeln!(out, "    {}(no passes){}", p.dim, p.reset);
                }
                for pass in &l.passes {
                    let _ = writeln!(out, "    {pass}");
                }
            }
            let _ = writeln!(out, "  {}answer:{} {}", p.bold, p.reset, w.answer);
        }
        out
    }
}
