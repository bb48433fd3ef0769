//! A contract's use cases as the run pane uses them: the one whose `input_example` is the
//! input being sent, and how a run's output differs from its `output_example`.
//!
//! Traverse's examples are illustrative, not golden (SPEC: many real outputs differ from them),
//! so a difference is information, never a failure.

use serde_json::Value;

use crate::check::contract::{Contract, UseCase};
use crate::sorted;

/// The first use case whose `input_example` equals `input`, with its index.
pub fn matching<'a>(contract: &'a Contract, input: &Value) -> Option<(usize, &'a UseCase)> {
    contract.use_cases.iter().enumerate().find(|(_, use_case)| use_case.input_example == *input)
}

/// One place where the output differs from the example.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// JSON path, `$.a[0].b`.
    pub path: String,
    /// `None` when the example has nothing there.
    pub expected: Option<Value>,
    /// `None` when the output has nothing there.
    pub actual: Option<Value>,
}

/// Every place where `actual` differs from `expected`, in key order.
pub fn differences(expected: &Value, actual: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    compare("$".to_owned(), Some(expected), Some(actual), &mut out);
    out
}

/// How a run's stdout differs from a use case's output example: `None` when stdout is not
/// JSON, so nothing can be compared.
pub fn stdout_differences(expected: &Value, stdout: &[u8]) -> Option<Vec<Difference>> {
    let actual: Value = serde_json::from_slice(stdout).ok()?;
    Some(differences(expected, &actual))
}

fn compare(path: String, expected: Option<&Value>, actual: Option<&Value>, out: &mut Vec<Difference>) {
    match (expected, actual) {
        (Some(Value::Object(e)), Some(Value::Object(a))) => {
            let mut keys: Vec<&String> = e.keys().chain(a.keys()).collect();
            sorted::sort(&mut keys);
            keys.dedup();
            for key in keys {
                compare(format!("{path}.{key}"), e.get(key), a.get(key), out);
            }
        }
        (Some(Value::Array(e)), Some(Value::Array(a))) => {
            for index in 0..e.len().max(a.len()) {
                compare(format!("{path}[{index}]"), e.get(index), a.get(index), out);
            }
        }
        (e, a) if e == a => {}
        (e, a) => out.push(Difference { path, expected: e.cloned(), actual: a.cloned() }),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn stdout_is_compared_when_it_is_json() {
        let example = json!({"ok": true});
        assert_eq!(stdout_differences(&example, br#"{"ok": true}"#), Some(vec![]));
        assert_eq!(stdout_differences(&example, br#"{"ok": false}"#).map(|d| d.len()), Some(1));
        assert_eq!(stdout_differences(&example, b"not json"), None);
    }

    #[test]
    fn differences_name_each_changed_missing_or_extra_place() {
        let expected = json!({"greeting": "Hello, Ada!", "items": [1, 2], "gone": true});
        let actual = json!({"greeting": "Hi, Ada!", "items": [1], "extra": null});
        let found = differences(&expected, &actual);
        let paths: Vec<_> = found.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["$.extra", "$.gone", "$.greeting", "$.items[1]"]);
        assert_eq!(
            found[0],
            Difference { path: "$.extra".into(), expected: None, actual: Some(Value::Null) }
        );
        assert_eq!(found[3].actual, None);
        assert!(differences(&expected, &expected).is_empty());
        assert_eq!(differences(&json!(1), &json!("1")).len(), 1);
    }
}
