use jet_config::{Config, ConfigErrorKind};

use crate::{full_text, parse};

#[test]
fn full_config_validates() {
    parse(&full_text()).validate().expect("valid");
}

#[test]
fn empty_config_validates() {
    Config::default().validate().expect("valid");
}

#[test]
fn ssl_requires_a_local_certificate() {
    let c = Config::parse_set(
        "set system services extension-service request-response grpc ssl port 4443",
    )
    .expect("parses");
    let e = c.validate().expect_err("invalid");
    assert_eq!(e.kind, ConfigErrorKind::MissingMandatory);
    assert_eq!(e.statement, "local-certificate");
    assert_eq!(
        e.path,
        "[edit system services extension-service request-response grpc ssl]"
    );
}

#[test]
fn undefined_ca_profile_reference_is_reported() {
    let c = parse(&full_text())
        .load(
            "delete security pki ca-profile lab-ca",
            jet_config::LoadMode::Set,
        )
        .expect("loads");
    let e = c.validate().expect_err("invalid");
    assert_eq!(e.kind, ConfigErrorKind::Reference);
    assert_eq!(
        e.message,
        "referenced certificate-authority 'lab-ca' is not defined under [edit security pki ca-profile]"
    );
}

#[test]
fn verifying_client_certificates_requires_a_certificate_authority() {
    let c = parse(&full_text())
        .load(
            "delete system services extension-service request-response grpc ssl mutual-authentication certificate-authority",
            jet_config::LoadMode::Set,
        )
        .expect("loads");
    let e = c.validate().expect_err("invalid");
    assert_eq!(e.statement, "certificate-authority");
    assert!(e.message.contains("require-certificate-and-verify"), "{e}");
}

#[test]
fn listeners_on_the_same_address_and_port_conflict() {
    let c = parse(&full_text())
        .load(
            "set system services extension-service request-response grpc ssl port 32767",
            jet_config::LoadMode::Set,
        )
        .expect("loads");
    let e = c.validate().expect_err("conflict");
    assert_eq!(e.kind, ConfigErrorKind::Conflict);
    assert!(e.message.contains("127.0.0.1:32767"), "{e}");

    let c = parse(&full_text())
        .load(
            "set system services extension-service notification port 32767\nset system services extension-service notification address 0.0.0.0",
            jet_config::LoadMode::Set,
        )
        .expect("loads");
    let e = c.validate().expect_err("conflict");
    assert!(
        e.message
            .contains("notification listener 0.0.0.0:32767 conflicts"),
        "{e}"
    );
}

#[test]
fn users_cannot_share_a_uid() {
    let c = Config::parse_set(
        "set system login user a uid 2000\nset system login user a class operator\nset system login user b uid 2000\nset system login user b class operator",
    )
    .expect("parses");
    let e = c.validate().expect_err("duplicate");
    assert_eq!(e.path, "[edit system login user b]");
    assert_eq!(e.message, "uid 2000 is already used by user 'a'");
}

#[test]
fn validation_errors_lists_every_problem() {
    let c = Config::parse_set(
        "set system login user a uid 2000\nset system login user b uid 2001\nset system services extension-service request-response grpc ssl local-certificate nope",
    )
    .expect("parses");
    let errs = c.validation_errors();
    assert_eq!(errs.len(), 3, "{errs:#?}");
}
