//! The registration request and OpenJET's registration JSON: parsed and checked here,
//! before anything is stored (nothing is half-applied).
//!
//! JET leaves the JSON of `ApiRegister` undocumented. Ours (docs/registration.md):
//!
//! ```json
//! { "services": [
//!     { "name": "acme.v1.Echo",
//!       "version": "1.2.0",
//!       "class": "operator",
//!       "rpcs": [ "Say",
//!                 { "name": "Watch", "server_streaming": true },
//!                 { "name": "Chat", "client_streaming": true, "server_streaming": true,
//!                   "class": "super-user" } ] } ] }
//! ```
//!
//! - `name`: the fully-qualified gRPC service (`package.Service`, at least one package
//!   component); the methods are served at `/<name>/<rpc>`.
//! - `version` (optional, `major.minor.patch`): what VersionDiscovery reports.
//! - `class` (optional, service or RPC; default `operator`): the least login class that
//!   may call the RPC (`read-only` < `operator` < `super-user`).
//! - `client_streaming` / `server_streaming` (optional, default false): informational
//!   (reflection, `show`); jsd forwards the bytes of any call shape.

use std::collections::BTreeSet;
use std::path::PathBuf;

use jet_config::LoginClass;
use serde_json::{Map, Value};

use super::error::RegistrationError;

/// Most registrations a device keeps.
pub const MAX_REGISTRATIONS: usize = 64;
/// Most services in one registration.
pub const MAX_SERVICES: usize = 64;
/// Most RPCs in one registration.
pub const MAX_RPCS: usize = 1000;
/// Largest registration JSON (inline or file), bytes.
pub const MAX_JSON_BYTES: usize = 1 << 20;

/// What `ApiRegister` carries, as the device receives it.
#[derive(Debug, Clone, Default)]
pub struct RegisterRequest {
    /// The API description: inline JSON or the path of a file holding it.
    pub api: ApiSource,
    /// Where the app's server listens (`a.b.c.d:port`, `[v6]:port`, `unix:/path`).
    pub target: String,
    /// Registration id (file name under `DATA/japi/`); reuse it to replace.
    pub id: String,
    /// Let clients on TLS call the RPCs without Login.
    pub skip_authentication: bool,
    /// Logical system of the target, if any (recorded and shown).
    pub logical_system: String,
    /// Routing instance of the target, if any (recorded and shown).
    pub routing_instance: String,
    /// Who registers (`user` or `app`), for `show`.
    pub by: String,
}

/// Where the API description comes from.
#[derive(Debug, Clone)]
pub enum ApiSource {
    /// `json_string`.
    Inline(String),
    /// `json_file`: an absolute path on the device.
    File(PathBuf),
}

impl Default for ApiSource {
    fn default() -> Self {
        ApiSource::Inline(String::new())
    }
}

/// Where jsd forwards the calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Host and port to connect to (an "any" address `0.0.0.0` / `[::]` becomes loopback).
    Tcp {
        /// Host (IP address or `localhost`), IPv6 without brackets.
        host: String,
        /// TCP port.
        port: u16,
    },
    /// A Unix socket path.
    Unix(PathBuf),
}

impl Target {
    /// Parses the `target` field.
    pub fn parse(text: &str) -> Result<Target, RegistrationError> {
        let bad = |reason: &str| RegistrationError::Invalid {
            field: "target".into(),
            reason: format!("'{text}' {reason}"),
        };
        if let Some(path) = text.strip_prefix("unix:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if !path.starts_with('/') {
                return Err(bad("is not unix:/absolute/path"));
            }
            return Ok(Target::Unix(PathBuf::from(path)));
        }
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let (h, p) = rest
                .split_once("]:")
                .ok_or_else(|| bad("is not [ipv6-address]:port"))?;
            h.parse::<std::net::Ipv6Addr>()
                .map_err(|_| bad("does not hold an IPv6 address in brackets"))?;
            (h.to_string(), p)
        } else {
            let (h, p) = text
                .rsplit_once(':')
                .ok_or_else(|| bad("is not address:port, [ipv6]:port or unix:/path"))?;
            if h != "localhost" && h.parse::<std::net::Ipv4Addr>().is_err() {
                return Err(bad("does not start with an IPv4 address or localhost"));
            }
            (h.to_string(), p)
        };
        let port = match port.parse::<u16>() {
            Ok(p) if p > 0 => p,
            _ => return Err(bad("has no port 1-65535")),
        };
        Ok(Target::Tcp { host, port })
    }

    /// The address jsd connects to: an "any" address means the app listens on every
    /// address of the device, so jsd uses loopback.
    pub fn connect_host(&self) -> Option<&str> {
        match self {
            Target::Tcp { host, .. } if host == "0.0.0.0" => Some("127.0.0.1"),
            Target::Tcp { host, .. } if host == "::" => Some("::1"),
            Target::Tcp { host, .. } => Some(host),
            Target::Unix(_) => None,
        }
    }
}

