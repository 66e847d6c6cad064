use std::sync::Arc;

use xhht_domain::plan::Plan;
use xhht_storage::{StorageError, Store};

use crate::auth::LoginThrottle;

/// Per (year, area): how many units each indicator expects.
pub type ExpectedCounts = std::collections::HashMap<(i32, String), Vec<usize>>;

/// What every handler can reach: the store and the plan it holds.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub plan: Arc<Plan>,
    /// The database holds generated sample data: pages say so.
    pub is_sample: bool,
    pub throttle: Arc<LoginThrottle>,
    /// Mark cookies Secure (served over HTTPS, possibly behind a proxy).
    pub secure_cookies: bool,
    /// Units each indicator expects, per (year, area): from the plan alone.
    pub expected: Arc<std::sync::Mutex<ExpectedCounts>>,
}

impl AppState {
    /// Reads the installed plan from the store.
    pub async fn load(store: Store) -> Result<Self, StorageError> {
        let (plan, _) = store
            .load_plan()
            .await?
            .ok_or(StorageError::NotFound(xhht_storage::Missing::Plan))?;
        let is_sample = store.is_sample().await?;
        Ok(Self {
            store,
            plan: Arc::new(plan),
            is_sample,
            throttle: Arc::default(),
            secure_cookies: false,
            expected: Arc::default(),
        })
    }
}
