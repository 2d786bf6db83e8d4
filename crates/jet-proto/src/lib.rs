//! # jet-proto: the JET wire contract in Rust
//!
//! Owns OpenJET's `.proto` files (`proto/`, written from `shared/spec/jet-wire-contract.md`
//! by `tools/spec2proto.py` and checked against it by `tools/check_against_spec.py`), the
//! prost/tonic code generated from them (`src/gen/`, checked in), the encoded
//! [`FILE_DESCRIPTOR_SET`] for gRPC server reflection, and the [`SERVICE_NAMES`] /
//! [`METHODS`] catalogue (the spec's Appendix B).
//!
//! Modules mirror the protobuf packages: [`jnx::jet`] is the new generation
//! (`jnx.jet.*`, Junos 24.4R1, wire-compatible with 23.1R1 clients), while the top-level
//! [`authentication`] and [`management`] modules are the legacy packages that Juniper's
//! Python sample apps still call. Every service has both a client (`*_client`) and a
//! server (`*_server`) module.
//!
//! What this crate must not do: hold behaviour. No I/O, no sessions, no mapping to
//! domain types; that belongs to `jet-jsd` and `jet-sdk`. It never grows fields of its
//! own in JET messages either: OpenJET extensions live in `openjet.*` packages.
//!
//! ## Regenerating
//! Nothing is generated at build time (no `build.rs`, no `protoc`). After changing a
//! `.proto`, run
//!
//! ```text
//! JET_PROTO_REGEN=1 cargo test -p jet-proto --test codegen_fresh
//! ```
//!
//! which runs protox + tonic-prost-build and rewrites `src/gen/`; without the variable the
//! same test fails when the checked-in files are stale. (A new package also needs its
//! `pub mod` below; create an empty `src/gen/<package>.rs` first so the crate builds.)
//!
//! The `.proto` files themselves come from the spec; from the repository root:
//!
//! ```text
//! python3 crates/jet-proto/tools/spec2proto.py ../shared/spec/jet-wire-contract.md crates/jet-proto/proto
//! python3 crates/jet-proto/tools/check_against_spec.py ../shared/spec/jet-wire-contract.md \
//!     --proto-dir crates/jet-proto/proto              # needs `pip install grpcio-tools`
//! python3 crates/jet-proto/tools/check_against_spec.py ../shared/spec/jet-wire-contract.md \
//!     --descriptor crates/jet-proto/src/gen/jet_descriptor.bin --skip-file jnx_base_types.proto
//! ```
//!
//! ## The older generation (`proto/legacy/`)
//! The packages `routing`, `interface`, `registration`, `jnxBase` and `bfd` of the older
//! JET generation are written by `tools/legacy2proto.py` from the wire facts of the `1/`
//! folder of the crates.io package `juniper-jet` 0.1.0-alpha.1, and checked against it by
//! `tools/check_legacy.py` (0 mismatches):
//!
//! ```text
//! JJ=$(ls -d ~/.cargo/registry/src/*/juniper-jet-0.1.0-alpha.1)/protos/23.1/23.1R1.8/1
//! python3 crates/jet-proto/tools/legacy2proto.py "$JJ" crates/jet-proto
//! python3 crates/jet-proto/tools/check_legacy.py "$JJ" --proto-dir crates/jet-proto/proto
//! ```
//!
//! Juniper's legacy `jnx_base_types.proto` extends `google.protobuf.FileOptions` with
//! `japi_version` = 50000, as the new generation's `jnx_common_base_types.proto` does, so
//! the two cannot share a descriptor pool. `proto/legacy/jnx_base_types.proto` leaves the
//! extension out (no legacy file sets the option; nothing on the wire changes), so both
//! generations compile into one pool and one reflection service. The spec's copy,
//! `proto/jnx_base_types.proto` (with the extension), stays for the spec check and is not
//! compiled. The legacy services beyond Login and ManagementRpcApi are catalogued in
//! [`LEGACY_SERVICE_NAMES`] / [`LEGACY_METHODS`].

mod catalog;
mod catalog_legacy;
pub mod descriptor;

pub use catalog::{method, RpcMethod, Streaming, METHODS, SERVICE_NAMES};
pub use catalog_legacy::{LEGACY_METHODS, LEGACY_SERVICE_NAMES};

/// Encoded `google.protobuf.FileDescriptorSet` of every compiled file plus its imports
/// (`google/protobuf/descriptor.proto`, `wrappers.proto`), without source info; feed it
/// to `tonic-reflection`. The `japi_version`/`junos_release` file options are kept.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!("gen/jet_descriptor.bin");

// Each generated module carries `#[allow(clippy::all, clippy::pedantic, missing_docs)]`:
// that code is prost's and tonic's, not ours, and a new lint in a toolchain update must not
// break CI on it. Hand-written code (this file, `catalog.rs`) gets the full lint set.

/// New-generation packages (`jnx.jet.*`).
pub mod jnx {
    /// `jnx.jet.*` packages.
    pub mod jet {
        /// `jnx.jet.common`: status, address and range types shared by every service.
        #[allow(clippy::all, clippy::pedantic, missing_docs)]
        pub mod common {
            include!("gen/jnx.jet.common.rs");
        }

