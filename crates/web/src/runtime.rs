//! The server's tokio runtime: two worker threads per core, where tokio's
//! default is one.
//!
//! Why: the server shares its cores with the database's processes
//! (PostgreSQL runs one per connection), and the kernel shares a core by
//! thread, not by program. With one worker per core, the server's two
//! threads stood among eight or more busy backends and got less than the
//! half of the machine its part of the work needs: in the deadline rush on
//! 2 cores the cores sat idle 5% of the time while requests queued. With
//! two per core: PostgreSQL rush 1,445-1,479 → 1,597-1,674 req/s and p99
//! 55-56 → 47-51 ms (BENCHMARKS.md, DECISIONS.md). `TOKIO_WORKER_THREADS`
//! still sets the number, as tokio reads it.

/// A multi-thread runtime with every driver, sized as above.
pub fn build() -> std::io::Result<tokio::runtime::Runtime> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all();
    if std::env::var_os("TOKIO_WORKER_THREADS").is_none() {
        builder.worker_threads(workers(cores()));
    }
    builder.build()
}

/// The cores this process may use (2 when the system cannot tell): what the
/// workers and the admission queue's places are counted by.
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

/// Worker threads for `cores` cores.
fn workers(cores: usize) -> usize {
    cores * PER_CORE
}

const PER_CORE: usize = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_workers_per_core() {
        assert_eq!(workers(1), 2);
        assert_eq!(workers(2), 4);
    }

    #[test]
    fn the_runtime_runs_tasks_on_its_workers() {
        let rt = build().unwrap();
        let n = rt.block_on(async { tokio::spawn(async { 6 * 7 }).await.unwrap() });
        assert_eq!(n, 42);
        if std::env::var_os("TOKIO_WORKER_THREADS").is_none() {
            assert_eq!(rt.metrics().num_workers(), workers(cores()));
        }
    }
}