/// One registered RPC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcSpec {
    /// Bare method name.
    pub name: String,
    /// The client sends a stream.
    pub client_streaming: bool,
    /// The server sends a stream.
    pub server_streaming: bool,
    /// The least login class that may call it.
    pub class: LoginClass,
}

/// One registered service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceSpec {
    /// Fully-qualified service name (`acme.v1.Echo`).
    pub name: String,
    /// `major.minor.patch` from the JSON, if given.
    pub version: Option<(u32, u32, u32)>,
    /// Its RPCs, in JSON order.
    pub rpcs: Vec<RpcSpec>,
}

/// A parsed registration JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiSpec {
    /// The services, in JSON order.
    pub services: Vec<ServiceSpec>,
}

/// Checks a registration id: 1-64 of `A-Z a-z 0-9 . _ -`, not starting with a dot.
pub fn check_id(id: &str) -> Result<(), RegistrationError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('.')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(RegistrationError::Invalid {
            field: "id".into(),
            reason: format!(
                "'{id}' is not 1-64 letters, digits, '.', '_' or '-' (not starting with '.')"
            ),
        })
    }
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> RegistrationError {
    RegistrationError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

fn is_ident(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

fn class_of(v: &Value, at: &str, default: LoginClass) -> Result<LoginClass, RegistrationError> {
    match v {
        Value::Null => Ok(default),
        Value::String(s) => match s.as_str() {
            "read-only" => Ok(LoginClass::ReadOnly),
            "operator" => Ok(LoginClass::Operator),
            "super-user" => Ok(LoginClass::SuperUser),
            other => Err(invalid(
                at,
                format!("'{other}' is not read-only, operator or super-user"),
            )),
        },
        _ => Err(invalid(at, "is not a string")),
    }
}

fn flag(o: &Map<String, Value>, key: &str, at: &str) -> Result<bool, RegistrationError> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(invalid(format!("{at}.{key}"), "is not true or false")),
    }
}

fn only_keys(o: &Map<String, Value>, keys: &[&str], at: &str) -> Result<(), RegistrationError> {
    match o.keys().find(|k| !keys.contains(&k.as_str())) {
        Some(k) => Err(invalid(
            format!("{at}.{k}"),
            format!("is not a known element (known: {})", keys.join(", ")),
        )),
        None => Ok(()),
    }
}

fn version_of(v: &Value, at: &str) -> Result<Option<(u32, u32, u32)>, RegistrationError> {
    let s = match v {
        Value::Null => return Ok(None),
        Value::String(s) => s,
        _ => return Err(invalid(at, "is not a \"major.minor.patch\" string")),
    };
    let parts: Vec<Option<u32>> = s.split('.').map(|p| p.parse().ok()).collect();
    match parts.as_slice() {
        [Some(a), Some(b), Some(c)] => Ok(Some((*a, *b, *c))),
        _ => Err(invalid(at, format!("'{s}' is not major.minor.patch"))),
    }
}

