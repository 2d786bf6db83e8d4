//! jet-config: the Junos configuration database of the simulated device.
//!
//! Owns:
//! - the **schema** of the whole Junos configuration language ([`schema::root`]): the
//!   hand schema under `schema/` (the statements the device acts on, with their types
//!   and rules) joined lazily with every other Junos statement from the generated
//!   `schema/junos.bin` (from Juniper's schema facts, by `tools/gen_schema.py`), and the
//!   Junos operational RPCs ([`schema::rpc`]);
//! - one **generic tree** ([`Config`], built of [`tree::Node`]s) that holds any
//!   configuration of that schema, with `inactive:` and `/* annotations */` on every
//!   statement;
//! - schema-driven **parsers and printers** for the four formats: Junos curly-brace
//!   text, configuration-mode commands (`set`, `delete`, `deactivate`, `annotate`,
//!   `rename`, `copy`, `insert`, ...), XML and JSON, each with its load markers;
//! - **load** (merge, replace, override, update, set) of any [`PayloadFormat`],
//!   **groups** (`apply-groups` inheritance) and **interface ranges** (applied to their
//!   members) in [`Config::effective`], **validation**
//!   (types and ranges on entry; mandatory statements, references and cross-checks at
//!   commit), **`show | compare`** ([`Config::compare`]) and **typed views** (`*Cfg`)
//!   the device reads with Junos defaults filled in;
//! - the durable **[`Store`]** of the committed configuration and 49 rollbacks;
//! - the **operational command grammar** ([`optree`]): the words of the operational CLI
//!   with their help, beside the configuration schema, so the device resolves commands
//!   and `jcli` completes them from one tree without linking the device.
//!
//! Layers (a module imports only modules of its own or a lower layer, never a higher
//! one, and the import graph has no loop):
//! 1. vocabulary: `error`, `limits`, [`value`], [`schema`] (one top-level hierarchy
//!    list, shared by the root and group bodies), [`optree`];
//! 2. the tree: [`tree`], `common` (what the parsers and printers share) and `keys`
//!    (the keys of lists with several keys in every format);
//! 3. the formats: `lex`, `text`, `set`, `xml`, `json` (parsers and printers; they
//!    import `common`, never each other);
//! 4. operations on whole configurations: `config`, `load`, `patch` (`load patch`),
//!    `groups`, `ranges`, `effective`, `diff`, `views`,
//!    `views_net`, `views_apps`, `checks`, `must` (the `junos:must` expressions),
//!    `validate`, and the `store` on top.
//!
//! Must not: do I/O anywhere but [`Store`] (blocking `std::fs`, called by the device
//! from a blocking task), use tokio or any runtime, hold process-wide state (the one
//! exception is the memo of data derived from the constant schema: joined schema levels,
//! their name indexes, parsed `junos:must` expressions; never configuration), or panic on any input. Supporting a new statement means adding schema (and, when the device
//! needs it, a typed view), never a new parser.

mod checks;
mod common;
mod config;
mod diff;
mod display_set;
mod effective;
mod error;
mod groups;
mod json;
mod keys;
mod lex;
mod limits;
mod load;
mod must;
pub mod optree;
mod patch;
mod ranges;
pub mod schema;
mod set;
mod set_args;
mod store;
mod text;
pub mod tree;
mod validate;
pub mod value;
mod views;
mod views_apps;
mod views_bgp;
mod views_net;
mod xml;

pub use crate::views_apps::{ChecksumAlgo, ExtensionAppCfg};
pub use crate::views_bgp::{BgpCfg, BgpGroupCfg, BgpNeighborCfg};
pub use crate::views_net::{
    AddressMatchCfg, FilterAction, FilterFamily, FilterTermCfg, FirewallFilterCfg, IfdCfg, IflCfg,
    IflFiltersCfg, PolicerCfg, PrefixListCfg, QualifiedNextHopCfg, RoutingInstanceCfg,
    StaticNeighborCfg, StaticRouteAction, StaticRouteCfg, SyslogContentCfg, SyslogFileCfg,
};

#[cfg(test)]
mod proptests;

pub use crate::common::SECRET_MASK;
pub use crate::config::{Config, LoadMode};
pub use crate::error::{ConfigError, ConfigErrorKind, StoreError};
pub use crate::limits::MAX_ROLLBACK;
pub use crate::load::{ParsedLoad, PayloadFormat};
pub use crate::store::{CommitMeta, Staged, Store};
pub use crate::value::IpPrefix;
pub use crate::views::{
    BridgeCfg, CaProfileCfg, ClientCertRequest, JsdCfg, ListenerCfg, LocalCertCfg, LoginClass,
    LoginClassCfg, MutualCfg, NotificationCfg, NotificationSslCfg, SslCfg, UserCfg,
    DEFAULT_GRPC_MAX_CONNECTIONS, DEFAULT_GRPC_PORT, DEFAULT_LISTEN_ADDRESS,
    DEFAULT_NOTIFICATION_MAX_CONNECTIONS, DEFAULT_NOTIFICATION_PORT, DEFAULT_NOTIFICATION_SSL_PORT,
};
