//! `java.util.List` methods.

use super::{bad, common, int_arg, ok, void, MethodResult};
use crate::value::Value;

pub(super) fn list(recv: &Value, name: &str, args: &[Value]) -> MethodResult {
    let Value::List(l) = recv else {
        return ok(Value::Null);
    };
    let m = name;
    let index_error =
        |i: i64, len: usize| bad(m, format!("index {i} is out of bounds for length {len}"));
    match (name, args.len()) {
        ("size", 0) => ok(l.borrow().len()),
        ("isEmpty", 0) => ok(l.borrow().is_empty()),
        ("get", 1) => {
            let i = int_arg(m, args, 0)?;
            let l = l.borrow();
            match usize::try_from(i).ok().and_then(|i| l.get(i)) {
                Some(v) => ok(v.clone()),
                None => Err(index_error(i, l.len())),
            }
        }
        ("add", 1) => {
            l.borrow_mut().push(args[0].clone());
            ok(true)
        }
        ("add", 2) => {
            let i = int_arg(m, args, 0)?;
            let mut l = l.borrow_mut();
            if i < 0 || i as usize > l.len() {
                return Err(index_error(i, l.len()));
            }
            l.insert(i as usize, args[1].clone());
            void()
        }
        ("addAll", 1) => {
            let items = match &args[0] {
                Value::List(o) => o.borrow().clone(),
                other => return Err(bad(m, format!("expects a list, got {}", other.type_name()))),
            };
            let changed = !items.is_empty();
            l.borrow_mut().extend(items);
            ok(changed)
        }
        ("addAll", 2) => {
            let i = int_arg(m, args, 0)?;
            let items = match &args[1] {
                Value::List(o) => o.borrow().clone(),
                other => return Err(bad(m, format!("expects a list, got {}", other.type_name()))),
            };
            let mut l = l.borrow_mut();
            if i < 0 || i as usize > l.len() {
                return Err(index_error(i, l.len()));
            }
            let changed = !items.is_empty();
            let tail = l.split_off(i as usize);
            l.extend(items);
            l.extend(tail);
            ok(changed)
        }
        ("set", 2) => {
            let i = int_arg(m, args, 0)?;
            let mut l = l.borrow_mut();
            let len = l.len();
            match usize::try_from(i).ok().and_then(|i| l.get_mut(i)) {
                Some(slot) => ok(std::mem::replace(slot, args[1].clone())),
                None => Err(index_error(i, len)),
            }
        }
        ("remove", 1) => match &args[0] {
            Value::Int(i) => {
                let mut l = l.borrow_mut();
                if *i < 0 || *i as usize >= l.len() {
                    return Err(index_error(*i, l.len()));
                }
                ok(l.remove(*i as usize))
            }
            other => {
                let mut l = l.borrow_mut();
                match l.iter().position(|x| x.java_equals(other)) {
                    Some(p) => {
                        l.remove(p);
                        ok(true)
                    }
                    None => ok(false),
                }
            }
        },
        ("contains", 1) => ok(l.borrow().iter().any(|x| x.java_equals(&args[0]))),
        ("containsAll", 1) => match &args[0] {
            Value::List(o) => {
                let o = o.borrow().clone();
                let l = l.borrow();
                ok(o.iter().all(|x| l.iter().any(|y| y.java_equals(x))))
            }
            _ => ok(false),
        },
        ("indexOf", 1) => ok(l
            .borrow()
            .iter()
            .position(|x| x.java_equals(&args[0]))
            .map(|p| p as i64)
            .unwrap_or(-1)),
        ("lastIndexOf", 1) => ok(l
            .borrow()
            .iter()
            .rposition(|x| x.java_equals(&args[0]))
            .map(|p| p as i64)
            .unwrap_or(-1)),
        ("clear", 0) => {
            l.borrow_mut().clear();
            void()
        }
        ("subList", 2) => {
            let (a, b) = (int_arg(m, args, 0)?, int_arg(m, args, 1)?);
            let l = l.borrow();
            if a < 0 || b as usize > l.len() || a > b {
                return Err(bad(
                    m,
                    format!("fromIndex {a}, toIndex {b}, size {}", l.len()),
                ));
            }
            ok(Value::list(l[a as usize..b as usize].to_vec()))
        }
        ("removeAll" | "retainAll", 1) => {
            let other = match &args[0] {
                Value::List(o) => o.borrow().clone(),
                _ => return ok(false),
            };
            let keep_listed = name == "retainAll";
            let mut l = l.borrow_mut();
            let before = l.len();
            l.retain(|x| other.iter().any(|y| y.java_equals(x)) == keep_listed);
            ok(l.len() != before)
        }
        ("toArray", 0) => ok(recv.shallow_copy()),
        ("isEmpty" | "size", _) => Err(bad(m, "takes no arguments")),
        _ => common(recv, name, args),
    }
}
