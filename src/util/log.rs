//! `$util.log.*`: lines captured into the render's `logs`.

use super::{Builtin, Call, UtilResult};
use crate::value::Value;

/// `$util.log`
pub static LOG: super::Namespace = super::Namespace {
    name: "log",
    path: ".log",
    functions: &[
        Builtin::new(
            "info",
            1,
            10,
            "info(Object message[, Object... params])",
            "Logs a line; `{}` placeholders take the following arguments.",
            info,
        )
        .void(),
        Builtin::new(
            "debug",
            1,
            10,
            "debug(Object message[, Object... params])",
            "Logs a debug line; `{}` placeholders take the following arguments.",
            info,
        )
        .void(),
        Builtin::new(
            "error",
            1,
            10,
            "error(Object message[, Object... params])",
            "Logs an error line; `{}` placeholders take the following arguments.",
            error,
        )
        .void(),
    ],
    children: &[],
};

/// The message with each `{}` replaced by the next argument.
fn format(args: &[Value]) -> String {
    let message = args.first().map(Value::to_java_string).unwrap_or_default();
    let mut rest = args.iter().skip(1);
    let mut out = String::with_capacity(message.len());
    let mut parts = message.split("{}").peekable();
    while let Some(part) = parts.next() {
        out.push_str(part);
        if parts.peek().is_some() {
            match rest.next() {
                Some(v) => v.write_java(&mut out, 0),
                None => out.push_str("{}"),
            }
        }
    }
    out
}

fn info(call: &mut Call<'_>, args: &[Value]) -> UtilResult {
    call.state.logs.push(format(args));
    Ok(Value::Null)
}

fn error(call: &mut Call<'_>, args: &[Value]) -> UtilResult {
    call.state.logs.push(format!("ERROR {}", format(args)));
    Ok(Value::Null)
}
