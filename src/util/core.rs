//! `$util.*`: JSON, ids, encoding, errors, null and type checks.

use std::rc::Rc;

use base64::Engine as _;

use super::args::{any, boolean, string, text};
use super::{Builtin, Call, UtilError, UtilResult};
use crate::outcome::AppSyncError;
use crate::value::{from_json, to_json_string, Value};

/// The functions directly under `$util`.
pub static FUNCTIONS: &[Builtin] = &[
    Builtin::new(
        "toJson",
        1,
        1,
        "toJson(Object) : String",
        "The object as JSON text.",
        to_json,
    ),
    Builtin::new(
        "parseJson",
        1,
        1,
        "parseJson(String) : Object",
        "Parses JSON text into maps, lists, strings, numbers, booleans and null.",
        parse_json,
    ),
    Builtin::new(
        "autoId",
        0,
        0,
        "autoId() : String",
        "A random version-4 UUID (seeded by --seed).",
        auto_id,
    ),
    Builtin::new(
        "autoUlid",
        0,
        0,
        "autoUlid() : String",
        "A 26-character ULID from the clock and the seeded generator.",
        auto_ulid,
    ),
    Builtin::new(
        "autoKsuid",
        0,
        0,
        "autoKsuid() : String",
        "A 27-character base62 KSUID from the clock and the seeded generator.",
        auto_ksuid,
    ),
    Builtin::new(
        "escapeJavaScript",
        1,
        1,
        "escapeJavaScript(String) : String",
        "Escapes a string with JavaScript rules (quotes, slash, control and non-ASCII characters).",
        escape_javascript,
    ),
    Builtin::new(
        "urlEncode",
        1,
        1,
        "urlEncode(String) : String",
        "application/x-www-form-urlencoded encoding (space becomes `+`).",
        url_encode,
    ),
    Builtin::new(
        "urlDecode",
        1,
        1,
        "urlDecode(String) : String",
        "Decodes application/x-www-form-urlencoded text (`+` becomes a space).",
        url_decode,
    ),
    Builtin::new(
        "base64Encode",
        1,
        1,
        "base64Encode(byte[]) : String",
        "Base64 of the UTF-8 bytes of a string.",
        base64_encode,
    ),
    Builtin::new(
        "base64Decode",
        1,
        1,
        "base64Decode(String) : byte[]",
        "Decodes base64; the bytes are used as UTF-8 text.",
        base64_decode,
    ),
    Builtin::new(
        "error",
        1,
        4,
        "error(String message[, String errorType[, Object data[, Object errorInfo]]])",
        "Stops the template with a GraphQL error.",
        error,
    ),
    Builtin::new(
        "appendError",
        1,
        4,
        "appendError(String message[, String errorType[, Object data[, Object errorInfo]]])",
        "Records a GraphQL error and goes on.",
        append_error,
    )
    .void(),
    Builtin::new(
        "unauthorized",
        0,
        0,
        "unauthorized()",
        "Stops the template with `Not Authorized to access <field> on type <type>`.",
        unauthorized,
    ),
    Builtin::new(
        "validate",
        2,
        4,
        "validate(Boolean condition, String message[, String errorType[, Object data]])",
        "Stops the template with an error when the condition is false.",
        validate,
    )
    .void(),
    Builtin::new(
        "isNull",
        1,
        1,
        "isNull(Object) : Boolean",
        "True when the value is null.",
        is_null,
    ),
    Builtin::new(
        "isNullOrEmpty",
        1,
        1,
        "isNullOrEmpty(String) : Boolean",
        "True when the value is null or empty.",
        is_null_or_empty,
    ),
    Builtin::new(
        "isNullOrBlank",
        1,
        1,
        "isNullOrBlank(String) : Boolean",
        "True when the value is null or only whitespace.",
        is_null_or_blank,
    ),
    Builtin::new(
        "defaultIfNull",
        2,
        2,
        "defaultIfNull(Object, Object) : Object",
        "The first value unless it is null, else the second.",
        default_if_null,
    ),
    Builtin::new(
        "defaultIfNullOrEmpty",
        2,
        2,
        "defaultIfNullOrEmpty(String, String) : String",
        "The first value unless it is null or empty, else the second.",
        default_if_null_or_empty,
    ),
    Builtin::new(
        "defaultIfNullOrBlank",
        2,
        2,
        "defaultIfNullOrBlank(String, String) : String",
        "The first value unless it is null or blank, else the second.",
        default_if_null_or_blank,
    ),
    Builtin::new(
        "isString",
        1,
        1,
        "isString(Object) : Boolean",
        "True for a string.",
        is_string,
    ),
    Builtin::new(
        "isNumber",
        1,
        1,
        "isNumber(Object) : Boolean",
        "True for a number.",
        is_number,
    ),
    Builtin::new(
        "isBoolean",
        1,
        1,
        "isBoolean(Object) : Boolean",
        "True for a boolean.",
        is_boolean,
    ),
    Builtin::new(
        "isList",
        1,
        1,
        "isList(Object) : Boolean",
        "True for a list.",
        is_list,
    ),
    Builtin::new(
        "isMap",
        1,
        1,
        "isMap(Object) : Boolean",
        "True for a map (not a list).",
        is_map,
    ),
    Builtin::new(
        "typeOf",
        1,
        1,
        "typeOf(Object) : String",
        "`Null`, `Number`, `String`, `Map`, `List`, `Boolean` or `Object`.",
        type_of,
    ),
    Builtin::new(
        "matches",
        2,
        2,
        "matches(String pattern, String data) : Boolean",
        "True when the whole string matches the (Java) regular expression.",
        matches,
    ),
    Builtin::new(
        "authType",
        0,
        0,
        "authType() : String",
        "The request's auth mode, e.g. `User Pool Authorization`.",
        auth_type,
    ),
    Builtin::new(
        "qr",
        1,
        1,
        "qr(Object)",
        "Evaluates the argument and prints nothing.",
        quiet,
    )
    .void(),
    Builtin::new(
        "quiet",
        1,
        1,
        "quiet(Object)",
        "Evaluates the argument and prints nothing.",
        quiet,
    )
    .void(),
];

