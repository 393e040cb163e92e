//! Counter wrap handling: psutil's `nowrap`.
//!
//! Kernel I/O counters are fixed-width and can wrap to zero (or be reset when a device is
//! re-plugged). psutil's `disk_io_counters(nowrap=True)` and `net_io_counters(nowrap=True)`
//! remember the previous values of each device; when a counter goes down, the last value seen
//! is added to a per-device, per-field "reminder" carried forward for as long as the device
//! exists, so the totals it returns never decrease. [`NoWrap`] is that memory, kept in an
//! explicit object; [`reset`](NoWrap::reset) is psutil's `cache_clear()`.
//!
//! ```
//! use std::collections::BTreeMap;
//! use sysgauge::nowrap::{Counters, NoWrap};
//!
//! #[derive(Clone, Debug, PartialEq)]
//! struct Bytes(u64);
//! impl Counters for Bytes {
//!     fn visit_counters(&mut self, f: &mut dyn FnMut(&mut u64)) {
//!         f(&mut self.0)
//!     }
//! }
//!
//! let mut nw = NoWrap::new();
//! let at = |v| BTreeMap::from([("eth0".to_string(), Bytes(v))]);
//! assert_eq!(nw.apply(at(100))["eth0"], Bytes(100));
//! assert_eq!(nw.apply(at(5))["eth0"], Bytes(105)); // wrapped: 100 carried forward
//! assert_eq!(nw.apply(at(7))["eth0"], Bytes(107));
//! ```

use std::collections::{BTreeMap, BTreeSet};

/// A record of counters that may wrap, such as one disk's or one NIC's I/O counters.
pub trait Counters: Clone {
    /// Calls `f` on every counter field, always in the same order.
    fn visit_counters(&mut self, f: &mut dyn FnMut(&mut u64));
}

fn values<T: Counters>(t: &T) -> Vec<u64> {
    let mut copy = t.clone();
    let mut out = Vec::new();
    copy.visit_counters(&mut |v| out.push(*v));
    out
}

/// The memory of previous counter values that makes totals never decrease (psutil's
/// `_WrapNumbers` for one function).
#[derive(Debug, Clone)]
pub struct NoWrap<T> {
    /// The raw values of the last call, per device; `None` before the first call.
    last: Option<BTreeMap<String, T>>,
    /// What is added to each (device, field index) because it wrapped before.
    reminders: BTreeMap<(String, usize), u64>,
}

impl<T> Default for NoWrap<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> NoWrap<T> {
    /// An empty memory: the next [`apply`](NoWrap::apply) returns its input unchanged.
    pub const fn new() -> Self {
        NoWrap {
            last: None,
            reminders: BTreeMap::new(),
        }
    }

    /// Forgets every previous value and reminder (psutil's `cache_clear()`).
    pub fn reset(&mut self) {
        self.last = None;
        self.reminders.clear();
    }
}

impl<T: Counters> NoWrap<T> {
    /// Takes the raw per-device counters just read and returns them with every earlier wrap
    /// added back. A device seen for the first time is returned as it is; a device that has
    /// gone loses its reminders.
    pub fn apply(&mut self, input: BTreeMap<String, T>) -> BTreeMap<String, T> {
        let Some(last) = self.last.take() else {
            self.last = Some(input.clone());
            return input;
        };
        let gone: BTreeSet<&String> = last.keys().filter(|k| !input.contains_key(*k)).collect();
        self.reminders.retain(|(dev, _), _| !gone.contains(dev));
        let mut out = BTreeMap::new();
        for (dev, new) in &input {
            let Some(old) = last.get(dev) else {
                out.insert(dev.clone(), new.clone());
                continue;
            };
            let old = values(old);
            let mut fixed = new.clone();
            let mut i = 0;
            fixed.visit_counters(&mut |v| {
                let key = (dev.clone(), i);
                if let Some(&prev) = old.get(i) {
                    if *v < prev {
                        *self.reminders.entry(key.clone()).or_insert(0) += prev;
                    }
                }
                *v = v.saturating_add(self.reminders.get(&key).copied().unwrap_or(0));
                i += 1;
            });
            out.insert(dev.clone(), fixed);
        }
        self.last = Some(input);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    struct Two(u64, u64);
    impl Counters for Two {
        fn visit_counters(&mut self, f: &mut dyn FnMut(&mut u64)) {
            f(&mut self.0);
            f(&mut self.1);
        }
    }

    fn m(items: &[(&str, u64, u64)]) -> BTreeMap<String, Two> {
        items
            .iter()
            .map(|(k, a, b)| (k.to_string(), Two(*a, *b)))
            .collect()
    }

    #[test]
    fn wraps_accumulate_per_field_and_device() {
        let mut nw = NoWrap::new();
        assert_eq!(
            nw.apply(m(&[("a", 10, 10), ("b", 5, 5)])),
            m(&[("a", 10, 10), ("b", 5, 5)])
        );
        // a's first field wraps; b unchanged.
        assert_eq!(
            nw.apply(m(&[("a", 2, 11), ("b", 6, 6)])),
            m(&[("a", 12, 11), ("b", 6, 6)])
        );
        // Wraps again against the raw 2: reminder is now 10 + 2.
        assert_eq!(
            nw.apply(m(&[("a", 1, 12), ("b", 7, 7)])),
            m(&[("a", 13, 12), ("b", 7, 7)])
        );
        nw.reset();
        assert_eq!(nw.apply(m(&[("a", 1, 12)])), m(&[("a", 1, 12)]));
    }

    #[test]
    fn gone_device_loses_its_reminders_and_new_device_is_raw() {
        let mut nw = NoWrap::new();
        nw.apply(m(&[("a", 10, 0)]));
        assert_eq!(nw.apply(m(&[("a", 1, 0)])), m(&[("a", 11, 0)]));
        assert_eq!(nw.apply(m(&[("b", 3, 3)])), m(&[("b", 3, 3)]));
        assert_eq!(
            nw.apply(m(&[("a", 2, 0), ("b", 4, 4)])),
            m(&[("a", 2, 0), ("b", 4, 4)])
        );
    }
}
