//! The small part of JSON Schema that Traverse enforces on inputs and outputs (SPEC §5).
//!
//! Only `type` (when it is a string), `required`, `properties` and `items` are read; extra keys
//! are never rejected, and `enum`, `minimum`, `additionalProperties` and the rest are ignored.
//! Contracts rely on that leniency to return structured denials, so this must not be stricter.

use serde_json::Value;

/// One violation, with Traverse's path (`$.principal.id`, `$.items[2]`) and message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SchemaViolation {
    pub path: String,
    pub message: String,
}

/// Every violation of `schema` by `value`, in Traverse's order.
pub fn violations(value: &Value, schema: &Value) -> Vec<SchemaViolation> {
    let mut found = Vec::new();
    check(value, schema, "$", &mut found);
    found
}

fn check(value: &Value, schema: &Value, path: &str, found: &mut Vec<SchemaViolation>) {
    let mut violation = |path: &str, message: &str| {
        found.push(SchemaViolation { path: path.to_owned(), message: message.to_owned() });
    };
    let Some(schema) = schema.as_object() else {
        return violation(path, "schema must be an object");
    };
    let Some(kind) = schema.get("type").and_then(Value::as_str) else { return };
    match kind {
        "object" => {
            let Some(object) = value.as_object() else { return violation(path, "expected object") };
            for key in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                if let Some(key) = key.as_str().filter(|key| !object.contains_key(*key)) {
                    violation(&format!("{path}.{key}"), "required property is missing");
                }
            }
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                // serde_json's map iterates in key order, as Traverse's does.
                for (key, item) in object {
                    if let Some(property_schema) = properties.get(key) {
                        check(item, property_schema, &format!("{path}.{key}"), found);
                    }
                }
            }
        }
        "array" => {
            let Some(items) = value.as_array() else { return violation(path, "expected array") };
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check(item, item_schema, &format!("{path}[{i}]"), found);
                }
            }
        }
        "string" if !value.is_string() => violation(path, "expected string"),
        "number" if !value.is_number() => violation(path, "expected number"),
        "boolean" if !value.is_boolean() => violation(path, "expected boolean"),
        "null" if !value.is_null() => violation(path, "expected null"),
        "integer" if !(value.is_i64() || value.is_u64()) => violation(path, "expected integer"),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn paths(value: Value, schema: Value) -> Vec<(String, String)> {
        violations(&value, &schema).into_iter().map(|v| (v.path, v.message)).collect()
    }

    fn one(path: &str, message: &str) -> Vec<(String, String)> {
        vec![(path.to_owned(), message.to_owned())]
    }

    #[test]
    fn the_subset_rules_of_spec_section_5() {
        let object = json!({"type": "object", "required": ["name", "age"],
            "properties": {"name": {"type": "string"}, "age": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}}},
            "additionalProperties": false});
        assert_eq!(paths(json!({"name": "x", "age": 3, "extra": true}), object.clone()), []);
        assert_eq!(paths(json!({"age": 3}), object.clone()), one("$.name", "required property is missing"));
        assert_eq!(paths(json!({"name": 42, "age": 3}), object.clone()), one("$.name", "expected string"));
        assert_eq!(
            paths(json!({"name": "x", "age": 3, "tags": ["a", 1]}), object.clone()),
            one("$.tags[1]", "expected string")
        );
        assert_eq!(paths(json!(null), object.clone()), one("$", "expected object"));
        for not_integer in
            [json!(1.0), serde_json::from_str("1e2").unwrap(), serde_json::from_str("-0").unwrap()]
        {
            assert_eq!(
                paths(json!({"name": "x", "age": not_integer}), object.clone()),
                one("$.age", "expected integer")
            );
        }
        assert_eq!(paths(json!({"name": "x", "age": u64::MAX}), object), []);
    }

    #[test]
    fn what_traverse_leaves_unchecked_stays_unchecked() {
        // A non-string type checks nothing at that node, `required` included.
        assert_eq!(paths(json!({}), json!({"type": ["object", "null"], "required": ["a"]})), []);
        assert_eq!(paths(json!("z"), json!({"type": "string", "enum": ["a"], "minLength": 5})), []);
        assert_eq!(paths(json!(1), json!({"type": "uuid"})), []);
        assert_eq!(
            paths(json!({"x": 1}), json!({"type": "object", "properties": {"x": true}})),
            one("$.x", "schema must be an object")
        );
    }

    #[test]
    fn properties_are_checked_in_key_order() {
        let schema =
            json!({"type": "object", "properties": {"b": {"type": "string"}, "a": {"type": "string"}}});
        let found = paths(json!({"b": 1, "a": 2}), schema);
        assert_eq!(found.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(), ["$.a", "$.b"]);
    }
}
