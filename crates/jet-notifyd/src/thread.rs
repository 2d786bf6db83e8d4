//! The broker's own thread: a single-threaded tokio runtime that every MQTT connection,
//! listener and broker timer runs on, apart from the runtime the rest of jetd uses.
//!
//! Why one thread of its own: a message from one client to another is a hand-off from
//! the publisher's connection task to the subscriber's. On jetd's shared multi-threaded
//! runtime that hand-off wakes a parked worker thread (a futex call, a trip across cores,
//! often a context switch away from the clients themselves) before the subscriber's
//! PUBLISH is written; on one thread it is a push onto the local run queue, and the
//! subscriber's write follows the publisher's read in the same pass of the event loop,
//! as in a classic single-threaded broker. Measured in `docs/benchmarks.md` (paced QoS 1
//! latency, blast rates) against the shared runtime.
//!
//! The device's own publishers (the in-process link) and the `show` commands reach the
//! broker from jetd's runtime through its thread-safe handle; nothing here blocks them.
//!
//! The price: the broker uses one core at most, and CPU-heavy work on this thread delays
//! every MQTT client. What is heavy does not run here: password checks go to the device's
//! blocking pool. TLS handshakes do run here (about a millisecond of CPU each with an
//! RSA-2048 key), so a burst of new TLS clients delays delivery by that much per client,
//! as in any single-threaded broker; the blast figures in `docs/benchmarks.md` show the
//! one core is not the limit at the rates measured.

use std::thread::JoinHandle;

use tokio::runtime::Handle;
use tokio::sync::oneshot;

/// A running broker thread. Dropping it stops the thread's runtime (tasks still on it
/// are cancelled); the thread is not joined (dropping may happen on a runtime thread).
pub(crate) struct BrokerThread {
    handle: Handle,
    stop: Option<oneshot::Sender<()>>,
    _thread: JoinHandle<()>,
}

impl BrokerThread {
    pub(crate) fn spawn() -> std::io::Result<BrokerThread> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .thread_name("jet-notify-blocking")
            .build()?;
        let handle = rt.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("jet-notify".into())
            .spawn(move || {
                // Runs the broker's tasks until asked to stop (or until the owner is gone).
                rt.block_on(async {
                    let _ = stopped.await;
                });
                rt.shutdown_timeout(std::time::Duration::from_secs(1));
            })?;
        Ok(BrokerThread {
            handle,
            stop: Some(stop),
            _thread: thread,
        })
    }

    /// The thread's runtime: enter it to start the broker on it.
    pub(crate) fn handle(&self) -> &Handle {
        &self.handle
    }
}

impl Drop for BrokerThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
