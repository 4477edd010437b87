//! Java 17's `Double.toString`: a port of `jdk.internal.math.FloatingDecimal`
//! (`getBinaryToASCIIConverter` and its `BinaryToASCIIBuffer`: `dtoa`,
//! `developLongDigits`, `roundup`, `estimateDecExp`,
//! `insignificantDigitsForPow2`, `getChars`), with the operations of
//! `jdk.internal.math.FDBigInteger` that `dtoa` uses done on a fixed-size
//! integer here.
//!
//! Not the shortest digits that read back (what Java 19's `DoubleToDecimal`
//! and Rust's `{}` print): `FloatingDecimal` develops an integer below 2^63
//! from its exact digits (`2.82879384806159008E17`), gives two digits in E-form
//! (`4.9E-324` for `2^-1074`) and stops its digit loop on a symmetric test
//! (`1.0E23` prints `9.999999999999999E22`). Every Java from 8 to 18 prints
//! so, and the JDK this project takes as its reference for Java's library is
//! 17 (AppSync does not document its Java version), so those digits are
//! reproduced on purpose, the wrapping `int` and `long` arithmetic of its
//! fast paths included.

use std::cmp::Ordering;

const EXP_SHIFT: i32 = 52;
const FRACT_HOB: u64 = 1 << EXP_SHIFT;
const EXP_ONE: u64 = 1023 << EXP_SHIFT;
const SIGNIF_BIT_MASK: u64 = FRACT_HOB - 1;
const EXP_BIT_MASK: u64 = 0x7ff << EXP_SHIFT;
const SIGN_BIT_MASK: u64 = 1 << 63;
const EXP_BIAS: i32 = 1023;
const MAX_SMALL_BIN_EXP: i32 = 62;
const MIN_SMALL_BIN_EXP: i32 = -(63 / 3);

/// `FDBigInteger.SMALL_5_POW`: 5^0 ..= 5^13, the powers of five in an `int`.
const SMALL_5_POW: [i32; 14] = {
    let mut t = [1i32; 14];
    let mut i = 1;
    while i < t.len() {
        t[i] = t[i - 1] * 5;
        i += 1;
    }
    t
};

/// `FDBigInteger.LONG_5_POW`: 5^0 ..= 5^26, the powers of five in a `long`.
const LONG_5_POW: [i64; 27] = {
    let mut t = [1i64; 27];
    let mut i = 1;
    while i < t.len() {
        t[i] = t[i - 1] * 5;
        i += 1;
    }
    t
};

/// `N_5_BITS`: approximately `ceil(log2(5^i))`.
const N_5_BITS: [i32; 27] = [
    0, 3, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28, 31, 33, 35, 38, 40, 42, 45, 47, 49, 52, 54, 56,
    59, 61,
];

/// `insignificantDigitsNumber`: the decimal digits of `1L << i`, less one.
const INSIGNIFICANT_DIGITS_NUMBER: [i32; 64] = [
    0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9,
    9, 9, 10, 10, 10, 11, 11, 11, 12, 12, 12, 12, 13, 13, 13, 14, 14, 14, 15, 15, 15, 15, 16, 16,
    16, 17, 17, 17, 18, 18, 18, 19,
];

/// Appends `Double.toString(f)` as Java 17 prints it.
pub(super) fn write(f: f64, out: &mut String) {
    let d_bits = f.to_bits();
    let is_negative = d_bits & SIGN_BIT_MASK != 0;
    let mut fract_bits = d_bits & SIGNIF_BIT_MASK;
    let mut bin_exp = ((d_bits & EXP_BIT_MASK) >> EXP_SHIFT) as i32;
    if bin_exp == (EXP_BIT_MASK >> EXP_SHIFT) as i32 {
        out.push_str(match (fract_bits, is_negative) {
            (0, false) => "Infinity",
            (0, true) => "-Infinity",
            _ => "NaN",
        });
        return;
    }
    let mut buf = Buffer::new(is_negative);
    let n_significant_bits;
    if bin_exp == 0 {
        if fract_bits == 0 {
            // `B2AC_POSITIVE_ZERO` / `B2AC_NEGATIVE_ZERO`: the digit 0.
            buf.digits[0] = b'0';
            buf.n_digits = 1;
            buf.get_chars(out);
            return;
        }
        // A subnormal: normalized so that the high-order bit is set.
        let leading_zeros = fract_bits.leading_zeros() as i32;
        let shift = leading_zeros - (63 - EXP_SHIFT);
        fract_bits <<= shift;
        bin_exp = 1 - shift;
        n_significant_bits = 64 - leading_zeros;
    } else {
        fract_bits |= FRACT_HOB;
        n_significant_bits = EXP_SHIFT + 1;
    }
    bin_exp -= EXP_BIAS;
    buf.dtoa(bin_exp, fract_bits as i64, n_significant_bits);
    buf.get_chars(out);
}

