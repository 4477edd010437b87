//! Values that are not data: what the interpreter hands a template besides
//! Java's lists, maps and scalars (a `$util` namespace, the `$foreach` object,
//! a `#define` block). The value module knows them only through [`Object`], so
//! it depends on neither the evaluator nor the `$util` library (the shape of
//! minijinja's objects).

use std::any::Any;
use std::fmt;

/// A value of the interpreter's own: printed and named through this trait, read
/// by the module that made it through [`crate::Value::downcast_object`].
///
/// ```
/// use std::rc::Rc;
/// use appsync_vtl::value::Object;
/// use appsync_vtl::Value;
///
/// #[derive(Debug)]
/// struct Counter(u32);
/// impl Object for Counter {
///     fn type_name(&self) -> &'static str { "counter" }
///     fn write_java(&self, out: &mut String) { out.push_str(&format!("Counter({})", self.0)) }
/// }
///
/// let v = Value::Object(Rc::new(Counter(3)));
/// assert_eq!(v.to_java_string(), "Counter(3)");
/// assert_eq!(v.downcast_object::<Counter>().map(|c| c.0), Some(3));
/// assert_eq!(v.type_name(), "counter");
/// ```
pub trait Object: Any + fmt::Debug {
    /// The name used in messages (`utility namespace`, `loop object`).
    fn type_name(&self) -> &'static str;

    /// Appends what Java's `toString()` gives for it (also its JSON string).
    fn write_java(&self, out: &mut String);
}

/// `object` as `T`, when it is one.
pub(super) fn downcast<T: Object>(object: &dyn Object) -> Option<&T> {
    (object as &dyn Any).downcast_ref::<T>()
}
