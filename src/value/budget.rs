//! The work budget of one render, and its deadline: every walk over values
//! (printing, JSON, copies, equality, the `$util` converters) and the
//! evaluator's loops charge it, so no code path can do unbounded work without
//! passing a check. A map that holds itself twice has 2^64 paths of depth 64:
//! depth limits alone do not bound a walk over it, the budget does.
//!
//! The meter is per thread and set by the engine for the length of a render
//! ([`Meter::install`]); a walk anywhere below the evaluator pays without a
//! parameter. Once the budget or the deadline is past, the meter stays
//! *tripped*: every later charge fails at once, walks cut short, and the
//! evaluator turns the trip into a limit error at the template position it is
//! at ([`tripped`]). Outside a render nothing is metered.
//!
//! ```
//! use appsync_vtl::value::budget::{self, Meter, Trip};
//! let guard = Meter::install(1_000, None);
//! assert!(budget::charge(600));
//! assert!(!budget::charge(600));
//! assert_eq!(budget::tripped(), Some(Trip::Work));
//! drop(guard);
//! assert!(budget::charge(1 << 40)); // unmetered again
//! ```

use std::cell::Cell;
use std::time::Instant;

/// Units charged between two looks at the clock.
const CLOCK_EVERY: u64 = 1 << 16;

/// Why the meter tripped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trip {
    /// The work budget ran out.
    Work,
    /// The deadline passed.
    Time,
}

thread_local! {
    /// Units left before the slow path (a look at the clock and the budget).
    static WINDOW: Cell<u64> = const { Cell::new(u64::MAX) };
    /// The rest of the budget, outside the window.
    static RESERVE: Cell<u64> = const { Cell::new(0) };
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    static TRIPPED: Cell<Option<Trip>> = const { Cell::new(None) };
    static METERED: Cell<bool> = const { Cell::new(false) };
}

/// Charges `units` of work: false once the budget or the deadline is past.
#[inline]
pub fn charge(units: usize) -> bool {
    let units = units as u64;
    WINDOW.with(|w| {
        let left = w.get();
        if left >= units {
            w.set(left - units);
            true
        } else {
            refill(units)
        }
    })
}

/// The slow path of [`charge`]: moves budget into the window and looks at the clock.
#[cold]
#[inline(never)]
fn refill(units: u64) -> bool {
    if !METERED.with(Cell::get) {
        WINDOW.with(|w| w.set(u64::MAX));
        return true;
    }
    if TRIPPED.with(Cell::get).is_some() {
        return false;
    }
    let reserve = RESERVE.with(Cell::get);
    let window = WINDOW.with(Cell::get);
    if window + reserve < units {
        return trip(Trip::Work);
    }
    let needed = units - window;
    let moved = needed.max(CLOCK_EVERY).min(reserve);
    RESERVE.with(|r| r.set(reserve - moved));
    WINDOW.with(|w| w.set(window + moved - units));
    if DEADLINE.with(Cell::get).is_some_and(|d| Instant::now() > d) {
        return trip(Trip::Time);
    }
    true
}

fn trip(why: Trip) -> bool {
    TRIPPED.with(|t| t.set(Some(why)));
    WINDOW.with(|w| w.set(0));
    RESERVE.with(|r| r.set(0));
    false
}

/// Why the meter tripped, once it has (`None`: still within its limits, or unmetered).
#[inline]
pub fn tripped() -> Option<Trip> {
    TRIPPED.with(Cell::get)
}

/// The meter of a render: installed for its length, restored when dropped.
#[must_use = "the meter is removed when the guard is dropped"]
pub struct Meter {
    saved: (u64, u64, Option<Instant>, Option<Trip>, bool),
}

impl Meter {
    /// Meters this thread with `work` units and an optional deadline until the
    /// guard is dropped (then the meter in force before comes back).
    pub fn install(work: u64, deadline: Option<Instant>) -> Meter {
        let saved = (
            WINDOW.with(Cell::get),
            RESERVE.with(Cell::get),
            DEADLINE.with(Cell::get),
            TRIPPED.with(Cell::get),
            METERED.with(Cell::get),
        );
        let window = work.min(CLOCK_EVERY);
        WINDOW.with(|w| w.set(window));
        RESERVE.with(|r| r.set(work - window));
        DEADLINE.with(|d| d.set(deadline));
        TRIPPED.with(|t| t.set(None));
        METERED.with(|m| m.set(true));
        Meter { saved }
    }
}

impl Drop for Meter {
    fn drop(&mut self) {
        let (window, reserve, deadline, tripped, metered) = self.saved;
        WINDOW.with(|w| w.set(window));
        RESERVE.with(|r| r.set(reserve));
        DEADLINE.with(|d| d.set(deadline));
        TRIPPED.with(|t| t.set(tripped));
        METERED.with(|m| m.set(metered));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_trips_the_meter() {
        let _guard = Meter::install(u64::MAX, Some(Instant::now()));
        std::thread::sleep(std::time::Duration::from_millis(2));
        let mut charged = 0u64;
        while charge(1) {
            charged += 1;
        }
        assert!(charged <= CLOCK_EVERY);
        assert_eq!(tripped(), Some(Trip::Time));
    }

    #[test]
    fn a_tripped_meter_stays_tripped_and_nesting_restores() {
        let outer = Meter::install(10, None);
        assert!(charge(10));
        {
            let _inner = Meter::install(100, None);
            assert!(charge(50));
        }
        assert!(!charge(1));
        assert!(!charge(0) || tripped().is_some());
        assert_eq!(tripped(), Some(Trip::Work));
        drop(outer);
        assert_eq!(tripped(), None);
        assert!(charge(1 << 50));
    }
}
