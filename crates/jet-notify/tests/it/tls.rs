//! MQTT over TLS (the `notification ssl` listener).

use std::sync::Arc;

use bytes::BytesMut;
use jet_notify::codec::{self, Connect, Packet, ProtocolVersion, ReasonCode};
use jet_notify::ListenerConfig;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::*;

#[tokio::test]
async fn a_tls_listener_serves_mqtt_and_sits_beside_a_clear_one() {
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert = CertificateDer::from(ck.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key)
        .unwrap();
    let (broker, plain) = start(|c| {
        c.listeners.push(ListenerConfig {
            addr: "127.0.0.1:0".parse().unwrap(),
            tls: Some(Arc::new(server)),
        })
    });
    let tls_addr = broker.local_addrs()[1];
    assert_ne!(tls_addr, plain);

    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).unwrap();
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
    let tcp = tokio::net::TcpStream::connect(tls_addr).await.unwrap();
    let mut tls = connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();

    let mut out = BytesMut::new();
    codec::encode(
        &Packet::Connect(Box::new(Connect::new(ProtocolVersion::V5, "tls"))),
        ProtocolVersion::V5,
        &mut out,
    )
    .unwrap();
    tls.write_all(&out).await.unwrap();
    let mut buf = BytesMut::new();
    let ack = loop {
        if let Some(p) = codec::decode_buf(&mut buf, ProtocolVersion::V5, 1 << 20).unwrap() {
            break p;
        }
        assert!(tls.read_buf(&mut buf).await.unwrap() > 0);
    };
    assert!(matches!(ack, Packet::ConnAck(a) if a.code == ReasonCode::SUCCESS));
    assert_eq!(broker.clients()[0].client_id, "tls");
}
