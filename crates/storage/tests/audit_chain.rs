//! The hash-chained audit trail on SQLite and PostgreSQL: an untouched
//! trail passes `verify_audit`; an audit row edited, deleted or inserted
//! with plain SQL, or an official value changed in its table, is named.

use xhht_domain::audit::Change;
use xhht_domain::audit::chain::Break;
use xhht_domain::plan::{self, BUILTIN_BA_DINH};
use xhht_domain::values::DataValue;
use xhht_domain::workflow::ReportState::*;
use xhht_storage::{AuditEvent, Stamp, Store, test_support};

fn n(x: f64) -> Option<DataValue> {
    Some(DataValue::Number(x))
}

/// Two wards report and are approved; one is reopened and edited again
/// (its working copy then differs from its official values).
async fn story(name: &str) -> Vec<(Store, plan::Plan)> {
    let mut out = Vec::new();
    for store in test_support::stores(name).await {
        let plan = plan::builtin();
        let store = store
            .install_plan(&plan, BUILTIN_BA_DINH, &Stamp::now("admin"))
            .await
            .unwrap();
        for (unit, pop) in [("00001", 1000.0), ("00004", 2000.0)] {
            let stamp = Stamp::now(format!("can-bo-{unit}"));
            let values = [
                ("pop_15_60".to_string(), n(pop)),
                ("literate_15_60".to_string(), n(pop - 10.0)),
            ];
            store.save_values(&stamp, unit, 2026, &values).await.unwrap();
            store
                .change_state(&stamp, &plan, unit, 2026, &[Draft], Submitted)
                .await
                .unwrap();
            store
                .change_state(&Stamp::now("chuyen-vien"), &plan, unit, 2026, &[Submitted], Approved)
                .await
                .unwrap();
        }
        let reopen = Stamp::now("chuyen-vien").with_reason("Bổ sung");
        store
            .change_state(&reopen, &plan, "00004", 2026, &[Approved], Returned)
            .await
            .unwrap();
        store
            .save_values(
                &Stamp::now("can-bo-00004"),
                "00004",
                2026,
                &[("pop_15_60".into(), n(2100.0))],
            )
            .await
            .unwrap();
        out.push((store, plan));
    }
    out
}

async fn trail(store: &Store) -> Vec<AuditEvent> {
    store.audit_trail().await.unwrap()
}

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The first value change of unit 00001.
fn value_event(events: &[AuditEvent]) -> &AuditEvent {
    events
        .iter()
        .find(|e| e.event.unit.as_deref() == Some("00001") && matches!(e.event.change, Change::ValueSet { .. }))
        .expect("a value change")
}

#[tokio::test]
async fn an_untouched_trail_passes() {
    for (store, _) in story("audit_chain_untouched").await {
        let b = store.backend();
        let report = store.verify_audit().await.unwrap();
        assert!(report.is_intact(), "{b:?}: {report:?}");
        assert_eq!(report.events as i64, store.audit_count().await.unwrap(), "{b:?}");
        assert_eq!(report.chained, report.events);
        assert_eq!(
            report.values.checked_reports, 2,
            "{b:?}: both approved reports replayed"
        );
        assert_eq!(report.problem(), None);
    }
}

#[tokio::test]
async fn an_edited_audit_row_is_named_by_its_id() {
    for (store, _) in story("audit_chain_edited").await {
        let b = store.backend();
        let events = trail(&store).await;
        let target = value_event(&events).clone();
        let payload = serde_json::to_string(&target.event.change).unwrap();
        let id = target.id;
        let edits = [
            (
                format!(
                    "UPDATE audit_events SET payload = {} WHERE id = {id}",
                    q(&payload.replace("1000", "1001"))
                ),
                format!("UPDATE audit_events SET payload = {} WHERE id = {id}", q(&payload)),
            ),
            (
                format!("UPDATE audit_events SET actor = 'ke-gian' WHERE id = {id}"),
                format!(
                    "UPDATE audit_events SET actor = {} WHERE id = {id}",
                    q(&target.event.actor)
                ),
            ),
            (
                format!("UPDATE audit_events SET at = '2020-01-01T00:00:00.000Z' WHERE id = {id}"),
                format!("UPDATE audit_events SET at = {} WHERE id = {id}", q(&target.event.at)),
            ),
        ];
        for (edit, undo) in edits {
            test_support::execute(&store, &edit).await;
            let report = store.verify_audit().await.unwrap();
            let broken = report.chain_break.clone().expect(&edit);
            assert_eq!(broken.event_id(), Some(id), "{b:?}: {edit}: {broken:?}");
            assert!(matches!(broken, Break::Content { .. }), "{b:?}: {broken:?}");
            let message = report.problem().unwrap();
            assert!(message.contains(&format!("#{id}")), "{message}");
            test_support::execute(&store, &undo).await;
            assert!(store.verify_audit().await.unwrap().is_intact(), "{b:?}: undone {edit}");
        }
    }
}

