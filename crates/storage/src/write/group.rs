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

use xhht_domain::audit::chain::Head;

use super::{Arg, Tx, args};
use crate::{Db, Result, StorageError};

/// How long a writer waits for its turn before it is told the server is busy.
const TURN_WAIT: Duration = Duration::from_secs(10);
/// A group commits once it holds this many writes…
const MAX_WRITES: usize = 64;
/// …or once its first write is this old, whoever is waiting: the first
/// writer's answer waits no longer than this for the others. In the rush
/// (national fixture, 50 connections) 30 ms made groups of about 9 writes
/// and a p99 of 88 ms, against 100-120 ms at 10 ms.
const MAX_AGE: Duration = Duration::from_millis(30);

/// The turns of one database, shared by every clone and plan handle of a
/// store (one server process per database).
#[derive(Debug, Default)]
pub(crate) struct Turns {
    slot: Arc<Mutex<Slot>>,
    /// Writers waiting for a turn: while there are any, a finished write
    /// leaves the transaction open for them.
    queued: AtomicUsize,
    next_group: AtomicU64,
    /// The data version, bumped after every commit: pages rendered for an
    /// older version are stale.
    pub(crate) version: Arc<AtomicU64>,
}

/// What the writer holding the turn holds.
#[derive(Debug, Default)]
pub(crate) struct Slot {
    group: Option<Group>,
    /// A writer let go of the turn inside its savepoint (an error, a
    /// cancelled request): it is rolled back before anything else runs.
    dirty: bool,
    /// The audit chain's end after the group's kept writes, when one of
    /// them appended events: the next write links to it without reading
    /// the row again, and the row is written once, before COMMIT.
    head: Option<Head>,
}

/// Where a kept write hears whether its group committed.
type Tell = oneshot::Sender<std::result::Result<(), String>>;

/// The open transaction and the writes in it waiting for its commit.
struct Group {
    id: u64,
    tx: Tx,
    started: Instant,
    waiting: Vec<Tell>,
    /// A task is queued for the turn to commit this group (see `Turns::sweep`).
    swept: bool,
}

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Group")
            .field("id", &self.id)
            .field("writes", &self.waiting.len())
            .finish()
    }
}

/// The turn of one write: the slot, with a savepoint open in the group's
/// transaction. Let go of without [`Turn::done`] (an error, a dropped
/// request), the write is rolled back on a task of its own.
pub(crate) struct Turn {
    slot: Option<OwnedMutexGuard<Slot>>,
    turns: Arc<Turns>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            self.turns.abandon(slot);
        }
    }
}

impl Turn {
    fn slot(&mut self) -> &mut Slot {
        self.slot.as_mut().expect("a turn holds the slot until it ends")
    }

    /// The open transaction (a turn always has one).
    pub(super) fn tx(&mut self) -> &mut Tx {
        &mut self.slot().group.as_mut().expect("a turn holds a transaction").tx
    }

    /// The chain's end as the group's kept writes left it.
    pub(super) fn chain_head(&self) -> Option<Head> {
        self.slot.as_ref().and_then(|s| s.head.clone())
    }

    pub(super) fn tx_ref(&self) -> &Tx {
        let slot = self.slot.as_ref().expect("a turn holds the slot until it ends");
        &slot.group.as_ref().expect("a turn holds a transaction").tx
    }

    /// The write is complete: keeps it and hands the turn on. Returns once
    /// the group holding it has committed. The keeping runs on a task of
    /// its own: a request dropped while it waits (for the disk, the
    /// group) cannot cut it, or the group, short.
    pub(super) async fn done(self, head: Option<Head>) -> Result<()> {
        let (tell, heard) = oneshot::channel();
        let turns = self.turns.clone();
        let slot = self.release();
        tokio::spawn(async move { turns.keep(slot, head, tell).await });
        match heard.await {
            Ok(outcome) => outcome.map_err(StorageError::GroupCommit),
            Err(_) => Err(StorageError::GroupCommit("nhóm ghi bị bỏ dở".into())),
        }
    }

    /// Hands the slot on without rolling anything back.
    fn release(mut self) -> OwnedMutexGuard<Slot> {
        self.slot.take().expect("a turn holds the slot until it ends")
    }
}

impl Slot {
    async fn run(&mut self, sql: &str, args: Vec<Arg>) -> Result<()> {
        let tx = &mut self.group.as_mut().expect("a statement needs a transaction").tx;
        tx.execute(sql, args).await.map(drop)
    }

    /// Undoes the savepoint a writer left open.
    async fn clean(&mut self) -> Result<()> {
        if self.dirty && self.group.is_some() {
            self.run("ROLLBACK TO SAVEPOINT write", Vec::new()).await?;
            self.run("RELEASE SAVEPOINT write", Vec::new()).await?;
        }
        self.dirty = false;
        Ok(())
    }

