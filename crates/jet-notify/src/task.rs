//! [`AbortOnDrop`]: a spawned task that ends with its owner.

use std::future::Future;

use tokio::task::JoinHandle;

/// A spawned task that is aborted when this handle is dropped, so whatever owns the
/// handle cannot leave the task running behind it.
#[derive(Debug)]
pub struct AbortOnDrop(JoinHandle<()>);

impl AbortOnDrop {
    /// Spawns `fut` on the current tokio runtime.
    pub fn spawn(fut: impl Future<Output = ()> + Send + 'static) -> Self {
        AbortOnDrop(tokio::spawn(fut))
    }

    /// Aborts the task now.
    pub fn abort(&self) {
        self.0.abort();
    }

    /// Whether the task has ended (finished or aborted).
    pub fn is_finished(&self) -> bool {
        self.0.is_finished()
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn dropping_the_handle_ends_the_task() {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = AbortOnDrop::spawn(async move {
            let _tx = tx;
            std::future::pending::<()>().await;
        });
        drop(task);
        // The task's future (and the sender it holds) is dropped when it is aborted.
        assert!(rx.await.is_err());
    }
}
