//! Subscription policies: a `policy-options policy-statement NAME` of the configuration,
//! compiled when a RouteSubscribe names it and then evaluated per route.
//!
//! Junos requires the filtering policy of a subscription to be configured by CLI or
//! NETCONF; the client only names it. The policy is compiled from the configuration in
//! force when the subscription starts (prefix lists resolved then too) and the
//! subscription keeps that snapshot: a later commit that changes or deletes the policy
//! does not change an existing stream, only the next RouteSubscribe.
//!
//! Evaluation follows Junos policy rules for the conditions our schema has:
//! - terms in order; the first term whose `from` matches and whose `then` holds
//!   `accept` or `reject` decides; a matching term without either does not decide and
//!   evaluation goes on with the next term;
//! - within `from`, different conditions must all match (AND), the values of one
//!   condition are alternatives (OR); a term without `from` matches every route;
//! - `protocol`: the route's source (`direct`, `local`, `static`; JET-programmed routes
//!   are static routes, as `show route` shows them; BGP-static routes are
//!   `bgp-static`, which the schema cannot name, so no `protocol` value matches them);
//! - `route-filter`s of a term form one route list evaluated by longest match: the
//!   longest filter prefix that covers the route is chosen and its match type decides
//!   (shorter filters are not tried when it fails); filters of the same prefix are
//!   tried in order; match types `exact` (the default), `longer`, `orlonger`, `upto`,
//!   `prefix-length-range`, `through` and `address-mask` (an `address-mask` filter
//!   applies to routes equal to it under the mask rather than covered by it);
//! - `prefix-list NAME` matches a route whose destination equals one of the list's
//!   prefixes; route-filters and prefix-lists of one term are alternatives (the
//!   destination matches when either does);
//! - IPv4 filters never match IPv6 routes and neither match MPLS routes.
//!
//! Pure: no task, no lock; `RoutePolicy::accepts` is a function of prefix and protocol.

use std::borrow::Cow;
use std::net::IpAddr;

use jet_config::tree::{Entry, Node, Value};
use jet_config::{Config, IpPrefix};
use jet_rib::{Prefix, Proto};

/// What a deciding term does with a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyAction {
    /// `then accept`: the route is streamed.
    Accept,
    /// `then reject`: the route is left out.
    Reject,
}

/// How a route-filter compares the route's length with its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LenMatch {
    /// `exact`: same length (also used when no match type is given).
    Exact,
    /// `longer`: strictly longer.
    Longer,
    /// `orlonger`: same or longer.
    OrLonger,
    /// `upto /N`: from the filter's length up to N.
    UpTo(u8),
    /// `prefix-length-range /L-/H`: from L up to H.
    Range(u8, u8),
    /// `through P`: on the path from the filter's prefix down to P (the route covers P).
    Through(Prefix),
    /// `address-mask M`: the filter's length, and the route's address under the (maybe
    /// non-contiguous) mask M equal to the filter's.
    AddressMask(IpAddr),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct RouteFilter {
    prefix: Prefix,
    how: LenMatch,
}

impl RouteFilter {
    /// True when the filter's prefix applies to the route (the longest such filters
    /// are the ones tried): it covers the route, or for `address-mask`, the route's
    /// address matches under the mask.
    fn applies(&self, route: &Prefix) -> bool {
        match self.how {
            LenMatch::AddressMask(mask) => {
                let under = |p: &Prefix| match (p.addr(), mask) {
                    (Some(IpAddr::V4(a)), IpAddr::V4(m)) => {
                        Some(u128::from(a.to_bits() & m.to_bits()))
                    }
                    (Some(IpAddr::V6(a)), IpAddr::V6(m)) => Some(a.to_bits() & m.to_bits()),
                    _ => None,
                };
                self.prefix.family() == route.family()
                    && under(&self.prefix).is_some_and(|f| under(route) == Some(f))
            }
            _ => self.prefix.covers(route),
        }
    }

