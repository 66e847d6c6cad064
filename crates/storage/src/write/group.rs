//! Group commit: the writers of this process take turns on one write
//! transaction, each inside a savepoint of its own, and the transaction
//! commits when nobody is waiting for the next turn (or the group is full
//! or old). A commit with `synchronous = FULL` waits for the disk (about
//! 1 ms here, half of a draft save under the lock); a group of writers
//! waits for it once. Every write still stands alone: its savepoint rolls
//! back on its own, and its caller hears "saved" only after the group's
//! COMMIT returned, so nothing is acknowledged that a crash could lose.
//!
//! Turns are queued in order (tokio's mutex is fair), on both databases.
//! SQLite writers therefore never spin in SQLite's busy handler, and on
//! PostgreSQL the audit chain's one row, which every write locks, is locked
//! by one transaction at a time instead of being fought over.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

use super::Tx;
use crate::{Db, Result, StorageError};

/// How long a writer waits for its turn before it is told the server is busy.
const TURN_WAIT: Duration = Duration::from_secs(10);
/// A group commits once it holds this many writes…
const MAX_WRITES: usize = 32;
/// …or once its first write is this old, whoever is waiting: the first
/// writer's answer waits no longer than this for the others.
const MAX_AGE: Duration = Duration::from_millis(10);
/// A writer waiting for its group's commit looks this often whether the
/// writer expected to take the next turn gave up (its request was dropped);
/// then it commits the group itself.
const FOLLOWER_CHECK: Duration = Duration::from_millis(20);

/// The turns of one database, shared by every clone and plan handle of a
/// store (one server process per database).
#[derive(Debug, Default)]
pub(crate) struct Turns {
    slot: Arc<Mutex<Slot>>,
    /// Writers waiting for a turn: while there are any, a finished write
    /// leaves the transaction open for them.
    queued: AtomicUsize,
    next_group: AtomicU64,
}

/// What the writer holding the turn holds.
#[derive(Debug, Default)]
pub(crate) struct Slot {
    group: Option<Group>,
    /// A writer was dropped inside its savepoint (an error or a cancelled
    /// request): it is rolled back before anything else runs.
    dirty: bool,
}

/// The open transaction and the writes in it waiting for its commit.
struct Group {
    id: u64,
    tx: Tx,
    started: Instant,
    waiting: Vec<oneshot::Sender<std::result::Result<(), String>>>,
}

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Group")
            .field("id", &self.id)
            .field("writes", &self.waiting.len())
            .finish()
    }
}

/// A turn: the slot, with a savepoint open in the group's transaction.
pub(crate) type Turn = OwnedMutexGuard<Slot>;

impl Slot {
    /// The open transaction (a turn always has one).
    pub(super) fn tx(&mut self) -> &mut Tx {
        &mut self.group.as_mut().expect("a turn holds a transaction").tx
    }

    pub(super) fn tx_ref(&self) -> &Tx {
        &self.group.as_ref().expect("a turn holds a transaction").tx
    }

    async fn run(&mut self, sql: &str) -> Result<()> {
        match self.tx() {
            Tx::Sqlite(tx) => sqlx::query(sql).execute(&mut **tx).await.map(drop)?,
            Tx::Postgres(tx) => sqlx::query(sql).execute(&mut **tx).await.map(drop)?,
        }
        Ok(())
    }

    /// Undoes the savepoint a dropped writer left open.
    async fn clean(&mut self) -> Result<()> {
        if self.dirty && self.group.is_some() {
            self.run("ROLLBACK TO SAVEPOINT write").await?;
            self.run("RELEASE SAVEPOINT write").await?;
        }
        self.dirty = false;
        Ok(())
    }

    /// Ends the group's transaction: COMMIT (or ROLLBACK), then every write
    /// waiting in it hears the outcome.
    async fn finish(&mut self, commit: bool, version: &AtomicU64) -> Result<()> {
        let Some(group) = self.group.take() else {
            return Ok(());
        };
        self.dirty = false;
        let done: Result<()> = match (group.tx, commit) {
            (Tx::Sqlite(tx), true) => tx.commit().await.map_err(Into::into),
            (Tx::Postgres(tx), true) => tx.commit().await.map_err(Into::into),
            (Tx::Sqlite(tx), false) => tx.rollback().await.map_err(Into::into),
            (Tx::Postgres(tx), false) => tx.rollback().await.map_err(Into::into),
        };
        if done.is_ok() && commit {
            // After the commit: a page rendered from here on sees the change.
            version.fetch_add(1, Ordering::AcqRel);
        }
        let outcome = match (&done, commit) {
            (Ok(()), true) => Ok(()),
            (Ok(()), false) => Err("nhóm ghi bị hủy".to_string()),
            (Err(e), _) => Err(e.to_string()),
        };
        for w in group.waiting {
            // A writer whose request was dropped no longer listens.
            let _ = w.send(outcome.clone());
        }
        done
    }
}

