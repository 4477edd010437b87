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

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::{OffsetName, Tz, TZ_VARIANTS};
use std::collections::BTreeMap;
use std::str::FromStr;

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
/// Days from 0000-03-01-based civil epoch helpers: 1970-01-01 as days since 0001-01-01 (CE).
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// Parse a time zone the way Java's `ZoneId.of` does.
pub fn parse_zone(tz: &str) -> Result<Zone, String> {
    if tz == "Z" {
        return Ok(Zone::Fixed(fixed(0)?));
    }
    if tz.starts_with('+') || tz.starts_with('-') {
        let secs = parse_offset_id(tz).ok_or_else(|| format!("invalid time zone offset '{tz}'"))?;
        return Ok(Zone::Fixed(fixed(secs)?));
    }
    for prefix in ["UTC", "GMT", "UT"] {
        if let Some(rest) = tz.strip_prefix(prefix) {
            if rest.is_empty() {
                let named = if prefix == "GMT" { Tz::GMT } else { Tz::UTC };
                return Ok(Zone::Named(named));
            }
            if rest.starts_with('+') || rest.starts_with('-') {
                let secs =
                    parse_offset_id(rest).ok_or_else(|| format!("invalid time zone '{tz}'"))?;
                return Ok(Zone::Fixed(fixed(secs)?));
            }
        }
    }
    Tz::from_str(tz)
        .map(Zone::Named)
        .map_err(|_| format!("unknown time zone '{tz}'"))
}

/// Java `ZoneOffset.of` id forms: +h, +hh, +hh:mm, +hhmm, +hh:mm:ss, +hhmmss.
fn parse_offset_id(id: &str) -> Option<i32> {
    let chars: Vec<char> = id.chars().collect();
    let negative = match chars.first()? {
        '+' => false,
        '-' => true,
        _ => return None,
    };
    let num = |start: usize, colon: bool| -> Option<i32> {
        let mut i = start;
        if colon {
            if chars.get(i) != Some(&':') {
                return None;
            }
            i += 1;
        }
        let a = chars.get(i)?.to_digit(10)?;
        let b = chars.get(i + 1)?.to_digit(10)?;
        if !chars.get(i)?.is_ascii_digit() || !chars.get(i + 1)?.is_ascii_digit() {
            return None;
        }
        Some((a * 10 + b) as i32)
    };
    let (h, m, s) = match chars.len() {
        2 => {
            if !chars[1].is_ascii_digit() {
                return None;
            }
            (chars[1].to_digit(10)? as i32, 0, 0)
        }
        3 => (num(1, false)?, 0, 0),
        5 => (num(1, false)?, num(3, false)?, 0),
        6 => (num(1, false)?, num(3, true)?, 0),
        7 => (num(1, false)?, num(3, false)?, num(5, false)?),
        9 => (num(1, false)?, num(3, true)?, num(6, true)?),
        _ => return None,
    };
    if h > 18 || m > 59 || s > 59 {
        return None;
    }
    let total = h * 3600 + m * 60 + s;
    if i64::from(total) > MAX_OFFSET_SECS {
        return None;
    }
    Some(if negative { -total } else { total })
}

fn fixed(secs: i32) -> Result<FixedOffset, String> {
    FixedOffset::east_opt(secs).ok_or_else(|| format!("offset of {secs} seconds is out of range"))
}

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

/// Days since 1970-01-01 to proleptic Gregorian (year, month, day) (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = i128::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i128::from(m <= 2);
    (y as i64, m as i64, d as i64)
}

// ---------------------------------------------------------------------------------------------
// Fields
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Era,
    YearOfEra,
    Year,
    MonthOfYear,
    DayOfMonth,
    DayOfYear,
    DayOfWeek,
    LocalDayOfWeek,
    QuarterOfYear,
    WeekBasedYear,
    WeekOfWeekBasedYear,
    WeekOfMonth,
    AlignedDayOfWeekInMonth,
    AmPmOfDay,
    HourOfAmPm,
    ClockHourOfAmPm,
    HourOfDay,
    ClockHourOfDay,
    MinuteOfHour,
    SecondOfMinute,
    NanoOfSecond,
    NanoOfDay,
    MilliOfDay,
    ModifiedJulianDay,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Era => "Era",
            Field::YearOfEra => "YearOfEra",
            Field::Year => "Year",
            Field::MonthOfYear => "MonthOfYear",
            Field::DayOfMonth => "DayOfMonth",
            Field::DayOfYear => "DayOfYear",
            Field::DayOfWeek => "DayOfWeek",
            Field::LocalDayOfWeek => "DayOfWeek[WeekFields[SUNDAY,1]]",
            Field::QuarterOfYear => "QuarterOfYear",
            Field::WeekBasedYear => "WeekBasedYear[WeekFields[SUNDAY,1]]",
            Field::WeekOfWeekBasedYear => "WeekOfWeekBasedYear[WeekFields[SUNDAY,1]]",
            Field::WeekOfMonth => "WeekOfMonth[WeekFields[SUNDAY,1]]",
            Field::AlignedDayOfWeekInMonth => "AlignedDayOfWeekInMonth",
            Field::AmPmOfDay => "AmPmOfDay",
            Field::HourOfAmPm => "HourOfAmPm",
            Field::ClockHourOfAmPm => "ClockHourOfAmPm",
            Field::HourOfDay => "HourOfDay",
            Field::ClockHourOfDay => "ClockHourOfDay",
            Field::MinuteOfHour => "MinuteOfHour",
            Field::SecondOfMinute => "SecondOfMinute",
            Field::NanoOfSecond => "NanoOfSecond",
            Field::NanoOfDay => "NanoOfDay",
            Field::MilliOfDay => "MilliOfDay",
            Field::ModifiedJulianDay => "ModifiedJulianDay",
        }
    }

    fn range(self) -> (i64, i64) {
        match self {
            Field::Era => (0, 1),
            Field::YearOfEra => (1, 999_999_999),
            Field::Year | Field::WeekBasedYear => (-999_999_999, 999_999_999),
            Field::MonthOfYear => (1, 12),
            Field::DayOfMonth => (1, 31),
            Field::DayOfYear => (1, 366),
            Field::DayOfWeek | Field::LocalDayOfWeek | Field::AlignedDayOfWeekInMonth => (1, 7),
            Field::QuarterOfYear => (1, 4),
            Field::WeekOfWeekBasedYear => (1, 53),
            Field::WeekOfMonth => (0, 6),
            Field::AmPmOfDay => (0, 1),
            Field::HourOfAmPm => (0, 11),
            Field::ClockHourOfAmPm => (1, 12),
            // 24 is accepted here and handled as end-of-day by the SMART resolver.
            Field::HourOfDay => (0, 24),
            Field::ClockHourOfDay => (1, 24),
            Field::MinuteOfHour | Field::SecondOfMinute => (0, 59),
            Field::NanoOfSecond => (0, NANOS_PER_SEC - 1),
            Field::NanoOfDay => (0, SECS_PER_DAY * NANOS_PER_SEC - 1),
            Field::MilliOfDay => (0, SECS_PER_DAY * 1000 - 1),
            Field::ModifiedJulianDay => (-365_243_219_162 + 40_587, 365_241_780_471 + 40_587),
        }
    }
}

/// A date, time and zone from which every field can be read.
struct Moment {
    date: NaiveDate,
    sod: i64,
    nano: i64,
    offset: i32,
    zone: Zone,
    abbr: Option<String>,
}

impl Moment {
    fn from_epoch_millis(epoch_ms: i64, zone: &Zone) -> Result<Moment, String> {
        let utc: DateTime<Utc> = DateTime::from_timestamp_millis(epoch_ms).ok_or_else(|| {
            format!("epoch milliseconds {epoch_ms} are out of the supported range")
        })?;
        let naive_utc = utc.naive_utc();
        let (offset, abbr) = match zone {
            Zone::Fixed(f) => (f.local_minus_utc(), None),
            Zone::Named(tz) => {
                let o = tz.offset_from_utc_datetime(&naive_utc);
                (
                    o.fix().local_minus_utc(),
                    o.abbreviation().map(str::to_string),
                )
            }
        };
        let local = TimeDelta::try_seconds(i64::from(offset))
            .and_then(|d| naive_utc.checked_add_signed(d))
            .ok_or_else(|| {
                format!("epoch milliseconds {epoch_ms} are out of the supported range")
            })?;
        let secs = local.and_utc().timestamp();
        let nano = i64::from(local.and_utc().timestamp_subsec_nanos());
        Ok(Moment {
            date: local.date(),
            sod: secs.rem_euclid(SECS_PER_DAY),
            nano,
            offset,
            zone: *zone,
            abbr,
        })
    }

    fn get(&self, field: Field) -> i64 {
        date_time_field(self.date, self.sod, self.nano, field)
    }
}

fn date_time_field(date: NaiveDate, sod: i64, nano: i64, field: Field) -> i64 {
    let year = i64::from(date.year());
    let hour = sod / 3600;
    match field {
        Field::Era => i64::from(year >= 1),
        Field::YearOfEra => {
            if year >= 1 {
                year
            } else {
                1 - year
            }
        }
        Field::Year => year,
        Field::MonthOfYear => i64::from(date.month()),
        Field::DayOfMonth => i64::from(date.day()),
        Field::DayOfYear => i64::from(date.ordinal()),
        Field::DayOfWeek => i64::from(date.weekday().number_from_monday()),
        Field::LocalDayOfWeek => local_dow(date),
        Field::QuarterOfYear => (i64::from(date.month()) - 1) / 3 + 1,
        Field::WeekBasedYear => week_based_year(date),
        Field::WeekOfWeekBasedYear => week_of_week_based_year(date),
        Field::WeekOfMonth => {
            let dom = i64::from(date.day());
            compute_week(start_of_week_offset(dom, local_dow(date)), dom)
        }
        Field::AlignedDayOfWeekInMonth => (i64::from(date.day()) - 1) % 7 + 1,
        Field::AmPmOfDay => hour / 12,
        Field::HourOfAmPm => hour % 12,
        Field::ClockHourOfAmPm => {
            if hour % 12 == 0 {
                12
            } else {
                hour % 12
            }
        }
        Field::HourOfDay => hour,
        Field::ClockHourOfDay => {
            if hour == 0 {
                24
            } else {
                hour
            }
        }
        Field::MinuteOfHour => sod / 60 % 60,
        Field::SecondOfMinute => sod % 60,
        Field::NanoOfSecond => nano,
        Field::NanoOfDay => sod * NANOS_PER_SEC + nano,
        Field::MilliOfDay => sod * 1000 + nano / 1_000_000,
        Field::ModifiedJulianDay => epoch_day(date) + 40_587,
    }
}

fn epoch_day(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - UNIX_EPOCH_DAYS_FROM_CE
}

// Week fields for Locale.US: first day of week Sunday, minimal days in first week 1.
const MIN_DAYS_IN_FIRST_WEEK: i64 = 1;

fn local_dow(date: NaiveDate) -> i64 {
    i64::from(date.weekday().number_from_sunday())
}

fn start_of_week_offset(day: i64, dow: i64) -> i64 {
    let week_start = (day - dow).rem_euclid(7);
    if week_start + 1 > MIN_DAYS_IN_FIRST_WEEK {
        7 - week_start
    } else {
        -week_start
    }
}

fn compute_week(offset: i64, day: i64) -> i64 {
    (7 + offset + (day - 1)).div_euclid(7)
}

fn year_len(year: i32) -> i64 {
    if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366
    } else {
        365
    }
}

/// Returns (week, year-shift) of the week-based-year for a date.
fn week_and_shift(date: NaiveDate) -> (i64, i64) {
    let doy = i64::from(date.ordinal());
    let offset = start_of_week_offset(doy, local_dow(date));
    let week = compute_week(offset, doy);
    if week == 0 {
        // Belongs to the last week of the previous year.
        let prev = date
            .with_ordinal(1)
            .and_then(|d| d.pred_opt())
            .map(|d| {
                let doy = i64::from(d.ordinal());
                compute_week(start_of_week_offset(doy, local_dow(d)), doy)
            })
            .unwrap_or(52);
        return (prev, -1);
    }
    let new_year_week = compute_week(offset, year_len(date.year()) + MIN_DAYS_IN_FIRST_WEEK);
    if week >= new_year_week {
        (week - new_year_week + 1, 1)
    } else {
        (week, 0)
    }
}

fn week_of_week_based_year(date: NaiveDate) -> i64 {
    week_and_shift(date).0
}

fn week_based_year(date: NaiveDate) -> i64 {
    i64::from(date.year()) + week_and_shift(date).1
}

// ---------------------------------------------------------------------------------------------
// Pattern compilation
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sign {
    Normal,
    NotNegative,
    ExceedsPad,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Short,
    Full,
    Narrow,
}

