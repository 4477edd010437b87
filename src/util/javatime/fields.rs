//! Date and time fields (Java `ChronoField` and the Locale.US `WeekFields`): their names and
//! ranges, and reading any of them from a date, time and zone.

use super::{Zone, NANOS_PER_SEC, SECS_PER_DAY};
use chrono::{DateTime, Datelike, NaiveDate, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::OffsetName;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Field {
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
    pub(super) fn name(self) -> &'static str {
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

    pub(super) fn range(self) -> (i64, i64) {
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
pub(super) struct Moment {
    date: NaiveDate,
    sod: i64,
    pub(super) nano: i64,
    pub(super) offset: i32,
    pub(super) zone: Zone,
    pub(super) abbr: Option<String>,
}

impl Moment {
    pub(super) fn from_epoch_millis(epoch_ms: i64, zone: &Zone) -> Result<Moment, String> {
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

    pub(super) fn get(&self, field: Field) -> i64 {
        date_time_field(self.date, self.sod, self.nano, field)
    }
}

pub(super) fn date_time_field(date: NaiveDate, sod: i64, nano: i64, field: Field) -> i64 {
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

/// Days from 0000-03-01-based civil epoch helpers: 1970-01-01 as days since 0001-01-01 (CE).
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

pub(super) fn epoch_day(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - UNIX_EPOCH_DAYS_FROM_CE
}

/// Days since 1970-01-01 to proleptic Gregorian (year, month, day) (H. Hinnant's algorithm).
pub(super) fn civil_from_days(days: i64) -> (i64, i64, i64) {
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

// Week fields for Locale.US: first day of week Sunday, minimal days in first week 1.
pub(super) const MIN_DAYS_IN_FIRST_WEEK: i64 = 1;

pub(super) fn local_dow(date: NaiveDate) -> i64 {
    i64::from(date.weekday().number_from_sunday())
}

pub(super) fn start_of_week_offset(day: i64, dow: i64) -> i64 {
    let week_start = (day - dow).rem_euclid(7);
    if week_start + 1 > MIN_DAYS_IN_FIRST_WEEK {
        7 - week_start
    } else {
        -week_start
    }
}

pub(super) fn compute_week(offset: i64, day: i64) -> i64 {
    (7 + offset + (day - 1)).div_euclid(7)
}

pub(super) fn year_len(year: i32) -> i64 {
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
