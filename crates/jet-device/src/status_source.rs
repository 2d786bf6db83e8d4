//! (Bottom layer.) A status source registered by a service that lives outside the device crate (the
//! notification service, jsd), read by the show command that displays it.

use std::sync::{Arc, Mutex};

/// Holds the registered source, if any. A short, `await`-free lock: written once when
/// the service starts, read once per show command.
pub(crate) struct StatusSource<T: ?Sized>(Mutex<Option<Arc<T>>>);

impl<T: ?Sized> Default for StatusSource<T> {
    fn default() -> Self {
        StatusSource(Mutex::new(None))
    }
}

impl<T: ?Sized> StatusSource<T> {
    /// Registers `source`, replacing any earlier one.
    pub(crate) fn set(&self, source: Arc<T>) {
        // Replaced whole, never half-written: a poisoned lock is still usable.
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(source);
    }

    /// The registered source.
    pub(crate) fn get(&self) -> Option<Arc<T>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}
