//! The two migration folders give the same database, and a database made by
//! the previous release opens with this one, figures and trail intact.

use xhht_domain::access::Role;
use xhht_domain::audit::{Change, Recorded};
use xhht_domain::narrative::NarrativeKind;
use xhht_domain::plan::{self, BUILTIN_BA_DINH};
use xhht_domain::values::DataValue;
use xhht_domain::workflow::ReportState;
use xhht_storage::{Stamp, Store, test_support};

/// Same tables, same columns in the same order, same type classes and
/// nullability on SQLite and PostgreSQL.
#[tokio::test]
async fn sqlite_and_postgresql_migrations_give_the_same_tables_and_columns() {
    let stores = test_support::stores("schema_same_tables").await;
    let schemas: Vec<_> = {
        let mut out = Vec::new();
        for s in &stores {
            out.push((s.backend(), test_support::columns(s).await));
        }
        out
    };
    let (_, sqlite) = &schemas[0];
    assert!(sqlite.contains_key("audit_events") && sqlite.len() >= 11, "{sqlite:?}");
    assert!(
        sqlite["audit_events"]
            .iter()
            .any(|(c, t, _)| c == "payload" && t == "text"),
        "typed events have their payload column"
    );
    for (backend, other) in &schemas[1..] {
        let tables = |s: &std::collections::BTreeMap<String, _>| s.keys().cloned().collect::<Vec<_>>();
        assert_eq!(tables(other), tables(sqlite), "{backend:?}: tables");
        for (table, cols) in sqlite {
            assert_eq!(&other[table], cols, "{backend:?}: columns of {table}");
        }
    }
}

/// The previous release's plan install, written as it wrote it (migrations
/// 0001-0004, audit actions as strings).
async fn install_as_previous_release(store: &Store, plan: &plan::Plan) {
    let q = |s: &str| s.replace('\'', "''");
    let opt = |s: Option<String>| s.map_or("NULL".to_string(), |v| format!("'{}'", q(&v)));
    test_support::execute(
        store,
        &format!(
            "INSERT INTO plans (code, number, source, loaded_at, loaded_by) VALUES ('{}', '{}', '{}', '2025-01-02T03:04:05.000Z', 'admin')",
            q(&plan.info.code),
            q(&plan.info.number),
            q(BUILTIN_BA_DINH)
        ),
    )
    .await;
    let mut placed: Vec<&str> = Vec::new();
    while placed.len() < plan.org_units.len() {
        for u in &plan.org_units {
            let ready = u.parent.as_deref().is_none_or(|p| placed.contains(&p));
            if placed.contains(&u.code.as_str()) || !ready {
                continue;
            }
            test_support::execute(
                store,
                &format!(
                    "INSERT INTO org_units (code, parent_code, unit_type, name, gso_code, valid_from, valid_to) VALUES ('{}', {}, '{}', '{}', {}, {}, {})",
                    q(&u.code),
                    opt(u.parent.clone()),
                    u.unit_type.code(),
                    q(&u.name),
                    opt(u.gso_code.clone()),
                    opt(u.valid_from.map(|d| d.to_string())),
                    opt(u.valid_to.map(|d| d.to_string()))
                ),
            )
            .await;
            placed.push(&u.code);
        }
    }
    for e in &plan.data_elements {
        test_support::execute(
            store,
            &format!(
                "INSERT INTO data_elements (code, name, value_type) VALUES ('{}', '{}', '{}')",
                q(&e.code),
                q(&e.name),
                e.value_type.as_str()
            ),
        )
        .await;
    }
}

