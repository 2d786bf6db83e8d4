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
}
