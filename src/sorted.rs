//! Sorting, and sorted collections, with one copy of the standard library's sort for the page.
//!
//! Each `sort_by` call, and each `collect()` into a `BTreeMap`, a `BTreeSet` or a JSON object
//! (which sorts what it collects), compiles a copy of the stable sort of its own: one per element
//! type, comparison and iterator. Two dozen of them were 28 KB of the page's wasm served gzip
//! (4% of it), which a first visit downloads before the page is usable. Code the page runs
//! sorts here instead: positions by one comparison behind a reference (one copy), then the
//! items moved into place; maps and sets are built by insertion, which sorts nothing. The
//! results are the ones the standard library gives: the sort is stable, and a later entry of a
//! key replaces an earlier one.

use std::{
    cmp::Ordering,
    collections::{BTreeMap, BTreeSet},
};

use serde_json::{Map, Value};

/// `items` sorted stably by `compare`, as `items.sort_by(compare)` sorts them.
pub fn sort_by<T>(items: &mut Vec<T>, mut compare: impl FnMut(&T, &T) -> Ordering) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_positions(&mut order, &mut |a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    // `order` is a permutation: each slot is taken exactly once.
    items.extend(order.into_iter().filter_map(|position| slots[position].take()));
}

/// `items` sorted stably by `key`, as `items.sort_by_key(key)` sorts them.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// `items` sorted, as `items.sort()` sorts them.
pub fn sort<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
}

/// The one copy of the sort: positions, by a comparison of the items at two positions.
fn sort_positions(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
}

/// `entries` as a map, as `collect()` makes it.
pub fn map<K: Ord, V>(entries: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(entries);
    map
}

/// `items` as a set, as `collect()` makes it.
pub fn set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(items);
    set
}

/// `entries` as a JSON object, as `collect()` makes it.
pub fn object(entries: impl IntoIterator<Item = (String, Value)>) -> Value {
    let mut object = Map::new();
    object.extend(entries);
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_as_the_standard_library_does() {
        let items: Vec<(u8, char)> = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e'), (0, 'f')];
        let mut ours = items.clone();
        sort_by_key(&mut ours, |item| item.0);
        let mut theirs = items.clone();
        theirs.sort_by_key(|item| item.0);
        assert_eq!(ours, theirs);
        assert_eq!(ours, [(0, 'f'), (1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')], "stable");
        let mut reversed = items.clone();
        sort_by(&mut reversed, |a, b| b.cmp(a));
        assert_eq!(reversed, [(3, 'c'), (3, 'a'), (2, 'd'), (1, 'e'), (1, 'b'), (0, 'f')]);
        let mut empty: Vec<u8> = Vec::new();
        sort(&mut empty);
        assert!(empty.is_empty());
    }

    #[test]
    fn collects_as_the_standard_library_does() {
        let entries = [("b", 1), ("a", 2), ("b", 3)];
        assert_eq!(map(entries), entries.into_iter().collect::<BTreeMap<_, _>>());
        assert_eq!(map(entries)["b"], 3, "a later entry of a key replaces an earlier one");
        assert_eq!(set([3, 1, 3, 2]), BTreeSet::from([1, 2, 3]));
        let fields = [("z".to_owned(), Value::from(1)), ("a".to_owned(), Value::from(2))];
        assert_eq!(object(fields.clone()), Value::Object(fields.into_iter().collect()));
    }
}
