//! Application bundles as `traverse-cli app validate --json` sees them (WORKFLOWS.md §10): the
//! CLI's pre-checks, then the loader's order: the manifest, its [`model_dependencies`], its
//! effective [`config`], every [`component`] (manifest, contract, pinned WASM), the
//! [`state_machine`] and the [`connector_bindings`]; then, labelled apart, what
//! [`registration`] adds (§10.5) and where Traverse's own [`browser_embedder`] would decide
//! differently (§11).
//!
//! Traverse stops at the first error and its evidence holds that one; the page lists every
//! problem it can find, in Traverse's order, so the first is always Traverse's.

mod browser_embedder;
mod component;
mod config;
mod connector_bindings;
mod model_dependencies;
mod registration;
mod state_machine;

use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize, de::IgnoredAny};
use serde_json::{Value, json};

use self::{
    component::LoadedComponent, config::EffectiveConfig, connector_bindings::ConnectorBinding,
    model_dependencies::ModelDependency, state_machine::StateMachine,
};
use crate::{
    check::{
        diagnostic::{Diagnostic, Location, TraverseStop},
        module_info::Reader,
        registry::key,
    },
    package::{PackageFiles, resolve},
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
    /// When the CLI stops before any evidence: a manifest its pre-check cannot read as JSON.
    pub stop: Option<TraverseStop>,
    /// What `app validate` finds, in its order: Traverse reports the first.
    pub errors: Vec<AppError>,
    /// What registering the bundle adds (`ApplicationRegistry::register_bundle`, as Traverse's
    /// native embedder does it), when it validates.
    pub registration: Vec<AppError>,
    /// Where Traverse's browser embedder decides differently, in words.
    pub browser_embedder: Vec<String>,
    /// `app_id@version`, when the manifest parses.
    pub app: Option<String>,
    /// Where each problem is, for the page (the same problems as `errors` and `registration`).
    pub diagnostics: Vec<Diagnostic>,
    /// `app validate --json`'s evidence when it validates.
    #[serde(skip)]
    validated: Option<Value>,
}

impl AppReport {
    /// Whether `app validate` says `validated`.
    pub fn passes(&self) -> bool {
        self.stop.is_none() && self.errors.is_empty()
    }

    /// `app validate --json`'s exit code: 0 whatever its evidence says, unless it stops first.
    pub fn exit_code(&self) -> u8 {
        self.stop.as_ref().map_or(0, |stop| stop.exit_code)
    }

    /// `app validate --json`'s evidence: `status`, and Traverse's first error or what loaded;
    /// `None` when it stops before any (its line is then on stderr).
    pub fn evidence(&self) -> Option<Value> {
        if self.stop.is_some() {
            return None;
        }
        Some(match self.errors.first() {
            Some(error) => json!({
                "status": "failed",
                "manifest_path": self.manifest_path,
                "errors": [{"code": error.code, "path": error.path, "severity": "error", "message": error.message}],
            }),
            None => self.validated.clone().unwrap_or_default(),
        })
    }

    /// The line the page shows: `validated`, Traverse's first error, or where it stops.
    pub fn line(&self) -> String {
        match (&self.stop, self.errors.first()) {
            (Some(stop), _) => format!("exit {}: {}", stop.exit_code, stop.message),
            (None, Some(error)) => format!("failed: [{}] {} ({})", error.code, error.message, error.path),
            (None, None) => "validated".to_owned(),
        }
    }
}

