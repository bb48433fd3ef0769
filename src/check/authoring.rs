//! The authoring guide's steps (docs/authoring.md), each ticked from a package's report: what a
//! new author has done, and what is left.

use crate::check::{
    Check, Report, Verdict,
    diagnostic::{Diagnostic, Location},
};

/// One step of the guide, and whether the report shows it done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub label: &'static str,
    pub done: bool,
}

/// The guide's steps, in its order.
pub fn checklist(report: &Report) -> Vec<Step> {
    let passes =
        |check: Check| report.sections.iter().any(|section| section.check == check && section.errors() == 0);
    let found = |code: &str, path: &str| report.diagnostics().any(|d| d.code == code && at(d, path));
    let parsed = report.inspect_output.is_some();
    let placeholder_ids = found("manifest.template_placeholder", "$.package_id")
        || found("manifest.template_placeholder", "$.capability_ref.id");
    let steps = [
        ("name the package and its capability: no replace-me left in their ids", parsed && !placeholder_ids),
        (
            "write the contract: it loads and matches the manifest",
            passes(Check::Contract) && passes(Check::Linkage),
        ),
        ("load the source the manifest names", parsed && !found("files.missing", "$.source.path")),
        ("build the binary and load it", report.binary.is_some()),
        ("pin its digest in the manifest", report.binary.as_ref().is_some_and(|b| b.declared == b.fnv1a64)),
        ("Traverse loads the package", report.load_verdict() == Verdict::Passes),
        ("a request runs", report.requests.iter().any(|r| report.run_verdict(Some(r)) == Verdict::Passes)),
    ];
    steps.into_iter().map(|(label, done)| Step { label, done }).collect()
}

fn at(diagnostic: &Diagnostic, json_path: &str) -> bool {
    matches!(&diagnostic.location, Location::Json { path, .. } if path == json_path)
}
