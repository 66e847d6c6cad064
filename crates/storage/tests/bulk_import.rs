//! The bulk path (`import_approved_year`: COPY on PostgreSQL, multi-row
//! INSERTs on SQLite) stores every value exactly as given, on both
//! databases: text with quotes, commas, line breaks and backslashes, the
//! empty text apart from no text, numbers that must read back bit for bit;
//! and more rows than one SQLite INSERT holds. The roll-ups it leaves equal
//! a fresh computation.

use xhht_domain::plan;
use xhht_domain::values::{DataValue, YearValues};
use xhht_storage::{Stamp, test_support};

/// The dated fixture with a free-text element added.
fn plan_text() -> String {
    let base = include_str!("fixtures/dated-merge-split.toml");
    let note = "[[data_elements]]\ncode = \"note\"\nname = \"Ghi chú\"\nvalue_type = \"text\"\nunit = \"\"\ngroup = \"a\"\nreported_by = [\"residential_group\"]\n\n";
    base.replacen("[[indicators]]", &format!("{note}[[indicators]]"), 1)
}

const TEXTS: [&str; 6] = [
    "Tổ dân phố \"mẫu\", có dấu phẩy",
    "hai dòng\nthứ hai\r\nthứ ba",
    "gạch chéo \\N \\x00 và \\\\",
    "",
    "\"",
    ",,,",
];

const NUMBERS: [f64; 6] = [0.1 + 0.2, 1e-7, 123_456_789.0, 0.0, 2.5e15, 99.33126097724083];

#[tokio::test]
async fn bulk_import_keeps_every_value_exactly() {
    let text = plan_text();
    let plan = plan::load(&text).unwrap();
    for store in test_support::stores("bulk_import").await {
        let store = store.install_plan(&plan, &text, &Stamp::now("kiểm thử")).await.unwrap();
        let stamp = Stamp::now("kiểm thử");
        let mut year = YearValues::default();
        let units: Vec<&str> = ["A1", "A3", "B1", "C0"].into();
        for (i, unit) in units.iter().enumerate() {
            year.set(unit, "pop", DataValue::Number(1_000.0 + i as f64));
            year.set(unit, "lit", DataValue::Number(NUMBERS[i]));
            year.set(unit, "note", DataValue::Text(TEXTS[i].to_string()));
        }
        let n = store.import_approved_year(&stamp, &plan, 2024, &year).await.unwrap();
        assert_eq!(n, 12, "{:?}", store.backend());
        let back = store.approved_values(&plan, 2024).await.unwrap();
        for (i, unit) in units.iter().enumerate() {
            let got = back.unit(unit).unwrap();
            assert_eq!(
                got.get("lit"),
                Some(&DataValue::Number(NUMBERS[i])),
                "{unit} on {:?}",
                store.backend()
            );
            assert_eq!(
                got.get("note"),
                Some(&DataValue::Text(TEXTS[i].to_string())),
                "{unit} on {:?}",
                store.backend()
            );
            let working = store.working_values(&plan, unit, 2024).await.unwrap();
            assert_eq!(&working, got, "entered = approved for {unit}");
        }
        let rows = store.reports(2024).await.unwrap();
        assert_eq!(rows.len(), units.len());
        // A bulk import leaves the roll-ups to one rebuild at the end.
        store.rebuild_rollups(&plan).await.unwrap();
        test_support::assert_rollups_consistent(&store, &plan, 2024..=2024, "after a bulk import").await;
    }
}

#[tokio::test]
async fn bulk_import_beyond_one_insert() {
    // More rows than one SQLite INSERT takes (32,000 parameters, 4,000
    // rows of 8): 1,500 groups of three values each; the chunks join up.
    let groups: String = (0..1_500)
        .map(|i| format!("[[org_units]]\ncode = \"X{i:05}\"\ntype = \"residential_group\"\nname = \"Tổ X{i}\"\nparent = \"B\"\n\n"))
        .collect();
    let text = plan_text().replacen("[[target_groups]]", &format!("{groups}[[target_groups]]"), 1);
    let plan = plan::load(&text).unwrap();
    for store in test_support::stores("bulk_import_many").await {
        let store = store.install_plan(&plan, &text, &Stamp::now("kiểm thử")).await.unwrap();
        let mut year = YearValues::default();
        for i in 0..1_500 {
            let unit = format!("X{i:05}");
            year.set(&unit, "pop", DataValue::Number(f64::from(i)));
            year.set(&unit, "lit", DataValue::Number(f64::from(i) / 2.0));
            year.set(&unit, "note", DataValue::Text(format!("dòng {i}, \"số\" {i}")));
        }
        let n = store
            .import_approved_year(&Stamp::now("kiểm thử"), &plan, 2025, &year)
            .await
            .unwrap();
        assert_eq!(n, 4_500);
        let back = store.approved_values(&plan, 2025).await.unwrap();
        assert_eq!(back.units.len(), 1_500, "{:?}", store.backend());
        let values: usize = back.units.values().map(|u| u.len()).sum();
        assert_eq!(values, 4_500, "{:?}", store.backend());
        assert_eq!(
            back.unit("X01499").unwrap().get("note"),
            Some(&DataValue::Text("dòng 1499, \"số\" 1499".into()))
        );
        assert_eq!(store.reports(2025).await.unwrap().len(), 1_500);
    }
}

