//! `POST /admin/users/import?_csrf=…` (multipart, field `file`): a CSV with
//! the header `username,display_name,role,org_unit`. All rows or none.

use std::collections::HashSet;

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{Checked, ListQuery, Outcome, check, create_all, render};
use crate::auth::Admin;
use crate::chrome::Chrome;
use crate::respond::{AppError, ErrorKind};
use crate::state::AppState;

pub async fn import(
    State(state): State<AppState>,
    chrome: Chrome,
    admin: Admin,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let mut bytes = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            bytes = field.bytes().await.ok();
        }
    }
    let refused = |problems: Vec<String>| Outcome {
        error: "Chưa tạo tài khoản nào: tệp có lỗi.".into(),
        problems,
        ..Outcome::default()
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return render(
            &state,
            chrome,
            &admin,
            status,
            refused(vec!["Chưa chọn tệp CSV.".into()]),
            &ListQuery::default(),
        )
        .await;
    };
    let (accounts, problems) = parse_csv(&state, &bytes);
    if !problems.is_empty() {
        return render(&state, chrome, &admin, status, refused(problems), &ListQuery::default()).await;
    }
    match create_all(&state, &admin, &accounts).await.map_err(AppError::from) {
        Ok(()) => {
            let passwords: Vec<_> = accounts.into_iter().map(|a| (a.username, a.password)).collect();
            let notice = format!("Đã tạo {} tài khoản. Mật khẩu chỉ hiện một lần.", passwords.len());
            render(
                &state,
                chrome,
                &admin,
                StatusCode::OK,
                Outcome::notice(notice, passwords),
                &ListQuery::default(),
            )
            .await
        }
        Err(e) if e.kind == ErrorKind::Conflict => {
            render(
                &state,
                chrome,
                &admin,
                status,
                refused(vec![e.message]),
                &ListQuery::default(),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

fn parse_csv(state: &AppState, bytes: &[u8]) -> (Vec<Checked>, Vec<String>) {
    let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).into_owned();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(str::to_lowercase).collect())
        .unwrap_or_default();
    if header != ["username", "display_name", "role", "org_unit"] {
        return (
            vec![],
            vec!["Dòng đầu phải là: username,display_name,role,org_unit".into()],
        );
    }
    let (mut out, mut problems, mut seen) = (Vec::new(), Vec::new(), HashSet::new());
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let Ok(r) = record else {
            problems.push(format!("Dòng {line}: không đọc được."));
            continue;
        };
        if r.len() != 4 {
            problems.push(format!("Dòng {line}: cần đúng 4 cột."));
            continue;
        }
        match check(state, &r[0], &r[1], &r[2], &r[3]) {
            Ok(c) if !seen.insert(c.username.clone()) => {
                problems.push(format!("Dòng {line}: “{}” lặp lại trong tệp.", c.username))
            }
            Ok(c) => out.push(c),
            Err(msg) => problems.push(format!("Dòng {line}: {msg}.")),
        }
    }
    if out.is_empty() && problems.is_empty() {
        problems.push("Tệp không có tài khoản nào.".into());
    }
    (out, problems)
}
