//! `$extensions.*`: recorded, not executed, so a test can assert the calls.

use super::{Builtin, Call, UtilResult};
use crate::outcome::ExtensionCall;
use crate::value::{to_json, Value};

/// `$extensions`
pub static EXTENSIONS: super::Namespace = super::Namespace {
    name: "extensions",
    path: "",
    functions: &[
        Builtin::new(
            "evictFromApiCache",
            3,
            3,
            "evictFromApiCache(String typeName, String fieldName, Map keys)",
            "Records an API cache eviction (mutations only); prints nothing.",
            record::<0>,
        )
        .void(),
        Builtin::new(
            "setSubscriptionFilter",
            1,
            1,
            "setSubscriptionFilter(Map filter)",
            "Records a subscription filter (subscription response templates).",
            record::<1>,
        )
        .void(),
        Builtin::new(
            "setSubscriptionInvalidationFilter",
            1,
            1,
            "setSubscriptionInvalidationFilter(Map filter)",
            "Records a subscription invalidation filter.",
            record::<2>,
        )
        .void(),
        Builtin::new(
            "invalidateSubscriptions",
            1,
            1,
            "invalidateSubscriptions(Map invalidation)",
            "Records a subscription invalidation (mutation response templates).",
            record::<3>,
        )
        .void(),
    ],
    children: &[],
};

const NAMES: [&str; 4] = [
    "evictFromApiCache",
    "setSubscriptionFilter",
    "setSubscriptionInvalidationFilter",
    "invalidateSubscriptions",
];

fn record<const N: usize>(call: &mut Call<'_>, args: &[Value]) -> UtilResult {
    call.state.extensions.push(ExtensionCall {
        method: NAMES[N].to_string(),
        args: args.iter().map(to_json).collect(),
    });
    Ok(Value::Null)
}
