//! Any bytes dropped as a `.zip`: unpacked within the bounds, or refused with a message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use traverse_playground::package::{archive, workspace};

fuzz_target!(|data: &[u8]| {
    if let Ok(files) = archive::unpack(data) {
        let total: usize = files.iter().map(|(_, bytes)| bytes.len()).sum();
        assert!(total as u64 <= archive::MAX_UNPACKED_BYTES);
    }
    if let Ok(files) = workspace::unpacked("package.zip".to_owned(), data.to_vec()) {
        let _ = workspace::arrived(files);
    }
});
