//! Where Traverse's own browser embedder (`packages/web/TraverseEmbedder`, WORKFLOWS.md §11)
//! would accept or reject an application differently from `app validate` and the native
//! embedder, in words.

use std::collections::HashSet;

use serde_json::Value;

use super::{AppReport, component::LoadedComponent, normalize_sha256};
use crate::{
    check::{module_info::Reader, registry::key, workflow},
    package::{PackageFiles, resolve},
};

/// Where Traverse's browser embedder (`packages/web/TraverseEmbedder`, §11) would accept or
/// reject this bundle differently from `app validate` and the native embedder.
pub fn notes(
    files: &PackageFiles,
    manifest_path: &str,
    raw: Option<&Value>,
    components: Option<&[LoadedComponent]>,
    report: &AppReport,
    reader: &dyn Reader,
) -> Vec<String> {
    let mut notes = Vec::new();
    let Some(raw) = raw else { return notes };
    let schema_version = raw["schema_version"].as_str().unwrap_or_default();
    if schema_version != "1.0.0" {
        notes.push(format!(
            "rejects the bundle first: schema_version {schema_version:?} is not 1.0.0 (app validate does not check it)"
        ));
    }
    for (i, component) in raw["components"].as_array().into_iter().flatten().enumerate() {
        let digest = component["digest"].as_str().unwrap_or_default();
        let strict = digest.strip_prefix("sha256:").is_some_and(|hex| {
            hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        });
        if !strict && normalize_sha256(digest).is_some() {
            notes.push(format!(
                "rejects components[{i}].digest {digest:?}: it needs sha256: and 64 lowercase hex digits (native accepts any case and no prefix)"
            ));
        }
    }
    if report
        .errors
        .first()
        .is_some_and(|error| matches!(error.code, "unsupported_private_field" | "placeholder_wasm_digest"))
    {
        notes.push(
            "accepts what app validate rejects here: it does not check private fields or placeholder digests"
                .to_owned(),
        );
    }
    if report.errors.iter().any(|error| error.code.starts_with("app_state_machine_")) {
        notes.push("does not check the state machine".to_owned());
    }
    for (i, reference) in raw["workflows"].as_array().into_iter().flatten().enumerate() {
        let Some(path) = reference["path"].as_str() else { continue };
        let Some(bytes) = files.get(&resolve(manifest_path, path).key) else { continue };
        let Ok(parsed) = workflow::parse(&String::from_utf8_lossy(bytes)) else { continue };
        if let Some(edge) = parsed.edges.iter().find(|edge| edge.trigger == workflow::Trigger::Event) {
            notes.push(format!(
                "rejects workflows[{i}] ({}): edge {} uses trigger 'event'; it runs only 'direct'-triggered linear pipelines",
                parsed.id, edge.edge_id
            ));
        }
        let mut sources = HashSet::new();
        if let Some(edge) = parsed.edges.iter().find(|edge| !sources.insert(edge.from.as_str())) {
            notes.push(format!(
                "rejects workflows[{i}] ({}): node {} has a second outgoing edge; branching pipelines are not supported",
                parsed.id, edge.from
            ));
        }
        let declared = key(
            reference["workflow_id"].as_str().unwrap_or_default(),
            reference["workflow_version"].as_str().unwrap_or_default(),
        );
        if declared != key(&parsed.id, &parsed.version) {
            notes.push(format!(
                "accepts workflows[{i}] under {declared}: it never compares the file's id and version"
            ));
        }
    }
    for component in components.into_iter().flatten() {
        let Some(bytes) = component.wasm_key.as_deref().and_then(|key| files.get(key)) else { continue };
        // A module still being read elsewhere gets its notes once it is read.
        let Some(Ok(info)) = reader.read(bytes, None) else { continue };
        for import in info.imports.iter().filter(|import| {
            import.module == "traverse_host"
                && matches!(import.name.as_str(), "emit_event" | "connector_invoke")
        }) {
            notes.push(format!(
                "rejects component {}: its module imports traverse_host.{}, which its whitelist lacks",
                component.component_id, import.name
            ));
        }
    }
    notes
}
