//! One component of an application (WORKFLOWS.md §10.3), as traverse-registry's
//! `load_component` loads it: its manifest, its source (a local contract or a registry
//! reference), its execution mode, its dependencies, its pin, the digests the application and
//! the manifest declare, its contract and its pinned WASM. Paths of the contract, the WASM and
//! the wrapper resolve against the component manifest's folder.

use std::collections::BTreeSet;

use serde::{Deserialize, de::IgnoredAny};
use serde_json::{Value, json};

use super::{AppError, ComponentRef, has_text, normalize_sha256};
use crate::{
    check::{
        contract::{self, ConnectorRequirement, Target},
        diagnostic::Location,
        registry::{Capability, key},
    },
    package::{PackageFiles, ResolvedPath, resolve},
};

/// traverse-registry's serde model of a component manifest (its type name, as its parse errors
/// say it); `_` fields are required, not read.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename = "WasmComponentManifestSerde")]
struct ComponentManifest {
    component_id: String,
    version: String,
    #[serde(rename = "schema_version")]
    _schema_version: String,
    #[serde(default)]
    execution_mode: Option<String>,
    capability_id: String,
    capability_version: String,
    #[serde(default)]
    contract_path: Option<String>,
    #[serde(default)]
    registry_ref: Option<RegistryReference>,
    #[serde(default)]
    wasm_binary_path: Option<String>,
    #[serde(default)]
    wasm_digest: Option<String>,
    #[serde(default)]
    platforms: Vec<String>,
    #[serde(default)]
    wrapper_path: Option<String>,
    #[serde(rename = "runtime_constraints")]
    _runtime_constraints: IgnoredAny,
    #[serde(rename = "permitted_targets")]
    _permitted_targets: Vec<Target>,
    dependencies: Vec<Dependency>,
    #[serde(rename = "connector_requirements")]
    _connector_requirements: Vec<ConnectorRequirement>,
    #[serde(rename = "validation_evidence")]
    _validation_evidence: Vec<IgnoredAny>,
    #[serde(default)]
    executable_pin: Option<ExecutablePin>,
}

