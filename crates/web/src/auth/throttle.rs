//! Login throttling with bounded memory.
//!
//! Two counters, both reserved *before* the password is verified, so
//! parallel tries cannot overshoot a limit:
//! - per (account, address): a few free tries, then one try at a time with
//!   a delay that doubles after each failure. The owner at another address
//!   has their own pair and is never locked out by someone else's guesses.
//! - per address, across accounts: a budget of failures per window, so one
//!   address cannot spray guesses over many accounts.
//!
//! Keys have a fixed size (a digest of the normalised username, an IP
//! address) and each table holds at most `capacity` entries: expired ones
//! go first, then the least recently seen. Kept in memory: a restart
//! forgets, one server is assumed.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// A digest of the normalised username: 16 bytes whatever was typed.
pub type AccountKey = [u8; 16];

pub fn account_key(username: &str) -> AccountKey {
    let digest = Sha256::digest(username.trim().to_lowercase().as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

#[derive(Debug, Clone)]
pub struct Limits {
    /// Wrong passwords per (account, address) before delays start.
    pub free_tries: u32,
    /// The first delay; each further failure doubles it, up to `max_delay`.
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// Failures one address may make across all accounts per `window`.
    pub address_budget: u32,
    pub window: Duration,
    /// A pair not seen for this long starts again from nothing.
    pub forget_after: Duration,
    /// Entries per table at most.
    pub capacity: usize,
}

impl Default for Limits {
    /// Five free tries, then 1 s, 2 s, 4 s … up to 15 minutes between tries;
    /// 50 failures per address per 15 minutes; 10 000 entries per table
    /// (about a megabyte in all).
    fn default() -> Self {
        Self {
            free_tries: 5,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(15 * 60),
            address_budget: 50,
            window: Duration::from_secs(15 * 60),
            forget_after: Duration::from_secs(60 * 60),
            capacity: 10_000,
        }
    }
}

pub struct LoginThrottle {
    limits: Limits,
    table: Mutex<Table>,
}

#[derive(Default)]
struct Table {
    pairs: HashMap<(AccountKey, IpAddr), Pair>,
    addresses: HashMap<IpAddr, Address>,
}

struct Pair {
    failures: u32,
    /// Tries reserved and not yet settled.
    pending: u32,
    next_try: Instant,
    seen: Instant,
}

struct Address {
    failures: u32,
    pending: u32,
    window_start: Instant,
    seen: Instant,
}

/// A reserved try: settle it with [`Ticket::failed`] or
/// [`Ticket::succeeded`]; dropped unsettled (an error before the answer),
/// it is given back uncounted.
pub struct Ticket {
    throttle: Arc<LoginThrottle>,
    account: AccountKey,
    addr: IpAddr,
    settled: bool,
}

impl LoginThrottle {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            table: Mutex::new(Table::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reserves one try for `account` from `addr`, or says how long to wait.
    pub fn reserve(self: &Arc<Self>, account: AccountKey, addr: IpAddr) -> Result<Ticket, Duration> {
        let now = Instant::now();
        let l = &self.limits;
        let mut t = self.lock();
        t.make_room(l, now);
        if !t.addresses.contains_key(&addr) && t.addresses.len() >= l.capacity {
            return Err(l.first_delay);
        }
        if !t.pairs.contains_key(&(account, addr)) && t.pairs.len() >= l.capacity {
            return Err(l.first_delay);
        }
        let a = t.addresses.entry(addr).or_insert(Address {
            failures: 0,
            pending: 0,
            window_start: now,
            seen: now,
        });
        if now.duration_since(a.window_start) >= l.window && a.pending == 0 {
            a.failures = 0;
            a.window_start = now;
        }
        if a.failures + a.pending >= l.address_budget {
            return Err((a.window_start + l.window)
                .saturating_duration_since(now)
                .max(l.first_delay));
        }
        let p = t.pairs.entry((account, addr)).or_insert(Pair {
            failures: 0,
            pending: 0,
            next_try: now,
            seen: now,
        });
        if now.duration_since(p.seen) >= l.forget_after && p.pending == 0 {
            p.failures = 0;
            p.next_try = now;
        }
        let free = p.failures + p.pending < l.free_tries;
        let backoff_open = p.failures >= l.free_tries && p.pending == 0 && now >= p.next_try;
        if !free && !backoff_open {
            return Err(p.next_try.saturating_duration_since(now).max(l.first_delay));
        }
        p.pending += 1;
        p.seen = now;
        let a = t.addresses.get_mut(&addr).expect("inserted above");
        a.pending += 1;
        a.seen = now;
        Ok(Ticket {
            throttle: Arc::clone(self),
            account,
            addr,
            settled: false,
        })
    }

    fn settle(&self, account: AccountKey, addr: IpAddr, outcome: Option<bool>) {
        let now = Instant::now();
        let l = &self.limits;
        let mut t = self.lock();
        if let Some(a) = t.addresses.get_mut(&addr) {
            a.pending = a.pending.saturating_sub(1);
            a.failures += u32::from(outcome == Some(false));
        }
        let key = (account, addr);
        if outcome == Some(true) {
            t.pairs.remove(&key);
            return;
        }
        if let Some(p) = t.pairs.get_mut(&key) {
            p.pending = p.pending.saturating_sub(1);
            if outcome == Some(false) {
                p.failures += 1;
                p.next_try = now + delay(l, p.failures);
            }
        }
    }

    /// Entries in both tables (for tests and measurements).
    pub fn len(&self) -> usize {
        let t = self.lock();
        t.pairs.len() + t.addresses.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The wait after `failures` failures of a pair: none within the free
/// tries, then doubling from `first_delay`.
fn delay(l: &Limits, failures: u32) -> Duration {
    if failures < l.free_tries {
        return Duration::ZERO;
    }
    let doublings = (failures - l.free_tries).min(20);
    l.first_delay.saturating_mul(1 << doublings).min(l.max_delay)
}

impl Table {
    /// At capacity: drop what has expired, then the least recently seen
    /// entry without a try in progress.
    fn make_room(&mut self, l: &Limits, now: Instant) {
        if self.pairs.len() >= l.capacity {
            self.pairs
                .retain(|_, p| p.pending > 0 || now.duration_since(p.seen) < l.forget_after || now < p.next_try);
            evict_oldest(&mut self.pairs, l.capacity, |p| (p.pending == 0).then_some(p.seen));
        }
        if self.addresses.len() >= l.capacity {
            self.addresses
                .retain(|_, a| a.pending > 0 || now.duration_since(a.window_start) < l.window);
            evict_oldest(&mut self.addresses, l.capacity, |a| (a.pending == 0).then_some(a.seen));
        }
    }
}

fn evict_oldest<K: Copy + Eq + std::hash::Hash, V>(
    map: &mut HashMap<K, V>,
    capacity: usize,
    seen: impl Fn(&V) -> Option<Instant>,
) {
    if map.len() < capacity {
        return;
    }
    let oldest = map
        .iter()
        .filter_map(|(k, v)| seen(v).map(|s| (s, *k)))
        .min_by_key(|(s, _)| *s)
        .map(|(_, k)| k);
    if let Some(k) = oldest {
        map.remove(&k);
    }
}

impl Ticket {
    pub fn failed(mut self) {
        self.settled = true;
        self.throttle.settle(self.account, self.addr, Some(false));
    }

    pub fn succeeded(mut self) {
        self.settled = true;
        self.throttle.settle(self.account, self.addr, Some(true));
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if !self.settled {
            self.throttle.settle(self.account, self.addr, None);
        }
    }
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn throttle(limits: Limits) -> Arc<LoginThrottle> {
        Arc::new(LoginThrottle::new(limits))
    }

    #[test]
    fn keys_are_normalised_and_fixed_size() {
        assert_eq!(account_key(" An "), account_key("an"));
        assert_ne!(account_key("an"), account_key("binh"));
        assert_eq!(account_key(&"x".repeat(1 << 20)).len(), 16);
    }

    #[test]
    fn parallel_reservations_never_exceed_the_free_tries() {
        let t = throttle(Limits::default());
        let (an, a) = (account_key("an"), ip("10.0.0.1"));
        let tickets: Vec<_> = (0..200).filter_map(|_| t.reserve(an, a).ok()).collect();
        assert_eq!(tickets.len(), 5);
        for ticket in tickets {
            ticket.failed();
        }
        assert!(t.reserve(an, a).is_err(), "now delayed");
        assert!(
            t.reserve(an, ip("10.0.0.2")).is_ok(),
            "the owner elsewhere is not locked out"
        );
    }

    #[test]
    fn delays_double_and_reopen_one_try_at_a_time() {
        let limits = Limits {
            free_tries: 2,
            first_delay: Duration::from_millis(30),
            ..Limits::default()
        };
        let t = throttle(limits.clone());
        let (an, a) = (account_key("an"), ip("10.0.0.1"));
        t.reserve(an, a).unwrap().failed();
        t.reserve(an, a).unwrap().failed();
        assert!(t.reserve(an, a).is_err());
        std::thread::sleep(Duration::from_millis(40));
        let one = t.reserve(an, a).expect("the delay has passed");
        assert!(t.reserve(an, a).is_err(), "one try at a time in backoff");
        one.failed();
        assert_eq!(delay(&limits, 3), Duration::from_millis(60));
        assert_eq!(delay(&limits, 100), limits.max_delay);
    }

    #[test]
    fn success_clears_the_pair_and_a_dropped_ticket_costs_nothing() {
        let t = throttle(Limits {
            free_tries: 2,
            ..Limits::default()
        });
        let (an, a) = (account_key("an"), ip("10.0.0.1"));
        t.reserve(an, a).unwrap().failed();
        t.reserve(an, a).unwrap().succeeded();
        drop(t.reserve(an, a).unwrap());
        t.reserve(an, a).unwrap().failed();
        assert!(t.reserve(an, a).is_ok(), "one failure since the success");
    }

    #[test]
    fn one_address_has_a_budget_across_accounts() {
        let t = throttle(Limits {
            address_budget: 3,
            ..Limits::default()
        });
        let a = ip("10.0.0.1");
        for name in ["a", "b", "c"] {
            t.reserve(account_key(name), a).unwrap().failed();
        }
        assert!(t.reserve(account_key("d"), a).is_err());
        assert!(t.reserve(account_key("d"), ip("10.0.0.2")).is_ok());
    }

    #[test]
    fn tables_stay_within_capacity() {
        let t = throttle(Limits {
            capacity: 100,
            address_budget: 1_000_000,
            ..Limits::default()
        });
        for i in 0..5_000u32 {
            let addr = IpAddr::from(i.to_be_bytes());
            if let Ok(ticket) = t.reserve(account_key(&i.to_string()), addr) {
                ticket.failed();
            }
        }
        assert!(t.len() <= 200, "{} entries", t.len());
    }
}
