//! Change requests as the RIB takes them: a whole batch in one value, laid out so that
//! building it costs a few allocations per batch, not per route (routes refer to their
//! table and gateways by index into batch-wide vectors).

use crate::error::{EntryError, RibCode};
use crate::nexthop::Gateway;
use crate::prefix::Prefix;

/// Most entries a JET batch may carry.
pub const MAX_BATCH: usize = 1000;
/// Most gateways one next hop may have.
pub const MAX_GATEWAYS: usize = 64;
/// Lowest preference a programmed route can have (lower values are raised).
pub const MIN_PREFERENCE: u32 = 5;
/// preference2 of a programmed route when neither the route nor the client's defaults
/// give one.
pub const DEFAULT_PREFERENCE2: u32 = 100;

/// A table as a request names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TableRef {
    /// By Junos name.
    Name(String),
    /// By numeric id.
    Id(u32),
}

impl std::fmt::Display for TableRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TableRef::Name(n) => write!(f, "{n}"),
            TableRef::Id(i) => write!(f, "id {i}"),
        }
    }
}

/// Add, Modify or Update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    /// Fails with ROUTE_EXISTS when the path exists.
    Add,
    /// Fails with ROUTE_NOT_FOUND when it does not.
    Modify,
    /// Creates or modifies.
    Update,
}

/// Optional policy attributes of a route (tags and colors), rarely set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Attrs {
    /// tag, tag2.
    pub tags: [Option<u32>; 2],
    /// color, color2.
    pub colors: [Option<u32>; 2],
}

impl Attrs {
    /// True when nothing is set.
    pub fn is_empty(&self) -> bool {
        *self == Attrs::default()
    }
}

/// One route of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteSpec {
    /// Index into [`Batch::tables`].
    pub table: u16,
    /// Destination.
    pub prefix: Prefix,
    /// Path cookie.
    pub cookie: u64,
    /// First gateway in [`Batch::gateways`].
    pub gw_start: u32,
    /// Number of gateways (0 = blackhole).
    pub gw_len: u16,
    /// preference, when the route gives one.
    pub pref: Option<u32>,
    /// preference2, when the route gives one.
    pub pref2: Option<u32>,
    /// Programmed with protocol BGP_STATIC.
    pub bgp_static: bool,
    /// Statistics wanted.
    pub stats: bool,
    /// Tags and colors.
    pub attrs: Attrs,
    /// Index+1 into [`Batch::bgp`] (0 = no BGP attributes: a RIB-service route).
    pub bgp: u32,
}

impl RouteSpec {
    /// A plain RIB-service route to `prefix` in table `table` over the `gw_len`
    /// gateways from `gw_start`: cookie 0, no preferences, attributes or statistics.
    pub fn new(table: u16, prefix: Prefix, gw_start: u32, gw_len: u16) -> RouteSpec {
        RouteSpec {
            table,
            prefix,
            cookie: 0,
            gw_start,
            gw_len,
            pref: None,
            pref2: None,
            bgp_static: false,
            stats: false,
            attrs: Attrs::default(),
            bgp: 0,
        }
    }
}

/// A batch of Add/Modify/Update entries.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// Distinct tables named by the batch.
    pub tables: Vec<TableRef>,
    /// Distinct interface and flexible tunnel profile names; gateways refer to them by
    /// index until bound.
    pub names: Vec<String>,
    /// The entries that passed form checks, in order.
    pub routes: Vec<RouteSpec>,
    /// All gateways, flattened.
    pub gateways: Vec<Gateway>,
    /// BGP attribute sets of the batch (BGP route service), referred to by
    /// [`RouteSpec::bgp`].
    pub bgp: Vec<crate::bgp::BgpAttrs>,
    /// The first entry that failed form checks; `routes` holds exactly the entries
    /// before it.
    pub invalid: Option<EntryError>,
    /// Sent through the older JET generation (`routing.Rib`): its paths carry
    /// [`crate::FLAG_LEGACY`], and it may not touch paths of the other generation.
    pub legacy: bool,
}

impl Batch {
    /// An empty batch with room for `n` routes.
    pub fn with_capacity(n: usize) -> Batch {
        Batch {
            routes: Vec::with_capacity(n),
            gateways: Vec::with_capacity(n),
            ..Batch::default()
        }
    }

    /// Index of `t` in [`Batch::tables`], adding it when new.
    pub fn table_index(&mut self, t: TableRef) -> u16 {
        if let Some(i) = self.tables.iter().position(|x| *x == t) {
            return i as u16;
        }
        self.tables.push(t);
        (self.tables.len() - 1) as u16
    }

    /// Index of a table given by name, without allocating when it is already known.
    pub fn table_name_index(&mut self, name: &str) -> u16 {
        if let Some(i) = self
            .tables
            .iter()
            .position(|x| matches!(x, TableRef::Name(n) if n == name))
        {
            return i as u16;
        }
        self.table_index(TableRef::Name(name.to_owned()))
    }

    /// Index of an interface name, adding it when new.
    pub fn name_index(&mut self, name: &str) -> u32 {
        if let Some(i) = self.names.iter().position(|x| x == name) {
            return i as u32;
        }
        self.names.push(name.to_owned());
        (self.names.len() - 1) as u32
    }

    /// The gateways of a route.
    pub fn gateways_of(&self, r: &RouteSpec) -> &[Gateway] {
        let s = r.gw_start as usize;
        self.gateways.get(s..s + r.gw_len as usize).unwrap_or(&[])
    }

    /// Records the first invalid entry (the one at index `routes.len()`).
    pub fn refuse(&mut self, code: RibCode, message: impl Into<String>) {
        if self.invalid.is_none() {
            self.invalid = Some(EntryError::new(self.routes.len(), code, message));
        }
    }
}

/// The key of a path to delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySpec {
    /// Index into [`DeleteBatch::tables`].
    pub table: u16,
    /// Destination.
    pub prefix: Prefix,
    /// Path cookie.
    pub cookie: u64,
}

/// A batch of Delete entries.
#[derive(Debug, Clone, Default)]
pub struct DeleteBatch {
    /// Distinct tables named by the batch.
    pub tables: Vec<TableRef>,
    /// The keys that passed form checks, in order.
    pub keys: Vec<KeySpec>,
    /// The first key that failed form checks (at index `keys.len()`).
    pub invalid: Option<EntryError>,
    /// Sent through the older JET generation (see [`Batch::legacy`]).
    pub legacy: bool,
}

impl DeleteBatch {
    /// Index of a table given by name.
    pub fn table_name_index(&mut self, name: &str) -> u16 {
        if let Some(i) = self
            .tables
            .iter()
            .position(|x| matches!(x, TableRef::Name(n) if n == name))
        {
            return i as u16;
        }
        self.tables.push(TableRef::Name(name.to_owned()));
        (self.tables.len() - 1) as u16
    }

    /// Index of a table given by id.
    pub fn table_id_index(&mut self, id: u32) -> u16 {
        let t = TableRef::Id(id);
        if let Some(i) = self.tables.iter().position(|x| *x == t) {
            return i as u16;
        }
        self.tables.push(t);
        (self.tables.len() - 1) as u16
    }

    /// Records the first invalid key.
    pub fn refuse(&mut self, code: RibCode, message: impl Into<String>) {
        if self.invalid.is_none() {
            self.invalid = Some(EntryError::new(self.keys.len(), code, message));
        }
    }
}

/// The outcome of a batch: how many entries were applied, and the first error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchOutcome {
    /// Entries applied (all of them on success).
    pub completed: u32,
    /// The entry that stopped the batch.
    pub error: Option<EntryError>,
}