#[derive(Clone, Debug)]
enum Item {
    Literal(String),
    Number {
        field: Field,
        min: usize,
        max: usize,
        sign: Sign,
        /// Width reserved for following adjacent fixed-width values; -1 means "fixed width".
        subsequent: i64,
        /// Two-digit year reduced to base 2000.
        reduced: bool,
    },
    Fraction {
        min: usize,
        max: usize,
        decimal_point: bool,
    },
    Text {
        field: Field,
        style: Style,
    },
    /// Java OffsetIdPrinterParser; `kind` indexes PATTERNS below.
    Offset {
        kind: usize,
        no_offset: &'static str,
        lenient: bool,
    },
    LocalizedOffset {
        full: bool,
    },
    ZoneText {
        full: bool,
    },
    ZoneId,
    Optional(Vec<Item>),
    Pad {
        width: usize,
        item: Box<Item>,
    },
}

// Offset kinds (Java OffsetIdPrinterParser.PATTERNS): 0 "+HH", 1 "+HHmm", 2 "+HH:mm", 3 "+HHMM",
// 4 "+HH:MM", 5 "+HHMMss", 6 "+HH:MM:ss", 7 "+HHMMSS", 8 "+HH:MM:SS".

struct Level {
    items: Vec<Item>,
    value_idx: Option<usize>,
}

struct Builder {
    levels: Vec<Level>,
    pad_next: usize,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            levels: vec![Level {
                items: Vec::new(),
                value_idx: None,
            }],
            pad_next: 0,
        }
    }

    fn top(&mut self) -> &mut Level {
        if self.levels.is_empty() {
            self.levels.push(Level {
                items: Vec::new(),
                value_idx: None,
            });
        }
        let last = self.levels.len() - 1;
        &mut self.levels[last]
    }

    fn append(&mut self, item: Item) -> usize {
        let pad = std::mem::take(&mut self.pad_next);
        let item = if pad > 0 {
            Item::Pad {
                width: pad,
                item: Box::new(item),
            }
        } else {
            item
        };
        let level = self.top();
        level.items.push(item);
        level.value_idx = None;
        level.items.len() - 1
    }

    /// Java's appendValue with adjacent value parsing.
    fn append_value(&mut self, item: Item) {
        if self.pad_next > 0 {
            self.append(item);
            return;
        }
        let fixed_width = match &item {
            Item::Number { min, max, sign, .. } => min == max && *sign == Sign::NotNegative,
            Item::Fraction {
                min,
                max,
                decimal_point,
            } => min == max && !decimal_point,
            _ => false,
        };
        let width = match &item {
            Item::Number { max, .. } | Item::Fraction { max, .. } => *max,
            _ => 0,
        };
        let level = self.top();
        match level.value_idx {
            Some(idx) => {
                let base_is_number = matches!(level.items.get(idx), Some(Item::Number { .. }));
                if fixed_width {
                    if let Some(Item::Number { subsequent, .. }) = level.items.get_mut(idx) {
                        *subsequent = (*subsequent).max(0) + width as i64;
                    }
                    let item = match item {
                        Item::Number {
                            field,
                            min,
                            max,
                            sign,
                            reduced,
                            ..
                        } => Item::Number {
                            field,
                            min,
                            max,
                            sign,
                            subsequent: -1,
                            reduced,
                        },
                        other => other,
                    };
                    level.items.push(item);
                    level.value_idx = if base_is_number { Some(idx) } else { None };
                } else {
                    if let Some(Item::Number { subsequent, .. }) = level.items.get_mut(idx) {
                        *subsequent = -1;
                    }
                    level.items.push(item);
                    level.value_idx = Some(level.items.len() - 1);
                }
            }
            None => {
                level.items.push(item);
                level.value_idx = Some(level.items.len() - 1);
            }
        }
    }

    fn optional_start(&mut self) {
        self.levels.push(Level {
            items: Vec::new(),
            value_idx: None,
        });
    }

    fn optional_end(&mut self) {
        if self.levels.len() > 1 {
            if let Some(level) = self.levels.pop() {
                self.append(Item::Optional(level.items));
            }
        }
    }

    fn finish(mut self) -> Vec<Item> {
        while self.levels.len() > 1 {
            self.optional_end();
        }
        self.levels.pop().map(|l| l.items).unwrap_or_default()
    }
}

fn number(field: Field, min: usize, max: usize, sign: Sign) -> Item {
    Item::Number {
        field,
        min,
        max,
        sign,
        subsequent: 0,
        reduced: false,
    }
}

fn compile(pattern: &str) -> Result<Vec<Item>, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut b = Builder::new();
    let mut pos = 0;
    while pos < chars.len() {
        let mut cur = chars[pos];
        if cur.is_ascii_alphabetic() {
            let mut start = pos;
            pos += 1;
            while pos < chars.len() && chars[pos] == cur {
                pos += 1;
            }
            let mut count = pos - start;
            if cur == 'p' {
                let mut pad = 0;
                if pos < chars.len() && chars[pos].is_ascii_alphabetic() {
                    pad = count;
                    cur = chars[pos];
                    start = pos;
                    pos += 1;
                    while pos < chars.len() && chars[pos] == cur {
                        pos += 1;
                    }
                    count = pos - start;
                }
                if pad == 0 {
                    return Err(format!(
                        "pad letter 'p' must be followed by a pattern letter at {start} in pattern '{pattern}'"
                    ));
                }
                b.pad_next = pad;
            }
            add_letter(&mut b, cur, count, start, pattern)?;
        } else if cur == '\'' {
            let start = pos;
            pos += 1;
            let mut lit = String::new();
            let mut closed = false;
            while pos < chars.len() {
                if chars[pos] == '\'' {
                    if pos + 1 < chars.len() && chars[pos + 1] == '\'' {
                        lit.push('\'');
                        pos += 2;
                        continue;
                    }
                    closed = true;
                    break;
                }
                lit.push(chars[pos]);
                pos += 1;
            }
            if !closed {
                return Err(format!(
                    "pattern '{pattern}' ends with an incomplete string literal starting at {start}"
                ));
            }
            pos += 1;
            if lit.is_empty() {
                lit.push('\'');
            }
            b.append(Item::Literal(lit));
        } else if cur == '[' {
            b.optional_start();
            pos += 1;
        } else if cur == ']' {
            if b.levels.len() <= 1 {
                return Err(format!(
                    "pattern '{pattern}' contains ']' without previous '[' at {pos}"
                ));
            }
            b.optional_end();
            pos += 1;
        } else if cur == '{' || cur == '}' || cur == '#' {
            return Err(format!(
                "pattern '{pattern}' includes reserved character '{cur}' at {pos}"
            ));
        } else {
            b.append(Item::Literal(cur.to_string()));
            pos += 1;
        }
    }
    Ok(b.finish())
}

