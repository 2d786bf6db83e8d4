use jet_config::{Config, ConfigError, ConfigErrorKind};

fn text_err(text: &str) -> ConfigError {
    Config::parse_text(text).expect_err("must fail")
}

fn set_err(text: &str) -> ConfigError {
    Config::parse_set(text).expect_err("must fail")
}

#[test]
fn unknown_statement_names_statement_path_and_position() {
    let e = text_err("system {\n    host-name r1;\n    foo bar;\n}\n");
    assert_eq!(e.kind, ConfigErrorKind::UnknownStatement);
    assert_eq!((e.line, e.column), (Some(3), Some(5)));
    assert_eq!(e.path, "[edit system]");
    assert_eq!(e.statement, "foo");
    assert_eq!(e.message, "unknown statement 'foo'");
    assert_eq!(
        e.to_string(),
        "line 3, column 5:\n[edit system]\n  'foo'\n    unknown statement 'foo'"
    );
}

#[test]
fn missing_semicolon_is_a_syntax_error_at_the_next_token() {
    let e = text_err("system {\n    host-name r1\n}\n");
    assert_eq!(e.kind, ConfigErrorKind::Syntax);
    assert!(e.message.starts_with("syntax error"), "{e}");
    assert_eq!((e.line, e.column), (Some(3), Some(1)));
}

#[test]
fn port_out_of_range_names_value_and_range() {
    let e = set_err(
        "set system services extension-service request-response grpc clear-text port 70000",
    );
    assert_eq!(e.kind, ConfigErrorKind::InvalidValue);
    assert_eq!(e.message, "value out of range 70000 for port (1..65535)");
    assert_eq!(e.statement, "port 70000");
    assert_eq!(
        e.path,
        "[edit system services extension-service request-response grpc clear-text]"
    );
    assert_eq!((e.line, e.column), (Some(1), Some(77)));

    let e = text_err("system { services { extension-service { request-response { grpc { max-connections 0; } } } } }");
    assert_eq!(
        e.message,
        "value out of range 0 for max-connections (1..1000)"
    );
}

#[test]
fn uid_out_of_range_is_refused() {
    let e = set_err("set system login user bob uid 99");
    assert_eq!(e.message, "value out of range 99 for uid (100..64000)");
    assert_eq!(e.path, "[edit system login user bob]");
}

#[test]
fn undefined_class_is_refused_by_validate_with_the_choices() {
    let c = Config::parse_set("set system login user bob class wizard").expect("parses");
    let e = c.validate().expect_err("undefined class");
    assert_eq!(e.kind, ConfigErrorKind::Reference);
    assert_eq!(e.path, "[edit system login user bob]");
    assert_eq!(e.statement, "class wizard");
    assert_eq!(
        e.message,
        "login class 'wizard' is not defined: use super-user, operator, read-only or a class under [edit system login class]"
    );
}

#[test]
fn bad_user_name_host_name_and_addresses_are_refused() {
    assert!(set_err("set system login user Bob class operator")
        .message
        .contains("invalid user name 'Bob'"));
    assert!(set_err("set system host-name \"r 1\"")
        .message
        .contains("invalid host-name"));
    assert!(
        set_err("set system services extension-service notification address 300.1.1.1")
            .message
            .contains("invalid ip address '300.1.1.1'")
    );
    assert!(set_err(
        "set system services extension-service notification allow-clients address 10.0.0.0/40"
    )
    .message
    .contains("invalid ip prefix"));
}

#[test]
fn plain_text_password_is_refused_as_not_a_crypt_hash() {
    let e = set_err("set system login user bob authentication encrypted-password secret");
    assert_eq!(e.kind, ConfigErrorKind::InvalidValue);
    assert!(e.message.contains("crypt hash"), "{e}");
    assert_eq!(e.path, "[edit system login user bob authentication]");
}

#[test]
fn missing_mandatory_class_is_reported_by_validate_with_the_user_path() {
    let c = Config::parse_set("set system login user bob uid 2001").expect("parses");
    let e = c.validate().expect_err("class is mandatory");
    assert_eq!(e.kind, ConfigErrorKind::MissingMandatory);
    assert_eq!(e.path, "[edit system login user bob]");
    assert_eq!(e.statement, "class");
    assert_eq!(e.message, "missing mandatory statement: 'class'");
    assert_eq!(
        e.to_string(),
        "[edit system login user bob]\n  'class'\n    missing mandatory statement: 'class'"
    );
}

