//! Where in a file's text a diagnostic points, as an editor needs it: line and column to show,
//! and the UTF-16 offsets a browser's text field selects by.

use crate::{check::diagnostic::Location, package::json_path};

/// A span of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 1-based, as editors count.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The span in UTF-16 code units, as `HTMLTextAreaElement.setSelectionRange` takes it.
    pub utf16_start: usize,
    pub utf16_end: usize,
}

/// The position of the byte range `start..end` of `text` (clamped to the text and to character
/// boundaries).
pub fn of_range(text: &str, start: usize, end: usize) -> Position {
    let boundary = |mut at: usize| {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let (start, end) = (boundary(start), boundary(end.max(start)));
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let utf16 = |slice: &str| slice.encode_utf16().count();
    let utf16_start = utf16(before);
    Position {
        line,
        column: text[line_start..start].chars().count() + 1,
        utf16_start,
        utf16_end: utf16_start + utf16(&text[start..end]),
    }
}

/// Where `location` points in `text`, the file's contents: a JSON value by its path (or the
/// deepest part of the path the file has); `None` for a whole file or an import.
pub fn of_location(text: &str, location: &Location) -> Option<Position> {
    match location {
        Location::Json { path, .. } => {
            json_path::locate(text, path).map(|(start, end)| of_range(text, start, end))
        }
        Location::File { .. } | Location::Import { .. } => None,
    }
}

/// Where JSON `text` stops parsing, with serde's message: the place to fix first.
pub fn json_error(text: &str) -> Option<(Position, String)> {
    let error = serde_json::from_str::<serde_json::Value>(text).err()?;
    // serde counts lines from 1 and columns in bytes from 1 (0 at a line's start).
    let line_start: usize =
        text.split_inclusive('\n').take(error.line().saturating_sub(1)).map(str::len).sum();
    let at = line_start + error.column().saturating_sub(1);
    Some((of_range(text, at, at), error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_characters_and_utf16_units() {
        let text = "{\n  \"naïve\": \"𝄞x\"\n}";
        let x = text.find('x').unwrap();
        assert_eq!(
            of_range(text, x, x + 1),
            Position { line: 2, column: 14, utf16_start: 16, utf16_end: 17 }
        );
        // Inside a character, the position is the character's start; past the end, the end.
        let clef = text.find('𝄞').unwrap();
        assert_eq!(of_range(text, clef + 1, clef + 2).utf16_start, 14);
        assert_eq!(of_range(text, 999, 999), Position { line: 3, column: 2, utf16_start: 20, utf16_end: 20 });
    }

    #[test]
    fn a_diagnostic_path_and_a_parse_error_have_places() {
        let text = "{\n  \"binary\": {\"format\": \"elf\"}\n}";
        let location = Location::json("m.json", "$.binary.format");
        let position = of_location(text, &location).unwrap();
        assert_eq!((position.line, position.column), (2, 24));
        assert_eq!(of_location(text, &Location::file("m.json")), None);

        let (position, message) = json_error("{\n  \"a\": 1,\n  oops\n}").unwrap();
        assert_eq!((position.line, position.column), (3, 3));
        assert_eq!(message, "key must be a string at line 3 column 3");
        assert_eq!(json_error(text), None);
    }
}
