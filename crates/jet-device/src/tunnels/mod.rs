//! Flexible tunnel profiles (`jnx.jet.routing.rib.FlexibleTunnel`): named VXLAN
//! encapsulation / decapsulation profiles anchored on an FTI interface, which RIB routes
//! refer to by name (a gateway's `flexible_tunnel_profile` carrying only the name).
//!
//! ```text
//!  jsd svc/flexible_tunnel.rs ─► TunnelsHandle::{add, update, delete} ─► TUNNEL_QUEUE
//!     ─► tunnels task: the only writer; a batch is applied in order and stops at the
//!        first refusal (the earlier items stay, as the contract says);
//!        publishes watch<Arc<TunnelSet>>  (Get, `show flexible-tunnels profiles`, the
//!        RIB adapter resolving profile names read it)
//! ```
//!
//! Profiles are device-wide (any client may read, update or delete them, as the
//! contract names no owner) and live until deleted or jetd stops; they are not part of
//! the configuration.
//!
//! A route naming a profile is resolved once, when the RIB adapter takes it: it is
//! anchored on the profile's FTI interface and remembers the profile's name (`show
//! route` prints it, RouteGet echoes it, `show flexible-tunnels profiles` counts the
//! routes per name). The contract says nothing of profiles in use, so a profile may be
//! updated or deleted while routes name it; those routes keep the interface they
//! resolved to until they are changed (a RouteModify/Update resolves the name again,
//! and fails with FLEXIBLE_TUNNEL_INVALID once the profile is gone).

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::task::AbortOnDropHandle;

/// Most profiles in one request.
pub const MAX_BATCH: usize = 1000;
/// Most profiles on the device.
pub const MAX_PROFILES: usize = 100_000;
/// Longest profile name.
pub const MAX_NAME: usize = 128;

const TUNNEL_QUEUE: usize = 64;

/// Encapsulate or decapsulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Traffic routed through the profile is encapsulated.
    Encapsulate,
    /// Matching traffic is decapsulated.
    Decapsulate,
}

impl Action {
    /// The Junos word.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Encapsulate => "encapsulate",
            Action::Decapsulate => "decapsulate",
        }
    }
}

/// VXLAN attributes of a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vxlan {
    /// 1–16777214.
    pub vni: u32,
    /// Outer source address.
    pub source: IpAddr,
    /// Its prefix length (a host length for encapsulation).
    pub source_len: u8,
    /// Outer UDP source port range (encapsulation).
    pub source_ports: Option<(u16, u16)>,
    /// Outer destination (encapsulation).
    pub destination: Option<IpAddr>,
    /// Outer UDP destination port.
    pub destination_port: u16,
    /// Inner destination MAC (default 00:00:5e:00:52:00 for encapsulation).
    pub destination_mac: Option<[u8; 6]>,
    /// VXLAN flags (default 0x08).
    pub flags: u8,
    /// Reserved bits 8–31 (24 bits) and 55–63 (8 bits) of the header.
    pub reserved: (u32, u8),
}

/// A named profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Name (the key).
    pub name: String,
    /// Encapsulate or decapsulate.
    pub action: Action,
    /// The anchoring FTI interface (`fti0.1`).
    pub interface: String,
    /// The VXLAN parameters.
    pub vxlan: Vxlan,
    /// Who wrote it last (client id).
    pub client: String,
}

impl Profile {
    /// The tuple a decapsulation profile must be unique on.
    fn decap_key(&self) -> Option<(&str, u32, IpAddr, u8, u16)> {
        (self.action == Action::Decapsulate).then_some((
            self.interface.as_str(),
            self.vxlan.vni,
            self.vxlan.source,
            self.vxlan.source_len,
            self.vxlan.destination_port,
        ))
    }
}

/// What a refusal is, independent of each response's numbering (jsd maps it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TunnelCode {
    /// The name, or a conflicting decapsulation tuple, exists.
    AlreadyExists,
    /// No such profile.
    NotFound,
    /// 0 or more than [`MAX_BATCH`] items, or the device is full.
    TooManyOps,
    /// A parameter is missing or out of range.
    InvalidProfile,
    /// The action is not encapsulate or decapsulate.
    InvalidAction,
    /// The name is empty or unusable.
    InvalidName,
}

/// A refused item: the code and a message naming profile and field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TunnelError {
    /// What kind of refusal.
    pub code: TunnelCode,
    /// Names the profile and the field.
    pub message: String,
}

impl TunnelError {
    /// A refusal of `code` with `message`.
    pub fn new(code: TunnelCode, message: impl Into<String>) -> Self {
        TunnelError {
            code,
            message: message.into(),
        }
    }
}