/// A report imported as approved has one copy of its values, the approved
/// one, which is also its working copy until it is reopened: then the
/// working copy is made from it, edited on its own, and a new approval
/// replaces the official figures, on both databases.
#[tokio::test]
async fn an_imported_report_reopened_is_edited_on_its_own_copy() {
    use xhht_domain::workflow::ReportState::*;
    let text = plan_text();
    let plan = plan::load(&text).unwrap();
    for store in test_support::stores("bulk_import_reopen").await {
        let b = store.backend();
        let store = store.install_plan(&plan, &text, &Stamp::now("kiểm thử")).await.unwrap();
        let stamp = Stamp::now("kiểm thử").with_reason("Sửa số liệu nhập sai");
        let mut year = YearValues::default();
        year.set("A1", "pop", DataValue::Number(1_000.0));
        year.set("A1", "note", DataValue::Text("ghi chú cũ".into()));
        year.set("A3", "pop", DataValue::Number(700.0));
        store.import_approved_year(&stamp, &plan, 2024, &year).await.unwrap();
        let imported = year.unit("A1").unwrap().clone();
        assert_eq!(
            store.working_values(&plan, "A1", 2024).await.unwrap(),
            imported,
            "{b:?}"
        );
        let (working, _) = store
            .form_values(
                &plan,
                "A1",
                2024,
                store.report("A1", 2024).await.unwrap().map(|r| r.state),
            )
            .await
            .unwrap();
        assert_eq!(working, imported, "{b:?}: the form shows the imported values");

        store
            .change_state(&stamp, &plan, "A1", 2024, &[Approved], Returned)
            .await
            .unwrap();
        assert_eq!(
            store.working_values(&plan, "A1", 2024).await.unwrap(),
            imported,
            "{b:?}: reopened"
        );
        store
            .save_values(&stamp, "A1", 2024, &[("pop".into(), Some(DataValue::Number(1_050.0)))])
            .await
            .unwrap();
        let edited = store.working_values(&plan, "A1", 2024).await.unwrap();
        assert_eq!(edited.get("pop"), Some(&DataValue::Number(1_050.0)), "{b:?}");
        assert_eq!(edited.get("note"), imported.get("note"), "{b:?}: the rest kept");
        let official = store.approved_values(&plan, 2024).await.unwrap();
        assert_eq!(
            official.unit("A1"),
            Some(&imported),
            "{b:?}: official until approved again"
        );
        let (working, _) = store
            .form_values(
                &plan,
                "A1",
                2024,
                store.report("A1", 2024).await.unwrap().map(|r| r.state),
            )
            .await
            .unwrap();
        assert_eq!(working, edited, "{b:?}: the form shows the edit");

        store
            .change_state(&stamp, &plan, "A1", 2024, &[Returned], Submitted)
            .await
            .unwrap();
        store
            .change_state(&stamp, &plan, "A1", 2024, &[Submitted], Approved)
            .await
            .unwrap();
        let official = store.approved_values(&plan, 2024).await.unwrap();
        assert_eq!(official.unit("A1"), Some(&edited), "{b:?}");
        assert_eq!(official.unit("A3"), year.unit("A3"), "{b:?}: another unit untouched");
        assert_eq!(store.working_values(&plan, "A1", 2024).await.unwrap(), edited, "{b:?}");
        // Reopened again, the working copy lacks nothing and gains nothing.
        store
            .change_state(&stamp, &plan, "A1", 2024, &[Approved], Returned)
            .await
            .unwrap();
        assert_eq!(store.working_values(&plan, "A1", 2024).await.unwrap(), edited, "{b:?}");
        store.rebuild_rollups(&plan).await.unwrap();
        test_support::assert_rollups_consistent(&store, &plan, 2024..=2024, "after a reopened import").await;
    }
}

/// An element whose only values were imported (the approved copy) still
/// holds a new version of the plan without it back, with the refusal's
/// message, not a database error.
#[tokio::test]
async fn an_upgrade_does_not_orphan_imported_values() {
    let text = plan_text();
    let plan = plan::load(&text).unwrap();
    for store in test_support::stores("bulk_import_orphan").await {
        let b = store.backend();
        let store = store.install_plan(&plan, &text, &Stamp::now("kiểm thử")).await.unwrap();
        let stamp = Stamp::now("kiểm thử");
        let mut year = YearValues::default();
        year.set("A1", "note", DataValue::Text("chỉ ở bản đã duyệt".into()));
        store.import_approved_year(&stamp, &plan, 2024, &year).await.unwrap();
        let without = include_str!("fixtures/dated-merge-split.toml");
        let smaller = plan::load(without).unwrap();
        match store.upgrade_plan(&smaller, without, &stamp).await {
            Err(xhht_storage::StorageError::Conflict(xhht_storage::Conflict::WouldOrphan { items })) => {
                assert_eq!(items, ["số liệu note"], "{b:?}")
            }
            other => panic!("{b:?}: {other:?}"),
        }
    }
}