fn add_letter(
    b: &mut Builder,
    cur: char,
    count: usize,
    at: usize,
    pattern: &str,
) -> Result<(), String> {
    let too_many =
        || format!("too many pattern letters '{cur}' ({count}) at {at} in pattern '{pattern}'");
    let text_style = |count: usize| match count {
        4 => Ok(Style::Full),
        5 => Ok(Style::Narrow),
        n if n <= 3 => Ok(Style::Short),
        _ => Err(too_many()),
    };
    match cur {
        'u' | 'y' | 'Y' => {
            let field = match cur {
                'u' => Field::Year,
                'y' => Field::YearOfEra,
                _ => Field::WeekBasedYear,
            };
            if count == 2 {
                b.append_value(Item::Number {
                    field,
                    min: 2,
                    max: 2,
                    sign: Sign::NotNegative,
                    subsequent: 0,
                    reduced: true,
                });
            } else if count > 19 {
                return Err(too_many());
            } else {
                let sign = if count < 4 {
                    Sign::Normal
                } else {
                    Sign::ExceedsPad
                };
                b.append_value(number(field, count, 19, sign));
            }
        }
        'G' => {
            let style = text_style(count)?;
            b.append(Item::Text {
                field: Field::Era,
                style,
            });
        }
        'M' | 'L' | 'Q' | 'q' => {
            let field = if cur == 'M' || cur == 'L' {
                Field::MonthOfYear
            } else {
                Field::QuarterOfYear
            };
            match count {
                1 => b.append_value(number(field, 1, 19, Sign::Normal)),
                2 => b.append_value(number(field, 2, 2, Sign::NotNegative)),
                3..=5 => {
                    let style = text_style(count)?;
                    b.append(Item::Text { field, style });
                }
                _ => return Err(too_many()),
            }
        }
        'E' => {
            let style = text_style(count)?;
            b.append(Item::Text {
                field: Field::DayOfWeek,
                style,
            });
        }
        'e' | 'c' => match count {
            1 => b.append_value(number(Field::LocalDayOfWeek, 1, 1, Sign::NotNegative)),
            2 if cur == 'e' => b.append_value(number(Field::LocalDayOfWeek, 2, 2, Sign::NotNegative)),
            2 => {
                return Err(format!(
                    "invalid pattern \"cc\" at {at} in pattern '{pattern}'"
                ))
            }
            3..=5 => {
                let style = text_style(count)?;
                b.append(Item::Text {
                    field: Field::DayOfWeek,
                    style,
                });
            }
            _ => return Err(too_many()),
        },
        'w' => {
            if count > 2 {
                return Err(too_many());
            }
            b.append_value(number(
                Field::WeekOfWeekBasedYear,
                count,
                2,
                Sign::NotNegative,
            ));
        }
        'W' => {
            if count > 1 {
                return Err(too_many());
            }
            b.append_value(number(Field::WeekOfMonth, 1, 1, Sign::NotNegative));
        }
        'a' => {
            if count > 1 {
                return Err(too_many());
            }
            b.append(Item::Text {
                field: Field::AmPmOfDay,
                style: Style::Short,
            });
        }
        'S' => {
            if count > 9 {
                return Err(too_many());
            }
            b.append_value(Item::Fraction {
                min: count,
                max: count,
                decimal_point: false,
            });
        }
        'F' => {
            if count > 1 {
                return Err(too_many());
            }
            b.append_value(number(Field::AlignedDayOfWeekInMonth, 1, 19, Sign::Normal));
        }
        'd' | 'h' | 'H' | 'k' | 'K' | 'm' | 's' => {
            let field = match cur {
                'd' => Field::DayOfMonth,
                'h' => Field::ClockHourOfAmPm,
                'H' => Field::HourOfDay,
                'k' => Field::ClockHourOfDay,
                'K' => Field::HourOfAmPm,
                'm' => Field::MinuteOfHour,
                _ => Field::SecondOfMinute,
            };
            match count {
                1 => b.append_value(number(field, 1, 19, Sign::Normal)),
                2 => b.append_value(number(field, 2, 2, Sign::NotNegative)),
                _ => return Err(too_many()),
            }
        }
        'D' => match count {
            1 => b.append_value(number(Field::DayOfYear, 1, 19, Sign::Normal)),
            2 | 3 => b.append_value(number(Field::DayOfYear, count, 3, Sign::NotNegative)),
            _ => return Err(too_many()),
        },
        'g' => {
            if count > 19 {
                return Err(too_many());
            }
            b.append_value(number(Field::ModifiedJulianDay, count, 19, Sign::Normal));
        }
        'A' | 'n' | 'N' => {
            if count > 19 {
                return Err(too_many());
            }
            let field = match cur {
                'A' => Field::MilliOfDay,
                'n' => Field::NanoOfSecond,
                _ => Field::NanoOfDay,
            };
            b.append_value(number(field, count, 19, Sign::NotNegative));
        }
        'z' => match count {
            1..=3 => {
                b.append(Item::ZoneText { full: false });
            }
            4 => {
                b.append(Item::ZoneText { full: true });
            }
            _ => return Err(too_many()),
        },
        'v' => match count {
            1 => {
                b.append(Item::ZoneText { full: false });
            }
            4 => {
                b.append(Item::ZoneText { full: true });
            }
            _ => {
                return Err(format!(
                    "wrong number of pattern letters 'v' ({count}) at {at} in pattern '{pattern}': must be 1 or 4"
                ))
            }
        },
        'V' => {
            if count != 2 {
                return Err(format!(
                    "wrong number of pattern letters 'V' ({count}) at {at} in pattern '{pattern}': must be 2"
                ));
            }
            b.append(Item::ZoneId);
        }
        'Z' => match count {
            1..=3 => {
                b.append(Item::Offset {
                    kind: 3,
                    no_offset: "+0000",
                    lenient: false,
                });
            }
            4 => {
                b.append(Item::LocalizedOffset { full: true });
            }
            5 => {
                b.append(Item::Offset {
                    kind: 6,
                    no_offset: "Z",
                    lenient: false,
                });
            }
            _ => return Err(too_many()),
        },
        'O' => match count {
            1 => {
                b.append(Item::LocalizedOffset { full: false });
            }
            4 => {
                b.append(Item::LocalizedOffset { full: true });
            }
            _ => {
                return Err(format!(
                    "wrong number of pattern letters 'O' ({count}) at {at} in pattern '{pattern}': must be 1 or 4"
                ))
            }
        },
        'X' | 'x' => {
            if count > 5 {
                return Err(too_many());
            }
            let kind = count + usize::from(count != 1);
            let no_offset = if cur == 'X' {
                "Z"
            } else if count == 1 {
                "+00"
            } else if count.is_multiple_of(2) {
                "+0000"
            } else {
                "+00:00"
            };
            b.append(Item::Offset {
                kind,
                no_offset,
                lenient: false,
            });
        }
        _ => {
            return Err(format!(
                "unknown pattern letter '{cur}' at {at} in pattern '{pattern}'"
            ))
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Texts (Locale.US)
// ---------------------------------------------------------------------------------------------

const MONTHS_FULL: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_SHORT: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_NARROW: [&str; 12] = ["J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D"];
const DAYS_FULL: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const DAYS_SHORT: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const DAYS_NARROW: [&str; 7] = ["M", "T", "W", "T", "F", "S", "S"];
const QUARTERS_FULL: [&str; 4] = ["1st quarter", "2nd quarter", "3rd quarter", "4th quarter"];
const QUARTERS_SHORT: [&str; 4] = ["Q1", "Q2", "Q3", "Q4"];
const QUARTERS_NARROW: [&str; 4] = ["1", "2", "3", "4"];
const AMPM: [&str; 2] = ["AM", "PM"];
const ERAS_FULL: [&str; 2] = ["Before Christ", "Anno Domini"];
const ERAS_SHORT: [&str; 2] = ["BC", "AD"];
const ERAS_NARROW: [&str; 2] = ["B", "A"];

/// The texts of a field in a style and the value of the first text.
fn texts(field: Field, style: Style) -> (&'static [&'static str], i64) {
    match (field, style) {
        (Field::MonthOfYear, Style::Full) => (&MONTHS_FULL, 1),
        (Field::MonthOfYear, Style::Short) => (&MONTHS_SHORT, 1),
        (Field::MonthOfYear, Style::Narrow) => (&MONTHS_NARROW, 1),
        (Field::QuarterOfYear, Style::Full) => (&QUARTERS_FULL, 1),
        (Field::QuarterOfYear, Style::Short) => (&QUARTERS_SHORT, 1),
        (Field::QuarterOfYear, Style::Narrow) => (&QUARTERS_NARROW, 1),
        (Field::Era, Style::Full) => (&ERAS_FULL, 0),
        (Field::Era, Style::Short) => (&ERAS_SHORT, 0),
        (Field::Era, Style::Narrow) => (&ERAS_NARROW, 0),
        (Field::AmPmOfDay, _) => (&AMPM, 0),
        (_, Style::Full) => (&DAYS_FULL, 1),
        (_, Style::Short) => (&DAYS_SHORT, 1),
        (_, Style::Narrow) => (&DAYS_NARROW, 1),
    }
}

/// English long names for common tz abbreviations (used by `zzzz`).
fn long_zone_name(abbr: &str, zone: &Zone) -> Option<&'static str> {
    let id = match zone {
        Zone::Named(tz) => tz.name(),
        Zone::Fixed(_) => "",
    };
    Some(match abbr {
        "UTC" => "Coordinated Universal Time",
        "GMT" => "Greenwich Mean Time",
        "PST" => "Pacific Standard Time",
        "PDT" => "Pacific Daylight Time",
        "MST" => "Mountain Standard Time",
        "MDT" => "Mountain Daylight Time",
        "CST" if id.starts_with("America/") || id.starts_with("US/") || id == "CST6CDT" => {
            "Central Standard Time"
        }
        "CDT" if id.starts_with("America/") || id.starts_with("US/") || id == "CST6CDT" => {
            "Central Daylight Time"
        }
        "EST" => "Eastern Standard Time",
        "EDT" => "Eastern Daylight Time",
        "AKST" => "Alaska Standard Time",
        "AKDT" => "Alaska Daylight Time",
        "HST" => "Hawaii-Aleutian Standard Time",
        "AWST" => "Australian Western Standard Time",
        "AWDT" => "Australian Western Daylight Time",
        "ACST" => "Australian Central Standard Time",
        "ACDT" => "Australian Central Daylight Time",
        "AEST" => "Australian Eastern Standard Time",
        "AEDT" => "Australian Eastern Daylight Time",
        "JST" => "Japan Standard Time",
        "KST" => "Korean Standard Time",
        "IST" if id == "Asia/Kolkata" || id == "Asia/Calcutta" => "India Standard Time",
        "CET" => "Central European Standard Time",
        "CEST" => "Central European Summer Time",
        "EET" => "Eastern European Standard Time",
        "EEST" => "Eastern European Summer Time",
        "WET" => "Western European Standard Time",
        "WEST" => "Western European Summer Time",
        "BST" if id == "Europe/London" => "British Summer Time",
        "NZST" => "New Zealand Standard Time",
        "NZDT" => "New Zealand Daylight Time",
        _ => return None,
    })
}

/// Common abbreviations accepted when parsing `z` (Java's US-locale preferred zones).
const ZONE_ABBREVIATIONS: [(&str, Tz); 24] = [
    ("PST", Tz::America__Los_Angeles),
    ("PDT", Tz::America__Los_Angeles),
    ("PT", Tz::America__Los_Angeles),
    ("MST", Tz::America__Denver),
    ("MDT", Tz::America__Denver),
    ("MT", Tz::America__Denver),
    ("CST", Tz::America__Chicago),
    ("CDT", Tz::America__Chicago),
    ("CT", Tz::America__Chicago),
    ("EST", Tz::America__New_York),
    ("EDT", Tz::America__New_York),
    ("ET", Tz::America__New_York),
    ("AKST", Tz::America__Anchorage),
    ("AKDT", Tz::America__Anchorage),
    ("HST", Tz::Pacific__Honolulu),
    ("AWST", Tz::Australia__Perth),
    ("ACST", Tz::Australia__Adelaide),
    ("ACDT", Tz::Australia__Adelaide),
    ("AEST", Tz::Australia__Sydney),
    ("AEDT", Tz::Australia__Sydney),
    ("JST", Tz::Asia__Tokyo),
    ("CET", Tz::Europe__Paris),
    ("CEST", Tz::Europe__Paris),
    ("BST", Tz::Europe__London),
];

/// English long zone names accepted when parsing `z`/`zzzz`.
const LONG_ZONE_NAMES: [(&str, Tz); 35] = [
    ("Australian Western Daylight Time", Tz::Australia__Perth),
    ("AWDT", Tz::Australia__Perth),
    ("Coordinated Universal Time", Tz::UTC),
    ("Greenwich Mean Time", Tz::GMT),
    ("Pacific Standard Time", Tz::America__Los_Angeles),
    ("Pacific Daylight Time", Tz::America__Los_Angeles),
    ("Mountain Standard Time", Tz::America__Denver),
    ("Mountain Daylight Time", Tz::America__Denver),
    ("Central Standard Time", Tz::America__Chicago),
    ("Central Daylight Time", Tz::America__Chicago),
    ("Eastern Standard Time", Tz::America__New_York),
    ("Eastern Daylight Time", Tz::America__New_York),
    ("Alaska Standard Time", Tz::America__Anchorage),
    ("Alaska Daylight Time", Tz::America__Anchorage),
    ("Hawaii-Aleutian Standard Time", Tz::Pacific__Honolulu),
    ("Australian Western Standard Time", Tz::Australia__Perth),
    ("Australian Central Standard Time", Tz::Australia__Adelaide),
    ("Australian Central Daylight Time", Tz::Australia__Adelaide),
    ("Australian Eastern Standard Time", Tz::Australia__Sydney),
    ("Australian Eastern Daylight Time", Tz::Australia__Sydney),
    ("Japan Standard Time", Tz::Asia__Tokyo),
    ("Korean Standard Time", Tz::Asia__Seoul),
    ("India Standard Time", Tz::Asia__Kolkata),
    ("Central European Standard Time", Tz::Europe__Paris),
    ("Central European Summer Time", Tz::Europe__Paris),
    ("Eastern European Standard Time", Tz::Europe__Athens),
    ("Eastern European Summer Time", Tz::Europe__Athens),
    ("Western European Standard Time", Tz::Europe__Lisbon),
    ("Western European Summer Time", Tz::Europe__Lisbon),
    ("British Summer Time", Tz::Europe__London),
    ("New Zealand Standard Time", Tz::Pacific__Auckland),
    ("New Zealand Daylight Time", Tz::Pacific__Auckland),
    ("KST", Tz::Asia__Seoul),
    ("IST", Tz::Asia__Kolkata),
    ("NZST", Tz::Pacific__Auckland),
];

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

fn format_item(item: &Item, m: &Moment, out: &mut String) -> Result<(), String> {
    match item {
        Item::Literal(s) => out.push_str(s),
        Item::Number {
            field,
            min,
            max,
            sign,
            reduced,
            ..
        } => {
            let v = m.get(*field);
            if *reduced {
                out.push_str(&format!("{:02}", v.unsigned_abs() % 100));
                return Ok(());
            }
            let digits = v.unsigned_abs().to_string();
            if digits.len() > *max {
                return Err(format!(
                    "field {} cannot be printed as the value {v} exceeds the maximum print width of {max}",
                    field.name()
                ));
            }
            if v >= 0 {
                if *sign == Sign::ExceedsPad && *min < 19 && digits.len() > *min {
                    out.push('+');
                }
            } else if *sign == Sign::NotNegative {
                return Err(format!(
                    "field {} cannot be printed as the value {v} cannot be negative",
                    field.name()
                ));
            } else {
                out.push('-');
            }
            for _ in digits.len()..*min {
                out.push('0');
            }
            out.push_str(&digits);
        }
        Item::Fraction {
            min,
            max,
            decimal_point,
        } => {
            let all = format!("{:09}", m.nano);
            let mut digits: &str = all.get(..*max).unwrap_or(&all);
            while digits.len() > *min && digits.ends_with('0') {
                digits = &digits[..digits.len() - 1];
            }
            if !digits.is_empty() {
                if *decimal_point {
                    out.push('.');
                }
                out.push_str(digits);
            }
        }
        Item::Text { field, style } => {
            let (list, first) = texts(*field, *style);
            let v = m.get(*field);
            let idx = usize::try_from(v - first).unwrap_or(usize::MAX);
            match list.get(idx) {
                Some(s) => out.push_str(s),
                None => out.push_str(&v.to_string()),
            }
        }
        Item::Offset {
            kind, no_offset, ..
        } => format_offset(m.offset, *kind, no_offset, out),
        Item::LocalizedOffset { full } => format_localized_offset(m.offset, *full, out),
        Item::ZoneText { full } => match &m.zone {
            Zone::Fixed(f) => out.push_str(&offset_id(f.local_minus_utc())),
            Zone::Named(_) => {
                let abbr = m
                    .abbr
                    .as_deref()
                    .filter(|a| a.chars().all(|c| c.is_ascii_alphabetic()));
                match abbr {
                    Some(a) if *full => {
                        out.push_str(long_zone_name(a, &m.zone).unwrap_or(a));
                    }
                    Some(a) => out.push_str(a),
                    None => format_localized_offset(m.offset, true, out),
                }
            }
        },
        Item::ZoneId => match &m.zone {
            Zone::Fixed(f) => out.push_str(&offset_id(f.local_minus_utc())),
            Zone::Named(tz) => out.push_str(tz.name()),
        },
        Item::Optional(items) => {
            for item in items {
                format_item(item, m, out)?;
            }
        }
        Item::Pad { width, item } => {
            let mut inner = String::new();
            format_item(item, m, &mut inner)?;
            let len = inner.chars().count();
            if len > *width {
                return Err(format!(
                    "cannot print as output of {len} characters exceeds pad width of {width}"
                ));
            }
            for _ in len..*width {
                out.push(' ');
            }
            out.push_str(&inner);
        }
    }
    Ok(())
}

/// Java `ZoneOffset.getId()`: "Z", "+08:00", "-07:00:30".
fn offset_id(total: i32) -> String {
    if total == 0 {
        return "Z".to_string();
    }
    let abs = total.unsigned_abs();
    let mut s = format!(
        "{}{:02}:{:02}",
        if total < 0 { '-' } else { '+' },
        abs / 3600,
        abs / 60 % 60
    );
    if !abs.is_multiple_of(60) {
        s.push_str(&format!(":{:02}", abs % 60));
    }
    s
}

fn format_offset(total: i32, kind: usize, no_offset: &str, out: &mut String) {
    let abs = total.unsigned_abs();
    let (h, m, s) = (abs / 3600 % 100, abs / 60 % 60, abs % 60);
    let colon = if kind.is_multiple_of(2) { ":" } else { "" };
    let mut buf = format!("{}{h:02}", if total < 0 { '-' } else { '+' });
    let mut output = h;
    if kind >= 3 || (kind >= 1 && m > 0) {
        buf.push_str(&format!("{colon}{m:02}"));
        output += m;
        if kind >= 7 || (kind >= 5 && s > 0) {
            buf.push_str(&format!("{colon}{s:02}"));
            output += s;
        }
    }
    if output == 0 {
        out.push_str(no_offset);
    } else {
        out.push_str(&buf);
    }
}

fn format_localized_offset(total: i32, full: bool, out: &mut String) {
    out.push_str("GMT");
    if total == 0 {
        return;
    }
    let abs = total.unsigned_abs();
    let (h, m, s) = (abs / 3600 % 100, abs / 60 % 60, abs % 60);
    out.push(if total < 0 { '-' } else { '+' });
    if full {
        out.push_str(&format!("{h:02}:{m:02}"));
        if s != 0 {
            out.push_str(&format!(":{s:02}"));
        }
    } else {
        out.push_str(&h.to_string());
        if m != 0 || s != 0 {
            out.push_str(&format!(":{m:02}"));
            if s != 0 {
                out.push_str(&format!(":{s:02}"));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Default)]
struct Parsed {
    fields: BTreeMap<Field, i64>,
    offset: Option<i64>,
    zone: Option<Zone>,
}

impl Parsed {
    /// Records a field; false if it was already parsed with a different value.
    fn set(&mut self, field: Field, value: i64) -> bool {
        match self.fields.insert(field, value) {
            Some(old) => old == value,
            None => true,
        }
    }
}

struct Input<'a> {
    text: &'a [char],
    ci: bool,
}

impl Input<'_> {
    fn starts_with(&self, pos: usize, s: &str) -> bool {
        let mut i = pos;
        for c in s.chars() {
            match self.text.get(i) {
                Some(&t) if t == c || (self.ci && t.eq_ignore_ascii_case(&c)) => i += 1,
                _ => return false,
            }
        }
        true
    }

    fn sub(&self, end: usize) -> Input<'_> {
        Input {
            text: &self.text[..end.min(self.text.len())],
            ci: self.ci,
        }
    }
}

