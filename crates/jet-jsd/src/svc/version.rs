//! `jnx.jet.version.VersionDiscovery`: what this jsd serves, derived from the served set
//! itself — the gate's list of served methods ([`super::served::IMPLEMENTED`], the only
//! list the gate lets through) plus the registered APIs (`jet_device::registrations`) —
//! never a hand-kept list. A method added to the gate, or an API registered, is listed
//! at once.
//!
//! Names use the contract's `::` form; an RPC is `<service>::Rpc`:
//! - current generation `jnx.jet.<pkg>....<Service>` → `<pkg>::<Service>` (the contract:
//!   `routing::Rib`, `interfaces::Interfaces`);
//! - OpenJET's own `openjet.<x>.v1.<Service>` → `openjet::<Service>`;
//! - the older generation (every other built-in package: `authentication`,
//!   `management`, `routing`, ...) → `legacy::<package>::<Service>` (`legacy::routing::Rib`;
//!   without the prefix it would collide with `routing::Rib`);
//! - registered APIs → their full name with `::` (`acme::v1::Echo`).
//!
//! Lookups also take the fully-qualified dotted service name.

use std::sync::Arc;

use jet_proto::jnx::jet::version as pb;
use jet_proto::jnx::jet::version::version_discovery_server::VersionDiscovery;
use tonic::{Request, Response, Status};

use super::{failure, ok_status};
use crate::Shared;

pub(crate) struct VersionSvc {
    shared: Arc<Shared>,
}

impl VersionSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        VersionSvc { shared }
    }
}

/// A built-in service's `::` name (see the module documentation).
pub(crate) fn short_name(full: &str) -> String {
    let service = full.rsplit('.').next().unwrap_or(full);
    if let Some(rest) = full.strip_prefix("jnx.jet.") {
        let package = rest.split('.').next().unwrap_or(rest);
        format!("{package}::{service}")
    } else if full.starts_with("openjet.") {
        format!("openjet::{service}")
    } else {
        format!("legacy::{}", full.replace('.', "::"))
    }
}

/// A registered service's `::` name.
fn registered_name(full: &str) -> String {
    full.replace('.', "::")
}

/// One served service.
#[derive(Debug, Clone)]
pub(crate) struct Served {
    /// Fully-qualified name.
    pub(crate) full: String,
    /// The `::` name.
    pub(crate) short: String,
    /// Its served RPCs, bare names.
    pub(crate) rpcs: Vec<String>,
    /// `(major, minor, patch, tag)`.
    version: (u32, u32, u32, String),
}

/// The built-in services jsd serves (at least one method), in gate order.
pub(crate) fn served_services() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for path in super::served::IMPLEMENTED {
        let svc = path[1..].split_once('/').map_or("", |(s, _)| s);
        if !out.contains(&svc) {
            out.push(svc);
        }
    }
    out
}

/// Everything served now: built-in services, then registered ones.
pub(crate) fn served(shared: &Shared) -> Vec<Served> {
    let mut out: Vec<Served> = served_services()
        .into_iter()
        .map(|full| {
            let rpcs = super::served::IMPLEMENTED
                .iter()
                .filter_map(|p| p[1..].split_once('/'))
                .filter(|(s, _)| *s == full)
                .map(|(_, r)| r.to_string())
                .collect();
            let info = jet_proto::descriptor::service(full);
            let (a, b, c) = version_numbers(info.as_ref().map_or("", |i| i.japi_version.as_str()));
            Served {
                full: full.to_string(),
                short: short_name(full),
                rpcs,
                // The Junos release that introduced this API version (file option
                // `junos_release`); empty for files without it (legacy, OpenJET).
                version: (a, b, c, info.map(|i| i.junos_release).unwrap_or_default()),
            }
        })
        .collect();
    let set = shared.device.registrations().current();
    for (reg, s) in set.services() {
        let (a, b, c) = s.version.unwrap_or((0, 0, 0));
        out.push(Served {
            full: s.name.clone(),
            short: registered_name(&s.name),
            rpcs: s.rpcs.iter().map(|r| r.name.clone()).collect(),
            version: (a, b, c, format!("registered:{}", reg.id)),
        });
    }
    out
}

