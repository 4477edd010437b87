//! `$util.str.*`: case, replace and Unicode normalization.

use unicode_normalization::UnicodeNormalization;

use super::args::{string, text};
use super::{Builtin, Call, UtilError, UtilResult};
use crate::value::Value;

/// `$util.str`
pub static STR: super::Namespace = super::Namespace {
    name: "str",
    path: ".str",
    functions: &[
        Builtin::new(
            "toUpper",
            1,
            1,
            "toUpper(String) : String",
            "Upper-case copy.",
            to_upper,
        ),
        Builtin::new(
            "toLower",
            1,
            1,
            "toLower(String) : String",
            "Lower-case copy.",
            to_lower,
        ),
        Builtin::new(
            "toReplace",
            3,
            3,
            "toReplace(String s, String find, String replacement) : String",
            "Replaces every occurrence of `find` (literally).",
            to_replace,
        ),
        Builtin::new(
            "normalize",
            2,
            2,
            "normalize(String s, String form) : String",
            "Unicode normalization; form is `nfc`, `nfd`, `nfkc` or `nfkd`.",
            normalize,
        ),
    ],
    children: &[],
};

fn to_upper(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Ok(text(args, 0).map(|s| s.to_uppercase()).into())
}

fn to_lower(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Ok(text(args, 0).map(|s| s.to_lowercase()).into())
}

fn to_replace(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let Some(s) = text(args, 0) else {
        return Ok(Value::Null);
    };
    let find = string(args, 1)?;
    let with = text(args, 2).unwrap_or_else(|| "null".into());
    if find.is_empty() {
        return Ok(Value::from(s));
    }
    Ok(Value::from(s.replace(&*find, &with)))
}

fn normalize(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let Some(s) = text(args, 0) else {
        return Ok(Value::Null);
    };
    let form = string(args, 1)?;
    let out: String = match form.to_ascii_lowercase().as_str() {
        "nfc" => s.nfc().collect(),
        "nfd" => s.nfd().collect(),
        "nfkc" => s.nfkc().collect(),
        "nfkd" => s.nfkd().collect(),
        other => {
            return Err(UtilError::Invalid(format!(
                "unknown normalization form `{other}` (use nfc, nfd, nfkc or nfkd)"
            )))
        }
    };
    Ok(Value::from(out))
}
