//! Login throttling: after too many wrong passwords in a row for one account
//! from one address, further tries are refused for a while, even with the
//! right password. Kept in memory: a restart forgets, one server is assumed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginThrottle {
    max_failures: u32,
    block_for: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

#[derive(Default)]
struct Entry {
    failures: u32,
    blocked_until: Option<Instant>,
}

impl LoginThrottle {
    pub fn new(max_failures: u32, block_for: Duration) -> Self {
        Self {
            max_failures,
            block_for,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn key(username: &str, addr: &str) -> String {
        format!("{}|{addr}", username.trim().to_lowercase())
    }

    /// Remaining block time, if this account and address are blocked now.
    pub fn blocked(&self, username: &str, addr: &str) -> Option<Duration> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let until = entries.get(&Self::key(username, addr))?.blocked_until?;
        until.checked_duration_since(Instant::now())
    }

    pub fn failed(&self, username: &str, addr: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let e = entries.entry(Self::key(username, addr)).or_default();
        e.failures += 1;
        if e.failures >= self.max_failures {
            e.blocked_until = Some(Instant::now() + self.block_for);
            e.failures = 0;
        }
    }

    pub fn succeeded(&self, username: &str, addr: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(&Self::key(username, addr));
    }
}

impl Default for LoginThrottle {
    /// Ten wrong passwords in a row block the pair for fifteen minutes.
    fn default() -> Self {
        Self::new(10, Duration::from_secs(15 * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_and_only_that_pair() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        for _ in 0..2 {
            t.failed("An", "1.2.3.4");
        }
        assert!(t.blocked("an", "1.2.3.4").is_none());
        t.failed("an", "1.2.3.4");
        assert!(t.blocked("AN", "1.2.3.4").is_some());
        assert!(t.blocked("an", "5.6.7.8").is_none());
        assert!(t.blocked("binh", "1.2.3.4").is_none());
    }

    #[test]
    fn success_resets_the_count() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        t.failed("an", "x");
        t.failed("an", "x");
        t.succeeded("an", "x");
        t.failed("an", "x");
        assert!(t.blocked("an", "x").is_none());
    }
}
