//! Demo accounts: one per role and per reporting unit. Their passwords are
//! public (printed at start and in the README), so only the demo makes them.

use xhht_domain::access::Role;
use xhht_domain::plan::Plan;
use xhht_domain::text::fold;

pub const DEMO_PASSWORD: &str = "xhht-demo";
pub const DEMO_ADMIN_PASSWORD: &str = "admin";

#[derive(Debug, Clone, PartialEq)]
pub struct DemoAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_unit: String,
    pub password: &'static str,
}

pub fn demo_accounts(plan: &Plan) -> Vec<DemoAccount> {
    // The reviewing unit is the plan's (Phòng GD&ĐT for Ba Đình).
    let reviewer = plan.reviewer();
    let edu = reviewer.code.clone();
    let area = plan.info.area.clone();
    let mut out = vec![
        account(
            "admin",
            &format!("Quản trị {}", reviewer.display_name()),
            Role::Admin,
            &edu,
            DEMO_ADMIN_PASSWORD,
        ),
        account(
            "chuyenvien",
            &format!("Chuyên viên {}", reviewer.display_name()),
            Role::Reviewer,
            &edu,
            DEMO_PASSWORD,
        ),
        account("lanhdao", "Lãnh đạo UBND", Role::Viewer, &area, DEMO_PASSWORD),
    ];
    for unit in plan
        .org_units
        .iter()
        .filter(|u| plan.is_reporting_unit(u) || u.parent.as_deref() == Some(&area))
    {
        let username = match unit.unit_type {
            xhht_domain::plan::UnitType::Ward => fold(unit.display_name()),
            xhht_domain::plan::UnitType::CommunityLearningCentre => {
                format!("tthtcd-{}", fold(unit.display_name().trim_start_matches("TTHTCĐ ")))
            }
            _ => unit.code.to_lowercase(),
        };
        out.push(account(
            &username,
            &format!("Cán bộ {}", unit.name),
            Role::Reporter,
            &unit.code,
            DEMO_PASSWORD,
        ));
    }
    out
}

fn account(username: &str, display_name: &str, role: Role, org_unit: &str, password: &'static str) -> DemoAccount {
    DemoAccount {
        username: username.into(),
        display_name: display_name.into(),
        role,
        org_unit: org_unit.into(),
        password,
    }
}
