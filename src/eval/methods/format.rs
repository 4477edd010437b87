//! `String.format` and `formatted`: `java.util.Formatter`'s general, character
//! and numeric conversions (`%s %S %b %c %d %o %x %X %e %E %f %g %G %h %n %%`),
//! with argument indexes (`%2$s`, `%<s`), the flags `- # + space 0 , (`,
//! widths and precisions. Dates (`%t`) and hexadecimal floats (`%a`) are
//! refused with a message.

use num_traits::Signed;

use super::{bad, MAX_BUILT};
use crate::error::Error;
use crate::value::Value;

/// Java's class name of a value, as `Formatter`'s exceptions print it.
fn class_name(v: &Value) -> &'static str {
    match v {
        Value::Str(_) => "java.lang.String",
        Value::Int(i) if i32::try_from(*i).is_ok() => "java.lang.Integer",
        Value::Int(_) => "java.lang.Long",
        Value::BigInt(_) => "java.math.BigInteger",
        Value::Decimal(_) => "java.math.BigDecimal",
        Value::Float(_) => "java.lang.Double",
        Value::Bool(_) => "java.lang.Boolean",
        Value::List(_) => "java.util.ArrayList",
        Value::Map(_) => "java.util.LinkedHashMap",
        _ => "java.lang.Object",
    }
}

/// One `%…` specifier.
#[derive(Default)]
struct Spec {
    index: Option<usize>,
    previous: bool,
    left: bool,
    alternate: bool,
    plus: bool,
    space: bool,
    zero: bool,
    group: bool,
    paren: bool,
    width: Option<usize>,
    precision: Option<usize>,
    conversion: char,
    text: String,
}

