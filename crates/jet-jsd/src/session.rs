//! A connection becomes a JET session: it takes a `max-connections` slot and is
//! registered with the device, at Login (or at connection setup under
//! `skip-authentication`). Used by the listener, the gate and Login.

use std::sync::Arc;

use jet_device::Session;

use crate::admission::{session_limit_message, Counter};
use crate::conn::ConnInfo;
use crate::limits::Slot;
use crate::Shared;

/// Takes a `max-connections` slot for `session` and registers it with the device;
/// `Err(max)` when every slot is taken.
pub(crate) fn open(shared: &Shared, session: &Arc<Session>) -> Result<Slot, usize> {
    let max = shared.device.committed().config.jsd().max_connections as usize;
    let Some(slot) = shared.limiter.try_take(max, &shared.device, session.id) else {
        shared.admission.count(Counter::RefusedSession);
        return Err(max);
    };
    shared.device.sessions().open(session.clone());
    tracing::info!(session = session.id, peer = %session.peer, transport = session.transport.as_str(), "JET session opened");
    Ok(slot)
}

/// Makes the connection of a successful Login a session: takes a `max-connections` slot
/// unless it holds one already. `Err` carries the message of the refusal.
pub(crate) fn take(shared: &Shared, info: &ConnInfo) -> Result<(), String> {
    if info.held.has_slot() {
        return Ok(());
    }
    match open(shared, &info.session) {
        Ok(slot) => {
            info.held.promote(slot);
            Ok(())
        }
        Err(max) => {
            tracing::warn!(peer = %info.peer(), max, "JET login refused: session limit reached");
            Err(session_limit_message(max))
        }
    }
}
