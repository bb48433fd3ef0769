//! Inputs from a contract's input schema: boundary values first, then random ones from a seed.
//!
//! Every input satisfies what the schema says of types, required and optional properties,
//! `enum` and `const`, `minimum`/`maximum` (and their exclusive forms), `minLength`/`maxLength`
//! and `minItems`/`maxItems`: stricter than Traverse, which reads only `type`, `required`,
//! `properties` and `items`, so an input found here is valid for Traverse too. `pattern` and
//! `format` are ignored, as Traverse ignores them. A schema that chooses between schemas
//! (`oneOf`, `anyOf`, `allOf`, `not`, `if`) or refers to one (`$ref`) is not generated from.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use serde_json::{Map, Value, json};

use crate::sorted;

/// Keywords whose meaning this generator does not follow: a schema holding one is refused.
const UNSUPPORTED: [&str; 6] = ["oneOf", "anyOf", "allOf", "not", "if", "$ref"];
/// Strings are drawn from these characters: plain, spaces, escapes, two- and four-byte UTF-8.
const ALPHABET: [char; 14] = ['a', 'b', 'z', 'A', 'Z', '0', '9', ' ', '-', '_', '"', '\\', 'é', '😀'];
/// The longest string or array drawn when the schema sets no maximum.
const UNBOUNDED_LENGTH: u64 = 24;
/// The boundary inputs tried before random ones, at most.
const MAX_BOUNDARIES: usize = 256;

/// Where in the schema generation stops, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// A JSON pointer into the input schema (`/properties/amount`).
    pub path: String,
    pub reason: String,
}

/// "the input schema at /properties/amount: …", as the command line and the page say it.
impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the input schema at {}: {}", self.path, self.reason)
    }
}

/// The inputs of one exploration, in order: the same schema and seed give the same inputs.
pub struct Generator {
    schema: Value,
    rng: ChaCha8Rng,
    boundaries: std::vec::IntoIter<Value>,
}

impl Generator {
    pub fn new(schema: &Value, seed: u64) -> Result<Self, Unsupported> {
        supported(schema, "")?;
        let boundaries = boundaries(schema);
        Ok(Self {
            schema: schema.clone(),
            rng: ChaCha8Rng::seed_from_u64(seed),
            boundaries: boundaries.into_iter(),
        })
    }

    /// The next input: a boundary while any is left, then random ones that grow with `index`.
    pub fn next(&mut self, index: usize) -> Value {
        if let Some(boundary) = self.boundaries.next() {
            return boundary;
        }
        let size = 1 + (index as u64 / 8).min(UNBOUNDED_LENGTH);
        random(&self.schema, &mut self.rng, size)
    }
}

fn supported(schema: &Value, path: &str) -> Result<(), Unsupported> {
    let Some(object) = schema.as_object() else { return Ok(()) };
    if let Some(keyword) = UNSUPPORTED.iter().find(|keyword| object.contains_key(**keyword)) {
        return Err(Unsupported {
            path: if path.is_empty() { "/".to_owned() } else { path.to_owned() },
            reason: format!(
                "`{keyword}` chooses or refers to other schemas, which Explore does not generate from"
            ),
        });
    }
    // An exclusive bound moves by one for integers, by a hair for other numbers.
    let step = if types(schema) == ["integer"] { 1.0 } else { 1e-9 };
    let (low, high) = (
        bound(object, "minimum", "exclusiveMinimum", step),
        bound(object, "maximum", "exclusiveMaximum", -step),
    );
    if let (Some(low), Some(high)) = (low, high)
        && low > high
    {
        return Err(Unsupported {
            path: path.to_owned(),
            reason: "no number lies within its bounds".to_owned(),
        });
    }
    for (key, child) in object.get("properties").and_then(Value::as_object).into_iter().flatten() {
        supported(child, &format!("{path}/properties/{}", key.replace('~', "~0").replace('/', "~1")))?;
    }
    if let Some(items) = object.get("items") {
        supported(items, &format!("{path}/items"))?;
    }
    Ok(())
}

/// The types a schema allows: its `type` (a name or a list), or what its other keywords imply.
fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(name)) => vec![name.as_str()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ if schema.get("properties").is_some() => vec!["object"],
        _ if schema.get("items").is_some() => vec!["array"],
        _ => vec!["null", "boolean", "integer", "string"],
    }
}

