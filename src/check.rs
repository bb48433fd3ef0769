//! Checking a whole package: every check in Traverse's order, gathered into a [`Report`].
//!
//! The report lists every problem found, grouped by [`Check`]; its [`Verdict`] is the first
//! problem Traverse itself would stop on, with Traverse's exact line and exit code.

use serde::Serialize;

use crate::{
    contract::{self, Contract},
    diagnostic::{Diagnostic, Location, Stage, TraverseStop},
    digest, linkage, manifest,
    module_info::{self, InspectError, ModuleInfo},
    package::{PackageFiles, ResolvedPath, resolve},
    request,
    strict_lint::StrictLint,
    workflow, workspace,
};

/// The checks, in the order they run and are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    Manifest,
    Files,
    Contract,
    Linkage,
    Digest,
    Runtime,
    Module,
    Workflows,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub check: Check,
    pub diagnostics: Vec<Diagnostic>,
}

/// Digests of the package binary, for display beside the declared one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BinaryFacts {
    pub path: String,
    pub size: usize,
    pub declared: String,
    pub fnv1a64: String,
    pub sha256: String,
}

/// What Traverse would do with the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Verdict {
    Passes,
    Fails(TraverseStop),
}

impl Verdict {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Passes => 0,
            Self::Fails(stop) => stop.exit_code,
        }
    }
}

/// One runtime request checked against the package.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestReport {
    pub file: String,
    /// `None` when the request does not parse.
    pub request_id: Option<String>,
    /// The exact stdin Traverse would write for it, when it parses.
    pub stdin: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub manifest_path: String,
    /// Only the checks that ran, in order.
    pub sections: Vec<Section>,
    pub binary: Option<BinaryFacts>,
    pub module: Option<ModuleInfo>,
    pub requests: Vec<RequestReport>,
    /// What `traverse-cli capability-package inspect` prints when the manifest parses; what
    /// it prints is this only when the load verdict passes.
    pub inspect_output: Option<String>,
}

impl Report {
    fn push(&mut self, check: Check, diagnostics: Vec<Diagnostic>) {
        self.sections.push(Section { check, diagnostics });
    }

    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.sections.iter().flat_map(|section| &section.diagnostics)
    }

    /// `capability-package inspect`: the first load-stage stop, or a pass.
    pub fn load_verdict(&self) -> Verdict {
        self.first_stop(|stage| stage == Stage::Load)
    }

    /// `capability-package execute` with a valid request that selects this capability: the
    /// first stop of any stage, in pipeline order.
    pub fn execute_verdict(&self) -> Verdict {
        self.first_stop(|_| true)
    }

    /// `capability-package execute` with this request, up to running the module: a load
    /// failure first, then the request's parse failure, then the earliest pipeline step that
    /// fails, whether it is the request's problem or the package's.
    pub fn request_verdict(&self, request: &RequestReport) -> Verdict {
        let load = self.load_verdict();
        if load != Verdict::Passes {
            return load;
        }
        first_in_pipeline_order(request.diagnostics.iter().chain(self.diagnostics()), |_| true)
    }

    fn first_stop(&self, stage: impl Fn(Stage) -> bool) -> Verdict {
        first_in_pipeline_order(self.diagnostics(), stage)
    }
}

fn first_in_pipeline_order<'a>(
    diagnostics: impl Iterator<Item = &'a Diagnostic>,
    stage: impl Fn(Stage) -> bool,
) -> Verdict {
    diagnostics
        .filter_map(|diagnostic| diagnostic.traverse.as_ref())
        .filter(|stop| stage(stop.stage))
        // The first of equals wins, so emission order decides within a step.
        .min_by_key(|stop| (stop.stage, stop.step))
        .map_or(Verdict::Passes, |stop| Verdict::Fails(stop.clone()))
}

/// Checks the package whose manifest is `manifest_path` among `files`, with every runtime
/// request and workflow definition among them ([`workspace::requests_and_workflows`]).
pub fn check_package(files: &PackageFiles, manifest_path: &str) -> Report {
    let (requests, workflows) = workspace::requests_and_workflows(files);
    check_package_with(files, manifest_path, &requests, &workflows)
}

