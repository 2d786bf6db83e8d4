//! `FILE_DESCRIPTOR_SET` (what reflection serves) against `METHODS` / `SERVICE_NAMES`.

use std::collections::{BTreeMap, BTreeSet};

use jet_proto::{
    method, Streaming, FILE_DESCRIPTOR_SET, LEGACY_METHODS, LEGACY_SERVICE_NAMES, METHODS,
    SERVICE_NAMES,
};
use prost::Message;
use prost_types::FileDescriptorSet;

fn descriptor_set() -> FileDescriptorSet {
    FileDescriptorSet::decode(FILE_DESCRIPTOR_SET).expect("FILE_DESCRIPTOR_SET decodes")
}

/// The files of the JET contract of the spec's Appendix B: everything but OpenJET's own
/// `openjet.*` packages, which it deliberately does not list, and the older generation's
/// `legacy/` files, catalogued apart in `LEGACY_METHODS`.
fn jet_files() -> impl Iterator<Item = prost_types::FileDescriptorProto> {
    descriptor_set()
        .file
        .into_iter()
        .filter(|f| !f.package().starts_with("openjet.") && !f.name().starts_with("legacy/"))
}

fn legacy_files() -> impl Iterator<Item = prost_types::FileDescriptorProto> {
    descriptor_set()
        .file
        .into_iter()
        .filter(|f| f.name().starts_with("legacy/"))
}

/// path -> (input type, output type, client streaming, server streaming)
fn descriptor_methods() -> BTreeMap<String, (String, String, bool, bool)> {
    methods_of(jet_files())
}

fn methods_of(
    files: impl Iterator<Item = prost_types::FileDescriptorProto>,
) -> BTreeMap<String, (String, String, bool, bool)> {
    let mut out = BTreeMap::new();
    for file in files {
        for service in &file.service {
            for m in &service.method {
                let path = format!("/{}.{}/{}", file.package(), service.name(), m.name());
                let info = (
                    m.input_type().to_owned(),
                    m.output_type().to_owned(),
                    m.client_streaming(),
                    m.server_streaming(),
                );
                assert!(out.insert(path.clone(), info).is_none(), "duplicate {path}");
            }
        }
    }
    out
}

#[test]
fn every_catalogued_method_exists_with_its_types_and_streaming_mode() {
    let methods = descriptor_methods();
    for m in METHODS {
        let (input, output, client, server) = methods
            .get(m.path)
            .unwrap_or_else(|| panic!("{} missing from the descriptor set", m.path));
        assert_eq!(input, &format!(".{}", m.request), "{} request", m.path);
        assert_eq!(output, &format!(".{}", m.response), "{} response", m.path);
        assert_eq!(*client, m.streaming.client_streaming(), "{} client", m.path);
        assert_eq!(*server, m.streaming.server_streaming(), "{} server", m.path);
    }
}

#[test]
fn legacy_catalogue_matches_the_legacy_files_both_ways() {
    let methods = methods_of(legacy_files());
    assert_eq!(methods.len(), LEGACY_METHODS.len());
    for m in LEGACY_METHODS {
        let (input, output, client, server) = methods
            .get(m.path)
            .unwrap_or_else(|| panic!("{} missing from the descriptor set", m.path));
        assert_eq!(input, &format!(".{}", m.request), "{} request", m.path);
        assert_eq!(output, &format!(".{}", m.response), "{} response", m.path);
        assert_eq!(*client, m.streaming.client_streaming(), "{} client", m.path);
        assert_eq!(*server, m.streaming.server_streaming(), "{} server", m.path);
        assert_eq!(method(m.path), Some(m), "method() finds {}", m.path);
    }
    let services: BTreeSet<String> = legacy_files()
        .flat_map(|f| {
            f.service
                .iter()
                .map(|s| format!("{}.{}", f.package(), s.name()))
                .collect::<Vec<_>>()
        })
        .collect();
    let listed: BTreeSet<String> = LEGACY_SERVICE_NAMES
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert_eq!(services, listed);
    assert!(listed.contains("routing.Rib") && listed.contains("interface.InterfacesService"));
}

#[test]
fn both_generations_share_the_pool_without_the_legacy_japi_version_extension() {
    let set = descriptor_set();
    let legacy_base = set
        .file
        .iter()
        .find(|f| f.name() == "legacy/jnx_base_types.proto")
        .expect("legacy base types compiled");
    assert_eq!(legacy_base.package(), "jnxBase");
    assert!(legacy_base.extension.is_empty());
    let numbers: Vec<i32> = set
        .file
        .iter()
        .flat_map(|f| f.extension.iter())
        .filter(|x| x.extendee() == ".google.protobuf.FileOptions")
        .map(|x| x.number())
        .collect();
    assert_eq!(numbers.iter().filter(|n| **n == 50000).count(), 1);
}

