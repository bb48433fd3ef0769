//! What the user has loaded: which file is the manifest, what role every file plays for it, and
//! which files the manifest names that are not there yet.
//!
//! Invariant: pure functions over [`PackageFiles`]; the page, the CLI and the checks share them,
//! so a file the page calls "the contract" is the file the checks read as the contract.

use serde::Serialize;
use serde_json::Value;

use crate::package::{PackageFiles, PathProblem, ResolvedPath, archive, distinct_paths, key, resolve};
use crate::sorted;

/// The `kind` of each of Traverse's documents, by which a file is recognised whatever its name.
pub const MANIFEST_KIND: &str = "capability_package";
pub const REQUEST_KIND: &str = "runtime_request";
pub const WORKFLOW_KIND: &str = "workflow_definition";
pub const WORKFLOW_REQUEST_KIND: &str = "workflow_execution_request";

pub const CONTRACT_KIND: &str = "capability_contract";
pub const EVENT_CONTRACT_KIND: &str = "event_contract";

/// The top-level keys that tell Traverse's documents apart; values other than `kind` are
/// skipped, not built.
#[derive(serde::Deserialize)]
struct Shape {
    kind: Option<String>,
    bundle_id: Option<serde::de::IgnoredAny>,
    app_id: Option<serde::de::IgnoredAny>,
    components: Option<serde::de::IgnoredAny>,
    component_id: Option<serde::de::IgnoredAny>,
    capability_id: Option<serde::de::IgnoredAny>,
    workflow_id: Option<serde::de::IgnoredAny>,
    workflow_version: Option<serde::de::IgnoredAny>,
    intent: Option<serde::de::IgnoredAny>,
}

fn shape(bytes: &[u8]) -> Option<Shape> {
    serde_json::from_slice(bytes).ok()
}

/// What a file is, recognised by its content whatever its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A capability package manifest (`kind: capability_package`).
    Package,
    RegistryBundle,
    /// An application bundle's `app.manifest.json` (`app_id` and `components`).
    Application,
    /// An application component manifest (`component_id` and `capability_id`).
    Component,
    Workflow,
    Contract,
    EventContract,
    Request,
    /// A request to run a workflow directly (`kind: workflow_execution_request`).
    WorkflowRequest,
    /// A WebAssembly module.
    Module,
    Other,
}

impl Kind {
    /// Its name, as the page (`data-kind`) and the CLI show it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Package => "package",
            Self::RegistryBundle => "registry_bundle",
            Self::Application => "application",
            Self::Component => "component",
            Self::Workflow => "workflow",
            Self::Contract => "contract",
            Self::EventContract => "event_contract",
            Self::Request => "request",
            Self::WorkflowRequest => "workflow_request",
            Self::Module => "module",
            Self::Other => "other",
        }
    }

    /// What a person calls it, plural, for the set's headings.
    pub fn heading(self) -> &'static str {
        match self {
            Self::Package => "Capability packages",
            Self::RegistryBundle => "Registry bundles",
            Self::Application => "Application bundles",
            Self::Component => "Components",
            Self::Workflow => "Workflows",
            Self::Contract => "Capability contracts",
            Self::EventContract => "Event contracts",
            Self::Request => "Runtime requests",
            Self::WorkflowRequest => "Workflow execution requests",
            Self::Module => "Modules",
            Self::Other => "Other files",
        }
    }

    /// Whether choosing it focuses the checks on it (the rest are checked with what names them).
    pub fn is_checked_alone(self) -> bool {
        matches!(self, Self::Package | Self::RegistryBundle | Self::Application | Self::Workflow)
    }
}

