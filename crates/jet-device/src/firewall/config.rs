//! Configured filters and policers (`firewall family inet|inet6 filter ...`,
//! `firewall policer ...`) in the firewall's vocabulary, so that they run in the packet
//! path beside the client filters (after them on input, before them on output).

use jet_config::value::PORT_NAMES;
use jet_config::{Config, FilterAction, FilterFamily, FilterTermCfg, IpPrefix};

use super::model::{
    Actions, AddrField, Field, FwFamily, Matches, Policer, PolicerKind, PrefixMatch, Range, Term,
    Terminating,
};

const PROTOCOLS: &[(&str, u32)] = &[
    ("ah", 51),
    ("egp", 8),
    ("esp", 50),
    ("gre", 47),
    ("icmp", 1),
    ("icmp6", 58),
    ("igmp", 2),
    ("ipip", 4),
    ("ospf", 89),
    ("pim", 103),
    ("rsvp", 46),
    ("sctp", 132),
    ("tcp", 6),
    ("udp", 17),
    ("vrrp", 112),
];

fn number(s: &str, names: &[(&str, u32)]) -> Option<u32> {
    names
        .iter()
        .find(|(n, _)| *n == s)
        .map(|(_, v)| *v)
        .or_else(|| s.parse().ok())
}

fn ranges(values: &[String], names: &[(&str, u32)]) -> Vec<Range> {
    values
        .iter()
        .filter_map(|v| {
            let (lo, hi) = match v.split_once('-') {
                Some((a, b)) => (number(a, names)?, number(b, names)?),
                None => {
                    let n = number(v, names)?;
                    (n, n)
                }
            };
            Some(Range {
                lo,
                hi,
                except: false,
            })
        })
        .collect()
}

fn prefixes(list: &[jet_config::AddressMatchCfg], extra: Vec<IpPrefix>) -> Vec<PrefixMatch> {
    list.iter()
        .map(|a| PrefixMatch {
            addr: a.prefix.addr,
            len: a.prefix.len,
            except: a.except,
        })
        .chain(extra.into_iter().map(|p| PrefixMatch {
            addr: p.addr,
            len: p.len,
            except: false,
        }))
        .collect()
}

fn term(t: &FilterTermCfg, cfg: &Config) -> Term {
    let ports: Vec<(&str, u32)> = PORT_NAMES
        .iter()
        .map(|(n, p)| (*n, u32::from(*p)))
        .collect();
    let lists = cfg.prefix_lists();
    let listed = |names: &[String]| -> Vec<IpPrefix> {
        names
            .iter()
            .filter_map(|n| lists.iter().find(|l| l.name == *n))
            .flat_map(|l| l.prefixes.iter().cloned())
            .collect()
    };
    let mut m = Matches::default();
    let src = prefixes(&t.source_addresses, listed(&t.source_prefix_lists));
    if !src.is_empty() || !t.source_prefix_lists.is_empty() {
        m.addrs.push((AddrField::Src, src));
    }
    let dst = prefixes(
        &t.destination_addresses,
        listed(&t.destination_prefix_lists),
    );
    if !dst.is_empty() || !t.destination_prefix_lists.is_empty() {
        m.addrs.push((AddrField::Dst, dst));
    }
    for (f, values, names) in [
        (Field::Protocol, &t.protocols, PROTOCOLS),
        (Field::SrcPort, &t.source_ports, &ports[..]),
        (Field::DstPort, &t.destination_ports, &ports[..]),
    ] {
        if !values.is_empty() {
            m.ranges.push((f, ranges(values, names)));
        }
    }
    m.either_port = ranges(&t.ports, &ports);
    Term {
        name: t.name.clone(),
        matches: m,
        actions: Actions {
            count: t.count.clone(),
            policer: t.policer.clone(),
            log: t.log,
            terminating: t.action.map(|a| match a {
                FilterAction::Accept => Terminating::Accept,
                FilterAction::Discard => Terminating::Discard,
                FilterAction::Reject => Terminating::Reject(0),
            }),
            ..Actions::default()
        },
    }
}

/// A configured filter: family, name, terms.
pub(super) type CfgFilter = (FwFamily, String, Vec<Term>);

/// The configured filters and policers of `cfg`.
pub(super) fn config_filters(cfg: &Config) -> (Vec<CfgFilter>, Vec<Policer>) {
    let filters = cfg
        .firewall_filters()
        .into_iter()
        .map(|f| {
            let family = match f.family {
                FilterFamily::Inet => FwFamily::Inet,
                FilterFamily::Inet6 => FwFamily::Inet6,
            };
            let terms = f.terms.iter().map(|t| term(t, cfg)).collect();
            (family, f.name, terms)
        })
        .collect();
    let policers = cfg
        .policers()
        .into_iter()
        .map(|p| Policer {
            name: p.name,
            kind: PolicerKind::TwoColor {
                bandwidth: p.bandwidth_limit.unwrap_or(0),
                burst: p.burst_size_limit.unwrap_or(0),
                discard: p.discard,
                loss_priority: 0,
                forwarding_class: String::new(),
            },
            term_specific: false,
        })
        .collect();
    (filters, policers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_filter_becomes_terms_with_protocols_ports_and_prefix_lists() {
        let cfg = Config::parse_set(
            "set policy-options prefix-list mgmt 192.0.2.0/24\n\
             set firewall family inet filter protect term ssh from source-prefix-list mgmt\n\
             set firewall family inet filter protect term ssh from protocol tcp\n\
             set firewall family inet filter protect term ssh from destination-port ssh\n\
             set firewall family inet filter protect term ssh then count ssh-ok\n\
             set firewall family inet filter protect term ssh then accept\n\
             set firewall family inet filter protect term rest then discard\n\
             set firewall policer p1 if-exceeding bandwidth-limit 1m\n\
             set firewall policer p1 if-exceeding burst-size-limit 15k\n\
             set firewall policer p1 then discard\n",
        )
        .expect("config");
        let (filters, policers) = config_filters(&cfg);
        assert_eq!(filters.len(), 1);
        let (fam, name, terms) = &filters[0];
        assert_eq!((*fam, name.as_str()), (FwFamily::Inet, "protect"));
        assert_eq!(terms.len(), 2);
        let ssh = &terms[0];
        assert_eq!(ssh.matches.addrs[0].1[0].addr.to_string(), "192.0.2.0");
        assert!(ssh.matches.ranges.contains(&(
            Field::Protocol,
            vec![Range {
                lo: 6,
                hi: 6,
                except: false
            }]
        )));
        assert!(ssh.matches.ranges.contains(&(
            Field::DstPort,
            vec![Range {
                lo: 22,
                hi: 22,
                except: false
            }]
        )));
        assert_eq!(ssh.actions.count.as_deref(), Some("ssh-ok"));
        assert_eq!(terms[1].actions.terminating, Some(Terminating::Discard));
        assert_eq!(policers[0].kind.limit_bps(), 1_000_000);
        assert!(policers[0].kind.discards());
    }
}
