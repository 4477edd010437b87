//! `java.lang.Integer`, `Long`, `Double` and `Boolean`: every public method,
//! the static ones too (Velocity reaches them through an instance:
//! `$i.parseInt("f", 16)`). An integer is an `Integer` while it fits 32 bits
//! and a `Long` past them.

use super::table::{call, hide, refuse, JavaClass, CONSTANTS, PROPERTIES, REFLECTION, THREADS};
use super::{bad, hash_code, ok, MethodResult};
use crate::error::Error;
use crate::value::{format_double, Value};

/// An `int`/`long` argument or receiver (the table has matched it already).
fn n(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        Value::Float(f) => *f as i64,
        _ => 0,
    }
}

/// A `double` argument or receiver.
fn d(v: &Value) -> f64 {
    v.as_f64().unwrap_or(0.0)
}

fn b(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

fn nfe(m: &str, message: String) -> Error {
    bad(m, format!("NumberFormatException: {message}"))
}

fn input(s: &str, radix: u32) -> String {
    if radix == 10 {
        format!("For input string: \"{s}\"")
    } else {
        format!("For input string: \"{s}\" under radix {radix}")
    }
}

/// `Integer.parseInt`/`Long.parseLong`: an optional sign, then digits of the
/// radix, within `min..=max`.
fn parse_integer(m: &str, v: &Value, radix: i64, min: i64, max: i64) -> Result<i64, Error> {
    let Value::Str(s) = v else {
        return Err(nfe(m, "Cannot parse null string: null".into()));
    };
    if radix < 2 {
        return Err(nfe(
            m,
            format!("radix {radix} less than Character.MIN_RADIX"),
        ));
    }
    if radix > 36 {
        return Err(nfe(
            m,
            format!("radix {radix} greater than Character.MAX_RADIX"),
        ));
    }
    let radix = radix as u32;
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, &s[..]),
    };
    if digits.is_empty() {
        return Err(nfe(m, input(s, radix)));
    }
    let mut value: i128 = 0;
    for c in digits.chars() {
        let Some(digit) = c.to_digit(radix) else {
            return Err(nfe(m, input(s, radix)));
        };
        value = value * radix as i128 + digit as i128;
        if value > max as i128 + 1 {
            return Err(nfe(m, input(s, radix)));
        }
    }
    let value = if negative { -value } else { value };
    if value < min as i128 || value > max as i128 {
        return Err(nfe(m, input(s, radix)));
    }
    Ok(value as i64)
}

/// `parseUnsignedInt`/`parseUnsignedLong`: digits of the radix within `0..=max`.
fn parse_unsigned(m: &str, v: &Value, radix: i64, max: u64) -> Result<u64, Error> {
    if let Value::Str(s) = v {
        if s.starts_with('-') {
            return Err(nfe(
                m,
                format!("Illegal leading minus sign on unsigned string {s}."),
            ));
        }
    }
    let parsed = parse_integer(m, v, radix, 0, i64::MAX).map(|n| n as u64);
    let s = v.as_str().unwrap_or("");
    let value = match parsed {
        Ok(n) => n,
        Err(_) => u64::from_str_radix(s.trim_start_matches('+'), radix.clamp(2, 36) as u32)
            .map_err(|_| nfe(m, input(s, radix as u32)))?,
    };
    if value > max {
        return Err(nfe(
            m,
            format!(
                "String value {s} exceeds range of unsigned {}.",
                if max == u32::MAX as u64 {
                    "int"
                } else {
                    "long"
                }
            ),
        ));
    }
    Ok(value)
}

/// `Integer.decode`/`Long.decode`: a sign, then `0x`, `0X`, `#` or `0` for the radix.
fn decode(m: &str, v: &Value, min: i64, max: i64) -> Result<i64, Error> {
    let Value::Str(s) = v else {
        return Err(bad(m, "NullPointerException: the argument is null"));
    };
    if s.is_empty() {
        return Err(nfe(m, "Zero length string".into()));
    }
    let (negative, rest) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, &s[..]),
    };
    let (radix, digits) =
        if let Some(h) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
            (16, h)
        } else if let Some(h) = rest.strip_prefix('#') {
            (16, h)
        } else if rest.len() > 1 && rest.starts_with('0') {
            (8, &rest[1..])
        } else {
            (10, rest)
        };
    if digits.starts_with(['-', '+']) {
        return Err(nfe(m, "Sign character in wrong position".into()));
    }
    let text = format!("{}{digits}", if negative { "-" } else { "" });
    parse_integer(m, &Value::from(text), radix, min, max)
}

