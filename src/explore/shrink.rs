//! Smaller inputs to try in place of a failing one, as Hypothesis and proptest shrink: fewer
//! optional properties and array items, shorter and plainer strings, numbers nearer zero (or
//! the bound nearest it). Every candidate is still valid by the schema and strictly smaller, so
//! taking any failing candidate again and again ends.

use serde_json::{Value, json};

use super::generate::{integer_range, length_range, number_range, required};

/// Smaller variants of `value` under `schema`, the boldest first.
pub fn candidates(value: &Value, schema: &Value) -> Vec<Value> {
    let mut found = Vec::new();
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        // An earlier enum value is simpler.
        let at = values.iter().position(|candidate| candidate == value).unwrap_or(0);
        found.extend(values[..at].iter().cloned());
        return found;
    }
    match value {
        Value::Object(object) => {
            let properties = schema.get("properties");
            for key in object.keys().filter(|key| !required(schema, key)) {
                let mut smaller = object.clone();
                smaller.remove(key);
                found.push(Value::Object(smaller));
            }
            for (key, child) in object {
                let child_schema =
                    properties.and_then(|properties| properties.get(key)).unwrap_or(&Value::Null);
                for smaller_child in candidates(child, child_schema) {
                    let mut smaller = object.clone();
                    smaller.insert(key.clone(), smaller_child);
                    found.push(Value::Object(smaller));
                }
            }
        }
        Value::Array(items) => {
            let (low, _) = length_range(schema, "minItems", "maxItems");
            let low = low as usize;
            if items.len() > low {
                found.push(Value::Array(items[..low.max(items.len() / 2)].to_vec()));
                for index in 0..items.len() {
                    let mut smaller = items.clone();
                    smaller.remove(index);
                    found.push(Value::Array(smaller));
                }
            }
            let item_schema = schema.get("items").unwrap_or(&Value::Null);
            for (index, item) in items.iter().enumerate() {
                for smaller_item in candidates(item, item_schema) {
                    let mut smaller = items.clone();
                    smaller[index] = smaller_item;
                    found.push(Value::Array(smaller));
                }
            }
        }
        Value::String(text) => {
            let chars: Vec<char> = text.chars().collect();
            let (low, _) = length_range(schema, "minLength", "maxLength");
            let low = low as usize;
            if chars.len() > low {
                found.push(json!(chars[..low.max(chars.len() / 2)].iter().collect::<String>()));
                for index in 0..chars.len().min(32) {
                    let mut smaller = chars.clone();
                    smaller.remove(index);
                    found.push(json!(smaller.iter().collect::<String>()));
                }
            }
            // Each character that is not `a` becomes one, from the first.
            if let Some(index) = chars.iter().position(|c| *c != 'a') {
                let mut plainer = chars.clone();
                plainer[index] = 'a';
                found.push(json!(plainer.iter().collect::<String>()));
            }
        }
        Value::Number(number) => {
            if let Some(integer) = number.as_i64() {
                let (low, high) = integer_range(schema, i64::MAX);
                let target = 0_i64.clamp(low, high);
                for candidate in
                    [target, target + (integer - target) / 2, integer - (integer - target).signum()]
                {
                    if candidate != integer && (low..=high).contains(&candidate) {
                        found.push(json!(candidate));
                    }
                }
            } else if let Some(float) = number.as_f64() {
                let (low, high) = number_range(schema, f64::MAX);
                let target = 0.0_f64.clamp(low, high);
                for candidate in [target, float.trunc(), target + (float - target) / 2.0] {
                    let nearer = (candidate - target).abs() < (float - target).abs();
                    if nearer && (low..=high).contains(&candidate) {
                        found.push(json!(candidate));
                    }
                }
            }
        }
        Value::Bool(true) => found.push(json!(false)),
        Value::Bool(false) | Value::Null => {}
    }
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_valid_and_smaller() {
        let schema = json!({
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 2},
                "count": {"type": "integer", "minimum": 3},
                "items": {"type": "array", "minItems": 1, "items": {"type": "boolean"}}
            }
        });
        let value = json!({"name": "xyz", "count": 9, "items": [true, false]});
        let found = candidates(&value, &schema);
        assert_eq!(
            found[0],
            json!({"name": "xyz", "items": [true, false]}),
            "an optional property goes first"
        );
        assert!(
            found.contains(&json!({"name": "xyz", "count": 3, "items": [true, false]})),
            "to the bound nearest zero"
        );
        assert!(found.contains(&json!({"name": "xy", "count": 9, "items": [true, false]})));
        assert!(found.contains(&json!({"name": "ayz", "count": 9, "items": [true, false]})));
        assert!(found.contains(&json!({"name": "xyz", "count": 9, "items": [true]})));
        for candidate in &found {
            assert!(candidate["name"].as_str().unwrap().len() >= 2, "{candidate}");
            assert!(candidate.get("count").is_none_or(|count| count.as_i64().unwrap() >= 3), "{candidate}");
            assert!(
                candidate.get("items").is_none_or(|items| !items.as_array().unwrap().is_empty()),
                "{candidate}"
            );
        }
        assert_eq!(candidates(&json!({"name": "aa"}), &schema), Vec::<Value>::new(), "nothing is smaller");
    }
}
