//! The last few results of a costly pure function, found again by their key: a re-check after
//! an edit elsewhere reuses what did not change.

/// At most `N` results, the least recently used given up first.
pub struct Kept<K, V, const N: usize> {
    entries: Vec<(K, V)>,
}

impl<K, V, const N: usize> Default for Kept<K, V, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, V, const N: usize> Kept<K, V, N> {
    pub const fn new() -> Self {
        Self { entries: Vec::new() }
    }
}

impl<K: PartialEq + Clone, V: Clone, const N: usize> Kept<K, V, N> {
    /// The result kept for `key`, or `make`'s, kept from now on.
    pub fn get_or_make(&mut self, key: &K, make: impl FnOnce() -> V) -> V {
        let entry = match self.entries.iter().position(|(kept, _)| kept == key) {
            Some(at) => self.entries.remove(at),
            None => {
                if self.entries.len() == N {
                    self.entries.remove(0);
                }
                (key.clone(), make())
            }
        };
        let value = entry.1.clone();
        self.entries.push(entry);
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_gives_way() {
        let mut kept = Kept::<u32, u32, 2>::new();
        let made = std::cell::Cell::new(0);
        let mut get = |key| {
            kept.get_or_make(&key, || {
                made.set(made.get() + 1);
                key * 10
            })
        };
        assert_eq!(get(1), 10);
        assert_eq!(get(2), 20);
        assert_eq!(get(1), 10, "kept");
        assert_eq!(made.get(), 2);
        assert_eq!(get(3), 30, "2 gives way: 1 was used since");
        assert_eq!(get(1), 10);
        assert_eq!(made.get(), 3);
        assert_eq!(get(2), 20, "made again");
        assert_eq!(made.get(), 4);
    }
}
