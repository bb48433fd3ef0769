//! The `capability_package` manifest: Traverse's model of it and its shape rules (SPEC §2).
//!
//! The structs mirror Traverse's own, field for field and in the same order, with the same
//! names, so serde_json reports a missing field, a wrong type or a bad value with exactly the
//! text Traverse prints. Unknown keys are ignored at every level, as in Traverse.

use serde::Deserialize;
use serde_json::Value;

use crate::{
    check::{
        diagnostic::{Diagnostic, Edit, Location, TraverseStop},
        field_names,
        host_abi::ABI_VERSION,
    },
    package::{json_path, resolve, template, workspace::MANIFEST_KIND},
};

/// A parsed `manifest.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename = "CapabilityPackageManifest")]
pub struct Manifest {
    pub kind: String,
    pub schema_version: String,
    pub package_id: String,
    pub version: String,
    pub summary: String,
    pub capability_ref: CapabilityPackageReference,
    #[serde(default)]
    pub known_compositions: Option<Vec<PackageWorkflowReference>>,
    #[serde(default)]
    pub workflow_refs: Option<Vec<PackageWorkflowReference>>,
    pub source: PackageSourceReference,
    pub binary: PackageBinaryReference,
    pub constraints: PackageConstraintDeclaration,
    #[serde(default)]
    pub model_dependencies: Vec<PackageModelDependency>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CapabilityPackageReference {
    pub id: String,
    pub version: String,
    pub contract_path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PackageWorkflowReference {
    pub workflow_id: String,
    pub workflow_version: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PackageSourceReference {
    pub path: String,
    pub language: String,
    pub entry: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PackageBinaryReference {
    pub path: String,
    pub format: String,
    pub expected_digest: String,
    pub abi_version: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PackageConstraintDeclaration {
    pub host_api_access: String,
    pub network_access: String,
    pub filesystem_access: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PackageModelDependency {
    pub interface: String,
    pub purpose: String,
}

pub const MANIFEST_SCHEMA_VERSION: &str = "1.0.0";

pub const BINARY_FORMAT: &str = "wasm";

impl Manifest {
    /// The compositions Traverse uses: `known_compositions` if present, else `workflow_refs`.
    pub fn compositions(&self) -> &[PackageWorkflowReference] {
        self.known_compositions.as_deref().or(self.workflow_refs.as_deref()).unwrap_or_default()
    }
}

/// Steps 1 and 2 of loading (SPEC §2.2): the bytes must be UTF-8 and parse as a manifest.
/// `manifest_path` is the path as the user gave it, which Traverse prints.
pub fn parse(manifest_path: &str, bytes: &[u8]) -> Result<Manifest, Box<Diagnostic>> {
    let location = || Location::file(manifest_path);
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Box::new(Diagnostic::error("manifest.read", location(), "the manifest is not valid UTF-8 text").stops(
            TraverseStop::load(format!(
                "failed to read capability package manifest {manifest_path}: stream did not contain valid UTF-8"
            )),
        ))
    })?;
    serde_json::from_str(text).map_err(|error| {
        let hint = if text.starts_with('\u{feff}') {
            "the manifest starts with a UTF-8 byte order mark, which Traverse's JSON parser rejects: save it without one"
        } else {
            "the manifest is not a valid capability_package document"
        };
        // A missing field serde finds only at the object's closing brace: when a misspelt key
        // stands for it, the problem is there.
        let missing = error.to_string().strip_prefix("missing field `").and_then(|rest| rest.split_once('`')).map(|(field, _)| field.to_owned());
        let misspelt = serde_json::from_str::<Value>(text).map(|value| field_names::misspelt_in_manifest(&value));
        let at = missing
            .zip(misspelt.ok())
            .and_then(|(field, misspelt)| misspelt.into_iter().find(|found| found.field == field))
            .map_or_else(location, |found| Location::json(manifest_path, found.path()));
        Box::new(Diagnostic::error("manifest.parse", at, format!("{hint}: {error}")).stops(TraverseStop::load(
            format!("failed to parse capability package manifest {manifest_path}: {error}"),
        )))
    })
}

/// The manifest its author meant, when it does not parse only because of misspelt field names
/// ([`field_names`]): the keys renamed to the fields they stand for.
pub fn as_meant(bytes: &[u8]) -> Option<Manifest> {
    let value: Value = serde_json::from_slice(bytes).ok()?;
    let misspelt = field_names::misspelt_in_manifest(&value);
    if misspelt.is_empty() {
        return None;
    }
    serde_json::from_value(field_names::corrected(&value, &misspelt)).ok()
}

/// A warning for each misspelt field name of the manifest, with its rename as the fix.
pub fn misspelt_fields(manifest_path: &str, bytes: &[u8]) -> Vec<Diagnostic> {
    let Ok(value) = serde_json::from_slice::<Value>(bytes) else { return Vec::new() };
    field_names::diagnostics(manifest_path, &field_names::misspelt_in_manifest(&value))
}

/// Step 3 of loading (SPEC §2.2, 3a–3k): the manifest's own fields, in Traverse's order.
/// Every problem is reported; Traverse stops at the first.
pub fn check_shape(manifest_path: &str, manifest: &Manifest) -> Vec<Diagnostic> {
    let at = |path: &str| Location::json(manifest_path, path);
    let blank = |value: &str| value.trim().is_empty();
    let mut found = Vec::new();
    let rule = |fails: bool, code: &'static str, path: &str, message: String, traverse: String| {
        fails.then(|| Diagnostic::error(code, at(path), message).stops(TraverseStop::load(traverse)))
    };
    // Where Traverse names the one value a field may have, that value is the fix.
    let required =
        |fails: bool, code: &'static str, path: &str, value: &str, message: String, traverse: String| {
            let fix = vec![Edit::set(path, &Value::from(value))];
            rule(fails, code, path, message, traverse).map(|found| found.fixed_by(fix))
        };

    found.extend(required(
        manifest.kind != MANIFEST_KIND,
        "manifest.kind",
        "$.kind",
        MANIFEST_KIND,
        format!("kind is {:?}; it must be \"{MANIFEST_KIND}\"", manifest.kind),
        format!("capability package manifest {manifest_path} must declare kind={MANIFEST_KIND}"),
    ));
    found.extend(required(
        manifest.schema_version != MANIFEST_SCHEMA_VERSION,
        "manifest.schema_version",
        "$.schema_version",
        MANIFEST_SCHEMA_VERSION,
        format!("schema_version is {:?}; it must be \"{MANIFEST_SCHEMA_VERSION}\"", manifest.schema_version),
        format!(
            "capability package manifest {manifest_path} must declare schema_version={MANIFEST_SCHEMA_VERSION}"
        ),
    ));
    found.extend(rule(
        blank(&manifest.package_id),
        "manifest.package_id",
        "$.package_id",
        "package_id is blank: name the package".into(),
        "capability package package_id must be non-empty".into(),
    ));
    found.extend(rule(
        blank(&manifest.version),
        "manifest.version",
        "$.version",
        "version is blank".into(),
        "capability package version must be non-empty".into(),
    ));
    let reference = &manifest.capability_ref;
    let blank_ref =
        [("$.capability_ref.id", &reference.id), ("$.capability_ref.version", &reference.version)]
            .into_iter()
            .find(|(_, value)| blank(value));
    found.extend(rule(
        blank_ref.is_some(),
        "manifest.capability_ref",
        blank_ref.map_or("$.capability_ref", |(path, _)| path),
        "capability_ref needs both an id and a version of the approved contract".into(),
        "capability package capability_ref must declare non-empty id and version".into(),
    ));
    found.extend(rule(
        blank(&reference.contract_path),
        "manifest.contract_path",
        "$.capability_ref.contract_path",
        "capability_ref.contract_path is blank: give the contract's path relative to the manifest".into(),
        "capability package capability_ref.contract_path must be non-empty".into(),
    ));
    let blank_source = [("$.source.path", &manifest.source.path), ("$.source.entry", &manifest.source.entry)]
        .into_iter()
        .find(|(_, value)| blank(value));
    found.extend(rule(
        blank_source.is_some(),
        "manifest.source",
        blank_source.map_or("$.source", |(path, _)| path),
        "source needs a path and an entry".into(),
        "capability package source.path and source.entry must be non-empty".into(),
    ));
    let blank_binary = [
        ("$.binary.path", &manifest.binary.path),
        ("$.binary.expected_digest", &manifest.binary.expected_digest),
    ]
    .into_iter()
    .find(|(_, value)| blank(value));
    found.extend(rule(
        blank_binary.is_some(),
        "manifest.binary",
        blank_binary.map_or("$.binary", |(path, _)| path),
        "binary needs a path and an expected_digest (fnv1a64 of the .wasm)".into(),
        "capability package binary.path and binary.expected_digest must be non-empty".into(),
    ));
    found.extend(required(
        manifest.binary.abi_version != ABI_VERSION,
        "manifest.abi_version",
        "$.binary.abi_version",
        ABI_VERSION,
        format!(
            "binary.abi_version is {:?}; Traverse's host ABI is \"{ABI_VERSION}\"",
            manifest.binary.abi_version
        ),
        format!("capability package binary.abi_version must equal {ABI_VERSION}"),
    ));
    found.extend(required(
        manifest.binary.format != BINARY_FORMAT,
        "manifest.binary_format",
        "$.binary.format",
        BINARY_FORMAT,
        format!("binary.format is {:?}; it must be \"{BINARY_FORMAT}\"", manifest.binary.format),
        format!("capability package binary.format must equal {BINARY_FORMAT}"),
    ));
    if let (Some(known), Some(legacy)) = (&manifest.known_compositions, &manifest.workflow_refs) {
        found.extend(rule(
            known != legacy,
            "manifest.conflicting_compositions",
            "$.known_compositions",
            "known_compositions and the deprecated workflow_refs are both present and differ: keep only known_compositions".into(),
            "conflicting_composition_metadata: known_compositions and deprecated workflow_refs must match when both are present".into(),
        ));
    }
    found
}

/// The digest the template declares until its binary is built: all zeros.
const PLACEHOLDER_DIGEST: &str = "fnv1a64:0000000000000000";

/// Advisory notes on the manifest that never block loading (SPEC §2.3).
pub fn notes(manifest_path: &str, manifest: &Manifest) -> Vec<Diagnostic> {
    let mut notes = Vec::new();
    let placeholders = [
        ("$.package_id", &manifest.package_id),
        ("$.capability_ref.id", &manifest.capability_ref.id),
        ("$.binary.expected_digest", &manifest.binary.expected_digest),
    ];
    for (path, value) in placeholders {
        if template::has_placeholders(value) || value == PLACEHOLDER_DIGEST {
            notes.push(Diagnostic::warning(
                "manifest.template_placeholder",
                Location::json(manifest_path, path),
                format!("{path} is still the template's placeholder {value:?}: Traverse accepts it, but replace it"),
            ));
        }
    }
    if manifest.known_compositions.is_none() && manifest.workflow_refs.is_some() {
        notes.push(
            Diagnostic::info(
                "manifest.legacy_workflow_refs",
                Location::json(manifest_path, "$.workflow_refs"),
                "workflow_refs is the deprecated alias of known_compositions; Traverse accepts it and \
                 prints \"legacy workflow_refs alias (migrate to known_compositions before schema v2)\"",
            )
            .fixed_by(vec![Edit::rename("$.workflow_refs", "known_compositions")]),
        );
    }
    notes
}

/// What `traverse-cli capability-package inspect` prints for a package it loads (SPEC §2.4).
pub fn inspect_output(manifest_path: &str, manifest: &Manifest) -> String {
    let interfaces: Vec<&str> = manifest.model_dependencies.iter().map(|d| d.interface.as_str()).collect();
    let mut lines = vec![
        format!("path: {manifest_path}"),
        format!("package_id: {}", manifest.package_id),
        format!("package_version: {}", manifest.version),
        format!("capability_id: {}", manifest.capability_ref.id),
        format!("capability_version: {}", manifest.capability_ref.version),
        format!("source_path: {}", resolve(manifest_path, &manifest.source.path).display),
        format!("binary_path: {}", resolve(manifest_path, &manifest.binary.path).display),
        format!("binary_digest: {}", manifest.binary.expected_digest),
        format!("model_interfaces: {}", interfaces.join(", ")),
    ];
    let compositions: Vec<String> = manifest
        .compositions()
        .iter()
        .map(|r| crate::package::key(&r.workflow_id, &r.workflow_version))
        .collect();
    if !compositions.is_empty() {
        lines.push(format!("known_compositions: {}", compositions.join(", ")));
    }
    if manifest.known_compositions.is_none() && manifest.workflow_refs.is_some() {
        lines.push(
            "composition_metadata: legacy workflow_refs alias (migrate to known_compositions before schema v2)"
                .to_owned(),
        );
    }
    lines.join("\n")
}

/// The manifest's text with `binary.expected_digest` set to `digest`, everything else byte for
/// byte as it was; `None` when the text has no string at that path to replace.
pub fn with_expected_digest(text: &str, digest: &str) -> Option<String> {
    let (start, end) = json_path::find(text, "$.binary.expected_digest")
        .filter(|&(start, _)| text[start..].starts_with('"'))?;
    let quoted = serde_json::to_string(digest).expect("a string serialises");
    Some(format!("{}{quoted}{}", &text[..start], &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_replaced_in_place() {
        let text =
            "{\n  \"binary\": { \"path\": \"a.wasm\", \"expected_digest\": \"fnv1a64:0\" },\n  \"x\": 1\n}";
        assert_eq!(
            with_expected_digest(text, "fnv1a64:00000000000000ff").as_deref(),
            Some(
                "{\n  \"binary\": { \"path\": \"a.wasm\", \"expected_digest\": \"fnv1a64:00000000000000ff\" },\n  \"x\": 1\n}"
            )
        );
        assert_eq!(with_expected_digest(r#"{"binary": {"expected_digest": 7}}"#, "d"), None);
        assert_eq!(with_expected_digest(r#"{"binary": "x"}"#, "d"), None);
    }
}
