//! `show | compare`: the difference between two configurations.
//!
//! Until jet-config offers a hierarchical compare, the difference is given per `set`
//! line: `-` for a statement only in the old configuration, `+` for one only in the new
//! one, each under the `[edit]` banner. Empty when they are equal.

use std::collections::HashSet;

use jet_config::Config;

/// The lines of `show | compare` from `old` to `new`.
pub(crate) fn compare(old: &Config, new: &Config) -> String {
    let old_set = old.to_set();
    let new_set = new.to_set();
    let old_lines: HashSet<&str> = old_set.lines().collect();
    let new_lines: HashSet<&str> = new_set.lines().collect();
    let mut out = String::new();
    for l in old_set.lines().filter(|l| !new_lines.contains(l)) {
        out.push_str(&format!("- {l}\n"));
    }
    for l in new_set.lines().filter(|l| !old_lines.contains(l)) {
        out.push_str(&format!("+ {l}\n"));
    }
    if out.is_empty() {
        return out;
    }
    format!("[edit]\n{out}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_leaf_shows_as_removed_and_added() {
        let a = Config::parse_text("system { host-name a; domain-name x; }").expect("a");
        let b = Config::parse_text("system { host-name b; domain-name x; }").expect("b");
        assert_eq!(
            compare(&a, &b),
            "[edit]\n- set system host-name a\n+ set system host-name b\n"
        );
        assert_eq!(compare(&a, &a), "");
    }
}