/// `Double.parseDouble`: Java's `FloatingDecimal` grammar (surrounding
/// characters up to a space trimmed, `NaN`, `Infinity`, a `d`/`f` suffix).
fn parse_double(m: &str, v: &Value) -> Result<f64, Error> {
    let Value::Str(s) = v else {
        return Err(bad(m, "NullPointerException: the argument is null"));
    };
    let t = s.trim_matches(|c: char| c <= ' ');
    if t.is_empty() {
        return Err(nfe(m, "empty String".into()));
    }
    let (sign, body) = match t.as_bytes()[0] {
        b'-' => (-1.0, &t[1..]),
        b'+' => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    match body {
        "NaN" => return Ok(f64::NAN),
        "Infinity" => return Ok(sign * f64::INFINITY),
        _ => {}
    }
    let body = body.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(body);
    let valid = !body.is_empty()
        && body
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        && body
            .bytes()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == b'.');
    match body.parse::<f64>() {
        Ok(f) if valid => Ok(sign * f),
        _ => Err(nfe(m, input(s, 10))),
    }
}

fn radix_text(value: i64, radix: i64) -> String {
    let radix = if (2..=36).contains(&radix) {
        radix as u32
    } else {
        10
    };
    let mut digits = Vec::new();
    let mut x = value.unsigned_abs();
    loop {
        digits.push(std::char::from_digit((x % radix as u64) as u32, radix).unwrap_or('0'));
        x /= radix as u64;
        if x == 0 {
            break;
        }
    }
    if value < 0 {
        digits.push('-');
    }
    digits.iter().rev().collect()
}

fn unsigned_text(value: u64, radix: i64) -> String {
    let radix = if (2..=36).contains(&radix) {
        radix as u64
    } else {
        10
    };
    let mut digits = Vec::new();
    let mut x = value;
    loop {
        digits.push(std::char::from_digit((x % radix) as u32, radix as u32).unwrap_or('0'));
        x /= radix;
        if x == 0 {
            break;
        }
    }
    digits.iter().rev().collect()
}

fn sign_of(o: std::cmp::Ordering) -> i64 {
    o as i64
}

/// `Double.compare`: `-0.0 < 0.0`, `NaN` above everything and equal to itself.
fn compare_doubles(a: f64, b: f64) -> i64 {
    let bits = |x: f64| {
        if x.is_nan() {
            0x7ff8000000000000i64
        } else {
            x.to_bits() as i64
        }
    };
    if a < b {
        -1
    } else if a > b {
        1
    } else {
        sign_of(bits(a).cmp(&bits(b)))
    }
}

/// `Double.toHexString`: `0x1.8p1`, `0x0.0000000000001p-1022`, `-0x0.0p0`, `NaN`.
fn double_hex(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0x0.0p0");
    }
    let bits = f.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64;
    let mantissa = bits & ((1 << 52) - 1);
    let digits = format!("{mantissa:013x}");
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    if exponent == 0 {
        format!("{sign}0x0.{digits}p-1022")
    } else {
        format!("{sign}0x1.{digits}p{}", exponent - 1023)
    }
}

fn div_zero(m: &str) -> Error {
    bad(m, "ArithmeticException: / by zero")
}