#[test]
fn descriptor_has_no_method_missing_from_the_catalogue() {
    let catalogued: BTreeSet<&str> = METHODS.iter().map(|m| m.path).collect();
    assert_eq!(
        catalogued.len(),
        METHODS.len(),
        "duplicate paths in METHODS"
    );
    assert_eq!(catalogued.len(), 66, "Appendix B lists 66 methods");
    let in_descriptor: BTreeSet<String> = descriptor_methods().into_keys().collect();
    let catalogued: BTreeSet<String> = catalogued.into_iter().map(str::to_owned).collect();
    assert_eq!(in_descriptor, catalogued);
}

#[test]
fn only_opcommand_get_and_route_streams_are_server_streaming() {
    let streaming: Vec<&str> = METHODS
        .iter()
        .filter(|m| m.streaming == Streaming::ServerStreaming)
        .map(|m| m.path)
        .collect();
    assert_eq!(
        streaming,
        [
            "/jnx.jet.management.Management/OpCommandGet",
            "/jnx.jet.routing.rib.Rib/RouteGet",
            "/jnx.jet.routing.rib.Rib/RouteSubscribe",
            "/jnx.jet.routing.interfaces.Interfaces/InterfaceSubscribe",
            "/jnx.jet.routing.bgp.Bgp/RouteGet",
            "/jnx.jet.routing.bgp.Bgp/RouteSubscribe",
            "/management.ManagementRpcApi/ExecuteOpCommand",
        ]
    );
}

#[test]
fn service_names_match_the_descriptor_services() {
    let names: BTreeSet<&str> = SERVICE_NAMES.iter().copied().collect();
    assert_eq!(names.len(), SERVICE_NAMES.len(), "duplicate service names");
    let in_descriptor: BTreeSet<String> = jet_files()
        .flat_map(|f| {
            f.service
                .iter()
                .map(|s| format!("{}.{}", f.package(), s.name()))
                .collect::<Vec<_>>()
        })
        .collect();
    let names: BTreeSet<String> = names.into_iter().map(str::to_owned).collect();
    assert_eq!(names, in_descriptor);
    let from_methods: BTreeSet<String> = METHODS.iter().map(|m| m.service().to_owned()).collect();
    assert_eq!(names, from_methods);
}

#[test]
fn descriptor_set_is_self_contained_and_leaves_out_the_legacy_base_types() {
    let files: BTreeSet<String> = descriptor_set()
        .file
        .iter()
        .map(|f| f.name().to_owned())
        .collect();
    for f in descriptor_set().file {
        for dep in &f.dependency {
            assert!(
                files.contains(dep),
                "{} imports {dep}, not in the set",
                f.name()
            );
        }
        assert!(
            f.source_code_info.is_none(),
            "{} carries source info",
            f.name()
        );
    }
    assert!(!files.contains("jnx_base_types.proto"));
    for expected in [
        "jnx_common_base_types.proto",
        "jnx_management_service.proto",
        "jnx_routing_flexible_tunnel_service.proto",
        "authentication_service.proto",
        "management_service.proto",
        "jnx_version_service.proto",
        "google/protobuf/descriptor.proto",
        "google/protobuf/wrappers.proto",
    ] {
        assert!(files.contains(expected), "{expected} missing");
    }
}

#[test]
fn method_lookup_splits_service_and_name() {
    let m = method("/authentication.Login/LoginCheck").expect("legacy login is catalogued");
    assert_eq!(m.service(), "authentication.Login");
    assert_eq!(m.name(), "LoginCheck");
    assert_eq!(m.request, "authentication.LoginRequest");
    assert_eq!(m.streaming, Streaming::Unary);
    assert!(method("/jnx.jet.management.Management/Nope").is_none());
}

#[test]
fn openjet_extensions_live_in_their_own_packages_and_import_no_jet_file() {
    let own: Vec<_> = descriptor_set()
        .file
        .into_iter()
        .filter(|f| f.name().starts_with("openjet/"))
        .collect();
    assert!(!own.is_empty(), "openjet/config_session.proto is compiled");
    for f in own {
        assert!(
            f.package().starts_with("openjet."),
            "{} is in package {}",
            f.name(),
            f.package()
        );
        assert!(
            f.dependency.iter().all(|d| !d.starts_with("jnx")),
            "{} must not extend JET messages",
            f.name()
        );
    }
}
