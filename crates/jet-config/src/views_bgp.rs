//! Typed view of `protocols bgp` (issue 12's hand-written schema block): what the BGP
//! route service and `show bgp summary` read. Like every view it never fails: values
//! `validate` would refuse are skipped.

use std::net::IpAddr;

use crate::config::Config;
use crate::tree::{Node, Value};
use crate::views::{leaf, num};
use crate::views_net::{entries_of, list_keys};

/// `protocols bgp`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BgpCfg {
    /// `local-as` (falls back to `routing-options autonomous-system`).
    pub local_as: Option<u32>,
    /// `import` policies of the whole protocol.
    pub import: Vec<String>,
    /// `export` policies of the whole protocol.
    pub export: Vec<String>,
    /// `group NAME` entries in configuration order.
    pub groups: Vec<BgpGroupCfg>,
}

/// `protocols bgp group NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BgpGroupCfg {
    /// Group name.
    pub name: String,
    /// `type external` (false: internal, the Junos default when `peer-as` is absent).
    pub external: bool,
    /// `local-as` of the group.
    pub local_as: Option<u32>,
    /// `peer-as` of the group.
    pub peer_as: Option<u32>,
    /// `import` policies.
    pub import: Vec<String>,
    /// `export` policies.
    pub export: Vec<String>,
    /// `neighbor ADDRESS` entries in configuration order.
    pub neighbors: Vec<BgpNeighborCfg>,
}

/// `protocols bgp group NAME neighbor ADDRESS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BgpNeighborCfg {
    /// Peer address.
    pub address: IpAddr,
    /// `description`.
    pub description: Option<String>,
    /// `peer-as` (falls back to the group's).
    pub peer_as: Option<u32>,
    /// `import` policies (replace the group's when given).
    pub import: Vec<String>,
    /// `export` policies (replace the group's when given).
    pub export: Vec<String>,
}

fn strings(children: &[Node], name: &str) -> Vec<String> {
    list_keys(children, name)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

impl Config {
    /// `protocols bgp`, or `None` when BGP is not configured (or inactive).
    pub fn bgp(&self) -> Option<BgpCfg> {
        let cfg = self.effective();
        let bgp = cfg.node_at(&["protocols", "bgp"])?;
        let c = bgp.children();
        let global_as = cfg
            .node_at(&["routing-options", "autonomous-system"])
            .and_then(|n| match &n.value {
                Value::Leaf(v) => v.parse().ok(),
                _ => None,
            });
        let groups = entries_of(c, "group")
            .iter()
            .map(|g| {
                let gc = &g.children;
                let peer_as = num(gc, "peer-as");
                BgpGroupCfg {
                    name: g.key.clone(),
                    external: leaf(gc, "type") == Some("external"),
                    local_as: num(gc, "local-as"),
                    peer_as,
                    import: strings(gc, "import"),
                    export: strings(gc, "export"),
                    neighbors: entries_of(gc, "neighbor")
                        .iter()
                        .filter_map(|n| {
                            let nc = &n.children;
                            Some(BgpNeighborCfg {
                                address: n.key.parse().ok()?,
                                description: leaf(nc, "description").map(str::to_owned),
                                peer_as: num(nc, "peer-as").or(peer_as),
                                import: strings(nc, "import"),
                                export: strings(nc, "export"),
                            })
                        })
                        .collect(),
                }
            })
            .collect();
        Some(BgpCfg {
            local_as: num(c, "local-as").or(global_as),
            import: strings(c, "import"),
            export: strings(c, "export"),
            groups,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bgp_view_reads_groups_neighbors_and_falls_back_to_the_global_as() {
        let cfg = Config::parse_set(
            "set routing-options autonomous-system 65000\n\
             set policy-options policy-statement rr-in term t then accept\n\
             set protocols bgp group rr type internal\n\
             set protocols bgp group rr import rr-in\n\
             set protocols bgp group rr neighbor 192.0.2.2 description spine\n\
             set protocols bgp group ext type external\n\
             set protocols bgp group ext peer-as 65001\n\
             set protocols bgp group ext neighbor 198.51.100.1\n",
        )
        .expect("parses");
        let bgp = cfg.bgp().expect("configured");
        assert_eq!(bgp.local_as, Some(65000));
        assert_eq!(bgp.groups.len(), 2);
        assert!(!bgp.groups[0].external);
        assert_eq!(bgp.groups[0].import, vec!["rr-in".to_string()]);
        assert_eq!(
            bgp.groups[0].neighbors[0].description.as_deref(),
            Some("spine")
        );
        assert!(bgp.groups[1].external);
        assert_eq!(bgp.groups[1].neighbors[0].peer_as, Some(65001));
        assert_eq!(
            Config::parse_set("set system host-name r1\n")
                .expect("ok")
                .bgp(),
            None
        );
    }
}