/// Every public method of `java.lang.Integer` (OpenJDK 17).
pub(super) static INTEGER: JavaClass = JavaClass {
    name: "Integer",
    methods: &[
        hide("Class getClass()", REFLECTION),
        refuse(
            "Integer resolveConstantDesc(java.lang.invoke.MethodHandles$Lookup)",
            CONSTANTS,
        ),
        call("String toString()", |r, _| ok(r.to_java_string())),
        call("boolean equals(Object)", |r, a| ok(r.java_equals(&a[0]))),
        call("byte byteValue()", |r, _| ok(n(r) as i8 as i64)),
        call("double doubleValue()", |r, _| ok(d(r))),
        call("float floatValue()", |r, _| ok(d(r) as f32 as f64)),
        call("int compareTo(Integer)", |r, a| match &a[0] {
            Value::Int(o) => ok(sign_of(n(r).cmp(o))),
            _ => Err(bad(
                "compareTo",
                "NullPointerException: the argument is null",
            )),
        }),
        call("int hashCode()", |r, _| ok(hash_code(r))),
        call("int intValue()", |r, _| ok(n(r))),
        refuse("java.util.Optional describeConstable()", CONSTANTS),
        call("long longValue()", |r, _| ok(n(r))),
        call("short shortValue()", |r, _| ok(n(r) as i16 as i64)),
        call("static Integer decode(String)", |_, a| {
            ok(decode("decode", &a[0], i32::MIN.into(), i32::MAX.into())?)
        }),
        hide("static Integer getInteger(String)", PROPERTIES),
        call("static Integer getInteger(String, Integer)", |_, a| {
            ok(a[1].clone())
        }),
        call("static Integer getInteger(String, int)", |_, a| {
            ok(a[1].clone())
        }),
        call("static Integer valueOf(String)", |_, a| {
            ok(parse_integer(
                "valueOf",
                &a[0],
                10,
                i32::MIN.into(),
                i32::MAX.into(),
            )?)
        }),
        call("static Integer valueOf(String, int)", |_, a| {
            ok(parse_integer(
                "valueOf",
                &a[0],
                n(&a[1]),
                i32::MIN.into(),
                i32::MAX.into(),
            )?)
        }),
        call("static Integer valueOf(int)", |_, a| ok(a[0].clone())),
        call("static String toBinaryString(int)", |_, a| {
            ok(format!("{:b}", n(&a[0]) as i32 as u32))
        }),
        call("static String toHexString(int)", |_, a| {
            ok(format!("{:x}", n(&a[0]) as i32 as u32))
        }),
        call("static String toOctalString(int)", |_, a| {
            ok(format!("{:o}", n(&a[0]) as i32 as u32))
        }),
        call("static String toString(int)", |_, a| {
            ok(a[0].to_java_string())
        }),
        call("static String toString(int, int)", |_, a| {
            ok(radix_text(n(&a[0]), n(&a[1])))
        }),
        call("static String toUnsignedString(int)", |_, a| {
            ok((n(&a[0]) as i32 as u32).to_string())
        }),
        call("static String toUnsignedString(int, int)", |_, a| {
            ok(unsigned_text(n(&a[0]) as i32 as u32 as u64, n(&a[1])))
        }),
        call("static int bitCount(int)", |_, a| {
            ok((n(&a[0]) as i32).count_ones() as i64)
        }),
        call("static int compare(int, int)", |_, a| {
            ok(sign_of(n(&a[0]).cmp(&n(&a[1]))))
        }),
        call("static int compareUnsigned(int, int)", |_, a| {
            ok(sign_of(
                (n(&a[0]) as i32 as u32).cmp(&(n(&a[1]) as i32 as u32)),
            ))
        }),
        call("static int divideUnsigned(int, int)", |_, a| {
            match n(&a[1]) as i32 as u32 {
                0 => Err(div_zero("divideUnsigned")),
                y => ok(((n(&a[0]) as i32 as u32) / y) as i32 as i64),
            }
        }),
        call("static int hashCode(int)", |_, a| ok(n(&a[0]))),
        call("static int highestOneBit(int)", |_, a| {
            let x = n(&a[0]) as i32 as u32;
            ok((if x == 0 {
                0
            } else {
                1u32 << (31 - x.leading_zeros())
            }) as i32 as i64)
        }),
        call("static int lowestOneBit(int)", |_, a| {
            let x = n(&a[0]) as i32;
            ok((x & x.wrapping_neg()) as i64)
        }),
        call(
            "static int max(int, int)",
            |_, a| ok(n(&a[0]).max(n(&a[1]))),
        ),
        call(
            "static int min(int, int)",
            |_, a| ok(n(&a[0]).min(n(&a[1]))),
        ),
        call("static int numberOfLeadingZeros(int)", |_, a| {
            ok((n(&a[0]) as i32).leading_zeros() as i64)
        }),
        call("static int numberOfTrailingZeros(int)", |_, a| {
            ok((n(&a[0]) as i32).trailing_zeros() as i64)
        }),
        call(
            "static int parseInt(CharSequence, int, int, int)",
            |_, a| {
                let s = a[0].as_str().unwrap_or("");
                let sub = super::string_slice("parseInt", s, n(&a[1]), n(&a[2]))?;
                ok(parse_integer(
                    "parseInt",
                    &Value::from(sub),
                    n(&a[3]),
                    i32::MIN.into(),
                    i32::MAX.into(),
                )?)
            },
        ),
        call("static int parseInt(String)", |_, a| {
            ok(parse_integer(
                "parseInt",
                &a[0],
                10,
                i32::MIN.into(),
                i32::MAX.into(),
            )?)
        }),
        call("static int parseInt(String, int)", |_, a| {
            ok(parse_integer(
                "parseInt",
                &a[0],
                n(&a[1]),
                i32::MIN.into(),
                i32::MAX.into(),
            )?)
        }),
        call(
            "static int parseUnsignedInt(CharSequence, int, int, int)",
            |_, a| {
                let s = a[0].as_str().unwrap_or("");
                let sub = super::string_slice("parseUnsignedInt", s, n(&a[1]), n(&a[2]))?;
                ok(parse_unsigned(
                    "parseUnsignedInt",
                    &Value::from(sub),
                    n(&a[3]),
                    u32::MAX.into(),
                )? as u32 as i32 as i64)
            },
        ),
        call("static int parseUnsignedInt(String)", |_, a| {
            ok(
                parse_unsigned("parseUnsignedInt", &a[0], 10, u32::MAX.into())? as u32 as i32
                    as i64,
            )
        }),
        call("static int parseUnsignedInt(String, int)", |_, a| {
            ok(
                parse_unsigned("parseUnsignedInt", &a[0], n(&a[1]), u32::MAX.into())? as u32 as i32
                    as i64,
            )
        }),
        call("static int remainderUnsigned(int, int)", |_, a| {
            match n(&a[1]) as i32 as u32 {
                0 => Err(div_zero("remainderUnsigned")),
                y => ok(((n(&a[0]) as i32 as u32) % y) as i32 as i64),
            }
        }),
        call("static int reverse(int)", |_, a| {
            ok((n(&a[0]) as i32).reverse_bits() as i64)
        }),
        call("static int reverseBytes(int)", |_, a| {
            ok((n(&a[0]) as i32).swap_bytes() as i64)
        }),
        call("static int rotateLeft(int, int)", |_, a| {
            ok((n(&a[0]) as i32).rotate_left((n(&a[1]) & 31) as u32) as i64)
        }),
        call("static int rotateRight(int, int)", |_, a| {
            ok((n(&a[0]) as i32).rotate_right((n(&a[1]) & 31) as u32) as i64)
        }),
        call("static int signum(int)", |_, a| ok(n(&a[0]).signum())),
        call("static int sum(int, int)", |_, a| {
            ok((n(&a[0]) as i32).wrapping_add(n(&a[1]) as i32) as i64)
        }),
        call("static long toUnsignedLong(int)", |_, a| {
            ok(n(&a[0]) as i32 as u32 as i64)
        }),
        hide("void notify()", THREADS),
        hide("void notifyAll()", THREADS),
        hide("void wait()", THREADS),
        hide("void wait(long)", THREADS),
        hide("void wait(long, int)", THREADS),
    ],
};

