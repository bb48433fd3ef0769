//! Traverse's package checks. [`check_package`] runs them in Traverse's order and gathers every
//! problem into a [`Report`], grouped by [`Check`]; the verdicts ([`verdict`]) are derived from
//! it: the first problem Traverse itself would stop on, with its exact line and exit code.
//!
//! One module per thing checked, holding Traverse's model of it and its rules: [`manifest`],
//! [`contract`], [`digest`] (the binary against the manifest), [`linkage`] (the files against
//! each other), [`module`] and [`module_info`] (the WebAssembly module), [`host_abi`] and
//! [`limits`] (what the executor allows), [`request`], [`workflow`]; [`schema_subset`] is the
//! JSON Schema Traverse enforces and [`strict_lint`] the full one, advisory: a pass of its own
//! over the report, not part of [`check_package`]. Every problem is a [`diagnostic::Diagnostic`].

pub mod app_bundle;
pub mod authoring;
pub mod contract;
pub mod diagnostic;
pub mod digest;
pub mod field_names;
pub mod host_abi;
pub mod kept;
pub mod limits;
pub mod linkage;
pub mod manifest;
pub mod module;
pub mod module_info;
pub mod registry;
pub mod registry_bundle;
pub mod request;
pub mod schema_subset;
pub mod set;
pub mod strict_lint;
pub mod verdict;
pub mod workflow;

use serde::Serialize;

pub use self::verdict::{Refusal, Verdict};
use crate::{
    check::{
        contract::Contract,
        diagnostic::{Diagnostic, Location, Severity, TraverseStop},
        digest::BinaryFacts,
        module_info::{ModuleInfo, Reader},
        registry::Registry,
    },
    package::{PackageFiles, digest::Digests, resolve, workspace},
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

impl Check {
    /// Its name, as the page and the CLI show it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manifest => "manifest",
            Self::Files => "files",
            Self::Contract => "contract",
            Self::Linkage => "linkage",
            Self::Digest => "digest",
            Self::Runtime => "runtime",
            Self::Module => "module",
            Self::Workflows => "workflows",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub check: Check,
    pub diagnostics: Vec<Diagnostic>,
}

impl Section {
    /// How many of its diagnostics are errors: the check passes when there are none.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|diagnostic| diagnostic.severity == Severity::Error).count()
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
    /// `None` for a module checked without a package ([`check_lone_module`]).
    pub manifest_path: Option<String>,
    /// Only the checks that ran, in order.
    pub sections: Vec<Section>,
    pub binary: Option<BinaryFacts>,
    pub module: Option<ModuleInfo>,
    /// The module being read elsewhere ([`module_info::Reader`]): its checks, and whether it
    /// runs, are not known yet. Never so natively, so not in the command line's JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reading: Option<String>,
    pub requests: Vec<RequestReport>,
    /// What `traverse-cli capability-package inspect` prints when the manifest parses; what
    /// it prints is this only when the load verdict passes.
    pub inspect_output: Option<String>,
    /// The package's contract, when it parses: what a run's events and output are held to.
    #[serde(skip)]
    pub contract: Option<Contract>,
}

impl Report {
    /// The binary's own digest, when the manifest declares another: what pinning writes.
    pub fn digest_to_pin(&self) -> Option<&str> {
        let binary = self.binary.as_ref()?;
        (binary.declared != binary.fnv1a64).then_some(binary.fnv1a64.as_str())
    }

    fn empty(manifest_path: Option<String>) -> Self {
        Self {
            manifest_path,
            sections: Vec::new(),
            binary: None,
            module: None,
            reading: None,
            requests: Vec::new(),
            inspect_output: None,
            contract: None,
        }
    }

    fn push(&mut self, check: Check, diagnostics: Vec<Diagnostic>) {
        self.sections.push(Section { check, diagnostics });
    }

    /// The module's checks, or that it is being read.
    fn push_module(&mut self, file: &str, bytes: &[u8], sha256: Option<&str>, reader: &dyn Reader) {
        match module::check(file, bytes, sha256, reader) {
            Some((diagnostics, module)) => {
                self.module = module;
                self.push(Check::Module, diagnostics);
            }
            None => self.reading = Some(file.to_owned()),
        }
    }

    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.sections.iter().flat_map(|section| &section.diagnostics)
    }

    /// The runtime request at `path`, as checked.
    pub fn request(&self, path: &str) -> Option<&RequestReport> {
        self.requests.iter().find(|request| request.file == path)
    }
}

/// Checks the package whose manifest is `manifest_path` among `files`, with every runtime
/// request and workflow definition among them ([`workspace::requests_and_workflows`]), its
/// module read by `reader`.
pub fn check_package(files: &PackageFiles, manifest_path: &str, reader: &dyn Reader) -> Report {
    let (requests, workflows) = workspace::requests_and_workflows(files, Some(manifest_path));
    check_package_with(files, manifest_path, &requests, &workflows, reader)
}