#[test]
fn undefined_local_certificate_reference_is_reported() {
    let c = Config::parse_set(
        "set system services extension-service request-response grpc ssl local-certificate x",
    )
    .expect("parses");
    let e = c.validate().expect_err("reference");
    assert_eq!(e.kind, ConfigErrorKind::Reference);
    assert_eq!(
        e.message,
        "referenced local-certificate 'x' is not defined under [edit security certificates local]"
    );
    assert_eq!(
        e.path,
        "[edit system services extension-service request-response grpc ssl]"
    );
    assert_eq!(e.statement, "local-certificate x");
}

#[test]
fn deleting_an_absent_statement_is_statement_not_found() {
    let e = set_err("set system host-name r1\ndelete system login user ghost");
    assert_eq!(e.kind, ConfigErrorKind::NotFound);
    assert_eq!(e.message, "statement not found");
    assert_eq!(e.path, "[edit system login]");
    assert_eq!(e.statement, "user ghost");
    assert_eq!(e.line, Some(2));
    let e = set_err("set system host-name r1\ndelete system host-name r2");
    assert_eq!(e.kind, ConfigErrorKind::NotFound);
}

#[test]
fn set_errors_cover_missing_values_extra_values_and_unknown_commands() {
    assert!(set_err("set system host-name")
        .message
        .contains("missing value for 'host-name'"));
    assert!(set_err("set system host-name a b")
        .message
        .contains("takes one value"));
    assert!(set_err("set system login user")
        .message
        .contains("missing name for 'user'"));
    assert!(set_err(
        "set system services extension-service request-response grpc skip-authentication yes"
    )
    .message
    .contains("takes no value"));
    let e = set_err("show system");
    assert!(e.message.contains("unknown command 'show'"), "{e}");
    let e = set_err("set system { host-name r1; }");
    assert_eq!(e.kind, ConfigErrorKind::Syntax);
    let e = set_err("set\n");
    assert!(e.message.contains("missing statement"), "{e}");
}

#[test]
fn replace_tag_without_statement_is_a_syntax_error() {
    let e = text_err("replace: ;");
    assert_eq!(e.kind, ConfigErrorKind::Syntax);
    assert!(e.message.contains("after 'replace:'"));
}

#[test]
fn failed_apply_set_leaves_the_configuration_unchanged() {
    let mut c = Config::parse_set("set system host-name r1").expect("parses");
    let before = c.clone();
    let e = c
        .apply_set("set system host-name r2\nset system bogus 1")
        .expect_err("fails");
    assert_eq!(e.line, Some(2));
    assert_eq!(c, before);
}

#[test]
fn one_line_rendering_keeps_every_part() {
    let e = set_err("set system services extension-service notification port 0");
    assert_eq!(
        e.one_line(),
        "[edit system services extension-service notification] 'port 0': value out of range 0 for port (1..65535) (line 1, column 57)"
    );
}

#[test]
fn a_bad_prefix_length_range_is_refused_naming_it() {
    for (range, why) in [
        ("/24-/16", "low above high"),
        ("/16-/129", "past 128"),
        ("16-24", "no slashes"),
    ] {
        let e = set_err(&format!(
            "set policy-options policy-statement P term t from route-filter 10.0.0.0/8 prefix-length-range {range}"
        ));
        assert_eq!(e.kind, ConfigErrorKind::InvalidValue, "{why}: {e}");
        assert_eq!(
            e.message,
            format!("invalid prefix length range '{range}' for prefix-length-range: expected /LOW-/HIGH, 0 <= LOW <= HIGH <= 128"),
            "{why}"
        );
    }
    let c = Config::parse_set(
        "set policy-options policy-statement P term t from route-filter 10.0.0.0/8 prefix-length-range /16-/24",
    )
    .expect("a good range parses");
    assert!(c
        .to_text()
        .contains("route-filter 10.0.0.0/8 prefix-length-range /16-/24;"));
}
