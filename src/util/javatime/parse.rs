//! Parsing text with compiled pattern items (Java's strict, case-sensitive parsers) into the
//! parsed fields, offset and zone.

use super::fields::Field;
use super::pattern::{Item, Sign};
use super::resolve::{resolve, Parsed};
use super::texts::texts;
use super::zone::{LONG_ZONE_NAMES, ZONE_ABBREVIATIONS};
use super::{Zone, MAX_OFFSET_SECS};
use chrono::FixedOffset;
use chrono_tz::{Tz, TZ_VARIANTS};

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

pub(super) fn parse_with_items(
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
