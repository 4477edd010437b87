//! `vtl trace`: every evaluation event on one line, with `line:column`.

use serde_json::{json, Value as Json};

use super::why::{shorten, show};
use crate::eval::{Event, Operand};
use crate::report::Palette;
use crate::source::{Source, Span};
use crate::value::to_json;

fn operands_text(ops: &[Operand], condition: &str) -> String {
    let parts: Vec<String> = super::operand_values(ops, Span::default())
        .iter()
        .filter(|o| o.text != condition)
        .map(|o| format!("{} = {}", o.text, shorten(&o.value.to_string(), 80)))
        .collect();
    parts.join(", ")
}

/// One event as a line: `6:1 #if $util.authType() == "…" → false  [$util.authType() = "…"]`.
pub fn event_line(event: &Event, src: &Source, p: Palette) -> String {
    let at = src.line_col(event.span().start as usize);
    let Palette {
        red,
        green,
        blue,
        dim,
        reset,
        ..
    } = p;
    let verdict = |b: bool| {
        if b {
            format!("{green}true{reset}")
        } else {
            format!("{red}false{reset}")
        }
    };
    let body = match event {
        Event::Set {
            target,
            value,
            applied,
            ..
        } => {
            let skipped = if *applied {
                String::new()
            } else {
                format!(" {dim}(null: left unchanged){reset}")
            };
            format!("#set {target} = {}{skipped}", show(value))
        }
        Event::Condition {
            condition,
            elseif,
            holds,
            operands,
            ..
        } => {
            let ops = operands_text(operands, condition);
            let ops = if ops.is_empty() {
                String::new()
            } else {
                format!("  {dim}[{ops}]{reset}")
            };
            let kw = if *elseif { "#elseif" } else { "#if" };
            format!("{kw} {condition} → {}{ops}", verdict(*holds))
        }
        Event::Else { .. } => "#else".into(),
        Event::LoopStart {
            var,
            iterable,
            items,
            ..
        } => format!("#foreach ${var} in {iterable} ({items} item(s))"),
        Event::LoopPass {
            var,
            index,
            count,
            value,
            ..
        } => format!("pass {}/{count}: ${var} = {}", index + 1, show(value)),
        Event::LoopEnd { .. } => "#end of #foreach".into(),
        Event::Break { .. } => "#break".into(),
        Event::Stop { .. } => "#stop".into(),
        Event::Return { value, .. } => format!("#return {}", show(value)),
        Event::UtilCall {
            path, args, result, ..
        } => {
            let args: Vec<String> = args.iter().map(show).collect();
            format!("{path}({}) → {}", args.join(", "), show(result))
        }
        Event::Raise { error, .. } => format!(
            "{red}raised{reset} {} ({})",
            error.message,
            error.error_type.as_deref().unwrap_or("no errorType")
        ),
    };
    format!("{blue}{at}{reset} {body}")
}

/// One event as JSON (`vtl trace --format json`).
pub fn event_json(event: &Event, src: &Source) -> Json {
    let at = src.line_col(event.span().start as usize);
    let ops = |ops: &[Operand]| -> Json {
        ops.iter()
            .map(|o| json!({"text": o.text, "value": to_json(&o.value)}))
            .collect()
    };
    let mut v = match event {
        Event::Set {
            target,
            value,
            applied,
            ..
        } => json!({"event": "set", "target": target, "value": to_json(value), "applied": applied}),
        Event::Condition {
            condition,
            elseif,
            holds,
            operands,
            ..
        } => {
            json!({"event": if *elseif { "elseif" } else { "if" }, "condition": condition, "holds": holds, "operands": ops(operands)})
        }
        Event::Else { .. } => json!({"event": "else"}),
        Event::LoopStart {
            var,
            iterable,
            items,
            ..
        } => json!({"event": "foreach", "var": var, "iterable": iterable, "items": items}),
        Event::LoopPass {
            var,
            index,
            count,
            value,
            ..
        } => {
            json!({"event": "pass", "var": var, "index": index, "count": count, "value": to_json(value)})
        }
        Event::LoopEnd { .. } => json!({"event": "end-foreach"}),
        Event::Break { .. } => json!({"event": "break"}),
        Event::Stop { .. } => json!({"event": "stop"}),
        Event::Return { value, .. } => json!({"event": "return", "value": to_json(value)}),
        Event::UtilCall {
            path, args, result, ..
        } => {
            json!({"event": "util", "path": path, "args": args.iter().map(to_json).collect::<Vec<_>>(), "result": to_json(result)})
        }
        Event::Raise { error, .. } => json!({"event": "raise", "error": error.to_json()}),
    };
    if let Some(o) = v.as_object_mut() {
        o.insert("line".into(), json!(at.line));
        o.insert("column".into(), json!(at.column));
    }
    v
}
