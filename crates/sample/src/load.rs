//! Writes the sample into a store through the same audited paths as users.

use xhht_domain::plan::{BUILTIN_BA_DINH, Plan, SAMPLE_WARD_BA_DINH};
use xhht_domain::workflow::ReportState;
use xhht_storage::{FormChanges, NewUser, Stamp, Store};

use crate::{DemoAccount, SampleReport, demo_accounts, generate};

/// Who the audit trail names for sample writes.
pub const SAMPLE_ACTOR: &str = "dữ liệu mẫu";
const REASON: &str = "Dữ liệu mẫu (sample data), sinh tự động";

/// Opens the demo: installs the built-in plan, the demo accounts and the
/// sample reports into an empty store. Returns false (and does nothing) if
/// the store already holds a plan.
pub async fn load_demo(store: &Store, seed: u64) -> Result<bool, xhht_storage::StorageError> {
    if store.load_plan().await?.is_some() {
        return Ok(false);
    }
    let plan = xhht_domain::plan::builtin();
    let stamp = Stamp::now(SAMPLE_ACTOR).with_reason(REASON);
    store.install_plan(&plan, BUILTIN_BA_DINH, &stamp).await?;
    store.mark_sample(&stamp).await?;
    for a in demo_accounts(&plan) {
        let user = NewUser {
            username: &a.username,
            display_name: &a.display_name,
            password: a.password,
            role: a.role,
            org_unit: &a.org_unit,
            must_change_password: false,
        };
        store.create_user(&stamp, &user).await?;
    }
    for report in generate(&plan, seed) {
        replay(store, &plan, &report).await?;
    }
    Ok(true)
}

/// The day districts were abolished and 56/KH-UBND stopped applying.
const END_OF_56: (i32, u32, u32) = (2025, 6, 30);
const END_REASON: &str = "Từ ngày 01/7/2025 không tổ chức cấp quận (Nghị quyết số 1656/NQ-UBTVQH15); các phường của quận Ba Đình được sắp xếp thành các phường mới, mỗi phường thực hiện kế hoạch của mình.";

/// The demo as the world stands in late 2026: 56/KH-UBND with its
/// 2021-2025 history, ended on 30/6/2025; then the sample plan of Phường Ba
/// Đình (a successor ward) with its 2026 reports in progress and accounts
/// of its own (prefixed `pbd-`). Does nothing (false) if the store holds a plan.
pub async fn load_reorganised_demo(store: &Store, seed: u64) -> Result<bool, xhht_storage::StorageError> {
    if store.load_plan().await?.is_some() {
        return Ok(false);
    }
    let plan = xhht_domain::plan::builtin();
    let stamp = Stamp::now(SAMPLE_ACTOR).with_reason(REASON);
    let district = store.install_plan(&plan, BUILTIN_BA_DINH, &stamp).await?;
    district.mark_sample(&stamp).await?;
    let (y, m, d) = END_OF_56;
    let end = chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a valid day");
    district.end_plan(&stamp, end, END_REASON).await?;
    let (plan, _) = district.load_plan().await?.ok_or(xhht_storage::Missing::Plan)?;
    add_accounts(&district, &stamp, demo_accounts(&plan)).await?;
    for report in generate(&plan, seed)
        .iter()
        .filter(|r| r.year <= plan.last_entry_year())
    {
        replay(&district, &plan, report).await?;
    }
    let ward = xhht_domain::plan::sample_ward();
    let scoped = store.install_plan(&ward, SAMPLE_WARD_BA_DINH, &stamp).await?;
    add_accounts(&scoped, &stamp, crate::accounts::accounts_for(&ward, WARD_PREFIX)).await?;
    for report in crate::successor::generate_successor(&ward, seed, ward.reporting.first_year) {
        replay(&scoped, &ward, &report).await?;
    }
    Ok(true)
}

/// Usernames of the sample ward plan's accounts start with this.
pub const WARD_PREFIX: &str = "pbd-";

async fn add_accounts(
    store: &Store,
    stamp: &Stamp,
    accounts: Vec<DemoAccount>,
) -> Result<(), xhht_storage::StorageError> {
    for a in accounts {
        let user = NewUser {
            username: &a.username,
            display_name: &a.display_name,
            password: a.password,
            role: a.role,
            org_unit: &a.org_unit,
            must_change_password: false,
        };
        store.create_user(stamp, &user).await?;
    }
    Ok(())
}

/// Replays one report's life: values saved, then submitted, then decided.
async fn replay(store: &Store, plan: &Plan, r: &SampleReport) -> Result<(), xhht_storage::StorageError> {
    let stamp = |at: Option<chrono::DateTime<chrono::Utc>>| {
        let mut s = Stamp::now(SAMPLE_ACTOR).with_reason(REASON);
        if let Some(at) = at {
            s.at = at;
        }
        s
    };
    let entered = r.submitted_at.map(|t| t - chrono::Duration::days(2));
    let form = FormChanges {
        values: r.values.iter().map(|(c, v)| (c.clone(), Some(v.clone()))).collect(),
        narratives: r.narratives.clone(),
        explanation: r.explanation.clone(),
    };
    store.save_form(&stamp(entered), &r.unit, r.year, &form).await?;
    use ReportState::*;
    if r.state == Draft {
        return Ok(());
    }
    store
        .change_state(&stamp(r.submitted_at), plan, &r.unit, r.year, &[Draft], Submitted)
        .await?;
    match r.state {
        Approved => {
            store
                .change_state(&stamp(r.decided_at), plan, &r.unit, r.year, &[Submitted], Approved)
                .await
        }
        Returned => {
            let s = stamp(r.decided_at).with_reason("Đề nghị kiểm tra lại số người biết chữ (dữ liệu mẫu)");
            store
                .change_state(&s, plan, &r.unit, r.year, &[Submitted], Returned)
                .await
        }
        _ => Ok(()),
    }
}
