use std::sync::Arc;

use chrono::NaiveDate;
use xhht_domain::plan::Plan;
use xhht_domain::units::Register;
use xhht_storage::{StorageError, Store};

use crate::auth::{LoginThrottle, TrustedProxy};

/// Per (year, area): how many units each indicator expects.
pub type ExpectedCounts = std::collections::HashMap<(i32, String), Vec<usize>>;

/// What every handler can reach: the store and the plan it holds (one
/// AppState per installed plan; the router picks one per request).
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub plan: Arc<Plan>,
    /// The database holds generated sample data: pages say so.
    pub is_sample: bool,
    pub throttle: Arc<LoginThrottle>,
    /// Proxies whose `X-Forwarded-For` names the client (`--trusted-proxies`).
    pub trusted_proxies: Arc<Vec<TrustedProxy>>,
    /// Mark cookies Secure (served over HTTPS, possibly behind a proxy).
    pub secure_cookies: bool,
    /// Units each indicator expects, per (year, area): from the plan alone.
    pub expected: Arc<std::sync::Mutex<ExpectedCounts>>,
    /// Every plan in the database, in the order installed.
    pub plans: Arc<Vec<PlanSlot>>,
    /// The dated register of administrative units, when loaded: which
    /// units still exist in a year and where the others went.
    pub register: Arc<Option<Register>>,
    /// Anonymous pages of this plan, kept per data version (`cache.rs`).
    pub page_cache: Arc<crate::cache::PageCache>,
    /// The first problem `Store::verify_audit` found at the last check
    /// ([`AppState::check_audit`], run at start), shown to administrators on
    /// every page. Cached: a full check reads the whole trail, so it is not
    /// run per request. Shared by every plan's state.
    pub audit_alarm: Arc<std::sync::RwLock<Option<String>>>,
    /// "Today" for reminders and their wording (fixed in tests).
    pub clock: crate::calendar::Clock,
    /// E-mail sender, when SMTP is configured (`xhht serve --smtp-host`).
    pub mailer: Option<Arc<crate::mailer::Mailer>>,
    /// The places of requests worked on at once, shared by every plan's
    /// app (`admission`).
    pub admission: Arc<tokio::sync::Semaphore>,
}

/// One installed plan: its handle, its parsed text and how it is listed.
#[derive(Clone)]
pub struct PlanSlot {
    pub store: Store,
    pub plan: Arc<Plan>,
    pub entry: PlanEntry,
}

/// How a plan is named in the plan picker and `/api/v1/plans`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlanEntry {
    pub code: String,
    pub number: String,
    pub title: String,
    pub issuing_body: String,
    pub first_year: i32,
    pub last_year: i32,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub predecessor: Option<String>,
    pub sample: bool,
    pub version: i64,
}

impl PlanEntry {
    fn of(plan: &Plan, version: i64) -> Self {
        let (ended_on, end_reason) = match &plan.info.ended {
            Some((d, r)) => (Some(*d), Some(r.clone())),
            None => (None, None),
        };
        Self {
            code: plan.info.code.clone(),
            number: plan.info.number.clone(),
            title: plan.info.title.clone(),
            issuing_body: plan.info.issuing_body.clone(),
            first_year: plan.reporting.first_year,
            last_year: plan.reporting.last_year,
            ended_on,
            end_reason,
            predecessor: plan.info.predecessor.clone(),
            sample: plan.info.sample,
            version,
        }
    }
}

impl AppState {
    /// Reads every installed plan from the store; the state answers for the
    /// plan `store` is scoped to (the first installed one when opened plain).
    pub async fn load(store: Store) -> Result<Self, StorageError> {
        let (plan, _) = store
            .load_plan()
            .await?
            .ok_or(StorageError::NotFound(xhht_storage::Missing::Plan))?;
        let mut slots = Vec::new();
        for row in store.plans().await? {
            let scoped = store.with_plan_id(row.id);
            let Some((p, _)) = scoped.load_plan().await? else {
                continue;
            };
            let p = if p.info.code == plan.info.code { plan.clone() } else { p };
            slots.push(PlanSlot {
                entry: PlanEntry::of(&p, row.version),
                store: scoped,
                plan: Arc::new(p),
            });
        }
        let is_sample = store.is_sample().await?;
        let register = if store.has_units().await? {
            // Only the part the plans' own units reach: the national register
            // is most of an idle server's memory and the pages ask nothing else.
            let codes = slots
                .iter()
                .flat_map(|s| s.plan.org_units.iter().filter_map(|u| u.gso_code.as_deref()));
            Some(store.load_units().await?.around(codes))
        } else {
            None
        };
        let me = slots
            .iter()
            .find(|s| s.entry.code == plan.info.code)
            .map(|s| s.store.clone())
            .unwrap_or(store);
        Ok(Self {
            store: me,
            plan: Arc::new(plan),
            is_sample,
            throttle: Arc::default(),
            trusted_proxies: Arc::default(),
            secure_cookies: false,
            expected: Arc::default(),
            plans: Arc::new(slots),
            register: Arc::new(register),
            page_cache: Arc::default(),
            audit_alarm: Arc::default(),
            clock: crate::calendar::Clock::default(),
            mailer: None,
            admission: crate::admission::queue(),
        })
    }