/// One report of ward 00001 for 2025 as the previous release left it:
/// approved, with working and official values, a narrative, and its trail.
const PREVIOUS_RELEASE_ROWS: &[&str] = &[
    "INSERT INTO users (username, display_name, password_hash, role, org_unit_code, disabled, created_at) VALUES ('phucxa', 'Cán bộ Phúc Xá', 'x', 'reporter', '00001', FALSE, '2025-01-02T03:04:05.000Z')",
    "INSERT INTO reports (org_unit_code, year, state, submitted_at, approved_at, updated_at, updated_by, first_submitted_at, explanation) VALUES ('00001', 2025, 'approved', '2025-12-01T01:00:00.000Z', '2025-12-03T01:00:00.000Z', '2025-12-03T01:00:00.000Z', 'chuyenvien', '2025-11-28T01:00:00.000Z', 'Theo điều tra')",
    "INSERT INTO data_values (org_unit_code, element_code, year, value_num, value_text, updated_at, updated_by) VALUES ('00001', 'pop_15_60', 2025, 9000, NULL, '2025-11-20T01:00:00.000Z', 'phucxa')",
    "INSERT INTO data_values (org_unit_code, element_code, year, value_num, value_text, updated_at, updated_by) VALUES ('00001', 'literate_15_60', 2025, 8990.5, NULL, '2025-11-20T01:00:00.000Z', 'phucxa')",
    "INSERT INTO data_values (org_unit_code, element_code, year, value_num, value_text, updated_at, updated_by) VALUES ('00001', 'literacy_level', 2025, NULL, 'level_2', '2025-11-20T01:00:00.000Z', 'phucxa')",
    "INSERT INTO approved_values (org_unit_code, element_code, year, value_num, value_text, approved_at, approved_by) VALUES ('00001', 'pop_15_60', 2025, 9000, NULL, '2025-12-03T01:00:00.000Z', 'chuyenvien')",
    "INSERT INTO approved_values (org_unit_code, element_code, year, value_num, value_text, approved_at, approved_by) VALUES ('00001', 'literate_15_60', 2025, 8990.5, NULL, '2025-12-03T01:00:00.000Z', 'chuyenvien')",
    "INSERT INTO approved_values (org_unit_code, element_code, year, value_num, value_text, approved_at, approved_by) VALUES ('00001', 'literacy_level', 2025, NULL, 'level_2', '2025-12-03T01:00:00.000Z', 'chuyenvien')",
    "INSERT INTO narratives (org_unit_code, year, task_group, kind, body, updated_at, updated_by) VALUES ('00001', 2025, 1, 'results', 'Mở 3 lớp', '2025-11-20T01:00:00.000Z', 'phucxa')",
    "INSERT INTO audit_events (at, actor, action, new_value, reason) VALUES ('2025-01-02T03:04:05.000Z', 'admin', 'plan.install', '56/KH-UBND (ba-dinh)', NULL)",
    "INSERT INTO audit_events (at, actor, action, org_unit_code, new_value, reason) VALUES ('2025-01-02T03:05:00.000Z', 'admin', 'user.create', '00001', 'phucxa (reporter)', NULL)",
    "INSERT INTO audit_events (at, actor, action, org_unit_code, year, element_code, old_value, new_value, reason) VALUES ('2025-11-20T01:00:00.000Z', 'phucxa', 'value.set', '00001', 2025, 'pop_15_60', NULL, '9000', NULL)",
    "INSERT INTO audit_events (at, actor, action, org_unit_code, year, element_code, old_value, new_value, reason) VALUES ('2025-11-20T01:00:00.000Z', 'phucxa', 'value.set', '00001', 2025, 'literate_15_60', '8000', '8990.5', NULL)",
    "INSERT INTO audit_events (at, actor, action, org_unit_code, year, element_code, old_value, new_value, reason) VALUES ('2025-11-20T01:00:00.000Z', 'phucxa', 'value.set', '00001', 2025, 'literacy_level', NULL, 'level_2', NULL)",
    "INSERT INTO audit_events (at, actor, action, org_unit_code, year, element_code, old_value, new_value, reason) VALUES ('2025-11-20T01:00:00.000Z', 'phucxa', 'narrative.set', '00001', 2025, 'narrative:1:results', NULL, 'Mở 3 lớp', NULL)",
    "INSERT INTO audit_events (at, actor, action, org_unit_code, year, old_value, new_value, reason) VALUES ('2025-11-20T01:00:00.000Z', 'phucxa', 'explanation.set', '00001', 2025, NULL, 'Theo điều tra', NULL)",
    "INSERT INTO audit_events (at, actor, action, org_unit_code, year, old_value, new_value, reason) VALUES ('2025-11-28T01:00:00.000Z', 'phucxa', 'report.state', '00001', 2025, 'draft', 'submitted', NULL)",
    "INSERT INTO audit_events (at, actor, action, org_unit_code, year, old_value, new_value, reason) VALUES ('2025-11-29T01:00:00.000Z', 'chuyenvien', 'report.state', '00001', 2025, 'submitted', 'returned', 'Kiểm tra lại')",
    "INSERT INTO audit_events (at, actor, action, org_unit_code, year, old_value, new_value, reason) VALUES ('2025-11-30T01:00:00.000Z', 'admin', 'deadline.extend', '00001', 2025, NULL, '2025-12-20', 'Thay cán bộ')",
    "INSERT INTO audit_events (at, actor, action, org_unit_code, year, old_value, new_value, reason) VALUES ('2025-12-01T01:00:00.000Z', 'phucxa', 'report.state', '00001', 2025, 'returned', 'submitted', NULL)",
    "INSERT INTO audit_events (at, actor, action, org_unit_code, year, old_value, new_value, reason) VALUES ('2025-12-03T01:00:00.000Z', 'chuyenvien', 'report.state', '00001', 2025, 'submitted', 'approved', 'Số liệu khớp')",
    "INSERT INTO audit_events (at, actor, action, reason) VALUES ('2025-12-04T01:00:00.000Z', 'dữ liệu mẫu', 'sample.generate', 'Dữ liệu mẫu')",
];

/// The audit rows of [`PREVIOUS_RELEASE_ROWS`].
const PREVIOUS_RELEASE_AUDIT_ROWS: u64 = 13;

