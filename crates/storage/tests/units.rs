//! The register of administrative units in the database, on SQLite and
//! PostgreSQL: the shipped lists imported once (and again, unchanged), looked
//! up by date, and an administrator's shares.

use std::sync::OnceLock;

use chrono::NaiveDate;
use xhht_domain::units::{self, POPULATION, Register, ShareSource, UnitKey, official};
use xhht_storage::{Stamp, StorageError, Store, test_support};

fn d(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn register() -> &'static Register {
    static R: OnceLock<Register> = OnceLock::new();
    R.get_or_init(|| official::build(&official::EMBEDDED).expect("the shipped lists build"))
}

/// Hà Nội's part of the shipped lists (its land did not change in 2025, so
/// its rows stand alone): the same register code, a fraction of the rows.
fn ha_noi() -> &'static Register {
    static R: OnceLock<Register> = OnceLock::new();
    R.get_or_init(|| {
        let keep = |text: &str| {
            let lines = text.lines().enumerate();
            let kept: Vec<&str> = lines
                .filter(|(i, l)| *i == 0 || l.starts_with("01,"))
                .map(|(_, l)| l)
                .collect();
            kept.join("\n")
        };
        let e = official::EMBEDDED;
        let (a, b, c) = (keep(e.units_2024), keep(e.units_2025), keep(e.merges_2025));
        let files = official::OfficialFiles {
            units_2024: &a,
            units_2025: &b,
            merges_2025: &c,
            links_extra: e.links_extra,
        };
        official::build(&files).expect("Hà Nội's lists build")
    })
}

async fn imported(name: &str) -> Vec<Store> {
    let mut out = Vec::new();
    for store in test_support::stores(name).await {
        store
            .import_units(&Stamp::now("test").with_reason("danh mục chính thức"), ha_noi())
            .await
            .unwrap();
        out.push(store);
    }
    out
}

fn codes(v: &units::UnitsOnDate) -> Vec<(&str, &str)> {
    v.units.iter().map(|u| (u.code.as_str(), u.name.as_str())).collect()
}

const OLD_BA_DINH: [&str; 14] = [
    "00001", "00004", "00006", "00007", "00008", "00010", "00013", "00016", "00019", "00022", "00025", "00028",
    "00031", "00034",
];

#[tokio::test]
async fn the_whole_country_imports_once_and_again_unchanged() {
    for store in test_support::stores("units_import_idempotent").await {
        let b = store.backend();
        let events = store.audit_count().await.unwrap();
        assert!(!store.has_units().await.unwrap());
        let first = store.import_units(&Stamp::now("test"), register()).await.unwrap();
        assert_eq!(first.units, register().units().len());
        assert_eq!((first.new_units, first.new_links), (first.units, first.links), "{b:?}");
        assert!(first.estimated_shares > 1000, "{first:?}");
        assert_eq!(store.audit_count().await.unwrap(), events + 1, "one event per import");
        let again = store.import_units(&Stamp::now("test"), register()).await.unwrap();
        assert_eq!(
            (again.new_units, again.new_links),
            (0, 0),
            "{b:?}: a re-import duplicates nothing"
        );
        assert_eq!(store.audit_count().await.unwrap(), events + 2);
        let loaded = store.load_units().await.unwrap();
        let mut expected: Vec<_> = register().units().iter().collect();
        expected.sort_by(|x, y| x.key.cmp(&y.key));
        let got: Vec<_> = loaded.units().iter().collect();
        let differ = got.iter().zip(&expected).find(|(g, e)| g != e);
        assert!(differ.is_none() && got.len() == expected.len(), "{b:?}: {differ:?}");
        assert_eq!(loaded.parents().len(), register().parents().len());
        assert_eq!(loaded.links().len(), register().links().len());
        for l in register().links() {
            let back = loaded
                .successors(&l.from)
                .find(|x| x.to == l.to)
                .expect("link read back");
            assert_eq!(
                back.share(POPULATION),
                l.share(POPULATION),
                "{b:?}: {} → {}",
                l.from,
                l.to
            );
        }
    }
}

#[tokio::test]
async fn org_units_by_date_tell_reused_codes_apart() {
    for store in imported("units_by_date").await {
        let b = store.backend();
        let mid_2024 = store.units_on(d("2024-06-01"), None).await.unwrap();
        let find = |v: &units::UnitsOnDate, code: &str| v.units.iter().find(|u| u.code == code).cloned();
        assert_eq!(find(&mid_2024, "00001").unwrap().name, "Phường Phúc Xá", "{b:?}");
        let lieu_giai = find(&mid_2024, "00008").unwrap();
        assert_eq!(lieu_giai.name, "Phường Liễu Giai");
        assert_eq!(lieu_giai.parent.as_ref().unwrap().name, "Quận Ba Đình");
        assert_eq!(lieu_giai.successors.len(), 1);
        assert_eq!(lieu_giai.successors[0].name, "Phường Ngọc Hà");

        let early_2025 = store.units_on(d("2025-03-01"), Some("001")).await.unwrap();
        assert_eq!(early_2025.units.len(), 13, "{b:?}");
        assert!(
            find(&early_2025, "00010").is_none(),
            "{b:?}: Nguyễn Trung Trực merged on 1/1/2025"
        );
        let truc_bach = find(&early_2025, "00004").unwrap();
        let ntt = truc_bach.predecessors.iter().find(|p| p.code == "00010").unwrap();
        assert_eq!(
            (ntt.name.as_str(), ntt.effective),
            ("Phường Nguyễn Trung Trực", d("2025-01-01"))
        );

        let y2026 = store.units_on(d("2026-01-01"), None).await.unwrap();
        let ba_dinh = find(&y2026, "00004").unwrap();
        assert_eq!(
            (ba_dinh.name.as_str(), ba_dinh.valid_from),
            ("Phường Ba Đình", Some(d("2025-07-01")))
        );
        assert_eq!(ba_dinh.parent.as_ref().unwrap().name, "Thành phố Hà Nội");
        assert_eq!(ba_dinh.predecessors.len(), 10, "{b:?}");
        let partial = ba_dinh.predecessors.iter().find(|p| p.code == "00016").unwrap();
        assert_eq!(partial.shares[0].source, ShareSource::Estimated);
        assert_eq!(find(&y2026, "00008").unwrap().name, "Phường Ngọc Hà");
        for code in OLD_BA_DINH {
            assert!(
                y2026.units.iter().all(|u| u.code != code || u.valid_from.is_some()),
                "{b:?}: old ward {code} listed in 2026"
            );
        }
        assert_eq!(y2026.units.len(), 1 + 126, "{b:?}: Hà Nội and its communes and wards");
    }
}

