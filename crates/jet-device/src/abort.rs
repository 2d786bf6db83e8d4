//! A task that lives as long as its owner (bottom layer: imports nothing of the crate).

/// Aborts the task when the last device handle goes away.
pub(crate) struct AbortOnDrop(pub(crate) tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