/// What the file at `path` is, by its content: a JSON document by its `kind`, or by the keys
/// only a bundle manifest has; a workflow execution request by `workflow_id` and
/// `workflow_version` without a runtime request's `intent`, whatever its `kind` says (a wrong
/// one is then Traverse's `request_invalid`, not a runtime request that misses `intent`); a
/// module by its magic number.
pub fn kind_of_file(path: &str, bytes: &[u8]) -> Kind {
    if bytes.starts_with(b"\0asm") {
        return Kind::Module;
    }
    if !path.ends_with(".json") {
        return Kind::Other;
    }
    let Some(shape) = shape(bytes) else { return Kind::Other };
    match shape.kind.as_deref() {
        Some(MANIFEST_KIND) => Kind::Package,
        Some(CONTRACT_KIND) => Kind::Contract,
        Some(EVENT_CONTRACT_KIND) => Kind::EventContract,
        Some(WORKFLOW_KIND) => Kind::Workflow,
        _ if shape.workflow_id.is_some() && shape.workflow_version.is_some() && shape.intent.is_none() => {
            Kind::WorkflowRequest
        }
        Some(REQUEST_KIND) => Kind::Request,
        Some(WORKFLOW_REQUEST_KIND) => Kind::WorkflowRequest,
        _ if shape.bundle_id.is_some() => Kind::RegistryBundle,
        _ if shape.app_id.is_some() && shape.components.is_some() => Kind::Application,
        _ if shape.component_id.is_some() && shape.capability_id.is_some() => Kind::Component,
        _ => Kind::Other,
    }
}

/// Every loaded file with its kind, in path order.
pub fn kinds(files: &PackageFiles) -> Vec<(String, Kind)> {
    files.paths().map(|path| (path.to_owned(), files.kind(path).unwrap_or(Kind::Other))).collect()
}

/// One item of a loaded set: a file, what it is, and the `id@version` it claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub path: String,
    pub kind: Kind,
    /// `id@version` (a package's capability, a bundle's `bundle_id`, an app's `app_id`, …);
    /// a request's `request_id`.
    pub id: Option<String>,
}

/// What a reference points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Target {
    /// A file, by its normalised path.
    File { path: String },
    /// A capability contract, by `id@version` (a workflow node's capability).
    Capability { id: String },
}

/// One reference of the set: from a file, at a JSON path, to a file or a capability, and the
/// loaded file that answers it, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub from: String,
    pub json_path: String,
    pub target: Target,
    pub found: Option<String>,
}

/// Every item of the set, by kind then path, and every reference between them: package →
/// contract, source, binary; bundle → contracts, events, workflows; application → components
/// workflows and configuration; component → contract, WASM and wrapper; workflow node → capability.
pub fn set(files: &PackageFiles) -> (Vec<Item>, Vec<Reference>) {
    let mut items = Vec::new();
    let mut references = Vec::new();
    let to_file = |from: &str, json_path: String, key: String| {
        let found = files.get(&key).is_some().then(|| key.clone());
        Reference { from: from.to_owned(), json_path, target: Target::File { path: key }, found }
    };
    // A raw path of a bundle or component, joined to the folder of the file naming it.
    let file_ref = |from: &str, json_path: String, raw: &str| {
        (!raw.trim().is_empty()).then(|| to_file(from, json_path, resolve(from, raw).key))
    };
    let mut nodes = Vec::new();
    for (path, kind) in kinds(files) {
        let json =
            || serde_json::from_slice::<Value>(files.get(&path).unwrap_or_default()).unwrap_or_default();
        let identity = |json: &Value, id: &str, version: &str| {
            Some(key(json.pointer(id)?.as_str()?, json.pointer(version)?.as_str()?))
        };
        let id = match kind {
            Kind::Package => {
                for named in named_files(&path, files.get(&path).unwrap_or_default()) {
                    references.push(to_file(&path, named.json_path.to_owned(), named.resolved.key));
                }
                identity(&json(), "/capability_ref/id", "/capability_ref/version")
            }
            Kind::RegistryBundle => {
                let json = json();
                for list in ["capabilities", "events", "workflows"] {
                    for (i, artifact) in json[list].as_array().into_iter().flatten().enumerate() {
                        if let Some(raw) = artifact["path"].as_str() {
                            references.extend(file_ref(&path, format!("$.{list}[{i}].path"), raw));
                        }
                    }
                }
                identity(&json, "/bundle_id", "/version")
            }
            Kind::Application => {
                let json = json();
                for (list, field) in [("components", "manifest_path"), ("workflows", "path")] {
                    for (i, entry) in json[list].as_array().into_iter().flatten().enumerate() {
                        if let Some(raw) = entry[field].as_str() {
                            references.extend(file_ref(&path, format!("$.{list}[{i}].{field}"), raw));
                        }
                    }
                }
                // The workspace-local configuration: optional, read when it is there.
                if let Some(raw) = json["workspace_defaults"]["config_path"].as_str() {
                    references.extend(file_ref(&path, "$.workspace_defaults.config_path".to_owned(), raw));
                }
                identity(&json, "/app_id", "/version")
            }
            Kind::Component => {
                let json = json();
                for field in ["contract_path", "wasm_binary_path", "wrapper_path"] {
                    if let Some(raw) = json[field].as_str() {
                        references.extend(file_ref(&path, format!("$.{field}"), raw));
                    }
                }
                identity(&json, "/component_id", "/version")
            }
            Kind::Workflow => {
                // Typed, not a `Value`: a workflow may have 100,000 nodes.
                let Ok(workflow) =
                    serde_json::from_slice::<WorkflowNodes>(files.get(&path).unwrap_or_default())
                else {
                    items.push(Item { path, kind, id: None });
                    continue;
                };
                for (i, node) in workflow.nodes.iter().enumerate() {
                    if let (Some(id), Some(version)) = (&node.capability_id, &node.capability_version) {
                        nodes.push((path.clone(), format!("$.nodes[{i}]"), key(id, version)));
                    }
                }
                workflow.id.zip(workflow.version).map(|(id, version)| key(&id, &version))
            }
            Kind::Contract | Kind::EventContract => identity(&json(), "/id", "/version"),
            Kind::Request | Kind::WorkflowRequest => request_id(files.get(&path).unwrap_or_default()),
            Kind::Module | Kind::Other => None,
        };
        items.push(Item { path, kind, id });
    }
    for (from, json_path, id) in nodes {
        let found = items
            .iter()
            .find(|item| item.kind == Kind::Contract && item.id.as_deref() == Some(id.as_str()))
            .map(|item| item.path.clone());
        references.push(Reference { from, json_path, target: Target::Capability { id }, found });
    }
    sorted::sort_by(&mut items, |a, b| (a.kind, &a.path).cmp(&(b.kind, &b.path)));
    (items, references)
}

