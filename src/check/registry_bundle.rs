//! Registry bundles as `traverse-cli bundle inspect` and `bundle register` see them
//! (WORKFLOWS.md §9): a manifest naming capability contracts, event contracts and workflows by
//! `id@version` and path, with no digests.
//!
//! Traverse stops at the first problem; the page shows every one it can find (each missing
//! file, each mismatch) and derives Traverse's verdict from the first, as for packages.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{
    check::{
        Verdict, contract,
        diagnostic::{Diagnostic, Location, TraverseStop},
        registry::{Capability, Implementation, Registry, key},
        workflow::{self, Workflow},
    },
    package::{PackageFiles, ResolvedPath, resolve},
    sorted,
};

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BundleManifest {
    pub bundle_id: String,
    pub version: String,
    pub scope: String,
    pub capabilities: Vec<Artifact>,
    pub events: Vec<Artifact>,
    pub workflows: Vec<Artifact>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Artifact {
    pub id: String,
    pub version: String,
    pub path: String,
}

/// The three lists of a bundle, in the order Traverse reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Capabilities,
    Events,
    Workflows,
}

impl List {
    fn field(self) -> &'static str {
        match self {
            Self::Capabilities => "capabilities",
            Self::Events => "events",
            Self::Workflows => "workflows",
        }
    }

    fn singular(self) -> &'static str {
        match self {
            Self::Capabilities => "capability",
            Self::Events => "event",
            Self::Workflows => "workflow",
        }
    }
}

/// What `bundle inspect` reads of a bundle that loads: its identity and each list's `id@version`
/// as the manifest names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub bundle_id: String,
    pub version: String,
    pub scope: String,
    pub capabilities: Vec<String>,
    pub events: Vec<String>,
    pub workflows: Vec<String>,
}

/// What `bundle register` registers, in its order: `id@version` of each event, each capability
/// with `executable` or `workflow`, and each workflow, as their own files name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Registration {
    pub events: Vec<String>,
    pub capabilities: Vec<Record>,
    pub workflows: Vec<String>,
}

/// One capability `bundle register` lists: `id@version` and `executable` or `workflow`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    pub id: String,
    pub implementation: &'static str,
}

/// A registry bundle checked: every problem found, and both commands' outcomes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BundleReport {
    pub manifest_path: String,
    /// Every problem, loading's first (in Traverse's order), then registration's.
    pub diagnostics: Vec<Diagnostic>,
    /// `None` when the bundle does not load.
    pub summary: Option<Summary>,
    /// `None` when the bundle does not register.
    pub registration: Option<Registration>,
    /// The composite capabilities the bundle declares: a contract backed by a workflow.
    pub composites: Vec<Composite>,
}

/// A workflow-backed capability and the workflow it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Composite {
    pub capability: String,
    pub workflow: String,
    /// Whether the bundle holds that workflow.
    pub workflow_in_bundle: bool,
}

impl BundleReport {
    /// `bundle inspect`: the first loading problem, exit 4.
    pub fn inspect_verdict(&self) -> Verdict {
        self.first(|stop| stop.exit_code == LOAD_EXIT)
    }

    /// `bundle register`: loading first, then registration's first problem (exit 2 or 3).
    pub fn register_verdict(&self) -> Verdict {
        self.first(|_| true)
    }

    fn first(&self, counts: impl Fn(&TraverseStop) -> bool) -> Verdict {
        self.diagnostics
            .iter()
            .filter_map(|diagnostic| diagnostic.traverse.as_ref())
            .find(|stop| counts(stop))
            .map_or(Verdict::Passes, |stop| Verdict::Fails(stop.clone()))
    }

