//! What a registration sees as registered: the capability contracts and event contracts of a
//! set, by `id@version`. Workflow registration (WORKFLOWS.md §2) resolves its nodes and event
//! edges here; a registry bundle registers its own artefacts into one (§9), an application
//! bundle its components (§10.5), and a loaded workspace all the contracts it holds.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::{
    check::contract::{self, Contract},
    package::{PackageFiles, workspace},
};

/// How a registered capability is implemented, as Traverse's CLI derives it from the raw
/// contract JSON (WORKFLOWS.md §3.2): `composability.implementation_kind == "workflow"` makes
/// it workflow-backed; anything else, or nothing, executable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Implementation {
    Executable,
    Workflow {
        workflow_id: String,
        workflow_version: String,
    },
    /// Workflow-backed without a `workflow_ref`: registration refuses it.
    WorkflowWithoutRef,
}

impl Implementation {
    /// From a contract's raw `composability`.
    fn of(composability: &Value) -> Self {
        if composability["implementation_kind"] != "workflow" {
            return Self::Executable;
        }
        let reference = &composability["workflow_ref"];
        match (reference["workflow_id"].as_str(), reference["workflow_version"].as_str()) {
            (Some(id), Some(version)) => {
                Self::Workflow { workflow_id: id.to_owned(), workflow_version: version.to_owned() }
            }
            _ => Self::WorkflowWithoutRef,
        }
    }

    /// `executable` or `workflow`, as `bundle register` lists records.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Executable => "executable",
            Self::Workflow { .. } | Self::WorkflowWithoutRef => "workflow",
        }
    }
}

/// One registered capability: the file it came from and its contract.
#[derive(Debug, Clone, PartialEq)]
pub struct Capability {
    pub file: String,
    pub contract: Contract,
    pub implementation: Implementation,
}

impl Capability {
    pub fn new(file: impl Into<String>, contract: Contract) -> Self {
        let implementation = Implementation::of(&contract.composability);
        Self { file: file.into(), contract, implementation }
    }
}

/// `id@version` of anything registered.
pub use crate::package::key;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Registry {
    capabilities: BTreeMap<(String, String), Capability>,
    events: BTreeSet<(String, String)>,
}

impl Registry {
    /// Registers a capability; the first of two with the same `id@version` stays (the set's
    /// checks report the second as a duplicate).
    pub fn add_capability(&mut self, capability: Capability) {
        let key = (capability.contract.id.clone(), capability.contract.version.clone());
        self.capabilities.entry(key).or_insert(capability);
    }

    /// Every capability contract and event contract among `files` that parses, in path order.
    pub fn of_files(files: &PackageFiles) -> Self {
        Self::of_files_knowing(files, None)
    }

    /// As [`Self::of_files`], with the contract at one path already parsed (a package's, by its
    /// check): a Traverse-size contract costs a sixth of its package's check to parse again.
    pub fn of_files_knowing(files: &PackageFiles, known: Option<(&str, &Contract)>) -> Self {
        let mut registry = Self::default();
        for (path, kind) in workspace::kinds(files) {
            let Some(bytes) = files.get(&path) else { continue };
            match kind {
                workspace::Kind::Contract => {
                    let parsed = match known {
                        Some((known_path, contract)) if known_path == path => Some(contract.clone()),
                        _ => std::str::from_utf8(bytes).ok().and_then(|text| contract::parse(text).ok()),
                    };
                    let Some(parsed) = parsed else {
                        continue;
                    };
                    registry.add_capability(Capability::new(path, parsed));
                }
                workspace::Kind::EventContract => {
                    let Ok(json) = serde_json::from_slice::<Value>(bytes) else { continue };
                    if let (Some(id), Some(version)) = (json["id"].as_str(), json["version"].as_str()) {
                        registry.add_event(id, version);
                    }
                }
                _ => {}
            }
        }
        registry
    }

    pub fn add_event(&mut self, id: &str, version: &str) {
        self.events.insert((id.to_owned(), version.to_owned()));
    }

    /// The capability registered as exactly `id@version`.
    pub fn capability(&self, id: &str, version: &str) -> Option<&Capability> {
        self.capabilities.get(&(id.to_owned(), version.to_owned()))
    }

    pub fn has_event(&self, id: &str, version: &str) -> bool {
        self.events.contains(&(id.to_owned(), version.to_owned()))
    }
}
