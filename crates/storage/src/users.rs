//! Accounts: one org unit each, argon2id password hashes.

use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use xhht_domain::access::Role;
use xhht_domain::audit::Change;

use crate::reports::Stamp;
use crate::write::args;
use crate::{Conflict, Missing, Result, StorageError, Store, with_db};

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    pub role: Role,
    pub org_unit: &'a str,
    /// The password was generated for someone else to read (an
    /// administrator's creation or import, the CLI): its owner must choose
    /// their own at the first login. Sample accounts are not forced.
    pub must_change_password: bool,
}

/// Which accounts a page of the list shows; empty fields filter nothing.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Part of the username or the display name.
    pub name: String,
    pub unit: String,
    pub role: Option<Role>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_unit_code: String,
    pub disabled: bool,
    /// The plan the account's unit belongs to: it acts in that plan only.
    pub plan_id: i64,
    /// Holds a password an administrator generated (see [`NewUser`]).
    pub must_change_password: bool,
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

/// Password checks run on this many dedicated threads, one at a time each:
/// every argon2 hash takes 19 MiB (argon2's default m = 19456 KiB), so
/// parallel logins cost at most that many times 19 MiB, the async workers
/// never run one, and the buffers stay in these threads' malloc arenas
/// instead of one per blocking thread (measured: +209 MiB RSS over 500
/// checks on `spawn_blocking`, +0.2 MiB with fixed threads).
const HASHING_AT_ONCE: usize = 2;

/// A hash of a password nobody knows, with the same parameters as real
/// ones: unknown and disabled accounts are verified against it, so a
/// refusal takes as long whether or not the account exists.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_password()).expect("argon2 with default parameters"))
}

struct Check {
    password: String,
    hash: Option<String>,
    reply: tokio::sync::oneshot::Sender<bool>,
}

/// The queue of the hashing threads, started at first use.
fn hashers() -> &'static mpsc::Sender<Check> {
    static QUEUE: OnceLock<mpsc::Sender<Check>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Check>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..HASHING_AT_ONCE {
            let rx = Arc::clone(&rx);
            let work = move || {
                loop {
                    let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok(check) = next else { return };
                    let ok = match &check.hash {
                        Some(h) => verify_password(&check.password, h),
                        None => {
                            let _ = verify_password(&check.password, dummy_hash());
                            false
                        }
                    };
                    let _ = check.reply.send(ok);
                }
            };
            std::thread::Builder::new()
                .name(format!("xhht-password-{i}"))
                .spawn(work)
                .expect("start a password thread");
        }
        tx
    })
}

/// [`verify_password`] on the hashing threads, at most [`HASHING_AT_ONCE`]
/// at a time. `None` verifies against the dummy hash (and says no).
pub async fn verify_bounded(password: &str, hash: Option<String>) -> Result<bool> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    let check = Check {
        password: password.to_string(),
        hash,
        reply,
    };
    let lost = |e: &dyn std::fmt::Display| StorageError::Password(e.to_string());
    hashers().send(check).map_err(|e| lost(&e))?;
    answer.await.map_err(|e| lost(&e))
}

impl Store {
    /// Creates an account, with its audit event, in one transaction.
    pub async fn create_user(&self, stamp: &Stamp, user: &NewUser<'_>) -> Result<i64> {
        let ids = self.create_users(stamp, std::slice::from_ref(user)).await?;
        Ok(ids[0])
    }

