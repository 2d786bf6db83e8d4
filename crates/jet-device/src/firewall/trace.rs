//! What a walk through the device reports: the outcome every walk has ([`Walked`]) and,
//! only when asked for ([`Detail::Trace`]), the trace of filters, terms and route that
//! `test forwarding packet` and PacketTest print. Plain data: no state, no I/O.
//!
//! The trace costs a dozen allocations per packet (names, action words, the route's
//! text); the batch walk and flow ticks do not read it, so they do not build it.

use super::state::Origin;

/// How much a walk reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The outcome only (disposition, egress, delivered share).
    Brief,
    /// The outcome and the [`Trace`].
    Trace,
}

impl Walked {
    /// The trace (built empty of filters and route if the walk was [`Detail::Brief`]).
    pub fn into_trace(self, ingress: String) -> Trace {
        self.trace.map_or_else(
            || Trace {
                ingress,
                filters: Vec::new(),
                route: None,
                egress: self.egress,
                disposition: self.disposition,
                delivered_share: self.delivered_share,
            },
            |t| *t,
        )
    }
}

/// What one walk decided. Counters and unit traffic move the same whatever the detail.
#[derive(Debug, Clone, PartialEq)]
pub struct Walked {
    /// Outcome.
    pub disposition: Disposition,
    /// Egress unit, if the route gave one.
    pub egress: Option<String>,
    /// Share of the load that was delivered.
    pub delivered_share: f64,
    /// The trace, with [`Detail::Trace`] (boxed: a batch's outcomes stay small).
    pub trace: Option<Box<Trace>>,
    /// Filters in which a `log` or `syslog` term matched: (filter, result word), for
    /// `show firewall log`.
    pub logged: Vec<(String, &'static str)>,
}

/// A term that matched, with what it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermRun {
    /// Term name.
    pub term: String,
    /// Actions taken, Junos words ("count web", "policer p out-of-spec", "accept").
    pub actions: Vec<String>,
}

/// One filter the packet went through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterRun {
    /// Filter name.
    pub filter: String,
    /// Who programmed it.
    pub origin: Origin,
    /// Where it ran ("ge-0/0/0.0 input", "forwarding-table inet.0 input").
    pub at: String,
    /// Terms that matched.
    pub terms: Vec<TermRun>,
    /// What the filter decided: a terminating action word, "accept (implicit)" or
    /// "discard (end of filter)".
    pub result: String,
}

/// The route a packet took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteUsed {
    /// Table.
    pub table: String,
    /// Matching destination.
    pub prefix: String,
    /// Source of the active route.
    pub protocol: String,
    /// Next hop type word (Router, Interface, Local, Discard, Reject).
    pub next_hop_type: String,
    /// Gateway address chosen, if any.
    pub gateway: Option<String>,
    /// Gateways to choose from (more than one: ECMP).
    pub ecmp: usize,
}

/// Where the packet ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    /// Sent out of the egress unit.
    Forwarded,
    /// Delivered to the device itself.
    Local,
    /// Dropped by a filter (name, term or "end of filter").
    Filtered {
        /// Filter.
        filter: String,
        /// Term, or `None` for the implicit discard.
        term: Option<String>,
    },
    /// Dropped by a policer.
    Policed {
        /// Filter.
        filter: String,
        /// Policer counter name.
        policer: String,
    },
    /// No route to the destination.
    NoRoute,
    /// Dropped by the route (discard / reject next hop).
    RouteDiscard,
    /// Delivered elsewhere by a terminating action (send-to-host, next-hop index, ...).
    Diverted(String),
}

impl Disposition {
    /// As printed: "forwarded", "discarded by filter F term T", ...
    pub fn describe(&self) -> String {
        match self {
            Disposition::Forwarded => "forwarded".into(),
            Disposition::Local => "delivered to the device (local)".into(),
            Disposition::Filtered {
                filter,
                term: Some(t),
            } => {
                format!("discarded by filter {filter} term {t}")
            }
            Disposition::Filtered { filter, term: None } => {
                format!("discarded by filter {filter} (end of filter)")
            }
            Disposition::Policed { filter, policer } => {
                format!("discarded by policer {policer} of filter {filter}")
            }
            Disposition::NoRoute => "discarded: no route".into(),
            Disposition::RouteDiscard => "discarded by the route's next hop".into(),
            Disposition::Diverted(s) => s.clone(),
        }
    }

    /// True when the packet left through the egress unit or reached the device.
    pub fn delivered(&self) -> bool {
        matches!(self, Disposition::Forwarded | Disposition::Local)
    }
}

/// The whole walk of a packet.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// Ingress unit.
    pub ingress: String,
    /// Filters in the order they ran.
    pub filters: Vec<FilterRun>,
    /// Route used, if the packet got that far.
    pub route: Option<RouteUsed>,
    /// Egress unit, if known.
    pub egress: Option<String>,
    /// Outcome.
    pub disposition: Disposition,
    /// Share of the load that was delivered (1 for a packet that got through; a policer
    /// that drops part of a flow lowers it).
    pub delivered_share: f64,
}

/// Why a packet cannot be walked at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalkError {
    /// The ingress unit does not exist.
    #[error("interface '{0}' does not exist")]
    UnknownInterface(String),
}
