//! Application bundles as `traverse-cli app validate --json` sees them (WORKFLOWS.md §10): the
//! CLI's pre-checks, the loader's order, every component (manifest, contract, pinned WASM) and
//! the state machine; then, labelled apart, what registration adds (§10.5) and where Traverse's
//! own browser embedder would decide differently (§11).
//!
//! Traverse stops at the first error and its evidence holds that one; the page lists every
//! problem it can find, in Traverse's order, so the first is always Traverse's.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize, de::IgnoredAny};
use serde_json::{Value, json};

use crate::{
    check::{
        contract,
        diagnostic::{Diagnostic, Location},
        module_info,
        registry::{Capability, Registry, key},
        workflow,
    },
    package::{PackageFiles, ResolvedPath, resolve},
};

/// One error as `app validate` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppError {
    /// Traverse's code, snake_case: `component_digest_mismatch`, …
    pub code: &'static str,
    /// Traverse's path: `$.field` of the application manifest, a file (the component manifest,
    /// or the contract or binary it names), `{component manifest}:$.wasm_digest`, or
    /// `$.components[].digest`, which names no component.
    pub path: String,
    pub message: String,
    /// Where the page shows it, when Traverse's path does not say (`$.components[]`).
    #[serde(skip)]
    pub shown_at: Option<Location>,
}

impl AppError {
    fn new(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { code, path: path.into(), message: message.into(), shown_at: None }
    }

    fn shown_at(mut self, location: Location) -> Self {
        self.shown_at = Some(location);
        self
    }
}

/// An application bundle checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppReport {
    pub manifest_path: String,
    /// What `app validate` finds, in its order: Traverse reports the first.
    pub errors: Vec<AppError>,
    /// What registering the bundle adds (`ApplicationRegistry::register_bundle`, as Traverse's
    /// native embedder does it), when it validates.
    pub registration: Vec<AppError>,
    /// Where Traverse's browser embedder decides differently, in words.
    pub browser_embedder: Vec<String>,
    /// `app_id@version`, when the manifest parses.
    pub app: Option<String>,
    /// The components that loaded: what the evidence lists.
    pub components: Vec<Value>,
    /// Where each problem is, for the page (the same problems as `errors` and `registration`).
    pub diagnostics: Vec<Diagnostic>,
}

impl AppReport {
    /// `app validate --json`'s evidence: `status`, and Traverse's first error or what loaded.
    pub fn evidence(&self) -> Value {
        match self.errors.first() {
            Some(error) => json!({
                "status": "failed",
                "manifest_path": self.manifest_path,
                "errors": [{"code": error.code, "path": error.path, "severity": "error", "message": error.message}],
            }),
            None => json!({
                "status": "validated",
                "manifest_path": self.manifest_path,
                "app": self.app,
                "components": self.components,
            }),
        }
    }

    /// The line the page shows: `validated`, or Traverse's first error.
    pub fn line(&self) -> String {
        match self.errors.first() {
            Some(error) => format!("failed: [{}] {} ({})", error.code, error.message, error.path),
            None => "validated".to_owned(),
        }
    }
}

const PRIVATE_PREFIXES: [&str; 5] = ["_", "internal", "x-internal", "private", "x-private"];
/// The SHA-256 of no bytes: a digest copied from an empty file is a placeholder too.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

