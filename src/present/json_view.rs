//! A JSON file as coloured segments, with a byte range (the value at a diagnostic's JSON path,
//! [`json_path::locate`]) marked.

use jsonc_parser::{ast::Value, common::Ranged};

use crate::package::json_path;
use crate::sorted;

/// How a segment is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Key,
    String,
    Number,
    Literal,
    /// Brackets, commas, colons and whitespace.
    Plain,
}

/// A run of the text with one colour, marked or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub kind: TokenKind,
    pub marked: bool,
}

/// `bytes` indented, when they are one JSON value: how the page shows a module's stdout.
pub fn indented(bytes: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    serde_json::to_string_pretty(&value).ok()
}

/// `text` cut into coloured segments, the byte range `mark` marked. Text that does not parse
/// is one plain segment (the parse error is reported elsewhere).
pub fn segments(text: &str, mark: Option<(usize, usize)>) -> Vec<Segment> {
    let mut tokens = Vec::new();
    if let Some(value) = json_path::parse(text) {
        collect_tokens(&value, &mut tokens);
    }
    // Every boundary of a token or of the mark, so each piece has one colour and one marking.
    let mut cuts = vec![0, text.len()];
    for &(start, end, _) in &tokens {
        cuts.extend([start, end]);
    }
    if let Some((start, end)) = mark {
        cuts.extend([start.min(text.len()), end.min(text.len())]);
    }
    cuts.retain(|&cut| text.is_char_boundary(cut));
    sorted::sort(&mut cuts);
    cuts.dedup();
    // Tokens come in document order and never overlap, so one forward walk finds each colour.
    let mut next_token = 0;
    let mut out: Vec<Segment> = Vec::new();
    for pair in cuts.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        while tokens.get(next_token).is_some_and(|&(_, e, _)| e <= start) {
            next_token += 1;
        }
        let kind = tokens
            .get(next_token)
            .filter(|&&(s, e, _)| s <= start && end <= e)
            .map_or(TokenKind::Plain, |&(_, _, kind)| kind);
        let marked = mark.is_some_and(|(s, e)| s <= start && end <= e);
        match out.last_mut() {
            Some(last) if last.kind == kind && last.marked == marked => last.text.push_str(&text[start..end]),
            _ => out.push(Segment { text: text[start..end].to_owned(), kind, marked }),
        }
    }
    out
}

fn collect_tokens(value: &Value<'_>, out: &mut Vec<(usize, usize, TokenKind)>) {
    let range = value.range();
    match value {
        Value::Object(object) => {
            for prop in &object.properties {
                let name = prop.name.range();
                out.push((name.start, name.end, TokenKind::Key));
                collect_tokens(&prop.value, out);
            }
        }
        Value::Array(array) => array.elements.iter().for_each(|element| collect_tokens(element, out)),
        Value::StringLit(_) => out.push((range.start, range.end, TokenKind::String)),
        Value::NumberLit(_) => out.push((range.start, range.end, TokenKind::Number)),
        Value::BooleanLit(_) | Value::NullKeyword(_) => {
            out.push((range.start, range.end, TokenKind::Literal))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"{"binary": {"path": "a.wasm", "size": 12}, "nodes": [{"id": "x"}, {"id": true}]}"#;

    #[test]
    fn segments_colour_tokens_and_mark_the_range_without_losing_text() {
        let mark = json_path::locate(TEXT, "$.binary.path");
        let segments = segments(TEXT, mark);
        assert_eq!(segments.iter().map(|s| s.text.as_str()).collect::<String>(), TEXT);
        let marked: Vec<_> = segments.iter().filter(|s| s.marked).collect();
        assert_eq!(marked.len(), 1);
        assert_eq!((marked[0].text.as_str(), marked[0].kind), (r#""a.wasm""#, TokenKind::String));
        let kind_of = |text: &str| segments.iter().find(|s| s.text == text).map(|s| s.kind);
        assert_eq!(kind_of(r#""binary""#), Some(TokenKind::Key));
        assert_eq!(kind_of("12"), Some(TokenKind::Number));
        assert_eq!(kind_of("true"), Some(TokenKind::Literal));
    }

    #[test]
    fn hostile_nesting_is_plain_text_not_a_stack_overflow() {
        let deep = "[".repeat(200_000);
        assert_eq!(segments(&deep, None).len(), 1);
    }

    #[test]
    fn text_that_is_not_json_is_one_plain_segment() {
        let segments = segments("{ \"é\": ", Some((2, 100)));
        assert_eq!(segments.iter().map(|s| s.text.as_str()).collect::<String>(), "{ \"é\": ");
        assert!(segments.iter().all(|s| s.kind == TokenKind::Plain));
    }
}