fn parse_with_items(
    text: &str,
    items: &[Item],
    pattern: &str,
    default_zone: Option<&Zone>,
    ci: bool,
) -> Result<i64, String> {
    let chars: Vec<char> = text.chars().collect();
    let input = Input { text: &chars, ci };
    let mut parsed = Parsed::default();
    let end = parse_items(items, &input, 0, &mut parsed).map_err(|idx| {
        format!("text '{text}' could not be parsed with pattern '{pattern}' at index {idx}")
    })?;
    if end < chars.len() {
        return Err(format!(
            "text '{text}' could not be parsed with pattern '{pattern}', unparsed text found at index {end}"
        ));
    }
    resolve(parsed, default_zone)
        .map_err(|e| format!("text '{text}' could not be parsed with pattern '{pattern}': {e}"))
}

fn parse_items(
    items: &[Item],
    input: &Input<'_>,
    mut pos: usize,
    parsed: &mut Parsed,
) -> Result<usize, usize> {
    for item in items {
        pos = parse_item(item, input, pos, parsed)?;
    }
    Ok(pos)
}

fn parse_item(
    item: &Item,
    input: &Input<'_>,
    pos: usize,
    parsed: &mut Parsed,
) -> Result<usize, usize> {
    let text = input.text;
    match item {
        Item::Literal(s) => {
            if input.starts_with(pos, s) {
                Ok(pos + s.chars().count())
            } else {
                Err(pos)
            }
        }
        Item::Number {
            field,
            min,
            max,
            sign,
            subsequent,
            reduced,
        } => {
            let (value, start, end) = parse_number(text, pos, *min, *max, *sign, *subsequent)?;
            let value = if *reduced && end - start == *min && value >= 0 {
                2000 + value
            } else {
                value
            };
            if parsed.set(*field, value) {
                Ok(end)
            } else {
                Err(start)
            }
        }
        Item::Fraction {
            min,
            max,
            decimal_point,
        } => {
            let mut p = pos;
            if *decimal_point {
                if text.get(p) != Some(&'.') {
                    return if *min > 0 { Err(pos) } else { Ok(pos) };
                }
                p += 1;
            }
            let start = p;
            let mut nanos: i64 = 0;
            while p < text.len() && p - start < *max && text[p].is_ascii_digit() {
                nanos = nanos * 10 + i64::from(u32::from(text[p]) - u32::from('0'));
                p += 1;
            }
            let n = p - start;
            if n < *min {
                return Err(start);
            }
            for _ in n..9 {
                nanos *= 10;
            }
            if parsed.set(Field::NanoOfSecond, nanos) {
                Ok(p)
            } else {
                Err(pos)
            }
        }
        Item::Text { field, style } => {
            let (list, first) = texts(*field, *style);
            let mut best: Option<(usize, i64)> = None;
            for (i, t) in list.iter().enumerate() {
                if input.starts_with(pos, t) {
                    let len = t.chars().count();
                    if best.is_none_or(|(l, _)| len >= l) {
                        best = Some((len, first + i as i64));
                    }
                }
            }
            let (len, value) = best.ok_or(pos)?;
            if parsed.set(*field, value) {
                Ok(pos + len)
            } else {
                Err(pos)
            }
        }
        Item::Offset {
            kind,
            no_offset,
            lenient,
        } => {
            let (secs, end) = if *lenient {
                parse_offset_lenient(input, pos, no_offset)?
            } else {
                parse_offset(input, pos, *kind, no_offset)?
            };
            set_offset(parsed, secs, pos)?;
            Ok(end)
        }
        Item::LocalizedOffset { full } => {
            let (secs, end) = parse_localized_offset(input, pos, *full)?;
            set_offset(parsed, secs, pos)?;
            Ok(end)
        }
        Item::ZoneText { .. } => {
            let (zone, end) = parse_zone_text(input, pos, true)?;
            parsed.zone = Some(zone);
            Ok(end)
        }
        Item::ZoneId => {
            let (zone, end) = parse_zone_text(input, pos, false)?;
            parsed.zone = Some(zone);
            Ok(end)
        }
        Item::Optional(items) => {
            let mut attempt = parsed.clone();
            match parse_items(items, input, pos, &mut attempt) {
                Ok(end) => {
                    *parsed = attempt;
                    Ok(end)
                }
                Err(_) => Ok(pos),
            }
        }
        Item::Pad { width, item } => {
            if pos >= text.len() {
                return Err(pos);
            }
            let end = pos + width;
            if end > text.len() {
                return Err(pos);
            }
            let mut p = pos;
            while p < end && text[p] == ' ' {
                p += 1;
            }
            let sub = input.sub(end);
            let result = parse_item(item, &sub, p, parsed)?;
            if result != end {
                return Err(p);
            }
            Ok(result)
        }
    }
}

fn set_offset(parsed: &mut Parsed, secs: i64, pos: usize) -> Result<(), usize> {
    match parsed.offset {
        Some(old) if old != secs => Err(pos),
        _ => {
            parsed.offset = Some(secs);
            Ok(())
        }
    }
}

/// Java's strict NumberPrinterParser.parse; returns (value, start-after-sign, end).
fn parse_number(
    text: &[char],
    pos0: usize,
    min: usize,
    max: usize,
    sign: Sign,
    subsequent: i64,
) -> Result<(i64, usize, usize), usize> {
    let len = text.len();
    if pos0 >= len {
        return Err(pos0);
    }
    let mut position = pos0;
    let mut negative = false;
    let mut positive = false;
    match text[position] {
        '+' => {
            if sign != Sign::ExceedsPad {
                return Err(position);
            }
            positive = true;
            position += 1;
        }
        '-' => {
            if sign == Sign::NotNegative {
                return Err(position);
            }
            negative = true;
            position += 1;
        }
        _ => {}
    }
    let min_end = position + min;
    if min_end > len {
        return Err(position);
    }
    let sub = usize::try_from(subsequent).unwrap_or(0);
    let mut eff_max = max + sub;
    let mut total: i128 = 0;
    let mut p = position;
    for pass in 0..2 {
        let max_end = (p + eff_max).min(len);
        while p < max_end {
            let ch = text[p];
            if !ch.is_ascii_digit() {
                if p < min_end {
                    return Err(position);
                }
                break;
            }
            total = total * 10 + i128::from(u32::from(ch) - u32::from('0'));
            if total > i128::from(i64::MAX) {
                return Err(position);
            }
            p += 1;
        }
        if sub > 0 && pass == 0 {
            let parse_len = p - position;
            eff_max = min.max(parse_len.saturating_sub(sub));
            p = position;
            total = 0;
        } else {
            break;
        }
    }
    if negative {
        if total == 0 {
            return Err(position - 1);
        }
        total = -total;
    } else if sign == Sign::ExceedsPad {
        let parse_len = p - position;
        if positive {
            if parse_len <= min {
                return Err(position - 1);
            }
        } else if parse_len > min {
            return Err(position);
        }
    }
    let value = i64::try_from(total).map_err(|_| position)?;
    Ok((value, position, p))
}

fn two_digits(text: &[char], pos: usize) -> Option<i64> {
    let a = text.get(pos)?;
    let b = text.get(pos + 1)?;
    if a.is_ascii_digit() && b.is_ascii_digit() {
        Some(i64::from(
            (u32::from(*a) - u32::from('0')) * 10 + (u32::from(*b) - u32::from('0')),
        ))
    } else {
        None
    }
}

/// Java's strict OffsetIdPrinterParser.parse.
fn parse_offset(
    input: &Input<'_>,
    pos: usize,
    kind: usize,
    no_offset: &str,
) -> Result<(i64, usize), usize> {
    let text = input.text;
    if !no_offset.is_empty() && input.starts_with(pos, no_offset) {
        return Ok((0, pos + no_offset.chars().count()));
    }
    let negative = match text.get(pos) {
        Some('+') => false,
        Some('-') => true,
        _ => return Err(pos),
    };
    let mut values = [0i64; 4];
    let mut cur = pos + 1;
    // Returns true on failure, as in Java.
    let mut part = |index: usize, required: bool, cur: &mut usize| -> bool {
        if (kind + 3) / 2 < index {
            return false;
        }
        let mut p = *cur;
        if kind.is_multiple_of(2) && index > 1 {
            if text.get(p) != Some(&':') {
                return required;
            }
            p += 1;
        }
        match two_digits(text, p) {
            Some(v) if v <= 59 => {
                values[index] = v;
                *cur = p + 2;
                false
            }
            _ => required,
        }
    };
    if part(1, true, &mut cur) || part(2, kind >= 3, &mut cur) || part(3, false, &mut cur) {
        return Err(pos);
    }
    let secs = values[1] * 3600 + values[2] * 60 + values[3];
    Ok((if negative { -secs } else { secs }, cur))
}

/// ISO offsets: "Z", "+HH", "+HHMM", "+HH:MM", "+HH:MM:SS", "+HHMMSS".
fn parse_offset_lenient(
    input: &Input<'_>,
    pos: usize,
    no_offset: &str,
) -> Result<(i64, usize), usize> {
    let text = input.text;
    if input.starts_with(pos, no_offset) {
        return Ok((0, pos + no_offset.chars().count()));
    }
    let negative = match text.get(pos) {
        Some('+') => false,
        Some('-') => true,
        _ => return Err(pos),
    };
    let hours = two_digits(text, pos + 1).ok_or(pos)?;
    let mut p = pos + 3;
    let colon = text.get(p) == Some(&':');
    let mut rest = [0i64; 2];
    for slot in rest.iter_mut() {
        let q = if colon {
            if text.get(p) != Some(&':') {
                break;
            }
            p + 1
        } else {
            p
        };
        match two_digits(text, q) {
            Some(v) if v <= 59 => {
                *slot = v;
                p = q + 2;
            }
            _ => break,
        }
    }
    let secs = hours * 3600 + rest[0] * 60 + rest[1];
    Ok((if negative { -secs } else { secs }, p))
}

