//! What the device runs of a configuration: [`Config::effective`].

use std::borrow::Cow;
use std::sync::atomic::Ordering;

use crate::config::Config;
use crate::tree;
use crate::{groups, ranges};

impl Config {
    /// What the device runs: inactive statements removed, then groups applied, then each
    /// `interface-range` applied to its members. Borrows this configuration when there
    /// is nothing to remove or apply.
    pub fn effective(&self) -> Cow<'_, Config> {
        if self.plain.load(Ordering::Relaxed) {
            return Cow::Borrowed(self);
        }
        let has_groups = tree::child(&self.children, "groups").is_some();
        let has_ranges = ranges::present(&self.children);
        if !has_groups && !has_ranges && !groups::any_inactive(&self.children) {
            self.plain.store(true, Ordering::Relaxed);
            return Cow::Borrowed(self);
        }
        let mut active = self.clone();
        active.touch();
        groups::strip_inactive(&mut active.children);
        let mut out = if has_groups {
            active.with_groups_applied()
        } else {
            groups::strip_apply_groups(&mut active.children);
            active
        };
        ranges::apply(&mut out.children);
        // No groups and nothing inactive is left.
        out.plain.store(true, Ordering::Relaxed);
        Cow::Owned(out)
    }
}
