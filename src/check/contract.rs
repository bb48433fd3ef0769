//! The `capability_contract`: Traverse's model of it and `validate_contract` (SPEC §4).
//!
//! As with the manifest, the structs and enums mirror Traverse's in field and variant order, so
//! serde's parse errors (a missing `happy`, an unknown `service_type`) read exactly as Traverse's.

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::Value;

use crate::{
    check::diagnostic::{Diagnostic, Location, TraverseStop},
    package::ResolvedPath,
};

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename = "CapabilityContract")]
pub struct Contract {
    pub kind: String,
    pub schema_version: String,
    pub id: String,
    pub namespace: String,
    pub name: String,
    pub version: String,
    pub lifecycle: Lifecycle,
    pub owner: Owner,
    pub summary: String,
    pub description: String,
    pub inputs: SchemaContainer,
    pub outputs: SchemaContainer,
    pub preconditions: Vec<Condition>,
    pub postconditions: Vec<Condition>,
    pub side_effects: Vec<SideEffect>,
    pub emits: Vec<EventReference>,
    pub consumes: Vec<EventReference>,
    pub permissions: Vec<IdReference>,
    pub execution: Execution,
    pub policies: Vec<IdReference>,
    pub dependencies: Vec<DependencyReference>,
    pub provenance: Provenance,
    pub evidence: Vec<Evidence>,
    #[serde(default)]
    pub service_type: ServiceType,
    #[serde(default = "Target::all")]
    pub permitted_targets: Vec<Target>,
    #[serde(default)]
    pub event_trigger: Option<String>,
    #[serde(default)]
    pub connector_requirements: Vec<ConnectorRequirement>,
    #[serde(default)]
    pub state_schema: Option<Value>,
    #[serde(default)]
    pub use_cases: Vec<UseCase>,
    /// Raw, as Traverse's CLI reads it to tell a workflow-backed capability
    /// ([`crate::check::registry::Implementation`]); any JSON is accepted.
    #[serde(default)]
    pub composability: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    Draft,
    Active,
    Deprecated,
    Retired,
    Archived,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Owner {
    pub team: String,
    pub contact: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SchemaContainer {
    pub schema: Value,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Condition {
    pub id: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SideEffect {
    pub kind: SideEffectKind,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SideEffectKind {
    None,
    MemoryOnly,
    EventEmission,
    ExternalCall,
    StateChange,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
pub struct EventReference {
    pub event_id: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IdReference {
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Execution {
    pub binary_format: BinaryFormat,
    pub entrypoint: Entrypoint,
    pub preferred_targets: Vec<Target>,
    pub constraints: ExecutionConstraints,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinaryFormat {
    Wasm,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Entrypoint {
    pub kind: EntrypointKind,
    pub command: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum EntrypointKind {
    #[serde(rename = "wasi-command")]
    WasiCommand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Local,
    Browser,
    Edge,
    Cloud,
    Worker,
    Device,
}

impl Target {
    fn all() -> Vec<Self> {
        vec![Self::Local, Self::Browser, Self::Edge, Self::Cloud, Self::Worker, Self::Device]
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ExecutionConstraints {
    pub host_api_access: HostApiAccess,
    pub network_access: NetworkAccess,
    pub filesystem_access: FilesystemAccess,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HostApiAccess {
    None,
    ExceptionRequired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkAccess {
    Forbidden,
    Required,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilesystemAccess {
    None,
    SandboxOnly,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DependencyReference {
    pub artifact_type: ArtifactType,
    pub id: String,
    pub version: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArtifactType {
    Capability,
    Event,
    Policy,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Provenance {
    pub source: ProvenanceSource,
    pub author: String,
    pub created_at: String,
    #[serde(default)]
    pub spec_ref: Option<String>,
    #[serde(default)]
    pub adr_refs: Vec<String>,
    #[serde(default)]
    pub exception_refs: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProvenanceSource {
    Greenfield,
    BrownfieldExtracted,
    AiGenerated,
    AiAssisted,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Evidence {
    pub evidence_id: String,
    #[serde(rename = "type")]
    pub evidence_type: EvidenceType,
    pub status: EvidenceStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceType {
    SpecAlignment,
    ContractValidation,
    Compatibility,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceStatus {
    Passed,
    Failed,
    Superseded,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceType {
    #[default]
    Stateless,
    Subscribable,
    Stateful,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
pub struct ConnectorRequirement {
    pub connector_id: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UseCase {
    pub scenario: String,
    pub input_example: Value,
    pub output_example: Value,
    pub happy: bool,
    #[serde(default)]
    pub persona_ref: Option<String>,
}

/// One `validate_contract` error: Traverse's JSON path, code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: String,
    pub code: &'static str,
    pub message: &'static str,
}

/// Phrases that mark a contract as not one business action (SPEC §4.2).
const NON_BUSINESS_PHRASES: &[&str] = &[
    "utility function",
    "helper function",
    "crud wrapper",
    "transport handler",
    "database insert",
    "full application",
    "subsystem",
];

/// Parses contract JSON. `Err` holds serde's message, which Traverse prints followed by ` at $`.
pub fn parse(text: &str) -> Result<Contract, serde_json::Error> {
    serde_json::from_str(text)
}

/// Traverse's `parse_contract` as a registry reads an artefact: the contract, or Traverse's
/// message, serde's `{error} at $` or the joined violations of [`validate`].
pub fn parse_valid(text: &str) -> Result<Contract, String> {
    let contract = parse(text).map_err(|error| format!("{error} at $"))?;
    let violations = validate(&contract);
    if violations.is_empty() { Ok(contract) } else { Err(joined_message(&violations)) }
}

/// Traverse's `validate_contract`: every rule of SPEC §4.2, in its order, all errors collected.
pub fn validate(contract: &Contract) -> Vec<Violation> {
    let mut out = Violations::default();
    let c = contract;

    out.check(
        c.kind != "capability_contract",
        "$.kind",
        "InvalidLiteral",
        "kind must equal capability_contract",
    );
    out.check(
        c.schema_version != "1.0.0",
        "$.schema_version",
        "InvalidLiteral",
        "schema_version must equal 1.0.0",
    );
    out.check(
        !c.namespace.split('.').all(is_kebab_case),
        "$.namespace",
        "InvalidFormat",
        "namespace must be dot-separated lowercase kebab-case segments",
    );
    out.check(!is_kebab_case(&c.name), "$.name", "InvalidFormat", "name must be lowercase kebab-case");
    out.check(
        c.id != format!("{}.{}", c.namespace, c.name),
        "$.id",
        "InconsistentIdentity",
        "id must equal namespace.name",
    );
    out.semver(&c.version, "$.version");
    out.non_blank(&c.owner.team, "$.owner.team");
    out.non_blank(&c.owner.contact, "$.owner.contact");
    let summary_len = c.summary.trim().len();
    out.check(
        summary_len < 10 || c.summary.len() > 200,
        "$.summary",
        "InvalidFormat",
        "summary length must be between 10 and 200 characters",
    );
    out.check(
        c.description.trim().len() < 20,
        "$.description",
        "InvalidFormat",
        "description must be at least 20 characters",
    );
    out.check(
        !c.inputs.schema.is_object(),
        "$.inputs.schema",
        "InvalidFormat",
        "schema must be a JSON object",
    );
    out.check(
        !c.outputs.schema.is_object(),
        "$.outputs.schema",
        "InvalidFormat",
        "schema must be a JSON object",
    );
    for (list, name) in [(&c.preconditions, "preconditions"), (&c.postconditions, "postconditions")] {
        let mut seen = HashSet::new();
        for (i, condition) in list.iter().enumerate() {
            let path = format!("$.{name}[{i}].id");
            out.non_blank(&condition.id, &path);
            out.check(!seen.insert(&condition.id), &path, "DuplicateItem", "condition ids must be unique");
            out.non_blank(&condition.description, &format!("$.{name}[{i}].description"));
        }
    }
    out.check(
        c.side_effects.is_empty(),
        "$.side_effects",
        "MissingRequiredField",
        "side_effects must contain at least one item",
    );
    for (i, effect) in c.side_effects.iter().enumerate() {
        out.non_blank(&effect.description, &format!("$.side_effects[{i}].description"));
    }
    for (list, name) in [(&c.emits, "emits"), (&c.consumes, "consumes")] {
        let mut seen = HashSet::new();
        for (i, event) in list.iter().enumerate() {
            out.non_blank(&event.event_id, &format!("$.{name}[{i}].event_id"));
            out.semver(&event.version, &format!("$.{name}[{i}].version"));
            out.check(
                !seen.insert(event),
                &format!("$.{name}[{i}]"),
                "DuplicateItem",
                "event references must be unique by id and version",
            );
        }
    }
    out.ids(&c.permissions, "permissions");
    out.non_blank(&c.execution.entrypoint.command, "$.execution.entrypoint.command");
    let targets = &c.execution.preferred_targets;
    out.check(
        targets.is_empty(),
        "$.execution.preferred_targets",
        "MissingRequiredField",
        "preferred_targets must contain at least one item",
    );
    out.check(
        targets.iter().collect::<HashSet<_>>().len() != targets.len(),
        "$.execution.preferred_targets",
        "DuplicateItem",
        "preferred_targets must be unique",
    );
    out.check(
        c.execution.constraints.host_api_access == HostApiAccess::ExceptionRequired
            && c.provenance.exception_refs.is_empty(),
        "$.execution.constraints.host_api_access",
        "PortabilityExceptionRequired",
        "host_api_access=exception_required requires provenance.exception_refs",
    );
    out.ids(&c.policies, "policies");
    let mut seen = HashSet::new();
    for (i, dependency) in c.dependencies.iter().enumerate() {
        out.non_blank(&dependency.id, &format!("$.dependencies[{i}].id"));
        out.semver(&dependency.version, &format!("$.dependencies[{i}].version"));
        out.check(
            !seen.insert((dependency.artifact_type, &dependency.id, &dependency.version)),
            &format!("$.dependencies[{i}]"),
            "DuplicateItem",
            "dependencies must be unique by artifact_type, id, and version",
        );
    }
    let mut seen = HashSet::new();
    for (i, requirement) in c.connector_requirements.iter().enumerate() {
        out.non_blank(&requirement.connector_id, &format!("$.connector_requirements[{i}].connector_id"));
        out.check(
            semver::VersionReq::parse(&requirement.version).is_err(),
            &format!("$.connector_requirements[{i}].version"),
            "InvalidConnectorRequirement",
            "connector requirement version must be a valid semver range",
        );
        out.check(
            !seen.insert(requirement),
            &format!("$.connector_requirements[{i}]"),
            "DuplicateItem",
            "connector_requirements must be unique by connector_id and version",
        );
    }
    out.non_blank(&c.provenance.author, "$.provenance.author");
    out.non_blank(&c.provenance.created_at, "$.provenance.created_at");
    if let Some(spec_ref) = &c.provenance.spec_ref {
        out.non_blank(spec_ref, "$.provenance.spec_ref");
    }
    for (list, name, message) in [
        (&c.provenance.adr_refs, "adr_refs", "adr_refs must be unique"),
        (&c.provenance.exception_refs, "exception_refs", "exception_refs must be unique"),
    ] {
        out.check(
            list.iter().collect::<HashSet<_>>().len() != list.len(),
            &format!("$.provenance.{name}"),
            "DuplicateItem",
            message,
        );
    }
    let mut seen = HashSet::new();
    for (i, evidence) in c.evidence.iter().enumerate() {
        let path = format!("$.evidence[{i}].evidence_id");
        out.non_blank(&evidence.evidence_id, &path);
        out.check(
            !seen.insert(&evidence.evidence_id),
            &path,
            "DuplicateItem",
            "evidence_id values must be unique",
        );
    }
    let prose = format!("{} {}", c.summary, c.description).to_lowercase();
    out.check(
        NON_BUSINESS_PHRASES.iter().any(|phrase| prose.contains(phrase)),
        "$.summary",
        "InvalidCapabilityBoundary",
        "capability must represent one meaningful business action",
    );
    out.check(
        c.service_type == ServiceType::Stateful && c.permitted_targets.contains(&Target::Browser),
        "$.permitted_targets",
        "InvalidPlacementConstraint",
        "Stateful capabilities cannot target Browser environments; browsers cannot provide managed persistence guarantees.",
    );
    out.check(
        c.service_type == ServiceType::Subscribable && c.event_trigger.as_deref().is_none_or(str::is_empty),
        "$.event_trigger",
        "MissingEventTrigger",
        "Subscribable capabilities must declare a non-empty event_trigger field.",
    );
    out.0
}

/// Traverse's joined message for a failed `validate_contract`: `{message} at {path}; …`.
pub fn joined_message(violations: &[Violation]) -> String {
    violations.iter().map(|v| format!("{} at {}", v.message, v.path)).collect::<Vec<_>>().join("; ")
}

#[derive(Default)]
struct Violations(Vec<Violation>);

impl Violations {
    fn check(&mut self, fails: bool, path: &str, code: &'static str, message: &'static str) {
        if fails {
            self.0.push(Violation { path: path.to_owned(), code, message });
        }
    }

    fn non_blank(&mut self, value: &str, path: &str) {
        self.check(value.trim().is_empty(), path, "MissingRequiredField", "value must be non-empty");
    }

    fn semver(&mut self, value: &str, path: &str) {
        self.check(
            semver::Version::parse(value).is_err(),
            path,
            "InvalidSemver",
            "version must match MAJOR.MINOR.PATCH",
        );
    }

    fn ids(&mut self, list: &[IdReference], name: &str) {
        let mut seen = HashSet::new();
        for (i, item) in list.iter().enumerate() {
            let path = format!("$.{name}[{i}].id");
            self.non_blank(&item.id, &path);
            self.check(!seen.insert(&item.id), &path, "DuplicateItem", "ids must be unique");
        }
    }
}

/// Lowercase kebab-case: `-`-separated, non-empty runs of `[a-z0-9]`.
fn is_kebab_case(segment: &str) -> bool {
    segment
        .split('-')
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// Steps 5 and 6: read, parse and validate the contract.
pub fn check_file(resolved: &ResolvedPath, bytes: &[u8]) -> (Vec<Diagnostic>, Option<Contract>) {
    let file = &resolved.key;
    let Ok(text) = std::str::from_utf8(bytes) else {
        let diagnostic =
            Diagnostic::error("contract.read", Location::file(file), "the contract is not valid UTF-8 text")
                .stops(TraverseStop::load(format!(
                    "failed to read capability contract {}: stream did not contain valid UTF-8",
                    resolved.display
                )));
        return (vec![diagnostic], None);
    };
    let contract = match parse(text) {
        Ok(contract) => contract,
        Err(error) => {
            let diagnostic = Diagnostic::error(
                "contract.parse",
                Location::file(file),
                format!("the contract is not a valid capability_contract document: {error}"),
            )
            .stops(TraverseStop::load(format!(
                "capability contract {} is invalid: {error} at $",
                resolved.display
            )));
            return (vec![diagnostic], None);
        }
    };
    let violations = validate(&contract);
    let stop = TraverseStop::load(format!(
        "capability contract {} is invalid: {}",
        resolved.display,
        joined_message(&violations)
    ));
    let diagnostics = violations
        .iter()
        .map(|violation| {
            Diagnostic::error(
                "contract.invalid",
                Location::json(file, &violation.path),
                format!("{} ({})", violation.message, violation.code),
            )
            .stops(stop.clone())
        })
        .collect();
    (diagnostics, Some(contract))
}
