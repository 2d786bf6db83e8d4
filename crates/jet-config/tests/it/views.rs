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

#[test]
fn static_arp_and_ndp_entries_are_read_with_publish_from_one_set_line() {
    let c = Config::parse_set(
        "set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24 arp 192.0.2.9 mac 00:11:22:33:44:55 publish\n\
         set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24 arp 192.0.2.10 mac 00:11:22:33:44:66\n\
         set interfaces ge-0/0/0 unit 0 family inet6 address 2001:db8::1/64 ndp 2001:db8::9 mac 00:11:22:33:44:77\n",
    )
    .expect("parses");
    let ifds = c.interfaces();
    let ns = &ifds[0].units[0].neighbors;
    assert_eq!(ns.len(), 3, "{ns:?}");
    assert_eq!(
        ns[0].interface_address,
        "192.0.2.1".parse::<IpAddr>().expect("ip")
    );
    assert_eq!(ns[0].neighbor, "192.0.2.9".parse::<IpAddr>().expect("ip"));
    assert_eq!(ns[0].mac, "00:11:22:33:44:55");
    assert!(ns[0].publish);
    assert!(!ns[1].publish);
    assert_eq!(ns[2].neighbor, "2001:db8::9".parse::<IpAddr>().expect("ip"));
    // The printed forms read back to the same entries.
    let again = Config::parse_text(&c.to_text()).expect("text reparses");
    assert_eq!(again.interfaces()[0].units[0].neighbors, *ns);
    let again = Config::parse_set(&c.to_set()).expect("set reparses");
    assert_eq!(again.interfaces()[0].units[0].neighbors, *ns);
}

#[test]
fn words_after_a_leaf_value_are_sibling_statements_only_when_they_name_one() {
    let c = Config::parse_set(
        "set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24 arp 192.0.2.9 publish mac 00:11:22:33:44:55\n",
    )
    .expect("a flag, then a leaf");
    assert!(c.interfaces()[0].units[0].neighbors[0].publish);
    let e = Config::parse_set("set system host-name r1 extra\n").expect_err("stray value");
    assert!(e.to_string().contains("takes one value"), "{e}");
    let e = Config::parse_set(
        "set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24 arp 192.0.2.9 mac publish\n",
    )
    .expect_err("publish is no MAC");
    assert!(
        e.to_string().contains("invalid MAC address 'publish'"),
        "{e}"
    );
}