    /// Creates several accounts in one transaction: all of them, or none if
    /// any name is taken or any unit is unknown. A name taken by a
    /// concurrent creation is caught by the insert itself (`ON CONFLICT`).
    pub async fn create_users(&self, stamp: &Stamp, users: &[NewUser<'_>]) -> Result<Vec<i64>> {
        let hashes: Vec<String> = users.iter().map(|u| hash_password(u.password)).collect::<Result<_>>()?;
        let mut w = self.begin_write().await?;
        let mut ids = Vec::with_capacity(users.len());
        let mut events = Vec::with_capacity(users.len());
        for (user, hash) in users.iter().zip(&hashes) {
            let username = user.username.trim().to_lowercase();
            let unit: Option<(String,)> = w
                .fetch_optional(
                    "SELECT code FROM org_units WHERE code = $1 AND plan_id = $2",
                    args![user.org_unit, w.plan],
                )
                .await?;
            if unit.is_none() {
                return Err(Conflict::UnknownUnit {
                    code: user.org_unit.to_string(),
                }
                .into());
            }
            let id: Option<(i64,)> = w
                .fetch_optional(
                    "INSERT INTO users (username, display_name, password_hash, role, org_unit_code, disabled, created_at, plan_id, must_change_password) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (username) DO NOTHING RETURNING id",
                    args![&username, user.display_name, hash, user.role.as_str(), user.org_unit, false, stamp.at_text(), w.plan, user.must_change_password],
                )
                .await?;
            let Some((id,)) = id else {
                return Err(Conflict::UsernameTaken { username }.into());
            };
            let change = Change::UserCreated {
                username,
                role: user.role,
            };
            events.push((user.org_unit, change));
            ids.push(id);
        }
        // The events last: the audit chain's end is locked from the first
        // one to the commit, so nothing that may wait on another writer
        // (an insert of the same username) comes after it.
        for (unit, change) in &events {
            w.audit(stamp, Some(unit), None, change).await?;
        }
        w.commit().await?;
        Ok(ids)
    }

    pub async fn user(&self, id: i64) -> Result<Option<UserRow>> {
        let row: Option<StoredUser> = with_db!(&self.db, pool => {
            sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")).bind(id).fetch_optional(pool).await?
        });
        row.map(UserRow::try_from).transpose()
    }

    /// Whether `password` is the account's current password.
    pub async fn password_matches(&self, id: i64, password: &str) -> Result<bool> {
        let row: Option<(String,)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT password_hash FROM users WHERE id = $1").bind(id).fetch_optional(pool).await?
        });
        verify_bounded(password, row.map(|(h,)| h)).await
    }

    /// The account's own new password: ends its sessions (and the duty to
    /// change a generated one), with an audit event.
    pub async fn set_password(&self, stamp: &Stamp, id: i64, password: &str) -> Result<()> {
        let hash = hash_password(password)?;
        self.account_change(stamp, id, AccountChange::Password { hash, temporary: false })
            .await
    }

    /// An administrator's reset to a generated `password`: its owner must
    /// change it at the next login.
    pub async fn reset_password(&self, stamp: &Stamp, id: i64, password: &str) -> Result<()> {
        let hash = hash_password(password)?;
        self.account_change(stamp, id, AccountChange::Password { hash, temporary: true })
            .await
    }

    /// Disables or re-enables an account; disabling ends its sessions.
    pub async fn set_disabled(&self, stamp: &Stamp, id: i64, disabled: bool) -> Result<()> {
        self.account_change(stamp, id, AccountChange::Disabled(disabled)).await
    }

    /// One account change as one locked write: the account's row, the
    /// update, the end of the account's sessions and an audit event.
    async fn account_change(&self, stamp: &Stamp, id: i64, what: AccountChange) -> Result<()> {
        let mut w = self.begin_write().await?;
        let sql = format!(
            "SELECT username, org_unit_code FROM users WHERE id = $1{}",
            w.for_update()
        );
        let Some((username, unit)) = w.fetch_optional::<(String, String)>(&sql, args![id]).await? else {
            return Err(Missing::Account { id }.into());
        };
        let change = match what {
            AccountChange::Password { hash, temporary } => {
                w.execute(
                    "UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3",
                    args![hash, temporary, id],
                )
                .await?;
                Change::PasswordReset { username }
            }
            AccountChange::Disabled(disabled) => {
                w.execute("UPDATE users SET disabled = $1 WHERE id = $2", args![disabled, id])
                    .await?;
                if disabled {
                    Change::UserDisabled { username }
                } else {
                    Change::UserEnabled { username }
                }
            }
        };
        w.execute("DELETE FROM sessions WHERE user_id = $1", args![id]).await?;
        w.audit(stamp, Some(&unit), None, &change).await?;
        w.commit().await
    }

    pub async fn users(&self) -> Result<Vec<UserRow>> {
        let plan = self.plan_id().await?;
        let rows: Vec<StoredUser> = with_db!(&self.db, pool => {
            sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE plan_id = $1 ORDER BY id"))
                .bind(plan).fetch_all(pool).await?
        });
        rows.into_iter().map(UserRow::try_from).collect()
    }

    /// One page of the plan's accounts that pass `filter`, by username, and
    /// how many pass in all. The filter's clauses are in the SQL text only
    /// when given; the page is `LIMIT`/`OFFSET` in SQL.
    pub async fn users_page(&self, filter: &UserFilter, offset: i64, limit: i64) -> Result<(Vec<UserRow>, i64)> {
        let plan = self.plan_id().await?;
        let (sql_where, binds) = user_filter(filter);
        let n = binds.len();
        let list = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE plan_id = $1{sql_where} ORDER BY username LIMIT ${} OFFSET ${}",
            n + 2,
            n + 3
        );
        let count = format!("SELECT COUNT(*) FROM users WHERE plan_id = $1{sql_where}");
        let (rows, total): (Vec<StoredUser>, (i64,)) = with_db!(&self.db, pool => {
            let mut q = sqlx::query_as(&list).bind(plan);
            let mut c = sqlx::query_as(&count).bind(plan);
            for b in &binds {
                q = q.bind(b.clone());
                c = c.bind(b.clone());
            }
            (q.bind(limit).bind(offset).fetch_all(pool).await?, c.fetch_one(pool).await?)
        });
        let users = rows.into_iter().map(UserRow::try_from).collect::<Result<_>>()?;
        Ok((users, total.0))
    }

    /// An administrator moves an account to `role` and `unit`, as one
    /// locked write with its audit event. `seen` is the role and unit the
    /// administrator's page showed: if another administrator changed them
    /// since, nothing is written. Refused: one's own role, a unit the plan
    /// does not have, the plan's last enabled administrator losing the role.
    pub async fn edit_account(&self, stamp: &Stamp, id: i64, edit: &AccountEdit<'_>) -> Result<()> {
        let mut w = self.begin_write().await?;
        // Every account edit of the plan takes its turn: two administrators
        // demoting each other cannot both see the other still in place.
        w.lock_table("users").await?;
        let sql = format!(
            "SELECT username, role, org_unit_code FROM users WHERE id = $1 AND plan_id = $2{}",
            w.for_update()
        );
        let Some((username, role, unit)) = w
            .fetch_optional::<(String, String, String)>(&sql, args![id, w.plan])
            .await?
        else {
            return Err(Missing::Account { id }.into());
        };
        let old_role =
            Role::parse(&role).ok_or_else(|| StorageError::Corrupt(format!("role “{role}” of account {id}")))?;
        if (old_role, unit.as_str()) != (edit.seen_role, edit.seen_unit) {
            return Err(Conflict::AccountChanged {
                username,
                role: old_role,
                unit,
            }
            .into());
        }
        if username == stamp.actor && edit.role != old_role {
            return Err(Conflict::OwnRole.into());
        }
        let known: Option<(String,)> = w
            .fetch_optional(
                "SELECT code FROM org_units WHERE code = $1 AND plan_id = $2",
                args![edit.unit, w.plan],
            )
            .await?;
        if known.is_none() {
            return Err(Conflict::UnknownUnit {
                code: edit.unit.to_string(),
            }
            .into());
        }
        if old_role == Role::Admin && edit.role != Role::Admin {
            let others: (i64,) = w
                .fetch_one(
                    "SELECT COUNT(*) FROM users WHERE plan_id = $1 AND role = $2 AND disabled = $3 AND id <> $4",
                    args![w.plan, Role::Admin.as_str(), false, id],
                )
                .await?;
            if others.0 == 0 {
                return Err(Conflict::LastAdmin { username }.into());
            }
        }
        w.execute(
            "UPDATE users SET role = $1, org_unit_code = $2 WHERE id = $3",
            args![edit.role.as_str(), edit.unit, id],
        )
        .await?;
        let change = Change::AccountEdited {
            username,
            old_role,
            new_role: edit.role,
            old_unit: unit,
            new_unit: edit.unit.to_string(),
        };
        w.audit(stamp, Some(edit.unit), None, &change).await?;
        w.commit().await
    }

    /// The account if the password matches and the account is enabled.
    /// An unknown or disabled account is verified against a dummy hash:
    /// the same work, so the time taken tells nothing.
    pub async fn check_login(&self, username: &str, password: &str) -> Result<Option<UserRow>> {
        // A name no account can have (too long, NUL, other characters) is
        // not sent to the database: it is simply unknown.
        let Ok(username) = xhht_domain::access::username(username) else {
            return verify_bounded(password, None).await.map(|_| None);
        };
        let row: Option<(StoredUser, String)> = with_db!(&self.db, pool => {
            sqlx::query_as(&format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1"))
                .bind(&username).fetch_optional(pool).await?
                .map(|r: (i64, String, String, String, String, bool, i64, bool, String)| {
                    let (id, username, display_name, role, org_unit_code, disabled, plan_id, must_change_password, hash) = r;
                    (StoredUser { id, username, display_name, role, org_unit_code, disabled, plan_id, must_change_password }, hash)
                })
        });
        let (user, hash) = match row {
            Some((user, hash)) if !user.disabled => (Some(user), Some(hash)),
            _ => (None, None),
        };
        match (verify_bounded(password, hash).await?, user) {
            (true, Some(user)) => Ok(Some(user.try_into()?)),
            _ => Ok(None),
        }
    }

    /// Records a login, a refused login or a logout. A success or logout
    /// goes to the account's unit; a refusal to no unit.
    pub async fn audit_login(&self, stamp: &Stamp, unit: Option<&str>, change: &Change) -> Result<()> {
        let mut w = self.begin_write().await?;
        w.audit(stamp, unit, None, change).await?;
        w.commit().await
    }
}