/// `BinaryToASCIIBuffer`: the digits and the decimal exponent (the value is
/// `0.d1d2… × 10^dec_exponent`).
struct Buffer {
    is_negative: bool,
    dec_exponent: i32,
    first_digit_index: usize,
    n_digits: usize,
    /// ASCII digits, as Java's `char[20]`.
    digits: [u8; 20],
}

impl Buffer {
    fn new(is_negative: bool) -> Buffer {
        Buffer {
            is_negative,
            dec_exponent: 0,
            first_digit_index: 0,
            n_digits: 0,
            digits: [b'0'; 20],
        }
    }

    /// `developLongDigits`: all the significant bits, after scaling, are in
    /// `lvalue` (> 0); the digits are developed from the end of the buffer,
    /// trailing zeros dropped. Java has an `int` and a `long` copy of the
    /// loop ("same algorithm as above (same bugs, too)"); neither overflows,
    /// so one `long` loop gives the same digits.
    fn develop_long_digits(&mut self, mut dec_exponent: i32, mut lvalue: i64, insignificant: i32) {
        if insignificant != 0 {
            // Discard non-significant low-order bits, while rounding, up to
            // insignificant value.
            let pow10 = LONG_5_POW[insignificant as usize].wrapping_shl(insignificant as u32);
            let residue = lvalue % pow10;
            lvalue /= pow10;
            dec_exponent += insignificant;
            if residue >= (pow10 >> 1) {
                lvalue += 1;
            }
        }
        let mut digitno = self.digits.len() - 1;
        let mut c = lvalue % 10;
        lvalue /= 10;
        while c == 0 && lvalue != 0 {
            dec_exponent += 1;
            c = lvalue % 10;
            lvalue /= 10;
        }
        while lvalue != 0 {
            self.digits[digitno] = b'0' + c as u8;
            digitno -= 1;
            dec_exponent += 1;
            c = lvalue % 10;
            lvalue /= 10;
        }
        self.digits[digitno] = b'0' + c as u8;
        self.dec_exponent = dec_exponent + 1;
        self.first_digit_index = digitno;
        self.n_digits = self.digits.len() - digitno;
    }