const PRIVATE_PREFIXES: [&str; 5] = ["_", "internal", "x-internal", "private", "x-private"];
/// The SHA-256 of no bytes: a digest copied from an empty file is a placeholder too.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The loader's serde model (traverse-registry's type name, as its parse errors say it): every
/// field required but two; `_` fields are required, not read.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename = "ApplicationManifestSerde")]
struct AppManifest {
    app_id: String,
    version: String,
    schema_version: String,
    workspace_defaults: Value,
    components: Vec<ComponentRef>,
    workflows: Vec<WorkflowRef>,
    #[serde(default)]
    connector_bindings: Vec<ConnectorBinding>,
    model_dependencies: Vec<ModelDependency>,
    config_schema: Value,
    default_config: Value,
    #[serde(rename = "placement_policy")]
    _placement_policy: IgnoredAny,
    public_surfaces: Vec<String>,
    #[serde(default)]
    state_machine: Option<StateMachine>,
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

/// What has text once trimmed: traverse-registry's test of a required string.
fn has_text(value: &str) -> bool {
    !value.trim().is_empty()
}

/// Checks the application bundle whose `app.manifest.json` is `manifest_path` among `files`.
pub fn check(files: &PackageFiles, manifest_path: &str, reader: &dyn Reader) -> AppReport {
    check_in_workspace(files, manifest_path, None, reader)
}

/// [`check`] as `app validate --workspace <id>` runs it: a `registry_ref` component is resolved
/// against the workspace's synced public registry, which the playground never holds (it runs no
/// `registry sync`), so the resolution fails as Traverse's does without one.
pub fn check_in_workspace(
    files: &PackageFiles,
    manifest_path: &str,
    workspace: Option<&str>,
    reader: &dyn Reader,
) -> AppReport {
    let mut report = AppReport {
        manifest_path: manifest_path.to_owned(),
        stop: None,
        errors: Vec::new(),
        registration: Vec::new(),
        browser_embedder: Vec::new(),
        app: None,
        diagnostics: Vec::new(),
        validated: None,
    };
    let bytes = files.get(manifest_path).unwrap_or_default();
    // Read once: the CLI's pre-checks and the browser embedder's notes both read it.
    let raw = json_file(manifest_path, bytes);
    match raw.as_ref().map_err(Clone::clone).and_then(|raw| pre_checks(files, manifest_path, raw)) {
        Err(stop) => report.stop = Some(stop),
        Ok(error) => report.errors.extend(error),
    }
    let loaded = load(files, manifest_path, bytes, workspace, &mut report.errors);
    if let Some(loaded) = &loaded {
        report.app = Some(key(&loaded.manifest.app_id, &loaded.manifest.version));
        if report.errors.is_empty() {
            report.validated = Some(loaded.evidence(manifest_path));
            report.registration = registration::problems(
                files,
                manifest_path,
                &loaded.manifest.schema_version,
                &loaded.manifest.workflows,
                &loaded.components,
            );
        }
    }
    report.browser_embedder = browser_embedder::notes(
        files,
        manifest_path,
        raw.as_ref().ok(),
        loaded.as_ref().map(|l| l.components.as_slice()),
        &report,
        reader,
    );
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
    report.diagnostics = report
        .stop
        .iter()
        .map(|stop| {
            let mut diagnostic =
                Diagnostic::error("app.invalid", Location::file(manifest_path), stop.message.clone());
            diagnostic.traverse = Some(stop.clone());
            diagnostic
        })
        .collect();
    report.diagnostics.extend(report.errors.iter().map(|error| located(error, "app.invalid")));
    // Registration is not `app validate`: what it would refuse is a warning beside the verdict.
    report.diagnostics.extend(report.registration.iter().map(|error| {
        let mut diagnostic = located(error, "app.registration");
        diagnostic.severity = crate::check::diagnostic::Severity::Warning;
        diagnostic
    }));
    report
}

/// A manifest as the CLI's pre-check reads it (`read_json_file`): one it cannot read stops the
/// command with exit 4, one that is not JSON with exit 2.
fn json_file(path: &str, bytes: &[u8]) -> Result<Value, TraverseStop> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        TraverseStop::registration(
            4,
            format!("failed to read JSON file {path}: stream did not contain valid UTF-8"),
        )
    })?;
    serde_json::from_str(text)
        .map_err(|error| TraverseStop::registration(2, format!("failed to parse JSON file {path}: {error}")))
}

