//! What a report page reads in few queries, on both databases: a unit's
//! working and last year's approved values together, and a page of its
//! history with the total, the actors' names and the latest workflow move;
//! and a save sends only what changed, one audit event per change, in order.

use std::future::Future;

use xhht_domain::access::Role;
use xhht_domain::audit::Change;
use xhht_domain::narrative::NarrativeKind;
use xhht_domain::plan::{self, BUILTIN_BA_DINH};
use xhht_domain::values::{DataValue, YearValues};
use xhht_domain::workflow::ReportState::*;
use xhht_storage::{FormChanges, NewUser, ReportSheet, Stamp, Store, test_support};

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
async fn form_values_are_the_units_own_draft_and_last_years_approved() {
    for (store, plan) in with_plan("form_reads_values").await {
        let b = store.backend();
        let mut last = YearValues::default();
        last.set("00001", "pop_15_60", DataValue::Number(900.0));
        last.set("00004", "pop_15_60", DataValue::Number(5.0));
        store
            .import_approved_year(&Stamp::now("test"), &plan, 2025, &last)
            .await
            .unwrap();
        let stamp = Stamp::now("test");
        store
            .save_values(&stamp, "00001", 2026, &[("pop_15_60".into(), n(1000.0))])
            .await
            .unwrap();
        store
            .save_values(&stamp, "00004", 2026, &[("pop_15_60".into(), n(7.0))])
            .await
            .unwrap();
        let (working, prev) = store
            .form_values(
                &plan,
                "00001",
                2026,
                store.report("00001", 2026).await.unwrap().map(|r| r.state),
            )
            .await
            .unwrap();
        assert_eq!(working.get("pop_15_60"), Some(&DataValue::Number(1000.0)), "{b:?}");
        assert_eq!(working.len(), 1, "{b:?}");
        assert_eq!(prev.get("pop_15_60"), Some(&DataValue::Number(900.0)), "{b:?}");
        assert_eq!(prev.len(), 1, "{b:?}");
        // Last year's drafts are not the baseline; a unit with nothing has nothing.
        let (working, prev) = store
            .form_values(
                &plan,
                "00006",
                2026,
                store.report("00006", 2026).await.unwrap().map(|r| r.state),
            )
            .await
            .unwrap();
        assert!(working.is_empty() && prev.is_empty(), "{b:?}");
    }
}

#[tokio::test]
async fn an_import_approves_only_its_own_units() {
    for (store, plan) in with_plan("form_reads_import").await {
        let b = store.backend();
        // A draft of another unit in the year being imported stays a draft.
        store
            .save_values(&Stamp::now("test"), "00006", 2024, &[("pop_15_60".into(), n(42.0))])
            .await
            .unwrap();
        let mut year = YearValues::default();
        year.set("00001", "pop_15_60", DataValue::Number(900.0));
        year.set("00004", "literate_15_60", DataValue::Number(80.0));
        let imported = store
            .import_approved_year(&Stamp::now("test"), &plan, 2024, &year)
            .await
            .unwrap();
        assert_eq!(imported, 2, "{b:?}");
        let approved = store.approved_values(&plan, 2024).await.unwrap();
        let mut units: Vec<&String> = approved.units.keys().collect();
        units.sort();
        assert_eq!(units, ["00001", "00004"], "{b:?}");
        assert_eq!(
            approved.unit("00004").unwrap().get("literate_15_60"),
            Some(&DataValue::Number(80.0))
        );
        let draft = store.report("00006", 2024).await.unwrap().expect("the draft");
        assert_eq!(draft.state, Draft, "{b:?}");
    }
}