/// A `long` result (unsigned ones past `Long.MAX_VALUE` wrap, as Java's do).
fn long(v: u64) -> MethodResult {
    ok(v as i64)
}

/// Every public method of `java.lang.Long` (OpenJDK 17).
pub(super) static LONG: JavaClass = JavaClass {
    name: "Long",
    methods: &[
        hide("Class getClass()", REFLECTION),
        refuse(
            "Long resolveConstantDesc(java.lang.invoke.MethodHandles$Lookup)",
            CONSTANTS,
        ),
        call("String toString()", |r, _| ok(r.to_java_string())),
        call("boolean equals(Object)", |r, a| ok(r.java_equals(&a[0]))),
        call("byte byteValue()", |r, _| ok(n(r) as i8 as i64)),
        call("double doubleValue()", |r, _| ok(d(r))),
        call("float floatValue()", |r, _| ok(d(r) as f32 as f64)),
        call("int compareTo(Long)", |r, a| match &a[0] {
            Value::Int(o) => ok(sign_of(n(r).cmp(o))),
            _ => Err(bad(
                "compareTo",
                "NullPointerException: the argument is null",
            )),
        }),
        call("int hashCode()", |r, _| ok(hash_code(r))),
        call("int intValue()", |r, _| ok(n(r) as i32 as i64)),
        refuse("java.util.Optional describeConstable()", CONSTANTS),
        call("long longValue()", |r, _| ok(n(r))),
        call("short shortValue()", |r, _| ok(n(r) as i16 as i64)),
        call("static Long decode(String)", |_, a| {
            ok(decode("decode", &a[0], i64::MIN, i64::MAX)?)
        }),
        hide("static Long getLong(String)", PROPERTIES),
        call("static Long getLong(String, Long)", |_, a| ok(a[1].clone())),
        call("static Long getLong(String, long)", |_, a| ok(a[1].clone())),
        call("static Long valueOf(String)", |_, a| {
            ok(parse_integer("valueOf", &a[0], 10, i64::MIN, i64::MAX)?)
        }),
        call("static Long valueOf(String, int)", |_, a| {
            ok(parse_integer(
                "valueOf",
                &a[0],
                n(&a[1]),
                i64::MIN,
                i64::MAX,
            )?)
        }),
        call("static Long valueOf(long)", |_, a| ok(a[0].clone())),
        call("static String toBinaryString(long)", |_, a| {
            ok(format!("{:b}", n(&a[0]) as u64))
        }),
        call("static String toHexString(long)", |_, a| {
            ok(format!("{:x}", n(&a[0]) as u64))
        }),
        call("static String toOctalString(long)", |_, a| {
            ok(format!("{:o}", n(&a[0]) as u64))
        }),
        call("static String toString(long)", |_, a| {
            ok(a[0].to_java_string())
        }),
        call("static String toString(long, int)", |_, a| {
            ok(radix_text(n(&a[0]), n(&a[1])))
        }),
        call("static String toUnsignedString(long)", |_, a| {
            ok((n(&a[0]) as u64).to_string())
        }),
        call("static String toUnsignedString(long, int)", |_, a| {
            ok(unsigned_text(n(&a[0]) as u64, n(&a[1])))
        }),
        call("static int bitCount(long)", |_, a| {
            ok(n(&a[0]).count_ones() as i64)
        }),
        call("static int compare(long, long)", |_, a| {
            ok(sign_of(n(&a[0]).cmp(&n(&a[1]))))
        }),
        call("static int compareUnsigned(long, long)", |_, a| {
            ok(sign_of((n(&a[0]) as u64).cmp(&(n(&a[1]) as u64))))
        }),
        call("static int hashCode(long)", |_, a| ok(hash_code(&a[0]))),
        call("static int numberOfLeadingZeros(long)", |_, a| {
            ok(n(&a[0]).leading_zeros() as i64)
        }),
        call("static int numberOfTrailingZeros(long)", |_, a| {
            ok(n(&a[0]).trailing_zeros() as i64)
        }),
        call("static int signum(long)", |_, a| ok(n(&a[0]).signum())),
        call("static long divideUnsigned(long, long)", |_, a| {
            match n(&a[1]) as u64 {
                0 => Err(div_zero("divideUnsigned")),
                y => long((n(&a[0]) as u64) / y),
            }
        }),
        call("static long highestOneBit(long)", |_, a| {
            let x = n(&a[0]) as u64;
            long(if x == 0 {
                0
            } else {
                1u64 << (63 - x.leading_zeros())
            })
        }),
        call("static long lowestOneBit(long)", |_, a| {
            let x = n(&a[0]);
            ok(x & x.wrapping_neg())
        }),
        call("static long max(long, long)", |_, a| {
            ok(n(&a[0]).max(n(&a[1])))
        }),
        call("static long min(long, long)", |_, a| {
            ok(n(&a[0]).min(n(&a[1])))
        }),
        call(
            "static long parseLong(CharSequence, int, int, int)",
            |_, a| {
                let s = a[0].as_str().unwrap_or("");
                let sub = super::string_slice("parseLong", s, n(&a[1]), n(&a[2]))?;
                ok(parse_integer(
                    "parseLong",
                    &Value::from(sub),
                    n(&a[3]),
                    i64::MIN,
                    i64::MAX,
                )?)
            },
        ),
        call("static long parseLong(String)", |_, a| {
            ok(parse_integer("parseLong", &a[0], 10, i64::MIN, i64::MAX)?)
        }),
        call("static long parseLong(String, int)", |_, a| {
            ok(parse_integer(
                "parseLong",
                &a[0],
                n(&a[1]),
                i64::MIN,
                i64::MAX,
            )?)
        }),
        call(
            "static long parseUnsignedLong(CharSequence, int, int, int)",
            |_, a| {
                let s = a[0].as_str().unwrap_or("");
                let sub = super::string_slice("parseUnsignedLong", s, n(&a[1]), n(&a[2]))?;
                long(parse_unsigned(
                    "parseUnsignedLong",
                    &Value::from(sub),
                    n(&a[3]),
                    u64::MAX,
                )?)
            },
        ),
        call("static long parseUnsignedLong(String)", |_, a| {
            long(parse_unsigned("parseUnsignedLong", &a[0], 10, u64::MAX)?)
        }),
        call("static long parseUnsignedLong(String, int)", |_, a| {
            long(parse_unsigned(
                "parseUnsignedLong",
                &a[0],
                n(&a[1]),
                u64::MAX,
            )?)
        }),
        call("static long remainderUnsigned(long, long)", |_, a| {
            match n(&a[1]) as u64 {
                0 => Err(div_zero("remainderUnsigned")),
                y => long((n(&a[0]) as u64) % y),
            }
        }),
        call("static long reverse(long)", |_, a| {
            ok(n(&a[0]).reverse_bits())
        }),
        call("static long reverseBytes(long)", |_, a| {
            ok(n(&a[0]).swap_bytes())
        }),
        call("static long rotateLeft(long, int)", |_, a| {
            ok(n(&a[0]).rotate_left((n(&a[1]) & 63) as u32))
        }),
        call("static long rotateRight(long, int)", |_, a| {
            ok(n(&a[0]).rotate_right((n(&a[1]) & 63) as u32))
        }),
        call("static long sum(long, long)", |_, a| {
            ok(n(&a[0]).wrapping_add(n(&a[1])))
        }),
        hide("void notify()", THREADS),
        hide("void notifyAll()", THREADS),
        hide("void wait()", THREADS),
        hide("void wait(long)", THREADS),
        hide("void wait(long, int)", THREADS),
    ],
};