impl Turns {
    /// Waits for the turn, then opens a savepoint for the write: in the
    /// group's transaction, or in a new one (`BEGIN IMMEDIATE` on SQLite,
    /// which takes the database's write lock against other processes).
    pub(crate) async fn take(
        &self,
        db: &Db,
        sqlite_writer: Option<&sqlx::SqlitePool>,
        version: &AtomicU64,
    ) -> Result<Turn> {
        let mut turn = self.wait().await?;
        if let Err(e) = self.open(&mut turn, db, sqlite_writer, version).await {
            // The group's transaction is in an unknown state: end it.
            let _ = turn.finish(false, version).await;
            return Err(e);
        }
        Ok(turn)
    }

    async fn wait(&self) -> Result<Turn> {
        struct Queued<'a>(&'a AtomicUsize);
        impl Drop for Queued<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::AcqRel);
            }
        }
        self.queued.fetch_add(1, Ordering::AcqRel);
        let _queued = Queued(&self.queued);
        tokio::time::timeout(TURN_WAIT, self.slot.clone().lock_owned())
            .await
            .map_err(|_| StorageError::Busy)
    }

    async fn open(
        &self,
        turn: &mut Turn,
        db: &Db,
        sqlite_writer: Option<&sqlx::SqlitePool>,
        version: &AtomicU64,
    ) -> Result<()> {
        turn.clean().await?;
        if turn.group.as_ref().is_some_and(|g| g.started.elapsed() >= MAX_AGE) {
            // A group left open longer than it should (its last writer was
            // slow): its writes are not kept waiting behind this one.
            turn.finish(true, version).await?;
        }
        if turn.group.is_none() {
            let tx = match db {
                Db::Sqlite(pool) => Tx::Sqlite(sqlite_writer.unwrap_or(pool).begin_with("BEGIN IMMEDIATE").await?),
                Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
            };
            turn.group = Some(Group {
                id: self.next_group.fetch_add(1, Ordering::Relaxed),
                tx,
                started: Instant::now(),
                waiting: Vec::new(),
            });
        }
        turn.run("SAVEPOINT write").await?;
        turn.dirty = true;
        Ok(())
    }

    /// The write in `turn` is complete: keeps it and hands the turn on.
    /// Returns once the group holding it has committed.
    pub(crate) async fn done(self: &Arc<Self>, mut turn: Turn, version: &Arc<AtomicU64>) -> Result<()> {
        if let Err(e) = turn.run("RELEASE SAVEPOINT write").await {
            self.abandon(turn, version.clone());
            return Err(e);
        }
        turn.dirty = false;
        let group = turn.group.as_mut().expect("a turn holds a transaction");
        let others_waiting = self.queued.load(Ordering::Acquire) > 0;
        if !others_waiting || group.waiting.len() + 1 >= MAX_WRITES || group.started.elapsed() >= MAX_AGE {
            return turn.finish(true, version).await;
        }
        let (tell, heard) = oneshot::channel();
        group.waiting.push(tell);
        let id = group.id;
        drop(turn);
        self.await_group(id, heard, version).await
    }

    /// A writer's wait for the commit of the group it is in.
    async fn await_group(
        &self,
        id: u64,
        mut heard: oneshot::Receiver<std::result::Result<(), String>>,
        version: &AtomicU64,
    ) -> Result<()> {
        loop {
            match tokio::time::timeout(FOLLOWER_CHECK, &mut heard).await {
                Ok(Ok(outcome)) => return outcome.map_err(StorageError::GroupCommit),
                Ok(Err(_)) => return Err(StorageError::GroupCommit("nhóm ghi bị bỏ".into())),
                Err(_) => {
                    // Nobody may be coming for the turn: if the group is still
                    // open when it comes to us, we commit it.
                    let mut turn = self.slot.clone().lock_owned().await;
                    if turn.group.as_ref().is_some_and(|g| g.id == id) {
                        turn.clean().await?;
                        turn.finish(true, version).await?;
                    }
                }
            }
        }
    }

    /// A writer dropped without `done` (an error, a cancelled request):
    /// its savepoint is rolled back, and the group commits unless someone
    /// is waiting to go on with it. Runs on its own task, holding the turn.
    pub(crate) fn abandon(self: &Arc<Self>, turn: Turn, version: Arc<AtomicU64>) {
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return; // the next writer rolls the savepoint back (`clean`)
        };
        let turns = self.clone();
        rt.spawn(async move {
            let mut turn = turn;
            if turn.clean().await.is_err() {
                let _ = turn.finish(false, &version).await;
                return;
            }
            let empty = turn.group.as_ref().is_some_and(|g| g.waiting.is_empty());
            if turns.queued.load(Ordering::Acquire) == 0 {
                // Nothing of this group to keep when it is empty.
                let _ = turn.finish(!empty, &version).await;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;
    use std::time::Duration;

    use xhht_domain::audit::Change;

    use crate::reports::Stamp;
    use crate::{Store, test_support};

    async fn events(store: &Store) -> i64 {
        let (n,): (i64,) = crate::with_db!(&store.db, pool => {
            sqlx::query_as("SELECT COUNT(*) FROM audit_events").fetch_one(pool).await.unwrap()
        });
        n
    }

    /// Opens a write that appends one event.
    async fn write_one(store: &Store, file: &str) -> super::super::Writer {
        let mut w = store.begin_write().await.unwrap();
        let change = Change::BackupMade { file: file.into() };
        w.audit(&Stamp::now("test"), None, None, &change).await.unwrap();
        w
    }

    /// Waits (a bounded number of scheduler turns) until no write holds or
    /// leaves open the transaction.
    async fn settled(store: &Store) -> bool {
        for _ in 0..2_000 {
            if let Ok(slot) = store.turns.slot.try_lock()
                && slot.group.is_none()
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        false
    }

    /// A write left its group open for a writer that was waiting and then
    /// gave up (its request was dropped): the write commits it itself.
    #[tokio::test]
    async fn a_group_whose_next_writer_never_comes_still_commits() {
        for store in test_support::stores("group_next_gone").await {
            let b = store.backend();
            let before = (events(&store).await, store.data_version());
            let w = write_one(&store, "a").await;
            // A writer queued for the next turn, that will never take it.
            store.turns.queued.fetch_add(1, Ordering::AcqRel);
            let done = tokio::time::timeout(Duration::from_secs(5), w.commit()).await;
            store.turns.queued.fetch_sub(1, Ordering::AcqRel);
            done.unwrap_or_else(|_| panic!("{b:?}: the write never heard of its commit"))
                .unwrap();
            assert_eq!(
                events(&store).await,
                before.0 + 1,
                "{b:?}: committed, visible to readers"
            );
            assert_eq!(store.data_version(), before.1 + 1, "{b:?}");
            assert!(settled(&store).await, "{b:?}: the transaction is closed");
        }
    }

    /// A write dropped without commit (an error, a cancelled request) rolls
    /// back alone and does not keep the database's transaction open.
    #[tokio::test]
    async fn a_dropped_write_rolls_back_and_closes_the_transaction() {
        for store in test_support::stores("group_dropped").await {
            let b = store.backend();
            let before = (events(&store).await, store.data_version());
            drop(write_one(&store, "dropped").await);
            assert!(settled(&store).await, "{b:?}: the transaction is closed");
            assert_eq!(events(&store).await, before.0, "{b:?}: nothing kept");
            assert_eq!(store.data_version(), before.1, "{b:?}: nothing committed");
            // The next write goes through and the chain is whole.
            write_one(&store, "next").await.commit().await.unwrap();
            assert_eq!(events(&store).await, before.0 + 1, "{b:?}");
            assert!(store.verify_audit().await.unwrap().is_intact(), "{b:?}");
        }
    }

    /// Writers queued behind one another share commits; a write dropped in
    /// the middle of a group takes only itself back.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn queued_writers_share_commits_and_a_dropped_one_takes_only_itself_back() {
        for store in test_support::stores("group_shared").await {
            let b = store.backend();
            let before = (events(&store).await, store.data_version());
            let start = std::sync::Arc::new(tokio::sync::Barrier::new(8));
            let tasks: Vec<_> = (0..8)
                .map(|t| {
                    let (store, start) = (store.clone(), start.clone());
                    tokio::spawn(async move {
                        start.wait().await;
                        let mut kept = 0;
                        for k in 0..10 {
                            let w = write_one(&store, &format!("{t}-{k}")).await;
                            if (t + k) % 7 == 0 {
                                drop(w);
                            } else {
                                w.commit().await.unwrap();
                                kept += 1;
                            }
                        }
                        kept
                    })
                })
                .collect();
            let mut kept = 0;
            for t in tasks {
                kept += t.await.unwrap();
            }
            assert!(settled(&store).await, "{b:?}");
            assert_eq!(
                events(&store).await,
                before.0 + kept,
                "{b:?}: every committed write, no dropped one"
            );
            let commits = store.data_version() - before.1;
            assert!(
                commits >= 1 && commits < kept as u64,
                "{b:?}: {kept} writes in {commits} commits"
            );
            assert!(store.verify_audit().await.unwrap().is_intact(), "{b:?}");
        }
    }
}
