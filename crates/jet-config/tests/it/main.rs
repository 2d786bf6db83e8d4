//! Integration tests of jet-config through its public API, one module per area.

mod commands;
mod compare;
mod corpus;
mod errors;
mod facts;
mod formats;
mod groups;
mod load;
mod multikey;
mod must;
mod network;
mod patch;
mod render;
mod roundtrip;
mod store;
mod subtree;
mod validate;
mod views;

/// A SHA-512 crypt hash shaped value (`$6$salt$` + 86 characters).
pub fn hash() -> String {
    format!("$6$saltsalt${}", "h".repeat(86))
}

/// A configuration using every statement of the schema, in Junos text.
pub fn full_text() -> String {
    format!(
        r#"version 24.4R1-S2.9;
system {{
    host-name r1;
    login {{
        user admin {{
            full-name "Ad Min";
            uid 2000;
            class super-user;
            authentication {{
                encrypted-password "{h}"; ## SECRET-DATA
            }}
        }}
        user noc {{
            uid 2001;
            class read-only;
        }}
    }}
    services {{
        extension-service {{
            request-response {{
                grpc {{
                    clear-text {{
                        address 127.0.0.1;
                        port 32767;
                    }}
                    ssl {{
                        port 32768;
                        local-certificate jsd;
                        mutual-authentication {{
                            certificate-authority lab-ca;
                            client-certificate-request require-certificate-and-verify;
                        }}
                    }}
                    max-connections 8;
                    skip-authentication;
                }}
            }}
            notification {{
                port 1883;
                address 127.0.0.1;
                max-connections 4;
                allow-clients {{
                    address [ 127.0.0.1/32 10.0.0.0/8 ];
                }}
            }}
        }}
    }}
}}
security {{
    certificates {{
        local jsd {{
            load-key-file certs/jsd.pem;
        }}
    }}
    pki {{
        ca-profile lab-ca {{
            ca-identity lab-ca;
        }}
    }}
}}
"#,
        h = hash()
    )
}

/// Parses text that must be valid.
pub fn parse(text: &str) -> jet_config::Config {
    match jet_config::Config::parse_text(text) {
        Ok(c) => c,
        Err(e) => panic!("{e}\n--- input ---\n{text}"),
    }
}
