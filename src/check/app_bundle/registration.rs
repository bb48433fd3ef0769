//! What registering an application adds to `app validate` (WORKFLOWS.md §10.5), as Traverse's
//! native embedder registers it (`ApplicationRegistry::register_bundle`).

use super::{AppError, WorkflowRef, component::LoadedComponent};
use crate::{
    check::{
        registry::{Registry, key},
        workflow,
    },
    package::{PackageFiles, resolve},
};

/// What `ApplicationRegistry::register_bundle` adds (§10.5), as Traverse's native embedder
/// runs it: each workflow file against its reference, every component event against the
/// embedder's empty event registry, then each workflow registered against the components.
pub fn problems(
    files: &PackageFiles,
    manifest_path: &str,
    schema_version: &str,
    references: &[WorkflowRef],
    components: &[LoadedComponent],
) -> Vec<AppError> {
    let mut errors = Vec::new();
    if schema_version != "1.0.0" {
        errors.push(AppError::new(
            "unsupported_bundle_schema",
            "$.schema_version",
            format!(
                "application bundle schema_version {} is not supported (embedders accept 1.0.0)",
                schema_version
            ),
        ));
    }
    let mut workflows = Vec::new();
    for (i, reference) in references.iter().enumerate() {
        let resolved = resolve(manifest_path, &reference.path);
        let path = format!("$.workflows[{i}].path");
        let Some(bytes) = files.get(&resolved.key) else {
            errors.push(AppError::new(
                "workflow_missing",
                path,
                format!("missing workflow file at {}: add {}", resolved.display, resolved.key),
            ));
            continue;
        };
        match workflow::parse(&String::from_utf8_lossy(bytes)) {
            Err(error) => errors.push(AppError::new(
                "workflow_parse_failed",
                path,
                format!("failed to parse workflow {}: {error}", resolved.display),
            )),
            Ok(parsed) => {
                let declared = key(&reference.workflow_id, &reference.workflow_version);
                let contains = key(&parsed.id, &parsed.version);
                if declared == contains {
                    workflows.push((resolved, parsed));
                } else {
                    errors.push(AppError::new(
                        "workflow_reference_mismatch",
                        path,
                        format!("workflow reference mismatch: app declared {declared}, workflow file contains {contains}"),
                    ));
                }
            }
        }
    }
    let mut registry = Registry::default();
    for capability in components.iter().map(|component| &component.capability) {
        let contract = &capability.contract;
        for event in contract.emits.iter().chain(&contract.consumes) {
            errors.push(AppError::new(
                "missing_event_reference",
                format!("{}:$", capability.file),
                format!(
                    "component {} references missing event {}",
                    contract.id,
                    key(&event.event_id, &event.version)
                ),
            ));
        }
        registry.add_capability(capability.clone());
    }
    for (resolved, parsed) in &workflows {
        for error in workflow::registration_errors(parsed, &registry) {
            errors.push(AppError::new(
                "workflow_registration_failed",
                format!("{}:{}", resolved.key, error.path),
                format!("{} ({})", error.message, error.code),
            ));
        }
    }
    errors
}