    /// The filter's match type, for a route it applies to.
    fn type_matches(&self, route: &Prefix) -> bool {
        let len = self.prefix.len();
        let route_len = route.len();
        match self.how {
            LenMatch::Exact | LenMatch::AddressMask(_) => route_len == len,
            LenMatch::Longer => route_len > len,
            LenMatch::OrLonger => route_len >= len,
            LenMatch::UpTo(max) => route_len >= len && route_len <= max,
            LenMatch::Range(lo, hi) => route_len >= lo && route_len <= hi,
            LenMatch::Through(end) => route.covers(&end),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    name: String,
    /// `from protocol` values (empty: any source).
    protocols: Vec<String>,
    /// `from route-filter` entries in configuration order.
    route_filters: Vec<RouteFilter>,
    /// Prefixes of every `from prefix-list`, resolved when compiled.
    prefix_list_items: Vec<Prefix>,
    /// True when the term names a prefix-list (even one that is empty or missing,
    /// which then matches nothing).
    has_prefix_list: bool,
    action: Option<PolicyAction>,
}

impl Term {
    fn matches(&self, prefix: &Prefix, proto: Proto) -> bool {
        if !self.protocols.is_empty() && !self.protocols.iter().any(|p| p == proto_name(proto)) {
            return false;
        }
        if self.route_filters.is_empty() && !self.has_prefix_list {
            return true;
        }
        self.route_list_matches(prefix) || self.prefix_list_items.iter().any(|p| p == prefix)
    }

    /// Longest match over the route-filters, then the chosen filter's match type.
    fn route_list_matches(&self, prefix: &Prefix) -> bool {
        let Some(longest) = self
            .route_filters
            .iter()
            .filter(|f| f.applies(prefix))
            .map(|f| f.prefix.len())
            .max()
        else {
            return false;
        };
        self.route_filters
            .iter()
            .filter(|f| f.prefix.len() == longest && f.applies(prefix))
            .any(|f| f.type_matches(prefix))
    }
}

/// A compiled `policy-statement` (see the module documentation for the rules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutePolicy {
    name: String,
    terms: Vec<Term>,
}

/// The name `from protocol` uses for a route source.
fn proto_name(p: Proto) -> &'static str {
    match p {
        Proto::Direct => "direct",
        Proto::Local => "local",
        Proto::Static | Proto::Jet => "static",
        Proto::BgpStatic => "bgp-static",
    }
}

impl RoutePolicy {
    /// The policy `name` of `cfg` (inactive statements left out, groups applied), or
    /// None when it is not configured.
    pub fn from_config(cfg: &Config, name: &str) -> Option<RoutePolicy> {
        let cfg: Cow<'_, Config> = cfg.effective();
        let options = child(cfg.statements(), "policy-options")?.children();
        let statement = entries(options, "policy-statement")
            .iter()
            .find(|e| e.key == name)?;
        let lists = cfg.prefix_lists();
        let terms = entries(&statement.children, "term")
            .iter()
            .map(|t| {
                let from = child(&t.children, "from").map_or(&[][..], Node::children);
                let then = child(&t.children, "then").map_or(&[][..], Node::children);
                let names = values(from, "prefix-list");
                Term {
                    name: t.key.clone(),
                    protocols: values(from, "protocol")
                        .into_iter()
                        .map(str::to_owned)
                        .collect(),
                    route_filters: entries(from, "route-filter")
                        .iter()
                        .filter_map(route_filter)
                        .collect(),
                    prefix_list_items: lists
                        .iter()
                        .filter(|l| names.contains(&l.name.as_str()))
                        .flat_map(|l| l.prefixes.iter().map(to_prefix))
                        .collect(),
                    has_prefix_list: !names.is_empty(),
                    action: if child(then, "accept").is_some() {
                        Some(PolicyAction::Accept)
                    } else if child(then, "reject").is_some() {
                        Some(PolicyAction::Reject)
                    } else {
                        None
                    },
                }
            })
            .collect();
        Some(RoutePolicy {
            name: name.to_owned(),
            terms,
        })
    }

    /// The policy-statement name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The action of the first term that matches the route and says accept or reject,
    /// with that term's name; None when no term decides.
    pub fn decide(&self, prefix: &Prefix, proto: Proto) -> Option<(PolicyAction, &str)> {
        self.terms.iter().find_map(|t| match t.action {
            Some(a) if t.matches(prefix, proto) => Some((a, t.name.as_str())),
            _ => None,
        })
    }

    /// True when a subscription with this policy streams the route.
    pub fn accepts(&self, prefix: &Prefix, proto: Proto) -> bool {
        // When no term decides, the route is streamed. Junos would fall through to the
        // default policy of the protocol a policy is applied to; a subscription has no
        // such protocol, and a filter that only says what to reject is the common way to
        // write one, so the default here is accept.
        self.decide(prefix, proto)
            .is_none_or(|(a, _)| a == PolicyAction::Accept)
    }
}

fn to_prefix(p: &IpPrefix) -> Prefix {
    Prefix::masked(p.addr, p.len)
}