/// Formats `args` by the Java format string `fmt`.
pub(super) fn format(m: &str, fmt: &str, args: &[Value]) -> Result<String, Error> {
    let mut out = String::new();
    let mut chars = fmt.char_indices().peekable();
    let mut next_arg = 0usize;
    let mut last: Option<usize> = None;
    while let Some((start, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        // argument index or width digits
        let mut digits = String::new();
        while let Some((_, d)) = chars.peek().copied().filter(|(_, d)| d.is_ascii_digit()) {
            digits.push(d);
            chars.next();
        }
        if !digits.is_empty() && chars.peek().map(|(_, c)| *c) == Some('$') {
            chars.next();
            spec.index = digits.parse::<usize>().ok().filter(|n| *n > 0);
            digits.clear();
        }
        if digits.is_empty() {
            while let Some((_, f)) = chars.peek().copied() {
                match f {
                    '-' => spec.left = true,
                    '#' => spec.alternate = true,
                    '+' => spec.plus = true,
                    ' ' => spec.space = true,
                    '0' => spec.zero = true,
                    ',' => spec.group = true,
                    '(' => spec.paren = true,
                    '<' => spec.previous = true,
                    _ => break,
                }
                chars.next();
            }
            while let Some((_, d)) = chars.peek().copied().filter(|(_, d)| d.is_ascii_digit()) {
                digits.push(d);
                chars.next();
            }
        } else if digits.starts_with('0') {
            spec.zero = true;
        }
        spec.width = digits.parse().ok();
        if chars.peek().map(|(_, c)| *c) == Some('.') {
            chars.next();
            let mut p = String::new();
            while let Some((_, d)) = chars.peek().copied().filter(|(_, d)| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            spec.precision = p.parse().ok();
        }
        let Some((end, conv)) = chars.next() else {
            // Java names the character after the `%`.
            let after = fmt[start + 1..].chars().next().unwrap_or('%');
            return Err(bad(
                m,
                format!("UnknownFormatConversionException: Conversion = '{after}'"),
            ));
        };
        spec.conversion = conv;
        if spec.width.max(spec.precision).unwrap_or(0) > MAX_BUILT {
            return Err(bad(
                m,
                format!(
                    "a width or precision past {MAX_BUILT} makes a string past the string limit"
                ),
            ));
        }
        spec.text = fmt[start..end + conv.len_utf8()].to_string();
        match conv {
            'n' => {
                out.push('\n');
                continue;
            }
            '%' => {
                pad(&mut out, "%".into(), &spec);
                continue;
            }
            _ => {}
        }
        let at = if spec.previous {
            last
        } else if let Some(i) = spec.index {
            Some(i - 1)
        } else {
            next_arg += 1;
            Some(next_arg - 1)
        };
        let arg = match at.and_then(|i| args.get(i)) {
            Some(a) => a,
            None => {
                return Err(bad(
                    m,
                    format!(
                        "MissingFormatArgumentException: Format specifier '{}'",
                        spec.text
                    ),
                ))
            }
        };
        last = at;
        let text = convert(m, &spec, arg)?;
        let text = if conv.is_ascii_uppercase() {
            text.to_uppercase()
        } else {
            text
        };
        pad(&mut out, text, &spec);
    }
    Ok(out)
}

fn pad(out: &mut String, text: String, spec: &Spec) {
    let len = text.chars().count();
    let width = spec.width.unwrap_or(0);
    if len >= width {
        out.push_str(&text);
    } else if spec.left {
        out.push_str(&text);
        out.push_str(&" ".repeat(width - len));
    } else {
        out.push_str(&" ".repeat(width - len));
        out.push_str(&text);
    }
}

fn mismatch(m: &str, spec: &Spec, arg: &Value) -> Error {
    bad(
        m,
        format!(
            "IllegalFormatConversionException: {} != {}",
            spec.conversion.to_ascii_lowercase(),
            class_name(arg)
        ),
    )
}

fn convert(m: &str, spec: &Spec, arg: &Value) -> Result<String, Error> {
    let truncate = |s: String| match spec.precision {
        Some(p) => s.chars().take(p).collect(),
        None => s,
    };
    Ok(match spec.conversion.to_ascii_lowercase() {
        's' => truncate(arg.to_java_string()),
        'b' => truncate(match arg {
            Value::Null => "false".into(),
            Value::Bool(b) => b.to_string(),
            _ => "true".into(),
        }),
        'h' => truncate(match arg {
            Value::Null => "null".into(),
            other => format!("{:x}", super::hash_code(other) as i32),
        }),
        'c' => match arg {
            Value::Null => "null".into(),
            Value::Int(i) => match u32::try_from(*i).ok().and_then(char::from_u32) {
                Some(c) => c.to_string(),
                None => {
                    return Err(bad(
                        m,
                        format!("IllegalFormatCodePointException: Code point = 0x{i:x}"),
                    ))
                }
            },
            other => return Err(mismatch(m, spec, other)),
        },
        'd' => match arg {
            Value::Null => "null".into(),
            Value::Int(_) | Value::BigInt(_) => {
                let n = arg.to_bigint().unwrap_or_default();
                let digits = n.abs().to_string();
                signed(spec, n.is_negative(), group(spec, &digits, ""))
            }
            other => return Err(mismatch(m, spec, other)),
        },
        'o' | 'x' => match arg {
            Value::Null => "null".into(),
            Value::Int(_) | Value::BigInt(_) => {
                let hex = spec.conversion.eq_ignore_ascii_case(&'x');
                let n = arg.to_bigint().unwrap_or_default();
                let (negative, digits) = match arg {
                    Value::Int(i) if i32::try_from(*i).is_ok() => {
                        (false, radix(*i as i32 as u32 as u64, hex))
                    }
                    Value::Int(i) => (false, radix(*i as u64, hex)),
                    _ => (
                        n.is_negative(),
                        n.abs().to_str_radix(if hex { 16 } else { 8 }),
                    ),
                };
                let prefix = match (spec.alternate, hex) {
                    (false, _) => "",
                    (true, true) => "0x",
                    (true, false) => "0",
                };
                let body = format!("{prefix}{digits}");
                signed(spec, negative, body)
            }
            other => return Err(mismatch(m, spec, other)),
        },
        'e' | 'f' | 'g' => match arg {
            Value::Null => "null".into(),
            Value::Float(f) => float(spec, *f),
            Value::Decimal(_) => float(spec, arg.as_f64().unwrap_or(0.0)),
            other => return Err(mismatch(m, spec, other)),
        },
        't' | 'a' => {
            return Err(bad(
                m,
                format!(
                    "the conversion `%{}` (dates, hexadecimal floats) is not supported here",
                    spec.conversion
                ),
            ))
        }
        other => {
            return Err(bad(
                m,
                format!("UnknownFormatConversionException: Conversion = '{other}'"),
            ))
        }
    })
}

fn radix(n: u64, hex: bool) -> String {
    if hex {
        format!("{n:x}")
    } else {
        format!("{n:o}")
    }
}

/// Adds the sign (or parentheses) and the zero padding to digits.
fn signed(spec: &Spec, negative: bool, digits: String) -> String {
    let (pre, post) = match (negative, spec.paren, spec.plus, spec.space) {
        (true, true, _, _) => ("(", ")"),
        (true, false, _, _) => ("-", ""),
        (false, _, true, _) => ("+", ""),
        (false, _, _, true) => (" ", ""),
        _ => ("", ""),
    };
    let mut body = digits;
    if spec.zero {
        let width = spec.width.unwrap_or(0);
        let used = pre.len() + post.len() + body.chars().count();
        if used < width {
            body = format!("{}{body}", "0".repeat(width - used));
        }
    }
    format!("{pre}{body}{post}")
}

/// Groups the integer digits by thousands when `,` is given.
fn group(spec: &Spec, int_digits: &str, rest: &str) -> String {
    if !spec.group {
        return format!("{int_digits}{rest}");
    }
    let mut out = String::new();
    for (i, c) in int_digits.chars().enumerate() {
        if i > 0 && (int_digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}{rest}")
}

/// The shortest decimal digits of `|f|` and its exponent (`d.ddd × 10^exp`).
fn shortest(f: f64) -> (Vec<u8>, i32) {
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    (digits, exp.parse().unwrap_or(0))
}

/// Rounds digits (`d.ddd × 10^exp`) half-up to `keep` digits; the exponent may grow.
fn round_digits(mut digits: Vec<u8>, mut exp: i32, keep: i64) -> (Vec<u8>, i32) {
    if keep < 0 {
        return (vec![0], exp);
    }
    let keep = keep as usize;
    if digits.len() > keep {
        let up = digits[keep] >= 5;
        digits.truncate(keep);
        if up {
            let mut i = keep;
            loop {
                if i == 0 {
                    digits.insert(0, 1);
                    exp += 1;
                    break;
                }
                i -= 1;
                if digits[i] == 9 {
                    digits[i] = 0;
                } else {
                    digits[i] += 1;
                    break;
                }
            }
        }
    }
    (digits, exp)
}

/// `%e`, `%f`, `%g` of a double: Java rounds the shortest decimal form half-up.
fn float(spec: &Spec, f: f64) -> String {
    if f.is_nan() || f.is_infinite() {
        let text = if f.is_nan() {
            "NaN".to_string()
        } else if f > 0.0 {
            if spec.plus { "+Infinity" } else { "Infinity" }.to_string()
        } else if spec.paren {
            "(Infinity)".to_string()
        } else {
            "-Infinity".to_string()
        };
        return text;
    }
    let negative = f.is_sign_negative();
    let precision = spec.precision.unwrap_or(6);
    let (digits, exp) = if f == 0.0 { (vec![0], 0) } else { shortest(f) };
    let conv = spec.conversion.to_ascii_lowercase();
    let conv = if conv == 'g' {
        let p = precision.max(1);
        let (_, e) = round_digits(digits.clone(), exp, p as i64);
        if f != 0.0 && (e < -4 || e >= p as i32) {
            return exponent(spec, negative, digits, exp, p - 1);
        }
        return fixed(
            spec,
            negative,
            digits,
            exp,
            (p as i32 - 1 - e).max(0) as usize,
        );
    } else {
        conv
    };
    if conv == 'e' {
        exponent(spec, negative, digits, exp, precision)
    } else {
        fixed(spec, negative, digits, exp, precision)
    }
}

fn fixed(spec: &Spec, negative: bool, digits: Vec<u8>, exp: i32, precision: usize) -> String {
    // Digits before the point: exp + 1.
    let keep = exp as i64 + 1 + precision as i64;
    let (digits, exp) = round_digits(digits, exp, keep);
    let point = exp + 1;
    let digit = |i: i32| -> char {
        if i < 0 || i as usize >= digits.len() {
            '0'
        } else {
            (b'0' + digits[i as usize]) as char
        }
    };
    let int: String = if point <= 0 {
        "0".into()
    } else {
        (0..point).map(digit).collect()
    };
    let frac: String = (0..precision as i32).map(|i| digit(point + i)).collect();
    let rest = if precision > 0 || spec.alternate {
        format!(".{frac}")
    } else {
        String::new()
    };
    signed(spec, negative, group(spec, &int, &rest))
}

fn exponent(spec: &Spec, negative: bool, digits: Vec<u8>, exp: i32, precision: usize) -> String {
    let (digits, exp) = round_digits(digits, exp, precision as i64 + 1);
    let digit = |i: usize| (b'0' + digits.get(i).copied().unwrap_or(0)) as char;
    let frac: String = (1..=precision).map(digit).collect();
    let mantissa = if precision > 0 || spec.alternate {
        format!("{}.{frac}", digit(0))
    } else {
        digit(0).to_string()
    };
    let sign = if exp < 0 { '-' } else { '+' };
    signed(spec, negative, format!("{mantissa}e{sign}{:02}", exp.abs()))
}