/// Checks the package with exactly these request and workflow files (paths into `files`).
pub fn check_package_with(
    files: &PackageFiles,
    manifest_path: &str,
    request_paths: &[String],
    workflow_paths: &[String],
) -> Report {
    let mut report = Report {
        manifest_path: manifest_path.to_owned(),
        sections: Vec::new(),
        binary: None,
        module: None,
        requests: Vec::new(),
        inspect_output: None,
    };

    let Some(bytes) = files.get(manifest_path) else {
        let missing = Diagnostic::error("manifest.missing", Location::file(manifest_path), "there is no manifest file")
            .stops(TraverseStop::load(format!(
                "failed to read capability package manifest {manifest_path}: No such file or directory (os error 2)"
            )));
        report.push(Check::Manifest, vec![missing]);
        return report;
    };
    let manifest = match manifest::parse(manifest_path, bytes) {
        Ok(manifest) => manifest,
        Err(diagnostic) => {
            report.push(Check::Manifest, vec![*diagnostic]);
            return report;
        }
    };
    report.inspect_output = Some(manifest::inspect_output(manifest_path, &manifest));
    let mut manifest_diagnostics = manifest::check_shape(manifest_path, &manifest);
    manifest_diagnostics.extend(manifest::notes(manifest_path, &manifest));
    report.push(Check::Manifest, manifest_diagnostics);

    // Step 4: the three files, in Traverse's order; a blank path was reported above.
    let mut file_diagnostics = Vec::new();
    let mut find = |role: &str, json_path: &str, raw: &str| {
        if raw.trim().is_empty() {
            return None;
        }
        let resolved = resolve(manifest_path, raw);
        let found = files.get(&resolved.key);
        if found.is_none() {
            file_diagnostics.push(
                Diagnostic::error(
                    "files.missing",
                    Location::json(manifest_path, json_path),
                    format!("the {role} file is missing: add {}", resolved.key),
                )
                .stops(TraverseStop::load(format!("missing capability {role} file {}", resolved.display))),
            );
        }
        found.map(|bytes| (resolved, bytes))
    };
    let contract_file =
        find("contract", "$.capability_ref.contract_path", &manifest.capability_ref.contract_path);
    find("source", "$.source.path", &manifest.source.path);
    let binary_file = find("binary", "$.binary.path", &manifest.binary.path);
    report.push(Check::Files, file_diagnostics);

    // Steps 5 to 8 in Traverse's order. Without a contract Traverse stops before the digest;
    // the digest is still worth showing.
    let contract = contract_file.and_then(|(resolved, bytes)| {
        let (diagnostics, parsed) = check_contract(&resolved, bytes);
        report.push(Check::Contract, diagnostics);
        parsed.map(|parsed| (resolved, parsed))
    });
    if let Some((_, contract)) = &contract {
        report.push(Check::Linkage, linkage::manifest_against_contract(manifest_path, &manifest, contract));
    }
    if let Some((binary, bytes)) = &binary_file {
        let digests = files.digests(&binary.key).cloned().unwrap_or_else(|| digest::Digests::of(bytes));
        let (diagnostics, facts) =
            check_digest(manifest_path, &manifest.binary.expected_digest, binary, bytes.len(), digests);
        report.binary = Some(facts);
        report.push(Check::Digest, diagnostics);
    }
    if let Some((resolved, contract)) = &contract {
        report.push(Check::Runtime, linkage::contract_runnable(&resolved.key, &resolved.display, contract));
    }

    if let Some((binary, bytes)) = binary_file {
        let (diagnostics, module) = check_module(&binary.key, bytes);
        report.module = module;
        report.push(Check::Module, diagnostics);
    }

    let mut workflow_diagnostics = Vec::new();
    let mut parsed_workflows = Vec::new();
    for path in workflow_paths {
        let text = files.get(path).map(String::from_utf8_lossy).unwrap_or_default();
        let (diagnostics, parsed) = workflow::check(path, &text);
        workflow_diagnostics.extend(diagnostics);
        parsed_workflows.extend(parsed.map(|parsed| (path.clone(), parsed)));
    }
    workflow_diagnostics.extend(workflow::resolve_refs(manifest_path, &manifest, &parsed_workflows));
    report.push(Check::Workflows, workflow_diagnostics);

    // Compiled once: a package may have thousands of requests.
    let strict = contract.as_ref().map(|(_, contract)| StrictLint::new(&contract.inputs.schema));
    let against = contract.as_ref().map(|(_, contract)| contract).zip(strict.as_ref());
    for path in request_paths {
        let bytes = files.get(path).unwrap_or_default();
        report.requests.push(match request::parse(path, bytes) {
            Ok(parsed) => RequestReport {
                file: path.clone(),
                request_id: Some(parsed.request_id.clone()),
                stdin: Some(request::stdin_bytes(&parsed.input)),
                diagnostics: request::check(path, &parsed, against),
            },
            Err(diagnostic) => RequestReport {
                file: path.clone(),
                request_id: None,
                stdin: None,
                diagnostics: vec![*diagnostic],
            },
        });
    }
    report
}