#[tokio::test]
async fn a_database_of_the_previous_release_opens_with_its_figures_and_trail() {
    let plan = plan::builtin();
    for store in test_support::stores_at("schema_previous_release", 4).await {
        let b = store.backend();
        install_as_previous_release(&store, &plan).await;
        for sql in PREVIOUS_RELEASE_ROWS {
            test_support::execute(&store, sql).await;
        }
        test_support::upgrade(&store).await.unwrap();

        // The old trail is chained once, as it stands, with an event saying
        // so; the check passes, official figures included (replayed from
        // the old value changes and approval).
        let report = store.verify_audit().await.unwrap();
        assert!(report.is_intact(), "{b:?}: {report:?}");
        assert_eq!(report.events, PREVIOUS_RELEASE_AUDIT_ROWS + 1, "{b:?}");
        assert_eq!(report.values.checked_reports, 1, "{b:?}");
        let sealed = store.audit_trail().await.unwrap().pop().unwrap();
        assert!(
            matches!(sealed.event.change, Change::AuditSealed { events, .. } if events == PREVIOUS_RELEASE_AUDIT_ROWS),
            "{b:?}: {sealed:?}"
        );
        // Opening again seals nothing more.
        test_support::upgrade(&store).await.unwrap();
        assert_eq!(store.audit_count().await.unwrap() as u64, report.events, "{b:?}");

        // Figures kept.
        let official = store.approved_values(&plan, 2025).await.unwrap();
        assert_eq!(official.get("00001", "pop_15_60"), Some(&DataValue::Number(9000.0)));
        assert_eq!(
            official.get("00001", "literate_15_60"),
            Some(&DataValue::Number(8990.5))
        );
        assert_eq!(
            official.get("00001", "literacy_level"),
            Some(&DataValue::Status("level_2".into()))
        );
        assert_eq!(store.reports(2025).await.unwrap()[0].state, ReportState::Approved);
        assert_eq!(
            store.narratives("00001", 2025).await.unwrap(),
            vec![((1, NarrativeKind::Results), "Mở 3 lớp".to_string())]
        );
        assert!(store.is_sample().await.unwrap(), "the old sample marker still counts");
        let user = store.users().await.unwrap().pop().unwrap();
        assert_eq!(user.role, Role::Reporter);

        // The old trail reads back typed, nothing unrecognised.
        let trail = store.audit_events("00001", 2025).await.unwrap();
        let changes: Vec<Change> = trail.iter().map(|e| e.event.change.clone()).collect();
        assert_eq!(
            changes,
            [
                Change::ValueSet {
                    element: "pop_15_60".into(),
                    old: None,
                    new: Some(Recorded::Number(9000.0)),
                },
                Change::ValueSet {
                    element: "literate_15_60".into(),
                    old: Some(Recorded::Number(8000.0)),
                    new: Some(Recorded::Number(8990.5)),
                },
                Change::ValueSet {
                    element: "literacy_level".into(),
                    old: None,
                    new: Some(Recorded::Text("level_2".into())),
                },
                Change::NarrativeSet {
                    task_group: 1,
                    narrative: NarrativeKind::Results,
                    old: None,
                    new: "Mở 3 lớp".into(),
                },
                Change::ExplanationSet {
                    old: None,
                    new: "Theo điều tra".into(),
                },
                Change::Submitted {
                    from: ReportState::Draft,
                },
                Change::Returned {
                    reason: "Kiểm tra lại".into(),
                },
                Change::DeadlineExtended {
                    old: None,
                    due: "2025-12-20".parse().unwrap(),
                    reason: "Thay cán bộ".into(),
                },
                Change::Submitted {
                    from: ReportState::Returned,
                },
                Change::Approved,
            ],
            "{b:?}"
        );
        assert_eq!(trail.last().unwrap().event.why(), Some("Số liệu khớp"));
        let all = store.audit_trail().await.unwrap();
        assert!(
            all.iter()
                .all(|e| !matches!(e.event.change, Change::Unrecognised { .. })),
            "{b:?}: {all:?}"
        );
        assert!(all.iter().any(|e| e.event.change
            == Change::UserCreated {
                username: "phucxa".into(),
                role: Role::Reporter
            }));

        // The new release works on top: a reopening is recorded typed, after the old events.
        let reopen = Stamp::now("chuyenvien").with_reason("Bổ sung");
        store
            .change_state(
                &reopen,
                &plan,
                "00001",
                2025,
                &[ReportState::Approved],
                ReportState::Returned,
            )
            .await
            .unwrap();
        let last = store.audit_events("00001", 2025).await.unwrap().pop().unwrap();
        assert_eq!(
            last.event.change,
            Change::Reopened {
                reason: "Bổ sung".into()
            }
        );
        assert!(last.id > trail.last().unwrap().id);
        assert!(
            store.verify_audit().await.unwrap().is_intact(),
            "{b:?}: new events link to the sealed ones"
        );
        // Reopening keeps the official figures until a new approval.
        assert_eq!(
            store
                .approved_values(&plan, 2025)
                .await
                .unwrap()
                .get("00001", "pop_15_60"),
            Some(&DataValue::Number(9000.0))
        );
    }
}
