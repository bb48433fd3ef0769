//! The authoring guide's steps (docs/authoring.md), each ticked from a package's report and its
//! files: what a new author has done, and what is left. A step that asks for writing is done
//! only when no `REPLACE-ME` is left in what it names, however well the placeholder checks.

use serde_json::Value;

use crate::{
    check::{
        Check, Report, Verdict,
        diagnostic::{Diagnostic, Location},
    },
    package::{PackageFiles, resolve},
};

/// The template's mark on a text still to be written.
pub const TO_WRITE: &str = "REPLACE-ME";

/// One step of the guide, and whether the report shows it done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub label: &'static str,
    pub done: bool,
}

/// The guide's steps, in its order.
pub fn checklist(report: &Report, files: &PackageFiles) -> Vec<Step> {
    let passes =
        |check: Check| report.sections.iter().any(|section| section.check == check && section.errors() == 0);
    let found = |code: &str, path: &str| report.diagnostics().any(|d| d.code == code && at(d, path));
    let manifest_path = report.manifest_path.as_deref().unwrap_or_default();
    let manifest: Option<Value> =
        files.get(manifest_path).and_then(|bytes| serde_json::from_slice(bytes).ok());
    // The file a manifest field names, when it is there and holds nothing left to write.
    let written = |pointer: &str| {
        let named = manifest.as_ref().and_then(|manifest| manifest.pointer(pointer)?.as_str());
        named
            .and_then(|raw| files.get(&resolve(manifest_path, raw).key))
            .is_some_and(|bytes| !holds_placeholder(bytes))
    };
    let parsed = report.inspect_output.is_some();
    let placeholder_ids = found("manifest.template_placeholder", "$.package_id")
        || found("manifest.template_placeholder", "$.capability_ref.id");
    let manifest_written = files.get(manifest_path).is_some_and(|bytes| !holds_placeholder(bytes));
    let steps = [
        (
            "name and describe the package: no replace-me in its ids, no REPLACE-ME in the manifest",
            parsed && !placeholder_ids && manifest_written,
        ),
        (
            "write the contract: no REPLACE-ME left, and it loads and matches the manifest",
            passes(Check::Contract) && passes(Check::Linkage) && written("/capability_ref/contract_path"),
        ),
        (
            "write the logic: no REPLACE-ME left in the source the manifest names",
            parsed && written("/source/path"),
        ),
        ("build the binary and load it", report.binary.is_some()),
        ("pin its digest in the manifest", report.binary.as_ref().is_some_and(|b| b.declared == b.fnv1a64)),
        ("Traverse loads the package", report.load_verdict() == Verdict::Passes),
        ("a request runs", report.requests.iter().any(|r| report.run_verdict(Some(r)) == Verdict::Passes)),
    ];
    steps.into_iter().map(|(label, done)| Step { label, done }).collect()
}

fn holds_placeholder(bytes: &[u8]) -> bool {
    bytes.windows(TO_WRITE.len()).any(|window| window == TO_WRITE.as_bytes())
}

fn at(diagnostic: &Diagnostic, json_path: &str) -> bool {
    matches!(&diagnostic.location, Location::Json { path, .. } if path == json_path)
}