    /// Ends the group's transaction: COMMIT (or ROLLBACK), then every write
    /// waiting in it hears the outcome.
    async fn finish(&mut self, commit: bool, version: &AtomicU64) -> Result<()> {
        if self.group.is_none() {
            self.head = None;
            return Ok(());
        }
        let head = self.head.take();
        let stored = match (&head, commit) {
            (Some(head), true) => {
                let sql = "UPDATE audit_chain SET seq = $1, hash = $2 WHERE id = 1";
                self.run(sql, args![head.seq, &head.hash]).await
            }
            _ => Ok(()),
        };
        let group = self.group.take().expect("checked above");
        self.dirty = false;
        let commit = commit && stored.is_ok();
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
        let done = stored.and(done);
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

    /// Cleans, then commits the open group: rolls it back when no write
    /// in it was kept (there is nothing to wait for the disk for).
    async fn close(&mut self, version: &AtomicU64) -> Result<()> {
        if let Err(e) = self.clean().await {
            let _ = self.finish(false, version).await;
            return Err(e);
        }
        let kept = self.group.as_ref().is_some_and(|g| !g.waiting.is_empty());
        self.finish(kept, version).await
    }
}

impl Turns {
    /// Waits for the turn, then opens a savepoint for the write: in the
    /// group's transaction, or in a new one (`BEGIN IMMEDIATE` on SQLite,
    /// which takes the database's write lock against other processes).
    /// `solo`: the write may be long (an import, a rebuild), so the writes
    /// waiting in the open group are committed first, not kept waiting
    /// behind it.
    ///
    /// The opening runs on a task of its own: a request dropped meanwhile
    /// leaves a turn that is then let go of as any other (`abandon`), never
    /// a savepoint half opened or a group half committed.
    pub(crate) async fn take(self: &Arc<Self>, db: &Db, solo: bool) -> Result<Turn> {
        let mut turn = Turn {
            slot: Some(self.wait().await?),
            turns: self.clone(),
        };
        let (turns, db) = (self.clone(), db.clone());
        let opened = tokio::spawn(async move {
            if let Err(e) = turns.open(turn.slot(), &db, solo).await {
                // The group's transaction is in an unknown state: end it.
                let _ = turn.slot().finish(false, &turns.version).await;
                return Err(e);
            }
            Ok(turn)
        });
        opened
            .await
            .map_err(|e| StorageError::GroupCommit(format!("mở lượt ghi: {e}")))?
    }

    async fn wait(&self) -> Result<OwnedMutexGuard<Slot>> {
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

    async fn open(&self, slot: &mut Slot, db: &Db, solo: bool) -> Result<()> {
        slot.clean().await?;
        if solo {
            slot.close(&self.version).await?;
        }
        if slot.group.is_none() {
            // The transaction and the write's savepoint in one trip.
            let tx = match db {
                Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE; SAVEPOINT write").await?),
                Db::Postgres(pool) => Tx::Postgres(pool.begin_with("BEGIN; SAVEPOINT write").await?),
            };
            slot.group = Some(Group {
                id: self.next_group.fetch_add(1, Ordering::Relaxed),
                tx,
                started: Instant::now(),
                waiting: Vec::new(),
                swept: false,
            });
        } else {
            slot.run("SAVEPOINT write", Vec::new()).await?;
        }
        slot.dirty = true;
        Ok(())
    }

    /// A kept write's savepoint is not released: the next writer's
    /// savepoint nests inside it (a rollback goes back to the newest one of
    /// the name, on both databases) and COMMIT ends them all. A RELEASE
    /// was one more trip to the database while every writer waits.
    async fn keep(self: Arc<Self>, mut slot: OwnedMutexGuard<Slot>, head: Option<Head>, tell: Tell) {
        slot.dirty = false;
        if head.is_some() {
            slot.head = head;
        }
        let others_waiting = self.queued.load(Ordering::Acquire) > 0;
        let group = slot.group.as_mut().expect("a turn holds a transaction");
        group.waiting.push(tell);
        let full = group.waiting.len() >= MAX_WRITES || group.started.elapsed() >= MAX_AGE;
        if others_waiting && !full {
            self.sweep(slot);
        } else {
            let _ = slot.finish(true, &self.version).await;
        }
    }

    /// Hands the turn on with the group left open for the writers queued
    /// now, and queues a task behind them that commits the group if it is
    /// still open when its turn comes: writers leaving the group open never
    /// depend on the next writer actually coming (its request may drop).
    fn sweep(&self, mut slot: OwnedMutexGuard<Slot>) {
        let Some(group) = slot.group.as_mut() else { return };
        if group.swept {
            return;
        }
        group.swept = true;
        let id = group.id;
        let (lock, version) = (self.slot.clone(), self.version.clone());
        // It queues for the lock when it first runs, behind the writers
        // queued by then (tokio's mutex is first come, first served).
        let sweeper = tokio::spawn(async move {
            let mut slot = lock.lock_owned().await;
            if slot.group.as_ref().is_some_and(|g| g.id == id) {
                let _ = slot.close(&version).await;
            }
        });
        drop(sweeper);
        drop(slot);
    }

    /// A turn let go of without `done` (an error, a dropped request): its
    /// savepoint is rolled back on a task of its own, holding the turn.
    fn abandon(self: &Arc<Self>, slot: OwnedMutexGuard<Slot>) {
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return; // the next writer rolls the savepoint back (`clean`)
        };
        if slot.group.is_none() {
            return;
        }
        rt.spawn(self.clone().settle(slot));
    }

