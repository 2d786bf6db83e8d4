//! The operational RPCs of Junos (from the facts, in the generated schema): their
//! names, CLI command words and inputs, so commands this device does not implement
//! are still known as Junos commands.

use super::blob::{Blob, RpcInput, RpcRec};
use super::join::gen_type;
use crate::value::ValueType;

/// One operational RPC of Junos.
#[derive(Debug, Clone)]
pub struct Rpc {
    /// The RPC (XML) name: `get-bgp-summary-information`.
    pub name: &'static str,
    /// The CLI command words: `show bgp summary` (none for RPC-only ones).
    pub command: Option<&'static str>,
    /// The inputs, in the order the facts list them.
    pub inputs: Vec<RpcArg>,
}

/// One input of an RPC.
#[derive(Debug, Clone)]
pub struct RpcArg {
    /// Input name (XML element); space-separated when nested.
    pub name: &'static str,
    /// A bare keyword without value (`detail`).
    pub flag: bool,
    /// A positional value typed without its name.
    pub nokeyword: bool,
    /// Required.
    pub mandatory: bool,
    /// The value type (`None` for flags or unknown types).
    pub ty: Option<ValueType>,
}

fn convert(b: &Blob, r: RpcRec) -> Rpc {
    Rpc {
        name: r.name,
        command: r.command,
        inputs: r
            .inputs
            .into_iter()
            .map(|i: RpcInput| RpcArg {
                name: i.name,
                flag: i.flag,
                nokeyword: i.nokeyword,
                mandatory: i.mandatory,
                ty: gen_type(b, i.ty).map(ValueType::Gen),
            })
            .collect(),
    }
}

/// Every RPC, sorted by name.
pub fn rpcs() -> impl Iterator<Item = Rpc> {
    let b = Blob::get();
    let n = b.map_or(0, |b| b.rpc_count());
    (0..n).filter_map(move |i| {
        let b = b?;
        Some(convert(&b, b.rpc(i)?))
    })
}

/// The RPC called `name` (binary search over the sorted table).
pub fn rpc(name: &str) -> Option<Rpc> {
    let b = Blob::get()?;
    let (mut lo, mut hi) = (0, b.rpc_count());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let r = b.rpc(mid)?;
        match r.name.cmp(name) {
            std::cmp::Ordering::Equal => return Some(convert(&b, r)),
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
        }
    }
    None
}

/// The RPC whose command words begin `words` and are the longest such prefix: for
/// `show bgp summary instance x`, `get-bgp-summary-information`.
pub fn rpc_for_command(words: &[&str]) -> Option<Rpc> {
    let mut best: Option<(usize, Rpc)> = None;
    for r in rpcs() {
        let Some(cmd) = r.command else { continue };
        let cw: Vec<&str> = cmd.split_whitespace().collect();
        if cw.len() <= words.len()
            && cw.iter().zip(words).all(|(a, b)| a == b)
            && best.as_ref().is_none_or(|(n, _)| cw.len() > *n)
        {
            best = Some((cw.len(), r));
        }
    }
    best.map(|(_, r)| r)
}

/// The Junos command that `words` (CLI words, each possibly abbreviated) names: the RPC
/// with the longest command whose words the input words begin with, exact words
/// preferred over abbreviations. Returns it and how many words its command took.
pub fn rpc_for_cli(words: &[&str]) -> Option<(Rpc, usize)> {
    let b = Blob::get()?;
    // (command length, exact words, index)
    let mut best: Option<(usize, usize, u32)> = None;
    for i in 0..b.rpc_count() {
        let Some(cmd) = b.rpc_command(i) else {
            continue;
        };
        let cw: Vec<&str> = cmd.split_whitespace().collect();
        if cw.is_empty() || cw.len() > words.len() {
            continue;
        }
        if !cw
            .iter()
            .zip(words)
            .all(|(c, w)| !w.is_empty() && c.starts_with(w))
        {
            continue;
        }
        let exact = cw.iter().zip(words).filter(|(c, w)| c == w).count();
        let better = match best {
            None => true,
            Some((n, e, _)) => cw.len() > n || (cw.len() == n && exact > e),
        };
        if better {
            best = Some((cw.len(), exact, i));
        }
    }
    let (n, _, i) = best?;
    Some((convert(&b, b.rpc(i)?), n))
}