        /// `jnx.jet.authentication`: the `Authentication` service (`Login`).
        #[allow(clippy::all, clippy::pedantic, missing_docs)]
        pub mod authentication {
            include!("gen/jnx.jet.authentication.rs");
        }

        /// `jnx.jet.management`: the `Management` service (op commands, configuration).
        #[allow(clippy::all, clippy::pedantic, missing_docs)]
        pub mod management {
            include!("gen/jnx.jet.management.rs");
        }

        /// `jnx.jet.routing.*` packages.
        pub mod routing {
            /// `jnx.jet.routing.base`: routing base types and the `Base` service (purge
            /// timer, route summary).
            #[allow(clippy::all, clippy::pedantic, missing_docs)]
            pub mod base {
                include!("gen/jnx.jet.routing.base.rs");
            }

            /// `jnx.jet.routing.rib`: the `Rib` and `FlexibleTunnel` services.
            #[allow(clippy::all, clippy::pedantic, missing_docs)]
            pub mod rib {
                include!("gen/jnx.jet.routing.rib.rs");
            }

            /// `jnx.jet.routing.interfaces`: the routing `Interfaces` service.
            #[allow(clippy::all, clippy::pedantic, missing_docs)]
            pub mod interfaces {
                include!("gen/jnx.jet.routing.interfaces.rs");
            }

            /// `jnx.jet.routing.bgp`: the `Bgp` route service.
            #[allow(clippy::all, clippy::pedantic, missing_docs)]
            pub mod bgp {
                include!("gen/jnx.jet.routing.bgp.rs");
            }
        }

        /// `jnx.jet.interfaces`: the (dcd) `Interfaces` service.
        #[allow(clippy::all, clippy::pedantic, missing_docs)]
        pub mod interfaces {
            include!("gen/jnx.jet.interfaces.rs");
        }

        /// `jnx.jet.firewall`: the `Firewall` service.
        #[allow(clippy::all, clippy::pedantic, missing_docs)]
        pub mod firewall {
            include!("gen/jnx.jet.firewall.rs");
        }

        /// `jnx.jet.registration`: the `Registration` service.
        #[allow(clippy::all, clippy::pedantic, missing_docs)]
        pub mod registration {
            include!("gen/jnx.jet.registration.rs");
        }

        /// `jnx.jet.version`: the EVO-only `VersionDiscovery` service.
        #[allow(clippy::all, clippy::pedantic, missing_docs)]
        pub mod version {
            include!("gen/jnx.jet.version.rs");
        }
    }
}

/// OpenJET's own packages (`openjet.*`, `proto/openjet/`): APIs beyond the JET contract
/// (DESIGN principle 5), never new fields in JET messages.
pub mod openjet {
    /// `openjet.appcommands.*`.
    pub mod appcommands {
        /// `openjet.appcommands.v1`: the `AppCommands` service (operational commands a
        /// connected app adds and answers).
        #[allow(clippy::all, clippy::pedantic, missing_docs)]
        pub mod v1 {
            include!("gen/openjet.appcommands.v1.rs");
        }
    }
    /// `openjet.config.*`.
    pub mod config {
        /// `openjet.config.v1`: the `ConfigSession` service (configuration mode for `jcli`).
        #[allow(clippy::all, clippy::pedantic, missing_docs)]
        pub mod v1 {
            include!("gen/openjet.config.v1.rs");
        }
    }
    /// `openjet.software.*`.
    pub mod software {
        /// `openjet.software.v1`: the `Software` service (app packages over the API).
        #[allow(clippy::all, clippy::pedantic, missing_docs)]
        pub mod v1 {
            include!("gen/openjet.software.v1.rs");
        }
    }
    /// `openjet.traffic.*`.
    pub mod traffic {
        /// `openjet.traffic.v1`: the `Traffic` service (simulated flows and packet tests).
        #[allow(clippy::all, clippy::pedantic, missing_docs)]
        pub mod v1 {
            include!("gen/openjet.traffic.v1.rs");
        }
    }
}

/// Legacy package `authentication`: the `Login` service (`LoginCheck`).
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod authentication {
    include!("gen/authentication.rs");
}

/// Legacy package `management`: the `ManagementRpcApi` service.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod management {
    include!("gen/management.rs");
}

/// Legacy package `jnxBase` (`proto/legacy/jnx_base_types.proto`, `jnx_addr.proto`):
/// status codes, addresses and ranges of the older generation.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod jnx_base {
    include!("gen/jnx_base.rs");
}

/// Legacy package `routing`: `Rib`, `Base`, `BgpRoute`, `RoutingInterface`,
/// `FlexibleTunnel` and `MplsApi` (`proto/legacy/`).
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod routing {
    include!("gen/routing.rs");
}

/// Legacy package `interface`: dcd's `InterfacesService` and its companion services.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod interface {
    include!("gen/interface.rs");
}

/// Legacy package `registration`: the `Register` service.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod registration {
    include!("gen/registration.rs");
}

/// Legacy package `bfd`: the `BFD` service (described, not served).
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod bfd {
    include!("gen/bfd.rs");
}
