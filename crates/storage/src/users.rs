//! Accounts: one org unit each, argon2id password hashes.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use xhht_domain::access::Role;

use crate::reports::Stamp;
use crate::{Result, StorageError, Store, with_db};

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    pub role: Role,
    pub org_unit: &'a str,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_unit_code: String,
    pub disabled: bool,
}

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StorageError::Password(e.to_string()))
}

/// 16 characters from an unambiguous alphabet, from the OS's random source:
/// for first administrators and password resets, shown once.
pub fn random_password() -> String {
    use argon2::password_hash::rand_core::RngCore;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

impl Store {
    /// Creates an account, with its audit event, in one transaction.
    pub async fn create_user(&self, stamp: &Stamp, user: &NewUser<'_>) -> Result<i64> {
        let ids = self.create_users(stamp, std::slice::from_ref(user)).await?;
        Ok(ids[0])
    }

    /// Creates several accounts in one transaction: all of them, or none if
    /// any name is taken or any unit is unknown.
    pub async fn create_users(&self, stamp: &Stamp, users: &[NewUser<'_>]) -> Result<Vec<i64>> {
        let hashes: Vec<String> = users.iter().map(|u| hash_password(u.password)).collect::<Result<_>>()?;
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let mut ids = Vec::with_capacity(users.len());
            for (user, hash) in users.iter().zip(&hashes) {
                let username = user.username.trim().to_lowercase();
                let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE username = $1").bind(&username).fetch_optional(&mut *tx).await?;
                if taken.is_some() {
                    return Err(StorageError::Conflict(format!("Tên đăng nhập «{username}» đã có.")));
                }
                let unit: Option<(String,)> = sqlx::query_as("SELECT code FROM org_units WHERE code = $1").bind(user.org_unit).fetch_optional(&mut *tx).await?;
                if unit.is_none() {
                    return Err(StorageError::Conflict(format!("Không có đơn vị «{}».", user.org_unit)));
                }
                let (id,): (i64,) = sqlx::query_as("INSERT INTO users (username, display_name, password_hash, role, org_unit_code, disabled, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                    .bind(&username).bind(user.display_name).bind(hash).bind(user.role.as_str()).bind(user.org_unit).bind(false).bind(stamp.at_text())
                    .fetch_one(&mut *tx).await?;
                sqlx::query("INSERT INTO audit_events (at, actor, action, org_unit_code, new_value, reason) VALUES ($1, $2, 'user.create', $3, $4, $5)")
                    .bind(stamp.at_text()).bind(&stamp.actor).bind(user.org_unit).bind(format!("{username} ({})", user.role.as_str())).bind(&stamp.reason)
                    .execute(&mut *tx).await?;
                ids.push(id);
            }
            tx.commit().await?;
            Ok(ids)
        })
    }

    pub async fn user(&self, id: i64) -> Result<Option<UserRow>> {
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as("SELECT id, username, display_name, role, org_unit_code, disabled FROM users WHERE id = $1").bind(id).fetch_optional(pool).await?
        }))
    }

    /// Whether `password` is the account's current password.
    pub async fn password_matches(&self, id: i64, password: &str) -> Result<bool> {
        let row: Option<(String,)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT password_hash FROM users WHERE id = $1").bind(id).fetch_optional(pool).await?
        });
        Ok(row.is_some_and(|(h,)| verify_password(password, &h)))
    }

    /// Sets a new password and ends the account's sessions, with an audit event.
    pub async fn set_password(&self, stamp: &Stamp, id: i64, password: &str) -> Result<()> {
        let hash = hash_password(password)?;
        self.account_change(
            stamp,
            id,
            "user.password",
            "UPDATE users SET password_hash = $1 WHERE id = $2",
            Some(hash),
            "***",
        )
        .await
    }

    /// Disables or re-enables an account; disabling ends its sessions.
    pub async fn set_disabled(&self, stamp: &Stamp, id: i64, disabled: bool) -> Result<()> {
        let shown = if disabled { "disabled" } else { "enabled" };
        let sql = "UPDATE users SET disabled = ($1 = 'disabled') WHERE id = $2";
        self.account_change(stamp, id, "user.disable", sql, Some(shown.to_string()), shown)
            .await
    }

    /// One account change: the update (`$1` its argument, `$2` the id), the
    /// end of the account's sessions and an audit event, in one transaction.
    async fn account_change(
        &self,
        stamp: &Stamp,
        id: i64,
        action: &str,
        sql: &str,
        arg: Option<String>,
        shown: &str,
    ) -> Result<()> {
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let user: Option<(String, String)> = sqlx::query_as("SELECT username, org_unit_code FROM users WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?;
            let Some((username, unit)) = user else {
                return Err(StorageError::NotFound(format!("tài khoản số {id}")));
            };
            sqlx::query(sql).bind(&arg).bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO audit_events (at, actor, action, org_unit_code, old_value, new_value, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(stamp.at_text()).bind(&stamp.actor).bind(action).bind(&unit).bind(&username).bind(shown).bind(&stamp.reason)
                .execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn users(&self) -> Result<Vec<UserRow>> {
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as("SELECT id, username, display_name, role, org_unit_code, disabled FROM users ORDER BY id").fetch_all(pool).await?
        }))
    }

    /// The account if the password matches and the account is enabled.
    pub async fn check_login(&self, username: &str, password: &str) -> Result<Option<UserRow>> {
        let username = username.trim().to_lowercase();
        let row: Option<(i64, String, String, String, String, bool, String)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT id, username, display_name, role, org_unit_code, disabled, password_hash FROM users WHERE username = $1")
                .bind(&username).fetch_optional(pool).await?
        });
        Ok(
            row.and_then(|(id, username, display_name, role, org_unit_code, disabled, hash)| {
                (!disabled && verify_password(password, &hash)).then_some(UserRow {
                    id,
                    username,
                    display_name,
                    role,
                    org_unit_code,
                    disabled,
                })
            }),
        )
    }
}
