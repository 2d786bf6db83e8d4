//! `routing.Rib/RouteRemoveMatching` of the older generation: a request read into a
//! match over one table, and the walk that collects the keys of the caller's own paths
//! it selects, a chunk at a time, as Delete batches the RIB applies as usual.
//!
//! What matches (the IDL's rules): only paths the removing client programmed through
//! this generation (a path of the same client programmed through
//! `jnx.jet.routing.rib.Rib` is left alone, as a RouteRemove of it would be refused with
//! the version mismatch); the table is required; a missing destination matches the whole
//! table; `match_type` BEST (the default) removes at the longest destination covering the
//! key that holds a matching path, EXACT at the key only, EXACT_OR_LONGER at the key and
//! every more specific destination; cookie 0 matches any cookie; `extended_match.tags`
//! (index 0 = tag, 1 = tag2) must all equal the path's.

use jet_proto::routing as lg;
use jet_rib::{
    DeleteBatch, KeySpec, MatchType, Prefix, Rib, RibCode, TableId, TableRef, FLAG_LEGACY,
};

use crate::convert::{self, Refusal};
use crate::legacy::key_in;

/// Destinations looked at per read-lock hold.
pub const CHUNK: usize = 1000;

/// A checked RouteRemoveMatching request.
#[derive(Debug, Clone)]
pub struct RemoveMatching {
    table: TableId,
    /// None: every destination of the table.
    prefix: Option<Prefix>,
    how: MatchType,
    cookie: u64,
    tags: [Option<u32>; 2],
}

impl RemoveMatching {
    /// Checks `req` against `rib` (the table must exist). Refusals carry the RIB code
    /// and a message naming the field.
    pub fn from_legacy(rib: &Rib, req: &lg::RouteRemoveMatchingRequest) -> Result<Self, Refusal> {
        let Some(key) = req.key.as_ref() else {
            return Err((
                RibCode::TableInvalid,
                "key missing: key.table is required".into(),
            ));
        };
        let k = key_in(key);
        let table = convert::resolve_table(rib, k.table.as_ref())
            .map_err(|(c, m)| (c, format!("key.table: {m}")))?;
        let how = match lg::RouteMatchType::try_from(req.match_type) {
            Ok(lg::RouteMatchType::Best) => MatchType::Best,
            Ok(lg::RouteMatchType::Exact) => MatchType::Exact,
            Ok(lg::RouteMatchType::ExactOrLonger) => MatchType::ExactOrLonger,
            Err(_) => {
                return Err((
                    RibCode::RequestInvalid,
                    format!(
                        "match_type {} is not BEST (0), EXACT (1) or EXACT_OR_LONGER (2)",
                        req.match_type
                    ),
                ))
            }
        };
        let prefix = match &k.dest_prefix {
            None => None,
            Some(_) => {
                let p = convert::prefix(k.dest_prefix.as_ref(), k.dest_prefix_len)
                    .map_err(|(c, m)| (c, format!("key.dest_prefix: {m}")))?;
                let family = rib.table(table).map(|t| t.family);
                if family != Some(p.family()) {
                    return Err((
                        RibCode::PrefixInvalid,
                        format!("key.dest_prefix {p} is not of the family of the table"),
                    ));
                }
                Some(p)
            }
        };
        let mut tags = [None; 2];
        if let Some(x) = &req.extended_match {
            for (i, v) in &x.tags {
                match tags.get_mut(*i as usize) {
                    Some(slot) => *slot = Some(v.value),
                    None => {
                        return Err((
                            RibCode::RequestInvalid,
                            format!("extended_match.tags index {i} is not 0 (tag) or 1 (tag2)"),
                        ))
                    }
                }
            }
        }
        Ok(RemoveMatching {
            table,
            prefix,
            how,
            cookie: k.cookie,
            tags,
        })
    }

    /// True when a path of destination `d` is the caller's (`owner`) and passes the
    /// match; calls `f` with each such cookie.
    fn matching(&self, rib: &Rib, owner: u32, d: &jet_rib::Dest, mut f: impl FnMut(u64)) -> bool {
        let mut any = false;
        for p in d.paths() {
            if p.owner != owner
                || !p.proto.is_programmed()
                || p.flags & FLAG_LEGACY == 0
                || (self.cookie != 0 && p.cookie != self.cookie)
            {
                continue;
            }
            if self.tags != [None, None] {
                let have = rib.attrs_of(p).tags;
                if self
                    .tags
                    .iter()
                    .zip(have)
                    .any(|(want, have)| want.is_some() && *want != have)
                {
                    continue;
                }
            }
            any = true;
            f(p.cookie);
        }
        any
    }

