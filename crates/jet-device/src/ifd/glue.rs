//! From the configuration view (`Config::interfaces`, groups and inactive statements
//! already resolved) to the interfaces subsystem's input ([`IfdConf`]).
//!
//! The view does not carry `address ... primary`; the primary address is therefore the
//! numerically lowest of a family (Junos's default choice).

use jet_config::{Config, IflCfg, IpPrefix};

use super::model::{AddressConf, FamilyConf, IfdConf, IflConf};
use crate::vocab::interfaces::{FamilyKind, MacAddr, StaticNeighbor};

/// The `interfaces` configuration, in configuration order. An aggregate's members are
/// the interfaces configured as its member links (`gigether-options 802.3ad aeN`), in
/// configuration order.
pub(crate) fn interfaces_conf(config: &Config) -> Vec<IfdConf> {
    let ifds = config.interfaces();
    let members_of = |ae: &str| -> Vec<String> {
        ifds.iter()
            .filter(|d| d.bundle.as_deref() == Some(ae))
            .map(|d| d.name.clone())
            .collect()
    };
    ifds.iter()
        .map(|d| IfdConf {
            name: d.name.clone(),
            description: d.description.clone(),
            disabled: d.disabled,
            mtu: d.mtu,
            speed: d.speed.clone(),
            vlan_tagging: d.vlan_tagging,
            members: members_of(&d.name),
            units: d.units.iter().map(unit).collect(),
            ..IfdConf::default()
        })
        .collect()
}

fn unit(u: &IflCfg) -> IflConf {
    let mut families = Vec::new();
    if u.family_inet || !u.inet.is_empty() {
        families.push(FamilyConf {
            kind: FamilyKind::Inet,
            addresses: addresses(&u.inet),
            input_filter: u.filters.inet_input.clone(),
            output_filter: u.filters.inet_output.clone(),
            neighbors: neighbors(u, FamilyKind::Inet),
            nets: Vec::new(),
        });
    }
    if u.family_iso || !u.iso.is_empty() {
        families.push(FamilyConf {
            kind: FamilyKind::Iso,
            nets: u.iso.clone(),
            ..FamilyConf::default()
        });
    }
    if u.family_inet6 || !u.inet6.is_empty() {
        families.push(FamilyConf {
            kind: FamilyKind::Inet6,
            addresses: addresses(&u.inet6),
            input_filter: u.filters.inet6_input.clone(),
            output_filter: u.filters.inet6_output.clone(),
            neighbors: neighbors(u, FamilyKind::Inet6),
            nets: Vec::new(),
        });
    }
    if u.mpls {
        families.push(FamilyConf {
            kind: FamilyKind::Mpls,
            addresses: Vec::new(),
            input_filter: None,
            output_filter: None,
            neighbors: Vec::new(),
            nets: Vec::new(),
        });
    }
    IflConf {
        unit: u.unit,
        description: u.description.clone(),
        disabled: u.disabled,
        vlan_id: u.vlan_id,
        families,
        api_owner: None,
        tunnel: None,
    }
}

/// The unit's static ARP (inet) or NDP (inet6) entries. A MAC the schema let through
/// but this device cannot read (a multicast one is not in the view) is left out.
fn neighbors(u: &IflCfg, kind: FamilyKind) -> Vec<StaticNeighbor> {
    u.neighbors
        .iter()
        .filter(|n| n.neighbor.is_ipv6() == (kind == FamilyKind::Inet6))
        .filter_map(|n| {
            Some(StaticNeighbor {
                interface_address: n.interface_address,
                neighbor: n.neighbor,
                mac: n.mac.parse::<MacAddr>().ok()?,
                receive: false,
                publish: n.publish,
                api: false,
            })
        })
        .collect()
}

fn addresses(prefixes: &[IpPrefix]) -> Vec<AddressConf> {
    prefixes
        .iter()
        .map(|p| AddressConf {
            local: p.addr,
            prefix_len: p.len,
            primary: false,
            api: false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interfaces_hierarchy_becomes_ifd_conf() {
        let cfg = Config::parse_text(
            "interfaces { ge-0/0/0 { description \"to r2\"; mtu 9192; unit 0 { \
             family inet { address 192.0.2.1/24; address 192.0.2.9/24 { primary; } } \
             family inet6 { address 2001:db8::1/64; } family mpls; } } \
             ge-0/0/1 { disable; unit 100 { vlan-id 100; disable; } } }",
        )
        .expect("parses");
        let conf = interfaces_conf(&cfg);
        assert_eq!(conf.len(), 2);
        let ge0 = &conf[0];
        assert_eq!(ge0.name, "ge-0/0/0");
        assert_eq!(ge0.description.as_deref(), Some("to r2"));
        assert_eq!(ge0.mtu, Some(9192));
        let u = &ge0.units[0];
        assert_eq!(u.families.len(), 3);
        assert_eq!(u.families[0].addresses.len(), 2);
        assert_eq!(u.families[2].kind, FamilyKind::Mpls);
        let ge1 = &conf[1];
        assert!(ge1.disabled);
        assert_eq!(ge1.units[0].vlan_id, Some(100));
        assert!(ge1.units[0].disabled);
    }

    #[test]
    fn static_arp_and_ndp_entries_go_to_their_family() {
        let cfg = Config::parse_set(
            "set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24 arp 192.0.2.9 mac 00:11:22:33:44:55 publish\n\
             set interfaces ge-0/0/0 unit 0 family inet6 address 2001:db8::1/64 ndp 2001:db8::9 mac 00:11:22:33:44:77\n",
        )
        .expect("parses");
        let conf = interfaces_conf(&cfg);
        let fams = &conf[0].units[0].families;
        assert_eq!(fams[0].kind, FamilyKind::Inet);
        assert_eq!(fams[0].neighbors.len(), 1);
        let n = fams[0].neighbors[0];
        assert_eq!(n.neighbor.to_string(), "192.0.2.9");
        assert_eq!(n.mac.to_string(), "00:11:22:33:44:55");
        assert!(n.publish && !n.api && !n.receive);
        assert_eq!(fams[1].kind, FamilyKind::Inet6);
        assert_eq!(fams[1].neighbors.len(), 1);
        assert!(!fams[1].neighbors[0].publish);
    }
}