    /// Rolls back the savepoint left open in `slot`; the group then commits
    /// unless writers are queued to go on with it.
    async fn settle(self: Arc<Self>, mut slot: OwnedMutexGuard<Slot>) {
        if self.queued.load(Ordering::Acquire) == 0 {
            let _ = slot.close(&self.version).await;
        } else if slot.clean().await.is_err() {
            let _ = slot.finish(false, &self.version).await;
        } else {
            self.sweep(slot);
        }
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
    /// gave up (its request was dropped): the group still commits.
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

    /// Every reading connection busy (a rush of page loads): a write still
    /// gets its transaction at once, from the connection kept for writes.
    /// On PostgreSQL it queued for a reading connection while holding the
    /// turn (and here, with none coming back, waited until the pool's timeout).
    #[tokio::test]
    async fn a_write_never_waits_for_a_reading_connection() {
        for store in test_support::stores("group_readers_busy").await {
            let b = store.backend();
            let mut held: Vec<Box<dyn std::any::Any + Send>> = Vec::new();
            crate::with_db!(&store.db, pool => {
                for _ in 0..pool.options().get_max_connections() {
                    held.push(Box::new(pool.acquire().await.unwrap()));
                }
            });
            let write = async { write_one(&store, "busy").await.commit().await };
            tokio::time::timeout(Duration::from_secs(5), write)
                .await
                .unwrap_or_else(|_| panic!("{b:?}: the write waited for a reader's connection"))
                .unwrap();
            drop(held);
        }
    }

    /// Writers cut off at any point (the server stopping, requests dropped
    /// by their clients): every write they finished or left is either kept
    /// whole or gone, the transaction closes, the chain holds, and the
    /// store closes (it waited forever for the write connection before).
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn writers_cut_off_anywhere_leave_the_database_closed_and_whole() {
        for store in test_support::stores("group_cut_off").await {
            let b = store.backend();
            for round in 0..20u64 {
                let tasks: Vec<_> = (0..8)
                    .map(|t| {
                        let store = store.clone();
                        tokio::spawn(async move {
                            for k in 0.. {
                                let w = write_one(&store, &format!("{t}-{k}")).await;
                                w.commit().await.unwrap();
                            }
                        })
                    })
                    .collect();
                tokio::time::sleep(Duration::from_millis(5 + 3 * round)).await;
                for t in &tasks {
                    t.abort();
                }
                for t in tasks {
                    let _ = t.await;
                }
                assert!(settled(&store).await, "{b:?} round {round}: the transaction is closed");
            }
            assert!(store.verify_audit().await.unwrap().is_intact(), "{b:?}");
            tokio::time::timeout(Duration::from_secs(10), store.close())
                .await
                .unwrap_or_else(|_| panic!("{b:?}: the store never closed"));
        }
    }

    /// A kept write A waits in its group; B takes the turn and is dropped
    /// after the group's age; C's request is dropped while it opens its
    /// turn, after 0 to 3 polls. Whatever the point, A is told "saved"
    /// exactly when its event is kept (C's opening once committed the aged
    /// group itself, and A was told an error about a committed write).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn what_a_writer_is_told_is_what_was_kept_wherever_another_drops() {
        use std::future::Future;
        use std::task::Context;
        for polls in 0..4 {
            for store in test_support::stores(&format!("group_told_{polls}")).await {
                let b = store.backend();
                let before = events(&store).await;
                let a = write_one(&store, "a").await;
                // B and C queue in this order: each polled once here, so
                // neither can overtake the other for the turn.
                let mut cx = Context::from_waker(std::task::Waker::noop());
                let sb = store.clone();
                let mut bf = Box::pin(async move { write_one(&sb, "b").await });
                assert!(bf.as_mut().poll(&mut cx).is_pending(), "{b:?}: B queues");
                let sc = store.clone();
                let mut c = Box::pin(async move { sc.begin_write().await });
                assert!(c.as_mut().poll(&mut cx).is_pending(), "{b:?}: C queues");
                let at = tokio::spawn(a.commit());
                let bw = bf.await;
                tokio::time::sleep(super::MAX_AGE + Duration::from_millis(10)).await;
                drop(bw);
                tokio::time::sleep(Duration::from_millis(20)).await;
                for _ in 0..polls {
                    if c.as_mut().poll(&mut cx).is_ready() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                drop(c);
                let told = tokio::time::timeout(Duration::from_secs(5), at)
                    .await
                    .unwrap_or_else(|_| panic!("{b:?}: A never heard"))
                    .unwrap();
                assert!(settled(&store).await, "{b:?}: the transaction is closed");
                let kept = events(&store).await - before;
                assert_eq!((told.is_ok(), kept), (true, 1), "{b:?} after {polls} polls: {told:?}");
                assert!(store.verify_audit().await.unwrap().is_intact(), "{b:?}");
            }
        }
    }
}
