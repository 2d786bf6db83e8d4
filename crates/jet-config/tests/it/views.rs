use std::net::IpAddr;

use jet_config::{ClientCertRequest, Config, LoginClass};

use crate::{full_text, hash, parse};

#[test]
fn users_view_reads_every_field() {
    let users = parse(&full_text()).users();
    assert_eq!(users.len(), 2);
    let a = &users[0];
    assert_eq!(a.name, "admin");
    assert_eq!(a.uid, Some(2000));
    assert_eq!(a.class, LoginClass::SuperUser);
    assert_eq!(a.encrypted_password.as_deref(), Some(hash().as_str()));
    assert_eq!(a.full_name.as_deref(), Some("Ad Min"));
    assert_eq!(users[1].class, LoginClass::ReadOnly);
    assert_eq!(users[1].encrypted_password, None);
}

#[test]
fn users_without_class_are_left_out_of_the_view() {
    let c = Config::parse_set("set system login user x uid 3000").expect("parses");
    assert!(c.users().is_empty());
}

#[test]
fn jsd_defaults_when_nothing_is_configured() {
    let jsd = Config::default().jsd();
    assert_eq!(jsd.clear_text, None);
    assert_eq!(jsd.ssl, None);
    assert_eq!(jsd.max_connections, 8);
    assert!(!jsd.skip_authentication);
}

#[test]
fn clear_text_alone_means_loopback_on_32767() {
    let c = parse(
        "system { services { extension-service { request-response { grpc { clear-text; } } } } }",
    );
    let ct = c.jsd().clear_text.expect("listener");
    assert_eq!(ct.address, "127.0.0.1".parse::<IpAddr>().expect("ip"));
    assert_eq!(ct.port, 32767);
}

#[test]
fn jsd_view_reads_ssl_and_mutual_authentication() {
    let jsd = parse(&full_text()).jsd();
    let ssl = jsd.ssl.expect("ssl");
    assert_eq!(ssl.port, 32768);
    assert!(ssl.address.is_loopback());
    assert_eq!(ssl.local_certificate.as_deref(), Some("jsd"));
    let m = ssl.mutual.expect("mutual");
    assert_eq!(m.certificate_authority.as_deref(), Some("lab-ca"));
    assert_eq!(m.request, ClientCertRequest::RequireCertificateAndVerify);
    assert!(m.request.requires() && m.request.verifies());
    assert!(jsd.skip_authentication);
}

#[test]
fn notification_view_has_defaults_and_allow_list() {
    let n = parse(&full_text()).notification().expect("configured");
    assert_eq!(n.listener.port, 1883);
    assert_eq!(n.max_connections, 4);
    assert_eq!(n.allow_clients.len(), 2);
    assert!(n.allow_clients[1].contains("10.1.2.3".parse().expect("ip")));
    let bare = parse("system { services { extension-service { notification; } } }")
        .notification()
        .expect("on");
    assert_eq!(bare.listener.port, 1883);
    assert!(bare.listener.address.is_loopback());
    assert!(bare.allow_clients.is_empty());
    assert_eq!(Config::default().notification(), None);
}

#[test]
fn certificate_and_ca_views_list_entries() {
    let c = parse(&full_text());
    let certs = c.local_certificates();
    assert_eq!(certs.len(), 1);
    assert_eq!(certs[0].name, "jsd");
    assert_eq!(certs[0].load_key_file.as_deref(), Some("certs/jsd.pem"));
    let cas = c.ca_profiles();
    assert_eq!(cas[0].name, "lab-ca");
    assert_eq!(cas[0].ca_identity.as_deref(), Some("lab-ca"));
    assert_eq!(c.host_name(), Some("r1"));
}