#[derive(Debug, Clone, Deserialize)]
struct RegistryReference {
    namespace: String,
    id: String,
    version_range: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Dependency {
    component_id: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    digest: Option<String>,
    #[serde(default)]
    version_range: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct ExecutablePin {
    package_id: String,
    package_version: String,
}

/// A component that loaded, with what `app validate` prints of it.
#[derive(Debug, Clone)]
pub struct LoadedComponent {
    pub component_id: String,
    pub version: String,
    pub execution_mode: &'static str,
    pub capability_id: String,
    pub capability_version: String,
    /// Paths as Traverse prints them: joined, not normalised.
    pub manifest_path: String,
    pub contract_path: String,
    pub wasm_path: Option<String>,
    /// The binary's key among the files, for what reads it again.
    pub wasm_key: Option<String>,
    /// `sha256:` and the binary's own digest, verified against the application's.
    pub verified_digest: Option<String>,
    pub platforms: Vec<String>,
    pub wrapper_path: Option<String>,
    pub capability: Capability,
}

impl LoadedComponent {
    /// Its entry in `app validate`'s `components`.
    pub fn evidence(&self) -> Value {
        json!({
            "component_id": self.component_id,
            "component_version": self.version,
            "execution_mode": self.execution_mode,
            "capability_id": self.capability_id,
            "capability_version": self.capability_version,
            "manifest_path": self.manifest_path,
            "contract_path": self.contract_path,
            "wasm_digest": self.verified_digest,
            "platforms": self.platforms,
            "wrapper_path": self.wrapper_path,
        })
    }

    /// Its entry in `digest_verification`, when it has a binary.
    pub fn digest_verification(&self) -> Option<Value> {
        Some(json!({
            "component_id": self.component_id,
            "component_version": self.version,
            "path": self.wasm_path.as_ref()?,
            "wasm_digest": self.verified_digest,
            "status": "verified",
        }))
    }
}

/// Loads the component `reference` (the `index`th of `manifest_path`), pushing every problem
/// in Traverse's order; the capability its manifest declares goes into `capabilities` once the
/// manifest parses, for the state machine's `invoke`. `workspace` is `--workspace`'s id.
pub fn load(
    files: &PackageFiles,
    manifest_path: &str,
    index: usize,
    reference: &ComponentRef,
    workspace: Option<&str>,
    capabilities: &mut BTreeSet<String>,
    errors: &mut Vec<AppError>,
) -> Option<LoadedComponent> {
    let resolved = resolve(manifest_path, &reference.manifest_path);
    let path = &resolved.display;
    let Some(bytes) = files.get(&resolved.key) else {
        errors.push(
            AppError::new(
                "app_component_manifest_missing",
                path.clone(),
                format!("missing component manifest for {} at {path}", reference.component_id),
            )
            .shown_at(Location::json(manifest_path, format!("$.components[{index}].manifest_path"))),
        );
        return None;
    };
    let component: ComponentManifest = match std::str::from_utf8(bytes).map(serde_json::from_str) {
        Err(_) => {
            let message =
                format!("failed to read component manifest {path}: stream did not contain valid UTF-8");
            errors.push(
                AppError::new("component_manifest_read_failed", path.clone(), message)
                    .shown_at(Location::file(&resolved.key)),
            );
            return None;
        }
        Ok(Err(error)) => {
            let message = format!("failed to parse component manifest {path}: {error}");
            errors.push(
                AppError::new("component_manifest_parse_failed", path.clone(), message)
                    .shown_at(Location::file(&resolved.key)),
            );
            return None;
        }
        Ok(Ok(component)) => component,
    };
    capabilities.insert(component.capability_id.clone());
    let name = key(&component.component_id, &component.version);
    // Traverse names the component manifest's file; the page shows the field at fault in it.
    let on = |code: &'static str, field: &str, message: String| {
        AppError::new(code, path.clone(), message)
            .shown_at(Location::json(&resolved.key, format!("$.{field}")))
    };
    let before = errors.len();
    let mode = match component.execution_mode.as_deref().unwrap_or("wasm") {
        "wasm" => "wasm",
        "compatible" => "compatible",
        other => {
            let message = format!("component {name} declares unsupported execution_mode {other}");
            errors.push(on("invalid_execution_mode", "execution_mode", message));
            return None;
        }
    };
    let has_wasm_fields = component.wasm_binary_path.is_some() || component.wasm_digest.is_some();
    let local_source = component.contract_path.as_deref().filter(|p| has_text(p));
    if local_source.is_some() == component.registry_ref.is_some() {
        errors.push(on(
            "component_source_must_be_exclusive",
            "contract_path",
            format!("component {name} must declare exactly one of contract_path or registry_ref"),
        ));
    }
    if let Some(registry_ref) = &component.registry_ref {
        if [&registry_ref.namespace, &registry_ref.id, &registry_ref.version_range]
            .iter()
            .any(|f| !has_text(f))
        {
            errors.push(on(
                "registry_reference_invalid",
                "registry_ref",
                format!("component {name} registry_ref requires non-empty namespace, id, and version_range"),
            ));
        } else if has_wasm_fields {
            errors.push(on(
                "component_source_must_be_exclusive",
                "registry_ref",
                format!("component {name} registry_ref must not declare local WASM fields"),
            ));
        }
    }
    if mode == "compatible" {
        compatible(files, &resolved, &component, &name, &on, errors);
    }
    if let Some((i, dependency)) = component.dependencies.iter().enumerate().find(|(_, dependency)| {
        !(dependency.version.as_deref().is_some_and(has_text)
            && dependency.digest.as_deref().is_some_and(has_text)
            && dependency.version_range.is_none())
    }) {
        errors.push(on(
            "component_dependency_must_be_concrete",
            &format!("dependencies[{i}]"),
            format!(
                "component dependency {} must declare concrete version and digest without version_range",
                dependency.component_id
            ),
        ));
    }
    if let Some(pin) = &component.executable_pin
        && (!has_text(&pin.package_id) || !has_text(&pin.package_version))
    {
        errors.push(on(
            "executable_pin_malformed",
            "executable_pin",
            format!(
                "component {name} declares executable_pin with a non-empty package_id and package_version"
            ),
        ));
    }
    if let Some(registry_ref) = &component.registry_ref {
        // A registry component is resolved from synced state, and loads no further here.
        errors.push(unresolved(&on, &resolved, &name, &registry_ref.version_range, workspace));
        return None;
    }
    let declared = key(&reference.component_id, &reference.version);
    if declared != name {
        errors.push(on(
            "component_reference_mismatch",
            "component_id",
            format!("component reference mismatch for {path}: app declared {declared}, component manifest contains {name}"),
        ));
    }
    let expected = normalize_sha256(&reference.digest);
    if expected.is_none() {
        errors.push(
            AppError::new(
                "invalid_digest_metadata",
                "$.components[].digest",
                format!("component reference {declared} declares invalid digest metadata"),
            )
            .shown_at(Location::json(manifest_path, format!("$.components[{index}].digest"))),
        );
    }
    if mode == "wasm" {
        // Traverse names the field itself here, not the file.
        let field = |code: &'static str, message: String| {
            AppError::new(code, "$.wasm_digest", message)
                .shown_at(Location::json(&resolved.key, "$.wasm_digest"))
        };
        match component.wasm_digest.as_deref().map(|digest| (digest, normalize_sha256(digest))) {
            None => errors.push(field(
                "wasm_component_missing_wasm_fields",
                format!("wasm component {name} requires wasm_digest"),
            )),
            Some((_, None)) => errors.push(field(
                "invalid_digest_metadata",
                format!("component manifest {name} declares invalid wasm_digest metadata"),
            )),
            Some((written, Some(own))) => {
                if expected.as_ref().is_some_and(|expected| *expected != own) {
                    // Both digests as they are written, whatever their case or prefix.
                    errors.push(on(
                        "component_digest_mismatch",
                        "wasm_digest",
                        format!(
                            "component digest mismatch for {name}: app declared {}, component manifest declared {written}",
                            reference.digest
                        ),
                    ));
                }
            }
        }
    }
    let contract_path = resolve(&resolved.display, local_source.unwrap_or_default()).display;
    let capability = local_source.and_then(|raw| load_contract(files, &resolved, raw, &component, errors));
    let mut wasm = None;
    if mode == "wasm" {
        match component.wasm_binary_path.as_deref().filter(|p| has_text(p)) {
            None => errors.push(on(
                "wasm_component_missing_wasm_fields",
                "wasm_binary_path",
                format!("wasm component {name} requires wasm_binary_path"),
            )),
            Some(raw) => wasm = verify_wasm(files, &resolved, raw, expected.as_deref(), errors),
        }
    }
    if errors.len() != before {
        return None;
    }
    let (wasm_path, wasm_key, verified_digest) = match wasm {
        Some((shown, key, digest)) => (Some(shown), Some(key), Some(digest)),
        None => (None, None, None),
    };
    Some(LoadedComponent {
        component_id: component.component_id,
        version: component.version,
        execution_mode: mode,
        capability_id: component.capability_id,
        capability_version: component.capability_version,
        manifest_path: resolved.display.clone(),
        contract_path,
        wasm_path,
        wasm_key,
        verified_digest,
        platforms: component.platforms,
        wrapper_path: component.wrapper_path,
        capability: capability?,
    })
}