/// Every public method of `java.lang.Double` (OpenJDK 17).
pub(super) static DOUBLE: JavaClass = JavaClass {
    name: "Double",
    methods: &[
        hide("Class getClass()", REFLECTION),
        refuse(
            "Double resolveConstantDesc(java.lang.invoke.MethodHandles$Lookup)",
            CONSTANTS,
        ),
        call("String toString()", |r, _| ok(r.to_java_string())),
        call("boolean equals(Object)", |r, a| ok(r.java_equals(&a[0]))),
        call("boolean isInfinite()", |r, _| ok(d(r).is_infinite())),
        call("boolean isNaN()", |r, _| ok(d(r).is_nan())),
        call("byte byteValue()", |r, _| ok(d(r) as i32 as i8 as i64)),
        call("double doubleValue()", |r, _| ok(d(r))),
        call("float floatValue()", |r, _| ok(d(r) as f32 as f64)),
        call("int compareTo(Double)", |r, a| match &a[0] {
            Value::Float(o) => ok(compare_doubles(d(r), *o)),
            _ => Err(bad(
                "compareTo",
                "NullPointerException: the argument is null",
            )),
        }),
        call("int hashCode()", |r, _| ok(hash_code(r))),
        call("int intValue()", |r, _| ok(d(r) as i32 as i64)),
        refuse("java.util.Optional describeConstable()", CONSTANTS),
        call("long longValue()", |r, _| ok(d(r) as i64)),
        call("short shortValue()", |r, _| ok(d(r) as i32 as i16 as i64)),
        call("static Double valueOf(String)", |_, a| {
            ok(parse_double("valueOf", &a[0])?)
        }),
        call("static Double valueOf(double)", |_, a| ok(d(&a[0]))),
        call("static String toHexString(double)", |_, a| {
            ok(double_hex(d(&a[0])))
        }),
        call("static String toString(double)", |_, a| {
            ok(format_double(d(&a[0])))
        }),
        call("static boolean isFinite(double)", |_, a| {
            ok(d(&a[0]).is_finite())
        }),
        call("static boolean isInfinite(double)", |_, a| {
            ok(d(&a[0]).is_infinite())
        }),
        call("static boolean isNaN(double)", |_, a| ok(d(&a[0]).is_nan())),
        call("static double longBitsToDouble(long)", |_, a| {
            ok(f64::from_bits(n(&a[0]) as u64))
        }),
        call("static double max(double, double)", |_, a| {
            let (x, y) = (d(&a[0]), d(&a[1]));
            ok(if x.is_nan() || y.is_nan() {
                f64::NAN
            } else if x == y {
                if x.is_sign_negative() {
                    y
                } else {
                    x
                }
            } else {
                x.max(y)
            })
        }),
        call("static double min(double, double)", |_, a| {
            let (x, y) = (d(&a[0]), d(&a[1]));
            ok(if x.is_nan() || y.is_nan() {
                f64::NAN
            } else if x == y {
                if x.is_sign_negative() {
                    x
                } else {
                    y
                }
            } else {
                x.min(y)
            })
        }),
        call("static double parseDouble(String)", |_, a| {
            ok(parse_double("parseDouble", &a[0])?)
        }),
        call("static double sum(double, double)", |_, a| {
            ok(d(&a[0]) + d(&a[1]))
        }),
        call("static int compare(double, double)", |_, a| {
            ok(compare_doubles(d(&a[0]), d(&a[1])))
        }),
        call("static int hashCode(double)", |_, a| {
            ok(hash_code(&Value::Float(d(&a[0]))))
        }),
        call("static long doubleToLongBits(double)", |_, a| {
            let x = d(&a[0]);
            ok(if x.is_nan() {
                0x7ff8000000000000
            } else {
                x.to_bits() as i64
            })
        }),
        call("static long doubleToRawLongBits(double)", |_, a| {
            ok(d(&a[0]).to_bits() as i64)
        }),
        hide("void notify()", THREADS),
        hide("void notifyAll()", THREADS),
        hide("void wait()", THREADS),
        hide("void wait(long)", THREADS),
        hide("void wait(long, int)", THREADS),
    ],
};

