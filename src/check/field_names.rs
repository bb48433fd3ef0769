//! Misspelt field names. Traverse ignores a key its structs do not name, so `"fromat"` is
//! dropped in silence and the parse then stops on the missing `format`, at the object's closing
//! brace. Here every object of a manifest is compared with the fields Traverse's struct for it
//! has, and an unknown key close to a field the object lacks is named, with the rename as its
//! quick fix. The lists are written out (reading them from the structs' `Deserialize` at run
//! time would put a second copy of each in the page); a test holds them to the structs.

use serde_json::Value;

use crate::check::diagnostic::{Diagnostic, Edit, Location};

/// The most edits (strsim's Damerau–Levenshtein: a swap of two letters is one) between a key
/// and the field it is taken for: `fromat` is one from `format`, `binray` one from `binary`.
const MAX_EDITS: usize = 2;

/// A key taken for a field of Traverse's struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misspelt {
    /// The object's JSON path (`$`, `$.binary`, `$.model_dependencies[0]`).
    pub object: String,
    pub key: String,
    pub field: &'static str,
}

impl Misspelt {
    /// The key's own path.
    pub fn path(&self) -> String {
        format!("{}.{}", self.object, self.key)
    }
}

/// The fields of the manifest's structs, as their `Deserialize` names them.
const MANIFEST: &[&str] = &[
    "kind",
    "schema_version",
    "package_id",
    "version",
    "summary",
    "capability_ref",
    "known_compositions",
    "workflow_refs",
    "source",
    "binary",
    "constraints",
    "model_dependencies",
];
const CAPABILITY_REF: &[&str] = &["id", "version", "contract_path"];
const SOURCE: &[&str] = &["path", "language", "entry"];
const BINARY: &[&str] = &["path", "format", "expected_digest", "abi_version"];
const CONSTRAINTS: &[&str] = &["host_api_access", "network_access", "filesystem_access"];
const WORKFLOW_REF: &[&str] = &["workflow_id", "workflow_version"];
const MODEL_DEPENDENCY: &[&str] = &["interface", "purpose"];

/// The unknown keys of `manifest`'s objects that stand for a field the object lacks, in the
/// order of the file's objects.
pub fn misspelt_in_manifest(manifest: &Value) -> Vec<Misspelt> {
    let mut found = Vec::new();
    check_object(manifest, "$", MANIFEST, &mut found);
    let nested = [
        ("capability_ref", CAPABILITY_REF),
        ("source", SOURCE),
        ("binary", BINARY),
        ("constraints", CONSTRAINTS),
    ];
    for (name, fields) in nested {
        if let Some(object) = manifest.get(name) {
            check_object(object, &format!("$.{name}"), fields, &mut found);
        }
    }
    let lists = [
        ("known_compositions", WORKFLOW_REF),
        ("workflow_refs", WORKFLOW_REF),
        ("model_dependencies", MODEL_DEPENDENCY),
    ];
    for (name, fields) in lists {
        for (index, item) in manifest.get(name).and_then(Value::as_array).into_iter().flatten().enumerate() {
            check_object(item, &format!("$.{name}[{index}]"), fields, &mut found);
        }
    }
    found
}

/// Each as a warning naming the field, with the rename as its fix.
pub fn diagnostics(manifest_path: &str, misspelt: &[Misspelt]) -> Vec<Diagnostic> {
    misspelt
        .iter()
        .map(|found| {
            Diagnostic::warning(
                "manifest.misspelt_field",
                Location::json(manifest_path, found.path()),
                format!(
                    "`{}`: did you mean `{}`? Traverse ignores a key it does not know",
                    found.key, found.field
                ),
            )
            .fixed_by(vec![Edit::rename(found.path(), found.field)])
        })
        .collect()
}

