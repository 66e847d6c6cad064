//! The write thread: the writes a rush queues for (draft saves, see
//! `Store::save_form`) run on a thread of their own, with a one-thread
//! runtime that does nothing else; PostgreSQL's write connection is opened
//! here too. Other writes take the same turns from the caller's task.
//!
//! A write makes several trips to the database while it holds the turn
//! (`group`), and after each one its task must be polled again. On the
//! server's runtime that task waited behind every page being rendered at
//! the time (measured: a turn held 0.9 ms at the median and 3 ms at p90
//! for 0.3 ms of work), and every writer queued behind it waited as long.
//! Here it is polled as soon as its answer comes.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::{Builder, Handle};

use crate::{Result, StorageError};

/// The runtime of the write thread, started on first use and kept for the
/// life of the process (it idles without writes).
fn handle() -> &'static Handle {
    static HANDLE: OnceLock<Handle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let rt = Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the write thread");
        let handle = rt.handle().clone();
        std::thread::Builder::new()
            .name("xhht-write".into())
            .spawn(move || rt.block_on(std::future::pending::<()>()))
            .expect("the write thread starts");
        handle
    })
}

/// Runs `write` on the write thread and returns its outcome. A caller
/// dropped meanwhile (a cancelled request) does not cut the write short:
/// it goes on to its commit or rollback as if nobody had left.
pub(crate) async fn run<T, F>(write: F) -> Result<T>
where
    F: Future<Output = Result<T>> + Send + 'static,
    T: Send + 'static,
{
    handle()
        .spawn(write)
        .await
        .map_err(|e| StorageError::GroupCommit(format!("luồng ghi: {e}")))?
}
