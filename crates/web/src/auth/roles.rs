//! Role gates: a handler that takes `Reviewer`, `Admin`, `AreaViewer` or `AreaReader` runs
//! only for an account of those roles. Without a login the browser goes to
//! the login page; with the wrong role the answer is 403 and nothing happens.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use xhht_domain::access::{Principal, Role};
use xhht_domain::plan::Plan;

use super::CurrentUser;
use crate::respond::AppError;
use crate::state::AppState;

/// Declares an extractor holding the account, for the roles listed.
macro_rules! role_gate {
    ($(#[$doc:meta])* $name:ident, [$($role:ident),+], $refusal:literal) => {
        $(#[$doc])*
        #[allow(dead_code, reason = "some handlers only need the gate, not the account")]
        pub struct $name(pub CurrentUser);

        impl $name {
            pub const ROLES: &'static [Role] = &[$(Role::$role),+];
        }

        impl FromRequestParts<AppState> for $name {
            type Rejection = AppError;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
                let user = CurrentUser::from_request_parts(parts, state).await?;
                if Self::ROLES.contains(&user.role) {
                    Ok(Self(user))
                } else {
                    Err(AppError::forbidden($refusal))
                }
            }
        }
    };
}

role_gate!(
    /// The reviewing unit's reviewers and administrators.
    Reviewer,
    [Admin, Reviewer],
    "Chỉ chuyên viên và quản trị của đơn vị duyệt báo cáo xem được trang này."
);

role_gate!(
    /// Administrators: accounts and deadlines.
    Admin,
    [Admin],
    "Chỉ quản trị viên làm được việc này."
);

/// Everyone who reads the reports of an area: the department and leaders,
/// not reporting units (the review list, the leader's page). It carries
/// what the account covers, so a page lists only the units `covers` keeps
/// and offers actions only where `reviews` says.
pub struct AreaViewer {
    pub user: CurrentUser,
    /// A reviewer or administrator (drafting, extensions); leaders only read.
    pub reviews: bool,
    /// Reads the whole area (its documents), not a part of it.
    pub whole_area: bool,
    principal: Principal,
}

impl AreaViewer {
    pub const ROLES: &'static [Role] = &[Role::Admin, Role::Reviewer, Role::Viewer];

    /// Whether the page may show `unit`: the area for the department, the
    /// leader's own unit and below for a leader.
    pub fn covers(&self, plan: &Plan, unit: &str) -> bool {
        self.principal.can_read(plan, unit)
    }
}

impl FromRequestParts<AppState> for AreaViewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        if !Self::ROLES.contains(&user.role) {
            return Err(AppError::forbidden(
                "Chỉ đơn vị duyệt báo cáo và lãnh đạo xem được trang này.",
            ));
        }
        let principal = user.principal();
        Ok(Self {
            reviews: principal.role.reviews(),
            whole_area: principal.reads_whole_area(&state.plan),
            principal,
            user,
        })
    }
}

/// Everyone who reads the whole area: the department and the area's
/// leaders, not reporting units nor a ward's leader (the area's documents
/// speak for every unit of it).
#[allow(dead_code, reason = "some handlers only need the gate, not the account")]
pub struct AreaReader(pub CurrentUser);

impl FromRequestParts<AppState> for AreaReader {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        if user.principal().reads_whole_area(&state.plan) {
            Ok(Self(user))
        } else {
            Err(AppError::forbidden(
                "Chỉ đơn vị duyệt báo cáo và lãnh đạo của toàn địa bàn tải được tài liệu tổng hợp.",
            ))
        }
    }
}