#[tokio::test]
async fn a_deleted_or_inserted_audit_row_is_named() {
    for (store, _) in story("audit_chain_deleted").await {
        let b = store.backend();
        let events = trail(&store).await;
        let middle = events.len() / 2;
        let (gone, next) = (events[middle].id, events[middle + 1].id);
        test_support::execute(&store, &format!("DELETE FROM audit_events WHERE id = {gone}")).await;
        let report = store.verify_audit().await.unwrap();
        let broken = report.chain_break.clone().unwrap();
        assert!(
            matches!(broken, Break::Gap { id, .. } if id == next),
            "{b:?}: {broken:?}"
        );
        assert!(report.problem().unwrap().contains(&format!("#{next}")));
    }
}

#[tokio::test]
async fn deleting_the_last_row_or_adding_one_beside_the_chain_is_seen() {
    for (store, _) in story("audit_chain_tail").await {
        let b = store.backend();
        let last = trail(&store).await.pop().unwrap().id;
        test_support::execute(&store, &format!("DELETE FROM audit_events WHERE id = {last}")).await;
        let broken = store.verify_audit().await.unwrap().chain_break.unwrap();
        assert!(matches!(broken, Break::Truncated { .. }), "{b:?}: {broken:?}");
    }
    for (store, _) in story("audit_chain_inserted").await {
        let b = store.backend();
        test_support::execute(
            &store,
            "INSERT INTO audit_events (at, actor, action, reason) VALUES ('2026-12-01T00:00:00.000Z', 'ke-gian', 'approved', NULL)",
        )
        .await;
        let forged = trail(&store).await.pop().unwrap().id;
        let broken = store.verify_audit().await.unwrap().chain_break.unwrap();
        assert_eq!(broken, Break::Unchained { id: forged }, "{b:?}");
    }
}

#[tokio::test]
async fn an_official_value_changed_in_its_table_is_named() {
    for (store, _) in story("audit_chain_values").await {
        let b = store.backend();
        let where_ = "org_unit_code = '00004' AND year = 2026 AND element_code = 'pop_15_60'";
        test_support::execute(
            &store,
            &format!("UPDATE approved_values SET value_num = 2100 WHERE {where_}"),
        )
        .await;
        let report = store.verify_audit().await.unwrap();
        assert_eq!(report.chain_break, None, "{b:?}: the trail itself is intact");
        let m = report.values.mismatch.clone().expect("the edited figure");
        assert_eq!(
            (m.unit.as_str(), m.year, m.element.as_str()),
            ("00004", 2026, "pop_15_60"),
            "{b:?}"
        );
        let message = report.problem().unwrap();
        assert!(
            message.contains("00004") && message.contains("pop_15_60") && message.contains("2000"),
            "{message}"
        );
        test_support::execute(
            &store,
            &format!("UPDATE approved_values SET value_num = 2000 WHERE {where_}"),
        )
        .await;
        assert!(store.verify_audit().await.unwrap().is_intact(), "{b:?}");

        // A figure removed from the official table is named too.
        test_support::execute(
            &store,
            "DELETE FROM approved_values WHERE org_unit_code = '00001' AND element_code = 'literate_15_60'",
        )
        .await;
        let m = store.verify_audit().await.unwrap().values.mismatch.unwrap();
        assert_eq!(
            (m.unit.as_str(), m.element.as_str(), m.found),
            ("00001", "literate_15_60", None)
        );
    }
}

/// Writers racing on one database append one after the other: the chain
/// stays one line.
#[tokio::test]
async fn concurrent_writers_do_not_fork_the_chain() {
    for (store, plan) in story("audit_chain_concurrent").await {
        let b = store.backend();
        let mut tasks = Vec::new();
        for (i, unit) in ["00006", "00007", "00008", "00010"].into_iter().enumerate() {
            let store = store.clone();
            let plan = plan.clone();
            tasks.push(tokio::spawn(async move {
                for k in 0..5 {
                    let v = [("pop_15_60".to_string(), n((i * 100 + k) as f64 + 1.0))];
                    store.save_values(&Stamp::now(unit), unit, 2026, &v).await.unwrap();
                }
                store
                    .change_state(&Stamp::now(unit), &plan, unit, 2026, &[Draft], Submitted)
                    .await
                    .unwrap();
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let report = store.verify_audit().await.unwrap();
        assert!(report.is_intact(), "{b:?}: {report:?}");
    }
}
