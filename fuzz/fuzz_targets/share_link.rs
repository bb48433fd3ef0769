//! Any text as a share-link fragment: decoding refuses or yields a state that encodes and
//! decodes back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use traverse_playground::present::share_link::{self, MAX_LINK_FRAGMENT_BYTES};

fuzz_target!(|text: &str| {
    let value = share_link::from_hash(text).unwrap_or(text);
    if let Ok(state) = share_link::decode(value, MAX_LINK_FRAGMENT_BYTES) {
        let again =
            share_link::decode(&share_link::encode(&state), usize::MAX).expect("our own encoding decodes");
        assert_eq!(again, state);
    }
});
