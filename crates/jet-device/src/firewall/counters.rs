//! A filter's named counters: read like a map in name order (`show firewall`, counter
//! gets), added to by the packet path through a slot fixed when the filter is compiled.
//! Looking a counter up by name per matched term cost a string-keyed B-tree search per
//! packet (a tenth of a walk through a 10,000-counter filter).

use std::collections::BTreeMap;

use super::model::Count;

/// Counters by name, in name order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    /// Sorted, unique.
    names: Vec<String>,
    values: Vec<Count>,
}

impl Counters {
    /// The counter `name`.
    pub fn get(&self, name: &str) -> Option<&Count> {
        self.slot(name).map(|i| &self.values[i])
    }

    /// The counter `name`, to change.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Count> {
        self.slot(name).map(|i| &mut self.values[i])
    }

    /// Where `name` is kept, for [`Counters::at_mut`].
    pub fn slot(&self, name: &str) -> Option<usize> {
        self.names.binary_search_by(|n| n.as_str().cmp(name)).ok()
    }

    /// The counter at `slot`.
    pub fn at_mut(&mut self, slot: usize) -> Option<&mut Count> {
        self.values.get_mut(slot)
    }

    /// (name, counter) in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Count)> + '_ {
        self.names.iter().zip(&self.values)
    }

    /// Every counter, to change.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Count> + '_ {
        self.values.iter_mut()
    }

    /// Number of counters.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True without counters.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

impl From<BTreeMap<String, Count>> for Counters {
    fn from(m: BTreeMap<String, Count>) -> Counters {
        let (names, values) = m.into_iter().unzip();
        Counters { names, values }
    }
}

impl<'a> IntoIterator for &'a Counters {
    type Item = (&'a String, &'a Count);
    type IntoIter = std::iter::Zip<std::slice::Iter<'a, String>, std::slice::Iter<'a, Count>>;

    fn into_iter(self) -> Self::IntoIter {
        self.names.iter().zip(&self.values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_read_in_name_order_and_slots_reach_the_named_counter() {
        let mut m = BTreeMap::new();
        for n in ["web", "all", "dns"] {
            m.insert(n.to_owned(), Count::default());
        }
        let mut c = Counters::from(m);
        let names: Vec<&String> = c.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["all", "dns", "web"]);
        let slot = c.slot("dns").expect("slot");
        c.at_mut(slot).expect("counter").add(2, 100);
        assert_eq!(c.get("dns").map(|x| x.packets), Some(2));
        assert_eq!(c.get("web").map(|x| x.packets), Some(0));
        assert!(c.get("nope").is_none() && c.slot("nope").is_none());
        assert_eq!(c.len(), 3);
    }
}
