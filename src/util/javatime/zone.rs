//! Zone ids, fixed offsets and zone names: Java's `ZoneId.of`, the English names printed by
//! `zzzz` and accepted when parsing `z`, and the offset of a named zone at a local date-time.

use super::{Zone, MAX_OFFSET_SECS};
use chrono::{FixedOffset, NaiveDate, Offset, TimeDelta, TimeZone};
use chrono_tz::Tz;
use std::str::FromStr;

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

/// English long names for common tz abbreviations (used by `zzzz`).
pub(super) fn long_zone_name(abbr: &str, zone: &Zone) -> Option<&'static str> {
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
pub(super) const ZONE_ABBREVIATIONS: [(&str, Tz); 24] = [
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
pub(super) const LONG_ZONE_NAMES: [(&str, Tz); 35] = [
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

/// Offset of a named zone at a local date-time (gap: offset before the gap; overlap: earlier).
pub(super) fn named_offset(tz: Tz, date: NaiveDate, sod: i64) -> Result<i64, String> {
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