    /// `dtoa(binExp, fractBits, nSignificantBits, isCompatibleFormat = true)`:
    /// `fract_bits` has its high-order bit (`1 << 52`) set; the value is
    /// `fract_bits × 2^(bin_exp - 52)`.
    fn dtoa(&mut self, bin_exp: i32, mut fract_bits: i64, n_significant_bits: i32) {
        let tail_zeros = fract_bits.trailing_zeros() as i32;
        // The number of significant bits of fract_bits.
        let n_fract_bits = EXP_SHIFT + 1 - tail_zeros;
        // The number of significant bits to the right of the point.
        let n_tiny_bits = (n_fract_bits - bin_exp - 1).max(0);
        if (MIN_SMALL_BIN_EXP..=MAX_SMALL_BIN_EXP).contains(&bin_exp)
            && n_tiny_bits < LONG_5_POW.len() as i32
            && n_fract_bits + N_5_BITS[n_tiny_bits as usize] < 64
            && n_tiny_bits == 0
        {
            // An integer that fits in a long: shift it into place.
            let insignificant = if bin_exp > n_significant_bits {
                insignificant_digits_for_pow2(bin_exp - n_significant_bits - 1)
            } else {
                0
            };
            if bin_exp >= EXP_SHIFT {
                fract_bits = fract_bits.wrapping_shl((bin_exp - EXP_SHIFT) as u32);
            } else {
                fract_bits = ((fract_bits as u64) >> (EXP_SHIFT - bin_exp)) as i64;
            }
            self.develop_long_digits(0, fract_bits, insignificant);
            return;
        }
        // The hard case: large positive integers B and S and an integer
        // dec_exp with d = (B / S) × 10^dec_exp and 1 <= B / S < 10, and M,
        // half an ULP of d scaled like B; digits are the quotients of B / S
        // until the remainder is within M. Powers of 2 and 5 are kept apart.
        let mut dec_exp = estimate_dec_exp(fract_bits, bin_exp);
        let b5 = (-dec_exp).max(0);
        let mut b2 = b5 + n_tiny_bits + bin_exp;
        let s5 = dec_exp.max(0);
        let mut s2 = s5 + n_tiny_bits;
        let m5 = b5;
        let mut m2 = b2 - n_significant_bits;

        fract_bits = ((fract_bits as u64) >> tail_zeros) as i64;
        b2 -= n_fract_bits - 1;
        let common2factor = b2.min(s2);
        b2 -= common2factor;
        s2 -= common2factor;
        m2 -= common2factor;

        // "HACK!! For exact powers of two, the next smallest number is only
        // half as far away as we think."
        if n_fract_bits == 1 {
            m2 -= 1;
        }
        if m2 < 0 {
            // M cannot be scaled down far enough: scale the others up.
            b2 -= m2;
            s2 -= m2;
            m2 = 0;
        }

        let mut ndigit = 0usize;
        let mut low;
        let mut high;
        let low_digit_difference: i64;
        let mut q;

        // Binary digits needed to represent B and 10 × S, approximately.
        let n5 = |p5: i32| {
            N_5_BITS
                .get(p5 as usize)
                .copied()
                .unwrap_or(p5.wrapping_mul(3))
        };
        let b_bits = n_fract_bits + b2 + n5(b5);
        let ten_s_bits = s2 + 1 + n5(s5 + 1);
        if b_bits < 64 && ten_s_bits < 64 {
            if b_bits < 32 && ten_s_bits < 32 {
                // "wa-hoo! They're all ints!" (in Java's wrapping `int`s).
                let mut b = (fract_bits as i32)
                    .wrapping_mul(SMALL_5_POW[b5 as usize])
                    .wrapping_shl(b2 as u32);
                let s = SMALL_5_POW[s5 as usize].wrapping_shl(s2 as u32);
                let mut m = SMALL_5_POW[m5 as usize].wrapping_shl(m2 as u32);
                let tens = s.wrapping_mul(10);
                // The first iteration unrolled: a quotient of 0 means the
                // estimate of dec_exp was one too high.
                q = b.wrapping_div(s);
                b = b.wrapping_rem(s).wrapping_mul(10);
                m = m.wrapping_mul(10);
                low = b < m;
                high = b.wrapping_add(m) > tens;
                if q == 0 && !high {
                    dec_exp -= 1;
                } else {
                    self.digits[ndigit] = b'0'.wrapping_add(q as u8);
                    ndigit += 1;
                }
                // At least one digit after the point in E-form.
                if !(-3..8).contains(&dec_exp) {
                    high = false;
                    low = false;
                }
                while !low && !high {
                    q = b.wrapping_div(s);
                    b = b.wrapping_rem(s).wrapping_mul(10);
                    m = m.wrapping_mul(10);
                    if m > 0 {
                        low = b < m;
                        high = b.wrapping_add(m) > tens;
                    } else {
                        // "hack -- m might overflow!"
                        low = true;
                        high = true;
                    }
                    self.digits[ndigit] = b'0'.wrapping_add(q as u8);
                    ndigit += 1;
                }
                low_digit_difference = i64::from((b << 1).wrapping_sub(tens));
            } else {
                // "still good! they're all longs!"
                let mut b = fract_bits
                    .wrapping_mul(LONG_5_POW[b5 as usize])
                    .wrapping_shl(b2 as u32);
                let s = LONG_5_POW[s5 as usize].wrapping_shl(s2 as u32);
                let mut m = LONG_5_POW[m5 as usize].wrapping_shl(m2 as u32);
                let tens = s.wrapping_mul(10);
                q = b.wrapping_div(s) as i32;
                b = b.wrapping_rem(s).wrapping_mul(10);
                m = m.wrapping_mul(10);
                low = b < m;
                high = b.wrapping_add(m) > tens;
                if q == 0 && !high {
                    dec_exp -= 1;
                } else {
                    self.digits[ndigit] = b'0'.wrapping_add(q as u8);
                    ndigit += 1;
                }
                if !(-3..8).contains(&dec_exp) {
                    high = false;
                    low = false;
                }
                while !low && !high {
                    q = b.wrapping_div(s) as i32;
                    b = b.wrapping_rem(s).wrapping_mul(10);
                    m = m.wrapping_mul(10);
                    if m > 0 {
                        low = b < m;
                        high = b.wrapping_add(m) > tens;
                    } else {
                        low = true;
                        high = true;
                    }
                    self.digits[ndigit] = b'0'.wrapping_add(q as u8);
                    ndigit += 1;
                }
                low_digit_difference = (b << 1).wrapping_sub(tens);
            }
        } else {
            // FDBigInteger arithmetic, all four values shifted left by S's
            // normalization bias.
            let mut s_val = Big::pow52(s5, s2);
            let shift_bias = s_val.normalization_bias();
            s_val.shl(shift_bias);
            let mut b_val = Big::mul_pow52(fract_bits as u64, b5, b2 + shift_bias);
            let mut m_val = Big::pow52(m5, m2 + shift_bias);
            m_val.mul_small(10); // valueOfPow52(M5 + 1, M2 + 1)
            let mut ten_s_val = s_val.clone();
            ten_s_val.mul_small(10); // valueOfPow52(S5 + 1, S2 + 1)
            q = b_val.quo_rem_iteration(&s_val);
            low = b_val.cmp(&m_val) == Ordering::Less;
            high = ten_s_val.cmp_sum(&b_val, &m_val) != Ordering::Greater;
            if q == 0 && !high {
                dec_exp -= 1;
            } else {
                self.digits[ndigit] = b'0'.wrapping_add(q as u8);
                ndigit += 1;
            }
            if !(-3..8).contains(&dec_exp) {
                high = false;
                low = false;
            }
            while !low && !high {
                q = b_val.quo_rem_iteration(&s_val);
                m_val.mul_small(10);
                low = b_val.cmp(&m_val) == Ordering::Less;
                high = ten_s_val.cmp_sum(&b_val, &m_val) != Ordering::Greater;
                self.digits[ndigit] = b'0'.wrapping_add(q as u8);
                ndigit += 1;
            }
            low_digit_difference = if high && low {
                b_val.shl(1);
                b_val.cmp(&ten_s_val) as i64
            } else {
                0
            };
        }
        self.dec_exponent = dec_exp + 1;
        self.first_digit_index = 0;
        self.n_digits = ndigit;
        // The last digit is rounded by the stopping condition.
        if high {
            if low {
                if low_digit_difference == 0 {
                    // A tie: round to an even digit.
                    if self.digits[self.first_digit_index + self.n_digits - 1] & 1 != 0 {
                        self.roundup();
                    }
                } else if low_digit_difference > 0 {
                    self.roundup();
                }
            } else {
                self.roundup();
            }
        }
    }