/// A compatible component's rules: no WASM fields, a wrapper that exists, named platforms.
fn compatible(
    files: &PackageFiles,
    resolved: &ResolvedPath,
    component: &ComponentManifest,
    name: &str,
    on: &impl Fn(&'static str, &str, String) -> AppError,
    errors: &mut Vec<AppError>,
) {
    if component.wasm_binary_path.is_some() || component.wasm_digest.is_some() {
        errors.push(on(
            "compatible_component_invalid_wasm_fields",
            "wasm_binary_path",
            format!("compatible component {name} must not declare wasm_binary_path or wasm_digest"),
        ));
    }
    match component.wrapper_path.as_deref().filter(|p| has_text(p)) {
        None => errors.push(on(
            "compatible_component_missing_wrapper",
            "wrapper_path",
            format!("compatible component {name} requires wrapper_path"),
        )),
        Some(wrapper) if files.get(&resolve(&resolved.key, wrapper).key).is_none() => errors.push(on(
            "compatible_component_missing_wrapper",
            "wrapper_path",
            format!("compatible component {name} wrapper_path does not exist"),
        )),
        Some(_) => {}
    }
    if component.platforms.is_empty() || component.platforms.iter().any(|platform| !has_text(platform)) {
        errors.push(on(
            "compatible_component_missing_platforms",
            "platforms",
            format!("compatible component {name} requires non-empty platforms"),
        ));
    }
}

/// A `registry_ref` needs a resolver. Without `--workspace` there is none; with one, Traverse
/// reads the version range, then the workspace's synced public registry, which the playground
/// never holds (it runs no `registry sync`).
fn unresolved(
    on: &impl Fn(&'static str, &str, String) -> AppError,
    resolved: &ResolvedPath,
    name: &str,
    range: &str,
    workspace: Option<&str>,
) -> AppError {
    let code = "registry_reference_requires_resolution";
    let Some(workspace) = workspace else {
        return on(
            code,
            "registry_ref",
            format!("component {name} uses registry_ref and must be resolved during app registration"),
        );
    };
    let message = match semver::VersionReq::parse(range) {
        Err(error) => format!("invalid registry_ref version_range {range}: {error}"),
        Ok(_) => format!(
            "workspace {workspace} has no synced public registry state; run traverse-cli registry sync"
        ),
    };
    AppError::new(code, "$.registry_ref", message).shown_at(Location::json(&resolved.key, "$.registry_ref"))
}

/// The binary: present, and of the digest the application pins. Its path as Traverse prints
/// it, its key, and its verified digest.
fn verify_wasm(
    files: &PackageFiles,
    component_manifest: &ResolvedPath,
    raw: &str,
    expected: Option<&str>,
    errors: &mut Vec<AppError>,
) -> Option<(String, String, String)> {
    let binary = resolve(&component_manifest.key, raw);
    let shown = resolve(&component_manifest.display, raw).display;
    let at = Location::json(&component_manifest.key, "$.wasm_binary_path");
    // Traverse names the binary's own path.
    let Some(digests) = files.digests(&binary.key) else {
        let message = format!("missing WASM binary at {shown}");
        errors.push(AppError::new("component_wasm_missing", shown, message).shown_at(at));
        return None;
    };
    let actual = digests.sha256.clone();
    if let Some(expected) = expected
        && expected != actual
    {
        let message = format!("WASM digest mismatch for {shown}: expected {expected}, got {actual}");
        errors.push(
            AppError::new("component_digest_mismatch", shown, message)
                .shown_at(Location::json(&component_manifest.key, "$.wasm_digest")),
        );
        return None;
    }
    Some((shown, binary.key, actual))
}

/// A component's contract: present, a valid contract, of the component's capability.
fn load_contract(
    files: &PackageFiles,
    component_manifest: &ResolvedPath,
    contract_path: &str,
    component: &ComponentManifest,
    errors: &mut Vec<AppError>,
) -> Option<Capability> {
    let resolved = resolve(&component_manifest.key, contract_path);
    let shown = resolve(&component_manifest.display, contract_path).display;
    // Traverse names the contract's own path; the page shows the field that leads to it.
    let problem = |code: &'static str, message: String| {
        AppError::new(code, shown.clone(), message)
            .shown_at(Location::json(&component_manifest.key, "$.contract_path"))
    };
    let Some(bytes) = files.get(&resolved.key) else {
        errors.push(problem(
            "component_contract_missing",
            format!("missing capability contract for {} at {shown}", component.component_id),
        ));
        return None;
    };
    let parsed = match contract::parse_valid(&String::from_utf8_lossy(bytes)) {
        Ok(parsed) => parsed,
        Err(message) => {
            errors.push(problem(
                "component_contract_parse_failed",
                format!("failed to parse capability contract for {}: {message}", component.component_id),
            ));
            return None;
        }
    };
    let declared = key(&component.capability_id, &component.capability_version);
    let contains = key(&parsed.id, &parsed.version);
    if declared != contains {
        errors.push(problem(
            "component_contract_mismatch",
            format!(
                "component contract mismatch for {}: manifest declared {declared}, contract contains {contains}",
                component.component_id
            ),
        ));
        return None;
    }
    Some(Capability::new(resolved.key, parsed))
}
