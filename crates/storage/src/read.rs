//! A run of reads on one pooled connection. sqlx pings a connection every
//! time it goes back to its pool, a trip to PostgreSQL (and to SQLite's
//! thread); a page that makes several reads takes one connection for all of
//! them and gives it back once.
//!
//! A reader holds one of the pool's connections: while it is held, nothing
//! may wait for another from the same pool (with every connection held that
//! way, the wait would never end). Callers hold one for their reads only,
//! and the [`Store`] methods of the same names each take one of their own.

use sqlx::pool::PoolConnection;
use sqlx::{Postgres, Sqlite};

use crate::{Db, Result, Store};

/// One pooled connection and the plan it reads.
pub struct Reader {
    pub(crate) conn: Conn,
    pub(crate) plan: i64,
}

pub(crate) enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// Runs the same body on whichever connection `$conn` holds; `$c` is bound
/// to it (`&mut` the driver's connection: reborrow it, `&mut *$c`, to run
/// more than one statement).
macro_rules! with_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::read::Conn::Sqlite(pooled) => {
                let $c: &mut sqlx::SqliteConnection = &mut *pooled;
                $body
            }
            $crate::read::Conn::Postgres(pooled) => {
                let $c: &mut sqlx::PgConnection = &mut *pooled;
                $body
            }
        }
    };
}
pub(crate) use with_conn;

impl Store {
    /// A connection of the readers' pool for a run of reads of this
    /// handle's plan (see the module's note on holding it).
    pub async fn reader(&self) -> Result<Reader> {
        let plan = self.plan_id().await?;
        let conn = match &self.db {
            Db::Sqlite(pool) => Conn::Sqlite(pool.acquire().await?),
            Db::Postgres(pool) => Conn::Postgres(pool.acquire().await?),
        };
        Ok(Reader { conn, plan })
    }
}
