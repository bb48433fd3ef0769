//! Every example package (examples/) and the template pass every check, natively: Traverse
//! loads them, nothing stops their requests except those whose use case expects nothing
//! (`output_example: {}`), which Traverse refuses before running. The browser spec
//! (tests/e2e/examples.test.mjs) runs them.

use std::path::Path;

use serde_json::Value;
use traverse_playground::{
    check::{Verdict, check_package, diagnostic::Severity},
    package::disk,
};

fn check_folder(folder: &Path) {
    let files = disk::read_tree(folder).unwrap();
    let report = check_package(&files, "manifest.json");
    let name = folder.display();
    let errors: Vec<_> = report.diagnostics().filter(|d| d.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
    assert_eq!(report.load_verdict(), Verdict::Passes, "{name}");
    assert_eq!(report.run_verdict(None), Verdict::Passes, "{name}");
    let contract: Value = serde_json::from_slice(files.get("contract.json").unwrap()).unwrap();
    for request in &report.requests {
        let input: Value =
            serde_json::from_slice::<Value>(files.get(&request.file).unwrap()).unwrap()["input"].clone();
        let use_case = contract["use_cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["input_example"] == input)
            .unwrap_or_else(|| panic!("{name}: {} has no use case", request.file));
        let refused = use_case["output_example"] == serde_json::json!({});
        assert_eq!(report.run_verdict(Some(request)) != Verdict::Passes, refused, "{name}: {}", request.file);
    }
}

#[test]
fn every_example_and_the_template_pass_every_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for parent in ["examples", "templates"] {
        for entry in std::fs::read_dir(root.join(parent)).unwrap() {
            let folder = entry.unwrap().path();
            if folder.join("manifest.json").is_file() {
                check_folder(&folder);
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 7, "six examples and the template");
}

/// As Traverse's published examples are (their source and binary are not published): each of
/// ours without them fails to load for the source, first, and for nothing else.
#[test]
fn every_example_without_its_source_and_binary_fails_only_for_them() {
    use traverse_playground::check::diagnostic::TraverseStop;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for entry in std::fs::read_dir(&root).unwrap() {
        let folder = entry.unwrap().path();
        if !folder.join("manifest.json").is_file() {
            continue;
        }
        let mut files = disk::read_tree(&folder).unwrap();
        let manifest: Value = serde_json::from_slice(files.get("manifest.json").unwrap()).unwrap();
        let (source, binary) =
            (manifest["source"]["path"].as_str().unwrap(), manifest["binary"]["path"].as_str().unwrap());
        for path in [source, binary] {
            files.remove(path.trim_start_matches("./"));
        }
        let report = check_package(&files, "manifest.json");
        assert_eq!(
            report.load_verdict(),
            Verdict::Fails(TraverseStop::load(format!("missing capability source file {source}"))),
            "{}",
            folder.display()
        );
        let codes: Vec<_> =
            report.diagnostics().filter(|d| d.severity != Severity::Info).map(|d| d.code).collect();
        assert_eq!(codes, ["files.missing", "files.missing"], "{}", folder.display());
    }
}