/// `manifest` with each misspelt key renamed to its field: what the author meant, for the
/// checks to go on with.
pub fn corrected(manifest: &Value, misspelt: &[Misspelt]) -> Value {
    let mut corrected = manifest.clone();
    for Misspelt { object, key, field } in misspelt {
        let pointer = object.trim_start_matches('$').replace(['.', '['], "/").replace(']', "");
        if let Some(Value::Object(members)) = corrected.pointer_mut(&pointer)
            && let Some(value) = members.remove(key.as_str())
        {
            members.insert((*field).to_owned(), value);
        }
    }
    corrected
}

fn check_object(object: &Value, path: &str, fields: &'static [&'static str], found: &mut Vec<Misspelt>) {
    let Some(members) = object.as_object() else { return };
    for key in members.keys().filter(|key| !fields.contains(&key.as_str())) {
        let closest = fields
            .iter()
            .filter(|field| !members.contains_key(**field))
            .map(|field| (strsim::damerau_levenshtein(key, field), *field))
            .filter(|(edits, _)| *edits <= MAX_EDITS && *edits < key.len())
            .min();
        if let Some((_, field)) = closest {
            found.push(Misspelt { object: path.to_owned(), key: key.clone(), field });
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::{
        Deserialize,
        de::{self, Visitor},
    };

    use super::*;
    use crate::check::manifest::{
        CapabilityPackageReference, Manifest, PackageBinaryReference, PackageConstraintDeclaration,
        PackageModelDependency, PackageSourceReference, PackageWorkflowReference,
    };

    /// The lists are the fields of Traverse's structs, as their `Deserialize` names them: a
    /// field added to a struct and not to its list fails here.
    #[test]
    fn the_lists_are_the_structs_own_fields() {
        assert_eq!(fields_of::<Manifest>(), MANIFEST);
        assert_eq!(fields_of::<CapabilityPackageReference>(), CAPABILITY_REF);
        assert_eq!(fields_of::<PackageSourceReference>(), SOURCE);
        assert_eq!(fields_of::<PackageBinaryReference>(), BINARY);
        assert_eq!(fields_of::<PackageConstraintDeclaration>(), CONSTRAINTS);
        assert_eq!(fields_of::<PackageWorkflowReference>(), WORKFLOW_REF);
        assert_eq!(fields_of::<PackageModelDependency>(), MODEL_DEPENDENCY);
    }

    /// The fields `T`'s derived `Deserialize` names: it is asked to read a struct from a
    /// deserializer that only takes note of the names.
    fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
        let mut names: &'static [&'static str] = &[];
        let _ = T::deserialize(FieldNames(&mut names));
        names
    }

    struct FieldNames<'n>(&'n mut &'static [&'static str]);

    impl<'de> de::Deserializer<'de> for FieldNames<'_> {
        type Error = de::value::Error;

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("only the field names were asked for"))
        }

        fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("only a struct's field names can be asked for"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }

    #[test]
    fn a_key_close_to_a_missing_field_is_taken_for_it() {
        let manifest = serde_json::json!({
            "kind": "capability_package",
            "pakage_id": "a",
            "binary": {"path": "a.wasm", "fromat": "wasm", "expected_digest": "x", "abi_version": "1.0.0"},
            "model_dependencies": [{"interfase": "i", "purpose": "p"}],
            "x-extension": true,
            "summary": "s",
            "sumary": "a second summary is not a missing one"
        });
        let found = misspelt_in_manifest(&manifest);
        let named: Vec<_> = found.iter().map(|m| (m.path(), m.field)).collect();
        assert_eq!(
            named,
            [
                ("$.pakage_id".to_owned(), "package_id"),
                ("$.binary.fromat".to_owned(), "format"),
                ("$.model_dependencies[0].interfase".to_owned(), "interface"),
            ]
        );
        let corrected = corrected(&manifest, &found);
        assert_eq!(corrected["binary"]["format"], "wasm");
        assert_eq!(corrected["model_dependencies"][0]["interface"], "i");
        assert!(corrected["binary"].get("fromat").is_none());
    }
}
