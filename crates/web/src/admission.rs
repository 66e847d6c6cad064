//! Admission: how many requests the app works on at once. The rest wait
//! in one first-come queue (tokio's semaphore is fair) until a place is free.
//!
//! Why: on a small server every request in progress shares the same few
//! cores, so with 50 at once each takes 50 requests' time and the heavy
//! ones (a national-size form) fall far behind the light ones. Queued
//! first-come, a request waits for those ahead of it and then runs among a
//! few: in the deadline rush on 2 cores the p99 went from 1.6-1.8 times
//! the median to 1.4-1.5 times (BENCHMARKS.md, DECISIONS.md). A few per core, not one,
//! so that a core has work while other requests wait for the database.
//!
//! Anonymous public pages are answered from the page cache before this
//! queue (`plan_pick`); the wait counts against the request's timeout.

use std::sync::Arc;

use tokio::sync::Semaphore;

/// Requests in progress per core.
const PER_CORE: usize = 4;

/// The queue shared by every plan's app: the cores are shared too.
pub fn queue() -> Arc<Semaphore> {
    Arc::new(Semaphore::new(places(crate::runtime::cores())))
}

/// Requests worked on at once on `cores` cores.
fn places(cores: usize) -> usize {
    (cores * PER_CORE).clamp(4, 256)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_places_per_core() {
        assert_eq!(places(1), 4);
        assert_eq!(places(2), 8);
        assert_eq!(places(1_000), 256);
    }
}