    /// What `bundle inspect` prints on stdout when it passes: the bundle, each list's count, then
    /// each list's `id@version` entries.
    pub fn inspect_text(&self) -> Option<String> {
        let summary = self.summary.as_ref()?;
        let mut lines = identity_lines(summary);
        for (name, count) in [
            ("capabilities", summary.capabilities.len()),
            ("events", summary.events.len()),
            ("workflows", summary.workflows.len()),
        ] {
            lines.push(format!("{name}: {count}"));
        }
        for (name, ids) in [
            ("capability_ids", &summary.capabilities),
            ("event_ids", &summary.events),
            ("workflow_ids", &summary.workflows),
        ] {
            lines.push(format!("{name}:"));
            lines.extend(ids.iter().map(|id| format!("  - {id}")));
        }
        Some(lines.join("\n") + "\n")
    }

    /// What `bundle inspect --json` prints when it passes, its keys in serde_json's order.
    pub fn inspect_json(&self) -> Option<Value> {
        let summary = self.summary.as_ref()?;
        Some(serde_json::json!({
            "bundle_id": summary.bundle_id,
            "version": summary.version,
            "scope": summary.scope,
            "capabilities": summary.capabilities.len(),
            "events": summary.events.len(),
            "workflows": summary.workflows.len(),
            "capability_ids": summary.capabilities,
            "event_ids": summary.events,
            "workflow_ids": summary.workflows,
        }))
    }

    /// What `bundle register` prints when it passes: the counts, each record, and the evidence,
    /// which is only ever of a synced public registry (none here, so always empty).
    pub fn register_text(&self) -> Option<String> {
        let (summary, registration) = (self.summary.as_ref()?, self.registration.as_ref()?);
        let mut lines = identity_lines(summary);
        lines.push(format!("registered_capabilities: {}", registration.capabilities.len()));
        lines.push(format!("registered_events: {}", registration.events.len()));
        lines.push(format!("registered_workflows: {}", registration.workflows.len()));
        lines.push("capability_records:".to_owned());
        lines.extend(
            registration
                .capabilities
                .iter()
                .map(|record| format!("  - {} ({})", record.id, record.implementation)),
        );
        for (name, records) in
            [("event_records", &registration.events), ("workflow_records", &registration.workflows)]
        {
            lines.push(format!("{name}:"));
            lines.extend(records.iter().map(|record| format!("  - {record}")));
        }
        lines.push("evidence:".to_owned());
        Some(lines.join("\n") + "\n")
    }

    /// What `bundle register --json` prints when it passes.
    pub fn register_json(&self) -> Option<Value> {
        let registration = self.registration.as_ref()?;
        Some(serde_json::json!({
            "registered_capabilities": registration.capabilities.len(),
            "registered_events": registration.events.len(),
            "registered_workflows": registration.workflows.len(),
            "evidence": [],
        }))
    }
}

/// The lines both bundle summaries start with.
fn identity_lines(summary: &Summary) -> Vec<String> {
    vec![
        format!("bundle_id: {}", summary.bundle_id),
        format!("version: {}", summary.version),
        format!("scope: {}", summary.scope),
    ]
}

/// `bundle inspect` fails with exit 4; registration with 2 (validation) or 3 (conflict).
const LOAD_EXIT: u8 = 4;
const VALIDATION_EXIT: u8 = 2;

/// Checks the registry bundle whose manifest is `manifest_path` among `files`.
pub fn check(files: &PackageFiles, manifest_path: &str) -> BundleReport {
    let mut report = BundleReport {
        manifest_path: manifest_path.to_owned(),
        diagnostics: Vec::new(),
        summary: None,
        registration: None,
        composites: Vec::new(),
    };
    let Some(loaded) = load(files, manifest_path, &mut report.diagnostics) else { return report };
    report.composites = composites(&loaded);
    if report.diagnostics.is_empty() {
        report.summary = Some(summary(&loaded.manifest));
        report.registration = register(manifest_path, &loaded, &mut report.diagnostics);
    }
    report
}

/// What loading read: the manifest and every artefact that parsed.
struct Loaded {
    manifest: BundleManifest,
    capabilities: Vec<(ResolvedPath, Capability)>,
    events: Vec<(String, String)>,
    workflows: Vec<(ResolvedPath, Workflow)>,
}