    /// `roundup`: adds one to the last digit; a carry out of the first makes
    /// it `1` and raises the exponent (the digits after it stay, as zeros).
    fn roundup(&mut self) {
        let first = self.first_digit_index;
        let mut i = first + self.n_digits - 1;
        let mut q = self.digits[i];
        if q == b'9' {
            while q == b'9' && i > first {
                self.digits[i] = b'0';
                i -= 1;
                q = self.digits[i];
            }
            if q == b'9' {
                self.dec_exponent += 1;
                self.digits[first] = b'1';
                return;
            }
        }
        self.digits[i] = q + 1;
    }

    /// `getChars`: `ddd.ddd` for 10^-3 <= |d| < 10^7, else `d.dddE±n`.
    fn get_chars(&self, out: &mut String) {
        let digits = &self.digits[self.first_digit_index..self.first_digit_index + self.n_digits];
        let mut result = [0u8; 32];
        let mut i = 0;
        let mut put = |bytes: &[u8]| {
            result[i..i + bytes.len()].copy_from_slice(bytes);
            i += bytes.len();
        };
        if self.is_negative {
            put(b"-");
        }
        let dec_exponent = self.dec_exponent;
        if dec_exponent > 0 && dec_exponent < 8 {
            let exp = dec_exponent as usize;
            let char_length = digits.len().min(exp);
            put(&digits[..char_length]);
            if char_length < exp {
                for _ in char_length..exp {
                    put(b"0");
                }
                put(b".0");
            } else {
                put(b".");
                if char_length < digits.len() {
                    put(&digits[char_length..]);
                } else {
                    put(b"0");
                }
            }
        } else if dec_exponent <= 0 && dec_exponent > -3 {
            put(b"0.");
            for _ in dec_exponent..0 {
                put(b"0");
            }
            put(digits);
        } else {
            put(&digits[..1]);
            put(b".");
            if digits.len() > 1 {
                put(&digits[1..]);
            } else {
                put(b"0");
            }
            put(b"E");
            let e = if dec_exponent <= 0 {
                put(b"-");
                -dec_exponent + 1
            } else {
                dec_exponent - 1
            };
            // The exponent has 1, 2 or 3 digits.
            let e = e as u16;
            if e > 99 {
                put(&[b'0' + (e / 100) as u8]);
            }
            if e > 9 {
                put(&[b'0' + (e / 10 % 10) as u8]);
            }
            put(&[b'0' + (e % 10) as u8]);
        }
        // Only ASCII digits, signs, `.` and `E` were written.
        out.extend(result[..i].iter().map(|&b| b as char));
    }
}