/// What a file is to the chosen manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Manifest,
    Contract,
    Source,
    Binary,
    Request,
    Workflow,
    Other,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Self::Manifest => "manifest",
            Self::Contract => "contract",
            Self::Source => "source",
            Self::Binary => "binary",
            Self::Request => "request",
            Self::Workflow => "workflow",
            Self::Other => "other",
        }
    }
}

/// A file the manifest names, by the JSON path that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedFile {
    pub role: Role,
    /// `$.capability_ref.contract_path`, `$.source.path` or `$.binary.path`.
    pub json_path: &'static str,
    pub resolved: ResolvedPath,
}

/// The contract, source and binary a manifest names, in Traverse's reading order. Read from the
/// raw JSON, so a manifest with other problems still says where its files are; a path that is
/// absent, not a string or blank is left out (the manifest checks report it).
pub fn named_files(manifest_path: &str, manifest_bytes: &[u8]) -> Vec<NamedFile> {
    let Ok(value) = serde_json::from_slice::<Value>(manifest_bytes) else { return Vec::new() };
    [
        (Role::Contract, "$.capability_ref.contract_path", "/capability_ref/contract_path"),
        (Role::Source, "$.source.path", "/source/path"),
        (Role::Binary, "$.binary.path", "/binary/path"),
    ]
    .into_iter()
    .filter_map(|(role, json_path, pointer)| {
        let raw = value.pointer(pointer)?.as_str().filter(|raw| !raw.trim().is_empty())?;
        Some(NamedFile { role, json_path, resolved: resolve(manifest_path, raw) })
    })
    .collect()
}

/// The manifests among `files`: JSON files whose `kind` is Traverse's manifest kind, then any
/// other `manifest.json` (so a manifest with a wrong kind is still found and checked), each
/// group shallowest first.
pub fn manifests(files: &PackageFiles) -> Vec<String> {
    let mut found: Vec<(bool, usize, String)> = files
        .paths()
        .filter(|path| path.ends_with(".json"))
        .filter_map(|path| {
            let by_kind = files.kind(path) == Some(Kind::Package);
            let by_name = path.rsplit('/').next() == Some("manifest.json");
            (by_kind || by_name).then(|| (!by_kind, path.matches('/').count(), path.to_owned()))
        })
        .collect();
    sorted::sort(&mut found);
    found.into_iter().map(|(_, _, path)| path).collect()
}

