//! Java's numbers: `Double.toString`, and `BigInteger` (what Velocity widens a
//! `Long` to when it overflows, and what Jackson reads a JSON integer past
//! `Long` as).

pub use num_bigint::BigInt;
use num_traits::ToPrimitive;

use super::budget;

mod floating_decimal;

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

/// Formats a double as Java 17's `Double.toString` does (its
/// `jdk.internal.math.FloatingDecimal`, the same as Java 8's and 11's):
/// `5.0`, `0.001`, `1.0E7`, `1.0E-4`, `NaN`, and at times more digits than
/// the shortest that reads back (`9.999999999999999E22` for `1e23`).
///
/// ```
/// use appsync_vtl::value::format_double;
/// assert_eq!(format_double(5.0), "5.0");
/// assert_eq!(format_double(1e21), "1.0E21");
/// assert_eq!(format_double(0.0001), "1.0E-4");
/// assert_eq!(format_double(1234567.5), "1234567.5");
/// assert_eq!(format_double(1e23), "9.999999999999999E22");
/// assert_eq!(format_double(f64::from_bits(1)), "4.9E-324");
/// ```
pub fn format_double(f: f64) -> String {
    let mut out = String::with_capacity(24);
    floating_decimal::write(f, &mut out);
    out
}

/// Appends [`format_double`]'s text.
pub(crate) fn write_double(f: f64, out: &mut String) {
    floating_decimal::write(f, out);
}

#[cfg(test)]
mod tests {
    use super::format_double;