/// Steps 5 and 6: read, parse and validate the contract.
fn check_contract(resolved: &ResolvedPath, bytes: &[u8]) -> (Vec<Diagnostic>, Option<Contract>) {
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
    let contract = match contract::parse(text) {
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
    let violations = contract::validate(&contract);
    let stop = TraverseStop::load(format!(
        "capability contract {} is invalid: {}",
        resolved.display,
        contract::joined_message(&violations)
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

/// Step 8: the binary's fnv1a64 against the declared digest.
fn check_digest(
    manifest_path: &str,
    declared: &str,
    binary: &ResolvedPath,
    size: usize,
    digests: digest::Digests,
) -> (Vec<Diagnostic>, BinaryFacts) {
    let facts = BinaryFacts {
        path: binary.key.clone(),
        size,
        declared: declared.to_owned(),
        fnv1a64: digests.fnv1a64,
        sha256: digests.sha256,
    };
    let mut diagnostics = Vec::new();
    if !declared.trim().is_empty() && declared != facts.fnv1a64 {
        let (code, why) = match digest::fnv1a64_form_problem(declared) {
            Some(problem) => ("digest.format", format!("binary.expected_digest is {problem}")),
            None => ("digest.mismatch", "the binary is not the one the manifest declares: rebuild it, or update binary.expected_digest".to_owned()),
        };
        diagnostics.push(
            Diagnostic::error(
                code,
                Location::json(manifest_path, "$.binary.expected_digest"),
                format!("{why} (computed {})", facts.fnv1a64),
            )
            .stops(TraverseStop::load(format!(
                "capability binary digest mismatch for {}: expected {declared}, got {}",
                binary.display, facts.fnv1a64
            ))),
        );
    }
    (diagnostics, facts)
}

/// The executor's view of the module (never part of loading, SPEC §2.2): what stops it before
/// it runs. Also used alone, for a module run without its package.
pub fn check_module(file: &str, bytes: &[u8]) -> (Vec<Diagnostic>, Option<ModuleInfo>) {
    let collapsed = linkage::collapsed_stop();
    match module_info::inspect(bytes) {
        Ok(module) => (linkage::module_against_host(file, &module), Some(module)),
        Err(error) => {
            let message = match error {
                InspectError::Component => {
                    "malformed_wasm_artifact: module compile: this is a WebAssembly component \
                     (component model); Traverse runs core wasm32-wasip1 modules"
                        .to_owned()
                }
                InspectError::NotWasm { starts, looks_like } => format!(
                    "malformed_wasm_artifact: module compile: {file} is not a WebAssembly module: it starts \
                     with bytes {starts}{}, and a module starts with 00 61 73 6d (\\0asm)",
                    looks_like.map(|kind| format!(" ({kind})")).unwrap_or_default()
                ),
                InspectError::Invalid(detail) => {
                    format!("malformed_wasm_artifact: module compile: {detail}")
                }
            };
            (vec![Diagnostic::error("module.invalid", Location::file(file), message).stops(collapsed)], None)
        }
    }
}
