//! gRPC server reflection (v1 and v1alpha) over jsd's own descriptor set plus the APIs
//! registered now (`jet_device::registrations`), rebuilt when the registrations change.
//!
//! A registration carries names, not message types, so each registered service is
//! described with its methods and streaming flags, taking and returning
//! `openjet.registered.Opaque`: the bytes jsd forwards unseen (the app's own reflection
//! or `.proto` has the real types).

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use jet_device::registrations::RegistrySet;
use prost_types::{
    DescriptorProto, FileDescriptorProto, FileDescriptorSet, MethodDescriptorProto,
    ServiceDescriptorProto,
};
use tonic::body::Body;
use tonic::server::NamedService;
use tower::util::BoxCloneSyncService;
use tower::{Service, ServiceExt};

use crate::Shared;

type Inner = BoxCloneSyncService<http::Request<Body>, http::Response<Body>, Infallible>;

/// The service built for one registry snapshot.
type Built = Arc<Mutex<Option<(Arc<RegistrySet>, Inner)>>>;

const OPAQUE_FILE: &str = "openjet/registered/opaque.proto";
const OPAQUE: &str = ".openjet.registered.Opaque";

/// The descriptors of the registered services.
pub(crate) fn registered_files(set: &RegistrySet) -> FileDescriptorSet {
    let mut file = vec![FileDescriptorProto {
        name: Some(OPAQUE_FILE.into()),
        package: Some("openjet.registered".into()),
        message_type: vec![DescriptorProto {
            name: Some("Opaque".into()),
            ..Default::default()
        }],
        syntax: Some("proto3".into()),
        ..Default::default()
    }];
    for (reg, s) in set.services() {
        let (package, name) = s.name.rsplit_once('.').unwrap_or(("", s.name.as_str()));
        file.push(FileDescriptorProto {
            name: Some(format!("openjet/registered/{}/{}.proto", reg.id, s.name)),
            package: Some(package.into()),
            dependency: vec![OPAQUE_FILE.into()],
            service: vec![ServiceDescriptorProto {
                name: Some(name.into()),
                method: s
                    .rpcs
                    .iter()
                    .map(|r| MethodDescriptorProto {
                        name: Some(r.name.clone()),
                        input_type: Some(OPAQUE.into()),
                        output_type: Some(OPAQUE.into()),
                        client_streaming: Some(r.client_streaming),
                        server_streaming: Some(r.server_streaming),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }],
            syntax: Some("proto3".into()),
            ..Default::default()
        });
    }
    FileDescriptorSet { file }
}

/// The reflection service of version `V1` (true: `grpc.reflection.v1`, false:
/// `v1alpha`), for the registrations of the moment.
#[derive(Clone)]
pub(crate) struct DynReflection<const V1: bool> {
    shared: Arc<Shared>,
    built: Built,
}

impl<const V1: bool> DynReflection<V1> {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        DynReflection {
            shared,
            built: Arc::default(),
        }
    }

    fn current(&self) -> Option<Inner> {
        let set = self.shared.device.registrations().current();
        let mut built = self.built.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((s, svc)) = built.as_ref() {
            if Arc::ptr_eq(s, &set) {
                return Some(svc.clone());
            }
        }
        let b = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(jet_proto::FILE_DESCRIPTOR_SET)
            .register_file_descriptor_set(registered_files(&set));
        let svc = if V1 {
            b.build_v1().ok().map(BoxCloneSyncService::new)
        } else {
            b.build_v1alpha().ok().map(BoxCloneSyncService::new)
        }?;
        *built = Some((set, svc.clone()));
        Some(svc)
    }
}

impl NamedService for DynReflection<true> {
    const NAME: &'static str = "grpc.reflection.v1.ServerReflection";
}

impl NamedService for DynReflection<false> {
    const NAME: &'static str = "grpc.reflection.v1alpha.ServerReflection";
}

impl<const V1: bool> Service<http::Request<Body>> for DynReflection<V1> {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Self::Response, Infallible>> + Send>,
    >;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        let svc = self.current();
        Box::pin(async move {
            match svc {
                Some(svc) => svc.oneshot(req).await,
                None => Ok(
                    tonic::Status::internal("jsd: reflection descriptors do not build").into_http(),
                ),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_opaque_file_alone_builds_with_our_descriptors() {
        let set = registered_files(&RegistrySet::default());
        assert_eq!(set.file.len(), 1);
        assert!(tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(jet_proto::FILE_DESCRIPTOR_SET)
            .register_file_descriptor_set(set)
            .build_v1()
            .is_ok());
    }
}