/// `estimateDecExp`: `floor(log10(d))`, estimated as
/// `log10(d2) ≈ (d2 - 1.5) / 1.5 + log10(1.5)` for the mantissa `1 <= d2 < 2`
/// plus `bin_exp × log10(2)`; sometimes one too high (the first quotient is
/// then 0 and `dtoa` lowers it). Java's constants, `0.301029995663981` not
/// quite `LOG10_2`.
#[allow(clippy::approx_constant)]
fn estimate_dec_exp(fract_bits: i64, bin_exp: i32) -> i32 {
    let d2 = f64::from_bits(EXP_ONE | (fract_bits as u64 & SIGNIF_BIT_MASK));
    let d = (d2 - 1.5) * 0.289529654 + 0.176091259 + f64::from(bin_exp) * 0.301029995663981;
    let d_bits = d.to_bits();
    let exponent = ((d_bits & EXP_BIT_MASK) >> EXP_SHIFT) as i32 - EXP_BIAS;
    let is_negative = d_bits & SIGN_BIT_MASK != 0;
    if (0..52).contains(&exponent) {
        let mask = SIGNIF_BIT_MASK >> exponent;
        let r = (((d_bits & SIGNIF_BIT_MASK) | FRACT_HOB) >> (EXP_SHIFT - exponent)) as i32;
        if !is_negative {
            r
        } else if mask & d_bits == 0 {
            -r
        } else {
            -r - 1
        }
    } else if exponent < 0 {
        if d_bits & !SIGN_BIT_MASK == 0 || !is_negative {
            0
        } else {
            -1
        }
    } else {
        // Java's `(int) d`, which saturates as `as` does.
        d as i32
    }
}

/// `insignificantDigitsForPow2(p2)`: `insignificantDigits(1L << p2)`.
fn insignificant_digits_for_pow2(p2: i32) -> i32 {
    if p2 > 1 && p2 < INSIGNIFICANT_DIGITS_NUMBER.len() as i32 {
        INSIGNIFICANT_DIGITS_NUMBER[p2 as usize]
    } else {
        0
    }
}