#[tokio::test]
async fn a_trail_page_carries_its_total_names_and_last_move() {
    for (store, plan) in with_plan("form_reads_trail").await {
        let b = store.backend();
        let reporter = NewUser {
            username: "phuc-xa",
            display_name: "Cán bộ Phúc Xá",
            password: "mật khẩu dài",
            role: Role::Reporter,
            org_unit: "00001",
            must_change_password: false,
        };
        store.create_user(&Stamp::now("admin"), &reporter).await.unwrap();
        let stamp = Stamp::now("phuc-xa");
        // One save of three figures: three events, in the order sent.
        let three = [("pop_15_60", 1000.0), ("literate_15_60", 990.0), ("pop_15_plus", 400.0)];
        let changes: Vec<(String, Option<DataValue>)> = three.iter().map(|(e, v)| (e.to_string(), n(*v))).collect();
        assert_eq!(store.save_values(&stamp, "00001", 2026, &changes).await.unwrap(), 3);
        store
            .change_state(&stamp, &plan, "00001", 2026, &[Draft], Submitted)
            .await
            .unwrap();
        let back = Stamp::now("chuyen-vien").with_reason("Thiếu số liệu");
        store
            .change_state(&back, &plan, "00001", 2026, &[Submitted], Returned)
            .await
            .unwrap();
        // A later save: the return is no longer the newest event.
        store
            .save_values(&stamp, "00001", 2026, &[("pop_15_60".into(), n(1001.0))])
            .await
            .unwrap();

        let page = store.report_trail("00001", 2026, 0, 2, true).await.unwrap();
        assert_eq!(page.total, 6, "{b:?}");
        assert_eq!(page.events.len(), 2, "{b:?}");
        assert!(page.events[0].id > page.events[1].id, "newest first on {b:?}");
        let moved = page.last_move.expect("the return");
        assert!(
            matches!(moved.event.change, Change::Returned { .. }),
            "{:?}",
            moved.event.change
        );
        assert_eq!(moved.event.actor, "chuyen-vien");
        assert_eq!(page.names.get("phuc-xa").map(String::as_str), Some("Cán bộ Phúc Xá"));
        assert!(!page.names.contains_key("chuyen-vien"), "no such account on {b:?}");

        // The oldest page holds the three values as sent.
        let oldest = store.report_trail("00001", 2026, 3, 3, true).await.unwrap();
        let elements: Vec<String> = oldest
            .events
            .iter()
            .rev()
            .map(|e| match &e.event.change {
                Change::ValueSet { element, .. } => element.clone(),
                other => panic!("{other:?} on {b:?}"),
            })
            .collect();
        assert_eq!(elements, ["pop_15_60", "literate_15_60", "pop_15_plus"], "{b:?}");
        // Past the end: no events, the total still known.
        let past = store.report_trail("00001", 2026, 40, 20, true).await.unwrap();
        assert!(past.events.is_empty(), "{b:?}");
        assert_eq!(past.total, 6, "{b:?}");
        // The return is found whatever the page holds: read apart when the
        // page holds no move (the newest save alone, the oldest page, past
        // the end), taken from the page when it does.
        let newest = store.report_trail("00001", 2026, 0, 1, true).await.unwrap();
        for (what, page) in [
            ("the newest event alone", &newest),
            ("the oldest page", &oldest),
            ("past the end", &past),
        ] {
            let moved = page
                .last_move
                .as_ref()
                .unwrap_or_else(|| panic!("{what} on {b:?}: no last move"));
            assert!(matches!(moved.event.change, Change::Returned { .. }), "{what} on {b:?}");
        }
        // Not asked for, it is not there, on any page.
        for (offset, limit) in [(0, 1), (0, 2), (0, 50), (3, 3)] {
            let page = store.report_trail("00001", 2026, offset, limit, false).await.unwrap();
            assert!(page.last_move.is_none(), "{offset}+{limit} on {b:?}");
            assert_eq!(page.total, 6, "{b:?}");
        }
        let whole = store.report_trail("00001", 2026, 0, 50, true).await.unwrap();
        let moved = whole.last_move.expect("the return on the whole trail's page");
        assert_eq!(moved.event.actor, "chuyen-vien", "{b:?}");
        // A report never moved has no last move, on its whole trail's page or not.
        store
            .save_values(
                &stamp,
                "00001",
                2027,
                &[("pop_15_60".into(), n(5.0)), ("pop_15_plus".into(), n(2.0))],
            )
            .await
            .unwrap();
        for limit in [1, 50] {
            let page = store.report_trail("00001", 2027, 0, limit, true).await.unwrap();
            assert_eq!(page.total, 2, "{b:?}");
            assert!(page.last_move.is_none(), "limit {limit} on {b:?}: {:?}", page.last_move);
        }
        let check = store.verify_audit().await.unwrap();
        assert!(check.chain_break.is_none(), "{:?} on {b:?}", check.chain_break);
        assert_eq!(check.chained, check.events, "the batched events chain on {b:?}");
    }
}

