//! Several plans in one database, on SQLite and on PostgreSQL: the same
//! unit code in two plans, upgrades that must not orphan entered data, and
//! a plan's recorded end.

use xhht_domain::access::Role;
use xhht_domain::plan::{self, BUILTIN_BA_DINH, SAMPLE_WARD_BA_DINH};
use xhht_domain::values::DataValue;
use xhht_domain::workflow::ReportState::*;
use xhht_storage::{Conflict, NewNotice, NewUser, NoticeBatch, NoticeKind, Stamp, StorageError, Store, test_support};

async fn two_plans(name: &str) -> Vec<(Store, Store)> {
    let mut out = Vec::new();
    for store in test_support::stores(name).await {
        let stamp = Stamp::now("kiểm thử");
        let district = store
            .install_plan(&plan::builtin(), BUILTIN_BA_DINH, &stamp)
            .await
            .unwrap();
        let ward = store
            .install_plan(&plan::sample_ward(), SAMPLE_WARD_BA_DINH, &stamp)
            .await
            .unwrap();
        out.push((district, ward));
    }
    out
}

fn n(x: f64) -> Option<DataValue> {
    Some(DataValue::Number(x))
}

/// Unit 00004 is Trúc Bạch in 56/KH-UBND and Phường Ba Đình in the ward's
/// plan: reports, values, roll-ups and trails of one never show in the other.
#[tokio::test]
async fn the_same_unit_code_in_two_plans_never_mixes() {
    for (district, ward) in two_plans("plans_same_code").await {
        let b = district.backend();
        assert_eq!(district.plans().await.unwrap().len(), 2, "{b:?}");
        let (p56, _) = district.load_plan().await.unwrap().unwrap();
        let (pw, _) = ward.load_plan().await.unwrap().unwrap();
        assert_eq!(p56.info.code, "ba-dinh-56-2022");
        assert_eq!(pw.info.code, "phuong-ba-dinh-2026-mau");
        let stamp = Stamp::now("kiểm thử");
        let values = [
            ("pop_15_60".to_string(), n(9_000.0)),
            ("literate_15_60".to_string(), n(8_990.0)),
        ];
        district.save_values(&stamp, "00004", 2024, &values).await.unwrap();
        district
            .change_state(&stamp, &p56, "00004", 2024, &[Draft], Submitted)
            .await
            .unwrap();
        district
            .change_state(&stamp, &p56, "00004", 2024, &[Submitted], Approved)
            .await
            .unwrap();
        ward.save_values(&stamp, "TDP01", 2026, &[("pop_15_60".to_string(), n(1_500.0))])
            .await
            .unwrap();

        assert_eq!(district.reports(2024).await.unwrap().len(), 1, "{b:?}");
        assert!(
            ward.reports(2024).await.unwrap().is_empty(),
            "{b:?}: the ward's plan has no 2024 report"
        );
        assert!(district.reports(2026).await.unwrap().is_empty());
        assert_eq!(ward.reports(2026).await.unwrap().len(), 1);
        assert!(ward.working_values(&pw, "00004", 2024).await.unwrap().is_empty());
        assert!(
            ward.rollups("00004", 2024..=2024).await.unwrap().is_empty(),
            "{b:?}: roll-ups stay in their plan"
        );
        assert!(!district.rollups("00004", 2024..=2024).await.unwrap().is_empty());
        assert!(ward.audit_events("00004", 2024).await.unwrap().is_empty());
        assert_eq!(
            district.audit_events("00004", 2024).await.unwrap().len(),
            4,
            "2 values, sent, approved"
        );
        // Rebuilding one plan's roll-ups leaves the other's alone.
        ward.rebuild_rollups(&pw).await.unwrap();
        assert!(
            !district.rollups("00004", 2024..=2024).await.unwrap().is_empty(),
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn an_upgrade_never_orphans_entered_data() {
    for (district, ward) in two_plans("plans_upgrade").await {
        let b = district.backend();
        let (p56, _) = district.load_plan().await.unwrap().unwrap();
        let stamp = Stamp::now("kiểm thử");
        district
            .save_values(&stamp, "00001", 2024, &[("pop_15_60".to_string(), n(9_000.0))])
            .await
            .unwrap();
        district
            .change_state(&stamp, &p56, "00001", 2024, &[Draft], Submitted)
            .await
            .unwrap();
        district
            .change_state(&stamp, &p56, "00001", 2024, &[Submitted], Approved)
            .await
            .unwrap();

        // Residential group 6 has a report: a version without it is refused, nothing changes.
        ward.save_values(&stamp, "TDP06", 2026, &[("pop_15_60".to_string(), n(1_400.0))])
            .await
            .unwrap();
        let start = SAMPLE_WARD_BA_DINH.find("[[org_units]]\ncode = \"TDP06\"").unwrap();
        let end = start + SAMPLE_WARD_BA_DINH[start..].find("\n\n").unwrap();
        let without = format!("{}{}", &SAMPLE_WARD_BA_DINH[..start], &SAMPLE_WARD_BA_DINH[end + 2..]);
        let smaller = plan::load(&without).expect("the ward plan without group 6 is valid");
        match ward.upgrade_plan(&smaller, &without, &stamp).await {
            Err(StorageError::Conflict(Conflict::WouldOrphan { items })) => {
                assert_eq!(items, ["đơn vị TDP06"], "{b:?}")
            }
            other => panic!("{b:?}: {other:?}"),
        }
        assert_eq!(ward.plans().await.unwrap()[1].version, 1, "nothing changed");
        assert!(ward.load_plan().await.unwrap().unwrap().0.unit("TDP06").is_some());
        // Another plan's file is not a new version of this one.
        let ward = plan::sample_ward();
        assert!(matches!(
            district.upgrade_plan(&ward, SAMPLE_WARD_BA_DINH, &stamp).await,
            Err(StorageError::Conflict(Conflict::OtherPlan { .. }))
        ));
        // A renamed ward is a new version; its report and figures stay.
        let renamed = BUILTIN_BA_DINH.replacen("name = \"Phường Phúc Xá\"", "name = \"Phường Phúc Xá (đổi tên)\"", 1);
        assert_ne!(renamed, BUILTIN_BA_DINH, "the fixture edit applied");
        let v2 = plan::load(&renamed).unwrap();
        assert_eq!(district.upgrade_plan(&v2, &renamed, &stamp).await.unwrap(), 2, "{b:?}");
        let (loaded, source) = district.load_plan().await.unwrap().unwrap();
        assert_eq!(source, renamed);
        assert_eq!(loaded.unit("00001").unwrap().name, "Phường Phúc Xá (đổi tên)");
        let approved = district.approved_values(&loaded, 2024).await.unwrap();
        assert_eq!(
            approved.unit("00001").unwrap().get("pop_15_60"),
            Some(&DataValue::Number(9_000.0))
        );
    }
}

#[tokio::test]
async fn a_plan_that_ended_says_so_when_loaded() {
    for (district, ward) in two_plans("plans_end").await {
        let b = district.backend();
        let day = chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        district
            .end_plan(&Stamp::now("kiểm thử"), day, "Không tổ chức cấp quận")
            .await
            .unwrap();
        let (p56, _) = district.load_plan().await.unwrap().unwrap();
        assert_eq!(
            p56.info.ended,
            Some((day, "Không tổ chức cấp quận".to_string())),
            "{b:?}"
        );
        assert_eq!(p56.last_entry_year(), 2025);
        assert!(
            p56.check_year(2026)
                .unwrap_err()
                .contains("đã kết thúc ngày 30/06/2025")
        );
        let (pw, _) = ward.load_plan().await.unwrap().unwrap();
        assert!(pw.info.ended.is_none(), "{b:?}: only that plan ended");
    }
}

fn notice(unit: Option<&str>, user_id: Option<i64>, body: &str) -> NewNotice {
    NewNotice {
        kind: if user_id.is_some() {
            NoticeKind::Digest
        } else {
            NoticeKind::Reminder
        },
        unit: unit.map(str::to_string),
        user_id,
        year: 2026,
        due: None,
        days_before: None,
        body: body.to_string(),
        link: None,
        dedupe: None,
        emails: Vec::new(),
    }
}

/// A session is read with its account's unread notices in one query, the
/// same notices the separate read gives (its own, its unit's, unread, this
/// plan's, newest first, at most 20); in another plan's handle it carries
/// none, and they are read apart there.
#[tokio::test]
async fn a_session_carries_the_accounts_unread_notices_in_its_own_plan_only() {
    for (district, ward) in two_plans("plans_session_notices").await {
        let b = district.backend();
        let stamp = Stamp::now("kiểm thử");
        let reporter = NewUser {
            username: "truc-bach",
            display_name: "Cán bộ Trúc Bạch",
            password: "mật khẩu dài",
            role: Role::Reporter,
            org_unit: "00004",
            must_change_password: false,
        };
        let id = district.create_user(&stamp, &reporter).await.unwrap();
        let session = district.create_session(id, chrono::Duration::hours(1)).await.unwrap();
        let found = district
            .session_user(&session.token)
            .await
            .unwrap()
            .expect("the session");
        assert_eq!(
            (found.user.id, found.csrf.as_str()),
            (id, session.csrf_token.as_str()),
            "{b:?}"
        );
        assert_eq!(found.notices, Some(vec![]), "no notice yet on {b:?}");

        let batch = NoticeBatch::Reminders { days_before: None };
        let mine = [
            notice(Some("00004"), None, "Nhắc đơn vị"),
            notice(None, Some(id), "Tin riêng"),
            notice(Some("00001"), None, "Nhắc đơn vị khác"),
            notice(Some("00004"), None, "Sẽ được đọc"),
        ];
        district.post_notices(&stamp, 2026, batch, &mine).await.unwrap();
        // The same unit code in the ward's plan is another unit.
        ward.post_notices(&stamp, 2026, batch, &[notice(Some("00004"), None, "Phường")])
            .await
            .unwrap();
        let read = district.unread_notices("00004", id).await.unwrap();
        let gone = read.iter().find(|n| n.body == "Sẽ được đọc").expect("posted").id;
        district.mark_notice_read(&stamp, gone, "00004", id).await.unwrap();

        let apart = district.unread_notices("00004", id).await.unwrap();
        let bodies: Vec<&str> = apart.iter().map(|n| n.body.as_str()).collect();
        assert_eq!(bodies, ["Tin riêng", "Nhắc đơn vị"], "{b:?}");
        let found = district
            .session_user(&session.token)
            .await
            .unwrap()
            .expect("the session");
        assert_eq!(found.notices.as_ref(), Some(&apart), "{b:?}");

        // Past 20, the newest 20, as apart.
        let many: Vec<NewNotice> = (0..25)
            .map(|i| notice(Some("00004"), None, &format!("Nhắc {i}")))
            .collect();
        district.post_notices(&stamp, 2026, batch, &many).await.unwrap();
        let apart = district.unread_notices("00004", id).await.unwrap();
        assert_eq!(apart.len(), 20, "{b:?}");
        let found = district
            .session_user(&session.token)
            .await
            .unwrap()
            .expect("the session");
        assert_eq!(found.notices.as_ref(), Some(&apart), "{b:?}");

        // The account is the district's: the ward's handle reads no notice with it.
        let there = ward.session_user(&session.token).await.unwrap().expect("the session");
        assert_eq!((there.user.id, there.notices), (id, None), "{b:?}");

        district.set_disabled(&stamp, id, true).await.unwrap();
        assert!(district.session_user(&session.token).await.unwrap().is_none(), "{b:?}");
    }
}
