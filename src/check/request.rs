//! `runtime_request` files (SPEC §7): parsing, `validate_request`, and the steps of the runtime
//! pipeline that depend on the request: matching the intent to the package's capability, the
//! requested target, and the input against the contract's input schema.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::check::{
    contract::{Contract, Target},
    diagnostic::{Diagnostic, Location, TraverseStop, step},
    schema_subset,
};
use crate::package::workspace::REQUEST_KIND;

/// Fields in Traverse's declaration order: serde names the first missing one in this order.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename = "RuntimeRequest")]
pub struct Request {
    pub kind: String,
    pub schema_version: String,
    pub request_id: String,
    pub intent: RuntimeIntent,
    pub input: Value,
    pub lookup: LookupPolicy,
    pub context: RequestContext,
    pub governing_spec: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RuntimeIntent {
    #[serde(default)]
    pub capability_id: Option<String>,
    #[serde(default)]
    pub capability_version: Option<String>,
    #[serde(default)]
    pub version_range: Option<String>,
    #[serde(default)]
    pub intent_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LookupPolicy {
    pub scope: LookupScope,
    pub allow_ambiguity: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LookupScope {
    PublicOnly,
    PreferPrivate,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RequestContext {
    pub requested_target: Target,
}

pub const REQUEST_GOVERNING_SPEC: &str = "006-runtime-request-execution";

/// Parses a request file; a failure is where `traverse-cli` exits 2.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Request, Box<Diagnostic>> {
    let parsed = std::str::from_utf8(bytes)
        .map_err(|_| "stream did not contain valid UTF-8".to_owned())
        .and_then(|text| serde_json::from_str::<Request>(text).map_err(|error| error.to_string()));
    parsed.map_err(|error| {
        Box::new(
            Diagnostic::error(
                "request.parse",
                Location::file(file),
                format!("not a valid runtime_request: {error}"),
            )
            .stops(TraverseStop::request_parse(format!("failed to parse runtime request {file}: {error}"))),
        )
    })
}

/// The exact bytes Traverse writes to the guest's stdin for a request `input`: compact, keys
/// sorted at every level (serde_json without `preserve_order`), no trailing newline (SPEC §8.4).
pub fn stdin_bytes(input: &Value) -> String {
    input.to_string()
}

/// Every request-dependent step of the pipeline, each problem tagged with its step so that the
/// request's verdict orders it against the package's own runtime problems. The strict lint is a
/// pass of its own (`strict_lint::Job`).
pub fn check(file: &str, request: &Request, contract: Option<&Contract>) -> Vec<Diagnostic> {
    let mut found: Vec<Diagnostic> = validate(request)
        .into_iter()
        .map(|(path, message)| {
            Diagnostic::error("request.invalid", Location::json(file, path), message).stops(
                TraverseStop::execute(
                    step::VALIDATE_REQUEST,
                    "request_invalid",
                    message,
                    json!({"path": path}),
                ),
            )
        })
        .collect();
    let Some(contract) = contract else { return found };

    if !intent_matches(&request.intent, contract) {
        found.push(
            Diagnostic::error(
                "request.no_match",
                Location::json(file, "$.intent"),
                format!(
                    "the intent does not select this package's capability {}@{} (capability_not_found)",
                    contract.id, contract.version
                ),
            )
            .stops(TraverseStop::execute(
                step::FIND_CANDIDATES,
                "capability_not_found",
                "no eligible capability matched the runtime request",
                json!({"request_id": request.request_id}),
            )),
        );
    }
    if request.context.requested_target != Target::Local {
        found.push(
            Diagnostic::error(
                "request.placement_unsupported",
                Location::json(file, "$.context.requested_target"),
                "only requested_target \"local\" runs; the playground's executor stands in for Traverse's local one",
            )
            .stops(TraverseStop::execute(
                step::REQUESTED_TARGET,
                "placement_unsupported",
                "requested placement target is not supported by the available executor set",
                json!({"requested_target": request.context.requested_target,
                       "supported_executor_targets": ["local"]}),
            )),
        );
    }
    let violations = schema_subset::violations(&request.input, &contract.inputs.schema);
    let input_stop = TraverseStop::execute(
        step::INPUT_SCHEMA,
        "request_invalid",
        "runtime request input does not satisfy the selected capability input contract",
        json!({"violations": violations}),
    );
    for violation in violations {
        let path = format!("$.input{}", &violation.path[1..]);
        found.push(
            Diagnostic::error(
                "request.input_schema",
                Location::json(file, path),
                format!("{} (at {} of the input)", violation.message, violation.path),
            )
            .stops(input_stop.clone()),
        );
    }
    found
}

/// `validate_request` (SPEC §7.2): Traverse reports only the first failure; later ones follow.
pub fn validate(request: &Request) -> Vec<(&'static str, &'static str)> {
    let intent = &request.intent;
    let version_is_valid = |v: &String| semver::Version::parse(v).is_ok();
    [
        (request.kind != REQUEST_KIND, "$.kind", "kind must equal runtime_request"),
        (request.schema_version != "1.0.0", "$.schema_version", "schema_version must equal 1.0.0"),
        (
            request.governing_spec != REQUEST_GOVERNING_SPEC,
            "$.governing_spec",
            "governing_spec must equal 006-runtime-request-execution",
        ),
        (request.request_id.trim().is_empty(), "$.request_id", "request_id must be non-empty"),
        (
            request.lookup.allow_ambiguity,
            "$.lookup.allow_ambiguity",
            "allow_ambiguity must be false in this runtime slice",
        ),
        (
            intent.capability_version.as_ref().is_some_and(|v| !version_is_valid(v)),
            "$.intent.capability_version",
            "capability_version must be valid semantic versioning",
        ),
        (
            intent.capability_id.is_none() && intent.intent_key.is_none(),
            "$.intent",
            "runtime intent must include capability_id or intent_key",
        ),
        (
            intent.capability_version.is_some() && intent.capability_id.is_none(),
            "$.intent.capability_version",
            "capability_version requires capability_id",
        ),
        (
            intent.version_range.is_some() && intent.capability_id.is_none(),
            "$.intent.version_range",
            "version_range requires capability_id",
        ),
        (
            intent.version_range.is_some() && intent.capability_version.is_some(),
            "$.intent.version_range",
            "version_range and capability_version are mutually exclusive",
        ),
    ]
    .into_iter()
    .filter(|(fails, _, _)| *fails)
    .map(|(_, path, message)| (path, message))
    .collect()
}

/// Candidate lookup with the package's one registered capability (SPEC §7.3 step 2).
fn intent_matches(intent: &RuntimeIntent, contract: &Contract) -> bool {
    let named = intent.capability_id.as_ref().or(intent.intent_key.as_ref());
    if named != Some(&contract.id) {
        return false;
    }
    match (&intent.capability_version, &intent.version_range) {
        (Some(version), _) => *version == contract.version,
        (None, Some(range)) => {
            match (semver::VersionReq::parse(range), semver::Version::parse(&contract.version)) {
                (Ok(range), Ok(version)) => range.matches(&version),
                _ => false,
            }
        }
        (None, None) => true,
    }
}