/// The report and the unit's own deadline come together, each present or
/// not on its own, and only the unit's and year's.
#[tokio::test]
async fn a_report_and_its_extension_are_read_together() {
    for (store, _plan) in with_plan("form_reads_report_extension").await {
        let b = store.backend();
        let stamp = Stamp::now("test");
        assert_eq!(
            store.report_with_extension("00001", 2026).await.unwrap(),
            (None, None),
            "{b:?}"
        );
        store
            .save_values(&stamp, "00001", 2026, &[("pop_15_60".into(), n(10.0))])
            .await
            .unwrap();
        let due = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        store
            .extend_deadline(&stamp, "00004", 2026, due, "Thay cán bộ")
            .await
            .unwrap();
        let (report, ext) = store.report_with_extension("00001", 2026).await.unwrap();
        assert_eq!(
            report.map(|r| (r.org_unit, r.year, r.state)),
            Some(("00001".into(), 2026, Draft)),
            "{b:?}"
        );
        assert_eq!(ext, None, "{b:?}");
        assert_eq!(
            store.report_with_extension("00004", 2026).await.unwrap(),
            (None, Some(due)),
            "{b:?}"
        );
        assert_eq!(
            store.report_with_extension("00004", 2025).await.unwrap(),
            (None, None),
            "{b:?}"
        );
        store
            .extend_deadline(&stamp, "00001", 2026, due, "Thay cán bộ")
            .await
            .unwrap();
        let (report, ext) = store.report_with_extension("00001", 2026).await.unwrap();
        assert_eq!((report.map(|r| r.state), ext), (Some(Draft), Some(due)), "{b:?}");
    }
}

/// A report page's head in one read: the report, the unit's own deadline
/// and every narrative of the unit's year (none of another unit's or
/// year's), each present or not on its own, as the separate reads give them.
#[tokio::test]
async fn a_report_sheet_holds_the_report_its_deadline_and_narratives() {
    for (store, _plan) in with_plan("form_reads_report_sheet").await {
        let b = store.backend();
        let stamp = Stamp::now("test");
        assert_eq!(
            store.report_sheet("00001", 2026).await.unwrap(),
            ReportSheet::default(),
            "{b:?}"
        );
        let texts = |unit: &str| {
            vec![
                ((2, NarrativeKind::Results), format!("Kết quả nhóm 2 của {unit}")),
                ((1, NarrativeKind::Proposals), format!("Đề xuất nhóm 1 của {unit}")),
                ((1, NarrativeKind::Difficulties), format!("Khó khăn nhóm 1 của {unit}")),
            ]
        };
        for (unit, year) in [("00001", 2026), ("00004", 2026), ("00001", 2025)] {
            let form = FormChanges {
                values: vec![("pop_15_60".into(), n(10.0))],
                narratives: texts(&format!("{unit}/{year}")),
                explanation: None,
            };
            store.save_form(&stamp, unit, year, &form).await.unwrap();
        }
        let due = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        store
            .extend_deadline(&stamp, "00004", 2026, due, "Thay cán bộ")
            .await
            .unwrap();

        let sheet = store.report_sheet("00001", 2026).await.unwrap();
        assert_eq!(sheet.report.as_ref().map(|r| r.state), Some(Draft), "{b:?}");
        assert_eq!(sheet.extension, None, "{b:?}");
        assert_eq!(
            sheet.narratives,
            store.narratives("00001", 2026).await.unwrap(),
            "{b:?}"
        );
        let mut expected = texts("00001/2026");
        expected.sort();
        let mut got = sheet.narratives.clone();
        got.sort();
        assert_eq!(got, expected, "{b:?}");
        let other = store.report_sheet("00004", 2026).await.unwrap();
        assert_eq!(
            (
                other.report.map(|r| r.org_unit),
                other.extension,
                other.narratives.len()
            ),
            (Some("00004".to_string()), Some(due), 3),
            "{b:?}"
        );
        // A deadline with no report and no narrative.
        store
            .extend_deadline(&stamp, "00008", 2026, due, "Thay cán bộ")
            .await
            .unwrap();
        let alone = store.report_sheet("00008", 2026).await.unwrap();
        assert_eq!(
            (alone.report, alone.extension, alone.narratives),
            (None, Some(due), vec![]),
            "{b:?}"
        );
    }
}