    /// One chunk of the walk: appends the keys of matching paths of client `owner`
    /// (its index in the RIB's clients) after destination `after` to `out`; returns
    /// where to resume, or None when the walk is done.
    pub fn chunk(
        &self,
        rib: &Rib,
        owner: u32,
        after: Option<Prefix>,
        out: &mut Vec<(Prefix, u64)>,
    ) -> Option<Prefix> {
        let t = rib.table(self.table)?;
        let dests = match (self.prefix, self.how) {
            (None, _) => {
                let from = after.map_or(std::ops::Bound::Unbounded, std::ops::Bound::Excluded);
                t.range(from, std::ops::Bound::Unbounded)
            }
            (Some(p), MatchType::ExactOrLonger) => t.longer(&p, after),
            (Some(_), _) if after.is_some() => return None,
            (Some(p), MatchType::Exact) => {
                if let Some(d) = t.get(&p) {
                    self.matching(rib, owner, d, |c| out.push((p, c)));
                }
                return None;
            }
            (Some(p), MatchType::Best) => {
                // The longest destination covering the key that holds a matching path.
                if let Some((q, d)) = t.lpm(&p, |d| self.matching(rib, owner, d, |_| {})) {
                    self.matching(rib, owner, d, |c| out.push((q, c)));
                }
                return None;
            }
        };
        for (n, (p, d)) in dests.enumerate() {
            self.matching(rib, owner, d, |c| out.push((p, c)));
            if n + 1 >= CHUNK {
                return Some(p);
            }
        }
        None
    }