/// The manifest the package checks and runs use: `chosen` when it is one of the set's
/// manifests, else the first ([`manifests`]).
pub fn manifest_in_use(files: &PackageFiles, chosen: Option<&str>) -> Option<String> {
    let found = manifests(files);
    chosen
        .filter(|chosen| found.iter().any(|path| path == chosen))
        .map(str::to_owned)
        .or_else(|| found.into_iter().next())
}

/// The id (`id@version`) of the item at `path`, when it has one.
pub fn id_of<'a>(items: &'a [Item], path: &str) -> Option<&'a str> {
    items.iter().find(|item| item.path == path)?.id.as_deref()
}

/// The paths of the files of `kind`, in path order.
pub fn paths_of(files: &PackageFiles, kind: Kind) -> Vec<String> {
    files.paths().filter(|path| files.kind(path) == Some(kind)).map(str::to_owned).collect()
}

/// The runtime requests and workflow definitions among `files` for the package at
/// `manifest_path` (all of them without one): recognised by their `kind`, and, for requests, by
/// lying in a `runtime-requests/` folder as Traverse's examples do, so a request with a wrong
/// `kind` or broken JSON is still checked (and told so). In a set of several packages, a
/// request belongs to the package whose capability its intent names (one naming no capability
/// of the set belongs to every package, whose checks then say what is wrong with it), and a
/// workflow to the packages its nodes run.
pub fn requests_and_workflows(
    files: &PackageFiles,
    manifest_path: Option<&str>,
) -> (Vec<String>, Vec<String>) {
    let (mut requests, mut workflows) = (Vec::new(), Vec::new());
    for path in files.paths().filter(|path| path.ends_with(".json")) {
        let in_requests_folder = path.split('/').any(|segment| segment == "runtime-requests");
        match files.kind(path) {
            Some(Kind::Workflow) => workflows.push(path.to_owned()),
            Some(Kind::Request) => requests.push(path.to_owned()),
            // Run through its workflow, wherever it lies.
            Some(Kind::WorkflowRequest) => {}
            _ if in_requests_folder => requests.push(path.to_owned()),
            _ => {}
        }
    }
    if let Some(manifest_path) = manifest_path {
        let json_of = |path: &str| serde_json::from_slice::<Value>(files.get(path)?).ok();
        let capability_of =
            |manifest: &Value| Some(manifest.pointer("/capability_ref/id")?.as_str()?.to_owned());
        let packages: Vec<String> =
            manifests(files).iter().filter_map(|path| capability_of(&json_of(path)?)).collect();
        if packages.len() > 1 {
            let contracts = sorted::set(
                kinds(files)
                    .into_iter()
                    .filter(|(_, kind)| *kind == Kind::Contract)
                    .filter_map(|(path, _)| Some(json_of(&path)?["id"].as_str()?.to_owned()))
                    .chain(packages.iter().cloned()),
            );
            let manifest = json_of(manifest_path).unwrap_or_default();
            let own = capability_of(&manifest);
            requests.retain(|path| match intent_of(files.get(path).unwrap_or_default()) {
                Some(named) if contracts.contains(&named) => Some(&named) == own.as_ref(),
                _ => true,
            });
            // A workflow belongs to the packages it runs or whose compositions name it; the
            // others are checked on their own.
            let compositions = manifest.get("known_compositions").or(manifest.get("workflow_refs"));
            let named: Vec<(String, String)> = compositions
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|r| {
                    Some((r["workflow_id"].as_str()?.to_owned(), r["workflow_version"].as_str()?.to_owned()))
                })
                .collect();
            workflows.retain(|path| {
                serde_json::from_slice::<WorkflowNodes>(files.get(path).unwrap_or_default()).is_ok_and(
                    |workflow| {
                        let runs = workflow
                            .nodes
                            .iter()
                            .any(|node| node.capability_id.is_some() && node.capability_id == own);
                        let is_named = workflow
                            .id
                            .zip(workflow.version)
                            .is_some_and(|identity| named.contains(&identity));
                        runs || is_named
                    },
                )
            });
        }
    }
    (requests, workflows)
}

/// What the set reads of a workflow: its identity and each node's capability.
#[derive(serde::Deserialize)]
struct WorkflowNodes {
    id: Option<String>,
    version: Option<String>,
    #[serde(default)]
    nodes: Vec<NodeCapability>,
}