/// Words of [`Big`]: the largest values `dtoa` makes (`10 × S`, `B + M`,
/// near the largest and smallest doubles) take 27 words, 864 bits; the tests
/// run every binade's extremes.
const WORDS: usize = 40;

/// A non-negative integer in little-endian 32-bit words: what
/// `FDBigInteger` does for `dtoa`, on the stack.
#[derive(Clone)]
struct Big {
    words: [u32; WORDS],
    /// Words in use; the highest is not zero (0 has none).
    len: usize,
}

impl Big {
    fn from_u64(v: u64) -> Big {
        let mut big = Big {
            words: [0; WORDS],
            len: 2,
        };
        big.words[0] = v as u32;
        big.words[1] = (v >> 32) as u32;
        big.trim();
        big
    }

    /// `valueOfPow52(p5, p2)`: 5^p5 × 2^p2.
    fn pow52(p5: i32, p2: i32) -> Big {
        Big::mul_pow52(1, p5, p2)
    }

    /// `valueOfMulPow52(value, p5, p2)`: value × 5^p5 × 2^p2.
    fn mul_pow52(value: u64, mut p5: i32, p2: i32) -> Big {
        let mut big = Big::from_u64(value);
        while p5 >= 13 {
            big.mul_small(SMALL_5_POW[13] as u32);
            p5 -= 13;
        }
        if p5 > 0 {
            big.mul_small(SMALL_5_POW[p5 as usize] as u32);
        }
        big.shl(p2);
        big
    }

    fn trim(&mut self) {
        while self.len > 0 && self.words[self.len - 1] == 0 {
            self.len -= 1;
        }
    }

    fn mul_small(&mut self, factor: u32) {
        let mut carry = 0u64;
        for w in &mut self.words[..self.len] {
            let p = u64::from(*w) * u64::from(factor) + carry;
            *w = p as u32;
            carry = p >> 32;
        }
        if carry != 0 {
            self.words[self.len] = carry as u32;
            self.len += 1;
        }
    }

    /// `leftShift(shift)`.
    fn shl(&mut self, shift: i32) {
        if self.len == 0 || shift <= 0 {
            return;
        }
        let word_shift = (shift / 32) as usize;
        let bit_shift = (shift % 32) as u32;
        let old = self.len;
        if bit_shift == 0 {
            self.words.copy_within(..old, word_shift);
        } else {
            self.words[old + word_shift] = self.words[old - 1] >> (32 - bit_shift);
            for i in (1..old).rev() {
                self.words[i + word_shift] =
                    (self.words[i] << bit_shift) | (self.words[i - 1] >> (32 - bit_shift));
            }
            self.words[word_shift] = self.words[0] << bit_shift;
        }
        self.words[..word_shift].fill(0);
        self.len = old + word_shift + 1;
        self.trim();
    }

    /// `getNormalizationBias`: the left shift that puts S's top word in
    /// [2^27, 2^28), so that a quotient below 10 is read from the top words.
    fn normalization_bias(&self) -> i32 {
        let top = self.len.checked_sub(1).map_or(0, |i| self.words[i]);
        let zeros = top.leading_zeros() as i32;
        if zeros < 4 {
            28 + zeros
        } else {
            zeros - 4
        }
    }

    /// `cmp`.
    fn cmp(&self, other: &Big) -> Ordering {
        self.len.cmp(&other.len).then_with(|| {
            self.words[..self.len]
                .iter()
                .rev()
                .cmp(other.words[..other.len].iter().rev())
        })
    }