fn to_json(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Ok(Value::Str(to_json_string(&any(args, 0)).into()))
}

fn parse_json(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let Some(s) = text(args, 0) else {
        return Ok(Value::Null);
    };
    match serde_json::from_str::<serde_json::Value>(&s) {
        Ok(v) => Ok(from_json(&v)),
        Err(e) => Err(UtilError::Invalid(format!(
            "the text is not valid JSON: {e}"
        ))),
    }
}

/// A random (version 4) UUID in the usual `8-4-4-4-12` lowercase hex form.
fn auto_id(call: &mut Call<'_>, _: &[Value]) -> UtilResult {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut b = [0u8; 16];
    call.state.rng.fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut id = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            id.push('-');
        }
        id.push(char::from(HEX[usize::from(byte >> 4)]));
        id.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    Ok(Value::Str(id.into()))
}

const CROCKFORD: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn auto_ulid(call: &mut Call<'_>, _: &[Value]) -> UtilResult {
    let time = (call.state.now_ms.max(0) as u128) & ((1 << 48) - 1);
    let mut random = [0u8; 10];
    call.state.rng.fill(&mut random);
    let mut n: u128 = time << 80;
    for (i, b) in random.iter().enumerate() {
        n |= (*b as u128) << (8 * (9 - i));
    }
    let s: String = (0..26)
        .rev()
        .map(|i| CROCKFORD[((n >> (i * 5)) & 31) as usize] as char)
        .collect();
    Ok(Value::Str(s.into()))
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn auto_ksuid(call: &mut Call<'_>, _: &[Value]) -> UtilResult {
    let ts = (call.state.now_ms / 1000 - 1_400_000_000).clamp(0, u32::MAX as i64) as u32;
    let mut bytes = [0u8; 20];
    bytes[..4].copy_from_slice(&ts.to_be_bytes());
    call.state.rng.fill(&mut bytes[4..]);
    // Base62 of a 160-bit big-endian number, padded to 27 characters.
    let mut digits = Vec::with_capacity(27);
    let mut num: Vec<u32> = bytes.iter().map(|&b| b as u32).collect();
    while num.iter().any(|&d| d != 0) {
        let mut rem = 0u32;
        for d in num.iter_mut() {
            let acc = rem * 256 + *d;
            *d = acc / 62;
            rem = acc % 62;
        }
        digits.push(BASE62[rem as usize]);
    }
    while digits.len() < 27 {
        digits.push(b'0');
    }
    digits.reverse();
    Ok(Value::Str(String::from_utf8_lossy(&digits).into()))
}

fn escape_javascript(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let Some(s) = text(args, 0) else {
        return Ok(Value::Null);
    };
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{8}' => out.push_str("\\b"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if (c as u32) > 0x7f => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{:04X}", unit));
                }
            }
            c => out.push(c),
        }
    }
    Ok(Value::Str(out.into()))
}

fn url_encode(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let Some(s) = text(args, 0) else {
        return Ok(Value::Null);
    };
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    Ok(Value::Str(out.into()))
}

