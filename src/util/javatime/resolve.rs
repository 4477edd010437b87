//! Resolving the parsed fields, offset and zone into epoch milliseconds (Java's
//! `ResolverStyle.SMART`).

use super::fields::{
    compute_week, date_time_field, epoch_day, local_dow, start_of_week_offset, year_len, Field,
    MIN_DAYS_IN_FIRST_WEEK,
};
use super::zone::named_offset;
use super::{Zone, MAX_OFFSET_SECS, NANOS_PER_SEC, SECS_PER_DAY};
use chrono::{Datelike, NaiveDate, TimeDelta};
use std::collections::BTreeMap;

/// The fields, offset and zone a parse found: what [`resolve`] turns into an instant.
#[derive(Clone, Default)]
pub(super) struct Parsed {
    pub(super) fields: BTreeMap<Field, i64>,
    pub(super) offset: Option<i64>,
    pub(super) zone: Option<Zone>,
}

impl Parsed {
    /// Records a field; false if it was already parsed with a different value.
    pub(super) fn set(&mut self, field: Field, value: i64) -> bool {
        match self.fields.insert(field, value) {
            Some(old) => old == value,
            None => true,
        }
    }
}

pub(super) fn resolve(parsed: Parsed, default_zone: Option<&Zone>) -> Result<i64, String> {
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