#[derive(Debug, Clone, Deserialize)]
/// The loader's serde model: every field required; `_` fields are required, not read.
struct AppManifest {
    app_id: String,
    version: String,
    schema_version: String,
    #[serde(rename = "workspace_defaults")]
    _workspace_defaults: IgnoredAny,
    components: Vec<ComponentRef>,
    workflows: Vec<WorkflowRef>,
    #[serde(rename = "model_dependencies")]
    _model_dependencies: IgnoredAny,
    #[serde(rename = "config_schema")]
    _config_schema: IgnoredAny,
    #[serde(rename = "default_config")]
    _default_config: IgnoredAny,
    #[serde(rename = "placement_policy")]
    _placement_policy: IgnoredAny,
    #[serde(rename = "public_surfaces")]
    _public_surfaces: IgnoredAny,
    #[serde(default)]
    state_machine: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
struct ComponentRef {
    component_id: String,
    version: String,
    digest: String,
    manifest_path: String,
}

#[derive(Debug, Clone, Deserialize)]
struct WorkflowRef {
    workflow_id: String,
    workflow_version: String,
    path: String,
}

#[derive(Debug, Clone, Deserialize)]
/// A component manifest's serde model; `_` fields are required, not read.
struct ComponentManifest {
    component_id: String,
    version: String,
    #[serde(rename = "schema_version")]
    _schema_version: IgnoredAny,
    capability_id: String,
    capability_version: String,
    #[serde(rename = "runtime_constraints")]
    _runtime_constraints: IgnoredAny,
    #[serde(rename = "permitted_targets")]
    _permitted_targets: IgnoredAny,
    dependencies: Vec<Value>,
    #[serde(rename = "connector_requirements")]
    _connector_requirements: IgnoredAny,
    #[serde(rename = "validation_evidence")]
    _validation_evidence: IgnoredAny,
    #[serde(default)]
    execution_mode: Option<String>,
    #[serde(default)]
    contract_path: Option<String>,
    #[serde(default)]
    registry_ref: Option<Value>,
    #[serde(default)]
    wasm_binary_path: Option<String>,
    #[serde(default)]
    wasm_digest: Option<String>,
    #[serde(default)]
    wrapper_path: Option<String>,
    #[serde(default)]
    platforms: Option<Vec<Value>>,
    #[serde(default)]
    executable_pin: Option<Value>,
}

/// Checks the application bundle whose `app.manifest.json` is `manifest_path` among `files`.
pub fn check(files: &PackageFiles, manifest_path: &str) -> AppReport {
    check_in_workspace(files, manifest_path, None)
}

/// [`check`] as `app validate --workspace <id>` runs it: a `registry_ref` component is resolved
/// against the workspace's synced public registry, which the playground never holds (it runs no
/// `registry sync`), so the resolution fails as Traverse's does without one.
pub fn check_in_workspace(files: &PackageFiles, manifest_path: &str, workspace: Option<&str>) -> AppReport {
    let mut report = AppReport {
        manifest_path: manifest_path.to_owned(),
        errors: Vec::new(),
        registration: Vec::new(),
        browser_embedder: Vec::new(),
        app: None,
        components: Vec::new(),
        diagnostics: Vec::new(),
    };
    let bytes = files.get(manifest_path).unwrap_or_default();
    let raw: Option<Value> = serde_json::from_slice(bytes).ok();
    if let Some(raw) = &raw {
        report.errors.extend(pre_checks(files, manifest_path, raw));
    }
    let loaded = load(files, manifest_path, bytes, workspace, &mut report.errors);
    if let Some(loaded) = &loaded {
        report.app = Some(key(&loaded.manifest.app_id, &loaded.manifest.version));
        report.components = loaded.components.iter().map(|c| c.evidence.clone()).collect();
        if report.errors.is_empty() {
            report.registration = register(files, manifest_path, loaded);
        }
    }
    report.browser_embedder = browser_embedder(files, manifest_path, raw.as_ref(), loaded.as_ref(), &report);
    let located = |error: &AppError, code| {
        let location = match (&error.shown_at, error.path.split_once(":$")) {
            (Some(location), _) => location.clone(),
            (None, Some((file, path))) => {
                Location::json(&crate::package::normalize(file), format!("${path}"))
            }
            (None, None) if error.path.starts_with('$') => Location::json(manifest_path, &error.path),
            (None, None) => Location::file(manifest_path),
        };
        Diagnostic::error(code, location, format!("{} ({})", error.message, error.code))
    };
    report.diagnostics = report.errors.iter().map(|error| located(error, "app.invalid")).collect();
    // Registration is not `app validate`: what it would refuse is a warning beside the verdict.
    report.diagnostics.extend(report.registration.iter().map(|error| {
        let mut diagnostic = located(error, "app.registration");
        diagnostic.severity = crate::check::diagnostic::Severity::Warning;
        diagnostic
    }));
    report
}

/// `validate_app_manifest_metadata_for_cli` (§10.1): private fields and placeholder digests,
/// before the loader. The first hit only, as the CLI stops there.
fn pre_checks(files: &PackageFiles, manifest_path: &str, raw: &Value) -> Option<AppError> {
    let private = |value: &Value| {
        value
            .as_object()?
            .keys()
            .find(|key| PRIVATE_PREFIXES.iter().any(|prefix| key.starts_with(prefix)))
            .cloned()
    };
    if let Some(field) = private(raw) {
        return Some(AppError::new(
            "unsupported_private_field",
            format!("$.{field}"),
            format!("unsupported private/internal manifest field {field}"),
        ));
    }
    for (i, component) in raw["components"].as_array().into_iter().flatten().enumerate() {
        if component["digest"].as_str().is_some_and(is_placeholder) {
            return Some(
                AppError::new(
                    "placeholder_wasm_digest",
                    "$.components[].digest",
                    "application component reference declares a placeholder or all-zero WASM digest",
                )
                .shown_at(Location::json(manifest_path, format!("$.components[{i}].digest"))),
            );
        }
        let Some(path) = component["manifest_path"].as_str() else { continue };
        let resolved = resolve(manifest_path, path);
        let Some(manifest) =
            files.get(&resolved.key).and_then(|bytes| serde_json::from_slice::<Value>(bytes).ok())
        else {
            continue;
        };
        if let Some(field) = private(&manifest) {
            return Some(
                AppError::new(
                    "unsupported_private_field",
                    format!("$.components[].{field}"),
                    format!("unsupported private/internal manifest field {field}"),
                )
                .shown_at(Location::json(&resolved.key, format!("$.{field}"))),
            );
        }
        if manifest["wasm_digest"].as_str().is_some_and(is_placeholder) {
            return Some(AppError::new(
                "placeholder_wasm_digest",
                format!("{}:$.wasm_digest", resolved.display),
                "component manifest declares a placeholder or all-zero WASM digest",
            ));
        }
    }
    None
}

fn is_placeholder(digest: &str) -> bool {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest).to_ascii_lowercase();
    hex == "0".repeat(64) || hex == EMPTY_SHA256
}