    /// Checks the audit trail and its official values again and keeps the
    /// first problem (or none) for the administrators' banner; returns it.
    pub async fn check_audit(&self) -> Result<Option<String>, StorageError> {
        let problem = self.store.verify_audit().await?.problem();
        *self.audit_alarm.write().unwrap_or_else(|e| e.into_inner()) = problem.clone();
        Ok(problem)
    }

    /// The problem the last check found, if any.
    pub fn audit_alarm(&self) -> Option<String> {
        self.audit_alarm.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The same app answering for another installed plan.
    pub fn for_slot(&self, slot: &PlanSlot) -> Self {
        Self {
            store: slot.store.clone(),
            plan: slot.plan.clone(),
            expected: Arc::default(),
            page_cache: Arc::default(),
            ..self.clone()
        }
    }

    /// This state's entry in the plan list.
    pub fn entry(&self) -> Option<&PlanEntry> {
        self.plans
            .iter()
            .map(|s| &s.entry)
            .find(|e| e.code == self.plan.info.code)
    }

    /// Why `unit` cannot report for `year` although the plan once counted
    /// it: the plan ended, or the administrative unit it stands for was
    /// merged away (naming where it went). `None` when it can report.
    pub fn no_longer_reports(&self, unit: &xhht_domain::plan::OrgUnit, year: i32) -> Option<String> {
        use xhht_domain::units::{register_key, reports_in, successor_names};
        let plan = &self.plan;
        let ended = plan.info.ended.as_ref().filter(|_| year > plan.last_entry_year());
        let register = self.register.as_ref().as_ref();
        let gone = register.is_some_and(|r| !reports_in(r, plan, unit, year));
        if ended.is_none() && !gone {
            return None;
        }
        let successors = register
            .and_then(|r| register_key(r, plan, unit).map(|k| successor_names(r, &k)))
            .unwrap_or_default();
        let mut why = match ended {
            Some((day, reason)) => format!(
                "Kế hoạch {} đã kết thúc ngày {} ({reason}), không nhận báo cáo năm {year}.",
                plan.info.number,
                day.format("%d/%m/%Y")
            ),
            None => format!("{} không còn tồn tại vào năm {year}.", unit.name),
        };
        if !successors.is_empty() {
            why.push_str(&format!(
                " {} nay thuộc {}; báo cáo năm {year} do {} gửi theo kế hoạch của mình.",
                unit.name,
                successors.join(", "),
                if successors.len() > 1 {
                    "các đơn vị này"
                } else {
                    "đơn vị này"
                }
            ));
            let next: Vec<&str> = self
                .plans
                .iter()
                .filter(|s| s.entry.predecessor.as_deref() == Some(plan.info.code.as_str()))
                .map(|s| s.entry.number.as_str())
                .collect();
            if !next.is_empty() {
                why.push_str(&format!(" Kế hoạch kế tiếp: {}.", next.join(", ")));
            }
        }
        Some(why)
    }

    /// This plan's unit standing for the same administrative unit as unit
    /// `code` of plan `plan_id` (by the register's dated identity), if any.
    pub fn same_unit_here(&self, plan_id: i64, code: &str) -> Option<String> {
        use xhht_domain::units::register_key;
        let register = self.register.as_ref().as_ref()?;
        let theirs = self.plans.iter().find(|s| s.store.scope() == plan_id)?;
        let key = register_key(register, &theirs.plan, theirs.plan.unit(code)?)?;
        let plan = &self.plan;
        plan.org_units
            .iter()
            .find(|u| register_key(register, plan, u).as_ref() == Some(&key))
            .map(|u| u.code.clone())
    }

    /// Whether the account's plan is this one (accounts act in their own plan only).
    pub fn is_own_plan(&self, account_plan: i64) -> bool {
        self.store.scope() == account_plan
    }
}
