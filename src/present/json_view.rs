//! A JSON file as coloured segments, with the value at a diagnostic's JSON path marked.
//!
//! The source spans come from `jsonc-parser`'s syntax tree; this module only follows a path
//! such as `$.nodes[2].node_id` through it. A path whose end is not in the file (a missing
//! field) marks the deepest value that is, so the user still sees where to look.

use jsonc_parser::{
    CollectOptions, ParseOptions,
    ast::{ObjectPropName, Value},
    common::Ranged,
    parse_to_ast,
};

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

/// `text` cut into coloured segments, the byte range `mark` marked. Text that does not parse
/// is one plain segment (the parse error is reported elsewhere).
pub fn segments(text: &str, mark: Option<(usize, usize)>) -> Vec<Segment> {
    let mut tokens = Vec::new();
    if let Some(value) = parse(text) {
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
    cuts.sort_unstable();
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

/// The byte range of the value at `path` (`$`, `.field`, `[index]`), or of its deepest
/// ancestor present in `text`; `None` when `text` is not JSON or the path is not `$…`.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    walk(text, path).map(|(range, _)| range)
}

/// The byte range of the value at exactly `path`, if `text` has one.
pub fn find(text: &str, path: &str) -> Option<(usize, usize)> {
    walk(text, path).filter(|&(_, exact)| exact).map(|(range, _)| range)
}

/// The range reached by following `path`, and whether all of it was followed.
fn walk(text: &str, path: &str) -> Option<((usize, usize), bool)> {
    let root = parse(text)?;
    let steps = steps(path)?;
    let mut current = &root;
    let mut followed = 0;
    for step in &steps {
        let next = match (current, step) {
            (Value::Object(object), Step::Field(name)) => {
                object.properties.iter().find(|prop| prop_name(&prop.name) == *name).map(|prop| &prop.value)
            }
            (Value::Array(array), Step::Index(index)) => array.elements.get(*index),
            _ => None,
        };
        match next {
            Some(next) => {
                current = next;
                followed += 1;
            }
            None => break,
        }
    }
    let range = current.range();
    Some(((range.start, range.end), followed == steps.len()))
}

enum Step<'a> {
    Field(&'a str),
    Index(usize),
}

fn steps(path: &str) -> Option<Vec<Step<'_>>> {
    let mut rest = path.strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            steps.push(Step::Field(&after[..end]));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let (index, tail) = after.split_once(']')?;
            steps.push(Step::Index(index.parse().ok()?));
            rest = tail;
        } else {
            return None;
        }
    }
    Some(steps)
}

fn parse(text: &str) -> Option<Value<'_>> {
    // serde_json refuses nesting deeper than 128 levels; the syntax tree is built recursively,
    // so hostile nesting must be refused before it is built.
    serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
    let options = ParseOptions { allow_comments: false, ..ParseOptions::default() };
    parse_to_ast(text, &CollectOptions::default(), &options).ok()?.value
}

fn prop_name<'a>(name: &'a ObjectPropName<'_>) -> &'a str {
    match name {
        ObjectPropName::String(string) => &string.value,
        ObjectPropName::Word(word) => word.value,
    }
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

    fn at(path: &str) -> Option<&'static str> {
        locate(TEXT, path).map(|(start, end)| &TEXT[start..end])
    }

    #[test]
    fn paths_find_their_values() {
        assert_eq!(at("$.binary.path"), Some(r#""a.wasm""#));
        assert_eq!(at("$.binary.size"), Some("12"));
        assert_eq!(at("$.nodes[1].id"), Some("true"));
        assert_eq!(at("$"), Some(TEXT));
    }

    #[test]
    fn a_missing_end_marks_the_deepest_value_present() {
        assert_eq!(at("$.binary.expected_digest"), Some(r#"{"path": "a.wasm", "size": 12}"#));
        assert_eq!(at("$.nodes[7].id"), at("$.nodes"));
        assert_eq!(at("binary"), None);
        assert_eq!(find(TEXT, "$.binary.expected_digest"), None);
        assert_eq!(find(TEXT, "$.binary.size"), locate(TEXT, "$.binary.size"));
        assert_eq!(locate("{ nope", "$"), None);
    }

    #[test]
    fn segments_colour_tokens_and_mark_the_range_without_losing_text() {
        let mark = locate(TEXT, "$.binary.path");
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
        assert_eq!(locate(&deep, "$"), None);
        assert_eq!(segments(&deep, None).len(), 1);
    }

    #[test]
    fn text_that_is_not_json_is_one_plain_segment() {
        let segments = segments("{ \"é\": ", Some((2, 100)));
        assert_eq!(segments.iter().map(|s| s.text.as_str()).collect::<String>(), "{ \"é\": ");
        assert!(segments.iter().all(|s| s.kind == TokenKind::Plain));
    }
}
