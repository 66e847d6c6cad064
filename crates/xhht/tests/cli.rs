//! The binary as a user runs it.

use std::process::Command;

const PLAN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../plans/ba-dinh-56-2022.toml");

fn xhht(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xhht"))
        .args(args)
        .output()
        .expect("run xhht")
}

#[test]
fn plan_check_accepts_the_built_in_plan() {
    let out = xhht(&["plan", "check", PLAN]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("hợp lệ"));
}

#[test]
fn plan_check_names_the_line_of_an_unknown_data_element() {
    let source = std::fs::read_to_string(PLAN).unwrap();
    let needle = "numerator = \"working_age_info_competent\"";
    let line = source[..source.find(needle).unwrap()].matches('\n').count() + 1;
    let broken = source.replacen(needle, "numerator = \"working_age_info\"", 1);
    let path = std::env::temp_dir().join(format!("xhht-broken-{}.toml", std::process::id()));
    std::fs::write(&path, broken).unwrap();
    let out = xhht(&["plan", "check", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!(":{line}:14:")), "{err}");
    assert!(err.contains("working_age_info"), "{err}");
}

#[test]
fn plan_check_accepts_a_ward_plan_and_lists_every_problem() {
    let ward = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../crates/domain/tests/fixtures/phuong-thanh-khe-2026.toml"
    );
    let out = xhht(&["plan", "check", ward]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Two problems in two sections: both printed, as FILE:LINE:COL, in Vietnamese.
    let source = std::fs::read_to_string(ward).unwrap();
    let broken = source.replacen("due_day = 5", "due_day = \"năm\"", 1).replacen(
        "lead = \"KH\"",
        "lead = \"KH\"\nchu_tri = \"KH\"",
        1,
    );
    let path = std::env::temp_dir().join(format!("xhht-ward-{}.toml", std::process::id()));
    std::fs::write(&path, &broken).unwrap();
    let out = xhht(&["plan", "check", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let line = |needle: &str| broken[..broken.find(needle).unwrap()].matches('\n').count() + 1;
    assert!(err.contains(&format!(":{}:11: ", line("due_day = "))), "{err}");
    assert!(err.contains(&format!(":{}:1: ", line("chu_tri = "))), "{err}");
    assert!(err.contains("“chu_tri”") && err.contains("2 lỗi"), "{err}");
}

#[test]
fn plan_check_of_a_missing_file_fails() {
    let out = xhht(&["plan", "check", "/khong/co/tep.toml"]);
    assert!(!out.status.success());
}

#[test]
fn init_then_user_add_on_a_fresh_database() {
    let dir = std::env::temp_dir().join(format!("xhht-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite:{}", dir.join("x.sqlite").display());
    let out = xhht(&["init", "--plan", PLAN, "--database-url", &db]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("mật khẩu:"), "{text}");
    assert!(
        text.contains("Danh mục đơn vị hành chính:"),
        "init loads the register: {text}"
    );
    assert!(
        !text.contains("xhht-demo") && !text.contains("mật khẩu: admin"),
        "init never makes a known password"
    );
    // A second init on the same database is refused.
    assert!(!xhht(&["init", "--plan", PLAN, "--database-url", &db]).status.success());

    let out = xhht(&[
        "user",
        "add",
        "--username",
        "phucxa",
        "--role",
        "reporter",
        "--unit",
        "00001",
        "--database-url",
        &db,
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Phường Phúc Xá"));
    let bad_role = xhht(&[
        "user",
        "add",
        "--username",
        "x1",
        "--role",
        "boss",
        "--unit",
        "00001",
        "--database-url",
        &db,
    ]);
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("vai trò"));
    let bad_unit = xhht(&[
        "user",
        "add",
        "--username",
        "x2",
        "--role",
        "viewer",
        "--unit",
        "99999",
        "--database-url",
        &db,
    ]);
    assert!(!bad_unit.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn template_and_import_from_the_command_line() {
    let dir = std::env::temp_dir().join(format!("xhht-cli-excel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite:{}", dir.join("demo.sqlite").display());
    assert!(xhht(&["demo", "--no-serve", "--database-url", &db]).status.success());
    // The demo's 56/KH-UBND ended on 30/6/2025: an old ward gets no 2026 template.
    let old = dir.join("cu.xlsx");
    let refused = xhht(&[
        "template",
        "--unit",
        "00006",
        "--year",
        "2026",
        "--out",
        old.to_str().unwrap(),
        "--database-url",
        &db,
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("đã kết thúc ngày 30/06/2025"));
    // The successor ward's plan: a residential group's 2026 template.
    const WARD: &str = "phuong-ba-dinh-2026-mau";
    let out = dir.join("mau.xlsx");
    let t = xhht(&[
        "template",
        "--plan",
        WARD,
        "--unit",
        "TDP04",
        "--year",
        "2026",
        "--out",
        out.to_str().unwrap(),
        "--database-url",
        &db,
    ]);
    assert!(t.status.success(), "{}", String::from_utf8_lossy(&t.stderr));
    let file = out.to_str().unwrap();
    let import = |unit: &str, year: &str, extra: &[&str]| {
        let mut args = vec![
            "import",
            file,
            "--plan",
            WARD,
            "--unit",
            unit,
            "--year",
            year,
            "--database-url",
            &db,
        ];
        args.extend_from_slice(extra);
        xhht(&args)
    };
    // Another unit, another year, a year outside the plan, an account that may not write.
    let other = import("TDP01", "2026", &[]);
    assert!(!other.status.success());
    assert!(
        String::from_utf8_lossy(&other.stderr).contains("“TDP04”"),
        "{}",
        String::from_utf8_lossy(&other.stderr)
    );
    assert!(!import("TDP04", "2027", &[]).status.success());
    let outside = import("TDP04", "2031", &[]);
    assert!(String::from_utf8_lossy(&outside.stderr).contains("ngoài thời gian"));
    assert!(!import("TDP04", "2026", &["--user", "pbd-admin"]).status.success());
    let wrong = import("TDP04", "2026", &["--user", "pbd-tdp01"]);
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("không được sửa"));
    let foreign = import("TDP04", "2026", &["--user", "vinhphuc"]);
    assert!(!foreign.status.success(), "an account of the other plan");
    let i = import("TDP04", "2026", &["--user", "pbd-tdp04"]);
    assert!(i.status.success(), "{}", String::from_utf8_lossy(&i.stderr));
    assert!(String::from_utf8_lossy(&i.stdout).contains("Đã nhập"));
    let garbage = dir.join("x.xlsx");
    std::fs::write(&garbage, b"not excel").unwrap();
    let bad = xhht(&[
        "import",
        garbage.to_str().unwrap(),
        "--plan",
        WARD,
        "--unit",
        "TDP04",
        "--year",
        "2026",
        "--database-url",
        &db,
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Excel"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn units_import_loads_the_register_once() {
    let dir = std::env::temp_dir().join(format!("xhht-cli-units-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite:{}", dir.join("u.sqlite").display());
    let out = xhht(&["units", "import", "--database-url", &db]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let first = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(first.contains("Danh mục đơn vị hành chính:"), "{first}");
    // The same lists from the repository's folder: nothing new.
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/vn-admin-units");
    let out = xhht(&["units", "import", "--from", data, "--database-url", &db]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = String::from_utf8_lossy(&out.stdout);
    assert_eq!(again.matches("(0 mới)").count(), 2, "{again}");
    // A folder without the lists is refused.
    let out = xhht(&["units", "import", "--from", "/khong/co", "--database-url", &db]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("units-2024.csv"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn plans_are_added_listed_ended_and_upgraded() {
    let dir = std::env::temp_dir().join(format!("xhht-cli-plans-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite:{}", dir.join("p.sqlite").display());
    let ward = concat!(env!("CARGO_MANIFEST_DIR"), "/../../plans/phuong-ba-dinh-2026-mau.toml");
    let text =
        |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
    assert!(xhht(&["init", "--plan", PLAN, "--database-url", &db]).status.success());
    let add = xhht(&["plan", "add", ward, "--admin", "pbd-admin", "--database-url", &db]);
    assert!(add.status.success(), "{}", text(&add));
    assert!(text(&add).contains("Quản trị viên: pbd-admin"));
    let again = xhht(&["plan", "add", ward, "--database-url", &db]);
    assert!(
        !again.status.success() && text(&again).contains("plan upgrade"),
        "{}",
        text(&again)
    );
    let list = text(&xhht(&["plan", "list", "--database-url", &db]));
    assert!(
        list.contains("ba-dinh-56-2022") && list.contains("phuong-ba-dinh-2026-mau"),
        "{list}"
    );
    let end = xhht(&[
        "plan",
        "end",
        "--on",
        "2025-06-30",
        "--reason",
        "Không tổ chức cấp quận",
        "--database-url",
        &db,
    ]);
    assert!(end.status.success(), "{}", text(&end));
    assert!(text(&end).contains("không nhận báo cáo sau năm 2025"));
    let up = xhht(&["plan", "upgrade", ward, "--database-url", &db]);
    assert!(up.status.success(), "{}", text(&up));
    assert!(text(&up).contains("phiên bản 2"), "{}", text(&up));
    let user = xhht(&[
        "user",
        "add",
        "--plan",
        "phuong-ba-dinh-2026-mau",
        "--username",
        "to1",
        "--role",
        "reporter",
        "--unit",
        "TDP01",
        "--database-url",
        &db,
    ]);
    assert!(user.status.success(), "{}", text(&user));
    let unknown = xhht(&["plan", "list", "--plan", "x", "--database-url", &db]);
    assert!(unknown.status.success(), "list ignores --plan");
    let wrong = xhht(&["serve", "--plan", "khong-co", "--database-url", &db]);
    assert!(
        !wrong.status.success() && text(&wrong).contains("không có kế hoạch mã “khong-co”"),
        "{}",
        text(&wrong)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every approved figure of every plan, as text, for comparing two databases.
async fn figures(url: &str) -> String {
    let store = xhht_storage::Store::open(url).await.unwrap();
    let mut out = String::new();
    for row in store.plans().await.unwrap() {
        let scoped = store.with_plan_id(row.id);
        let (plan, _) = scoped.load_plan().await.unwrap().unwrap();
        for year in scoped.approved_years().await.unwrap() {
            let values = scoped.approved_values(&plan, year).await.unwrap();
            let code = &row.code;
            let mut lines: Vec<String> = values
                .units
                .iter()
                .flat_map(|(unit, vs)| vs.iter().map(move |(e, v)| format!("{code} {year} {unit} {e} = {v:?}")))
                .collect();
            lines.sort();
            out.push_str(&lines.join("\n"));
        }
    }
    out
}

#[tokio::test]
async fn backup_and_restore_round_trip() {
    let dir = std::env::temp_dir().join(format!("xhht-backup-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite:{}", dir.join("demo.sqlite").display());
    assert!(xhht(&["demo", "--no-serve", "--database-url", &db]).status.success());
    let copy = dir.join("copy.sqlite");
    let copy_s = copy.to_str().unwrap();
    let out = xhht(&["backup", "--out", copy_s, "--database-url", &db]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // A backup never overwrites.
    let again = xhht(&["backup", "--out", copy_s, "--database-url", &db]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("đã có"));

    let restored = format!("sqlite:{}", dir.join("restored.sqlite").display());
    let out = xhht(&["restore", "--from", copy_s, "--database-url", &restored]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let before = figures(&db).await;
    assert!(before.lines().count() > 1, "the demo has approved figures: {before}");
    assert_eq!(
        figures(&restored).await,
        before,
        "the same figures after the round trip"
    );

    let source = xhht_storage::Store::open(&db)
        .await
        .unwrap()
        .audit_trail()
        .await
        .unwrap();
    assert!(source.iter().any(|e| e.event.change.kind() == "backup_made"));
    // A database holding data is replaced only with --force.
    let refused = xhht(&["restore", "--from", copy_s, "--database-url", &db]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    let forced = xhht(&["restore", "--from", copy_s, "--database-url", &db, "--force"]);
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    assert_eq!(figures(&db).await, before);
    // Audited: the backup in the source, the restore in the restored one.
    let trail = xhht_storage::Store::open(&restored)
        .await
        .unwrap()
        .audit_trail()
        .await
        .unwrap();
    let kinds: Vec<&str> = trail.iter().map(|e| e.event.change.kind()).collect();
    assert!(kinds.contains(&"restored"), "{kinds:?}");
    let not_a_backup = xhht(&["restore", "--from", PLAN, "--database-url", &restored, "--force"]);
    assert!(String::from_utf8_lossy(&not_a_backup.stderr).contains("không phải bản sao lưu"));
    // PostgreSQL: pg_dump is the way, said in Vietnamese.
    let pg = xhht(&[
        "backup",
        "--out",
        "x.dump",
        "--database-url",
        "postgres://nobody@127.0.0.1:1/none",
    ]);
    assert!(!pg.status.success());
    assert!(String::from_utf8_lossy(&pg.stderr).contains("pg_dump"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A database URL per backend for one test: a SQLite file, and (when a
/// server is configured, see `test_support`) a PostgreSQL schema of its
/// own, reached through the URL's `search_path` option. `last`: migrate
/// only that far (a database of an earlier release); `None` leaves the
/// database empty, as a user's new database is. Each comes with a handle
/// opened without migrating further (for writing as an earlier release did).
async fn urls(name: &str, last: Option<i64>) -> Vec<(String, xhht_storage::Store)> {
    use xhht_storage::test_support;
    let stores = match last {
        Some(last) => test_support::stores_at(name, last).await,
        None => test_support::stores(name).await,
    };
    let mut out = vec![format!(
        "sqlite:{}",
        std::env::temp_dir()
            .join(format!("xhht-test-{name}-{}.sqlite", std::process::id()))
            .display()
    )];
    if stores.len() > 1 {
        let base = std::env::var(test_support::POSTGRES_URL_VAR)
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
        let sep = if base.contains('?') { '&' } else { '?' };
        out.push(format!("{base}{sep}options=-c%20search_path%3Dt_{name}"));
    }
    out.into_iter().zip(stores).collect()
}

async fn sql(url: &str, statement: &str) {
    let store = xhht_storage::Store::open(url).await.unwrap();
    xhht_storage::test_support::execute(&store, statement).await;
    store.close().await;
}

#[tokio::test]
async fn audit_verify_passes_on_the_demo_and_names_each_tampering() {
    for (url, handle) in urls("cli_audit_verify", None).await {
        handle.close().await;
        let out = xhht(&["demo", "--no-serve", "--database-url", &url]);
        assert!(out.status.success(), "{url}: {}", String::from_utf8_lossy(&out.stderr));
        let store = xhht_storage::Store::open(&url).await.unwrap();
        let trail = store.audit_trail().await.unwrap();
        store.close().await;

        let ok = xhht(&["audit", "verify", "--database-url", &url]);
        let said = String::from_utf8_lossy(&ok.stdout).to_string();
        assert!(
            ok.status.success(),
            "{url}: {said} {}",
            String::from_utf8_lossy(&ok.stderr)
        );
        assert!(
            said.contains("nguyên vẹn") && said.contains(&format!("{} sự kiện", trail.len())),
            "{said}"
        );

        // An audit row edited with SQL: refused, naming the row.
        let target = &trail[trail.len() / 3];
        sql(
            &url,
            &format!("UPDATE audit_events SET actor = 'ke-gian' WHERE id = {}", target.id),
        )
        .await;
        let bad = xhht(&["audit", "verify", "--database-url", &url]);
        let err = String::from_utf8_lossy(&bad.stderr).to_string();
        assert_eq!(bad.status.code(), Some(1), "{url}: {err}");
        assert!(
            err.contains(&format!("#{}", target.id)) && err.contains("bị sửa"),
            "{err}"
        );
        let actor = target.event.actor.replace('\'', "''");
        sql(
            &url,
            &format!("UPDATE audit_events SET actor = '{actor}' WHERE id = {}", target.id),
        )
        .await;
        assert!(xhht(&["audit", "verify", "--database-url", &url]).status.success());

        // An official value changed in its table: named by unit, year, element.
        let (unit, year) = trail
            .iter()
            .rev()
            .find(|e| e.event.change == xhht_domain::audit::Change::Approved)
            .map(|e| (e.event.unit.clone().unwrap(), e.event.year.unwrap()))
            .expect("the demo approves reports");
        sql(
            &url,
            &format!(
                "UPDATE approved_values SET value_num = value_num + 1 WHERE org_unit_code = '{unit}' AND year = {year} AND element_code = 'pop_15_60'"
            ),
        )
        .await;
        let bad = xhht(&["audit", "verify", "--database-url", &url]);
        let err = String::from_utf8_lossy(&bad.stderr).to_string();
        assert_eq!(bad.status.code(), Some(1), "{url}: {err}");
        assert!(
            err.contains(&unit) && err.contains(&format!("năm {year}")) && err.contains("pop_15_60"),
            "{err}"
        );
        sql(
            &url,
            &format!(
                "UPDATE approved_values SET value_num = value_num - 1 WHERE org_unit_code = '{unit}' AND year = {year} AND element_code = 'pop_15_60'"
            ),
        )
        .await;
        assert!(xhht(&["audit", "verify", "--database-url", &url]).status.success());

        // An event deleted in the middle: the one after it is named.
        let (gone, next) = (trail[trail.len() / 2].id, trail[trail.len() / 2 + 1].id);
        sql(&url, &format!("DELETE FROM audit_events WHERE id = {gone}")).await;
        let bad = xhht(&["audit", "verify", "--database-url", &url]);
        let err = String::from_utf8_lossy(&bad.stderr).to_string();
        assert_eq!(bad.status.code(), Some(1), "{url}: {err}");
        assert!(err.contains(&format!("#{next}")) && err.contains("bị xoá"), "{err}");
    }
}

#[tokio::test]
async fn audit_verify_passes_on_a_database_of_the_previous_release() {
    for (url, old) in urls("cli_audit_old", Some(50)).await {
        // The previous release (migrations up to 0050) wrote events without
        // a chain.
        for statement in [
            "INSERT INTO audit_events (at, actor, action, reason, payload) VALUES ('2026-01-02T03:04:05.000Z', 'admin', 'sample_generated', NULL, '{\"kind\":\"sample_generated\"}')",
            "INSERT INTO audit_events (at, actor, action, reason, payload) VALUES ('2026-01-02T03:05:00.000Z', 'admin', 'backup_made', NULL, '{\"kind\":\"backup_made\",\"file\":\"a.sqlite\"}')",
        ] {
            xhht_storage::test_support::execute(&old, statement).await;
        }
        old.close().await;
        let out = xhht(&["audit", "verify", "--database-url", &url]);
        let said = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{url}: {said} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The two old events and the one saying they were sealed.
        assert!(said.contains("3 sự kiện"), "{said}");
        let again = xhht(&["audit", "verify", "--database-url", &url]);
        assert!(
            String::from_utf8_lossy(&again.stdout).contains("3 sự kiện"),
            "sealed once"
        );
    }
}