    /// `format_double` against OpenJDK 17, every line of
    /// `tests/jdk/doubles.txt` (random bits, random decimals) and
    /// `tests/jdk/doubles-wide.txt` (all exponents, subnormals, powers of two
    /// and ten and their neighbours, integers, floats):
    /// `scripts/java-double-truth.jsh`.
    #[test]
    fn doubles_print_as_java_17() {
        let mut checked = 0;
        let mut differ = Vec::new();
        for file in ["doubles.txt", "doubles-wide.txt"] {
            let path = format!("{}/tests/jdk/{file}", env!("CARGO_MANIFEST_DIR"));
            let truth = std::fs::read_to_string(&path).expect("tests/jdk holds Java's doubles");
            for line in truth.lines() {
                let (bits, java) = line.split_once(' ').expect("bits and text");
                let f = f64::from_bits(u64::from_str_radix(bits, 16).expect("hex bits"));
                let ours = format_double(f);
                if ours != java {
                    differ.push(format!("{bits}: Java {java}, here {ours}"));
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 6_012 + 23_246, "the lines of both files");
        assert!(
            differ.is_empty(),
            "{} differ: {:#?}",
            differ.len(),
            &differ[..differ.len().min(20)]
        );
    }
}

/// `java.math.BigDecimal`: `unscaled × 10^-scale`. Velocity computes in it when
/// a `BigInteger` meets a `Double` (`MathUtils`' `BASE_BIGDECIMAL`), reading
/// the double exactly (`new BigDecimal(double)`).
#[derive(Clone, Debug, PartialEq)]
pub struct BigDecimal {
    unscaled: BigInt,
    scale: i64,
}

impl BigDecimal {
    /// An integer as a decimal of scale 0.
    pub fn from_int(n: BigInt) -> BigDecimal {
        BigDecimal {
            unscaled: n,
            scale: 0,
        }
    }

    /// `new BigDecimal(double)`: the double's exact value (`None` for NaN and
    /// the infinities, where Java throws).
    pub fn from_f64(f: f64) -> Option<BigDecimal> {
        if !f.is_finite() {
            return None;
        }
        let bits = f.to_bits();
        let exponent = ((bits >> 52) & 0x7ff) as i64;
        let mut mantissa = bits & ((1 << 52) - 1);
        let mut e2 = if exponent == 0 {
            -1074
        } else {
            mantissa |= 1 << 52;
            exponent - 1075
        };
        if mantissa == 0 {
            return Some(BigDecimal::from_int(BigInt::default()));
        }
        while mantissa & 1 == 0 && e2 < 0 {
            mantissa >>= 1;
            e2 += 1;
        }
        let m = BigInt::from(mantissa);
        let unscaled = if e2 >= 0 {
            m << e2 as usize
        } else {
            m * num_traits::pow(BigInt::from(5), (-e2) as usize)
        };
        let unscaled = if f < 0.0 { -unscaled } else { unscaled };
        Some(BigDecimal {
            unscaled,
            scale: (-e2).max(0),
        })
    }

    /// The size of the unscaled value in bits.
    pub fn bits(&self) -> u64 {
        self.unscaled.bits()
    }

    /// `toBigInteger()`: the integer part (truncated toward zero).
    pub fn to_bigint(&self) -> BigInt {
        if self.scale <= 0 {
            return self.at_scale(0);
        }
        &self.unscaled / num_traits::pow(BigInt::from(10), self.scale as usize)
    }

    fn at_scale(&self, scale: i64) -> BigInt {
        let up = (scale - self.scale).max(0) as usize;
        &self.unscaled * num_traits::pow(BigInt::from(10), up)
    }

    /// `add`.
    pub fn add(&self, o: &BigDecimal) -> BigDecimal {
        let scale = self.scale.max(o.scale);
        BigDecimal {
            unscaled: self.at_scale(scale) + o.at_scale(scale),
            scale,
        }
    }

    /// `subtract`.
    pub fn sub(&self, o: &BigDecimal) -> BigDecimal {
        let scale = self.scale.max(o.scale);
        BigDecimal {
            unscaled: self.at_scale(scale) - o.at_scale(scale),
            scale,
        }
    }

    /// `multiply`.
    pub fn mul(&self, o: &BigDecimal) -> BigDecimal {
        BigDecimal {
            unscaled: &self.unscaled * &o.unscaled,
            scale: self.scale + o.scale,
        }
    }

    /// `divide(o, ROUND_HALF_DOWN)`: the quotient at this decimal's scale,
    /// a tie rounded toward zero (`None` for a zero divisor).
    pub fn div_half_down(&self, o: &BigDecimal) -> Option<BigDecimal> {
        use num_integer::Integer;
        use num_traits::{Signed, Zero};
        if o.unscaled.is_zero() {
            return None;
        }
        // self.u × 10^-s1 / (o.u × 10^-s2) at scale s1 = self.u × 10^s2 / o.u
        let (n, d) = if o.scale >= 0 {
            (
                &self.unscaled * num_traits::pow(BigInt::from(10), o.scale as usize),
                o.unscaled.clone(),
            )
        } else {
            (
                self.unscaled.clone(),
                &o.unscaled * num_traits::pow(BigInt::from(10), (-o.scale) as usize),
            )
        };
        let (q, r) = n.div_rem(&d);
        let twice = r.abs() * 2u32;
        let q = if twice > d.abs() {
            if n.is_negative() == d.is_negative() {
                q + 1u32
            } else {
                q - 1u32
            }
        } else {
            q
        };
        Some(BigDecimal {
            unscaled: q,
            scale: self.scale,
        })
    }

    /// `compareTo`: by value, whatever the scales.
    pub fn cmp_value(&self, o: &BigDecimal) -> std::cmp::Ordering {
        let scale = self.scale.max(o.scale);
        self.at_scale(scale).cmp(&o.at_scale(scale))
    }

    /// `doubleValue()`.
    pub fn to_f64(&self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// `hashCode()`: `31 × unscaledValue().hashCode() + scale`.
    pub fn parts(&self) -> (&BigInt, i64) {
        (&self.unscaled, self.scale)
    }
}

/// `BigDecimal.toString()`: plain while the exponent is at least -6 and the
/// scale not negative, else scientific (`1E-7`, `1.23E+5`).
impl std::fmt::Display for BigDecimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use num_traits::Signed;
        let digits = self.unscaled.abs().to_string();
        let sign = if self.unscaled.is_negative() { "-" } else { "" };
        let len = digits.len() as i64;
        let adjusted = -self.scale + (len - 1);
        if self.scale >= 0 && adjusted >= -6 {
            if self.scale == 0 {
                write!(f, "{sign}{digits}")
            } else if len > self.scale {
                let point = (len - self.scale) as usize;
                write!(f, "{sign}{}.{}", &digits[..point], &digits[point..])
            } else {
                let zeros = "0".repeat((self.scale - len) as usize);
                write!(f, "{sign}0.{zeros}{digits}")
            }
        } else {
            let rest = if len > 1 {
                format!(".{}", &digits[1..])
            } else {
                String::new()
            };
            let e_sign = if adjusted >= 0 { "+" } else { "" };
            write!(f, "{sign}{}{rest}E{e_sign}{adjusted}", &digits[..1])
        }
    }
}

/// `BigInteger.intValue()`: the low 32 bits of the two's complement.
pub fn big_int_value(b: &BigInt) -> i32 {
    use num_traits::ToPrimitive;
    (b & BigInt::from(u32::MAX))
        .to_u32()
        .map_or(0, |low| low as i32)
}
