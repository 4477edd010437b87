//! Java's numbers: `Double.toString`, and `BigInteger` (what Velocity widens a
//! `Long` to when it overflows, and what Jackson reads a JSON integer past
//! `Long` as).

pub use num_bigint::BigInt;
use num_traits::ToPrimitive;

use super::budget;

/// The largest `BigInteger` a render may make, in bits (about 40,000 decimal
/// digits). Java has no such limit, but a template that squares a number in a
/// loop would otherwise make the tool allocate without bound; AppSync would
/// time out long before. Arithmetic past it is an engine error.
pub const MAX_BIGINT_BITS: u64 = 1 << 17;

/// `BigInteger.doubleValue()`: the nearest double, or an infinity.
pub(crate) fn big_to_f64(b: &BigInt) -> f64 {
    b.to_f64().unwrap_or(f64::NAN)
}

/// Appends `BigInteger.toString()`: the decimal digits (charging the work meter).
pub(crate) fn write_big(b: &BigInt, out: &mut String) {
    if budget::charge(1 + (b.bits() / 64) as usize) {
        out.push_str(&b.to_string());
    }
}

/// Formats a double as Java does: `5.0`, `0.001`, `1.0E7`, `1.0E-4`, `NaN`.
///
/// ```
/// use appsync_vtl::value::format_double;
/// assert_eq!(format_double(5.0), "5.0");
/// assert_eq!(format_double(1e21), "1.0E21");
/// assert_eq!(format_double(0.0001), "1.0E-4");
/// assert_eq!(format_double(1234567.5), "1234567.5");
/// ```
pub fn format_double(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    // Shortest round-trip digits, from Rust's `{:e}`: "d.ddde±x".
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if f < 0.0 { "-" } else { "" };
    let abs = f.abs();
    if (1e-3..1e7).contains(&abs) {
        let point = exp + 1; // digits before the decimal point
        let (int_part, frac_part) = if point <= 0 {
            (
                "0".to_string(),
                format!("{}{}", "0".repeat((-point) as usize), digits),
            )
        } else if point as usize >= digits.len() {
            (
                format!("{}{}", digits, "0".repeat(point as usize - digits.len())),
                String::new(),
            )
        } else {
            (
                digits[..point as usize].to_string(),
                digits[point as usize..].to_string(),
            )
        };
        let frac = if frac_part.is_empty() {
            "0".to_string()
        } else {
            frac_part
        };
        format!("{sign}{int_part}.{frac}")
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{sign}{first}.{rest}E{exp}")
    }
}