/// "GMT", "GMT+8", "GMT+08:00", "GMT-07:00:30".
fn parse_localized_offset(
    input: &Input<'_>,
    pos: usize,
    full: bool,
) -> Result<(i64, usize), usize> {
    let text = input.text;
    if !input.starts_with(pos, "GMT") {
        return Err(pos);
    }
    let mut p = pos + 3;
    let negative = match text.get(p) {
        Some('+') => false,
        Some('-') => true,
        _ => return Ok((0, p)),
    };
    p += 1;
    let hours;
    if full {
        hours = two_digits(text, p).ok_or(p)?;
        p += 2;
    } else {
        let first = text
            .get(p)
            .filter(|c| c.is_ascii_digit())
            .ok_or(p)
            .map(|c| i64::from(u32::from(*c) - u32::from('0')))?;
        p += 1;
        match text.get(p).filter(|c| c.is_ascii_digit()) {
            Some(c) => {
                hours = first * 10 + i64::from(u32::from(*c) - u32::from('0'));
                p += 1;
            }
            None => hours = first,
        }
    }
    let mut minutes = 0;
    let mut seconds = 0;
    if text.get(p) == Some(&':') {
        match two_digits(text, p + 1) {
            Some(v) if v <= 59 => {
                minutes = v;
                p += 3;
            }
            _ => return Err(p),
        }
        if text.get(p) == Some(&':') {
            match two_digits(text, p + 1) {
                Some(v) if v <= 59 => {
                    seconds = v;
                    p += 3;
                }
                _ => return Err(p),
            }
        }
    } else if full {
        return Err(p);
    }
    let secs = hours * 3600 + minutes * 60 + seconds;
    Ok((if negative { -secs } else { secs }, p))
}

fn starts_with_exact(text: &[char], pos: usize, s: &str) -> bool {
    (pos..).zip(s.chars()).all(|(i, c)| text.get(i) == Some(&c))
}

/// Zone ids (VV) and zone names (z): offsets, UTC/GMT/UT prefixes, IANA ids, abbreviations.
fn parse_zone_text(input: &Input<'_>, pos: usize, names: bool) -> Result<(Zone, usize), usize> {
    let text = input.text;
    let first = *text.get(pos).ok_or(pos)?;
    let zone_of = |secs: i64| -> Result<Zone, usize> {
        i32::try_from(secs)
            .ok()
            .filter(|s| i64::from(*s).abs() <= MAX_OFFSET_SECS)
            .and_then(FixedOffset::east_opt)
            .map(Zone::Fixed)
            .ok_or(pos)
    };
    if first == '+' || first == '-' {
        let (secs, end) = parse_offset(input, pos, 6, "Z")?;
        return Ok((zone_of(secs)?, end));
    }
    // IANA ids (longest match), then prefixed offsets, then abbreviations.
    let mut best: Option<(usize, Tz)> = None;
    for tz in TZ_VARIANTS.iter() {
        let name = tz.name();
        let len = name.chars().count();
        if best.is_none_or(|(l, _)| len > l) && starts_with_exact(text, pos, name) {
            best = Some((len, *tz));
        }
    }
    for prefix in ["UTC", "GMT", "UT"] {
        if input.starts_with(pos, prefix) {
            let after = pos + prefix.len();
            if matches!(text.get(after), Some('+') | Some('-')) {
                if let Ok((secs, end)) = parse_offset(input, after, 6, "") {
                    if best.is_none_or(|(l, _)| end - pos >= l) {
                        return Ok((zone_of(secs)?, end));
                    }
                }
            }
            if best.is_none() {
                let tz = if prefix == "GMT" { Tz::GMT } else { Tz::UTC };
                return Ok((Zone::Named(tz), after));
            }
        }
    }
    if names {
        for (abbr, tz) in ZONE_ABBREVIATIONS.iter().chain(LONG_ZONE_NAMES.iter()) {
            let len = abbr.chars().count();
            if input.starts_with(pos, abbr) && best.is_none_or(|(l, _)| len > l) {
                best = Some((len, *tz));
            }
        }
    }
    if let Some((len, tz)) = best {
        return Ok((Zone::Named(tz), pos + len));
    }
    if first == 'Z' || (input.ci && first == 'z') {
        return Ok((zone_of(0)?, pos + 1));
    }
    Err(pos)
}

// ---------------------------------------------------------------------------------------------
// Resolving (ResolverStyle.SMART)
// ---------------------------------------------------------------------------------------------

fn resolve(parsed: Parsed, default_zone: Option<&Zone>) -> Result<i64, String> {
    let mut f = parsed.fields;
    for (field, value) in &f {
        let (lo, hi) = field.range();
        if *value < lo || *value > hi {
            return Err(format!(
                "Invalid value for {} (valid values {lo} - {hi}): {value}",
                field.name()
            ));
        }
    }
    let conflict = |f: &mut BTreeMap<Field, i64>, field: Field, value: i64, from: Field| match f
        .insert(field, value)
    {
        Some(old) if old != value => Err(format!(
            "Conflict found: {} {old} differs from {} {value} while resolving {}",
            field.name(),
            field.name(),
            from.name()
        )),
        _ => Ok(()),
    };

    // ---- time ----
    if let Some(k) = f.remove(&Field::ClockHourOfDay) {
        conflict(
            &mut f,
            Field::HourOfDay,
            if k == 24 { 0 } else { k },
            Field::ClockHourOfDay,
        )?;
    }
    if let Some(h) = f.remove(&Field::ClockHourOfAmPm) {
        conflict(
            &mut f,
            Field::HourOfAmPm,
            if h == 12 { 0 } else { h },
            Field::ClockHourOfAmPm,
        )?;
    }
    if let (Some(ap), Some(hap)) = (
        f.get(&Field::AmPmOfDay).copied(),
        f.get(&Field::HourOfAmPm).copied(),
    ) {
        f.remove(&Field::AmPmOfDay);
        f.remove(&Field::HourOfAmPm);
        conflict(&mut f, Field::HourOfDay, ap * 12 + hap, Field::AmPmOfDay)?;
    }
    if let Some(nod) = f.remove(&Field::NanoOfDay) {
        let sod = nod / NANOS_PER_SEC;
        conflict(&mut f, Field::HourOfDay, sod / 3600, Field::NanoOfDay)?;
        conflict(&mut f, Field::MinuteOfHour, sod / 60 % 60, Field::NanoOfDay)?;
        conflict(&mut f, Field::SecondOfMinute, sod % 60, Field::NanoOfDay)?;
        conflict(
            &mut f,
            Field::NanoOfSecond,
            nod % NANOS_PER_SEC,
            Field::NanoOfDay,
        )?;
    }
    if let Some(mod_) = f.remove(&Field::MilliOfDay) {
        let sod = mod_ / 1000;
        conflict(&mut f, Field::HourOfDay, sod / 3600, Field::MilliOfDay)?;
        conflict(
            &mut f,
            Field::MinuteOfHour,
            sod / 60 % 60,
            Field::MilliOfDay,
        )?;
        conflict(&mut f, Field::SecondOfMinute, sod % 60, Field::MilliOfDay)?;
        let ms_nanos = mod_ % 1000 * 1_000_000;
        match f.get(&Field::NanoOfSecond) {
            Some(n) if n / 1_000_000 != mod_ % 1000 => {
                return Err(format!(
                    "Conflict found: NanoOfSecond {n} differs from MilliOfDay {mod_}"
                ))
            }
            Some(_) => {}
            None => {
                f.insert(Field::NanoOfSecond, ms_nanos);
            }
        }
    }
    if f.contains_key(&Field::HourOfAmPm) {
        return Err(
            "Unable to resolve the time: hour-of-am-pm (h/K) needs an am-pm field (a)".into(),
        );
    }
    let hod = f.remove(&Field::HourOfDay);
    let moh = f.remove(&Field::MinuteOfHour);
    let som = f.remove(&Field::SecondOfMinute);
    let nos = f.remove(&Field::NanoOfSecond);
    let (mut sod, nano, mut extra_days) = match hod {
        Some(h) => {
            if (moh.is_none() && (som.is_some() || nos.is_some()))
                || (moh.is_some() && som.is_none() && nos.is_some())
            {
                return Err("Unable to obtain a time: incomplete time fields".into());
            }
            let (m, s, n) = (moh.unwrap_or(0), som.unwrap_or(0), nos.unwrap_or(0));
            if h == 24 {
                if m == 0 && s == 0 && n == 0 {
                    (0, 0, 1)
                } else {
                    return Err("Invalid value for HourOfDay (valid values 0 - 23): 24".into());
                }
            } else {
                (h * 3600 + m * 60 + s, n, 0)
            }
        }
        None => {
            if moh.is_some() || som.is_some() || nos.is_some() {
                return Err("Unable to obtain a time: the hour is missing".into());
            }
            (0, 0, 0)
        }
    };
    if let Some(ap) = f.remove(&Field::AmPmOfDay) {
        let derived = sod / 3600 / 12;
        if hod.is_some() && ap != derived {
            return Err(format!(
                "Conflict found: Field AmPmOfDay {derived} differs from AmPmOfDay {ap}"
            ));
        }
    }

    // ---- date ----
    if let Some(yoe) = f.remove(&Field::YearOfEra) {
        let year = match f.remove(&Field::Era) {
            Some(0) => 1 - yoe,
            Some(_) => yoe,
            None => match f.get(&Field::Year) {
                Some(y) if *y <= 0 => 1 - yoe,
                _ => yoe,
            },
        };
        conflict(&mut f, Field::Year, year, Field::YearOfEra)?;
    }
    if let Some(ldow) = f.remove(&Field::LocalDayOfWeek) {
        // Locale.US: 1 = Sunday.
        let iso = (ldow + 5).rem_euclid(7) + 1;
        conflict(&mut f, Field::DayOfWeek, iso, Field::LocalDayOfWeek)?;
    }
    let to_i32 = |v: i64| -> Result<i32, String> {
        i32::try_from(v).map_err(|_| format!("year {v} is out of the supported range"))
    };
    let year_start = |y: i64| -> Result<NaiveDate, String> {
        NaiveDate::from_ymd_opt(to_i32(y)?, 1, 1)
            .ok_or_else(|| format!("year {y} is out of the supported range"))
    };
    let plus_days = |d: NaiveDate, n: i64| -> Result<NaiveDate, String> {
        TimeDelta::try_days(n)
            .and_then(|delta| d.checked_add_signed(delta))
            .ok_or_else(|| "date is out of the supported range".to_string())
    };
    let year = f.get(&Field::Year).copied();
    let month = f.get(&Field::MonthOfYear).copied();
    let date = if let (Some(y), Some(m), Some(d)) =
        (year, month, f.get(&Field::DayOfMonth).copied())
    {
        f.remove(&Field::Year);
        f.remove(&Field::MonthOfYear);
        f.remove(&Field::DayOfMonth);
        let y32 = to_i32(y)?;
        let max_day = match m {
            4 | 6 | 9 | 11 => 30,
            2 => year_len(y32) - 337,
            _ => 31,
        };
        let m32 = u32::try_from(m).map_err(|_| format!("invalid month {m}"))?;
        let d32 = u32::try_from(d.min(max_day)).map_err(|_| format!("invalid day {d}"))?;
        NaiveDate::from_ymd_opt(y32, m32, d32)
            .ok_or_else(|| format!("year {y} is out of the supported range"))?
    } else if let (Some(y), Some(doy)) = (year, f.get(&Field::DayOfYear).copied()) {
        f.remove(&Field::Year);
        f.remove(&Field::DayOfYear);
        let y32 = to_i32(y)?;
        if doy == 366 && year_len(y32) == 365 {
            return Err(format!(
                "Invalid date 'DayOfYear 366' as '{y}' is not a leap year"
            ));
        }
        plus_days(year_start(y)?, doy - 1)?
    } else if let (Some(y), Some(m), Some(wom), Some(dow)) = (
        year,
        month,
        f.get(&Field::WeekOfMonth).copied(),
        f.get(&Field::DayOfWeek).copied(),
    ) {
        for k in [
            Field::Year,
            Field::MonthOfYear,
            Field::WeekOfMonth,
            Field::DayOfWeek,
        ] {
            f.remove(&k);
        }
        let m32 = u32::try_from(m).map_err(|_| format!("invalid month {m}"))?;
        let first = NaiveDate::from_ymd_opt(to_i32(y)?, m32, 1)
            .ok_or_else(|| format!("year {y} is out of the supported range"))?;
        let first_wom = date_time_field(first, 0, 0, Field::WeekOfMonth);
        let ldow = dow % 7 + 1;
        plus_days(first, (wom - first_wom) * 7 + ldow - local_dow(first))?
    } else if let (Some(wby), Some(w), Some(dow)) = (
        f.get(&Field::WeekBasedYear).copied(),
        f.get(&Field::WeekOfWeekBasedYear).copied(),
        f.get(&Field::DayOfWeek).copied(),
    ) {
        for k in [
            Field::WeekBasedYear,
            Field::WeekOfWeekBasedYear,
            Field::DayOfWeek,
        ] {
            f.remove(&k);
        }
        let start = year_start(wby)?;
        let offset = start_of_week_offset(1, local_dow(start));
        let new_year_week = compute_week(offset, year_len(start.year()) + MIN_DAYS_IN_FIRST_WEEK);
        let w = w.min(new_year_week - 1);
        let ldow = dow % 7 + 1;
        plus_days(start, -offset + (ldow - 1) + (w - 1) * 7)?
    } else if let Some(mjd) = f.remove(&Field::ModifiedJulianDay) {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).ok_or("internal date error")?;
        plus_days(epoch, mjd - 40_587)?
    } else {
        return Err(
            "Unable to obtain a date: the text needs year, month and day (or day-of-year)".into(),
        );
    };
    // Cross-check every remaining field against the resolved date.
    for (field, value) in &f {
        let derived = date_time_field(date, sod, nano, *field);
        if derived != *value {
            return Err(format!(
                "Conflict found: Field {} {derived} differs from {} {value} derived from {date}",
                field.name(),
                field.name()
            ));
        }
    }
    let date = if extra_days > 0 {
        extra_days = 0;
        plus_days(date, 1)?
    } else {
        date
    };
    sod += extra_days * SECS_PER_DAY;

    // ---- zone ----
    let local_secs = epoch_day(date)
        .checked_mul(SECS_PER_DAY)
        .and_then(|s| s.checked_add(sod))
        .ok_or("date is out of the supported range")?;
    let offset = if let Some(off) = parsed.offset {
        if off.abs() > MAX_OFFSET_SECS {
            return Err(format!(
                "Zone offset not in valid range: -18:00 to +18:00 ({off} seconds)"
            ));
        }
        off
    } else {
        let zone = parsed.zone.or_else(|| default_zone.copied()).ok_or(
            "Unable to obtain an instant: the text has no time zone and no default zone was given",
        )?;
        match zone {
            Zone::Fixed(fo) => i64::from(fo.local_minus_utc()),
            Zone::Named(tz) => named_offset(tz, date, sod)?,
        }
    };
    let instant = local_secs - offset;
    instant
        .checked_mul(1000)
        .and_then(|ms| ms.checked_add(nano / 1_000_000))
        .ok_or_else(|| "instant is out of the supported range".to_string())
}