    /// `addAndCmp(x, y)`: this against x + y, without making the sum.
    fn cmp_sum(&self, x: &Big, y: &Big) -> Ordering {
        let n = x.len.max(y.len);
        if self.len > n + 1 {
            return Ordering::Greater;
        }
        // Mostly settled by the top word: x + y < (x_k + y_k + 2) × 2^32k.
        if let Some(k) = self.len.checked_sub(1).filter(|&k| n <= k + 1) {
            let top = u64::from(self.words[k]);
            let sum = u64::from(x.words[k]) + u64::from(y.words[k]);
            if top >= sum + 2 {
                return Ordering::Greater;
            }
            if top < sum {
                return Ordering::Less;
            }
        }
        let mut order = Ordering::Equal;
        let mut carry = 0u64;
        for i in 0..n {
            let sum = u64::from(x.words[i]) + u64::from(y.words[i]) + carry;
            carry = sum >> 32;
            let word = self.words[i].cmp(&(sum as u32));
            if word != Ordering::Equal {
                order = word;
            }
        }
        if n < WORDS {
            let word = u64::from(self.words[n]).cmp(&carry);
            if word != Ordering::Equal {
                order = word;
            }
        } else if carry != 0 {
            order = Ordering::Less;
        }
        order
    }

    /// Subtracts a value not larger than this one.
    fn sub(&mut self, other: &Big) {
        let mut borrow = 0i64;
        for i in 0..self.len {
            let d = i64::from(self.words[i]) - i64::from(other.words[i]) - borrow;
            self.words[i] = d as u32;
            borrow = i64::from(d < 0);
        }
        self.trim();
    }

    /// Subtracts `q × s`, not larger than this value.
    fn sub_product(&mut self, s: &Big, q: u64) {
        let mut carry = 0u64;
        let mut borrow = 0i64;
        for i in 0..self.len {
            let product = u64::from(s.words[i]) * q + carry;
            carry = product >> 32;
            let d = i64::from(self.words[i]) - i64::from(product as u32) - borrow;
            self.words[i] = d as u32;
            borrow = i64::from(d < 0);
        }
        self.trim();
    }

    /// `quoRemIteration(S)`: returns this / S (a digit) and leaves
    /// 10 × (this % S). Like Java's, the quotient is estimated from the
    /// leading words (here from below) and corrected: it is exact.
    fn quo_rem_iteration(&mut self, s: &Big) -> i32 {
        let n = s.len;
        let mut q = 0u64;
        if n > 0 && self.len == n {
            // S's top word is in [2^27, 2^28) (`normalization_bias`): this
            // estimate from below is the quotient or one less.
            q = u64::from(self.words[n - 1]) / (u64::from(s.words[n - 1]) + 1);
            if q > 0 {
                self.sub_product(s, q);
            }
        }
        while self.cmp(s) != Ordering::Less {
            self.sub(s);
            q += 1;
        }
        self.mul_small(10);
        q as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn java(f: f64) -> String {
        let mut s = String::new();
        write(f, &mut s);
        s
    }

    /// The extremes of every binade, where B, S and M are largest, stay in
    /// [`WORDS`] and print a double that reads back.
    #[test]
    fn every_binade_fits_and_reads_back() {
        for exp in 0..2047u64 {
            for mantissa in [0, 1, (1 << 52) - 1, 1 << 51] {
                for sign in [0, 1u64 << 63] {
                    let f = f64::from_bits(sign | exp << 52 | mantissa);
                    let text = java(f);
                    let back: f64 = text.parse().expect("a Java double");
                    assert_eq!(back.to_bits(), f.to_bits(), "{text}");
                }
            }
        }
    }

    #[test]
    fn big_arithmetic() {
        let a = Big::pow52(30, 70); // 5^30 × 2^70
        let b = Big::mul_pow52(5u64.pow(15) << 20, 15, 50);
        assert_eq!(a.cmp(&b), Ordering::Equal);
        let one = Big::from_u64(1);
        assert_eq!(a.cmp_sum(&b, &one), Ordering::Less);
        assert_eq!(a.cmp_sum(&b, &Big::from_u64(0)), Ordering::Equal);
        let mut ten_a = a.clone();
        ten_a.mul_small(10);
        let mut seven_a = a.clone();
        seven_a.mul_small(7);
        assert_eq!(seven_a.quo_rem_iteration(&a), 7);
        assert_eq!(seven_a.len, 0);
        assert_eq!(ten_a.cmp(&a), Ordering::Greater);
    }
}
