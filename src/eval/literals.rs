//! The per-thread pool of string literals made into values, so that a template
//! rendered again allocates no string for its literals.

use std::rc::Rc;

/// String literals made into values, by
/// [`LiteralId`](crate::parse::ast::LiteralId), kept on the thread between
/// renders: a template rendered again finds its literals made, so a render
/// allocates no string for them. Strings are immutable, so sharing them
/// between renders cannot be seen. The first use in a render checks the text
/// (another template may have used the same number for another literal).
pub(super) struct LiteralPool {
    /// Each literal's value, and the render that last checked its text.
    pub(super) values: Vec<Option<(Rc<str>, u64)>>,
    /// This render's number (unique on the thread).
    pub(super) render: u64,
}

thread_local! {
    static LITERALS: std::cell::RefCell<LiteralPool> =
        const { std::cell::RefCell::new(LiteralPool::EMPTY) };
}

impl LiteralPool {
    /// Templates with more literals than this make the rest per render.
    const MAX_ENTRIES: usize = 1 << 16;

    /// A pool with no literals made.
    pub(super) const EMPTY: LiteralPool = LiteralPool {
        values: Vec::new(),
        render: 0,
    };

    /// The thread's pool, for one render (an empty one while a render holds it).
    pub(super) fn take(literals: usize) -> LiteralPool {
        let mut pool = LITERALS
            .try_with(|p| {
                p.try_borrow_mut().ok().map(|mut p| {
                    p.render += 1;
                    LiteralPool {
                        values: std::mem::take(&mut p.values),
                        render: p.render,
                    }
                })
            })
            .ok()
            .flatten()
            .unwrap_or(LiteralPool::EMPTY);
        let wanted = literals.min(Self::MAX_ENTRIES);
        if pool.values.len() < wanted {
            pool.values.resize(wanted, None);
        }
        pool
    }

    /// Puts a render's literals back for the next render on this thread.
    pub(super) fn give_back(self) {
        let _ = LITERALS.try_with(|p| {
            if let Ok(mut p) = p.try_borrow_mut() {
                if self.values.len() >= p.values.len() {
                    p.values = self.values;
                }
            }
        });
    }
}