fn route_filter(e: &Entry) -> Option<RouteFilter> {
    let prefix = to_prefix(&e.key.parse::<IpPrefix>().ok()?);
    let c = &e.children;
    let how = if child(c, "longer").is_some() {
        LenMatch::Longer
    } else if child(c, "orlonger").is_some() {
        LenMatch::OrLonger
    } else if let Some(n) = child(c, "upto").and_then(Node::leaf) {
        LenMatch::UpTo(jet_config::value::prefix_len(n)?)
    } else if let Some(n) = child(c, "prefix-length-range").and_then(Node::leaf) {
        let (lo, hi) = jet_config::value::prefix_len_range(n)?;
        LenMatch::Range(lo, hi)
    } else if let Some(n) = child(c, "through").and_then(Node::leaf) {
        LenMatch::Through(to_prefix(&n.parse::<IpPrefix>().ok()?))
    } else if let Some(n) = child(c, "address-mask").and_then(Node::leaf) {
        LenMatch::AddressMask(n.parse().ok()?)
    } else {
        LenMatch::Exact
    };
    Some(RouteFilter { prefix, how })
}

fn child<'a>(children: &'a [Node], name: &str) -> Option<&'a Node> {
    children.iter().find(|n| n.name() == name)
}

fn entries<'a>(children: &'a [Node], name: &str) -> &'a [Entry] {
    match child(children, name).map(|n| &n.value) {
        Some(Value::List(es)) => es,
        _ => &[],
    }
}

