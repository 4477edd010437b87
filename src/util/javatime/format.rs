//! Printing a moment with compiled pattern items, including offsets and zone names.

use super::fields::Moment;
use super::pattern::{Item, Sign};
use super::texts::texts;
use super::zone::long_zone_name;
use super::Zone;

pub(super) fn format_item(item: &Item, m: &Moment, out: &mut String) -> Result<(), String> {
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
