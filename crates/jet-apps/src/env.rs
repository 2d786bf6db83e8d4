//! The environment an application starts with: where to reach the device's services.
//! Documented in `docs/on-box-apps.md`; read by the SDKs' `from_env`.
//!
//! | variable | value |
//! |---|---|
//! | `JET_APP_NAME` | the application file name (its identity) |
//! | `JET_APP_USER` | the Junos user it acts as (`username`, default `nobody`) |
//! | `JET_DATA_DIR` | the device's data directory |
//! | `JET_GRPC_ADDRESS` | jsd's clear-text listener `HOST:PORT`, when configured |
//! | `JET_GRPC_SSL_ADDRESS` | jsd's TLS listener `HOST:PORT`, when configured |
//! | `JET_MQTT_ADDRESS` | the notification broker `HOST:PORT`, when configured |
//! | `JET_MQTT_CLIENT_ID` | a client id for the broker (`app-NAME`) |
//! | `JET_APP_TOKEN` | a secret that is the app's password for `JET_APP_USER` while it runs (Login over TCP, MQTT with `authentication required`) |
//!
//! A wildcard listen address (`0.0.0.0`, `::`) is given as the loopback address.

use std::ffi::OsString;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use jet_config::Config;

fn reachable(addr: IpAddr, port: u16) -> String {
    let addr = match addr {
        IpAddr::V4(a) if a.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(a) if a.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        a => a,
    };
    SocketAddr::new(addr, port).to_string()
}

/// The service addresses of `cfg`, for every application.
pub fn device_env(cfg: &Config) -> Vec<(String, OsString)> {
    let mut env = Vec::new();
    let jsd = cfg.jsd();
    if let Some(l) = jsd.clear_text {
        env.push((
            "JET_GRPC_ADDRESS".into(),
            reachable(l.address, l.port).into(),
        ));
    }
    if let Some(s) = jsd.ssl {
        env.push((
            "JET_GRPC_SSL_ADDRESS".into(),
            reachable(s.address, s.port).into(),
        ));
    }
    if let Some(n) = cfg.notification() {
        env.push((
            "JET_MQTT_ADDRESS".into(),
            reachable(n.listener.address, n.listener.port).into(),
        ));
    }
    env
}

/// Variables naming one application.
pub fn app_env(name: &str, user: &str) -> Vec<(String, OsString)> {
    vec![
        ("JET_APP_NAME".into(), name.into()),
        ("JET_APP_USER".into(), user.into()),
        ("JET_MQTT_CLIENT_ID".into(), format!("app-{name}").into()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_listeners_are_given_as_loopback() {
        let cfg = Config::parse_text(
            "system { services { extension-service { request-response { grpc { \
             clear-text { address 0.0.0.0; port 40001; } } } \
             notification { address 127.0.0.1; port 40002; } } } }",
        )
        .expect("parses");
        let env = device_env(&cfg);
        assert!(env.contains(&("JET_GRPC_ADDRESS".into(), "127.0.0.1:40001".into())));
        assert!(env.contains(&("JET_MQTT_ADDRESS".into(), "127.0.0.1:40002".into())));
    }
}