/// The XML RPC of a command, as `| display xml rpc` shows it: `args` (the words after
/// the command) become the RPC's inputs: a flag input by its name (`<terse/>`), a keyword
/// input with the next word as its value, any other word the next positional input.
pub fn rpc_xml(rpc: &Rpc, args: &[&str]) -> String {
    let mut inner = String::new();
    let mut used = vec![false; rpc.inputs.len()];
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let named = rpc
            .inputs
            .iter()
            .find(|a| a.name == *w && !a.nokeyword && !a.name.contains(' '));
        match named {
            Some(a) if a.flag => {
                inner.push_str(&format!("            <{}/>\n", a.name));
                i += 1;
            }
            Some(a) if args.get(i + 1).is_some() => {
                inner.push_str(&format!(
                    "            <{0}>{1}</{0}>\n",
                    a.name,
                    escape(args[i + 1])
                ));
                i += 2;
            }
            _ => {
                // The first unused positional input whose type takes the word; an
                // enumerated one is written as an empty element (`<terse/>`).
                let accepts = |a: &RpcArg| a.ty.is_none_or(|t| t.canonical(a.name, w).is_ok());
                let pick = rpc
                    .inputs
                    .iter()
                    .enumerate()
                    .find(|(k, a)| a.nokeyword && !used[*k] && accepts(a));
                if let Some((k, a)) = pick {
                    used[k] = true;
                    let enumerated =
                        matches!(a.ty, Some(ValueType::Gen(t)) if t.base == "enumeration");
                    if enumerated {
                        inner.push_str(&format!("            <{}/>\n", escape(w)));
                    } else {
                        inner.push_str(&format!("            <{0}>{1}</{0}>\n", a.name, escape(w)));
                    }
                }
                i += 1;
            }
        }
    }
    format!(
        "<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/24.4R1/junos\">\n    <rpc>\n        <{0}>\n{inner}        </{0}>\n    </rpc>\n    <cli>\n        <banner></banner>\n    </cli>\n</rpc-reply>\n",
        rpc.name
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rpcs_are_found_by_name_and_by_command() {
        let r = rpc("get-bgp-summary-information").expect("bgp summary rpc");
        assert_eq!(r.command, Some("show bgp summary"));
        let c = rpc_for_command(&["show", "bgp", "summary", "instance", "x"]).expect("cmd");
        assert_eq!(c.name, "get-bgp-summary-information");
        assert!(rpc("no-such-rpc").is_none());
        assert!(rpcs().count() > 6000);
    }

    #[test]
    fn cli_words_find_their_rpc_even_abbreviated() {
        let (r, n) = rpc_for_cli(&["sh", "bgp", "summ"]).expect("bgp summary");
        assert_eq!((r.name, n), ("get-bgp-summary-information", 3));
        let (r, n) = rpc_for_cli(&["show", "ospf", "neighbor", "detail"]).expect("ospf");
        assert_eq!((r.name, n), ("get-ospf-neighbor-information", 3));
        assert!(rpc_for_cli(&["show", "bogus"]).is_none());
    }

    #[test]
    fn rpc_xml_maps_words_to_inputs() {
        let (r, n) = rpc_for_cli(&["show", "interfaces", "ge-0/0/0", "terse"]).expect("rpc");
        let xml = rpc_xml(&r, &["ge-0/0/0", "terse"][n - 2..]);
        assert!(xml.contains("<get-interface-information>"), "{xml}");
        assert!(xml.contains("<terse/>"), "{xml}");
        assert!(
            xml.contains("<interface-name>ge-0/0/0</interface-name>"),
            "{xml}"
        );
    }
}
