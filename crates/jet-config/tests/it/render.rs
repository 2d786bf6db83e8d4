use crate::parse;

const SMALL: &str = "system {
    host-name r1;
    login {
        user admin {
            uid 2000;
            class super-user;
        }
    }
    services {
        extension-service {
            request-response {
                grpc {
                    clear-text;
                    skip-authentication;
                }
            }
            notification {
                allow-clients {
                    address [ 127.0.0.1/32 10.0.0.0/8 ];
                }
            }
        }
    }
}
";

#[test]
fn xml_follows_junos_layout_at_the_given_indent() {
    let expected = "            <system>
                <host-name>r1</host-name>
                <login>
                    <user>
                        <name>admin</name>
                        <uid>2000</uid>
                        <class>super-user</class>
                    </user>
                </login>
                <services>
                    <extension-service>
                        <request-response>
                            <grpc>
                                <clear-text>
                                </clear-text>
                                <skip-authentication/>
                            </grpc>
                        </request-response>
                        <notification>
                            <allow-clients>
                                <address>127.0.0.1/32</address>
                                <address>10.0.0.0/8</address>
                            </allow-clients>
                        </notification>
                    </extension-service>
                </services>
            </system>
";
    assert_eq!(parse(SMALL).to_xml(12), expected);
}

#[test]
fn xml_escapes_text() {
    let c = jet_config::Config::parse_set("set system login user bob full-name \"a<b & c>\"")
        .expect("parses");
    assert!(
        c.to_xml(0)
            .contains("<full-name>a&lt;b &amp; c&gt;</full-name>"),
        "{}",
        c.to_xml(0)
    );
}

#[test]
fn json_keeps_order_unquotes_integers_and_marks_flags_with_null() {
    let v = parse(SMALL).to_json_value();
    let expected = r#"{"system":{"host-name":"r1","login":{"user":[{"name":"admin","uid":2000,"class":"super-user"}]},"services":{"extension-service":{"request-response":{"grpc":{"clear-text":[null],"skip-authentication":[null]}},"notification":{"allow-clients":{"address":["127.0.0.1/32","10.0.0.0/8"]}}}}}}"#;
    assert_eq!(serde_json::to_string(&v).expect("serialises"), expected);
}

#[test]
fn set_lists_every_leaf_with_its_full_path() {
    assert_eq!(
        parse(SMALL).to_set(),
        "set system host-name r1
set system login user admin uid 2000
set system login user admin class super-user
set system services extension-service request-response grpc clear-text
set system services extension-service request-response grpc skip-authentication
set system services extension-service notification allow-clients address 127.0.0.1/32
set system services extension-service notification allow-clients address 10.0.0.0/8
"
    );
}

#[test]
fn secrets_are_quoted_and_flagged_in_text_only() {
    let c = parse(&crate::full_text());
    let h = crate::hash();
    assert!(c
        .to_text()
        .contains(&format!("encrypted-password \"{h}\"; ## SECRET-DATA\n")));
    assert!(c
        .to_xml(0)
        .contains(&format!("<encrypted-password>{h}</encrypted-password>")));
}