fn url_decode(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let Some(s) = text(args, 0) else {
        return Ok(Value::Null);
    };
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hexpair = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hexpair {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => {
                        return Err(UtilError::Invalid(format!(
                            "`{}` is not a valid escape at position {i}",
                            s.get(i..(i + 3).min(s.len())).unwrap_or("%")
                        )))
                    }
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    Ok(Value::Str(String::from_utf8_lossy(&out).into()))
}

fn base64_encode(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let Some(s) = text(args, 0) else {
        return Ok(Value::Null);
    };
    Ok(Value::Str(
        base64::engine::general_purpose::STANDARD
            .encode(s.as_bytes())
            .into(),
    ))
}

fn base64_decode(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let Some(s) = text(args, 0) else {
        return Ok(Value::Null);
    };
    match base64::engine::general_purpose::STANDARD.decode(s.trim().as_bytes()) {
        Ok(bytes) => Ok(Value::Str(String::from_utf8_lossy(&bytes).into())),
        Err(e) => Err(UtilError::Invalid(format!("the text is not base64: {e}"))),
    }
}

/// Builds the error of `$util.error`/`appendError` from its 1–4 arguments.
fn app_error(args: &[Value]) -> AppSyncError {
    AppSyncError {
        message: text(args, 0).unwrap_or_else(|| "null".into()),
        error_type: text(args, 1),
        data: any(args, 2),
        error_info: any(args, 3),
    }
}

fn error(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Err(UtilError::Raise(app_error(args)))
}

fn append_error(call: &mut Call<'_>, args: &[Value]) -> UtilResult {
    call.state.errors.push(app_error(args));
    Ok(Value::Null)
}

fn unauthorized(call: &mut Call<'_>, _: &[Value]) -> UtilResult {
    let field = call.state.field_name.as_deref().unwrap_or("null");
    let parent = call.state.parent_type_name.as_deref().unwrap_or("null");
    Err(UtilError::Raise(AppSyncError::new(
        format!("Not Authorized to access {field} on type {parent}"),
        Some("Unauthorized"),
    )))
}

fn validate(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    if boolean(args, 0)? {
        return Ok(Value::Null);
    }
    Err(UtilError::Raise(AppSyncError {
        message: text(args, 1).unwrap_or_else(|| "null".into()),
        error_type: Some(text(args, 2).unwrap_or_else(|| "CustomTemplateException".into())),
        data: any(args, 3),
        error_info: Value::Null,
    }))
}

fn is_null(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Ok(Value::Bool(any(args, 0).is_null()))
}

fn empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Str(s) => s.is_empty(),
        Value::List(l) => l.borrow().is_empty(),
        Value::Map(m) => m.borrow().is_empty(),
        _ => false,
    }
}

fn blank(v: &Value) -> bool {
    match v {
        Value::Str(s) => s.chars().all(char::is_whitespace),
        other => empty(other),
    }
}

fn is_null_or_empty(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Ok(Value::Bool(empty(&any(args, 0))))
}

fn is_null_or_blank(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Ok(Value::Bool(blank(&any(args, 0))))
}

fn default_if_null(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let v = any(args, 0);
    Ok(if v.is_null() { any(args, 1) } else { v })
}

fn default_if_null_or_empty(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let v = any(args, 0);
    Ok(if empty(&v) { any(args, 1) } else { v })
}

fn default_if_null_or_blank(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let v = any(args, 0);
    Ok(if blank(&v) { any(args, 1) } else { v })
}

fn is_string(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Ok(Value::Bool(matches!(any(args, 0), Value::Str(_))))
}

fn is_number(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Ok(Value::Bool(any(args, 0).is_number()))
}

fn is_boolean(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Ok(Value::Bool(matches!(any(args, 0), Value::Bool(_))))
}

fn is_list(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Ok(Value::Bool(matches!(any(args, 0), Value::List(_))))
}

fn is_map(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Ok(Value::Bool(matches!(any(args, 0), Value::Map(_))))
}

fn type_of(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let name = match any(args, 0) {
        Value::Null => "Null",
        Value::Int(_) | Value::BigInt(_) | Value::Decimal(_) | Value::Float(_) => "Number",
        Value::Str(_) => "String",
        Value::Map(_) => "Map",
        Value::List(_) => "List",
        Value::Bool(_) => "Boolean",
        _ => "Object",
    };
    Ok(Value::Str(Rc::from(name)))
}

fn matches(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let pattern = string(args, 0)?;
    let Some(data) = text(args, 1) else {
        return Ok(Value::Bool(false));
    };
    let found = crate::java::regex::matches(&pattern, &data).map_err(UtilError::Invalid)?;
    Ok(Value::Bool(found))
}

fn auth_type(call: &mut Call<'_>, _: &[Value]) -> UtilResult {
    Ok(Value::Str(Rc::from(call.state.auth_type.util_name())))
}

fn quiet(_: &mut Call<'_>, _: &[Value]) -> UtilResult {
    Ok(Value::Null)
}