#[tokio::test]
async fn the_databases_answer_as_the_register_does() {
    for store in imported("units_same_as_domain").await {
        for (date, within) in [("2024-06-01", "01"), ("2025-03-01", "001"), ("2026-01-01", "01")] {
            let from_db = store.units_on(d(date), Some(within)).await.unwrap();
            let from_register = units::units_on_date(ha_noi(), d(date), Some(within)).unwrap();
            assert_eq!(codes(&from_db), codes(&from_register), "{:?} {date}", store.backend());
            assert_eq!(from_db, from_register, "{:?} {date}", store.backend());
        }
        let unknown = store.units_on(d("2026-01-01"), Some("001")).await;
        assert!(matches!(unknown, Err(StorageError::NotFound(xhht_storage::Missing::Unit { code })) if code == "001"));
    }
}

#[tokio::test]
async fn successors_and_predecessors_of_a_unit() {
    for store in imported("units_links").await {
        let ntt = UnitKey::new("00010", None);
        let to = store.unit_successors(&ntt).await.unwrap();
        assert_eq!(to.len(), 1);
        assert_eq!(to[0].to, UnitKey::new("00004", None));
        let ba_dinh = UnitKey::new("00004", Some(d("2025-07-01")));
        let from = store.unit_predecessors(&ba_dinh).await.unwrap();
        let names: Vec<&str> = from.iter().map(|l| l.from.code.as_str()).collect();
        assert_eq!(
            names,
            [
                "00004", "00013", "00016", "00019", "00022", "00028", "00040", "00055", "00073", "00112"
            ]
        );
    }
}

#[tokio::test]
async fn an_administrator_enters_a_split_and_a_reimport_keeps_it() {
    for store in imported("units_shares").await {
        let b = store.backend();
        let stamp = Stamp::now("admin").with_reason("số liệu dân số của phường");
        let ngoc_ha = UnitKey::new("00016", None);
        let (ba_dinh, new_ngoc_ha) = (
            UnitKey::new("00004", Some(d("2025-07-01"))),
            UnitKey::new("00008", Some(d("2025-07-01"))),
        );
        let events = store.audit_count().await.unwrap();
        let refusals: [(&UnitKey, Vec<(UnitKey, f64)>); 5] = [
            (&ngoc_ha, vec![(ba_dinh.clone(), 0.5), (new_ngoc_ha.clone(), 0.6)]),
            (&ngoc_ha, vec![(ba_dinh.clone(), 1.0)]),
            (&ngoc_ha, vec![(ba_dinh.clone(), -0.2), (new_ngoc_ha.clone(), 1.2)]),
            (&ngoc_ha, vec![(ba_dinh.clone(), 0.4), (ba_dinh.clone(), 0.6)]),
            (&UnitKey::new("00013", None), vec![(ba_dinh.clone(), 1.0)]),
        ];
        for (from, split) in &refusals {
            let r = store.set_unit_shares(&stamp, from, POPULATION, split).await;
            assert!(matches!(r, Err(StorageError::Conflict(_))), "{b:?}: {split:?} → {r:?}");
        }
        assert_eq!(
            store.audit_count().await.unwrap(),
            events,
            "{b:?}: refusals leave no trace"
        );

        let split = [(ba_dinh.clone(), 0.4), (new_ngoc_ha.clone(), 0.6)];
        assert_eq!(
            store
                .set_unit_shares(&stamp, &ngoc_ha, POPULATION, &split)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            store.audit_count().await.unwrap(),
            events + 2,
            "{b:?}: one event per share"
        );
        assert_eq!(
            store
                .set_unit_shares(&stamp, &ngoc_ha, POPULATION, &split)
                .await
                .unwrap(),
            0
        );
        store.import_units(&Stamp::now("test"), ha_noi()).await.unwrap();
        let links = store.unit_successors(&ngoc_ha).await.unwrap();
        let got: Vec<_> = links
            .iter()
            .map(|l| (l.to.code.as_str(), l.share(POPULATION)))
            .collect();
        assert_eq!(
            got,
            [
                ("00004", Some((0.4, ShareSource::Entered))),
                ("00008", Some((0.6, ShareSource::Entered)))
            ],
            "{b:?}"
        );
        // The register's events are chained like every other.
        let report = store.verify_audit().await.unwrap();
        assert!(report.is_intact(), "{b:?}: {report:?}");
    }
}