/// A served service by `::` name or dotted full name.
fn find_service(all: &[Served], name: &str) -> Option<Served> {
    all.iter()
        .find(|s| s.full == name || s.short == name)
        .cloned()
}

fn version_numbers(v: &str) -> (u32, u32, u32) {
    let mut it = v.split('.').map(|x| x.parse::<u32>().unwrap_or(0));
    (
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
    )
}

#[tonic::async_trait]
impl VersionDiscovery for VersionSvc {
    async fn junos_version_get(
        &self,
        _req: Request<pb::JunosVersionRequest>,
    ) -> Result<Response<pb::JunosVersionResponse>, Status> {
        Ok(Response::new(pb::JunosVersionResponse {
            status: ok_status(),
            junos_version: format!("Junos: {}", jet_device::output::JUNOS_RELEASE),
            grpc_version: "tonic 0.14 (OpenJET)".into(),
            protobuf_version: "prost 0.14 (proto3)".into(),
        }))
    }

    async fn service_list_get(
        &self,
        _req: Request<pb::ServiceListRequest>,
    ) -> Result<Response<pb::ServiceListResponse>, Status> {
        Ok(Response::new(pb::ServiceListResponse {
            status: ok_status(),
            service_name: served(&self.shared).into_iter().map(|s| s.short).collect(),
        }))
    }

    async fn rpc_list_get(
        &self,
        req: Request<pb::RpcListRequest>,
    ) -> Result<Response<pb::RpcListResponse>, Status> {
        let name = &req.get_ref().service_name;
        let Some(svc) = find_service(&served(&self.shared), name) else {
            return Ok(Response::new(pb::RpcListResponse {
                status: failure(format!(
                    "service_name '{name}' is not a service of this device (package::Service, see ServiceListGet)"
                )),
                rpc_name: Vec::new(),
            }));
        };
        Ok(Response::new(pb::RpcListResponse {
            status: ok_status(),
            rpc_name: svc.rpcs,
        }))
    }

    async fn service_version_get(
        &self,
        req: Request<pb::ServiceVersionRequest>,
    ) -> Result<Response<pb::ServiceVersionResponse>, Status> {
        let name = &req.get_ref().rpc_name;
        let all = served(&self.shared);
        let found = name.rsplit_once("::").and_then(|(svc, rpc)| {
            find_service(&all, svc).filter(|s| s.rpcs.iter().any(|r| r == rpc))
        });
        let Some(s) = found else {
            return Ok(Response::new(pb::ServiceVersionResponse {
                status: failure(format!(
                    "rpc_name '{name}' is not an RPC of this device (package::Service::Rpc)"
                )),
                ..Default::default()
            }));
        };
        let (major, minor, patch, tag) = s.version;
        Ok(Response::new(pb::ServiceVersionResponse {
            status: ok_status(),
            major,
            minor,
            patch,
            tag,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_use_the_contracts_double_colon_form() {
        assert_eq!(short_name("jnx.jet.routing.rib.Rib"), "routing::Rib");
        assert_eq!(
            short_name("jnx.jet.management.Management"),
            "management::Management"
        );
        assert_eq!(
            short_name("authentication.Login"),
            "legacy::authentication::Login"
        );
        assert_eq!(short_name("routing.Rib"), "legacy::routing::Rib");
        assert_eq!(
            short_name("openjet.config.v1.ConfigSession"),
            "openjet::ConfigSession"
        );
    }

    #[test]
    fn served_services_are_distinct_in_short_form() {
        let s: Vec<String> = served_services().into_iter().map(short_name).collect();
        for legacy in [
            "legacy::routing::Rib",
            "legacy::routing::Base",
            "legacy::authentication::Login",
            "legacy::management::ManagementRpcApi",
            "openjet::ConfigSession",
            "registration::Registration",
        ] {
            assert!(s.contains(&legacy.to_string()), "{legacy} in {s:?}");
        }
        for (i, n) in s.iter().enumerate() {
            assert!(!s[..i].contains(n), "{n} twice");
        }
        assert!(s.contains(&"version::VersionDiscovery".to_string()));
    }
}
