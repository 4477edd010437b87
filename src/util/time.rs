//! `$util.time.*`: the engine's clock, and Java `DateTimeFormatter` patterns.

use super::args::{int, string, text};
use super::javatime::{self, Zone};
use super::{Builtin, Call, UtilError, UtilResult};
use crate::value::Value;

/// `$util.time`
pub static TIME: super::Namespace = super::Namespace {
    name: "time",
    path: ".time",
    functions: &[
        Builtin::new("nowISO8601", 0, 0, "nowISO8601() : String", "Now in UTC, ISO-8601 with milliseconds: `2018-02-06T19:01:35.749Z`.", now_iso8601),
        Builtin::new("nowEpochSeconds", 0, 0, "nowEpochSeconds() : long", "Now in seconds since the epoch.", now_epoch_seconds),
        Builtin::new("nowEpochMilliSeconds", 0, 0, "nowEpochMilliSeconds() : long", "Now in milliseconds since the epoch.", now_epoch_millis),
        Builtin::new("nowFormatted", 1, 2, "nowFormatted(String format[, String timezone]) : String", "Now formatted with a Java DateTimeFormatter pattern, in UTC or the given zone.", now_formatted),
        Builtin::new("parseFormattedToEpochMilliSeconds", 2, 3, "parseFormattedToEpochMilliSeconds(String time, String format[, String timezone]) : Long", "Parses a formatted time to epoch milliseconds.", parse_formatted),
        Builtin::new("parseISO8601ToEpochMilliSeconds", 1, 1, "parseISO8601ToEpochMilliSeconds(String) : Long", "Parses an ISO-8601 time to epoch milliseconds.", parse_iso8601),
        Builtin::new("epochMilliSecondsToSeconds", 1, 1, "epochMilliSecondsToSeconds(long) : long", "Milliseconds to seconds (truncating).", millis_to_seconds),
        Builtin::new("epochMilliSecondsToISO8601", 1, 1, "epochMilliSecondsToISO8601(long) : String", "Epoch milliseconds as ISO-8601 in UTC.", millis_to_iso8601),
        Builtin::new("epochMilliSecondsToFormatted", 2, 3, "epochMilliSecondsToFormatted(long, String format[, String timezone]) : String", "Epoch milliseconds formatted with a pattern, in UTC or the given zone.", millis_to_formatted),
    ],
    children: &[],
};

fn zone(args: &[Value], i: usize) -> Result<Zone, UtilError> {
    match text(args, i) {
        Some(tz) => javatime::parse_zone(&tz).map_err(UtilError::Invalid),
        None => javatime::parse_zone("UTC").map_err(UtilError::Invalid),
    }
}

fn now_iso8601(call: &mut Call<'_>, _: &[Value]) -> UtilResult {
    Ok(Value::from(javatime::iso8601_utc(call.state.now_ms)))
}

fn now_epoch_seconds(call: &mut Call<'_>, _: &[Value]) -> UtilResult {
    Ok(Value::Int(call.state.now_ms.div_euclid(1000)))
}

fn now_epoch_millis(call: &mut Call<'_>, _: &[Value]) -> UtilResult {
    Ok(Value::Int(call.state.now_ms))
}

fn now_formatted(call: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let pattern = string(args, 0)?;
    let zone = zone(args, 1)?;
    javatime::format_epoch_millis(call.state.now_ms, &pattern, &zone)
        .map(Value::from)
        .map_err(UtilError::Invalid)
}

fn parse_formatted(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let time = string(args, 0)?;
    let pattern = string(args, 1)?;
    let zone = if args.len() > 2 {
        Some(zone(args, 2)?)
    } else {
        None
    };
    javatime::parse_to_epoch_millis(&time, &pattern, zone.as_ref())
        .map(Value::Int)
        .map_err(UtilError::Invalid)
}

fn parse_iso8601(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let time = string(args, 0)?;
    javatime::parse_iso8601_to_epoch_millis(&time)
        .map(Value::Int)
        .map_err(UtilError::Invalid)
}

fn millis_to_seconds(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Ok(Value::Int(int(args, 0)? / 1000))
}

fn millis_to_iso8601(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Ok(Value::from(javatime::iso8601_utc(int(args, 0)?)))
}

fn millis_to_formatted(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let ms = int(args, 0)?;
    let pattern = string(args, 1)?;
    let zone = zone(args, 2)?;
    javatime::format_epoch_millis(ms, &pattern, &zone)
        .map(Value::from)
        .map_err(UtilError::Invalid)
}
