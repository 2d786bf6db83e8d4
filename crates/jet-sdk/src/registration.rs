//! Registering an app's own gRPC API with the device (`jnx.jet.registration`), so that
//! other clients reach it through the device's JET port (jsd forwards the calls).
//!
//! ```
//! use jet_sdk::registration::{Api, Rpc};
//! let api = Api::new()
//!     .service("acme.v1.Echo", [Rpc::unary("Say"), Rpc::server_streaming("Watch")])
//!     .version("acme.v1.Echo", 1, 2, 0);
//! assert!(api.to_json().contains(r#""name":"Watch","server_streaming":true"#));
//! ```
//!
//! Then `jet.register_api("echo", "127.0.0.1:50051", &api, false).await?` (see
//! [`crate::JetClient::register_api`]). The JSON format is OpenJET's, documented in
//! `docs/registration.md`.

/// One RPC of a registered service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rpc {
    name: String,
    client_streaming: bool,
    server_streaming: bool,
    class: Option<&'static str>,
}

impl Rpc {
    /// A unary RPC.
    pub fn unary(name: &str) -> Rpc {
        Rpc {
            name: name.into(),
            client_streaming: false,
            server_streaming: false,
            class: None,
        }
    }

    /// A server-streaming RPC.
    pub fn server_streaming(name: &str) -> Rpc {
        Rpc {
            server_streaming: true,
            ..Rpc::unary(name)
        }
    }

    /// A client-streaming RPC.
    pub fn client_streaming(name: &str) -> Rpc {
        Rpc {
            client_streaming: true,
            ..Rpc::unary(name)
        }
    }

    /// A bidirectional-streaming RPC.
    pub fn bidi(name: &str) -> Rpc {
        Rpc {
            client_streaming: true,
            server_streaming: true,
            ..Rpc::unary(name)
        }
    }

    /// The least login class that may call it: `read-only`, `operator` (the default)
    /// or `super-user`.
    pub fn class(mut self, class: &'static str) -> Rpc {
        self.class = Some(class);
        self
    }
}

/// An API description (services and their RPCs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Api {
    services: Vec<(String, Option<Version>, Vec<Rpc>)>,
}

/// `(major, minor, patch)`.
type Version = (u32, u32, u32);

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Api {
    /// An empty description.
    pub fn new() -> Api {
        Api::default()
    }

    /// Adds the service `name` (fully qualified, `package.Service`) with `rpcs`.
    pub fn service(mut self, name: &str, rpcs: impl IntoIterator<Item = Rpc>) -> Api {
        self.services
            .push((name.into(), None, rpcs.into_iter().collect()));
        self
    }

    /// Sets the version VersionDiscovery reports for the service `name`.
    pub fn version(mut self, name: &str, major: u32, minor: u32, patch: u32) -> Api {
        if let Some(s) = self.services.iter_mut().find(|s| s.0 == name) {
            s.1 = Some((major, minor, patch));
        }
        self
    }

    /// The registration JSON (`json_string` of `ApiRegisterRequest`).
    pub fn to_json(&self) -> String {
        let services: Vec<String> = self
            .services
            .iter()
            .map(|(name, version, rpcs)| {
                let rpcs: Vec<String> = rpcs
                    .iter()
                    .map(|r| {
                        let mut o = format!("{{\"name\":{}", quote(&r.name));
                        if r.client_streaming {
                            o.push_str(",\"client_streaming\":true");
                        }
                        if r.server_streaming {
                            o.push_str(",\"server_streaming\":true");
                        }
                        if let Some(c) = r.class {
                            o.push_str(&format!(",\"class\":{}", quote(c)));
                        }
                        o.push('}');
                        o
                    })
                    .collect();
                let version = version
                    .map(|(a, b, c)| format!(",\"version\":\"{a}.{b}.{c}\""))
                    .unwrap_or_default();
                format!(
                    "{{\"name\":{}{version},\"rpcs\":[{}]}}",
                    quote(name),
                    rpcs.join(",")
                )
            })
            .collect();
        format!("{{\"services\":[{}]}}", services.join(","))
    }
}
