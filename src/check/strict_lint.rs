//! A strict, advisory lint of request inputs with a full JSON Schema validator: `enum`,
//! `additionalProperties`, `minimum`, `pattern`, formats and the rest that Traverse ignores.
//!
//! Stricter than Traverse on purpose, and only advisory: it runs when Traverse's own subset
//! (`schema_subset`) accepts the input, so every finding reads "Traverse runs this, but the
//! schema says otherwise". It never changes a verdict. Contracts sometimes rely on Traverse's
//! leniency to return structured denials, so a finding is not necessarily a mistake.

use std::{cell::RefCell, rc::Rc};

use serde_json::Value;

use crate::check::diagnostic::{Diagnostic, Location};

/// A contract's input schema, compiled once for all of a package's requests.
pub struct StrictLint {
    validator: Rc<Compiled>,
}

/// A compiled schema, or why it is not valid JSON Schema.
type Compiled = Result<jsonschema::Validator, String>;

/// How many compiled schemas are kept for the next checks.
const KEPT_SCHEMAS: usize = 8;

impl StrictLint {
    /// The schema compiled, or kept from an earlier check of the same schema. Compiling is most
    /// of a package's check in the page: in WebAssembly `jsonschema` compiles its meta-schema
    /// anew for every schema it compiles (natively it keeps one), and has no option to skip
    /// that. A re-check after an edit elsewhere, or of the same package again, reuses it.
    pub fn new(schema: &Value) -> Self {
        thread_local! {
            static KEPT: RefCell<Vec<(Value, Rc<Compiled>)>> =
                const { RefCell::new(Vec::new()) };
        }
        let validator = KEPT.with_borrow_mut(|kept| {
            if let Some(at) = kept.iter().position(|(kept, _)| kept == schema) {
                let entry = kept.remove(at);
                let validator = Rc::clone(&entry.1);
                kept.push(entry);
                return validator;
            }
            let validator = Rc::new(
                jsonschema::options()
                    .should_validate_formats(true)
                    .build(schema)
                    .map_err(|error| error.to_string()),
            );
            if kept.len() == KEPT_SCHEMAS {
                kept.remove(0);
            }
            kept.push((schema.clone(), Rc::clone(&validator)));
            validator
        });
        Self { validator }
    }

    /// Warnings for `input`; `file` is the request file.
    pub fn lint(&self, file: &str, input: &Value) -> Vec<Diagnostic> {
        let validator = match &*self.validator {
            Ok(validator) => validator,
            Err(error) => {
                return vec![Diagnostic::warning(
                    "request.strict_schema_unusable",
                    Location::json(file, "$.input"),
                    format!(
                        "the contract's input schema is not valid JSON Schema, so the strict lint is skipped: {error}"
                    ),
                )];
            }
        };
        validator
            .iter_errors(input)
            .map(|error| {
                Diagnostic::warning(
                    "request.strict_schema",
                    Location::json(file, json_path(error.instance_path().as_str())),
                    format!("stricter than Traverse, which accepts this input: {error}"),
                )
            })
            .collect()
    }
}

/// `/a/0/b~1c` as `$.input.a[0].b/c`.
fn json_path(pointer: &str) -> String {
    let mut path = "$.input".to_owned();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            path.push_str(&format!("[{segment}]"));
        } else {
            path.push('.');
            path.push_str(&segment);
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn findings(input: Value, schema: Value) -> Vec<String> {
        StrictLint::new(&schema).lint("r.json", &input).into_iter().map(|d| d.location.to_string()).collect()
    }

    #[test]
    fn reports_what_traverse_ignores_at_its_place() {
        let schema = json!({"type": "object", "additionalProperties": false,
            "properties": {"level": {"type": "string", "enum": ["low", "high"]}, "items": {"type": "array", "items": {"minimum": 0}}}});
        assert_eq!(findings(json!({"level": "low", "items": [1, 2]}), schema.clone()), Vec::<String>::new());
        assert_eq!(findings(json!({"level": "mid"}), schema.clone()), ["r.json $.input.level"]);
        assert_eq!(findings(json!({"items": [3, -1]}), schema.clone()), ["r.json $.input.items[1]"]);
        assert_eq!(findings(json!({"extra": 1}), schema), ["r.json $.input"]);
    }

    #[test]
    fn formats_are_checked() {
        let schema =
            json!({"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}});
        assert_eq!(findings(json!({"at": "2026-08-07T22:00:00Z"}), schema.clone()), Vec::<String>::new());
        assert_eq!(findings(json!({"at": "yesterday"}), schema), ["r.json $.input.at"]);
    }

    #[test]
    fn an_unusable_schema_is_said_once() {
        let found = StrictLint::new(&json!({"type": 12})).lint("r.json", &json!({}));
        assert_eq!(found.iter().map(|d| d.code).collect::<Vec<_>>(), ["request.strict_schema_unusable"]);
    }

    /// A schema compiled once is reused while it is among the last few compiled, and the
    /// oldest gives way.
    #[test]
    fn compiled_schemas_are_kept_for_the_next_checks() {
        let schema = |n: usize| json!({"type": "object", "properties": {"n": {"const": n}}});
        let first = StrictLint::new(&schema(0));
        assert!(Rc::ptr_eq(&first.validator, &StrictLint::new(&schema(0)).validator));
        for n in 1..KEPT_SCHEMAS {
            StrictLint::new(&schema(n));
        }
        assert!(
            Rc::ptr_eq(&first.validator, &StrictLint::new(&schema(0)).validator),
            "the latest use keeps it"
        );
        for n in KEPT_SCHEMAS..2 * KEPT_SCHEMAS {
            StrictLint::new(&schema(n));
        }
        assert!(!Rc::ptr_eq(&first.validator, &StrictLint::new(&schema(0)).validator));
        assert_eq!(findings(json!({"n": 0}), schema(0)), Vec::<String>::new());
        assert_eq!(findings(json!({"n": 1}), schema(0)), ["r.json $.input.n"]);
    }
}
