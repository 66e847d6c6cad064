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

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

impl Store {
    /// Creates an account, with its audit event, in one transaction.
    pub async fn create_user(&self, stamp: &Stamp, user: &NewUser<'_>) -> Result<i64> {
        let hash = hash_password(user.password)?;
        let username = user.username.trim().to_lowercase();
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE username = $1").bind(&username).fetch_optional(&mut *tx).await?;
            if taken.is_some() {
                return Err(StorageError::Conflict(format!("tên đăng nhập «{username}» đã có")));
            }
            let (id,): (i64,) = sqlx::query_as("INSERT INTO users (username, display_name, password_hash, role, org_unit_code, disabled, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                .bind(&username).bind(user.display_name).bind(&hash).bind(user.role.as_str()).bind(user.org_unit).bind(false).bind(stamp.at_text())
                .fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO audit_events (at, actor, action, org_unit_code, new_value, reason) VALUES ($1, $2, 'user.create', $3, $4, $5)")
                .bind(stamp.at_text()).bind(&stamp.actor).bind(user.org_unit).bind(format!("{username} ({})", user.role.as_str())).bind(&stamp.reason)
                .execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(id)
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
        Ok(row.and_then(
            |(id, username, display_name, role, org_unit_code, disabled, hash)| {
                (!disabled && verify_password(password, &hash)).then_some(UserRow {
                    id,
                    username,
                    display_name,
                    role,
                    org_unit_code,
                    disabled,
                })
            },
        ))
    }
}