/// `sha256:` (optional) and 64 hex digits of any case, as `sha256:<lowercase>`.
pub fn normalize_sha256(digest: &str) -> Option<String> {
    let hex = digest.trim().strip_prefix("sha256:").unwrap_or(digest.trim());
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| format!("sha256:{}", hex.to_ascii_lowercase()))
}

struct Loaded {
    manifest: AppManifest,
    components: Vec<LoadedComponent>,
}

struct LoadedComponent {
    capability: Option<Capability>,
    evidence: Value,
}

/// The loader (§10.2, §10.3, §10.4), every problem in its order.
fn load(
    files: &PackageFiles,
    manifest_path: &str,
    bytes: &[u8],
    workspace: Option<&str>,
    errors: &mut Vec<AppError>,
) -> Option<Loaded> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        errors.push(AppError::new(
            "manifest_read_failed",
            "$",
            format!(
                "failed to read application manifest {manifest_path}: stream did not contain valid UTF-8"
            ),
        ));
        return None;
    };
    let manifest: AppManifest = match serde_json::from_str(text) {
        Ok(manifest) => manifest,
        Err(error) => {
            errors.push(AppError::new(
                "manifest_parse_failed",
                "$",
                format!("failed to parse application manifest {manifest_path}: {error}"),
            ));
            return None;
        }
    };
    let mut seen = HashSet::new();
    for component in &manifest.components {
        let reference = key(&component.component_id, &component.version);
        if !seen.insert(reference.clone()) {
            errors.push(AppError::new(
                "duplicate_component_reference",
                reference.clone(),
                format!("duplicate component reference in application manifest: {reference}"),
            ));
        }
    }
    // The capabilities the components declare, for the state machine's `invoke`, as each
    // component manifest parses (whether or not the rest of its checks pass).
    let mut capabilities = BTreeSet::new();
    let components = manifest
        .components
        .iter()
        .enumerate()
        .filter_map(|(i, component)| {
            load_component(files, manifest_path, i, component, workspace, &mut capabilities, errors)
        })
        .collect();
    if let Some(machine) = &manifest.state_machine {
        errors.extend(state_machine(manifest_path, machine, &capabilities));
    }
    Some(Loaded { manifest, components })
}

