//! Login sessions in the database. The cookie carries a random token; the
//! table keeps only its SHA-256, so a copy of the database opens no session.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

use crate::users::{StoredUser, UserRow};
use crate::write::args;
use crate::{Result, Store, with_db};

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

    /// The enabled account behind a live session token, and its CSRF token.
    pub async fn session_user(&self, token: &str) -> Result<Option<(UserRow, String)>> {
        let row: Option<SessionRow> = with_db!(&self.db, pool => {
            sqlx::query_as(
                "SELECT u.id, u.username, u.display_name, u.role, u.org_unit_code, u.disabled, u.plan_id, u.must_change_password, s.csrf_token \
                 FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
            )
            .bind(token_hash(token)).bind(ts(Utc::now())).fetch_optional(pool).await?
        });
        let Some((id, username, display_name, role, org_unit_code, disabled, plan_id, must_change_password, csrf)) =
            row
        else {
            return Ok(None);
        };
        if disabled {
            return Ok(None);
        }
        let user = StoredUser {
            id,
            username,
            display_name,
            role,
            org_unit_code,
            disabled,
            plan_id,
            must_change_password,
        };
        Ok(Some((UserRow::try_from(user)?, csrf)))
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

/// An account and its session's CSRF token: id, username, display name,
/// role, unit, disabled, plan, must change its password, CSRF token.
type SessionRow = (i64, String, String, String, String, bool, i64, bool, String);
