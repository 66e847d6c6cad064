//! Login sessions in the database. The cookie carries a random token; the
//! table keeps only its SHA-256, so a copy of the database opens no session.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

use crate::notices::{NOTICE_COLUMNS, NoticeRow, StoredNotice, UNREAD_SHOWN, unread};
use crate::users::{StoredUser, UserRow};
use crate::write::args;
use crate::{Result, Store, with_db};

/// The account behind a session: what every request needs of it.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user: UserRow,
    pub csrf: String,
    /// Its unread notices as [`Store::unread_notices`] reads them, when its
    /// plan is the handle's; `None` for an account of another plan (its
    /// unit there is found by the register: read them apart).
    pub notices: Option<Vec<NoticeRow>>,
}

/// A fresh session: the cookie token and the CSRF token of its forms.
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
}

pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Store {
    /// Opens a session for `user_id`, valid for `ttl`. Login calls this after
    /// deleting the previous session, so the id changes at every login.
    pub async fn create_session(&self, user_id: i64, ttl: Duration) -> Result<NewSession> {
        let s = NewSession {
            token: random_token(),
            csrf_token: random_token(),
        };
        let now = Utc::now();
        let mut w = self.begin_write().await?;
        w.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            args![token_hash(&s.token), user_id, &s.csrf_token, ts(now), ts(now + ttl)],
        )
        .await?;
        w.commit().await?;
        Ok(s)
    }

    /// The enabled account behind a live session token, its CSRF token and,
    /// in the same query, its unread notices when its plan is this handle's
    /// (every page shows them: one trip fewer per page).
    pub async fn session_user(&self, token: &str) -> Result<Option<SessionUser>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: StoredUser,
            csrf_token: String,
            #[sqlx(flatten)]
            notice: StoredNotice,
        }
        let plan = self.plan_id().await?;
        // One row per notice, or one with none; the account's columns repeat.
        let sql = format!(
            "SELECT u.id, u.username, u.display_name, u.role, u.org_unit_code, u.disabled, u.plan_id, u.must_change_password, \
             s.csrf_token, {NOTICE_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id \
             LEFT JOIN notices n ON u.plan_id = $3 AND {} \
             WHERE s.token_hash = $1 AND s.expires_at > $2 ORDER BY n.id DESC LIMIT {UNREAD_SHOWN}",
            unread("$3", "u.id", "u.org_unit_code")
        );
        let rows: Vec<Row> = with_db!(&self.db, pool => {
            sqlx::query_as(&sql).bind(token_hash(token)).bind(ts(Utc::now())).bind(plan).fetch_all(pool).await?
        });
        let mut notices = Vec::new();
        let mut account = None;
        for row in rows {
            notices.extend(row.notice.read());
            account.get_or_insert((row.user, row.csrf_token));
        }
        let Some((user, csrf)) = account.filter(|(u, _)| !u.disabled) else {
            return Ok(None);
        };
        let own_plan = user.plan_id == plan;
        Ok(Some(SessionUser {
            user: UserRow::try_from(user)?,
            csrf,
            notices: own_plan.then_some(notices),
        }))
    }

    pub async fn delete_session(&self, token: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        w.execute("DELETE FROM sessions WHERE token_hash = $1", args![token_hash(token)])
            .await?;
        w.commit().await
    }

    /// Deletes every session expired at `now`; how many went. Login calls
    /// it, and the server at start, so the table holds live sessions only.
    pub async fn purge_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        let mut w = self.begin_write().await?;
        let gone = w
            .execute("DELETE FROM sessions WHERE expires_at <= $1", args![ts(now)])
            .await?;
        w.commit().await?;
        Ok(gone)
    }

    /// Ends every session of an account (password changed, account disabled).
    pub async fn delete_user_sessions(&self, user_id: i64) -> Result<()> {
        let mut w = self.begin_write().await?;
        w.execute("DELETE FROM sessions WHERE user_id = $1", args![user_id])
            .await?;
        w.commit().await
    }
}
