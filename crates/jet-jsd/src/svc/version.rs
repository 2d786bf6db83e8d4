//! `jnx.jet.version.VersionDiscovery`: what this jsd serves, from the gate's list of
//! served methods ([`crate::gate::IMPLEMENTED`]) and the proto descriptor (file options
//! `japi_version` / `junos_release`), never a hand-kept list.
//!
//! Names use the contract's `::` form: a service is `package::Service` where package is
//! the first component after `jnx.jet.` (`routing::Rib`, `interfaces::Interfaces`; for
//! the legacy and OpenJET packages the first component: `authentication::Login`,
//! `openjet::ConfigSession`); an RPC is `package::Service::Rpc`. Lookups also take the
//! fully-qualified dotted service name.

use std::sync::Arc;

use jet_proto::jnx::jet::version as pb;
use jet_proto::jnx::jet::version::version_discovery_server::VersionDiscovery;
use tonic::{Request, Response, Status};

use super::{failure, ok_status};
use crate::Shared;

pub(crate) struct VersionSvc {
    _shared: Arc<Shared>,
}

impl VersionSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        VersionSvc { _shared: shared }
    }
}

/// `jnx.jet.routing.rib.Rib` → `routing::Rib`.
pub(crate) fn short_name(full: &str) -> String {
    let rest = full.strip_prefix("jnx.jet.").unwrap_or(full);
    let package = rest.split('.').next().unwrap_or(rest);
    let service = full.rsplit('.').next().unwrap_or(full);
    format!("{package}::{service}")
}

/// The services jsd serves (at least one method), fully qualified, in catalogue order.
pub(crate) fn served_services() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for m in jet_proto::METHODS {
        if crate::gate::IMPLEMENTED.contains(&m.path) && !out.contains(&m.service()) {
            out.push(m.service());
        }
    }
    out
}

/// A served service by `::` name or dotted full name.
fn find_service(name: &str) -> Option<&'static str> {
    served_services()
        .into_iter()
        .find(|s| *s == name || short_name(s) == name)
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
            service_name: served_services().into_iter().map(short_name).collect(),
        }))
    }

    async fn rpc_list_get(
        &self,
        req: Request<pb::RpcListRequest>,
    ) -> Result<Response<pb::RpcListResponse>, Status> {
        let name = &req.get_ref().service_name;
        let Some(svc) = find_service(name) else {
            return Ok(Response::new(pb::RpcListResponse {
                status: failure(format!(
                    "service_name '{name}' is not a service of this device (package::Service, see ServiceListGet)"
                )),
                rpc_name: Vec::new(),
            }));
        };
        let rpcs = jet_proto::METHODS
            .iter()
            .filter(|m| m.service() == svc && crate::gate::IMPLEMENTED.contains(&m.path))
            .map(|m| m.name().to_owned())
            .collect();
        Ok(Response::new(pb::RpcListResponse {
            status: ok_status(),
            rpc_name: rpcs,
        }))
    }

    async fn service_version_get(
        &self,
        req: Request<pb::ServiceVersionRequest>,
    ) -> Result<Response<pb::ServiceVersionResponse>, Status> {
        let name = &req.get_ref().rpc_name;
        let found = name.rsplit_once("::").and_then(|(svc, rpc)| {
            let svc = find_service(svc)?;
            jet_proto::METHODS
                .iter()
                .find(|m| m.service() == svc && m.name() == rpc)
                .filter(|m| crate::gate::IMPLEMENTED.contains(&m.path))
        });
        let Some(m) = found else {
            return Ok(Response::new(pb::ServiceVersionResponse {
                status: failure(format!(
                    "rpc_name '{name}' is not an RPC of this device (package::Service::Rpc)"
                )),
                ..Default::default()
            }));
        };
        let info = jet_proto::descriptor::service(m.service());
        let (major, minor, patch) =
            version_numbers(info.as_ref().map_or("", |i| i.japi_version.as_str()));
        Ok(Response::new(pb::ServiceVersionResponse {
            status: ok_status(),
            major,
            minor,
            patch,
            // The Junos release that introduced this API version (file option
            // `junos_release`); empty for files without it (legacy, OpenJET).
            tag: info.map(|i| i.junos_release).unwrap_or_default(),
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
        assert_eq!(short_name("authentication.Login"), "authentication::Login");
        assert_eq!(
            short_name("openjet.config.v1.ConfigSession"),
            "openjet::ConfigSession"
        );
    }

    #[test]
    fn served_services_are_distinct_in_short_form() {
        let s: Vec<String> = served_services().into_iter().map(short_name).collect();
        for (i, n) in s.iter().enumerate() {
            assert!(!s[..i].contains(n), "{n} twice");
        }
        assert!(s.contains(&"version::VersionDiscovery".to_string()));
    }
}
