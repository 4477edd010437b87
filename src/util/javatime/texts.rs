//! The Locale.US texts of months, days of week, quarters, eras and AM/PM.

use super::fields::Field;
use super::pattern::Style;

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
pub(super) fn texts(field: Field, style: Style) -> (&'static [&'static str], i64) {
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
