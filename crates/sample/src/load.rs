//! Writes the sample into a store through the same audited paths as users.

use xhht_domain::plan::{BUILTIN_BA_DINH, Plan};
use xhht_domain::workflow::ReportState;
use xhht_storage::{FormChanges, NewUser, Stamp, Store};

use crate::{SampleReport, demo_accounts, generate};

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
        };
        store.create_user(&stamp, &user).await?;
    }
    for report in generate(&plan, seed) {
        replay(store, &plan, &report).await?;
    }
    Ok(true)
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
