//! Paths into a JSON file's text (`$.nodes[2].node_id`): the byte range of the value a path
//! names, and edits of values by path that leave every other byte as it was.
//!
//! The source spans come from `jsonc-parser`'s syntax tree. A path whose end is not in the file
//! (a missing field) [`locate`]s the deepest value that is, so the user still sees where to look.

use jsonc_parser::{
    CollectOptions, ParseOptions,
    ast::{ObjectPropName, Value},
    common::Ranged,
    parse_to_ast,
};
use serde::Serialize;

use crate::sorted;

/// The byte range of the value at `path` (`$`, `.field`, `[index]`), or of its deepest
/// ancestor present in `text`; `None` when `text` is not JSON or the path is not `$…`.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    walk(text, path).map(|found| found.value)
}

/// The byte range of the value at exactly `path`, if `text` has one.
pub fn find(text: &str, path: &str) -> Option<(usize, usize)> {
    find_part(text, path, Part::Value)
}

/// Which part of a property an edit replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Value,
    /// The property's name, quotes included.
    Key,
}

/// The byte range of the value, or of the property name, at exactly `path`.
pub fn find_part(text: &str, path: &str, part: Part) -> Option<(usize, usize)> {
    let found = walk(text, path).filter(|found| found.exact)?;
    match part {
        Part::Value => Some(found.value),
        Part::Key => found.key,
    }
}

/// What following a path reached.
struct Found {
    value: (usize, usize),
    /// The name of the property last followed, when the last step was a field.
    key: Option<(usize, usize)>,
    /// Whether all of the path was followed.
    exact: bool,
}

fn walk(text: &str, path: &str) -> Option<Found> {
    let root = parse(text)?;
    let steps = steps(path)?;
    let mut current = &root;
    let mut key = None;
    let mut followed = 0;
    for step in &steps {
        let next = match (current, step) {
            (Value::Object(object), Step::Field(name)) => {
                object.properties.iter().find(|prop| prop_name(&prop.name) == *name).map(|prop| {
                    let name = prop.name.range();
                    (&prop.value, Some((name.start, name.end)))
                })
            }
            (Value::Array(array), Step::Index(index)) => {
                array.elements.get(*index).map(|element| (element, None))
            }
            _ => None,
        };
        match next {
            Some((next, name)) => {
                current = next;
                key = name;
                followed += 1;
            }
            None => break,
        }
    }
    let range = current.range();
    Some(Found { value: (range.start, range.end), key, exact: followed == steps.len() })
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

/// The syntax tree of JSON `text`, or `None` when it is not JSON.
pub(crate) fn parse(text: &str) -> Option<Value<'_>> {
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

/// `text` with the value (or the property name) at each path replaced by its new JSON text,
/// every other byte as it was; `None` when a path names nothing in `text`.
pub fn apply(text: &str, edits: &[(&str, Part, &str)]) -> Option<String> {
    let mut edited = text.to_owned();
    for ((start, end), json) in places(text, edits)? {
        edited.replace_range(start..end, json);
    }
    Some(edited)
}

/// Where each edit goes in `text` (the value's range, or the property name's, as its part
/// says), from the last to the first, so that making them in this order leaves each range
/// where it was found; `None` when one is not found. [`apply`] makes them at once; the editor
/// types them, so that its undo takes them back.
pub fn places<'e>(text: &str, edits: &[(&str, Part, &'e str)]) -> Option<Vec<((usize, usize), &'e str)>> {
    let mut ranges = edits
        .iter()
        .map(|&(path, part, json)| find_part(text, path, part).map(|range| (range, json)))
        .collect::<Option<Vec<_>>>()?;
    sorted::sort_by_key(&mut ranges, |&((start, _), _)| std::cmp::Reverse(start));
    Some(ranges)
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
    fn edits_replace_values_and_nothing_else() {
        let text = "{\n  \"binary\": { \"format\": \"elf\",  \"abi_version\": 2 },\n  \"x\": [1]\n}";
        let edits = [
            ("$.binary.abi_version", Part::Value, "\"1.0.0\""),
            ("$.binary.format", Part::Value, "\"wasm\""),
            ("$.x", Part::Key, "\"y\""),
        ];
        assert_eq!(
            apply(text, &edits).as_deref(),
            Some("{\n  \"binary\": { \"format\": \"wasm\",  \"abi_version\": \"1.0.0\" },\n  \"y\": [1]\n}")
        );
        assert_eq!(apply(text, &[("$.binary.missing", Part::Value, "1")]), None);
        assert_eq!(apply(text, &[("$.x[0]", Part::Key, "\"k\"")]), None, "an element has no name");
        assert_eq!(apply("{ nope", &[("$", Part::Value, "1")]), None);
    }

    #[test]
    fn hostile_nesting_finds_nothing_rather_than_overflowing() {
        assert_eq!(locate(&"[".repeat(200_000), "$"), None);
    }
}
