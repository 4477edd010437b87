//! Java `java.time.format.DateTimeFormatter` pattern semantics (Locale.US, SMART resolver, strict
//! case-sensitive parsing) as used by AWS AppSync's `$util.time` helpers.
//!
//! Supported pattern letters: `G u y Y D M L d Q q w W E e c F a h K k H m s S A n N g V z v O X x Z`
//! and the pad modifier `p`, plus `'quoted'` literals, `''` for a quote, optional sections `[...]`
//! and any other non-letter character as a literal. Unknown letters (for example `b`, `B`, `f`)
//! and the reserved characters `#`, `{`, `}` are errors, as in Java.
//!
//! Known approximations: zone names (`z`, `zzzz`, `v`) come from the tz database abbreviation
//! (with a small table of English long names) instead of CLDR; a parsed text with no time-of-day
//! fields at all resolves to midnight instead of failing.

// The module may be mounted privately (`mod javatime;`) while keeping the `pub` API.
#![allow(unreachable_pub)]

mod fields;
mod format;
mod parse;
mod pattern;
mod resolve;
mod texts;
mod zone;

#[cfg(test)]
mod tests;

use chrono::FixedOffset;
use chrono_tz::Tz;
use fields::{civil_from_days, Field, Moment};
use format::format_item;
use parse::parse_with_items;
use pattern::{compile, Item, Sign};

pub use zone::parse_zone;

/// A time zone: either a fixed offset like "+08:00", "-07:00:30", "Z", "UTC", "GMT+2" or an IANA id like "Australia/Perth".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    /// A fixed offset from UTC (Java `ZoneOffset`).
    Fixed(FixedOffset),
    /// A region zone from the IANA tz database (Java `ZoneRegion`).
    Named(Tz),
}

const MAX_OFFSET_SECS: i64 = 18 * 3600;
const NANOS_PER_SEC: i64 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;

/// Format epoch milliseconds with a DateTimeFormatter pattern in a zone.
pub fn format_epoch_millis(epoch_ms: i64, pattern: &str, zone: &Zone) -> Result<String, String> {
    let items = compile(pattern)?;
    let moment = Moment::from_epoch_millis(epoch_ms, zone)?;
    let mut out = String::new();
    for item in &items {
        format_item(item, &moment, &mut out)?;
    }
    Ok(out)
}

/// Parse text with a pattern; the zone comes from the text (pattern letters Z, X, x, z, O, VV) or else from `default_zone`; error if neither.
pub fn parse_to_epoch_millis(
    text: &str,
    pattern: &str,
    default_zone: Option<&Zone>,
) -> Result<i64, String> {
    let items = compile(pattern)?;
    parse_with_items(text, &items, pattern, default_zone, false)
}

/// ISO-8601 (Java's ISO_OFFSET_DATE_TIME / Instant parsing as AppSync's parseISO8601ToEpochMilliSeconds accepts: "2018-02-01T17:21:05.180+08:00", "2018-02-01T17:21:05Z", fractional seconds 0-9 digits).
pub fn parse_iso8601_to_epoch_millis(text: &str) -> Result<i64, String> {
    let num2 = |field| Item::Number {
        field,
        min: 2,
        max: 2,
        sign: Sign::NotNegative,
        subsequent: 0,
        reduced: false,
    };
    let items = vec![
        Item::Number {
            field: Field::Year,
            min: 4,
            max: 10,
            sign: Sign::ExceedsPad,
            subsequent: 0,
            reduced: false,
        },
        Item::Literal("-".into()),
        num2(Field::MonthOfYear),
        Item::Literal("-".into()),
        num2(Field::DayOfMonth),
        Item::Literal("T".into()),
        num2(Field::HourOfDay),
        Item::Literal(":".into()),
        num2(Field::MinuteOfHour),
        Item::Optional(vec![
            Item::Literal(":".into()),
            num2(Field::SecondOfMinute),
            Item::Optional(vec![Item::Fraction {
                min: 0,
                max: 9,
                decimal_point: true,
            }]),
        ]),
        Item::Offset {
            kind: 6,
            no_offset: "Z",
            lenient: true,
        },
        Item::Optional(vec![
            Item::Literal("[".into()),
            Item::ZoneId,
            Item::Literal("]".into()),
        ]),
    ];
    parse_with_items(text, &items, "ISO-8601", None, true)
}

/// What $util.time.nowISO8601 / epochMilliSecondsToISO8601 print: UTC, always 3 fraction digits, 'Z' (e.g. 2018-02-06T19:01:35.749Z).
pub fn iso8601_utc(epoch_ms: i64) -> String {
    let days = epoch_ms.div_euclid(SECS_PER_DAY * 1000);
    let ms_of_day = epoch_ms.rem_euclid(SECS_PER_DAY * 1000);
    let (y, m, d) = civil_from_days(days);
    let mut out = String::with_capacity(24);
    if y > 9999 {
        out.push('+');
        out.push_str(itoa::Buffer::new().format(y));
    } else if y < 0 {
        out.push('-');
        push_padded(&mut out, y.unsigned_abs(), 4);
    } else {
        push_padded(&mut out, y.unsigned_abs(), 4);
    }
    let secs = ms_of_day / 1000;
    let fields = [
        ('-', m, 2),
        ('-', d, 2),
        ('T', secs / 3600, 2),
        (':', secs / 60 % 60, 2),
        (':', secs % 60, 2),
        ('.', ms_of_day % 1000, 3),
    ];
    for (separator, value, width) in fields {
        out.push(separator);
        push_padded(&mut out, value.unsigned_abs(), width);
    }
    out.push('Z');
    out
}

/// Appends `n` in decimal, with leading zeros up to `width` digits.
fn push_padded(out: &mut String, n: u64, width: usize) {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(n);
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(digits);
}