/// Every public method of `java.lang.Boolean` (OpenJDK 17).
pub(super) static BOOLEAN: JavaClass = JavaClass {
    name: "Boolean",
    methods: &[
        hide("Class getClass()", REFLECTION),
        call("String toString()", |r, _| ok(r.to_java_string())),
        call("boolean booleanValue()", |r, _| ok(b(r))),
        call("boolean equals(Object)", |r, a| ok(r.java_equals(&a[0]))),
        call("int compareTo(Boolean)", |r, a| match &a[0] {
            Value::Bool(o) => ok(sign_of(b(r).cmp(o))),
            _ => Err(bad(
                "compareTo",
                "NullPointerException: the argument is null",
            )),
        }),
        call("int hashCode()", |r, _| ok(hash_code(r))),
        refuse("java.util.Optional describeConstable()", CONSTANTS),
        call("static Boolean valueOf(String)", |_, a| {
            ok(matches!(&a[0], Value::Str(s) if s.eq_ignore_ascii_case("true")))
        }),
        call("static Boolean valueOf(boolean)", |_, a| ok(a[0].clone())),
        call("static String toString(boolean)", |_, a| {
            ok(a[0].to_java_string())
        }),
        call("static boolean getBoolean(String)", |_, _| ok(false)),
        call("static boolean logicalAnd(boolean, boolean)", |_, a| {
            ok(b(&a[0]) && b(&a[1]))
        }),
        call("static boolean logicalOr(boolean, boolean)", |_, a| {
            ok(b(&a[0]) || b(&a[1]))
        }),
        call("static boolean logicalXor(boolean, boolean)", |_, a| {
            ok(b(&a[0]) ^ b(&a[1]))
        }),
        call("static boolean parseBoolean(String)", |_, a| {
            ok(matches!(&a[0], Value::Str(s) if s.eq_ignore_ascii_case("true")))
        }),
        call("static int compare(boolean, boolean)", |_, a| {
            ok(sign_of(b(&a[0]).cmp(&b(&a[1]))))
        }),
        call("static int hashCode(boolean)", |_, a| ok(hash_code(&a[0]))),
        hide("void notify()", THREADS),
        hide("void notifyAll()", THREADS),
        hide("void wait()", THREADS),
        hide("void wait(long)", THREADS),
        hide("void wait(long, int)", THREADS),
    ],
};
