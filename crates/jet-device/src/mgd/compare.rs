//! `show | compare` and `show system rollback N compare M`: jet-config's hierarchical
//! compare (`[edit PATH]` headers, `-`/`+` statements).

use jet_config::Config;

/// The lines of `show | compare` from `old` to `new` (empty when equal).
pub(crate) fn compare(old: &Config, new: &Config) -> String {
    old.compare(new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_leaf_shows_as_removed_and_added_under_its_level() {
        let a = Config::parse_text("system { host-name a; domain-name x; }").expect("a");
        let b = Config::parse_text("system { host-name b; domain-name x; }").expect("b");
        let d = compare(&a, &b);
        assert!(d.contains("[edit system]"), "{d}");
        assert!(
            d.contains("-  host-name a;") && d.contains("+  host-name b;"),
            "{d}"
        );
        assert_eq!(compare(&a, &a), "");
    }
}
