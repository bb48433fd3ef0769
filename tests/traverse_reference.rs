//! Traverse's own packages, requests and workflows (its reference data, kept beside the clone in
//! `shared/traverse/reference`, or where `TRAVERSE_REFERENCE` says): the checks must load them as
//! Traverse does. A clone has no such data, so these tests are `#[ignore]`d and `scripts/test`
//! includes them only when it is there. Each behaviour here is also covered with our own
//! examples (tests/examples.rs, tests/package_checks.rs).

mod common;

use common::{reference_dir, reference_json};
use serde_json::Value;
use traverse_playground::{
    check::{
        Verdict, check_package,
        diagnostic::{Diagnostic, Severity, TraverseStop},
        module_info::ReadHere,
    },
    package::disk,
};

#[test]
#[ignore = "needs Traverse's reference data (TRAVERSE_REFERENCE)"]
fn traverse_packages_fail_only_for_their_absent_sources() {
    let files = disk::read_tree(&reference_dir()).unwrap();
    for (manifest, source) in [
        ("examples/core-authorize/manifest.json", None),
        ("examples/core-calculate-deadline-pressure/manifest.json", None),
        ("examples/core-transition-action-status/manifest.json", None),
        ("examples/hello-world/say-hello-agent/manifest.json", Some("./src/agent.rs")),
    ] {
        let report = check_package(&files, manifest, &ReadHere);
        let folder = manifest.trim_end_matches("/manifest.json");
        let source = source.map_or_else(
            || {
                let value: Value = serde_json::from_slice(files.get(manifest).unwrap()).unwrap();
                value["source"]["path"].as_str().unwrap().to_owned()
            },
            str::to_owned,
        );
        let expected = format!("missing capability source file {folder}/{source}");
        assert_eq!(report.load_verdict(), Verdict::Fails(TraverseStop::load(expected)));
        let codes: Vec<_> =
            report.diagnostics().filter(|d| d.severity != Severity::Info).map(|d| d.code).collect();
        assert_eq!(
            codes,
            ["files.missing", "files.missing"],
            "{manifest}: source and binary are absent, all else holds"
        );
    }
}

#[test]
#[ignore = "needs Traverse's reference data (TRAVERSE_REFERENCE)"]
fn traverse_requests_are_valid_and_their_stdin_is_traverse_bytes() {
    let files = disk::read_tree(&reference_dir()).unwrap();
    let expected_runs = reference_json("expected-runs.json");
    let runs = expected_runs.as_array().unwrap();
    assert_eq!(runs.len(), 28);
    for run in runs {
        let package = run["package_dir"].as_str().unwrap();
        let report = check_package(&files, &format!("{package}/manifest.json"), &ReadHere);
        let file = run["request_file"].as_str().unwrap();
        let request =
            report.requests.iter().find(|r| r.file == file).unwrap_or_else(|| panic!("{file} found"));
        let errors: Vec<_> = request.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        assert_eq!(errors, Vec::<&Diagnostic>::new(), "{file}");
        assert_eq!(
            report.run_verdict(Some(request)),
            report.load_verdict(),
            "{file}: only the absent files stop it"
        );
        assert_eq!(request.stdin.as_deref(), run["stdin"].as_str(), "{file}: stdin bytes");
    }
}

#[test]
#[ignore = "needs Traverse's reference data (TRAVERSE_REFERENCE)"]
fn the_strict_lint_flags_a_traverse_request_that_relies_on_its_leniency() {
    // core-authorize uc10 sends an empty action to get its structured `invalid_action` denial:
    // Traverse accepts it, while the schema's minLength does not.
    let files = disk::read_tree(&reference_dir()).unwrap();
    let mut report = check_package(&files, "examples/core-authorize/manifest.json", &ReadHere);
    traverse_playground::check::strict_lint::add_to(&mut report);
    let uc10 = report.requests.iter().find(|r| r.file.ends_with("uc10-invalid-action-deny.json")).unwrap();
    let strict: Vec<_> =
        uc10.diagnostics.iter().map(|d| (d.code, d.severity, d.location.to_string())).collect();
    assert_eq!(
        strict,
        [(
            "request.strict_schema",
            Severity::Warning,
            "examples/core-authorize/runtime-requests/uc10-invalid-action-deny.json $.input.action"
                .to_owned()
        )]
    );
}