#[derive(serde::Deserialize)]
struct NodeCapability {
    capability_id: Option<String>,
    capability_version: Option<String>,
}

/// A runtime request's `request_id`, read without building its input.
fn request_id(bytes: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Request {
        request_id: Option<String>,
    }
    serde_json::from_slice::<Request>(bytes).ok()?.request_id
}

/// The capability a runtime request's intent names, read without building its input.
fn intent_of(bytes: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Intent {
        capability_id: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct Request {
        intent: Option<Intent>,
    }
    serde_json::from_slice::<Request>(bytes).ok()?.intent?.capability_id
}

/// Every loaded file with its role for the manifest at `manifest_path` (if any), in path order.
pub fn roles(files: &PackageFiles, manifest_path: Option<&str>) -> Vec<(String, Role)> {
    let named = manifest_path.and_then(|path| Some(named_files(path, files.get(path)?))).unwrap_or_default();
    let (requests, workflows) = requests_and_workflows(files, manifest_path);
    // Sets, not lists: a drop may hold thousands of requests.
    let requests = sorted::set(requests.iter().map(String::as_str));
    let workflows = sorted::set(workflows.iter().map(String::as_str));
    files
        .paths()
        .map(|path| {
            let role = if Some(path) == manifest_path {
                Role::Manifest
            } else if let Some(file) = named.iter().find(|file| file.resolved.key == path) {
                file.role
            } else if requests.contains(path) {
                Role::Request
            } else if workflows.contains(path) {
                Role::Workflow
            } else {
                Role::Other
            };
            (path.to_owned(), role)
        })
        .collect()
}

/// The module a run runs: the manifest's binary, else the first `.wasm` (or `\0asm`) file
/// loaded. A manifest's binary that is not loaded is no module to run: it has no stand-in.
pub fn module_to_run(files: &PackageFiles, manifest_path: Option<&str>) -> Option<String> {
    let by_manifest = manifest_path.and_then(|manifest| {
        let named = named_files(manifest, files.get(manifest)?);
        named.into_iter().find(|file| file.role == Role::Binary).map(|file| file.resolved.key)
    });
    let path = by_manifest.or_else(|| {
        let is_module = |path: &str| {
            path.ends_with(".wasm") || files.get(path).is_some_and(|bytes| bytes.starts_with(b"\0asm"))
        };
        files.paths().find(|path| is_module(path)).map(str::to_owned)
    })?;
    files.get(&path).is_some().then_some(path)
}

/// The files the manifest names that are not loaded: add each under its `resolved.key`. A file
/// a share link named by its SHA-256 (`awaited`, by path) is left out: it is asked for once,
/// where the file given is checked against that digest.
pub fn missing(files: &PackageFiles, manifest_path: &str, awaited: &[(String, String)]) -> Vec<NamedFile> {
    let Some(bytes) = files.get(manifest_path) else { return Vec::new() };
    named_files(manifest_path, bytes)
        .into_iter()
        .filter(|file| files.get(&file.resolved.key).is_none())
        .filter(|file| !awaited.iter().any(|(path, _)| *path == file.resolved.key))
        .collect()
}

/// A file as given: its path and its bytes.
pub type PathAndBytes = (String, Vec<u8>);

/// One file as the user gave it: a `.zip` (by its name or its first bytes) becomes its files,
/// the one folder they all sit in taken off; anything else stays itself. The error is the
/// file's name and why it could not be unpacked. What the user gave is ready to add once each
/// file is unpacked and all of them have [`arrived`].
pub fn unpacked(path: String, bytes: Vec<u8>) -> Result<Vec<PathAndBytes>, PathProblem> {
    if is_archive(&path, &bytes) {
        archive::unpack(&bytes).map(without_common_folder).map_err(|error| (path, error))
    } else {
        Ok(vec![(path, bytes)])
    }
}

/// Whether the file the user gave is a `.zip` to unpack, by its name or its first four bytes.
pub fn is_archive(path: &str, start: &[u8]) -> bool {
    path.ends_with(".zip") || archive::is_zip(start)
}

/// Unpacked files, whatever each carries beside its path, ready to add: the one folder they all
/// sit in (a picked or dropped package folder) taken off their paths, so paths are relative to
/// the package, and a path that names no file or the same file as another left out, with why.
pub fn arrived<T>(files: Vec<(String, T)>) -> (Vec<(String, T)>, Vec<PathProblem>) {
    distinct_paths(without_common_folder(files))
}

fn without_common_folder<T>(files: Vec<(String, T)>) -> Vec<(String, T)> {
    let folder = |path: &str| path.split_once('/').map(|(folder, _)| folder.to_owned());
    let common = files.first().and_then(|(path, _)| folder(path));
    match common {
        Some(common) if files.iter().all(|(path, _)| folder(path).as_deref() == Some(common.as_str())) => {
            files.into_iter().map(|(path, content)| (path[common.len() + 1..].to_owned(), content)).collect()
        }
        _ => files,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(contract: &str, binary: &str) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "kind": "capability_package",
            "capability_ref": { "contract_path": contract },
            "source": { "path": "./src/lib.rs" },
            "binary": { "path": binary },
        }))
        .unwrap()
    }

    fn package() -> PackageFiles {
        let mut files = PackageFiles::new();
        files.insert("pkg/manifest.json", manifest("../contracts/greet.json", "./artifacts/greet.wasm"));
        files.insert("contracts/greet.json", b"{}".to_vec());
        files.insert("pkg/src/lib.rs", b"#![no_std]".to_vec());
        files.insert("pkg/runtime-requests/bad.json", b"{ not json".to_vec());
        files.insert("pkg/runtime-requests/ok.json", br#"{"kind":"runtime_request"}"#.to_vec());
        files.insert("pkg/flows/w.json", br#"{"kind":"workflow_definition"}"#.to_vec());
        files.insert("pkg/README.md", b"notes".to_vec());
        files
    }

    #[test]
    fn a_workflow_execution_request_is_known_by_its_shape_whatever_its_kind() {
        let request = |kind: &str| {
            format!(
                r#"{{"kind": "{kind}", "request_id": "r", "workflow_id": "w", "workflow_version": "1.0.0", "input": {{}}}}"#
            )
        };
        for kind in ["workflow_execution_request", "runtime_request", "workflow_request"] {
            assert_eq!(kind_of_file("r.json", request(kind).as_bytes()), Kind::WorkflowRequest, "{kind}");
        }
        // A runtime request names its capability in `intent`, and stays one.
        let runtime =
            br#"{"kind": "runtime_request", "intent": {}, "workflow_id": "w", "workflow_version": "1"}"#;
        assert_eq!(kind_of_file("r.json", runtime), Kind::Request);
        assert_eq!(kind_of_file("r.json", br#"{"kind": "runtime_request", "intent": {}}"#), Kind::Request);
    }

    #[test]
    fn every_file_gets_its_role_for_the_manifest() {
        let files = package();
        let roles = roles(&files, Some("pkg/manifest.json"));
        let role = |path: &str| roles.iter().find(|(p, _)| p == path).map(|(_, role)| *role);
        assert_eq!(role("pkg/manifest.json"), Some(Role::Manifest));
        assert_eq!(role("contracts/greet.json"), Some(Role::Contract));
        assert_eq!(role("pkg/src/lib.rs"), Some(Role::Source));
        assert_eq!(role("pkg/runtime-requests/bad.json"), Some(Role::Request));
        assert_eq!(role("pkg/runtime-requests/ok.json"), Some(Role::Request));
        assert_eq!(role("pkg/flows/w.json"), Some(Role::Workflow));
        assert_eq!(role("pkg/README.md"), Some(Role::Other));
        // Without a manifest chosen, only kinds and folders say anything.
        assert!(super::roles(&files, None).iter().all(|(_, role)| *role != Role::Contract));
    }

    #[test]
    fn missing_files_are_named_by_the_key_to_add_them_under() {
        let files = package();
        let missing = missing(&files, "pkg/manifest.json", &[]);
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].role, Role::Binary);
        assert_eq!(missing[0].json_path, "$.binary.path");
        assert_eq!(missing[0].resolved.key, "pkg/artifacts/greet.wasm");
        assert_eq!(missing[0].resolved.display, "pkg/./artifacts/greet.wasm");
    }

    #[test]
    fn a_file_a_link_names_by_digest_is_asked_for_once_with_its_digest() {
        let files = package();
        let awaited = [("pkg/artifacts/greet.wasm".to_owned(), "sha256:00".to_owned())];
        assert_eq!(missing(&files, "pkg/manifest.json", &awaited).len(), 0);
        let elsewhere = [("other.wasm".to_owned(), "sha256:00".to_owned())];
        assert_eq!(missing(&files, "pkg/manifest.json", &elsewhere).len(), 1);
    }

    #[test]
    fn manifests_by_kind_come_before_manifests_by_name_and_shallow_before_deep() {
        let mut files = package();
        files.insert("a/b/deep.json", manifest("c.json", "b.wasm"));
        files.insert("manifest.json", br#"{"kind":"capability_pkg"}"#.to_vec());
        files.insert("broken/manifest.json", b"{".to_vec());
        assert_eq!(
            manifests(&files),
            ["pkg/manifest.json", "a/b/deep.json", "manifest.json", "broken/manifest.json"]
        );
    }

    #[test]
    fn a_package_folder_is_loaded_relative_to_itself_and_zips_are_opened() {
        // As the page takes files: each unpacked, then all of them arrived.
        let incoming = |given: Vec<PathAndBytes>| {
            let (mut files, mut problems) = (Vec::new(), Vec::new());
            for (path, bytes) in given {
                match unpacked(path, bytes) {
                    Ok(entries) => files.extend(entries),
                    Err(problem) => problems.push(problem),
                }
            }
            let (files, left_out) = arrived(files);
            problems.extend(left_out);
            (files, problems)
        };
        let given = |paths: &[&str]| paths.iter().map(|p| (p.to_string(), b"x".to_vec())).collect::<Vec<_>>();
        let paths = |files: Vec<(String, Vec<u8>)>| files.into_iter().map(|(p, _)| p).collect::<Vec<_>>();
        let (files, problems) = incoming(given(&["hello/manifest.json", "hello/src/lib.rs"]));
        assert_eq!((paths(files), problems), (vec!["manifest.json".into(), "src/lib.rs".into()], vec![]));
        // Loose files, or files from two folders, keep their paths.
        assert_eq!(paths(incoming(given(&["a/m.json", "b/c.json"])).0), ["a/m.json", "b/c.json"]);
        assert_eq!(paths(incoming(given(&["manifest.json"])).0), ["manifest.json"]);

        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        writer.start_file("pkg/manifest.json", zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut writer, b"{}").unwrap();
        let zip = writer.finish().unwrap().into_inner();
        let (files, problems) =
            incoming(vec![("pkg.zip".into(), zip), ("broken.zip".into(), b"PK\x03\x04".to_vec())]);
        assert_eq!(files, [("manifest.json".to_owned(), b"{}".to_vec())]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, "broken.zip");
    }

    #[test]
    fn blank_or_non_string_paths_name_no_file() {
        let bytes =
            br#"{"capability_ref":{"contract_path":"  "},"source":{"path":7},"binary":{"path":"x.wasm"}}"#;
        let named = named_files("m.json", bytes);
        assert_eq!(named.iter().map(|file| file.role).collect::<Vec<_>>(), [Role::Binary]);
        assert!(named_files("m.json", b"not json").is_empty());
    }

    /// The manifest in use is the one chosen while it is loaded, else the first found.
    #[test]
    fn the_manifest_in_use_is_the_chosen_one_while_it_is_loaded() {
        let mut files = PackageFiles::new();
        files.insert("b/manifest.json", manifest("contract.json", "b.wasm"));
        files.insert("a/manifest.json", manifest("contract.json", "a.wasm"));
        files.insert("r.json", br#"{"kind": "workflow_execution_request"}"#.to_vec());
        assert_eq!(manifest_in_use(&files, Some("b/manifest.json")).as_deref(), Some("b/manifest.json"));
        assert_eq!(manifest_in_use(&files, Some("gone/manifest.json")).as_deref(), Some("a/manifest.json"));
        assert_eq!(manifest_in_use(&files, None).as_deref(), Some("a/manifest.json"));
        assert_eq!(manifest_in_use(&PackageFiles::new(), Some("a/manifest.json")), None);
        assert_eq!(paths_of(&files, Kind::Package), ["a/manifest.json", "b/manifest.json"]);
    }
}
