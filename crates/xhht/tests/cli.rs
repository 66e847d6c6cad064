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
    assert!(err.contains("«chu_tri»") && err.contains("2 lỗi"), "{err}");
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
    let out = dir.join("mau.xlsx");
    let t = xhht(&[
        "template",
        "--unit",
        "00006",
        "--year",
        "2026",
        "--out",
        out.to_str().unwrap(),
        "--database-url",
        &db,
    ]);
    assert!(t.status.success(), "{}", String::from_utf8_lossy(&t.stderr));
    let i = xhht(&["import", out.to_str().unwrap(), "--database-url", &db]);
    assert!(i.status.success(), "{}", String::from_utf8_lossy(&i.stderr));
    assert!(String::from_utf8_lossy(&i.stdout).contains("Đã nhập"));
    let garbage = dir.join("x.xlsx");
    std::fs::write(&garbage, b"not excel").unwrap();
    let bad = xhht(&["import", garbage.to_str().unwrap(), "--database-url", &db]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Excel"));
    let _ = std::fs::remove_dir_all(&dir);
}
