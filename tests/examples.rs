//! Every example package (examples/) and the template pass every check, natively: Traverse
//! loads them, nothing stops their requests except those whose use case expects nothing
//! (`output_example: {}`), which Traverse refuses before running. The browser spec
//! (tests/e2e/examples.test.mjs) runs them.

use std::path::Path;

use serde_json::Value;
use traverse_playground::{
    check::{Verdict, check_package},
    diagnostic::Severity,
    package::PackageFiles,
};

fn check_folder(folder: &Path) {
    let files = PackageFiles::read_dir(folder).unwrap();
    let report = check_package(&files, "manifest.json");
    let name = folder.display();
    let errors: Vec<_> = report.diagnostics().filter(|d| d.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
    assert_eq!(report.load_verdict(), Verdict::Passes, "{name}");
    assert_eq!(report.execute_verdict(), Verdict::Passes, "{name}");
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
        assert_eq!(report.request_verdict(request) != Verdict::Passes, refused, "{name}: {}", request.file);
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
    assert!(checked >= 7, "{checked} packages");
}