/// Why a batch stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// Item `completed` (0-based) was refused; the ones before it were applied.
    #[error("{error}")]
    Refused {
        /// Items applied before the refusal.
        completed: u32,
        /// The refusal.
        error: TunnelError,
    },
    /// The device is stopping.
    #[error("device is shutting down")]
    ShuttingDown,
}

/// Checks a profile name.
pub fn check_name(name: &str) -> Result<(), TunnelError> {
    if name.is_empty() {
        return Err(TunnelError::new(
            TunnelCode::InvalidName,
            "profile name is empty",
        ));
    }
    if name.len() > MAX_NAME || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(TunnelError::new(
            TunnelCode::InvalidName,
            format!("profile name '{name}' is longer than {MAX_NAME} or holds spaces"),
        ));
    }
    Ok(())
}

/// Checks a profile's parameters (not its conflicts with others).
pub fn validate(p: &Profile) -> Result<(), TunnelError> {
    check_name(&p.name)?;
    let n = &p.name;
    let bad = |field: &str, why: String| {
        TunnelError::new(
            TunnelCode::InvalidProfile,
            format!("profile '{n}': {field} {why}"),
        )
    };
    let ifl_ok = p
        .interface
        .strip_prefix("fti")
        .and_then(|r| {
            let (dev, unit) = r.split_once('.').unwrap_or((r, "0"));
            dev.parse::<u32>().ok()?;
            unit.parse::<u32>().ok()
        })
        .is_some();
    if !ifl_ok {
        return Err(bad(
            "interface_name",
            format!("'{}' is not an FTI interface (ftiN or ftiN.U)", p.interface),
        ));
    }
    let v = &p.vxlan;
    if !(1..=16_777_214).contains(&v.vni) {
        return Err(bad("vxlan.vni", format!("{} is not 1-16777214", v.vni)));
    }
    let max_len = if v.source.is_ipv4() { 32 } else { 128 };
    if v.source_len > max_len {
        return Err(bad(
            "vxlan.source_prefix_len",
            format!("{} is longer than {max_len}", v.source_len),
        ));
    }
    if v.destination_port == 0 {
        return Err(bad(
            "vxlan.destination_udp_port",
            "is missing (1-65535)".into(),
        ));
    }
    if v.reserved.0 > 0xFF_FFFF {
        return Err(bad(
            "vxlan.rfc7348_reserved.reserved_bits_8_31",
            format!("{} does not fit in 24 bits", v.reserved.0),
        ));
    }
    if p.action == Action::Encapsulate {
        if v.source_len != max_len {
            return Err(bad(
                "vxlan.source_prefix_len",
                format!(
                    "{} is not a host length ({max_len}) for encapsulation",
                    v.source_len
                ),
            ));
        }
        match v.source_ports {
            None => {
                return Err(bad(
                    "vxlan.source_udp_port_range",
                    "is missing (required for encapsulation)".into(),
                ))
            }
            Some((lo, hi)) if lo > hi => {
                return Err(bad(
                    "vxlan.source_udp_port_range",
                    format!("{lo}-{hi} is not low-high"),
                ))
            }
            Some(_) => {}
        }
        match v.destination {
            None => {
                return Err(bad(
                    "vxlan.destination_address",
                    "is missing (required for encapsulation)".into(),
                ))
            }
            Some(d) if d.is_ipv4() != v.source.is_ipv4() => {
                return Err(bad(
                    "vxlan.destination_address",
                    format!("{d} is not of the source's family"),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Every profile by name.
#[derive(Debug, Clone, Default)]
pub struct TunnelSet {
    /// By name.
    pub profiles: BTreeMap<String, Arc<Profile>>,
}

impl TunnelSet {
    fn conflict(&self, p: &Profile) -> Option<&Arc<Profile>> {
        let key = p.decap_key()?;
        self.profiles
            .values()
            .find(|o| o.name != p.name && o.decap_key() == Some(key))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Update,
}

enum TunnelRequest {
    Set {
        op: Op,
        profiles: Vec<Profile>,
        reply: oneshot::Sender<Result<u32, BatchError>>,
    },
    Delete {
        names: Vec<String>,
        reply: oneshot::Sender<Result<u32, BatchError>>,
    },
}

/// The handle to the tunnels task. Cheap to clone.
#[derive(Clone)]
pub struct TunnelsHandle {
    tx: mpsc::Sender<TunnelRequest>,
    set: watch::Receiver<Arc<TunnelSet>>,
    _task: Arc<AbortOnDropHandle<()>>,
}

impl std::fmt::Debug for TunnelsHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TunnelsHandle").finish()
    }
}

/// Refuses 0 or more than [`MAX_BATCH`] items (TOO_MANY_OPS).
pub fn batch_size(n: usize) -> Result<(), BatchError> {
    if n == 0 || n > MAX_BATCH {
        return Err(BatchError::Refused {
            completed: 0,
            error: TunnelError::new(
                TunnelCode::TooManyOps,
                format!("a request carries 1-{MAX_BATCH} profiles, not {n}"),
            ),
        });
    }
    Ok(())
}

impl TunnelsHandle {
    pub(crate) fn start() -> TunnelsHandle {
        let (set_tx, set) = watch::channel(Arc::new(TunnelSet::default()));
        let (tx, rx) = mpsc::channel(TUNNEL_QUEUE);
        let task = tokio::spawn(run(rx, set_tx));
        TunnelsHandle {
            tx,
            set,
            _task: Arc::new(AbortOnDropHandle::new(task)),
        }
    }

    async fn send(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<u32, BatchError>>) -> TunnelRequest,
    ) -> Result<u32, BatchError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(make(reply))
            .await
            .map_err(|_| BatchError::ShuttingDown)?;
        rx.await.map_err(|_| BatchError::ShuttingDown)?
    }

    /// Adds new profiles in order; returns how many were added.
    pub async fn add(&self, profiles: Vec<Profile>) -> Result<u32, BatchError> {
        batch_size(profiles.len())?;
        self.send(|reply| TunnelRequest::Set {
            op: Op::Add,
            profiles,
            reply,
        })
        .await
    }

    /// Adds or replaces profiles by name, in order.
    pub async fn update(&self, profiles: Vec<Profile>) -> Result<u32, BatchError> {
        batch_size(profiles.len())?;
        self.send(|reply| TunnelRequest::Set {
            op: Op::Update,
            profiles,
            reply,
        })
        .await
    }

    /// Deletes profiles by name, in order.
    pub async fn delete(&self, names: Vec<String>) -> Result<u32, BatchError> {
        batch_size(names.len())?;
        self.send(|reply| TunnelRequest::Delete { names, reply })
            .await
    }

    /// The profiles now.
    pub fn current(&self) -> Arc<TunnelSet> {
        self.set.borrow().clone()
    }
}

async fn run(mut rx: mpsc::Receiver<TunnelRequest>, set: watch::Sender<Arc<TunnelSet>>) {
    let mut state = TunnelSet::default();
    while let Some(req) = rx.recv().await {
        let (r, reply) = match req {
            TunnelRequest::Set {
                op,
                profiles,
                reply,
            } => (apply_set(&mut state, op, profiles), reply),
            TunnelRequest::Delete { names, reply } => (apply_delete(&mut state, names), reply),
        };
        set.send_replace(Arc::new(state.clone()));
        let _ = reply.send(r);
    }
}

fn apply_set(state: &mut TunnelSet, op: Op, profiles: Vec<Profile>) -> Result<u32, BatchError> {
    let mut done = 0u32;
    for p in profiles {
        let refuse = |error| BatchError::Refused {
            completed: done,
            error,
        };
        validate(&p).map_err(refuse)?;
        if op == Op::Add && state.profiles.contains_key(&p.name) {
            return Err(refuse(TunnelError::new(
                TunnelCode::AlreadyExists,
                format!("profile '{}' already exists", p.name),
            )));
        }
        if let Some(o) = state.conflict(&p) {
            return Err(refuse(TunnelError::new(
                TunnelCode::AlreadyExists,
                format!(
                    "profile '{}': profile '{}' already decapsulates VNI {} from {}/{} port {} on {}",
                    p.name,
                    o.name,
                    o.vxlan.vni,
                    o.vxlan.source,
                    o.vxlan.source_len,
                    o.vxlan.destination_port,
                    o.interface
                ),
            )));
        }
        if !state.profiles.contains_key(&p.name) && state.profiles.len() >= MAX_PROFILES {
            return Err(refuse(TunnelError::new(
                TunnelCode::TooManyOps,
                format!(
                    "profile '{}': the device holds {MAX_PROFILES} profiles",
                    p.name
                ),
            )));
        }
        state.profiles.insert(p.name.clone(), Arc::new(p));
        done += 1;
    }
    Ok(done)
}

fn apply_delete(state: &mut TunnelSet, names: Vec<String>) -> Result<u32, BatchError> {
    let mut done = 0u32;
    for n in names {
        let refuse = |error| BatchError::Refused {
            completed: done,
            error,
        };
        check_name(&n).map_err(refuse)?;
        if state.profiles.remove(&n).is_none() {
            return Err(refuse(TunnelError::new(
                TunnelCode::NotFound,
                format!("profile '{n}' not found"),
            )));
        }
        done += 1;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn encap(name: &str) -> Profile {
        Profile {
            name: name.into(),
            action: Action::Encapsulate,
            interface: "fti0.1".into(),
            vxlan: Vxlan {
                vni: 100,
                source: "192.0.2.1".parse().unwrap(),
                source_len: 32,
                source_ports: Some((49152, 65535)),
                destination: Some("198.51.100.1".parse().unwrap()),
                destination_port: 4789,
                destination_mac: None,
                flags: 8,
                reserved: (0, 0),
            },
            client: "t".into(),
        }
    }

    fn decap(name: &str, vni: u32) -> Profile {
        let mut p = encap(name);
        p.action = Action::Decapsulate;
        p.vxlan.vni = vni;
        p.vxlan.source_len = 24;
        p
    }

    fn refused(r: Result<u32, BatchError>) -> (u32, TunnelCode, String) {
        match r {
            Err(BatchError::Refused { completed, error }) => (completed, error.code, error.message),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[tokio::test]
    async fn batches_stop_at_the_first_refusal_and_conflicts_are_refused() {
        let h = TunnelsHandle::start();
        assert_eq!(h.add(vec![encap("a"), decap("d1", 5)]).await, Ok(2));
        let (n, code, msg) = refused(h.add(vec![encap("b"), encap("a"), encap("c")]).await);
        assert_eq!((n, code), (1, TunnelCode::AlreadyExists));
        assert_eq!(msg, "profile 'a' already exists");
        assert!(h.current().profiles.contains_key("b"));
        assert!(!h.current().profiles.contains_key("c"));
        // Another decapsulation profile on the same tuple conflicts (add and update).
        let (_, code, msg) = refused(h.add(vec![decap("d2", 5)]).await);
        assert_eq!(code, TunnelCode::AlreadyExists);
        assert!(
            msg.contains("profile 'd1' already decapsulates VNI 5"),
            "{msg}"
        );
        let (_, code, _) = refused(h.update(vec![decap("d2", 5)]).await);
        assert_eq!(code, TunnelCode::AlreadyExists);
        // Update replaces by name (itself is no conflict).
        let mut d1 = decap("d1", 5);
        d1.vxlan.destination_port = 4790;
        assert_eq!(h.update(vec![d1, decap("d2", 5)]).await, Ok(2));
        assert_eq!(h.current().profiles["d1"].vxlan.destination_port, 4790);
        // Delete: exact names, stops at the first missing one.
        let (n, code, _) = refused(h.delete(vec!["a".into(), "zz".into(), "b".into()]).await);
        assert_eq!((n, code), (1, TunnelCode::NotFound));
        assert!(h.current().profiles.contains_key("b"));
        let (_, code, _) = refused(h.delete(vec![]).await);
        assert_eq!(code, TunnelCode::TooManyOps);
        let (_, code, _) = refused(h.delete(vec![String::new()]).await);
        assert_eq!(code, TunnelCode::InvalidName);
        let many = (0..1001).map(|i| encap(&format!("p{i}"))).collect();
        let (_, code, _) = refused(h.add(many).await);
        assert_eq!(code, TunnelCode::TooManyOps);
    }

    #[test]
    fn parameters_are_checked_naming_the_field() {
        type Case = (fn(&mut Profile), &'static str);
        let cases: Vec<Case> = vec![
            (
                |p| p.interface = "ge-0/0/0.0".into(),
                "interface_name 'ge-0/0/0.0'",
            ),
            (|p| p.vxlan.vni = 0, "vxlan.vni 0"),
            (|p| p.vxlan.vni = 16_777_215, "vxlan.vni 16777215"),
            (
                |p| p.vxlan.source_len = 24,
                "vxlan.source_prefix_len 24 is not a host length",
            ),
            (
                |p| p.vxlan.source_ports = None,
                "vxlan.source_udp_port_range is missing",
            ),
            (
                |p| p.vxlan.source_ports = Some((9, 1)),
                "vxlan.source_udp_port_range 9-1",
            ),
            (
                |p| p.vxlan.destination = None,
                "vxlan.destination_address is missing",
            ),
            (
                |p| p.vxlan.destination_port = 0,
                "vxlan.destination_udp_port is missing",
            ),
            (|p| p.vxlan.reserved.0 = 1 << 24, "reserved_bits_8_31"),
        ];
        for (f, want) in cases {
            let mut p = encap("x");
            f(&mut p);
            let e = validate(&p).unwrap_err();
            assert_eq!(e.code, TunnelCode::InvalidProfile, "{want}");
            assert!(e.message.starts_with("profile 'x': "), "{}", e.message);
            assert!(e.message.contains(want), "{}: {want}", e.message);
        }
        // A decapsulation profile needs no source ports nor destination.
        let mut d = decap("d", 1);
        d.vxlan.source_ports = None;
        d.vxlan.destination = None;
        assert!(validate(&d).is_ok());
        assert_eq!(check_name("a b").unwrap_err().code, TunnelCode::InvalidName);
    }
}