/// A save whose caller is dropped once it has started (the reporter closed
/// the page, the connection broke) still goes to its end: the figure is
/// saved with its event, and the next save finds the turn free. Before the
/// write thread, dropping the request rolled the save back.
#[tokio::test]
async fn a_save_dropped_by_its_caller_still_completes() {
    for (store, _plan) in with_plan("form_reads_dropped_save").await {
        let b = store.backend();
        let stamp = Stamp::now("test");
        let changes = [("pop_15_60".to_string(), n(321.0))];
        let save = store.save_values(&stamp, "00001", 2026, &changes);
        // Started, then dropped: one poll hands it to the write thread.
        let mut save = Box::pin(save);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let _ = save.as_mut().poll(&mut cx);
        drop(save);
        let mut saved = None;
        for _ in 0..500 {
            let (working, _) = store
                .form_values(
                    &plan::builtin(),
                    "00001",
                    2026,
                    store.report("00001", 2026).await.unwrap().map(|r| r.state),
                )
                .await
                .unwrap();
            saved = working.get("pop_15_60").cloned();
            if saved.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(saved, Some(DataValue::Number(321.0)), "{b:?}: the save was cut short");
        store
            .save_values(&stamp, "00001", 2026, &[("pop_15_60".into(), n(322.0))])
            .await
            .unwrap();
        let events = store.audit_events("00001", 2026).await.unwrap();
        assert_eq!(events.len(), 2, "{b:?}: one event per save");
    }
}

/// A page's reads on one connection give what the store's reads give, each
/// on a connection of its own: the head, both years' values and the trail,
/// past its last page too (the count read again on the same connection).
#[tokio::test]
async fn one_reader_reads_a_form_as_the_store_does() {
    for (store, plan) in with_plan("form_reads_one_reader").await {
        let b = store.backend();
        let stamp = Stamp::now("test");
        for v in [5.0, 6.0, 7.0] {
            let form = FormChanges {
                values: vec![("pop_15_60".into(), n(v))],
                narratives: vec![((1, NarrativeKind::Results), format!("Lần {v}"))],
                explanation: None,
            };
            store.save_form(&stamp, "00001", 2026, &form).await.unwrap();
        }
        // The store's reads first: nothing waits for a connection while a
        // reader holds one.
        let sheet = store.report_sheet("00001", 2026).await.unwrap();
        let state = sheet.report.as_ref().map(|r| r.state);
        let values = store.form_values(&plan, "00001", 2026, state).await.unwrap();
        let pages = [(0, 2), (2, 2), (40, 20)];
        let mut trail = Vec::new();
        for (offset, limit) in pages {
            trail.push(store.report_trail("00001", 2026, offset, limit, true).await.unwrap());
        }
        let mut reader = store.reader().await.unwrap();
        assert_eq!(reader.report_sheet("00001", 2026).await.unwrap(), sheet, "{b:?}");
        let read = reader.form_values(&plan, "00001", 2026, state).await.unwrap();
        assert_eq!(read.0.get("pop_15_60"), n(7.0).as_ref(), "{b:?}");
        assert_eq!(read, values, "{b:?}");
        for ((offset, limit), expected) in pages.into_iter().zip(trail) {
            assert_eq!(
                reader.report_trail("00001", 2026, offset, limit, true).await.unwrap(),
                expected,
                "{b:?}: page at {offset}"
            );
        }
        assert_eq!(
            reader.report_trail("00001", 2026, 40, 20, false).await.unwrap().total,
            6,
            "{b:?}: three saves of a figure and a narrative"
        );
    }
}
