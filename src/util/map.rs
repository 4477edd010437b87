//! `$util.map.*`: copies with keys kept or removed.

use super::args::{list, map};
use super::{Builtin, Call, UtilResult};
use crate::value::Value;

/// `$util.map`
pub static MAP: super::Namespace = super::Namespace {
    name: "map",
    path: ".map",
    functions: &[
        Builtin::new(
            "copyAndRetainAllKeys",
            2,
            2,
            "copyAndRetainAllKeys(Map, List) : Map",
            "A copy of the map with only the listed keys.",
            copy_and_retain_all_keys,
        ),
        Builtin::new(
            "copyAndRemoveAllKeys",
            2,
            2,
            "copyAndRemoveAllKeys(Map, List) : Map",
            "A copy of the map without the listed keys.",
            copy_and_remove_all_keys,
        ),
    ],
    children: &[],
};

fn filtered(args: &[Value], keep: bool) -> UtilResult {
    let m = map(args, 0)?;
    let keys = list(args, 1)?;
    let keys: Vec<std::rc::Rc<str>> = keys.borrow().iter().map(Value::to_key).collect();
    let out = m
        .borrow()
        .iter()
        .filter(|(k, _)| keys.contains(k) == keep)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(Value::map(out))
}

fn copy_and_retain_all_keys(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    filtered(args, true)
}

fn copy_and_remove_all_keys(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    filtered(args, false)
}