/// Values of a leaf-list (or keys of a list).
fn values<'a>(children: &'a [Node], name: &str) -> Vec<&'a str> {
    match child(children, name).map(|n| &n.value) {
        Some(Value::LeafList(vs)) => vs.iter().map(String::as_str).collect(),
        Some(Value::List(es)) => es.iter().map(|e| e.key.as_str()).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str, name: &str) -> RoutePolicy {
        let cfg = Config::parse_text(text).expect("configuration parses");
        RoutePolicy::from_config(&cfg, name).expect("policy configured")
    }

    fn p(s: &str) -> Prefix {
        let (a, l) = s.split_once('/').expect("prefix");
        Prefix::ip(a.parse().expect("address"), l.parse().expect("length")).expect("valid")
    }

    fn ok(pol: &RoutePolicy, prefix: &str) -> bool {
        pol.accepts(&p(prefix), Proto::Jet)
    }

    #[test]
    fn unknown_or_inactive_policies_are_not_found() {
        let cfg = Config::parse_text(
            "policy-options { policy-statement A { term t { then accept; } } \
             inactive: policy-statement B { term t { then accept; } } }",
        )
        .expect("parses");
        assert!(RoutePolicy::from_config(&cfg, "A").is_some());
        assert!(RoutePolicy::from_config(&cfg, "B").is_none());
        assert!(RoutePolicy::from_config(&cfg, "C").is_none());
        assert!(RoutePolicy::from_config(&Config::default(), "A").is_none());
    }

    #[test]
    fn the_first_term_that_matches_and_decides_wins() {
        let pol = policy(
            "policy-options { policy-statement P { \
               term ten { from { route-filter 10.0.0.0/8 orlonger; } then reject; } \
               term all { then accept; } } }",
            "P",
        );
        assert!(!ok(&pol, "10.1.0.0/16"));
        assert_eq!(
            pol.decide(&p("10.1.0.0/16"), Proto::Jet),
            Some((PolicyAction::Reject, "ten"))
        );
        assert!(ok(&pol, "11.0.0.0/8"));
        assert_eq!(
            pol.decide(&p("11.0.0.0/8"), Proto::Jet),
            Some((PolicyAction::Accept, "all"))
        );
    }

    #[test]
    fn a_term_without_accept_or_reject_does_not_decide_and_no_decision_accepts() {
        let pol = policy(
            "policy-options { policy-statement P { \
               term mark { from { route-filter 10.0.0.0/8 orlonger; } then local-preference 200; } \
               term drop { from { route-filter 10.0.0.0/8 orlonger; } then reject; } } }",
            "P",
        );
        assert_eq!(
            pol.decide(&p("10.1.0.0/16"), Proto::Jet),
            Some((PolicyAction::Reject, "drop"))
        );
        assert_eq!(pol.decide(&p("192.0.2.0/24"), Proto::Jet), None);
        assert!(ok(&pol, "192.0.2.0/24"), "no term decides: accept");
    }

    #[test]
    fn route_filter_match_types_compare_prefix_lengths() {
        let cfg = |how: &str| {
            policy(
                &format!(
                    "policy-options {{ policy-statement P {{ \
                       term t {{ from {{ route-filter 10.0.0.0/16 {how}; }} then accept; }} \
                       term rest {{ then reject; }} }} }}"
                ),
                "P",
            )
        };
        let exact = cfg("exact");
        assert!(ok(&exact, "10.0.0.0/16"));
        assert!(!ok(&exact, "10.0.1.0/24"));
        let longer = cfg("longer");
        assert!(!ok(&longer, "10.0.0.0/16"));
        assert!(ok(&longer, "10.0.1.0/24"));
        let orlonger = cfg("orlonger");
        assert!(ok(&orlonger, "10.0.0.0/16"));
        assert!(ok(&orlonger, "10.0.1.1/32"));
        assert!(!ok(&orlonger, "10.0.0.0/8"), "shorter than the filter");
        assert!(!ok(&orlonger, "10.1.0.0/16"), "outside the filter");
        let upto = cfg("upto /24");
        assert!(ok(&upto, "10.0.0.0/16"));
        assert!(ok(&upto, "10.0.1.0/24"));
        assert!(!ok(&upto, "10.0.1.0/25"));
        let range = cfg("prefix-length-range /20-/24");
        assert!(!ok(&range, "10.0.0.0/16"), "shorter than the range");
        assert!(ok(&range, "10.0.16.0/20"));
        assert!(ok(&range, "10.0.1.0/24"));
        assert!(!ok(&range, "10.0.1.0/25"), "longer than the range");
        assert!(!ok(&range, "10.1.1.0/24"), "outside the filter");
        // `through`: the route lies on the path from the filter's prefix to this one.
        let through = cfg("through 10.0.128.0/18");
        assert!(ok(&through, "10.0.0.0/16"));
        assert!(ok(&through, "10.0.128.0/17"));
        assert!(ok(&through, "10.0.128.0/18"));
        assert!(!ok(&through, "10.0.0.0/17"), "beside the path");
        assert!(!ok(&through, "10.0.128.0/19"), "past its end");
        // `address-mask`: same length, and the same address under a non-contiguous mask.
        let masked = policy(
            "policy-options { policy-statement P { \
               term t { from { route-filter 10.0.0.0/24 address-mask 255.0.255.0; } then accept; } \
               term rest { then reject; } } }",
            "P",
        );
        assert!(
            ok(&masked, "10.7.0.0/24"),
            "second byte ignored by the mask"
        );
        assert!(!ok(&masked, "10.7.1.0/24"), "third byte differs");
        assert!(!ok(&masked, "10.7.0.0/25"), "other length");
    }

    #[test]
    fn route_filters_use_the_longest_matching_prefix_only() {
        // The Junos documentation's example: 192.168.254.0/24 finds /23 as the longest
        // prefix, whose `exact` fails; the shorter `orlonger` is not tried.
        let pol = policy(
            "policy-options { policy-statement P { \
               term t { from { route-filter 192.168.0.0/16 orlonger; \
                                route-filter 192.168.254.0/23 exact; } then accept; } \
               term rest { then reject; } } }",
            "P",
        );
        assert!(!ok(&pol, "192.168.254.0/24"));
        assert!(ok(&pol, "192.168.254.0/23"));
        assert!(ok(&pol, "192.168.1.0/24"));
    }

    #[test]
    fn prefix_lists_match_their_prefixes_exactly_and_add_to_route_filters() {
        let pol = policy(
            "policy-options { prefix-list CUST { 10.1.0.0/16; 2001:db8::/32; } \
             policy-statement P { \
               term t { from { prefix-list CUST; route-filter 172.16.0.0/12 orlonger; } \
                        then accept; } \
               term rest { then reject; } } }",
            "P",
        );
        assert!(ok(&pol, "10.1.0.0/16"));
        assert!(!ok(&pol, "10.1.1.0/24"), "prefix-list is an exact match");
        assert!(ok(&pol, "2001:db8::/32"));
        assert!(ok(&pol, "172.16.5.0/24"), "route-filter is an alternative");
        assert!(!ok(&pol, "192.0.2.0/24"));
    }

    #[test]
    fn protocol_and_destination_conditions_must_all_match() {
        let pol = policy(
            "policy-options { policy-statement P { \
               term t { from { protocol [ static local ]; route-filter 10.0.0.0/8 orlonger; } \
                        then accept; } \
               term rest { then reject; } } }",
            "P",
        );
        let ten = p("10.1.0.0/16");
        assert!(pol.accepts(&ten, Proto::Jet), "JET routes are static");
        assert!(pol.accepts(&ten, Proto::Static));
        assert!(pol.accepts(&ten, Proto::Local));
        assert!(!pol.accepts(&ten, Proto::Direct));
        assert!(!pol.accepts(&ten, Proto::BgpStatic));
        assert!(!pol.accepts(&p("11.0.0.0/8"), Proto::Static));
    }

    #[test]
    fn filters_of_one_family_never_match_another() {
        let pol = policy(
            "policy-options { policy-statement P { \
               term t { from { route-filter 0.0.0.0/0 orlonger; } then accept; } \
               term rest { then reject; } } }",
            "P",
        );
        assert!(ok(&pol, "10.0.0.0/8"));
        assert!(!ok(&pol, "2001:db8::/32"));
        let mpls = Prefix::mpls(100_000, 52).expect("label");
        assert!(!pol.accepts(&mpls, Proto::Jet));
    }
}
