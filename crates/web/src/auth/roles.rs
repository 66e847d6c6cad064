//! Role gates: a handler that takes `Reviewer`, `Admin`, `AreaViewer` or `AreaReader` runs
//! only for an account of those roles. Without a login the browser goes to
//! the login page; with the wrong role the answer is 403 and nothing happens.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use xhht_domain::access::Role;

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

role_gate!(
    /// Everyone who reads the reports of an area: the department and
    /// leaders, not reporting units (the review list, the leader's page).
    /// Pages under this gate list only the units `Principal::can_read`.
    AreaViewer,
    [Admin, Reviewer, Viewer],
    "Chỉ đơn vị duyệt báo cáo và lãnh đạo xem được trang này."
);

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