/// `minimum` (or `exclusiveMinimum` moved by `step`) as a number, when set.
fn bound(object: &Map<String, Value>, inclusive: &str, exclusive: &str, step: f64) -> Option<f64> {
    let inclusive = object.get(inclusive).and_then(Value::as_f64);
    let exclusive = object.get(exclusive).and_then(Value::as_f64).map(|bound| bound + step);
    match (inclusive, exclusive) {
        (Some(a), Some(b)) if step > 0.0 => Some(a.max(b)),
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The inclusive integer range a schema allows, unbounded ends given by `unbounded`.
pub(crate) fn integer_range(schema: &Value, unbounded: i64) -> (i64, i64) {
    let object = schema.as_object().cloned().unwrap_or_default();
    let low = bound(&object, "minimum", "exclusiveMinimum", 1.0).map_or(-unbounded, |low| low.ceil() as i64);
    let high =
        bound(&object, "maximum", "exclusiveMaximum", -1.0).map_or(unbounded, |high| high.floor() as i64);
    (low, high.max(low))
}

/// The number range a schema allows (exclusive bounds moved inward by a little).
pub(crate) fn number_range(schema: &Value, unbounded: f64) -> (f64, f64) {
    let object = schema.as_object().cloned().unwrap_or_default();
    let low = bound(&object, "minimum", "exclusiveMinimum", 1e-9).unwrap_or(-unbounded);
    let high = bound(&object, "maximum", "exclusiveMaximum", -1e-9).unwrap_or(unbounded);
    (low, high.max(low))
}

/// The inclusive length range of a string or array.
pub(crate) fn length_range(schema: &Value, min: &str, max: &str) -> (u64, u64) {
    let low = schema.get(min).and_then(Value::as_u64).unwrap_or(0);
    let high = schema.get(max).and_then(Value::as_u64).unwrap_or(low + UNBOUNDED_LENGTH);
    (low, high.max(low))
}

/// Whether `key` must be present in an object of `schema`.
pub(crate) fn required(schema: &Value, key: &str) -> bool {
    schema.get("required").and_then(Value::as_array).is_some_and(|names| names.iter().any(|name| name == key))
}

/// The smallest value of a schema: required properties only, shortest, nearest zero.
pub fn minimal(schema: &Value) -> Value {
    if let Some(value) = schema.get("const") {
        return value.clone();
    }
    if let Some(first) = schema.get("enum").and_then(Value::as_array).and_then(|values| values.first()) {
        return first.clone();
    }
    match types(schema)[0] {
        "object" => sorted::object(
            properties(schema)
                .filter(|(key, _)| required(schema, key))
                .map(|(key, child)| (key.clone(), minimal(child))),
        ),
        "array" => {
            let (low, _) = length_range(schema, "minItems", "maxItems");
            let item = schema.get("items").map_or(Value::Null, minimal);
            Value::Array(vec![item; low as usize])
        }
        "string" => Value::String("a".repeat(length_range(schema, "minLength", "maxLength").0 as usize)),
        "integer" => {
            let (low, high) = integer_range(schema, i64::MAX);
            json!(0_i64.clamp(low, high))
        }
        "number" => {
            let (low, high) = number_range(schema, f64::MAX);
            if low > 0.0 || high < 0.0 { json!(low) } else { json!(0) }
        }
        "boolean" => json!(false),
        _ => Value::Null,
    }
}

fn properties(schema: &Value) -> impl Iterator<Item = (&String, &Value)> {
    schema.get("properties").and_then(Value::as_object).into_iter().flatten()
}

/// The value with every optional property present, each at its minimal value.
fn full(schema: &Value) -> Value {
    match schema.get("properties").and_then(Value::as_object) {
        Some(properties) if types(schema)[0] == "object" && schema.get("enum").is_none() => {
            sorted::object(properties.iter().map(|(key, child)| (key.clone(), full(child))))
        }
        _ => minimal(schema),
    }
}

/// The edges of one value: each enum value, the ends of each range and length.
fn edges(schema: &Value) -> Vec<Value> {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values.clone();
    }
    let mut found = Vec::new();
    for kind in types(schema) {
        match kind {
            "string" => {
                let (low, high) = length_range(schema, "minLength", "maxLength");
                found.push(json!("a".repeat(low as usize)));
                found.push(json!(
                    "é😀\"\\".chars().cycle().take(high.min(64).max(low) as usize).collect::<String>()
                ));
            }
            "integer" => {
                let (low, high) = integer_range(schema, i64::MAX);
                for value in [low, high, 0, -1, 1] {
                    found.push(json!(value.clamp(low, high)));
                }
            }
            "number" => {
                let (low, high) = number_range(schema, 1e300);
                for value in [low, high, 0.0, -0.5, 0.1] {
                    found.push(json!(value.clamp(low, high)));
                }
            }
            "boolean" => found.extend([json!(true), json!(false)]),
            "null" => found.push(Value::Null),
            "array" => {
                let (low, high) = length_range(schema, "minItems", "maxItems");
                let item = schema.get("items").map_or(Value::Null, full);
                found.push(Value::Array(vec![item.clone(); low as usize]));
                found.push(Value::Array(vec![item; high.min(16).max(low) as usize]));
            }
            _ => {}
        }
    }
    found.dedup();
    found
}

/// The minimal input, then the full one, then the full one with each leaf at each of its edges,
/// then with each pair of leaves at each pair of their edges (a bug that needs two fields at
/// once, as pairwise testing finds), as far as [`MAX_BOUNDARIES`] allows.
fn boundaries(schema: &Value) -> Vec<Value> {
    let base = full(schema);
    let mut found = vec![minimal(schema), base.clone()];
    let mut leaves = Vec::new();
    collect_leaves(schema, &mut Vec::new(), &mut leaves);
    let leaves: Vec<(Vec<String>, Vec<Value>)> =
        leaves.into_iter().map(|(path, leaf)| (path, edges(leaf))).collect();
    let with = |value: &mut Value, path: &[String], edge: &Value| {
        if let Some(slot) = path.iter().try_fold(value, |value, key| value.get_mut(key.as_str())) {
            *slot = edge.clone();
        }
    };
    for (path, edges) in &leaves {
        for edge in edges {
            let mut value = base.clone();
            with(&mut value, path, edge);
            found.push(value);
        }
    }
    for (index, (first_path, first_edges)) in leaves.iter().enumerate() {
        for (second_path, second_edges) in &leaves[index + 1..] {
            for (first, second) in first_edges.iter().flat_map(|a| second_edges.iter().map(move |b| (a, b))) {
                let mut value = base.clone();
                with(&mut value, first_path, first);
                with(&mut value, second_path, second);
                found.push(value);
            }
        }
        if found.len() > 4 * MAX_BOUNDARIES {
            break;
        }
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|value| seen.insert(value.to_string()));
    found.truncate(MAX_BOUNDARIES);
    found
}

fn collect_leaves<'a>(schema: &'a Value, path: &mut Vec<String>, leaves: &mut Vec<(Vec<String>, &'a Value)>) {
    match schema.get("properties").and_then(Value::as_object) {
        Some(properties) if schema.get("enum").is_none() => {
            for (key, child) in properties {
                path.push(key.clone());
                collect_leaves(child, path, leaves);
                path.pop();
            }
        }
        _ => leaves.push((path.clone(), schema)),
    }
}

/// A random value of the schema, its strings, arrays and numbers growing with `size`.
fn random(schema: &Value, rng: &mut ChaCha8Rng, size: u64) -> Value {
    let below = |rng: &mut ChaCha8Rng, n: u64| if n == 0 { 0 } else { rng.next_u64() % n };
    if let Some(value) = schema.get("const") {
        return value.clone();
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array).filter(|values| !values.is_empty()) {
        return values[below(rng, values.len() as u64) as usize].clone();
    }
    let kinds = types(schema);
    match kinds[below(rng, kinds.len() as u64) as usize] {
        "object" => {
            let mut object = Map::new();
            for (key, child) in properties(schema) {
                if required(schema, key) || rng.next_u32().is_multiple_of(2) {
                    object.insert(key.clone(), random(child, rng, size));
                }
            }
            Value::Object(object)
        }
        "array" => {
            let (low, high) = length_range(schema, "minItems", "maxItems");
            let len = low + below(rng, high.min(low + size) - low + 1);
            let items = schema.get("items").cloned().unwrap_or(Value::Null);
            Value::Array((0..len).map(|_| random(&items, rng, size / 2 + 1)).collect())
        }
        "string" => {
            let (low, high) = length_range(schema, "minLength", "maxLength");
            let len = low + below(rng, high.min(low + 2 * size) - low + 1);
            json!((0..len).map(|_| ALPHABET[below(rng, ALPHABET.len() as u64) as usize]).collect::<String>())
        }
        "integer" => {
            let reach = size.saturating_pow(3) as i64;
            let (low, high) = integer_range(schema, i64::MAX);
            // Mostly near zero, sometimes at an end.
            let value = match below(rng, 10) {
                0 => low,
                1 => high,
                _ => (below(rng, 2 * reach as u64 + 1) as i64 - reach).clamp(low, high),
            };
            json!(value)
        }
        "number" => {
            let (low, high) = number_range(schema, (size * size) as f64);
            let fraction = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            let value = low + (high - low) * fraction;
            json!(if below(rng, 3) == 0 { value.trunc().clamp(low, high) } else { value })
        }
        "boolean" => json!(rng.next_u32().is_multiple_of(2)),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::schema_subset::violations;

    fn schema() -> Value {
        json!({
            "type": "object",
            "required": ["name", "count"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 8},
                "count": {"type": "integer", "minimum": 0, "maximum": 100},
                "mode": {"type": "string", "enum": ["fast", "slow"]},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
                "ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1}
            }
        })
    }

    /// What the generator promises beyond Traverse's subset, checked on each input.
    fn within_bounds(value: &Value) -> bool {
        let name = value["name"].as_str().unwrap();
        let count = value["count"].as_i64().unwrap();
        (1..=8).contains(&name.chars().count())
            && (0..=100).contains(&count)
            && value.get("mode").is_none_or(|mode| mode == "fast" || mode == "slow")
            && value.get("tags").is_none_or(|tags| tags.as_array().unwrap().len() <= 3)
            && value.get("ratio").is_none_or(|ratio| ratio.as_f64().is_some_and(|r| r > 0.0 && r <= 1.0))
    }

    #[test]
    fn every_input_is_valid_and_the_seed_decides_them() {
        let inputs = |seed| {
            let mut generator = Generator::new(&schema(), seed).unwrap();
            (0..500).map(|index| generator.next(index)).collect::<Vec<_>>()
        };
        let first = inputs(7);
        for input in &first {
            assert_eq!(violations(input, &schema()), [], "{input}");
            assert!(within_bounds(input), "{input}");
        }
        assert_eq!(first, inputs(7), "the same seed gives the same inputs");
        assert_ne!(first, inputs(8), "another seed gives others");
        // The boundaries come first: the smallest input, then every edge of every field.
        assert_eq!(first[0], json!({"name": "a", "count": 0}));
        for edge in [json!(100), json!(0)] {
            assert!(
                first.iter().take(40).any(|input| input["count"] == edge),
                "count {edge} among the boundaries"
            );
        }
        assert!(first.iter().take(40).any(|input| input["mode"] == "slow"));
        assert!(first.iter().take(40).any(|input| input["name"].as_str().unwrap().chars().count() == 8));
        let distinct: std::collections::HashSet<String> = first.iter().map(Value::to_string).collect();
        assert!(distinct.len() > 300, "{} distinct inputs of 500", distinct.len());
    }

    #[test]
    fn a_schema_it_cannot_generate_from_is_named_by_its_path() {
        let schema = json!({"type": "object", "properties": {"payment": {"oneOf": [{"type": "string"}]}}});
        let error = Generator::new(&schema, 1).err().unwrap();
        assert_eq!(error.path, "/properties/payment");
        assert!(error.reason.starts_with("`oneOf` chooses"), "{}", error.reason);
        let empty = json!({"type": "integer", "minimum": 5, "maximum": 1});
        assert_eq!(Generator::new(&empty, 1).err().unwrap().reason, "no number lies within its bounds");
        let no_integer = json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 1});
        assert!(Generator::new(&no_integer, 1).is_err());
        // A number has room where an integer has none.
        let narrow = json!({"type": "number", "exclusiveMinimum": 0, "maximum": 0.5});
        let mut generator = Generator::new(&narrow, 1).unwrap();
        for index in 0..50 {
            let value = generator.next(index).as_f64().unwrap();
            assert!(value > 0.0 && value <= 0.5, "{value}");
        }
    }
}