fn problem(code: &'static str, location: Location, message: String, exit_code: u8) -> Diagnostic {
    Diagnostic::error(code, location, message.clone()).stops(TraverseStop::registration(exit_code, message))
}

/// `load_registry_bundle`, every problem collected in its order. `None` when the manifest
/// itself cannot be read.
fn load(files: &PackageFiles, manifest_path: &str, found: &mut Vec<Diagnostic>) -> Option<Loaded> {
    let at = |path: &str| Location::json(manifest_path, path);
    let bytes = files.get(manifest_path)?;
    let Ok(text) = std::str::from_utf8(bytes) else {
        found.push(problem(
            "bundle.manifest_read_failed",
            Location::file(manifest_path),
            format!("failed to read bundle manifest {manifest_path}: stream did not contain valid UTF-8"),
            LOAD_EXIT,
        ));
        return None;
    };
    let manifest: BundleManifest = match serde_json::from_str(text) {
        Ok(manifest) => manifest,
        Err(error) => {
            found.push(problem(
                "bundle.manifest_parse_failed",
                Location::file(manifest_path),
                format!("failed to parse bundle manifest {manifest_path}: {error}"),
                LOAD_EXIT,
            ));
            return None;
        }
    };
    if !matches!(manifest.scope.as_str(), "public" | "private") {
        found.push(problem(
            "bundle.invalid_scope",
            at("$.scope"),
            format!("bundle manifest {manifest_path} declares unsupported scope {}", manifest.scope),
            LOAD_EXIT,
        ));
    }
    let lists = [
        (List::Capabilities, &manifest.capabilities),
        (List::Events, &manifest.events),
        (List::Workflows, &manifest.workflows),
    ];
    for (list, artifacts) in lists {
        let mut seen = HashSet::new();
        for (i, artifact) in artifacts.iter().enumerate() {
            if !seen.insert((&artifact.id, &artifact.version)) {
                found.push(problem(
                    "bundle.duplicate_artifact_id",
                    at(&format!("$.{}[{i}]", list.field())),
                    format!(
                        "duplicate {} artifact entry in bundle manifest: {}",
                        list.singular(),
                        key(&artifact.id, &artifact.version)
                    ),
                    LOAD_EXIT,
                ));
            }
        }
    }

    let (mut capabilities, mut events, mut workflows) = (Vec::new(), Vec::new(), Vec::new());
    for (list, artifacts) in lists {
        for (i, artifact) in artifacts.iter().enumerate() {
            let Some((resolved, text)) = read_artifact(files, manifest_path, list, i, artifact, found) else {
                continue;
            };
            let file = Location::file(&resolved.key);
            let parse_failed = |code, message: String| {
                let prefix = match list {
                    List::Workflows => {
                        format!("failed to parse workflow artifact {} for {}", resolved.display, artifact.id)
                    }
                    _ => format!("failed to parse artifact {} at {}", artifact.id, resolved.display),
                };
                problem(code, file.clone(), format!("{prefix}: {message}"), LOAD_EXIT)
            };
            let identity = match list {
                List::Capabilities => match contract::parse_valid(text) {
                    Err(message) => Err(parse_failed("bundle.capability_parse_failed", message)),
                    Ok(parsed) => {
                        let identity = (parsed.id.clone(), parsed.version.clone());
                        capabilities.push((resolved.clone(), Capability::new(resolved.key.clone(), parsed)));
                        Ok(identity)
                    }
                },
                List::Events => event_identity(text)
                    .map_err(|message| parse_failed("bundle.event_parse_failed", message))
                    .inspect(|(id, version)| events.push((id.clone(), version.clone()))),
                List::Workflows => match workflow::parse(text) {
                    Err(error) => Err(parse_failed("bundle.workflow_parse_failed", error.to_string())),
                    Ok(parsed) => {
                        let identity = (parsed.id.clone(), parsed.version.clone());
                        workflows.push((resolved.clone(), parsed));
                        Ok(identity)
                    }
                },
            };
            match identity {
                Err(diagnostic) => found.push(diagnostic),
                Ok((id, version)) => {
                    for (field, declared, contained) in
                        [("id", &artifact.id, &id), ("version", &artifact.version, &version)]
                    {
                        if declared != contained {
                            found.push(problem(
                                if field == "id" { "bundle.artifact_id_mismatch" } else { "bundle.artifact_version_mismatch" },
                                at(&format!("$.{}[{i}].{field}", list.field())),
                                format!(
                                    "artifact {field} mismatch for {}: manifest declared {declared}, file contains {contained}",
                                    resolved.display
                                ),
                                LOAD_EXIT,
                            ));
                        }
                    }
                }
            }
        }
    }
    Some(Loaded { manifest, capabilities, events, workflows })
}

