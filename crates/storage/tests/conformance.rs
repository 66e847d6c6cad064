//! One story, run unchanged on SQLite and on PostgreSQL.

use xhht_domain::access::Role;
use xhht_domain::plan::{self, BUILTIN_BA_DINH};
use xhht_domain::values::DataValue;
use xhht_domain::workflow::Refusal;
use xhht_domain::workflow::ReportState::*;
use xhht_storage::{NewUser, Stamp, StorageError, Store, test_support};

async fn with_plan(name: &str) -> Vec<(Store, plan::Plan)> {
    let mut out = Vec::new();
    for store in test_support::stores(name).await {
        let plan = plan::builtin();
        store
            .install_plan(&plan, BUILTIN_BA_DINH, &Stamp::now("test"))
            .await
            .unwrap();
        out.push((store, plan));
    }
    out
}

fn n(x: f64) -> Option<DataValue> {
    Some(DataValue::Number(x))
}

#[tokio::test]
async fn plan_round_trips_and_installs_once() {
    for (store, plan) in with_plan("storage_plan_round_trip").await {
        let (loaded, source) = store.load_plan().await.unwrap().expect("a plan");
        assert_eq!(source, BUILTIN_BA_DINH);
        assert_eq!(loaded.indicators.len(), plan.indicators.len());
        let events = store.audit_count().await.unwrap();
        let again = store.install_plan(&plan, BUILTIN_BA_DINH, &Stamp::now("test")).await;
        assert!(
            matches!(again, Err(StorageError::Conflict(_))),
            "{:?} on {:?}",
            again,
            store.backend()
        );
        assert_eq!(
            store.audit_count().await.unwrap(),
            events,
            "a refused install leaves no trace"
        );
    }
}

#[tokio::test]
async fn report_lifecycle_with_audit() {
    for (store, plan) in with_plan("storage_report_lifecycle").await {
        let b = store.backend();
        let stamp = Stamp::now("phuong-phuc-xa");
        let changes = vec![
            ("pop_15_60".to_string(), n(1000.0)),
            ("literate_15_60".to_string(), n(990.0)),
        ];
        assert_eq!(store.save_values(&stamp, "00001", 2026, &changes).await.unwrap(), 2);
        // Saving the same values again changes nothing and audits nothing.
        assert_eq!(store.save_values(&stamp, "00001", 2026, &changes).await.unwrap(), 0);
        let working = store.working_values(&plan, "00001", 2026).await.unwrap();
        assert_eq!(working.get("literate_15_60"), Some(&DataValue::Number(990.0)));
        // Drafts are not official.
        assert!(
            store.approved_values(&plan, 2026).await.unwrap().units.is_empty(),
            "{b:?}"
        );

        store
            .change_state(&stamp, &plan, "00001", 2026, &[Draft, Returned], Submitted)
            .await
            .unwrap();
        let locked = store
            .save_values(&stamp, "00001", 2026, &[("pop_15_60".into(), n(1.0))])
            .await;
        assert!(matches!(locked, Err(StorageError::Conflict(_))), "{b:?}");
        let wrong = store
            .change_state(&stamp, &plan, "00001", 2026, &[Draft], Submitted)
            .await;
        assert!(
            matches!(wrong, Err(StorageError::Refused(Refusal::WrongState))),
            "{b:?}"
        );

        // Returned with a comment, then resubmitted (this once failed on PostgreSQL).
        let back = Stamp::now("chuyen-vien").with_reason("Kiểm tra lại");
        store
            .change_state(&back, &plan, "00001", 2026, &[Submitted], Returned)
            .await
            .unwrap();
        store
            .change_state(&stamp, &plan, "00001", 2026, &[Draft, Returned], Submitted)
            .await
            .unwrap();
        let reviewer = Stamp::now("chuyen-vien").with_reason("Số liệu khớp");
        store
            .change_state(&reviewer, &plan, "00001", 2026, &[Submitted], Approved)
            .await
            .unwrap();
        let official = store.approved_values(&plan, 2026).await.unwrap();
        assert_eq!(official.get("00001", "pop_15_60"), Some(&DataValue::Number(1000.0)));
        assert_eq!(store.approved_years().await.unwrap(), vec![2026]);

        let rows = store.reports(2026).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].state, Approved);
        assert!(rows[0].submitted_at.is_some() && rows[0].approved_at.is_some());

        let trail = store.audit_events("00001", 2026).await.unwrap();
        let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "value.set",
                "value.set",
                "report.state",
                "report.state",
                "report.state",
                "report.state"
            ],
            "{b:?}"
        );
        let states: Vec<_> = trail[2..].iter().map(|e| e.new_value.as_deref().unwrap()).collect();
        assert_eq!(states, ["submitted", "returned", "submitted", "approved"]);
        assert_eq!(trail[3].reason.as_deref(), Some("Kiểm tra lại"));
        assert_eq!(trail[5].reason.as_deref(), Some("Số liệu khớp"));
        assert_eq!(trail[0].old_value, None);
        assert_eq!(trail[0].new_value.as_deref(), Some("1000"));
    }
}

#[tokio::test]
async fn a_failed_write_leaves_nothing_behind() {
    for (store, plan) in with_plan("storage_failed_write").await {
        let before = store.audit_count().await.unwrap();
        // The second value names no data element: the foreign key fails and
        // the whole transaction, first value and audit included, rolls back.
        let changes = vec![
            ("pop_15_60".to_string(), n(5.0)),
            ("no_such_element".to_string(), n(1.0)),
        ];
        let res = store.save_values(&Stamp::now("x"), "00004", 2026, &changes).await;
        assert!(matches!(res, Err(StorageError::Database(_))), "{:?}", store.backend());
        assert!(store.working_values(&plan, "00004", 2026).await.unwrap().is_empty());
        assert!(store.reports(2026).await.unwrap().is_empty());
        assert_eq!(store.audit_count().await.unwrap(), before);
    }
}

#[tokio::test]
async fn accounts_and_passwords() {
    for (store, _) in with_plan("storage_accounts").await {
        let user = NewUser {
            username: "Phuc-Xa",
            display_name: "Cán bộ phường Phúc Xá",
            password: "mật khẩu dài",
            role: Role::Reporter,
            org_unit: "00001",
        };
        store.create_user(&Stamp::now("admin"), &user).await.unwrap();
        let ok = store
            .check_login("phuc-xa", "mật khẩu dài")
            .await
            .unwrap()
            .expect("login");
        assert_eq!((ok.role.as_str(), ok.org_unit_code.as_str()), ("reporter", "00001"));
        assert!(store.check_login("phuc-xa", "sai").await.unwrap().is_none());
        assert!(store.check_login("nobody", "x").await.unwrap().is_none());
        let dup = store.create_user(&Stamp::now("admin"), &user).await;
        assert!(matches!(dup, Err(StorageError::Conflict(_))));
        assert_eq!(store.users().await.unwrap().len(), 1);
    }
}