enum AccountChange {
    /// A new hash; `temporary` when an administrator generated it.
    Password {
        hash: String,
        temporary: bool,
    },
    Disabled(bool),
}

/// An administrator's edit of an account: the new role and unit, and what
/// the page showed before (to notice another administrator's edit).
pub struct AccountEdit<'a> {
    pub role: Role,
    pub unit: &'a str,
    pub seen_role: Role,
    pub seen_unit: &'a str,
}

/// The columns of [`StoredUser`], in its order.
pub(crate) const USER_COLUMNS: &str =
    "id, username, display_name, role, org_unit_code, disabled, plan_id, must_change_password";

/// The `AND …` clauses of a [`UserFilter`] (binds from `$2`, after the
/// plan) and their values, in order.
fn user_filter(f: &UserFilter) -> (String, Vec<String>) {
    let mut sql = String::new();
    let mut binds = Vec::new();
    let name = f.name.trim();
    if !name.is_empty() {
        // LIKE's own characters are matched as typed. LOWER folds ASCII on
        // both databases (PostgreSQL folds more), so the typed text is also
        // tried as it is.
        let escaped = name.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let (a, b) = (binds.len() + 2, binds.len() + 3);
        binds.push(format!("%{}%", escaped.to_lowercase()));
        binds.push(format!("%{escaped}%"));
        sql.push_str(&format!(
            " AND (LOWER(username) LIKE ${a} ESCAPE '\\' OR LOWER(display_name) LIKE ${a} ESCAPE '\\' OR display_name LIKE ${b} ESCAPE '\\')"
        ));
    }
    if !f.unit.trim().is_empty() {
        binds.push(f.unit.trim().to_string());
        sql.push_str(&format!(" AND org_unit_code = ${}", binds.len() + 1));
    }
    if let Some(role) = f.role {
        binds.push(role.as_str().to_string());
        sql.push_str(&format!(" AND role = ${}", binds.len() + 1));
    }
    (sql, binds)
}

/// A `users` row as stored; [`UserRow`] once its role is read.
#[derive(sqlx::FromRow)]
pub(crate) struct StoredUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_unit_code: String,
    pub disabled: bool,
    pub plan_id: i64,
    pub must_change_password: bool,
}

impl TryFrom<StoredUser> for UserRow {
    type Error = StorageError;

    fn try_from(u: StoredUser) -> Result<Self> {
        let role = Role::parse(&u.role)
            .ok_or_else(|| StorageError::Corrupt(format!("role “{}” of account {}", u.role, u.id)))?;
        Ok(UserRow {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role,
            org_unit_code: u.org_unit_code,
            disabled: u.disabled,
            plan_id: u.plan_id,
            must_change_password: u.must_change_password,
        })
    }
}