/// An artefact's file as text, or the problem that stops Traverse reading it.
fn read_artifact<'f>(
    files: &'f PackageFiles,
    manifest_path: &str,
    list: List,
    index: usize,
    artifact: &Artifact,
    found: &mut Vec<Diagnostic>,
) -> Option<(ResolvedPath, &'f str)> {
    let resolved = resolve(manifest_path, &artifact.path);
    let location = Location::json(manifest_path, format!("$.{}[{index}].path", list.field()));
    let Some(bytes) = files.get(&resolved.key) else {
        let diagnostic = Diagnostic::error(
            "bundle.missing_artifact_file",
            location,
            format!("the {} file of {} is missing: add {}", list.singular(), artifact.id, resolved.key),
        )
        .stops(TraverseStop::registration(
            LOAD_EXIT,
            format!("missing artifact file for {} at {}", artifact.id, resolved.display),
        ));
        found.push(diagnostic);
        return None;
    };
    match std::str::from_utf8(bytes) {
        Ok(text) => Some((resolved, text)),
        Err(_) => {
            let message = format!(
                "failed to read artifact file {}: stream did not contain valid UTF-8",
                resolved.display
            );
            found.push(problem(
                "bundle.artifact_read_failed",
                Location::file(&resolved.key),
                message,
                LOAD_EXIT,
            ));
            None
        }
    }
}

/// An event contract's `id@version`, or why it does not parse. Traverse's full event-contract
/// rules are not recorded; this holds the identity rules every contract shares.
fn event_identity(text: &str) -> Result<(String, String), String> {
    let json: Value = serde_json::from_str(text).map_err(|error| format!("{error} at $"))?;
    let mut violations = Vec::new();
    if json["kind"] != "event_contract" {
        violations.push("kind must equal event_contract at $.kind".to_owned());
    }
    let text_at = |field: &str| json[field].as_str().unwrap_or_default().to_owned();
    let (id, version) = (text_at("id"), text_at("version"));
    if id.trim().is_empty() {
        violations.push("value must be non-empty at $.id".to_owned());
    }
    if semver::Version::parse(&version).is_err() {
        violations.push("version must match MAJOR.MINOR.PATCH at $.version".to_owned());
    }
    if violations.is_empty() { Ok((id, version)) } else { Err(violations.join("; ")) }
}

fn summary(manifest: &BundleManifest) -> Summary {
    let keys = |artifacts: &[Artifact]| artifacts.iter().map(|a| key(&a.id, &a.version)).collect();
    Summary {
        bundle_id: manifest.bundle_id.clone(),
        version: manifest.version.clone(),
        scope: manifest.scope.clone(),
        capabilities: keys(&manifest.capabilities),
        events: keys(&manifest.events),
        workflows: keys(&manifest.workflows),
    }
}

fn composites(loaded: &Loaded) -> Vec<Composite> {
    loaded
        .capabilities
        .iter()
        .filter_map(|(_, capability)| match &capability.implementation {
            Implementation::Workflow { workflow_id, workflow_version } => Some(Composite {
                capability: key(&capability.contract.id, &capability.contract.version),
                workflow: key(workflow_id, workflow_version),
                workflow_in_bundle: loaded
                    .workflows
                    .iter()
                    .any(|(_, w)| &w.id == workflow_id && &w.version == workflow_version),
            }),
            _ => None,
        })
        .collect()
}