/// Offset of a named zone at a local date-time (gap: offset before the gap; overlap: earlier).
fn named_offset(tz: Tz, date: NaiveDate, sod: i64) -> Result<i64, String> {
    let secs = u32::try_from(sod).map_err(|_| "invalid time of day".to_string())?;
    let time = chrono::NaiveTime::from_num_seconds_from_midnight_opt(secs, 0)
        .ok_or("invalid time of day")?;
    let local = date.and_time(time);
    match tz.offset_from_local_datetime(&local) {
        chrono::LocalResult::Single(o) => Ok(i64::from(o.fix().local_minus_utc())),
        chrono::LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.fix().local_minus_utc(), b.fix().local_minus_utc());
            // Java picks the earlier instant, i.e. the larger offset.
            Ok(i64::from(a.max(b)))
        }
        chrono::LocalResult::None => {
            let before = TimeDelta::try_hours(30)
                .and_then(|d| local.checked_sub_signed(d))
                .ok_or("date is out of the supported range")?;
            Ok(i64::from(
                tz.offset_from_utc_datetime(&before).fix().local_minus_utc(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn z(s: &str) -> Zone {
        match parse_zone(s) {
            Ok(z) => z,
            Err(e) => panic!("{e}"),
        }
    }

    fn fmt(ms: i64, pattern: &str, zone: &str) -> String {
        match format_epoch_millis(ms, pattern, &z(zone)) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        }
    }

    fn parse(text: &str, pattern: &str, zone: Option<&str>) -> Result<i64, String> {
        let zone = zone.map(z);
        parse_to_epoch_millis(text, pattern, zone.as_ref())
    }

    const T: i64 = 1_517_943_695_749; // 2018-02-06T19:01:35.749Z (Tuesday)

    #[test]
    fn docs_examples() {
        assert_eq!(
            fmt(T, "yyyy-MM-dd HH:mm:ssZ", "UTC"),
            "2018-02-06 19:01:35+0000"
        );
        assert_eq!(
            fmt(T, "yyyy-MM-dd HH:mm:ssZ", "+08:00"),
            "2018-02-07 03:01:35+0800"
        );
        assert_eq!(
            parse("2018-02-02 01:19:22+0800", "yyyy-MM-dd HH:mm:ssZ", None),
            Ok(1_517_505_562_000)
        );
        assert_eq!(
            parse("2018-02-02 01:19:22", "yyyy-MM-dd HH:mm:ss", Some("+08:00")),
            Ok(1_517_505_562_000)
        );
        assert_eq!(
            parse_iso8601_to_epoch_millis("2018-02-01T17:21:05.180+08:00"),
            Ok(1_517_476_865_180)
        );
        assert_eq!(iso8601_utc(1_517_943_695_758), "2018-02-06T19:01:35.758Z");
        // 2018-07-11T22:14:45.500Z in -07:00:30 is 2018-07-11T15:14:15.
        let t = 1_531_347_285_500;
        assert_eq!(fmt(t, "yyyy-MM-dd[XXX]", "-07:00:30"), "2018-07-11-07:00");
        assert_eq!(
            fmt(t, "yyyy-MM-dd'T'HH:mm:ss[XXXXX]", "-07:00:30"),
            "2018-07-11T15:14:15-07:00:30"
        );
    }

    #[test]
    fn zones() {
        assert!(matches!(
            z("Australia/Perth"),
            Zone::Named(Tz::Australia__Perth)
        ));
        assert_eq!(
            z("Z"),
            Zone::Fixed(FixedOffset::east_opt(0).unwrap_or_else(|| panic!()))
        );
        assert_eq!(z("UTC"), Zone::Named(Tz::UTC));
        assert_eq!(z("GMT"), Zone::Named(Tz::GMT));
        let f = |s| FixedOffset::east_opt(s).map(Zone::Fixed);
        assert_eq!(Some(z("+08:00")), f(8 * 3600));
        assert_eq!(Some(z("+8")), f(8 * 3600));
        assert_eq!(Some(z("-0530")), f(-(5 * 3600 + 1800)));
        assert_eq!(Some(z("-07:00:30")), f(-(7 * 3600 + 30)));
        assert_eq!(Some(z("+073015")), f(7 * 3600 + 30 * 60 + 15));
        assert_eq!(Some(z("GMT+2")), f(7200));
        assert_eq!(Some(z("UTC-03:00")), f(-10800));
        assert_eq!(Some(z("UT+01")), f(3600));
        for bad in [
            "",
            "+19:00",
            "+8:00",
            "+08:0",
            "Mars/Olympus",
            "utc",
            "+08:60",
            "GMT+",
            "+",
        ] {
            assert!(parse_zone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn months_days_and_text() {
        assert_eq!(fmt(T, "M MM MMM MMMM MMMMM", "UTC"), "2 02 Feb February F");
        assert_eq!(fmt(T, "L LL LLL LLLL LLLLL", "UTC"), "2 02 Feb February F");
        assert_eq!(
            fmt(T, "E EE EEE EEEE EEEEE", "UTC"),
            "Tue Tue Tue Tuesday T"
        );
        assert_eq!(
            fmt(T, "e ee eee eeee c ccc cccc", "UTC"),
            "3 03 Tue Tuesday 3 Tue Tuesday"
        );
        assert_eq!(
            fmt(T, "Q QQ QQQ QQQQ QQQQQ q", "UTC"),
            "1 01 Q1 1st quarter 1 1"
        );
        assert_eq!(fmt(T, "G GGGG GGGGG", "UTC"), "AD Anno Domini A");
        assert_eq!(fmt(T, "d dd D DD DDD F", "UTC"), "6 06 37 37 037 6");
        assert_eq!(
            fmt(T, "a h hh K KK k kk H HH", "UTC"),
            "PM 7 07 7 07 19 19 19 19"
        );
        assert_eq!(fmt(T - 19 * 3_600_000, "a h K k H", "UTC"), "AM 12 0 24 0");
        assert_eq!(fmt(T, "m mm s ss", "UTC"), "1 01 35 35");
    }

    #[test]
    fn fractions_and_nanos() {
        assert_eq!(
            fmt(T, "S SS SSS SSSS SSSSSSSSS", "UTC"),
            "7 74 749 7490 749000000"
        );
        assert_eq!(fmt(T, "n nnnnnnnnnn", "UTC"), "749000000 0749000000");
        assert_eq!(fmt(T, "A", "UTC"), "68495749");
        assert_eq!(fmt(T, "N", "UTC"), "68495749000000");
        assert!(format_epoch_millis(T, "SSSSSSSSSS", &z("UTC")).is_err());
    }

    #[test]
    fn years() {
        // 0005-03-04T00:00:00Z
        let y5 = -62_000_000_000_000_i64;
        let year5 = fmt(y5, "uuuu yyyy yy y", "UTC");
        assert!(year5.starts_with("0005 0005 05 5"), "{year5}");
        assert_eq!(
            fmt(T, "y yy yyy yyyy yyyyy u uu", "UTC"),
            "2018 18 2018 2018 02018 2018 18"
        );
        // Year 12345: yyyy prints a sign when exceeding the pad width.
        let y12345 = 327_403_382_400_000_i64; // 12345-01-01T00:00:00Z
        assert_eq!(fmt(y12345, "yyyy-MM-dd", "UTC"), "+12345-01-01");
        assert_eq!(fmt(y12345, "y", "UTC"), "12345");
        // 1 BC is year 0; year-of-era 1.
        let bc1 = -62_167_219_200_000_i64; // 0000-01-01T00:00:00Z
        assert_eq!(fmt(bc1, "uuuu yyyy G", "UTC"), "0000 0001 BC");
        let bc2 = bc1 - 365 * 86_400_000; // -0001-01-01
        assert_eq!(fmt(bc2, "u uuuu y", "UTC"), "-1 -0001 2");
    }

    #[test]
    fn week_fields_us() {
        // 2018-02-06 Tuesday: US week 6 of 2018, week 2 of February.
        assert_eq!(fmt(T, "Y YY YYYY w ww W", "UTC"), "2018 18 2018 6 06 2");
        // 2017-12-31 is a Sunday: week 1 of week-based-year 2018 in the US.
        let d = 1_514_678_400_000; // 2017-12-31T00:00:00Z
        assert_eq!(fmt(d, "YYYY-ww-e yyyy", "UTC"), "2018-01-1 2017");
        // 2021-01-01 Friday: week 1 of 2021.
        assert_eq!(fmt(1_609_459_200_000, "YYYY w W", "UTC"), "2021 1 1");
        // 2020-12-27 Sunday -> week 1 of 2021.
        assert_eq!(fmt(1_609_027_200_000, "YYYY w", "UTC"), "2021 1");
        assert_eq!(
            parse("2018-06-3 00:00", "YYYY-ww-e HH:mm", Some("UTC")),
            Ok(T - 68_495_749)
        );
        assert_eq!(
            parse("2018-02 2 Tue", "yyyy-MM W EEE", Some("UTC")),
            Ok(T - 68_495_749)
        );
    }

    #[test]
    fn offsets_format() {
        let at = |zone: &str, p: &str| fmt(T, p, zone);
        assert_eq!(
            at("+08:00", "X XX XXX XXXX XXXXX"),
            "+08 +0800 +08:00 +0800 +08:00"
        );
        assert_eq!(at("+05:30", "X XX XXX"), "+0530 +0530 +05:30");
        assert_eq!(at("UTC", "X XX XXX XXXX XXXXX"), "Z Z Z Z Z");
        assert_eq!(
            at("UTC", "x xx xxx xxxx xxxxx"),
            "+00 +0000 +00:00 +0000 +00:00"
        );
        assert_eq!(
            at("-07:00:30", "x xx xxx xxxx xxxxx"),
            "-07 -0700 -07:00 -070030 -07:00:30"
        );
        assert_eq!(
            at("+08:00", "Z ZZ ZZZ ZZZZ ZZZZZ"),
            "+0800 +0800 +0800 GMT+08:00 +08:00"
        );
        assert_eq!(at("UTC", "Z ZZZZ ZZZZZ"), "+0000 GMT Z");
        assert_eq!(
            at("-07:00:30", "ZZZZ O OOOO"),
            "GMT-07:00:30 GMT-7:00:30 GMT-07:00:30"
        );
        assert_eq!(at("+08:00", "O OOOO"), "GMT+8 GMT+08:00");
        assert_eq!(at("+05:30", "O"), "GMT+5:30");
        assert_eq!(at("-00:00:30", "XXX"), "Z"); // Java quirk: seconds dropped -> zero -> "Z"
    }

    #[test]
    fn zone_names_format() {
        assert_eq!(
            fmt(T, "z zzzz VV", "Australia/Perth"),
            "AWST Australian Western Standard Time Australia/Perth"
        );
        assert_eq!(fmt(T, "HH:mm z", "Australia/Perth"), "03:01 AWST");
        assert_eq!(fmt(T, "z VV", "+08:00"), "+08:00 +08:00");
        assert_eq!(
            fmt(T, "z VV zzzz", "UTC"),
            "UTC UTC Coordinated Universal Time"
        );
        assert_eq!(fmt(T, "z VV", "Z"), "Z Z");
        assert_eq!(fmt(T, "z", "America/Los_Angeles"), "PST");
        assert_eq!(
            fmt(1_530_000_000_000, "z zzzz", "America/Los_Angeles"),
            "PDT Pacific Daylight Time"
        );
        assert_eq!(fmt(T, "z", "Asia/Singapore"), "GMT+08:00");
        assert_eq!(fmt(T, "v", "UTC"), "UTC");
    }

    #[test]
    fn literals_optional_and_padding() {
        assert_eq!(
            fmt(T, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "UTC"),
            "2018-02-06T19:01:35.749Z"
        );
        assert_eq!(fmt(T, "''yy'' 'o''clock' h", "UTC"), "'18' o'clock 7");
        assert_eq!(fmt(T, "yyyy[-MM[-dd]]", "UTC"), "2018-02-06");
        assert_eq!(fmt(T, "yyyy[-MM", "UTC"), "2018-02");
        assert_eq!(fmt(T, "ppH:mm|pppM", "UTC"), "19:01|  2");
        assert!(format_epoch_millis(T, "pH", &z("UTC")).is_err());
        assert_eq!(
            fmt(T, "(yyyy) / , . - _ ; @", "UTC"),
            "(2018) / , . - _ ; @"
        );
    }

    #[test]
    fn pattern_errors() {
        let err = |p: &str| {
            format_epoch_millis(T, p, &z("UTC"))
                .err()
                .unwrap_or_default()
        };
        assert_eq!(
            err("yyyy-MM-dd b"),
            "unknown pattern letter 'b' at 11 in pattern 'yyyy-MM-dd b'"
        );
        for p in [
            "B", "f", "i", "j", "l", "o", "r", "t", "b", "C", "I", "J", "P", "R", "T", "U",
            "MMMMMM", "ddd", "HHH", "EEEEEE", "aa", "cc", "www", "WW", "V", "VVV", "zzzzz",
            "ZZZZZZ", "OO", "XXXXXX", "xxxxxx", "FF", "DDDD", "yyyy#", "{", "}", "'abc", "]",
            "yyyy]", "p", "vv",
        ] {
            assert!(!err(p).is_empty(), "pattern {p} should be refused");
            assert!(parse("x", p, Some("UTC")).is_err());
        }
        assert!(err("'unterminated").contains("incomplete string literal"));
        assert!(err("#").contains("reserved character '#'"));
        assert!(err("]").contains("without previous '['"));
        assert!(err("MMMMMM").contains("too many pattern letters 'M'"));
        assert_eq!(fmt(T, "", "UTC"), "");
    }

    #[test]
    fn negative_epochs() {
        assert_eq!(iso8601_utc(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(
            fmt(-1, "yyyy-MM-dd HH:mm:ss.SSS", "UTC"),
            "1969-12-31 23:59:59.999"
        );
        assert_eq!(
            parse(
                "1969-12-31 23:59:59.999",
                "yyyy-MM-dd HH:mm:ss.SSS",
                Some("UTC")
            ),
            Ok(-1)
        );
        assert_eq!(
            parse_iso8601_to_epoch_millis("1969-12-31T23:59:59.999Z"),
            Ok(-1)
        );
        assert_eq!(iso8601_utc(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601_utc(-62_167_219_200_000), "0000-01-01T00:00:00.000Z");
        assert_eq!(
            iso8601_utc(-62_167_219_200_001),
            "-0001-12-31T23:59:59.999Z"
        );
        assert_eq!(
            iso8601_utc(253_402_300_800_000),
            "+10000-01-01T00:00:00.000Z"
        );
        // Extremes never panic.
        assert!(!iso8601_utc(i64::MIN).is_empty());
        assert!(!iso8601_utc(i64::MAX).is_empty());
        assert!(format_epoch_millis(i64::MAX, "yyyy", &z("UTC")).is_err());
        assert!(format_epoch_millis(i64::MIN, "yyyy", &z("Australia/Perth")).is_err());
    }

    #[test]
    fn parse_named_zones_and_dst() {
        assert_eq!(
            parse(
                "2018-02-07 03:01:35",
                "yyyy-MM-dd HH:mm:ss",
                Some("Australia/Perth")
            ),
            Ok(T - 749)
        );
        assert_eq!(
            parse(
                "2018-02-07 03:01:35 Australia/Perth",
                "yyyy-MM-dd HH:mm:ss VV",
                None
            ),
            Ok(T - 749)
        );
        assert_eq!(
            parse("2018-02-07 03:01:35 AWST", "yyyy-MM-dd HH:mm:ss z", None),
            Ok(T - 749)
        );
        assert_eq!(
            parse("2018-02-06 11:01:35 PST", "yyyy-MM-dd HH:mm:ss z", None),
            Ok(T - 749)
        );
        assert_eq!(
            parse("2018-02-06 19:01:35 UTC", "yyyy-MM-dd HH:mm:ss z", None),
            Ok(T - 749)
        );
        assert_eq!(
            parse(
                "2018-02-07 03:01:35 GMT+08:00",
                "yyyy-MM-dd HH:mm:ss VV",
                None
            ),
            Ok(T - 749)
        );
        assert_eq!(
            parse("2018-02-07 03:01:35 +08:00", "yyyy-MM-dd HH:mm:ss VV", None),
            Ok(T - 749)
        );
        assert_eq!(
            parse("2018-02-06 19:01:35 Z", "yyyy-MM-dd HH:mm:ss VV", None),
            Ok(T - 749)
        );
        // The text's zone wins over the default zone.
        assert_eq!(
            parse(
                "2018-02-06 19:01:35 Z",
                "yyyy-MM-dd HH:mm:ss VV",
                Some("+05:00")
            ),
            Ok(T - 749)
        );
        // DST gap: 2018-03-11 02:30 does not exist in Los Angeles -> 03:30 PDT = 10:30Z.
        assert_eq!(
            parse(
                "2018-03-11 02:30",
                "yyyy-MM-dd HH:mm",
                Some("America/Los_Angeles")
            ),
            Ok(1_520_764_200_000)
        );
        // DST overlap: 2018-11-04 01:30 -> earlier offset (PDT, -7) = 08:30Z.
        assert_eq!(
            parse(
                "2018-11-04 01:30",
                "yyyy-MM-dd HH:mm",
                Some("America/Los_Angeles")
            ),
            Ok(1_541_320_200_000)
        );
    }

    #[test]
    fn parse_offsets() {
        let p = "yyyy-MM-dd HH:mm:ss";
        let base = T - 749;
        assert_eq!(
            parse("2018-02-07 03:01:35+08", &format!("{p}X"), None),
            Ok(base)
        );
        assert_eq!(
            parse("2018-02-06 19:01:35Z", &format!("{p}X"), None),
            Ok(base)
        );
        assert_eq!(
            parse("2018-02-07 00:31:35+0530", &format!("{p}X"), None),
            Ok(base)
        );
        assert_eq!(
            parse("2018-02-07 03:01:35+08:00", &format!("{p}XXX"), None),
            Ok(base)
        );
        assert_eq!(
            parse("2018-02-06 12:02:05-06:59:30", &format!("{p}XXXXX"), None),
            Ok(base)
        );
        assert_eq!(
            parse("2018-02-06 19:01:35+00:00", &format!("{p}xxx"), None),
            Ok(base)
        );
        assert!(parse("2018-02-06 19:01:35Z", &format!("{p}xxx"), None).is_err());
        assert_eq!(
            parse("2018-02-07 03:01:35GMT+08:00", &format!("{p}ZZZZ"), None),
            Ok(base)
        );
        assert_eq!(
            parse("2018-02-06 19:01:35GMT", &format!("{p}O"), None),
            Ok(base)
        );
        assert_eq!(
            parse("2018-02-07 03:01:35GMT+8", &format!("{p}O"), None),
            Ok(base)
        );
        assert_eq!(
            parse("2018-02-07 03:01:35+08:00", &format!("{p}ZZZZZ"), None),
            Ok(base)
        );
        assert!(parse("2018-02-07 03:01:35+08:00", &format!("{p}Z"), None).is_err());
        // Offset beats a default zone.
        assert_eq!(
            parse(
                "2018-02-07 03:01:35+0800",
                &format!("{p}Z"),
                Some("Australia/Perth")
            ),
            Ok(base)
        );
        assert!(parse("2018-02-07 03:01:35+1900", &format!("{p}Z"), None).is_err());
    }

    #[test]
    fn parse_values_and_errors() {
        let p = "yyyy-MM-dd";
        assert_eq!(
            parse("2018-02-0", p, Some("UTC")),
            Err("text '2018-02-0' could not be parsed with pattern 'yyyy-MM-dd' at index 8".into())
        );
        assert_eq!(
            parse("2018-02-06x", p, Some("UTC")),
            Err("text '2018-02-06x' could not be parsed with pattern 'yyyy-MM-dd', unparsed text found at index 10".into())
        );
        // Date only -> midnight.
        assert_eq!(parse("2018-02-06", p, Some("UTC")), Ok(1_517_875_200_000));
        // No zone anywhere.
        let e = parse("2018-02-06", p, None).err().unwrap_or_default();
        assert!(e.contains("no time zone"), "{e}");
        // SMART resolver clamps the day of month.
        assert_eq!(
            parse("2018-02-31", p, Some("UTC")),
            parse("2018-02-28", p, Some("UTC"))
        );
        assert_eq!(
            parse("2016-02-30", p, Some("UTC")),
            parse("2016-02-29", p, Some("UTC"))
        );
        assert!(parse("2018-02-32", p, Some("UTC"))
            .unwrap_err()
            .contains("DayOfMonth"));
        assert!(parse("2018-13-01", p, Some("UTC"))
            .unwrap_err()
            .contains("MonthOfYear (valid values 1 - 12): 13"));
        assert!(parse("0000-01-01", p, Some("UTC")).is_err());
        assert!(parse("2018-1-01", p, Some("UTC")).is_err());
        assert!(parse("", p, Some("UTC")).is_err());
        assert!(parse("+2018-01-01", p, Some("UTC")).is_err());
        assert_eq!(
            parse("+12345-01-01", p, Some("UTC")),
            Ok(327_403_382_400_000)
        );
        assert_eq!(
            parse("2018-2-6", "y-M-d", Some("UTC")),
            Ok(1_517_875_200_000)
        );
        assert_eq!(
            parse("18-02-06", "yy-MM-dd", Some("UTC")),
            Ok(1_517_875_200_000)
        );
        assert_eq!(
            parse("99-02-06", "yy-MM-dd", Some("UTC")),
            parse("2099-02-06", p, Some("UTC"))
        );
        assert_eq!(
            parse("20180206", "yyyyMMdd", Some("UTC")),
            Ok(1_517_875_200_000)
        );
        assert_eq!(
            parse("20180206190135749", "yyyyMMddHHmmssSSS", Some("UTC")),
            Ok(T)
        );
        assert_eq!(
            parse("2018037", "yyyyDDD", Some("UTC")),
            Ok(1_517_875_200_000)
        );
        assert!(parse("2018366", "yyyyDDD", Some("UTC"))
            .unwrap_err()
            .contains("not a leap year"));
        assert_eq!(
            parse("2018 Feb 6", "yyyy MMM d", Some("UTC")),
            Ok(1_517_875_200_000)
        );
        assert_eq!(
            parse("2018 February 6", "yyyy MMMM d", Some("UTC")),
            Ok(1_517_875_200_000)
        );
        assert!(parse("2018 feb 6", "yyyy MMM d", Some("UTC")).is_err());
        assert_eq!(
            parse("Tue, 6 Feb 2018", "EEE, d MMM yyyy", Some("UTC")),
            Ok(1_517_875_200_000)
        );
        let e = parse("Wed, 6 Feb 2018", "EEE, d MMM yyyy", Some("UTC")).unwrap_err();
        assert!(e.contains("Conflict found"), "{e}");
        assert!(parse("2018-02-06 25:00", "yyyy-MM-dd HH:mm", Some("UTC")).is_err());
        assert_eq!(
            parse("2018-02-05 24:00", "yyyy-MM-dd HH:mm", Some("UTC")),
            Ok(1_517_875_200_000)
        );
        assert!(parse("2018-02-06 19:60", "yyyy-MM-dd HH:mm", Some("UTC")).is_err());
        assert!(parse("2018-02-06 07:01", "yyyy-MM-dd hh:mm", Some("UTC")).is_err());
        assert!(parse("2018-02-06 :01", "yyyy-MM-dd :mm", Some("UTC")).is_err());
        assert!(parse("2018-02", "yyyy-MM", Some("UTC")).is_err());
        // Same field twice with different values.
        assert!(parse("2018 2019", "yyyy uuuu", Some("UTC")).is_err());
        assert_eq!(
            parse("2018 2018-02-06", "yyyy uuuu-MM-dd", Some("UTC")),
            Ok(1_517_875_200_000)
        );
    }

    #[test]
    fn parse_times() {
        let d = "2018-02-06 ";
        let day = 1_517_875_200_000;
        let pz =
            |t: &str, p: &str| parse(&format!("{d}{t}"), &format!("yyyy-MM-dd {p}"), Some("UTC"));
        assert_eq!(pz("07:01:35 PM", "hh:mm:ss a"), Ok(T - 749));
        assert_eq!(pz("12:00 AM", "hh:mm a"), Ok(day));
        assert_eq!(pz("12:00 PM", "hh:mm a"), Ok(day + 43_200_000));
        assert_eq!(pz("7:01:35 PM", "K:mm:ss a"), Ok(T - 749));
        assert_eq!(pz("24:00", "kk:mm"), Ok(day));
        assert_eq!(pz("19", "HH"), Ok(day + 19 * 3_600_000));
        assert_eq!(pz("19:01:35.7", "HH:mm:ss.S"), Ok(T - 49));
        assert_eq!(pz("19:01:35.749000", "HH:mm:ss.SSSSSS"), Ok(T));
        assert!(pz("19:01:35.74", "HH:mm:ss.SSS").is_err());
        assert_eq!(pz("68495749", "A"), Ok(T));
        assert_eq!(pz("68495749000000", "N"), Ok(T));
        assert_eq!(pz("19:01:35.749000000", "HH:mm:ss.n"), Ok(T));
        assert!(pz("19:01 AM", "HH:mm a").is_err());
        assert_eq!(pz("19:01 PM", "HH:mm a"), Ok(day + 19 * 3_600_000 + 60_000));
        assert_eq!(pz(" 7:01", "ppH:mm"), Ok(day + 7 * 3_600_000 + 60_000));
        assert_eq!(pz("19:01", "H:mm[:ss]"), Ok(day + 19 * 3_600_000 + 60_000));
        assert_eq!(pz("19:01:35", "H:mm[:ss]"), Ok(T - 749));
        assert_eq!(
            pz("19:01 AD", "H:mm[:ss] G"),
            Ok(day + 19 * 3_600_000 + 60_000)
        );
    }

    #[test]
    fn optional_rollback_and_adjacency() {
        let utc = Some("UTC");
        // A failing optional section leaves no fields behind.
        assert_eq!(
            parse("2018-02-06", "yyyy-MM-dd['T'HH:mm]", utc),
            Ok(1_517_875_200_000)
        );
        assert_eq!(
            parse("2018-02-06T", "yyyy-MM-dd['T'HH:mm]", utc)
                .err()
                .map(|e| e.contains("unparsed text found at index 10")),
            Some(true)
        );
        assert_eq!(
            parse("2018-02-06T19:01", "yyyy-MM-dd['T'HH:mm]", utc),
            Ok(1_517_943_660_000)
        );
        assert_eq!(
            parse("2018-02-06+08:00", "yyyy-MM-dd[XXX]", None),
            Ok(1_517_846_400_000)
        );
        assert!(parse("2018-02-06", "yyyy-MM-dd[XXX]", None).is_err());
        assert_eq!(
            parse("2018-02-06", "yyyy-MM-dd[XXX]", Some("+08:00")),
            Ok(1_517_846_400_000)
        );
        assert_eq!(
            parse("2018-02-06", "yyyy[-MM[-dd]]", utc),
            Ok(1_517_875_200_000)
        );
        // Adjacent value parsing: H is variable width, mm takes the last two digits.
        assert_eq!(
            parse("2018-02-06 901", "yyyy-MM-dd Hmm", utc),
            Ok(1_517_875_200_000 + 9 * 3_600_000 + 60_000)
        );
        assert_eq!(parse("180206", "yyMMdd", utc), Ok(1_517_875_200_000));
        // As in Java, a variable-width value after fixed ones ends adjacency: "yyyyMMd" can't parse.
        assert!(parse("2018026", "yyyyMMd", utc).is_err());
        // Negative years with u; '+' required only beyond the pad width.
        assert_eq!(
            parse("-0001-01-01", "uuuu-MM-dd", utc),
            Ok(-62_198_755_200_000)
        );
        assert!(parse("+2018-01-01", "uuuu-MM-dd", utc).is_err());
        assert!(parse("-2018-01-01", "yyyy-MM-dd", utc).is_err());
        // Quoted literals and escaped quotes in parsing.
        assert_eq!(
            parse("2018-02-06 o'clock", "yyyy-MM-dd 'o''clock'", utc),
            Ok(1_517_875_200_000)
        );
        // Quarter and era cross-checks.
        assert_eq!(
            parse("Q1 2018-02-06 AD", "QQQ yyyy-MM-dd G", utc),
            Ok(1_517_875_200_000)
        );
        assert!(parse("Q2 2018-02-06", "QQQ yyyy-MM-dd", utc)
            .unwrap_err()
            .contains("Conflict"));
        assert_eq!(
            parse("0001-01-01 BC", "yyyy-MM-dd G", utc),
            parse("0000-01-01", "uuuu-MM-dd", utc)
        );
        // Modified Julian day.
        assert_eq!(fmt(T, "g", "UTC"), "58155");
        assert_eq!(parse("58155", "g", utc), Ok(1_517_875_200_000));
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            parse_zone("Mars/Olympus"),
            Err("unknown time zone 'Mars/Olympus'".into())
        );
        assert_eq!(
            parse_zone("+25:00"),
            Err("invalid time zone offset '+25:00'".into())
        );
        assert_eq!(
            format_epoch_millis(T, "yyyy-MM-dd q#", &z("UTC")),
            Err("pattern 'yyyy-MM-dd q#' includes reserved character '#' at 12".into())
        );
        assert_eq!(
            format_epoch_millis(T, "HHH", &z("UTC")),
            Err("too many pattern letters 'H' (3) at 0 in pattern 'HHH'".into())
        );
        assert_eq!(
            format_epoch_millis(T, "pp'abc'", &z("UTC")),
            Err(
                "pad letter 'p' must be followed by a pattern letter at 0 in pattern 'pp'abc''"
                    .into()
            )
        );
        assert_eq!(
            format_epoch_millis(T, "pppyyyyy", &z("UTC")),
            Err("cannot print as output of 5 characters exceeds pad width of 3".into())
        );
        let e = parse("2018-02-31 19:61", "yyyy-MM-dd HH:mm", Some("UTC")).unwrap_err();
        assert_eq!(
            e,
            "text '2018-02-31 19:61' could not be parsed with pattern 'yyyy-MM-dd HH:mm': Invalid value for MinuteOfHour (valid values 0 - 59): 61"
        );
        let e = parse_iso8601_to_epoch_millis("2018-02-01T17:21:05").unwrap_err();
        assert_eq!(
            e,
            "text '2018-02-01T17:21:05' could not be parsed with pattern 'ISO-8601' at index 19"
        );
    }

    #[test]
    fn iso8601_parse() {
        assert_eq!(
            parse_iso8601_to_epoch_millis("2018-02-01T17:21:05Z"),
            Ok(1_517_505_665_000)
        );
        assert_eq!(
            parse_iso8601_to_epoch_millis("2018-02-01T17:21:05.1Z"),
            Ok(1_517_505_665_100)
        );
        assert_eq!(
            parse_iso8601_to_epoch_millis("2018-02-01T17:21:05.123456789Z"),
            Ok(1_517_505_665_123)
        );
        assert_eq!(
            parse_iso8601_to_epoch_millis("2018-02-01T17:21Z"),
            Ok(1_517_505_660_000)
        );
        assert_eq!(
            parse_iso8601_to_epoch_millis("2018-02-01t17:21:05z"),
            Ok(1_517_505_665_000)
        );
        assert_eq!(
            parse_iso8601_to_epoch_millis("2018-02-01T17:21:05.180+0800"),
            Ok(1_517_476_865_180)
        );
        assert_eq!(
            parse_iso8601_to_epoch_millis("2018-02-01T17:21:05.180+08"),
            Ok(1_517_476_865_180)
        );
        assert_eq!(
            parse_iso8601_to_epoch_millis("2018-02-01T17:21:05.180+08:00[Australia/Perth]"),
            Ok(1_517_476_865_180)
        );
        assert_eq!(
            parse_iso8601_to_epoch_millis("2018-02-01T09:21:05-00:00:30"),
            Ok(1_517_476_895_000)
        );
        for bad in [
            "",
            "2018-02-01",
            "2018-02-01T17:21:05",
            "2018-02-01T17:21:05.1234567890Z",
            "2018-02-01 17:21:05Z",
            "2018-02-01T17:21:05+19:00",
            "2018-02-01T17:21:05Zjunk",
            "2018-02-30T25:00:00Z",
            "not a date",
        ] {
            assert!(parse_iso8601_to_epoch_millis(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn roundtrip_many() {
        let patterns = [
            "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
            "uuuu-MM-dd HH:mm:ss.SSS Z",
            "EEEE, MMMM d, yyyy h:mm:ss.SSS a xxxxx",
            "yyyyMMddHHmmssSSSZ",
            "yyyy-DDD HH:mm:ss.SSS VV",
            "yyyy-MM-dd HH:mm:ss.SSS zzzz",
            "yyyy-MM-dd HH:mm:ss.SSS O",
        ];
        let zones = [
            "UTC",
            "+08:00",
            "-07:00:30",
            "Australia/Perth",
            "America/New_York",
            "Z",
        ];
        let mut t = -2_000_000_000_000_i64;
        while t < 4_000_000_000_000 {
            for p in patterns {
                for zn in zones {
                    let lossy = p.contains("XXX") || p.contains('Z');
                    if (zn == "-07:00:30" && lossy) || (p.contains('z') && t < 0) {
                        continue;
                    }
                    let s = fmt(t, p, zn);
                    let zone = if p.contains("zzzz") { Some(zn) } else { None };
                    assert_eq!(parse(&s, p, zone), Ok(t), "{p} {zn} {s}");
                }
            }
            t += 86_399_999_123;
        }
    }

    #[test]
    fn random_inputs_never_panic() {
        let alphabet: Vec<char> =
            "GuyYDMLdQqwWEecFahKkHmsSAnNgVvzOXxZp'[]# -:.+0123456789TzZAPMJanFebTue/"
                .chars()
                .collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let zone = z("America/New_York");
        for _ in 0..20_000 {
            let plen = (next() % 12) as usize;
            let tlen = (next() % 16) as usize;
            let p: String = (0..plen)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let t: String = (0..tlen)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let ms = next() as i64 >> (next() % 64);
            let _ = format_epoch_millis(ms, &p, &zone);
            let _ = parse_to_epoch_millis(&t, &p, Some(&zone));
            if let Ok(s) = format_epoch_millis(ms, &p, &zone) {
                let _ = parse_to_epoch_millis(&s, &p, Some(&zone));
            }
            let _ = parse_iso8601_to_epoch_millis(&t);
            let _ = iso8601_utc(ms);
        }
    }

    #[test]
    fn garbage_never_panics() {
        let texts = [
            "",
            "-",
            "+",
            "9999999999999999999999",
            "2018-02-06",
            "\u{1F600}",
            "'",
            "[",
            "]",
        ];
        let patterns = [
            "",
            "[",
            "[[[",
            "]]",
            "'",
            "''",
            "y",
            "yyyyyyyyyyyyyyyyyyy",
            "yyyyyyyyyyyyyyyyyyyy",
            "n",
            "SSSSSSSSS",
            "p",
            "pp",
            "p'x'",
            "ppy",
            "X",
            "VV",
            "z",
            "O",
            "ZZZZ",
            "G",
            "\u{1F600}",
            "yyyy[MM[dd",
            "g",
            "A",
            "N",
            "e",
            "W",
        ];
        for p in patterns {
            for t in texts {
                let _ = parse(t, p, Some("UTC"));
                let _ = parse(t, p, None);
            }
            for ms in [i64::MIN, -1, 0, T, i64::MAX] {
                let _ = format_epoch_millis(ms, p, &z("Australia/Perth"));
            }
        }
        for t in texts {
            let _ = parse_iso8601_to_epoch_millis(t);
            let _ = parse_zone(t);
        }
    }
}
