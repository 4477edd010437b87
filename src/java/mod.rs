//! What Java's class library decides, below both the evaluator (Java methods on
//! values) and the `$util` library: regular expressions (`java.util.regex`).

pub(crate) mod regex;
