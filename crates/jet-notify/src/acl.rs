//! Authorization rules: who may connect (allow-clients), what may be subscribed
//! (deny-subscribe) and what a network client may publish (not under `/junos/`).

use std::net::IpAddr;

use crate::topic;

/// Whether `addr` is inside one of the `(network, prefix length)` entries. IPv4-mapped
/// IPv6 addresses are compared as IPv4. An empty list allows nobody.
pub(crate) fn allowed(list: &[(IpAddr, u8)], addr: IpAddr) -> bool {
    let addr = match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(addr),
        v4 => v4,
    };
    list.iter().any(|&(net, len)| in_prefix(net, len, addr))
}

fn in_prefix(net: IpAddr, len: u8, addr: IpAddr) -> bool {
    match (net, addr) {
        (IpAddr::V4(n), IpAddr::V4(a)) => {
            let len = u32::from(len.min(32));
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            let len = u32::from(len.min(128));
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - len)
            };
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

/// Whether subscribing to `filter` (without any `$share/group/` prefix) is refused: it
/// lies inside a deny-subscribe filter, so it could only ever receive denied topics. A
/// filter that merely overlaps a denied one (`#`, `+/+`) is granted; what it must not
/// receive is withheld at delivery ([`topic_denied`]).
pub(crate) fn subscribe_denied(deny: &[String], filter: &str) -> bool {
    deny.iter().any(|d| topic::covers(d, filter))
}

/// Whether messages on `topic` are withheld from every network subscriber (they match
/// a deny-subscribe filter). Delivery-time half of deny-subscribe.
pub(crate) fn topic_denied(deny: &[String], topic: &str) -> bool {
    deny.iter().any(|d| topic::matches(d, topic))
}

/// Topics only the device's own publishers (the link) may publish to.
pub(crate) fn reserved_for_device(topic: &[u8]) -> bool {
    topic == b"/junos" || topic.starts_with(b"/junos/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_list_matches_prefixes_and_empty_allows_nobody() {
        let list = vec![
            ("127.0.0.1".parse().unwrap(), 32),
            ("10.0.0.0".parse().unwrap(), 8),
        ];
        assert!(allowed(&list, "127.0.0.1".parse().unwrap()));
        assert!(allowed(&list, "10.200.1.1".parse().unwrap()));
        assert!(allowed(&list, "::ffff:127.0.0.1".parse().unwrap()));
        assert!(!allowed(&list, "127.0.0.2".parse().unwrap()));
        assert!(!allowed(&[], "127.0.0.1".parse().unwrap()));
        assert!(allowed(
            &[("::".parse().unwrap(), 0)],
            "2001:db8::1".parse().unwrap()
        ));
        assert!(allowed(
            &[("0.0.0.0".parse().unwrap(), 0)],
            "192.0.2.1".parse().unwrap()
        ));
    }

    #[test]
    fn deny_subscribe_refuses_filters_inside_a_denied_one_only() {
        let deny = vec!["/junos/events/syslog/#".to_string()];
        assert!(subscribe_denied(
            &deny,
            "/junos/events/syslog/UI_LOGIN_EVENT"
        ));
        assert!(subscribe_denied(&deny, "/junos/events/syslog/+"));
        assert!(subscribe_denied(&deny, "/junos/events/syslog/#"));
        // Overlapping filters are granted; denied topics are withheld at delivery.
        assert!(!subscribe_denied(&deny, "/junos/events/#"));
        assert!(!subscribe_denied(&deny, "#"));
        assert!(!subscribe_denied(&deny, "/junos/events/kernel/#"));
        assert!(topic_denied(&deny, "/junos/events/syslog/UI_LOGIN_EVENT"));
        assert!(!topic_denied(&deny, "/junos/events/kernel/x"));
    }

    #[test]
    fn only_the_junos_tree_is_reserved() {
        assert!(reserved_for_device(b"/junos/events/x"));
        assert!(reserved_for_device(b"/junos"));
        assert!(!reserved_for_device(b"/junosx/a"));
        assert!(!reserved_for_device(b"junos/MQTTBridge"));
        assert!(!reserved_for_device(b"/app/x"));
    }
}