/// `load_component` (§10.3): paths of the contract and the WASM resolve against the component
/// manifest's folder.
fn load_component(
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
    let mode = component.execution_mode.as_deref().unwrap_or("wasm");
    if !matches!(mode, "wasm" | "compatible") {
        errors.push(on(
            "invalid_execution_mode",
            "execution_mode",
            format!("component {name} declares unsupported execution_mode {mode}"),
        ));
    }
    let has_contract = component.contract_path.as_deref().is_some_and(|p| !p.trim().is_empty());
    let has_wasm_fields = component.wasm_binary_path.is_some() || component.wasm_digest.is_some();
    if has_contract == component.registry_ref.is_some() {
        errors.push(on(
            "component_source_must_be_exclusive",
            "contract_path",
            format!("component {name} must declare exactly one of contract_path or registry_ref"),
        ));
    }
    if let Some(registry_ref) = &component.registry_ref {
        let blank = registry_ref.as_object().is_none_or(|fields| {
            fields.values().any(|value| value.as_str().is_some_and(|s| s.trim().is_empty()))
        });
        if blank || has_wasm_fields {
            errors.push(on("registry_reference_invalid", "registry_ref",
                format!("component {name} declares an invalid registry_ref (blank fields, or WASM fields beside it)"),
            ));
        }
    }
    if mode == "compatible" {
        let wrapper = component.wrapper_path.as_deref().map(|wrapper| resolve(&resolved.key, wrapper));
        if has_wasm_fields
            || wrapper.is_none_or(|wrapper| files.get(&wrapper.key).is_none())
            || component.platforms.as_ref().is_none_or(Vec::is_empty)
        {
            errors.push(on("compatible_component_invalid", "execution_mode",
                format!("compatible component {name} needs an existing wrapper_path and platforms, and no WASM fields"),
            ));
        }
    }
    for (i, dependency) in component.dependencies.iter().enumerate() {
        let concrete = dependency.get("version").is_some()
            && dependency.get("digest").is_some()
            && dependency.get("version_range").is_none();
        if !concrete {
            errors.push(on(
                "component_dependency_must_be_concrete",
                &format!("dependencies[{i}]"),
                format!("component {name} dependencies must pin a version and digest, not a version_range"),
            ));
        }
    }
    if let Some(pin) = &component.executable_pin {
        let malformed = pin.as_object().is_none_or(|fields| {
            fields.values().any(|value| value.as_str().is_some_and(|s| s.trim().is_empty()))
        });
        if malformed {
            errors.push(on(
                "executable_pin_malformed",
                "executable_pin",
                format!("component {name} declares an executable_pin with blank fields"),
            ));
        }
    }
    if let Some(registry_ref) = &component.registry_ref {
        let error = match workspace {
            None => on(
                "registry_reference_requires_resolution",
                "registry_ref",
                format!("component {name} uses registry_ref and must be resolved during app registration"),
            ),
            // The version range is read before the workspace's synced state is looked for.
            Some(workspace) => {
                let range = registry_ref["version_range"].as_str().unwrap_or_default();
                let message = match semver::VersionReq::parse(range) {
                    Err(error) => format!("invalid registry_ref version_range {range}: {error}"),
                    Ok(_) => format!(
                        "workspace {workspace} has no synced public registry state; run traverse-cli registry sync"
                    ),
                };
                AppError::new("registry_reference_requires_resolution", "$.registry_ref", message)
                    .shown_at(Location::json(&resolved.key, "$.registry_ref"))
            }
        };
        errors.push(error);
    }
    let declared = key(&reference.component_id, &reference.version);
    if declared != name {
        errors.push(on("component_reference_mismatch", "component_id",
            format!("component reference mismatch for {path}: app declared {declared}, component manifest contains {name}"),
        ));
    }
    let app_digest = normalize_sha256(&reference.digest);
    if app_digest.is_none() {
        errors.push(
            AppError::new(
                "invalid_digest_metadata",
                "$.components[].digest",
                format!("component reference {declared} declares invalid digest metadata"),
            )
            .shown_at(Location::json(manifest_path, format!("$.components[{index}].digest"))),
        );
    }
    let mut digest = None;
    if mode == "wasm" {
        match component.wasm_digest.as_deref().map(normalize_sha256) {
            // Traverse names the field itself here, not the file.
            None => errors.push(
                AppError::new(
                    "wasm_component_missing_wasm_fields",
                    "$.wasm_digest",
                    format!("wasm component {name} requires wasm_digest"),
                )
                .shown_at(Location::json(&resolved.key, "$.wasm_digest")),
            ),
            Some(None) => errors.push(
                AppError::new(
                    "invalid_digest_metadata",
                    "$.wasm_digest",
                    format!("component manifest {name} declares invalid wasm_digest metadata"),
                )
                .shown_at(Location::json(&resolved.key, "$.wasm_digest")),
            ),
            Some(Some(own)) => {
                if let Some(app) = &app_digest
                    && *app != own
                {
                    // Both digests as they are written, whatever their case or prefix.
                    let written = component.wasm_digest.as_deref().unwrap_or_default();
                    errors.push(on(
                        "component_digest_mismatch",
                        "wasm_digest",
                        format!(
                            "component digest mismatch for {name}: app declared {}, component manifest declared {written}",
                            reference.digest
                        ),
                    ));
                }
                digest = Some(own);
            }
        }
    }
    let capability = component
        .contract_path
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .and_then(|contract_path| load_contract(files, &resolved, contract_path, &component, errors));
    let mut module = None;
    if mode == "wasm" {
        match component.wasm_binary_path.as_deref().filter(|p| !p.trim().is_empty()) {
            None => errors.push(on(
                "wasm_component_missing_wasm_fields",
                "wasm_binary_path",
                format!("wasm component {name} requires wasm_binary_path"),
            )),
            Some(binary_path) => {
                let binary = resolve(&resolved.key, binary_path);
                let shown = resolve(&resolved.display, binary_path).display;
                match files.digests(&binary.key) {
                    // Traverse names the binary's own path.
                    None => errors.push(
                        AppError::new(
                            "component_wasm_missing",
                            shown.clone(),
                            format!("missing WASM binary at {shown}"),
                        )
                        .shown_at(Location::json(&resolved.key, "$.wasm_binary_path")),
                    ),
                    Some(digests) => {
                        let actual = digests.sha256.clone();
                        if let Some(expected) = &digest
                            && *expected != actual
                        {
                            errors.push(
                                AppError::new(
                                    "component_digest_mismatch",
                                    shown.clone(),
                                    format!(
                                        "WASM digest mismatch for {shown}: expected {expected}, got {actual}"
                                    ),
                                )
                                .shown_at(Location::json(&resolved.key, "$.wasm_digest")),
                            );
                        }
                        module = Some(binary.key);
                    }
                }
            }
        }
    }
    (errors.len() == before).then(|| LoadedComponent {
        evidence: json!({
            "component_id": component.component_id,
            "version": component.version,
            "capability_id": component.capability_id,
            "capability_version": component.capability_version,
            "execution_mode": mode,
            "wasm_digest": digest,
            "wasm_path": module,
        }),
        capability,
    })
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

/// The state machine's rules (§10.4), in traverse-registry's order, codes, paths and words.
/// Traverse stops at the first; the page goes on where what follows does not depend on it (every
/// bad id, every undefined target, every unreachable state, every bad invoke and condition).
/// Each problem is shown at its JSON value in `manifest_path`.
fn state_machine(manifest_path: &str, machine: &Value, capabilities: &BTreeSet<String>) -> Vec<AppError> {
    let mut errors = Vec::new();
    let problem = |code: &'static str, path: String, message: String, at: String| {
        AppError::new(code, path, message).shown_at(Location::json(manifest_path, at))
    };
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    let initial = text(&machine["initial_state"]);
    let states = machine["states"].as_array().map(Vec::as_slice).unwrap_or_default();
    if initial.trim().is_empty() || states.is_empty() {
        errors.push(problem(
            "app_state_machine_invalid",
            "state_machine".into(),
            "state_machine requires initial_state and at least one state".into(),
            "$.state_machine".into(),
        ));
        return errors;
    }
    // Each id and where its state is: the first of an id, as traverse-registry finds it.
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    for (i, state) in states.iter().enumerate() {
        let id = text(&state["id"]);
        if id.trim().is_empty() || ids.contains_key(&id) {
            errors.push(problem(
                "app_state_machine_invalid",
                format!("state_machine.states.{id}"),
                "state_machine states must have unique non-empty ids".into(),
                format!("$.state_machine.states[{i}].id"),
            ));
        } else {
            ids.insert(id, i);
        }
    }
    if !errors.is_empty() {
        return errors;
    }
    if !ids.contains_key(&initial) {
        errors.push(problem(
            "app_state_machine_undefined_state",
            "state_machine.initial_state".into(),
            format!("initial_state '{initial}' is not declared in state_machine.states"),
            "$.state_machine.initial_state".into(),
        ));
        return errors;
    }
    let transitions =
        |state: usize| states[state]["transitions"].as_array().map(Vec::as_slice).unwrap_or_default();
    // Reachability as traverse-registry walks it: a stack, each state's transitions in order.
    let mut reached = BTreeSet::new();
    let mut pending = vec![initial];
    while let Some(id) = pending.pop() {
        if !reached.insert(id.clone()) {
            continue;
        }
        let state = ids[&id];
        for (j, transition) in transitions(state).iter().enumerate() {
            let (on, to) = (text(&transition["on"]), text(&transition["to"]));
            if ids.contains_key(&to) {
                pending.push(to);
            } else {
                errors.push(problem(
                    "app_state_machine_undefined_state",
                    format!("state_machine.states.{id}.transitions.{on}"),
                    format!("transition '{on}' targets undefined state '{to}'"),
                    format!("$.state_machine.states[{state}].transitions[{j}].to"),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return errors;
    }
    for (id, &state) in ids.iter().filter(|(id, _)| !reached.contains(*id)) {
        errors.push(problem(
            "app_state_machine_unreachable_state",
            format!("state_machine.states.{id}"),
            format!("state_machine state '{id}' is unreachable from initial_state"),
            format!("$.state_machine.states[{state}]"),
        ));
    }
    if !errors.is_empty() {
        return errors;
    }
    let mut fields = HashSet::new();
    let bad_field = machine["list_context_fields"].as_array().into_iter().flatten().position(|field| {
        let field = field.as_str().unwrap_or_default();
        !is_output_path(field) || !fields.insert(field)
    });
    if let Some(i) = bad_field {
        errors.push(problem(
            "app_state_machine_invalid",
            "state_machine.list_context_fields".into(),
            "list_context_fields entries must be unique non-empty output.* paths".into(),
            format!("$.state_machine.list_context_fields[{i}]"),
        ));
        return errors;
    }
    for (i, state) in states.iter().enumerate() {
        let id = text(&state["id"]);
        if let Some(capability) = state["invoke"]["capability_id"].as_str()
            && !capabilities.contains(capability)
        {
            errors.push(problem(
                "app_state_machine_undefined_capability",
                format!("state_machine.states.{id}.invoke"),
                format!("invoke capability '{capability}' is not declared in app components"),
                format!("$.state_machine.states[{i}].invoke.capability_id"),
            ));
            continue;
        }
        for (j, transition) in transitions(i).iter().enumerate() {
            let Some(condition) = transition.get("condition").filter(|condition| !condition.is_null()) else {
                continue;
            };
            let on = text(&transition["on"]);
            let path = |part: &str| format!("state_machine.states.{id}.transitions.{on}.condition.{part}");
            let at = |part: &str| format!("$.state_machine.states[{i}].transitions[{j}].condition.{part}");
            let operator = text(&condition["op"]);
            if !is_output_path(text(&condition["field"]).trim()) {
                errors.push(problem(
                    "app_state_machine_invalid",
                    path("field"),
                    "transition condition field must be a non-empty output.* path".into(),
                    at("field"),
                ));
            } else if !matches!(
                operator.as_str(),
                "eq" | "neq" | "gt" | "gte" | "lt" | "lte" | "in" | "exists"
            ) {
                errors.push(problem(
                    "app_state_machine_invalid",
                    path("op"),
                    format!("unsupported transition condition operator '{operator}'"),
                    at("op"),
                ));
            } else if operator != "exists" && condition.get("value").is_none_or(Value::is_null) {
                errors.push(problem(
                    "app_state_machine_invalid",
                    path("value"),
                    format!("transition condition operator '{operator}' requires value"),
                    at("op"),
                ));
            }
        }
    }
    errors
}

/// `output.` then one or more dot-separated segments, each with text.
fn is_output_path(field: &str) -> bool {
    field
        .strip_prefix("output.")
        .is_some_and(|rest| rest.split('.').all(|segment| !segment.trim().is_empty()))
}

/// What `ApplicationRegistry::register_bundle` adds (§10.5), as Traverse's native embedder
/// runs it: each workflow file against its reference, every component event against the
/// embedder's empty event registry, then each workflow registered against the components.
fn register(files: &PackageFiles, manifest_path: &str, loaded: &Loaded) -> Vec<AppError> {
    let mut errors = Vec::new();
    if loaded.manifest.schema_version != "1.0.0" {
        errors.push(AppError::new(
            "unsupported_bundle_schema",
            "$.schema_version",
            format!(
                "application bundle schema_version {} is not supported (embedders accept 1.0.0)",
                loaded.manifest.schema_version
            ),
        ));
    }
    let mut workflows = Vec::new();
    for (i, reference) in loaded.manifest.workflows.iter().enumerate() {
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
    for capability in loaded.components.iter().filter_map(|component| component.capability.as_ref()) {
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

/// Where Traverse's browser embedder (`packages/web/TraverseEmbedder`, §11) would accept or
/// reject this bundle differently from `app validate` and the native embedder.
fn browser_embedder(
    files: &PackageFiles,
    manifest_path: &str,
    raw: Option<&Value>,
    loaded: Option<&Loaded>,
    report: &AppReport,
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
    for component in loaded.into_iter().flat_map(|loaded| &loaded.components) {
        let Some(path) = component.evidence["wasm_path"].as_str() else { continue };
        let Some(bytes) = files.get(path) else { continue };
        let Ok(info) = module_info::inspect(bytes) else { continue };
        for import in info.imports.iter().filter(|import| {
            import.module == "traverse_host"
                && matches!(import.name.as_str(), "emit_event" | "connector_invoke")
        }) {
            notes.push(format!(
                "rejects component {}: its module imports traverse_host.{}, which its whitelist lacks",
                component.evidence["component_id"].as_str().unwrap_or_default(),
                import.name
            ));
        }
    }
    notes
}
