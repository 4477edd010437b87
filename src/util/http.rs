//! `$util.http.*`: request header copies and response headers (recorded).

use super::args::{any, map, text};
use super::{Builtin, Call, UtilError, UtilResult};
use crate::outcome::{set_header, AppSyncError};
use crate::value::Value;

/// `$util.http`
pub static HTTP: super::Namespace = super::Namespace {
    name: "http",
    path: ".http",
    functions: &[
        Builtin::new(
            "copyHeaders",
            1,
            1,
            "copyHeaders(Map) : Map",
            "A copy of the headers without hop-by-hop ones (host, connection, content-length, …).",
            copy_headers,
        ),
        Builtin::new(
            "addResponseHeader",
            2,
            2,
            "addResponseHeader(String name, Object value)",
            "Adds a response header (restricted names are refused with a ResponseHeaderError).",
            add_response_header,
        )
        .void(),
        Builtin::new(
            "addResponseHeaders",
            1,
            1,
            "addResponseHeaders(Map headers)",
            "Adds several response headers.",
            add_response_headers,
        )
        .void(),
    ],
    children: &[],
};

const HOP_BY_HOP: &[&str] = &[
    "transfer-encoding",
    "connection",
    "host",
    "expect",
    "keep-alive",
    "upgrade",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "content-length",
];

const RESTRICTED: &[&str] = &[
    "access-control-allow-credentials",
    "access-control-allow-origin",
    "access-control-expose-headers",
    "access-control-max-age",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "vary",
    "content-type",
];

fn copy_headers(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let m = map(args, 0)?;
    let out = m
        .borrow()
        .iter()
        .filter(|(k, _)| !HOP_BY_HOP.contains(&k.to_ascii_lowercase().as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(Value::map(out))
}

fn add(call: &mut Call<'_>, name: Option<String>, value: Value) {
    let refused = match &name {
        None => true,
        Some(n) => {
            let lower = n.to_ascii_lowercase();
            n.trim().is_empty()
                || RESTRICTED.contains(&lower.as_str())
                || lower.starts_with("x-amzn-")
                || lower.starts_with("x-amz-")
        }
    } || value.is_null();
    if refused {
        call.state.errors.push(AppSyncError::new(
            format!(
                "Header {} is invalid or restricted",
                name.as_deref().unwrap_or("null")
            ),
            Some("ResponseHeaderError"),
        ));
        return;
    }
    set_header(
        &mut call.state.response_headers,
        name.unwrap_or_default(),
        value,
    );
}

fn add_response_header(call: &mut Call<'_>, args: &[Value]) -> UtilResult {
    add(call, text(args, 0), any(args, 1));
    Ok(Value::Null)
}

fn add_response_headers(call: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let m = match &any(args, 0) {
        Value::Map(m) => m.clone(),
        other => {
            return Err(UtilError::Invalid(format!(
                "argument 1 must be a Map, got {}",
                other.type_name()
            )))
        }
    };
    let entries: Vec<_> = m
        .borrow()
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    for (k, v) in entries {
        add(call, Some(k), v);
    }
    Ok(Value::Null)
}
