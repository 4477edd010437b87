//! Compiling a `DateTimeFormatter` pattern string into printer-parser items, as Java's
//! `DateTimeFormatterBuilder.appendPattern` does (with adjacent value parsing).

use super::fields::Field;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sign {
    Normal,
    NotNegative,
    ExceedsPad,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Style {
    Short,
    Full,
    Narrow,
}

#[derive(Clone, Debug)]
pub(super) enum Item {
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

pub(super) fn compile(pattern: &str) -> Result<Vec<Item>, String> {
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
