//! A JavaScript string read into Rust in one pass.
//!
//! napi-rs reads a `String` argument in three passes: one to measure its UTF-8
//! length, one to zero a buffer of that length, one to write it. A context is
//! tens of kilobytes, so [`Text`] asks for the string's length in UTF-16 code
//! units instead (V8 knows it without a pass), sizes the buffer for the longest
//! UTF-8 it could be (three bytes a unit), and has V8 write it once.

use std::ptr;

use napi::bindgen_prelude::{FromNapiValue, TypeName, ValidateNapiValue, ValueType};
use napi::{sys, Error, Result, Status};

/// A string argument, as UTF-8 (lone surrogates become U+FFFD, as V8 writes them).
pub struct Text(pub String);

/// The longest string read the one-pass way (16M UTF-16 units, a 48 MiB
/// buffer at most): a longer one is read napi-rs's way, into a buffer of its
/// exact size, rather than holding three times its length for the copy. (V8
/// takes the size as an `int`, so it must stay below `i32::MAX` anyway.)
const ONE_PASS_UNITS: usize = 1 << 24;

impl FromNapiValue for Text {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut units = 0;
        // SAFETY: with no buffer, N-API only reports the length in UTF-16 units.
        let status =
            unsafe { sys::napi_get_value_string_utf16(env, value, ptr::null_mut(), 0, &mut units) };
        if status != sys::Status::napi_ok {
            return Err(Error::new(
                Status::StringExpected,
                "expected a string".to_string(),
            ));
        }
        if units > ONE_PASS_UNITS {
            // SAFETY: as the caller's contract: `value` belongs to `env`.
            return unsafe { String::from_napi_value(env, value) }.map(Text);
        }
        let capacity = units * 3 + 1;
        let mut bytes: Vec<u8> = Vec::with_capacity(capacity);
        let mut written = 0;
        // SAFETY: the buffer holds `capacity` bytes; N-API writes at most
        // `capacity - 1` bytes of UTF-8 and a terminating zero, and reports how
        // many bytes of text it wrote.
        let status = unsafe {
            sys::napi_get_value_string_utf8(
                env,
                value,
                bytes.as_mut_ptr().cast(),
                capacity,
                &mut written,
            )
        };
        if status != sys::Status::napi_ok || written >= capacity {
            return Err(Error::new(
                Status::StringExpected,
                "expected a string".to_string(),
            ));
        }
        // SAFETY: N-API initialised `written` bytes (checked below `capacity`),
        // and what V8 writes is UTF-8: it replaces lone surrogates.
        unsafe {
            bytes.set_len(written);
            Ok(Text(String::from_utf8_unchecked(bytes)))
        }
    }
}

impl TypeName for Text {
    fn type_name() -> &'static str {
        "String"
    }

    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ValidateNapiValue for Text {}