    /// A legacy Delete batch of `keys` (at most [`jet_rib::MAX_BATCH`] of them).
    pub fn delete_batch(&self, keys: &[(Prefix, u64)]) -> DeleteBatch {
        DeleteBatch {
            tables: vec![TableRef::Id(self.table.0)],
            keys: keys
                .iter()
                .map(|&(prefix, cookie)| KeySpec {
                    table: 0,
                    prefix,
                    cookie,
                })
                .collect(),
            invalid: None,
            legacy: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::legacy::entry_in;
    use jet_proto::jnx_base as lbase;
    use jet_rib::{Defaults, SetOp};

    fn v4(a: &str) -> lg::NetworkAddress {
        lg::NetworkAddress {
            af: Some(lg::network_address::Af::Inet(lbase::IpAddress {
                addr_format: Some(lbase::ip_address::AddrFormat::AddrString(a.into())),
            })),
        }
    }

    fn key(p: Option<(&str, u32)>, cookie: u64) -> lg::RouteMatchFields {
        lg::RouteMatchFields {
            dest_prefix: p.map(|(a, _)| v4(a)),
            dest_prefix_len: p.map_or(0, |(_, l)| l),
            table: Some(lg::RouteTable {
                rt_table_format: Some(lg::route_table::RtTableFormat::RttName(
                    lg::RouteTableName {
                        name: "inet.0".into(),
                    },
                )),
            }),
            cookie,
        }
    }

    fn route(a: &str, len: u32, cookie: u64, tag: Option<u32>) -> lg::RouteEntry {
        lg::RouteEntry {
            key: Some(key(Some((a, len)), cookie)),
            attributes: tag.map(|t| lg::RouteAttributes {
                tags: [(0, lg::RouteAttributeUint32 { value: t })].into(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// Client 1 ("app") owns legacy 10.0.0.0/8, 10.1.0.0/16 (cookies 1 and 2, tag 7 on
    /// cookie 2), 10.1.2.0/24 and a current-generation 10.9.0.0/16; client 2 ("other")
    /// owns legacy 10.1.3.0/24.
    fn rib() -> (Rib, u32, u32) {
        let mut rib = Rib::new();
        let (app, _) = rib.clients.initialize("app", 1, Defaults::default());
        let (other, _) = rib.clients.initialize("other", 2, Defaults::default());
        let add = |rib: &mut Rib, c, routes: Vec<lg::RouteEntry>, legacy: bool| {
            let pb: Vec<_> = routes.iter().map(entry_in).collect();
            let mut b = convert::batch(&pb);
            b.legacy = legacy;
            let out = rib.apply(c, SetOp::Add, &mut b, 0, &mut Vec::new());
            assert!(out.error.is_none(), "{out:?}");
        };
        add(
            &mut rib,
            app,
            vec![
                route("10.0.0.0", 8, 0, None),
                route("10.1.0.0", 16, 1, None),
                route("10.1.0.0", 16, 2, Some(7)),
                route("10.1.2.0", 24, 0, None),
            ],
            true,
        );
        add(&mut rib, app, vec![route("10.9.0.0", 16, 0, None)], false);
        add(&mut rib, other, vec![route("10.1.3.0", 24, 0, None)], true);
        (rib, app.0, other.0)
    }

    fn keys(rib: &Rib, owner: u32, req: lg::RouteRemoveMatchingRequest) -> Vec<String> {
        let q = RemoveMatching::from_legacy(rib, &req).expect("valid");
        let (mut out, mut after) = (Vec::new(), None);
        while let Some(p) = q.chunk(rib, owner, after, &mut out) {
            after = Some(p);
        }
        out.iter().map(|(p, c)| format!("{p}#{c}")).collect()
    }

    fn req(p: Option<(&str, u32)>, how: lg::RouteMatchType) -> lg::RouteRemoveMatchingRequest {
        lg::RouteRemoveMatchingRequest {
            key: Some(key(p, 0)),
            extended_match: None,
            match_type: how as i32,
        }
    }

    #[test]
    fn only_the_callers_own_legacy_paths_match() {
        let (rib, app, other) = rib();
        use lg::RouteMatchType as M;
        assert_eq!(
            keys(&rib, app, req(None, M::Best)),
            [
                "10.0.0.0/8#0",
                "10.1.0.0/16#1",
                "10.1.0.0/16#2",
                "10.1.2.0/24#0"
            ],
            "no destination: the whole table, without the current generation's path"
        );
        assert_eq!(keys(&rib, other, req(None, M::Best)), ["10.1.3.0/24#0"]);
        assert_eq!(
            keys(&rib, app, req(Some(("10.1.0.0", 16)), M::ExactOrLonger)),
            ["10.1.0.0/16#1", "10.1.0.0/16#2", "10.1.2.0/24#0"]
        );
        assert_eq!(
            keys(&rib, app, req(Some(("10.1.0.0", 16)), M::Exact)),
            ["10.1.0.0/16#1", "10.1.0.0/16#2"]
        );
        assert_eq!(
            keys(&rib, app, req(Some(("10.1.3.9", 32)), M::Best)),
            ["10.1.0.0/16#1", "10.1.0.0/16#2"],
            "BEST skips destinations without a path of the caller"
        );
        assert!(keys(&rib, app, req(Some(("10.9.0.0", 16)), M::Exact)).is_empty());
    }

    #[test]
    fn cookie_and_tags_narrow_the_match() {
        let (rib, app, _) = rib();
        let mut r = req(Some(("10.1.0.0", 16)), lg::RouteMatchType::ExactOrLonger);
        r.key.as_mut().unwrap().cookie = 1;
        assert_eq!(keys(&rib, app, r.clone()), ["10.1.0.0/16#1"]);
        r.key.as_mut().unwrap().cookie = 0;
        r.extended_match = Some(lg::RouteExtendedMatchFields {
            tags: [(0, lg::RouteAttributeUint32 { value: 7 })].into(),
        });
        assert_eq!(keys(&rib, app, r), ["10.1.0.0/16#2"]);
    }

    #[test]
    fn bad_requests_are_refused_naming_the_field() {
        let (rib, _, _) = rib();
        let refused = |r: lg::RouteRemoveMatchingRequest| {
            RemoveMatching::from_legacy(&rib, &r).expect_err("refused")
        };
        let (c, m) = refused(lg::RouteRemoveMatchingRequest::default());
        assert_eq!(c, RibCode::TableInvalid);
        assert!(m.contains("key.table"), "{m}");
        let mut r = req(None, lg::RouteMatchType::Best);
        r.key.as_mut().unwrap().table = None;
        assert_eq!(refused(r).0, RibCode::TableInvalid);
        let mut r = req(None, lg::RouteMatchType::Best);
        r.match_type = 9;
        let (c, m) = refused(r);
        assert_eq!(c, RibCode::RequestInvalid);
        assert!(m.contains("match_type 9"), "{m}");
        let (c, m) = refused(req(Some(("10.1.0.0", 33)), lg::RouteMatchType::Exact));
        assert_eq!(c, RibCode::PrefixLenTooLong);
        assert!(m.contains("key.dest_prefix"), "{m}");
        let mut r = req(None, lg::RouteMatchType::Best);
        r.extended_match = Some(lg::RouteExtendedMatchFields {
            tags: [(5, lg::RouteAttributeUint32 { value: 1 })].into(),
        });
        let (c, m) = refused(r);
        assert_eq!(c, RibCode::RequestInvalid);
        assert!(m.contains("extended_match.tags index 5"), "{m}");
    }
}
