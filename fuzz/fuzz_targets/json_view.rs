//! Any text in the file view: its first line a JSON path, the rest the file. The segments must
//! give back the text exactly, and a located range must lie on character boundaries inside it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use traverse_playground::{package::json_path, present::json_view};

fuzz_target!(|input: &str| {
    let (path, text) = input.split_once('\n').unwrap_or(("$", input));
    let mark = json_path::locate(text, path);
    if let Some((start, end)) = mark {
        assert!(start <= end && end <= text.len());
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
    }
    let joined: String = json_view::segments(text, mark).into_iter().map(|segment| segment.text).collect();
    assert_eq!(joined, text);
});