/// Checks the package with exactly these request and workflow files (paths into `files`).
pub fn check_package_with(
    files: &PackageFiles,
    manifest_path: &str,
    request_paths: &[String],
    workflow_paths: &[String],
    reader: &dyn Reader,
) -> Report {
    let mut report = Report::empty(Some(manifest_path.to_owned()));

    let Some(bytes) = files.get(manifest_path) else {
        let missing = Diagnostic::error("manifest.missing", Location::file(manifest_path), "there is no manifest file")
            .stops(TraverseStop::load(format!(
                "failed to read capability package manifest {manifest_path}: No such file or directory (os error 2)"
            )));
        report.push(Check::Manifest, vec![missing]);
        return report;
    };
    let mut manifest_diagnostics = Vec::new();
    let manifest = match manifest::parse(manifest_path, bytes) {
        Ok(manifest) => {
            report.inspect_output = Some(manifest::inspect_output(manifest_path, &manifest));
            manifest
        }
        Err(diagnostic) => {
            manifest_diagnostics.push(*diagnostic);
            // When misspelt names are all that stops the parse, the other checks go on with
            // what the author meant; Traverse's line stays the parse's, the first stop.
            match manifest::as_meant(bytes) {
                Some(meant) => meant,
                None => {
                    manifest_diagnostics.extend(manifest::misspelt_fields(manifest_path, bytes));
                    report.push(Check::Manifest, manifest_diagnostics);
                    return report;
                }
            }
        }
    };
    manifest_diagnostics.extend(manifest::misspelt_fields(manifest_path, bytes));
    manifest_diagnostics.extend(manifest::check_shape(manifest_path, &manifest));
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
        let (diagnostics, parsed) = contract::check_file(&resolved, bytes);
        report.push(Check::Contract, diagnostics);
        parsed.map(|parsed| (resolved, parsed))
    });
    if let Some((_, contract)) = &contract {
        report.push(Check::Linkage, linkage::manifest_against_contract(manifest_path, &manifest, contract));
    }
    let digests = binary_file
        .as_ref()
        .map(|(binary, bytes)| files.digests(&binary.key).cloned().unwrap_or_else(|| Digests::of(bytes)));
    if let (Some((binary, bytes)), Some(digests)) = (&binary_file, &digests) {
        let (diagnostics, facts) = digest::check(
            manifest_path,
            &manifest.binary.expected_digest,
            binary,
            bytes.len(),
            digests.clone(),
        );
        report.binary = Some(facts);
        report.push(Check::Digest, diagnostics);
    }
    if let Some((resolved, contract)) = &contract {
        report.push(Check::Runtime, linkage::contract_runnable(&resolved.key, &resolved.display, contract));
    }

    if let Some((binary, bytes)) = binary_file {
        let sha256 = digests.as_ref().map(|digests| digests.sha256.as_str());
        report.push_module(&binary.key, bytes, sha256, reader);
    }

    let mut workflow_diagnostics = Vec::new();
    let mut parsed_workflows = Vec::new();
    // Workflows register against every capability contract loaded beside the package.
    let registry = if workflow_paths.is_empty() {
        Registry::default()
    } else {
        Registry::of_files_knowing(
            files,
            contract.as_ref().map(|(resolved, parsed)| (resolved.key.as_str(), parsed)),
        )
    };
    for path in workflow_paths {
        let text = files.get(path).map(String::from_utf8_lossy).unwrap_or_default();
        let (diagnostics, parsed) = workflow::check(path, &text, &registry);
        workflow_diagnostics.extend(diagnostics);
        parsed_workflows.extend(parsed.map(|parsed| (path.clone(), parsed)));
    }
    workflow_diagnostics.extend(workflow::resolve_refs(manifest_path, &manifest, &parsed_workflows));
    report.push(Check::Workflows, workflow_diagnostics);

    let against = contract.as_ref().map(|(_, contract)| contract);
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
    report.contract = contract.map(|(_, contract)| contract);
    report
}

/// What the page checks of what is loaded: the package of `manifest`, or with none the lone
/// `module` (its module checks only); `None` with neither.
pub fn check_loaded(
    files: &PackageFiles,
    manifest: Option<&str>,
    module: Option<&str>,
    reader: &dyn Reader,
) -> Option<Report> {
    match (manifest, module) {
        (Some(manifest), _) => Some(check_package(files, manifest, reader)),
        (None, Some(module)) => {
            let sha256 = files.digests(module).map(|digests| digests.sha256.as_str());
            Some(check_lone_module(module, files.get(module)?, sha256, reader))
        }
        (None, None) => None,
    }
}

/// A module run without its package: only the executor's checks of the module itself, read by
/// its SHA-256 when known.
pub fn check_lone_module(file: &str, bytes: &[u8], sha256: Option<&str>, reader: &dyn Reader) -> Report {
    let mut report = Report::empty(None);
    report.push_module(file, bytes, sha256, reader);
    report
}
