//! `$util.math.*`: rounding, min/max and seeded random numbers.

use super::args::{float, int};
use super::{Builtin, Call, UtilError, UtilResult};
use crate::value::Value;

/// `$util.math`
pub static MATH: super::Namespace = super::Namespace {
    name: "math",
    path: ".math",
    functions: &[
        Builtin::new(
            "roundNum",
            1,
            1,
            "roundNum(Double) : Integer",
            "Rounds half up to an integer (Java `Math.round`).",
            round_num,
        ),
        Builtin::new(
            "minVal",
            2,
            2,
            "minVal(Double, Double) : Double",
            "The smaller of two numbers.",
            min_val,
        ),
        Builtin::new(
            "maxVal",
            2,
            2,
            "maxVal(Double, Double) : Double",
            "The larger of two numbers.",
            max_val,
        ),
        Builtin::new(
            "randomDouble",
            0,
            0,
            "randomDouble() : Double",
            "A random double in [0, 1) (seeded by --seed).",
            random_double,
        ),
        Builtin::new(
            "randomWithinRange",
            2,
            2,
            "randomWithinRange(Integer min, Integer max) : Integer",
            "A random integer from min to max inclusive (seeded by --seed).",
            random_within_range,
        ),
    ],
    children: &[],
};

fn round_num(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Ok(Value::Int((float(args, 0)? + 0.5).floor() as i64))
}

fn min_val(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Ok(Value::Float(float(args, 0)?.min(float(args, 1)?)))
}

fn max_val(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Ok(Value::Float(float(args, 0)?.max(float(args, 1)?)))
}

fn random_double(call: &mut Call<'_>, _: &[Value]) -> UtilResult {
    Ok(Value::Float(call.state.rng.next_f64()))
}

fn random_within_range(call: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let (lo, hi) = (int(args, 0)?, int(args, 1)?);
    if hi < lo {
        return Err(UtilError::Invalid(format!("max {hi} is below min {lo}")));
    }
    let span = (hi - lo) as u64 + 1;
    Ok(Value::Int(lo + (call.state.rng.next_u64() % span) as i64))
}
