//! What a loaded set offers to run (WORKFLOWS.md §3, §9): the workflows registration accepts,
//! the capabilities its packages implement (contract and binary), and the composite
//! capabilities its registry bundles declare. Traverse's `expedition execute` composes a run
//! the same way: the composite from the bundle, the atomic capabilities from their packages.

use std::collections::BTreeMap;

use crate::{
    check::{
        contract::{self, Contract},
        registry::{Capability, Implementation, Registry},
        registry_bundle::BundleManifest,
        request::{self, Request},
        workflow::{self, Workflow},
    },
    package::{
        PackageFiles, resolve,
        workspace::{self, Kind, Role},
    },
};

/// A capability a package implements: its contract and where its binary is.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeCapability {
    pub contract: Contract,
    /// The binary's path as the manifest names it.
    pub binary_path: String,
    /// The binary's path when it is loaded.
    pub module: Option<String>,
}

/// A workflow-backed capability a registry bundle registers (in the private tier: `bundle
/// register` refuses a public bundle, WORKFLOWS.md §9).
#[derive(Debug, Clone, PartialEq)]
pub struct Composite {
    pub contract: Contract,
    pub contract_path: String,
    pub bundle_id: String,
    pub workflow_id: String,
    pub workflow_version: String,
}

type Key = (String, String);

fn key(id: &str, version: &str) -> Key {
    (id.to_owned(), version.to_owned())
}

/// The capability contract at `path`, if it is loaded and parses.
fn contract_at(files: &PackageFiles, path: &str) -> Option<Contract> {
    contract::parse(std::str::from_utf8(files.get(path)?).ok()?).ok()
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Composition {
    workflows: BTreeMap<Key, Workflow>,
    capabilities: BTreeMap<Key, NodeCapability>,
    composites: BTreeMap<Key, Composite>,
}

impl Composition {
    /// Reads `files`: of two things with one `id@version`, the first in path order counts (the
    /// set's checks report the second).
    pub fn of_files(files: &PackageFiles) -> Self {
        let mut composition = Self::default();
        let mut workflows = Vec::new();
        for (path, kind) in workspace::kinds(files) {
            match kind {
                Kind::Package => composition.add_package(files, &path),
                Kind::RegistryBundle => composition.add_bundle(files, &path),
                Kind::Workflow => workflows.push(path),
                _ => {}
            }
        }
        // Only what registers is in the workflow registry; without workflows, nothing to register.
        if workflows.is_empty() {
            return composition;
        }
        let registry = Registry::of_files(files);
        for path in workflows {
            let text = files.get(&path).and_then(|bytes| std::str::from_utf8(bytes).ok());
            let Some(parsed) = text.and_then(|text| workflow::parse(text).ok()) else { continue };
            if workflow::registration_errors(&parsed, &registry).is_empty() {
                composition.workflows.entry(key(&parsed.id, &parsed.version)).or_insert(parsed);
            }
        }
        composition
    }

    fn add_package(&mut self, files: &PackageFiles, manifest_path: &str) {
        let Some(bytes) = files.get(manifest_path) else { return };
        let named = workspace::named_files(manifest_path, bytes);
        let path_of =
            |role| named.iter().find(|file| file.role == role).map(|file| file.resolved.key.clone());
        let (Some(contract_path), Some(binary_path)) = (path_of(Role::Contract), path_of(Role::Binary))
        else {
            return;
        };
        let Some(contract) = contract_at(files, &contract_path) else { return };
        let module = files.get(&binary_path).is_some().then(|| binary_path.clone());
        self.capabilities.entry(key(&contract.id, &contract.version)).or_insert(NodeCapability {
            contract,
            binary_path,
            module,
        });
    }

    fn add_bundle(&mut self, files: &PackageFiles, manifest_path: &str) {
        let manifest =
            files.get(manifest_path).and_then(|bytes| serde_json::from_slice::<BundleManifest>(bytes).ok());
        let Some(manifest) = manifest.filter(|manifest| manifest.scope == "private") else { return };
        for artifact in &manifest.capabilities {
            let contract_path = resolve(manifest_path, &artifact.path).key;
            let Some(contract) = contract_at(files, &contract_path) else { continue };
            let capability = Capability::new(contract_path.clone(), contract);
            if let Implementation::Workflow { workflow_id, workflow_version } = capability.implementation {
                let contract = capability.contract;
                self.composites.entry(key(&contract.id, &contract.version)).or_insert(Composite {
                    contract,
                    contract_path,
                    bundle_id: manifest.bundle_id.clone(),
                    workflow_id,
                    workflow_version,
                });
            }
        }
    }

    /// The registered workflow `id@version`.
    pub fn workflow(&self, id: &str, version: &str) -> Option<&Workflow> {
        self.workflows.get(&key(id, version))
    }

    /// Every registered workflow, by id and version.
    pub fn workflows(&self) -> impl Iterator<Item = &Workflow> {
        self.workflows.values()
    }

    /// The capability a package implements as exactly `id@version`.
    pub fn capability(&self, id: &str, version: &str) -> Option<&NodeCapability> {
        self.capabilities.get(&key(id, version))
    }

    /// The composite capability a registry bundle registers as exactly `id@version`.
    pub fn composite(&self, id: &str, version: &str) -> Option<&Composite> {
        self.composites.get(&key(id, version))
    }

    /// The composite capability a runtime request's intent names by exact id and version.
    pub fn composite_for(&self, request: &Request) -> Option<&Composite> {
        let intent = &request.intent;
        self.composite(intent.capability_id.as_deref()?, intent.capability_version.as_deref()?)
    }

    /// The registered workflow a composite capability runs.
    pub fn workflow_of(&self, composite: &Composite) -> Option<&Workflow> {
        self.workflow(&composite.workflow_id, &composite.workflow_version)
    }

    /// The runtime requests among `files` whose intent names a composite capability exactly,
    /// by path: they run through the runtime's workflow path.
    pub fn composite_requests(&self, files: &PackageFiles) -> Vec<String> {
        if self.composites.is_empty() {
            return Vec::new();
        }
        let names_composite = |path: &str| {
            let parsed = files.get(path).and_then(|bytes| request::parse(path, bytes).ok());
            parsed.is_some_and(|parsed| self.composite_for(&parsed).is_some())
        };
        files
            .paths()
            .filter(|path| files.kind(path) == Some(Kind::Request) && names_composite(path))
            .map(str::to_owned)
            .collect()
    }

    /// Whether there is anything to run as a composition.
    pub fn is_empty(&self) -> bool {
        self.workflows.is_empty() && self.composites.is_empty()
    }
}