/// `validate_app_manifest_metadata_for_cli` (§10.1): private fields and placeholder digests,
/// before the loader. The first hit only, as the CLI stops there; a manifest it reads that is not
/// JSON stops the command (exit 4 unread, 2 unparsed), with no evidence.
fn pre_checks(
    files: &PackageFiles,
    manifest_path: &str,
    raw: &Value,
) -> Result<Option<AppError>, TraverseStop> {
    let private = |value: &Value| {
        value
            .as_object()?
            .keys()
            .find(|key| PRIVATE_PREFIXES.iter().any(|prefix| key.starts_with(prefix)))
            .cloned()
    };
    if let Some(field) = private(raw) {
        return Ok(Some(AppError::new(
            "unsupported_private_field",
            format!("$.{field}"),
            format!("unsupported private/internal manifest field {field}"),
        )));
    }
    for (i, component) in raw["components"].as_array().into_iter().flatten().enumerate() {
        if component["digest"].as_str().is_some_and(is_placeholder) {
            return Ok(Some(
                AppError::new(
                    "placeholder_wasm_digest",
                    "$.components[].digest",
                    "application component reference declares a placeholder or all-zero WASM digest",
                )
                .shown_at(Location::json(manifest_path, format!("$.components[{i}].digest"))),
            ));
        }
        let Some(path) = component["manifest_path"].as_str() else { continue };
        let resolved = resolve(manifest_path, path);
        let Some(bytes) = files.get(&resolved.key) else { continue };
        let manifest = json_file(&resolved.display, bytes)?;
        if let Some(field) = private(&manifest) {
            return Ok(Some(
                AppError::new(
                    "unsupported_private_field",
                    format!("$.components[].{field}"),
                    format!("unsupported private/internal manifest field {field}"),
                )
                .shown_at(Location::json(&resolved.key, format!("$.{field}"))),
            ));
        }
        if manifest["wasm_digest"].as_str().is_some_and(is_placeholder) {
            return Ok(Some(AppError::new(
                "placeholder_wasm_digest",
                format!("{}:$.wasm_digest", resolved.display),
                "component manifest declares a placeholder or all-zero WASM digest",
            )));
        }
    }
    Ok(None)
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
    config: Option<EffectiveConfig>,
    components: Vec<LoadedComponent>,
}

impl Loaded {
    /// What `app validate --json` prints when the application validates: every object's keys
    /// sorted, as Traverse's `serde_json` prints them.
    fn evidence(&self, manifest_path: &str) -> Value {
        let manifest = &self.manifest;
        let workflow = |w: &WorkflowRef| format!("/v1/workflows/{}/{}", w.workflow_id, w.workflow_version);
        json!({
            "status": "validated",
            "app_id": manifest.app_id,
            "app_version": manifest.version,
            "schema_version": manifest.schema_version,
            "manifest_path": manifest_path,
            "component_ids": self.components.iter().map(|c| &c.component_id).collect::<Vec<_>>(),
            "workflow_ids": manifest.workflows.iter().map(|w| &w.workflow_id).collect::<Vec<_>>(),
            "components": self.components.iter().map(LoadedComponent::evidence).collect::<Vec<_>>(),
            "workflows": manifest.workflows.iter().map(|w| json!({
                "workflow_id": w.workflow_id, "workflow_version": w.workflow_version, "path": w.path,
            })).collect::<Vec<_>>(),
            "digest_verification":
                self.components.iter().filter_map(LoadedComponent::digest_verification).collect::<Vec<_>>(),
            "model_readiness": manifest.model_dependencies.iter().map(ModelDependency::readiness).collect::<Vec<_>>(),
            "effective_config": self.config.as_ref().map(EffectiveConfig::evidence),
            "public_surfaces": manifest.public_surfaces,
            "state_machine": manifest.state_machine.as_ref().map(StateMachine::evidence),
            "runtime_references": {
                "inspection": format!("/v1/apps/{}/{}", manifest.app_id, manifest.version),
                "workflows": manifest.workflows.iter().map(workflow).collect::<Vec<_>>(),
            },
            "governing_specs": [
                "044-application-bundle-manifest",
                "045-governed-model-dependency-resolution",
                "046-public-cli-app-registration",
            ],
        })
    }
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
            manifest_path,
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
                manifest_path,
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
    errors.extend(
        manifest
            .model_dependencies
            .iter()
            .enumerate()
            .filter_map(|(i, dependency)| dependency.problem(manifest_path, i)),
    );
    let declared = config::Declared {
        workspace_defaults: &manifest.workspace_defaults,
        config_schema: &manifest.config_schema,
        default_config: &manifest.default_config,
    };
    let config = config::effective(files, manifest_path, &declared).map_err(|error| errors.push(*error)).ok();
    // The capabilities the components declare, for the state machine's `invoke`, as each
    // component manifest parses (whether or not the rest of its checks pass).
    let mut capabilities = BTreeSet::new();
    let components: Vec<LoadedComponent> = manifest
        .components
        .iter()
        .enumerate()
        .filter_map(|(i, component)| {
            component::load(files, manifest_path, i, component, workspace, &mut capabilities, errors)
        })
        .collect();
    if let Some(machine) = &manifest.state_machine {
        errors.extend(machine.problems(manifest_path, &capabilities));
    }
    let required = components.iter().flat_map(|c| &c.capability.contract.connector_requirements);
    errors.extend(connector_bindings::problem(manifest_path, &manifest.connector_bindings, required));
    Some(Loaded { manifest, config, components })
}
