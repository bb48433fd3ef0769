//! A loaded set of many things: each checkable item checked as Traverse checks its kind, and
//! what only the set shows (two files claiming one `id@version`, references to nothing loaded).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{
    check::{
        Report, Verdict,
        app_bundle::{self, AppReport},
        check_package,
        diagnostic::{Diagnostic, Location},
        module_info::Reader,
        registry::Registry,
        registry_bundle::{self, BundleReport},
        workflow,
    },
    package::{
        PackageFiles,
        workspace::{self, Item, Kind, Reference, Target},
    },
};

/// One item checked, by what it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Focus {
    Package(Box<Report>),
    RegistryBundle(BundleReport),
    Application(AppReport),
    /// A workflow registered against every capability contract loaded.
    Workflow {
        path: String,
        diagnostics: Vec<Diagnostic>,
    },
}

impl Focus {
    /// Its verdict as Traverse's CLI gives it: `capability-package inspect`, `bundle register`,
    /// `app validate` (which exits 0 and says `failed`), or workflow registration.
    pub fn passes(&self) -> bool {
        match self {
            Self::Package(report) => report.load_verdict() == Verdict::Passes,
            Self::RegistryBundle(report) => report.register_verdict() == Verdict::Passes,
            Self::Application(report) => report.passes(),
            Self::Workflow { diagnostics, .. } => diagnostics.is_empty(),
        }
    }

    /// Its exit code from the command line's `check`: Traverse's own for a package and a
    /// bundle; for an application that does not validate, 2 (validation failed), or the code
    /// `app validate` stops with before any evidence; 2 for a workflow that does not register.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Package(report) => report.exit_code(),
            Self::RegistryBundle(report) => report.register_verdict().exit_code(),
            _ if self.passes() => 0,
            Self::Application(report) => report.stop.as_ref().map_or(2, |stop| stop.exit_code),
            Self::Workflow { .. } => 2,
        }
    }

    /// The file it was checked from.
    pub fn path(&self) -> &str {
        match self {
            Self::Package(report) => report.manifest_path.as_deref().unwrap_or_default(),
            Self::RegistryBundle(report) => &report.manifest_path,
            Self::Application(report) => &report.manifest_path,
            Self::Workflow { path, .. } => path,
        }
    }

    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            Self::Package(report) => report.diagnostics().cloned().collect(),
            Self::RegistryBundle(report) => report.diagnostics.clone(),
            Self::Application(report) => report.diagnostics.clone(),
            Self::Workflow { diagnostics, .. } => diagnostics.clone(),
        }
    }
}

/// Checks the item at `path` as its kind; `None` for a file that is checked only with what
/// names it (a contract, a request, a module).
pub fn check_item(files: &PackageFiles, path: &str, reader: &dyn Reader) -> Option<Focus> {
    let bytes = files.get(path)?;
    Some(match workspace::kind_of_file(path, bytes) {
        Kind::Package => Focus::Package(Box::new(check_package(files, path, reader))),
        Kind::RegistryBundle => Focus::RegistryBundle(registry_bundle::check(files, path)),
        Kind::Application => Focus::Application(app_bundle::check(files, path, reader)),
        Kind::Workflow => {
            let registry = Registry::of_files(files);
            let (diagnostics, _) = workflow::check(path, &String::from_utf8_lossy(bytes), &registry);
            Focus::Workflow { path: path.to_owned(), diagnostics }
        }
        _ => return None,
    })
}

/// Whether what is loaded is a set, shown as a tree of items, rather than one package with its
/// own files: a registry bundle or an application, more than one package, or a workflow with no
/// package (contracts and a workflow: the workflow's registration is worth a verdict).
pub fn is_set(items: &[Item]) -> bool {
    let count = |kind: Kind| items.iter().filter(|item| item.kind == kind).count();
    count(Kind::RegistryBundle) + count(Kind::Application) > 0
        || count(Kind::Package) > 1
        || (count(Kind::Package) == 0 && count(Kind::Workflow) > 0)
}

/// The item the checks show when none was chosen and no package is loaded: the first bundle,
/// application or workflow, in the set's order.
pub fn default_focus(items: &[Item]) -> Option<&Item> {
    if items.iter().any(|item| item.kind == Kind::Package) {
        return None;
    }
    items.iter().find(|item| item.kind.is_checked_alone())
}

/// What the set as a whole has to say: every reference to a file or capability not loaded,
/// and every `id@version` claimed by two files of one kind.
pub fn set_diagnostics(items: &[Item], references: &[Reference]) -> Vec<Diagnostic> {
    let mut found: Vec<Diagnostic> = references
        .iter()
        .filter(|reference| reference.found.is_none())
        .map(|reference| {
            let location = Location::json(&reference.from, &reference.json_path);
            match &reference.target {
                Target::File { path } => Diagnostic::info(
                    "set.file_missing",
                    location,
                    format!("names {path}, which is not loaded: add this file"),
                ),
                Target::Capability { id } => Diagnostic::info(
                    "set.capability_missing",
                    location,
                    format!("runs capability {id}, whose contract is not loaded: add its contract file"),
                ),
            }
        })
        .collect();
    let mut claimed: BTreeMap<(Kind, &str), &str> = BTreeMap::new();
    for item in items {
        let Some(id) = item.id.as_deref() else { continue };
        if !matches!(
            item.kind,
            Kind::Contract | Kind::EventContract | Kind::Workflow | Kind::RegistryBundle | Kind::Application
        ) {
            continue;
        }
        if let Some(first) = claimed.insert((item.kind, id), &item.path) {
            claimed.insert((item.kind, id), first);
            found.push(Diagnostic::warning(
                "set.duplicate_id",
                Location::file(&item.path),
                format!(
                    "claims {id}, as {first} does: a registry keeps one {} per id@version, so the set is ambiguous",
                    item.kind.as_str()
                ),
            ));
        }
    }
    found
}
