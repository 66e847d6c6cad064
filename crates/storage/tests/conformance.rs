//! One story, run unchanged on SQLite and on PostgreSQL.

use xhht_domain::access::Role;
use xhht_domain::audit::{Change, Recorded};
use xhht_domain::plan::{self, BUILTIN_BA_DINH};
use xhht_domain::values::DataValue;
use xhht_domain::workflow::Refusal;
use xhht_domain::workflow::ReportState::*;
use xhht_storage::{Conflict, NewUser, Stamp, StorageError, Store, test_support};

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
            matches!(again, Err(StorageError::Conflict(Conflict::PlanInstalled { .. }))),
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
        assert!(
            matches!(
                locked,
                Err(StorageError::Conflict(Conflict::NotEditable { state: Submitted }))
            ),
            "{b:?}"
        );
        let wrong = store
            .change_state(&stamp, &plan, "00001", 2026, &[Draft], Submitted)
            .await;
        assert!(
            matches!(
                wrong,
                Err(StorageError::Conflict(Conflict::WrongState { found: Submitted }))
            ),
            "{b:?}"
        );
        // A return needs a reason: refused for the request itself, not a conflict.
        let unexplained = store
            .change_state(&Stamp::now("chuyen-vien"), &plan, "00001", 2026, &[Submitted], Returned)
            .await;
        assert!(
            matches!(unexplained, Err(StorageError::Refused(Refusal::MissingReason))),
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

        let trail: Vec<Change> = store
            .audit_events("00001", 2026)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.event.change)
            .collect();
        assert_eq!(
            trail,
            [
                Change::ValueSet {
                    element: "pop_15_60".into(),
                    old: None,
                    new: Some(Recorded::Number(1000.0)),
                },
                Change::ValueSet {
                    element: "literate_15_60".into(),
                    old: None,
                    new: Some(Recorded::Number(990.0)),
                },
                Change::Submitted { from: Draft },
                Change::Returned {
                    reason: "Kiểm tra lại".into(),
                },
                Change::Submitted { from: Returned },
                Change::Approved,
            ],
            "{b:?}"
        );
        let approved = store.audit_events("00001", 2026).await.unwrap().pop().unwrap();
        assert_eq!(
            (approved.event.actor.as_str(), approved.event.why()),
            ("chuyen-vien", Some("Số liệu khớp")),
            "the approval's note is kept"
        );
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
            must_change_password: false,
        };
        store.create_user(&Stamp::now("admin"), &user).await.unwrap();
        let ok = store
            .check_login("phuc-xa", "mật khẩu dài")
            .await
            .unwrap()
            .expect("login");
        assert_eq!((ok.role, ok.org_unit_code.as_str()), (Role::Reporter, "00001"));
        assert!(store.check_login("phuc-xa", "sai").await.unwrap().is_none());
        assert!(store.check_login("nobody", "x").await.unwrap().is_none());
        let dup = store.create_user(&Stamp::now("admin"), &user).await;
        assert!(matches!(
            dup,
            Err(StorageError::Conflict(Conflict::UsernameTaken { ref username })) if username == "phuc-xa"
        ));
        assert_eq!(ok.role, Role::Reporter);
        assert_eq!(store.users().await.unwrap().len(), 1);
    }
}
