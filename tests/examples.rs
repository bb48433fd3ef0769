//! Every example package (examples/) and the template pass every check, natively: Traverse
//! loads them, nothing stops their requests except those whose use case expects nothing
//! (`output_example: {}`), which Traverse refuses before running. The browser spec
//! (tests/e2e/examples.test.mjs) runs them.

use std::path::Path;

use serde_json::Value;
use traverse_playground::{
    check::{Verdict, check_package, diagnostic::Severity, module_info::ReadHere},
    package::disk,
};

fn check_folder(folder: &Path) {
    let files = disk::read_tree(folder).unwrap();
    let report = check_package(&files, "manifest.json", &ReadHere);
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

/// The template the page checks while idle, so that the check's code is compiled before the
/// first package arrives, reaches every check: a manifest, a contract, a request and a module.
#[test]
fn the_shipped_template_reaches_every_check() {
    use traverse_playground::package::template;
    let shipped = template::shipped();
    let paths: Vec<&str> = shipped.paths().collect();
    assert_eq!(
        paths,
        [
            "artifacts/replace-me.wasm",
            "contract.json",
            "manifest.json",
            "runtime-requests/replace-me.json",
            "src/lib.rs"
        ]
    );
    let report = check_package(&shipped, "manifest.json", &ReadHere);
    assert!(report.module.is_some(), "the module is checked too");
    assert_eq!(report.requests.len(), 1);
    assert_eq!(report.load_verdict(), Verdict::Passes);
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
        let report = check_package(&files, "manifest.json", &ReadHere);
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

/// A package opens on its first request, and "run all" runs every request, then every use case;
/// a request Traverse refuses is planned as refused, whatever stdin holds.
#[test]
fn run_all_runs_every_request_then_every_use_case() {
    use traverse_playground::run::{
        plan::{self, BatchKind, InputChoice, Plan},
        settings::Settings,
    };
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hello-world");
    let files = disk::read_tree(&folder).unwrap();
    let report = check_package(&files, "manifest.json", &ReadHere);
    assert_eq!(plan::initial_choice(&report), InputChoice::Request("runtime-requests/greet-ada.json".into()));
    let batches = plan::run_all(&report);
    let names: Vec<(BatchKind, &str)> = batches.iter().map(|b| (b.kind, b.name.as_str())).collect();
    assert_eq!(
        names,
        [
            (BatchKind::Request, "runtime-requests/greet-ada.json"),
            (BatchKind::Request, "runtime-requests/greet-unicode.json"),
            (BatchKind::Request, "runtime-requests/missing-name.json"),
            (BatchKind::UseCase, "A person gives their name and is greeted."),
            (BatchKind::UseCase, "A name outside ASCII is greeted as written."),
            (
                BatchKind::UseCase,
                "The caller forgets the name; the request is refused before the module runs."
            ),
        ]
    );
    let module = files.get("artifacts/hello-world.wasm").unwrap().to_vec();
    let planned: Vec<bool> = batches
        .iter()
        .map(|batch| {
            let stdin = batch.choice.stdin(&report).unwrap_or_default();
            let planned =
                plan::plan(&report, &batch.choice, &stdin, module.clone(), &Settings::default(), vec![]);
            matches!(planned.unwrap(), Plan::Refused { .. })
        })
        .collect();
    // The request without a name fails the input schema; its use case is the user's own stdin
    // to Traverse, which runs it and lets the module refuse.
    assert_eq!(planned, [false, false, true, false, false, false]);
    // A request that does not parse has no stdin, and is still refused with Traverse's line.
    let mut broken = files.clone();
    broken.insert("runtime-requests/broken.json", b"{".to_vec());
    let report = check_package(&broken, "manifest.json", &ReadHere);
    let choice = InputChoice::Request("runtime-requests/broken.json".into());
    assert_eq!(choice.stdin(&report).as_deref(), Some(""), "no stale stdin");
    let Ok(Plan::Refused { refusal, .. }) =
        plan::plan(&report, &choice, "", module, &Settings::default(), vec![])
    else {
        panic!("an unparsable request runs")
    };
    assert_eq!(refusal.stop.exit_code, 2);
}

/// A package started from the form: every file but the binary is there; a writing step is
/// ticked only when no REPLACE-ME is left in what it names, and once the built binary is added
/// and its digest pinned, and every text written, every step of the authoring guide is ticked.
#[test]
fn a_package_started_from_the_form_ticks_every_step_once_built() {
    use traverse_playground::{
        check::{authoring, manifest},
        package::{PackageFiles, digest, template},
    };
    let form = template::NewPackage {
        id: "acme.orders.order-echo".into(),
        version: "0.1.0".into(),
        capability_version: "1.0.0".into(),
        summary: "Echo an order.".into(),
    };
    let mut files = PackageFiles::new();
    for (path, bytes) in template::files(&form).unwrap() {
        files.insert(&path, bytes);
    }
    let done = |files: &PackageFiles| -> Vec<bool> {
        authoring::checklist(&check_package(files, "manifest.json", &ReadHere), files)
            .iter()
            .map(|step| step.done)
            .collect()
    };
    assert_eq!(done(&files), [false; 7]);

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Any module will do for the checks: the hello-world example's, whose digest is not the
    // template's.
    let binary = std::fs::read(root.join("examples/hello-world/artifacts/hello-world.wasm")).unwrap();
    files.insert("artifacts/order-echo.wasm", binary.clone());
    assert_eq!(done(&files), [false, false, false, true, false, false, false]);
    let text =
        |files: &PackageFiles, path: &str| String::from_utf8(files.get(path).unwrap().to_vec()).unwrap();
    let pinned =
        manifest::with_expected_digest(&text(&files, "manifest.json"), &digest::fnv1a64(&binary)).unwrap();
    files.insert("manifest.json", pinned.into_bytes());
    assert_eq!(done(&files), [false, false, false, true, true, true, true]);
    // Each text written ticks its own step, and only its own.
    let mut written = Vec::new();
    for path in ["manifest.json", "contract.json", "src/lib.rs"] {
        let filled = text(&files, path).replace(authoring::TO_WRITE, "Written");
        files.insert(path, filled.into_bytes());
        written.push(true);
        let expected: Vec<bool> =
            written.iter().copied().chain([false; 3].into_iter().skip(written.len())).collect();
        assert_eq!(done(&files)[..3], expected[..], "after writing {path}");
    }
    assert_eq!(done(&files), [true; 7]);

    // The template itself, ids and all, is accepted by Traverse, with a warning for each id.
    let template = disk::read_tree(&root.join("templates/executable-capability-package")).unwrap();
    let report = check_package(&template, "manifest.json", &ReadHere);
    let placeholders: Vec<String> = report
        .diagnostics()
        .filter(|d| d.code == "manifest.template_placeholder")
        .map(|d| d.location.to_string())
        .collect();
    assert_eq!(placeholders, ["manifest.json $.package_id", "manifest.json $.capability_ref.id"]);
    assert_eq!(report.load_verdict(), Verdict::Passes);
}