/// Parses and checks the registration JSON; errors name the bad element
/// (`services[1].rpcs[0].name`).
pub fn parse_api(text: &str) -> Result<ApiSpec, RegistrationError> {
    if text.len() > MAX_JSON_BYTES {
        return Err(invalid(
            "json",
            format!("{} bytes exceed the limit of {MAX_JSON_BYTES}", text.len()),
        ));
    }
    let v: Value = serde_json::from_str(text).map_err(|e| {
        invalid(
            "json",
            format!(
                "is not JSON: {e} (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })?;
    let Value::Object(top) = v else {
        return Err(invalid("json", "is not an object with \"services\""));
    };
    only_keys(&top, &["services"], "json")?;
    let services = match top.get("services") {
        Some(Value::Array(a)) if !a.is_empty() => a,
        Some(Value::Array(_)) => return Err(invalid("services", "is empty")),
        Some(_) => return Err(invalid("services", "is not an array")),
        None => return Err(invalid("services", "is missing")),
    };
    if services.len() > MAX_SERVICES {
        return Err(invalid(
            "services",
            format!(
                "{} services exceed the limit of {MAX_SERVICES}",
                services.len()
            ),
        ));
    }
    let mut out = Vec::with_capacity(services.len());
    let mut names = BTreeSet::new();
    let mut total_rpcs = 0usize;
    for (i, s) in services.iter().enumerate() {
        let at = format!("services[{i}]");
        let Value::Object(o) = s else {
            return Err(invalid(at, "is not an object"));
        };
        only_keys(o, &["name", "version", "class", "rpcs"], &at)?;
        let name = match o.get("name") {
            Some(Value::String(n)) => n.clone(),
            Some(_) => return Err(invalid(format!("{at}.name"), "is not a string")),
            None => return Err(invalid(format!("{at}.name"), "is missing")),
        };
        let comps: Vec<&str> = name.split('.').collect();
        if comps.len() < 2 || !comps.iter().all(|c| is_ident(c)) {
            return Err(invalid(
                format!("{at}.name"),
                format!("'{name}' is not a fully-qualified service name (package.Service)"),
            ));
        }
        if !names.insert(name.clone()) {
            return Err(invalid(
                format!("{at}.name"),
                format!("'{name}' is listed twice"),
            ));
        }
        let version = version_of(
            o.get("version").unwrap_or(&Value::Null),
            &format!("{at}.version"),
        )?;
        let svc_class = class_of(
            o.get("class").unwrap_or(&Value::Null),
            &format!("{at}.class"),
            LoginClass::Operator,
        )?;
        let rpcs = match o.get("rpcs") {
            Some(Value::Array(a)) if !a.is_empty() => a,
            Some(Value::Array(_)) => return Err(invalid(format!("{at}.rpcs"), "is empty")),
            Some(_) => return Err(invalid(format!("{at}.rpcs"), "is not an array")),
            None => return Err(invalid(format!("{at}.rpcs"), "is missing")),
        };
        total_rpcs += rpcs.len();
        if total_rpcs > MAX_RPCS {
            return Err(invalid(
                format!("{at}.rpcs"),
                format!("more than {MAX_RPCS} RPCs in one registration"),
            ));
        }
        let mut rpc_out: Vec<RpcSpec> = Vec::with_capacity(rpcs.len());
        for (j, r) in rpcs.iter().enumerate() {
            let rat = format!("{at}.rpcs[{j}]");
            let spec = match r {
                Value::String(n) => RpcSpec {
                    name: n.clone(),
                    client_streaming: false,
                    server_streaming: false,
                    class: svc_class,
                },
                Value::Object(ro) => {
                    only_keys(
                        ro,
                        &["name", "client_streaming", "server_streaming", "class"],
                        &rat,
                    )?;
                    let n = match ro.get("name") {
                        Some(Value::String(n)) => n.clone(),
                        Some(_) => return Err(invalid(format!("{rat}.name"), "is not a string")),
                        None => return Err(invalid(format!("{rat}.name"), "is missing")),
                    };
                    RpcSpec {
                        name: n,
                        client_streaming: flag(ro, "client_streaming", &rat)?,
                        server_streaming: flag(ro, "server_streaming", &rat)?,
                        class: class_of(
                            ro.get("class").unwrap_or(&Value::Null),
                            &format!("{rat}.class"),
                            svc_class,
                        )?,
                    }
                }
                _ => return Err(invalid(rat, "is neither an RPC name nor an object")),
            };
            let name_at = if matches!(r, Value::String(_)) {
                rat.clone()
            } else {
                format!("{rat}.name")
            };
            if !is_ident(&spec.name) {
                return Err(invalid(
                    name_at,
                    format!("'{}' is not an RPC name (letters, digits, '_')", spec.name),
                ));
            }
            if rpc_out.iter().any(|x| x.name == spec.name) {
                return Err(invalid(
                    name_at,
                    format!("'{}' is listed twice in {name}", spec.name),
                ));
            }
            rpc_out.push(spec);
        }
        out.push(ServiceSpec {
            name,
            version,
            rpcs: rpc_out,
        });
    }
    Ok(ApiSpec { services: out })
}

/// The JSON text of `spec` in our format (what `DATA/japi/<id>.json` stores).
pub(crate) fn api_json(spec: &ApiSpec) -> Value {
    let class = |c: LoginClass| Value::String(c.as_str().to_string());
    Value::Object(Map::from_iter([(
        "services".to_string(),
        Value::Array(
            spec.services
                .iter()
                .map(|s| {
                    let mut o = Map::new();
                    o.insert("name".into(), Value::String(s.name.clone()));
                    if let Some((a, b, c)) = s.version {
                        o.insert("version".into(), Value::String(format!("{a}.{b}.{c}")));
                    }
                    o.insert(
                        "rpcs".into(),
                        Value::Array(
                            s.rpcs
                                .iter()
                                .map(|r| {
                                    serde_json::json!({
                                        "name": r.name,
                                        "client_streaming": r.client_streaming,
                                        "server_streaming": r.server_streaming,
                                        "class": class(r.class),
                                    })
                                })
                                .collect(),
                        ),
                    );
                    Value::Object(o)
                })
                .collect(),
        ),
    )]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse_api(text).unwrap_err().to_string()
    }

    #[test]
    fn parses_the_documented_example() {
        let s = parse_api(
            r#"{"services":[{"name":"acme.v1.Echo","version":"1.2.0","rpcs":["Say",
            {"name":"Watch","server_streaming":true},
            {"name":"Chat","client_streaming":true,"server_streaming":true,"class":"super-user"}]}]}"#,
        )
        .unwrap();
        let e = &s.services[0];
        assert_eq!(e.name, "acme.v1.Echo");
        assert_eq!(e.version, Some((1, 2, 0)));
        assert_eq!(e.rpcs.len(), 3);
        assert_eq!(e.rpcs[0].class, LoginClass::Operator);
        assert!(e.rpcs[1].server_streaming && !e.rpcs[1].client_streaming);
        assert_eq!(e.rpcs[2].class, LoginClass::SuperUser);
        // Round trip through the stored form.
        assert_eq!(parse_api(&api_json(&s).to_string()).unwrap(), s);
    }

    #[test]
    fn refusals_name_the_bad_element() {
        assert!(err("{").contains("json: is not JSON"));
        assert!(err("[]").contains("json: is not an object"));
        assert!(err(r#"{"services":[]}"#).contains("services: is empty"));
        assert!(err(r#"{"service":[]}"#).contains("json.service: is not a known element"));
        assert!(err(r#"{"services":[{"name":"Echo","rpcs":["A"]}]}"#)
            .contains("services[0].name: 'Echo' is not a fully-qualified"));
        assert!(err(r#"{"services":[{"name":"a.B","rpcs":["A","A"]}]}"#)
            .contains("services[0].rpcs[1]: 'A' is listed twice"));
        assert!(
            err(r#"{"services":[{"name":"a.B","rpcs":[{"name":"x y"}]}]}"#)
                .contains("services[0].rpcs[0].name: 'x y' is not an RPC name")
        );
        assert!(
            err(r#"{"services":[{"name":"a.B","rpcs":[{"name":"X","class":"root"}]}]}"#)
                .contains("services[0].rpcs[0].class: 'root'")
        );
        assert!(
            err(r#"{"services":[{"name":"a.B","rpcs":[{"name":"X","server_streaming":1}]}]}"#)
                .contains("services[0].rpcs[0].server_streaming")
        );
        assert!(
            err(r#"{"services":[{"name":"a.B","version":"1.2","rpcs":["X"]}]}"#)
                .contains("services[0].version: '1.2'")
        );
        assert!(
            err(r#"{"services":[{"name":"a.B","rpcs":["X"]},{"name":"a.B","rpcs":["Y"]}]}"#)
                .contains("services[1].name: 'a.B' is listed twice")
        );
    }

    #[test]
    fn targets_and_ids() {
        assert_eq!(
            Target::parse("0.0.0.0:50051").unwrap(),
            Target::Tcp {
                host: "0.0.0.0".into(),
                port: 50051
            }
        );
        assert_eq!(
            Target::parse("0.0.0.0:50051").unwrap().connect_host(),
            Some("127.0.0.1")
        );
        assert_eq!(Target::parse("[::]:7").unwrap().connect_host(), Some("::1"));
        assert_eq!(
            Target::parse("unix:/tmp/s.sock").unwrap(),
            Target::Unix("/tmp/s.sock".into())
        );
        for bad in [
            "",
            "1.2.3.4",
            "1.2.3.4:0",
            "host:80",
            "[zz]:1",
            "unix:rel",
            "1.2.3.4:99999",
        ] {
            let e = Target::parse(bad).unwrap_err().to_string();
            assert!(e.starts_with("target: "), "{bad}: {e}");
        }
        assert!(check_id("my-app_1.v2").is_ok());
        for bad in ["", ".hidden", "a/b", "../x", &"x".repeat(65)] {
            assert!(check_id(bad).unwrap_err().to_string().starts_with("id: "));
        }
    }
}