/// `bundle register` after a clean load: the scope, the contractual gate, the capabilities,
/// then each workflow against the bundle's capabilities. `None` when it fails.
fn register(manifest_path: &str, loaded: &Loaded, found: &mut Vec<Diagnostic>) -> Option<Registration> {
    if loaded.manifest.scope == "public" {
        found.push(problem(
            "bundle.local_public_scope_rejected",
            Location::json(manifest_path, "$.scope"),
            "local_public_scope_rejected: local bundle registration cannot populate the public registry tier; \
             use scope: private for local testing or traverse-cli capability publish for governed publication ($.scope)"
                .to_owned(),
            VALIDATION_EXIT,
        ));
        return None;
    }
    let mut registry = Registry::default();
    for (id, version) in &loaded.events {
        registry.add_event(id, version);
    }

    // The gate: every event a capability emits or consumes must be one of the bundle's.
    let mut unresolved: Vec<(&str, String, Location)> = Vec::new();
    for (resolved, capability) in &loaded.capabilities {
        let contract = &capability.contract;
        for (field, references) in [("emits", &contract.emits), ("consumes", &contract.consumes)] {
            for (i, event) in references.iter().enumerate() {
                if !registry.has_event(&event.event_id, &event.version) {
                    unresolved.push((
                        resolved.display.as_str(),
                        key(&event.event_id, &event.version),
                        Location::json(&resolved.key, format!("$.{field}[{i}]")),
                    ));
                }
            }
        }
    }
    if !unresolved.is_empty() {
        sorted::sort_by(&mut unresolved, |a, b| a.0.cmp(b.0));
        let lines: String = unresolved
            .iter()
            .map(|(path, event, _)| {
                format!(
                    "\n- [unresolved_event_reference] {path}: capability references missing event {event}"
                )
            })
            .collect();
        let stop = TraverseStop::registration(
            VALIDATION_EXIT,
            format!("registration-time contractual enforcement gate failed{lines}"),
        );
        for (_, event, location) in unresolved {
            let message = format!(
                "capability references missing event {event}: add its event contract to the bundle's events"
            );
            found.push(
                Diagnostic::error("bundle.unresolved_event_reference", location, message).stops(stop.clone()),
            );
        }
        return None;
    }

    let mut capabilities = Vec::new();
    for (resolved, capability) in &loaded.capabilities {
        let contract = &capability.contract;
        if capability.implementation == Implementation::WorkflowWithoutRef {
            found.push(problem(
                "bundle.workflow_ref_missing",
                Location::json(&resolved.key, "$.composability"),
                format!("workflow-backed capability {} must declare workflow_ref", contract.id),
                VALIDATION_EXIT,
            ));
            return None;
        }
        capabilities.push(Record {
            id: key(&contract.id, &contract.version),
            implementation: capability.implementation.label(),
        });
        registry.add_capability(capability.clone());
    }
    for (resolved, workflow) in &loaded.workflows {
        let errors = workflow::registration_errors(workflow, &registry);
        if !errors.is_empty() {
            let message =
                errors.iter().map(|e| format!("{} at {}", e.message, e.path)).collect::<Vec<_>>().join("; ");
            let stop = TraverseStop::registration(VALIDATION_EXIT, message);
            for error in errors {
                found.push(
                    Diagnostic::error(
                        "bundle.workflow_invalid",
                        Location::json(&resolved.key, &error.path),
                        format!("{} ({})", error.message, error.code),
                    )
                    .stops(stop.clone()),
                );
            }
            return None;
        }
    }
    Some(Registration {
        events: loaded.events.iter().map(|(id, version)| key(id, version)).collect(),
        capabilities,
        workflows: loaded
            .workflows
            .iter()
            .map(|(_, workflow)| key(&workflow.id, &workflow.version))
            .collect(),
    })
}
