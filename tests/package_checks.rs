//! SPEC §9.1 as data: a good package of ours, mutated one way per case, with the verdict
//! Traverse gives for that mutation. The base mirrors the spec's (a contract beside the
//! manifest, a source file, the binary as `./artifacts/agent.wasm`), made of our hello-world
//! example: its manifest, its contract and its binary.

use std::process::Command;

use serde_json::{Value, json};
use traverse_playground::{
    check::{
        Check, Report, Verdict, check_package,
        diagnostic::Severity,
        module_info::{InspectError, ReadHere, Reader, Reading},
        strict_lint,
    },
    package::{PackageFiles, digest, json_path::Part, workspace},
    present::file_problems,
    run::{
        plan::{self, InputChoice, Plan},
        settings::Settings,
    },
};

mod common;

use common::{HELLO_WASM, hello_contract, hello_manifest, hello_request};

const MANIFEST: &str = "pkg/manifest.json";

/// One package under test, as values that a case mutates before it is checked.
struct Case {
    manifest: Value,
    contract: Value,
    contract_path: &'static str,
    binary: Vec<u8>,
    with_source: bool,
    /// Further JSON files (requests, workflows) by path inside `pkg/`.
    extra: Vec<(&'static str, Value)>,
}

impl Case {
    fn base() -> Self {
        Self {
            manifest: hello_manifest("./contract.json"),
            contract: hello_contract(),
            contract_path: "./contract.json",
            binary: HELLO_WASM.to_vec(),
            with_source: true,
            extra: vec![],
        }
    }

    /// Replaces the binary and declares its true digest, as the spec's *WAT* cases do.
    fn with_module(mut self, wat: &str) -> Self {
        self.binary = wat::parse_str(wat).expect("test module");
        self.manifest["binary"]["expected_digest"] = json!(digest::fnv1a64(&self.binary));
        self
    }

    fn files(&self) -> PackageFiles {
        let mut files = PackageFiles::new();
        files.insert(MANIFEST, serde_json::to_vec_pretty(&self.manifest).unwrap());
        files.insert(
            &format!("pkg/{}", self.contract_path),
            serde_json::to_vec_pretty(&self.contract).unwrap(),
        );
        if self.with_source {
            files.insert("pkg/src/agent.rs", "// source".as_bytes());
        }
        files.insert("pkg/artifacts/agent.wasm", self.binary.clone());
        for (path, value) in &self.extra {
            files.insert(&format!("pkg/{path}"), serde_json::to_vec_pretty(value).unwrap());
        }
        files
    }
}

/// The package checked, after making sure that the page, the command line and the report JSON
/// give the same verdicts on it: one function decides them all. With the strict lint's pass, as
/// the command line reports it (the page runs that pass in a worker).
fn checked(files: &PackageFiles) -> Report {
    let mut report = check_package(files, MANIFEST, &ReadHere);
    verdicts_agree(files, &report);
    strict_lint::add_to(&mut report);
    report
}

fn verdicts_agree(files: &PackageFiles, report: &Report) {
    // The page: what its Run button does, for stdin it writes and for each request.
    let module =
        workspace::module_to_run(files, Some(MANIFEST)).map(|path| files.get(&path).unwrap().to_vec());
    let page = |choice: InputChoice| {
        let module = module.clone().unwrap_or_default();
        match plan::plan(report, &choice, "{}", module, &Settings::default(), vec![]).unwrap() {
            Plan::Refused { refusal, .. } => Verdict::Fails(refusal.stop),
            Plan::Run { .. } => Verdict::Passes,
        }
    };
    assert_eq!(page(InputChoice::Custom), report.run_verdict(None), "the page, with stdin");
    for request in &report.requests {
        let choice = InputChoice::Request(request.file.clone());
        assert_eq!(page(choice), report.run_verdict(Some(request)), "the page, with {}", request.file);
    }

    // The command line, on the same files written to disk: its lines, its JSON, its exit code.
    let dir = std::env::temp_dir().join(format!(
        "traverse-playground-verdicts-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    for path in files.paths() {
        assert!(!path.starts_with(".."), "{path} would be written outside the package's folder");
        let on_disk = dir.join(path);
        std::fs::create_dir_all(on_disk.parent().unwrap()).unwrap();
        std::fs::write(on_disk, files.get(path).unwrap()).unwrap();
    }
    let (requests, workflows) = workspace::requests_and_workflows(files, Some(MANIFEST));
    let mut args = vec![MANIFEST.to_owned()];
    args.extend(requests.iter().flat_map(|path| ["--request".to_owned(), path.clone()]));
    args.extend(workflows.iter().flat_map(|path| ["--workflow".to_owned(), path.clone()]));
    let cli = |json: bool| {
        let output = Command::new(env!("CARGO_BIN_EXE_traverse-playground"))
            .arg("check")
            .args(&args)
            .args(json.then_some("--json"))
            .current_dir(&dir)
            .output()
            .unwrap();
        (output.status.code().unwrap(), String::from_utf8(output.stdout).unwrap())
    };
    let (code, text) = cli(false);
    assert_eq!(code, i32::from(report.exit_code()), "{text}");
    let mut expected = vec![format!("traverse inspect: {}", report.load_verdict().line())];
    if report.requests.is_empty() {
        expected.push(format!("traverse execute: {}", report.run_verdict(None).line()));
    }
    for request in &report.requests {
        expected.push(format!(
            "traverse execute {}: {}",
            request.file,
            report.run_verdict(Some(request)).line()
        ));
    }
    let lines: Vec<&str> = text.lines().filter(|line| line.starts_with("traverse ")).collect();
    assert_eq!(lines, expected);

    let (json_code, json) = cli(true);
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json_code, code);
    let value = |verdict: Verdict| serde_json::to_value(verdict).unwrap();
    assert_eq!(json["inspect"], value(report.load_verdict()));
    assert_eq!(json["execute"], value(report.run_verdict(None)));
    let verdicts: Vec<&Value> = json["requests"].as_array().unwrap().iter().map(|r| &r["verdict"]).collect();
    let expected: Vec<Value> = report.requests.iter().map(|r| value(report.run_verdict(Some(r)))).collect();
    assert_eq!(verdicts, expected.iter().collect::<Vec<_>>());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// What a case is expected to produce: the diagnostic codes, and Traverse's lines.
#[derive(Debug, PartialEq)]
struct Outcome {
    codes: Vec<&'static str>,
    inspect: Option<String>,
    execute: Option<String>,
}

fn check(case: &Case) -> Outcome {
    let report = checked(&case.files());
    let line = |verdict: Verdict| match verdict {
        Verdict::Passes => None,
        Verdict::Fails(stop) => Some(stop.message),
    };
    let codes = report.diagnostics().filter(|d| d.severity != Severity::Info).map(|d| d.code).collect();
    Outcome { codes, inspect: line(report.load_verdict()), execute: line(report.run_verdict(None)) }
}

/// A case that mutates one JSON document: its name, the change, and what Traverse does.
type Mutation = (&'static str, fn(&mut Value), Outcome);

fn fails_to_load(codes: &[&'static str], message: &str) -> Outcome {
    Outcome { codes: codes.to_vec(), inspect: Some(message.into()), execute: Some(message.into()) }
}

fn fails_to_execute(codes: &[&'static str], runtime_error: &str) -> Outcome {
    Outcome {
        codes: codes.to_vec(),
        inspect: None,
        execute: Some(format!("runtime execution failed: {runtime_error}")),
    }
}

fn passes() -> Outcome {
    Outcome { codes: vec![], inspect: None, execute: None }
}

const COLLAPSED: &str = "execution failed: registered artifact execution failed";

/// A module like the spec's *WAT* cases: fd_write and proc_exit, a 1-page memory, `_start`.
fn wat_module(extra_imports: &str, memory_pages: u32) -> String {
    format!(
        r#"(module
             (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
             (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
             {extra_imports}
             (memory (export "memory") {memory_pages})
             (func (export "_start")))"#
    )
}

#[test]
fn baseline_hello_passes_both_stages() {
    assert_eq!(check(&Case::base()), passes());
}

#[test]
fn digest_cases() {
    let computed = digest::fnv1a64(HELLO_WASM);
    let sha256_form = digest::sha256(HELLO_WASM);
    let upper =
        computed.replacen(&computed["fnv1a64:".len()..], &computed["fnv1a64:".len()..].to_uppercase(), 1);
    for (declared, codes) in [
        // All zeros is the placeholder a template declares before its binary is built.
        ("fnv1a64:0000000000000000".to_owned(), &["manifest.template_placeholder", "digest.mismatch"][..]),
        ("fnv1a64:0123456789abcdef".to_owned(), &["digest.mismatch"]),
        (sha256_form, &["digest.format"]),
        (upper, &["digest.format"]),
    ] {
        let mut case = Case::base();
        case.manifest["binary"]["expected_digest"] = json!(declared);
        let message = format!(
            "capability binary digest mismatch for pkg/./artifacts/agent.wasm: expected {declared}, got {computed}"
        );
        assert_eq!(check(&case), fails_to_load(codes, &message), "{declared}");
    }
}

#[test]
fn manifest_field_cases() {
    let cases: Vec<Mutation> = vec![
        (
            "conflicting_compositions",
            |m| {
                // Our manifest declares `known_compositions: []`; a non-empty legacy list conflicts.
                m["workflow_refs"] = json!([{"workflow_id": "other.workflow", "workflow_version": "1.0.0"}])
            },
            fails_to_load(
                &["manifest.conflicting_compositions"],
                "conflicting_composition_metadata: known_compositions and deprecated workflow_refs must match when both are present",
            ),
        ),
        (
            "known_compositions_only_unresolvable",
            |m| {
                m.as_object_mut().unwrap().remove("workflow_refs");
                m["known_compositions"] =
                    json!([{"workflow_id": "does.not.exist", "workflow_version": "9.9.9"}]);
            },
            passes(),
        ),
        (
            "no_compositions_no_model_deps",
            |m| {
                m.as_object_mut().unwrap().remove("workflow_refs");
                m.as_object_mut().unwrap().remove("model_dependencies");
            },
            passes(),
        ),
        ("unknown_extra_manifest_field", |m| m["x_extra"] = json!({"anything": true}), passes()),
        ("empty_summary", |m| m["summary"] = json!(""), passes()),
        (
            "binary_format_wasm32",
            |m| m["binary"]["format"] = json!("wasm32"),
            fails_to_load(&["manifest.binary_format"], "capability package binary.format must equal wasm"),
        ),
        (
            "abi_version_2",
            |m| m["binary"]["abi_version"] = json!("2.0.0"),
            fails_to_load(
                &["manifest.abi_version"],
                "capability package binary.abi_version must equal 1.0.0",
            ),
        ),
        (
            "manifest_network_required",
            |m| m["constraints"]["network_access"] = json!("required"),
            fails_to_load(
                &["linkage.constraints"],
                "capability package capability playground.examples.greet must keep network_access=forbidden",
            ),
        ),
        (
            "manifest_bogus_fs_value",
            |m| m["constraints"]["filesystem_access"] = json!("read_only"),
            fails_to_load(
                &["linkage.constraints"],
                "capability package capability playground.examples.greet must keep filesystem_access=none",
            ),
        ),
        (
            "schema_version_2",
            |m| m["schema_version"] = json!("2.0.0"),
            fails_to_load(
                &["manifest.schema_version"],
                "capability package manifest pkg/manifest.json must declare schema_version=1.0.0",
            ),
        ),
        (
            "capability_ref_version_mismatch",
            |m| m["capability_ref"]["version"] = json!("1.0.1"),
            fails_to_load(
                &["linkage.capability_ref"],
                "capability package capability_ref playground.examples.greet@1.0.1 does not match contract playground.examples.greet@1.0.0",
            ),
        ),
        (
            "kind_and_blank_package_id_report_both_and_stop_at_the_first",
            |m| {
                m["kind"] = json!("capability");
                m["package_id"] = json!("  ");
            },
            fails_to_load(
                &["manifest.kind", "manifest.package_id"],
                "capability package manifest pkg/manifest.json must declare kind=capability_package",
            ),
        ),
    ];
    for (name, mutate, expected) in cases {
        let mut case = Case::base();
        mutate(&mut case.manifest);
        assert_eq!(check(&case), expected, "{name}");
    }
}

#[test]
fn model_dependencies_as_strings_fail_to_parse_with_serde_text() {
    let mut case = Case::base();
    case.manifest["model_dependencies"] = json!(["hello-world-greeting-v1"]);
    let outcome = check(&case);
    assert_eq!(outcome.codes, ["manifest.parse"]);
    let message = outcome.inspect.unwrap();
    let prefix = "failed to parse capability package manifest pkg/manifest.json: invalid type: string \
                  \"hello-world-greeting-v1\", expected struct PackageModelDependency at line ";
    assert!(message.starts_with(prefix), "{message}");
}

#[test]
fn missing_files_are_reported_with_traverse_path_and_the_file_to_add() {
    let mut case = Case::base();
    case.with_source = false;
    assert_eq!(
        check(&case),
        fails_to_load(&["files.missing"], "missing capability source file pkg/./src/agent.rs")
    );
    let report = checked(&case.files());
    let missing = report.diagnostics().find(|d| d.code == "files.missing").unwrap();
    assert!(missing.message.ends_with("add pkg/src/agent.rs"), "{}", missing.message);
}

#[test]
fn contract_cases() {
    let cases: Vec<Mutation> = vec![
        (
            "contract_entrypoint_start",
            |c| c["execution"]["entrypoint"]["command"] = json!("start"),
            fails_to_load(
                &["linkage.entrypoint"],
                "capability package capability playground.examples.greet must declare a wasi-command entrypoint named run",
            ),
        ),
        (
            "contract_draft_lifecycle",
            |c| c["lifecycle"] = json!("draft"),
            fails_to_execute(
                &["runtime.lifecycle_not_runnable"],
                "matching capabilities were found but none were runnable locally",
            ),
        ),
        (
            "contract_not_local_target",
            |c| c["execution"]["preferred_targets"] = json!(["browser"]),
            fails_to_execute(
                &["runtime.not_runnable_locally"],
                "matching capabilities were found but none were runnable locally",
            ),
        ),
        (
            "contract_stateful_browser",
            |c| {
                c["service_type"] = json!("stateful");
                c["permitted_targets"] = json!(["local", "browser"]);
            },
            fails_to_load(
                &["contract.invalid"],
                "capability contract pkg/./contract.json is invalid: Stateful capabilities cannot target Browser \
                 environments; browsers cannot provide managed persistence guarantees. at $.permitted_targets",
            ),
        ),
        (
            "two_contract_violations_are_joined",
            |c| {
                c["version"] = json!("v1.0");
                c["side_effects"] = json!([]);
            },
            fails_to_load(
                &["contract.invalid", "contract.invalid", "linkage.capability_ref"],
                "capability contract pkg/./contract.json is invalid: version must match MAJOR.MINOR.PATCH at $.version; \
                 side_effects must contain at least one item at $.side_effects",
            ),
        ),
    ];
    for (name, mutate, expected) in cases {
        let mut case = Case::base();
        mutate(&mut case.contract);
        assert_eq!(check(&case), expected, "{name}");
    }
}

#[test]
fn contract_parse_errors_carry_serde_text_and_at_dollar() {
    let mut case = Case::base();
    case.contract["use_cases"] = json!([{"scenario": "s", "input_example": {}, "output_example": {}}]);
    let message = check(&case).inspect.unwrap();
    assert!(
        message.starts_with(
            "capability contract pkg/./contract.json is invalid: missing field `happy` at line "
        ),
        "{message}"
    );
    assert!(message.ends_with(" at $"), "{message}");

    let mut case = Case::base();
    case.contract["service_type"] = json!("idempotent");
    let message = check(&case).inspect.unwrap();
    assert!(
        message.contains(
            "unknown variant `idempotent`, expected one of `stateless`, `subscribable`, `stateful`"
        ),
        "{message}"
    );
}

#[test]
fn contract_under_a_drafts_folder_loads_but_does_not_execute() {
    let mut case = Case::base();
    case.contract_path = "./drafts/contract.json";
    case.manifest["capability_ref"]["contract_path"] = json!("./drafts/contract.json");
    assert_eq!(
        check(&case),
        fails_to_execute(&["runtime.draft_artifact"], "draft artifacts are not executable")
    );
}

#[test]
fn module_cases() {
    let cases = vec![
        ("wasm_initial_memory_128_pages", wat_module("", 128), passes()),
        (
            "wasm_initial_memory_129_pages",
            wat_module("", 129),
            fails_to_execute(&["limits.initial_memory"], COLLAPSED),
        ),
        (
            "wasm_unauthorized_import",
            wat_module(
                r#"(import "wasi_snapshot_preview1" "environ_get" (func (param i32 i32) (result i32)))"#,
                1,
            ),
            fails_to_execute(&["abi.unauthorized_import"], COLLAPSED),
        ),
        (
            "import_traverse_capability_id_unlinked",
            wat_module(r#"(import "traverse_host" "capability_id" (func (param i32 i32) (result i32)))"#, 1),
            fails_to_execute(&["abi.unlinked_import"], COLLAPSED),
        ),
        (
            "import_memory_from_env",
            r#"(module (import "env" "memory" (memory 1)) (func (export "_start")))"#.into(),
            fails_to_execute(&["abi.unauthorized_import"], COLLAPSED),
        ),
        // Traverse runs it, and its run fails on the empty stdout: said, but not a refusal.
        (
            "no_entry_export",
            r#"(module (memory (export "memory") 1))"#.into(),
            Outcome { codes: vec!["module.no_entry"], inspect: None, execute: None },
        ),
        ("empty_string_export_only", r#"(module (func (export "")))"#.into(), passes()),
        (
            "start_with_params",
            r#"(module (func (export "_start") (param i32)))"#.into(),
            fails_to_execute(&["module.entry_signature"], COLLAPSED),
        ),
        (
            "command_and_reactor",
            r#"(module (func (export "_start")) (func (export "_initialize")))"#.into(),
            fails_to_execute(&["module.command_and_reactor"], COLLAPSED),
        ),
    ];
    for (name, wat, expected) in cases {
        assert_eq!(check(&Case::base().with_module(&wat)), expected, "{name}");
    }
}

/// Reads no module, as the page's checks before its runner has answered.
struct NotReadYet;

impl Reader for NotReadYet {
    fn read(&self, _: &[u8], _: Option<&str>) -> Option<Reading> {
        None
    }
}

/// What the page's checks see when its runner could not read the module.
struct RunnerGone;

impl Reader for RunnerGone {
    fn read(&self, _: &[u8], _: Option<&str>) -> Option<Reading> {
        Some(Err(InspectError::Unread("the runner did not start".into())))
    }
}

/// In the page the runner reads modules: until it has, the report names the module it waits
/// for and has no module checks, and loading, which never looks at the module, is judged the same.
#[test]
fn a_module_not_read_yet_is_waited_for_not_judged() {
    let refused = wat_module(
        r#"(import "wasi_snapshot_preview1" "environ_get" (func (param i32 i32) (result i32)))"#,
        1,
    );
    let files = Case::base().with_module(&refused).files();
    let read = check_package(&files, MANIFEST, &ReadHere);
    let waiting = check_package(&files, MANIFEST, &NotReadYet);
    assert_eq!(read.reading, None);
    assert_eq!(waiting.reading.as_deref(), Some("pkg/artifacts/agent.wasm"));
    assert!(read.sections.iter().any(|section| section.check == Check::Module));
    assert!(waiting.sections.iter().all(|section| section.check != Check::Module));
    assert_eq!(waiting.module, None);
    assert_eq!(waiting.load_verdict(), Verdict::Passes);
    assert_eq!(waiting.load_verdict(), read.load_verdict());
    assert_eq!(read.run_verdict(None).line(), format!("exit 1: runtime execution failed: {COLLAPSED}"));

    // A module the runner could not read is not Traverse's problem: said, with no verdict.
    let unread = check_package(&files, MANIFEST, &RunnerGone);
    assert_eq!(unread.reading, None);
    let diagnostic = unread.diagnostics().find(|d| d.code == "module.unread").expect("module.unread");
    assert_eq!(
        diagnostic.message,
        "the playground could not read pkg/artifacts/agent.wasm: the runner did not start; reload the page to retry"
    );
    assert_eq!(diagnostic.traverse, None);
}

#[test]
fn imports_are_judged_in_traverse_order_and_all_reported() {
    let report = checked(
        &Case::base()
            .with_module(&wat_module(
                r#"(import "wasi_snapshot_preview1" "sock_open" (func))
                   (import "traverse_host" "runtime_config" (func))
                   (import "env" "abort" (func))"#,
                1,
            ))
            .files(),
    );
    let imports: Vec<_> = report
        .diagnostics()
        .filter(|d| d.code.starts_with("abi."))
        .map(|d| (d.code, d.location.to_string()))
        .collect();
    assert_eq!(
        imports,
        [
            ("abi.unauthorized_import", "pkg/artifacts/agent.wasm import env::abort".to_owned()),
            (
                "abi.unauthorized_import",
                "pkg/artifacts/agent.wasm import wasi_snapshot_preview1::sock_open".to_owned()
            ),
            (
                "abi.unlinked_import",
                "pkg/artifacts/agent.wasm import traverse_host::runtime_config".to_owned()
            ),
        ]
    );
    let first = report.diagnostics().find(|d| d.code.starts_with("abi.")).unwrap();
    assert_eq!(first.message, "unauthorized_host_import: ABI 1.0.0 does not allow import env::abort");
}

#[test]
fn binaries_that_are_not_core_modules_are_named_as_such() {
    for (bytes, expected) in [
        (b"\x89PNG\r\n\x1a\n0000".to_vec(), "malformed_wasm_artifact: module compile: "),
        (
            wat::parse_str("(component)").unwrap(),
            "malformed_wasm_artifact: module compile: this is a WebAssembly component",
        ),
        (HELLO_WASM[..HELLO_WASM.len() / 2].to_vec(), "malformed_wasm_artifact: module compile: "),
    ] {
        let mut case = Case::base();
        case.manifest["binary"]["expected_digest"] = json!(digest::fnv1a64(&bytes));
        case.binary = bytes;
        let report = checked(&case.files());
        let invalid = report.diagnostics().find(|d| d.code == "module.invalid").expect("module.invalid");
        assert!(invalid.message.starts_with(expected), "{}", invalid.message);
        assert_eq!(report.load_verdict(), Verdict::Passes, "loading never inspects the module");
    }
}

/// Exactly the features wasmtime 44 compiles as Traverse runs it: the rest is refused before
/// running, as Traverse refuses a module it cannot compile.
#[test]
fn modules_run_only_with_the_features_traverse_compiles() {
    let refused = [
        (
            "exceptions",
            r#"(module (tag $t) (func (export "_start") (throw $t)))"#,
            "exceptions proposal not enabled",
        ),
        (
            "gc",
            r#"(module (type (struct (field i32))) (func (export "_start")))"#,
            "not supported without the gc feature",
        ),
        (
            "function references",
            r#"(module (type $f (func)) (func (export "_start")) (func (param (ref null $f))))"#,
            "function references required",
        ),
        (
            "wide arithmetic",
            r#"(module (func (export "_start") (drop (drop (i64.add128 (i64.const 1) (i64.const 1) (i64.const 1) (i64.const 1))))))"#,
            "wide arithmetic support is not enabled",
        ),
    ];
    for (name, wat, cause) in refused {
        let case = Case::base().with_module(wat);
        assert_eq!(check(&case), fails_to_execute(&["module.invalid"], COLLAPSED), "{name}");
        let report = checked(&case.files());
        let invalid = report.diagnostics().find(|d| d.code == "module.invalid").unwrap();
        assert!(invalid.message.contains(cause), "{name}: {}", invalid.message);
    }
    let accepted = [
        (
            "64-bit memory",
            r#"(module (memory i64 1) (func (export "_start") (drop (memory.grow (i64.const 1)))))"#,
        ),
        ("64-bit table", r#"(module (table i64 1 funcref) (func (export "_start")))"#),
        ("SIMD", r#"(module (func (export "_start") (drop (v128.const i32x4 0 0 0 0))))"#),
        ("tail calls", r#"(module (func $f (return_call $g)) (func $g) (func (export "_start") (call $f)))"#),
        // Threads compile in wasmtime 44; a shared memory then fails to instantiate, at run time
        // (run::execution::instantiation_failure), after the checks have passed.
        ("atomics", r#"(module (memory 1) (func (export "_start") (drop (i32.atomic.load (i32.const 0)))))"#),
        ("shared memory", r#"(module (memory 1 1 shared) (func (export "_start")))"#),
        (
            "extended constants",
            r#"(module (global i32 (i32.add (i32.const 1) (i32.const 2))) (func (export "_start")))"#,
        ),
    ];
    for (name, wat) in accepted {
        assert_eq!(check(&Case::base().with_module(wat)), passes(), "{name}");
    }
}

#[test]
fn a_64_bit_memory_of_every_page_there_is_is_refused_with_its_size() {
    let case = Case::base().with_module(r#"(module (memory i64 281474976710656) (func (export "_start")))"#);
    assert_eq!(check(&case), fails_to_execute(&["limits.initial_memory"], COLLAPSED));
    let report = checked(&case.files());
    let limit = report.diagnostics().find(|d| d.code == "limits.initial_memory").unwrap();
    assert_eq!(
        limit.message,
        "resource exhausted: forcing trap when growing memory to 18446744073709551616 bytes \
         (281474976710656 initial pages; the limit is 128)"
    );
}

#[test]
fn a_br_table_past_the_browsers_limit_is_named_and_does_not_change_the_verdict() {
    let module = |targets: usize| {
        format!(
            r#"(module (func (export "_start") (block (br_table {} 0 (i32.const 0)))))"#,
            "0 ".repeat(targets)
        )
    };
    let at_limit = checked(&Case::base().with_module(&module(65_520)).files());
    assert_eq!(at_limit.diagnostics().filter(|d| d.code == "module.browser_limit").count(), 0);
    let case = Case::base().with_module(&module(65_521));
    assert_eq!(check(&case), Outcome { codes: vec!["module.browser_limit"], ..passes() }, "Traverse runs it");
    let report = checked(&case.files());
    let warning = report.diagnostics().find(|d| d.code == "module.browser_limit").unwrap();
    assert_eq!((warning.severity, warning.traverse.is_some()), (Severity::Warning, false));
    assert_eq!(
        warning.message,
        "a br_table has 65521 targets: Traverse's engine runs it, but this browser's compiles at most 65520, \
         so the page cannot run this module"
    );
}

/// The verdict of `execute` with one request, mutated by `mutate`, against `case`.
fn request_verdict(mut case: Case, mutate: fn(&mut Value)) -> (Vec<&'static str>, Option<String>) {
    let mut request = hello_request();
    mutate(&mut request);
    case.extra.push(("runtime-requests/greet-ada.json", request));
    let report = checked(&case.files());
    assert_eq!(report.requests.len(), 1, "the request is found by its kind");
    let request = &report.requests[0];
    let codes = request.diagnostics.iter().map(|d| d.code).collect();
    match report.run_verdict(Some(request)) {
        Verdict::Passes => (codes, None),
        Verdict::Fails(stop) => (codes, Some(stop.message)),
    }
}

/// A request mutation, the request's diagnostic codes, and Traverse's line (`None`: it runs).
type RequestCase = (&'static str, fn(&mut Value), Vec<&'static str>, Option<String>);

#[test]
fn request_cases() {
    let failed = |message: &str| Some(format!("runtime execution failed: {message}"));
    let input_invalid =
        failed("runtime request input does not satisfy the selected capability input contract");
    let cases: Vec<RequestCase> = vec![
        ("baseline", |_| {}, vec![], None),
        (
            "request_input_missing_required",
            |r| r["input"] = json!({}),
            vec!["request.input_schema"],
            input_invalid.clone(),
        ),
        (
            "request_input_wrong_type",
            |r| r["input"] = json!({"name": 42}),
            vec!["request.input_schema"],
            input_invalid.clone(),
        ),
        ("request_input_null", |r| r["input"] = json!(null), vec!["request.input_schema"], input_invalid),
        // Traverse runs it; only the strict lint warns about the extra key.
        (
            "request_input_extra_prop_additionalProperties_false",
            |r| r["input"] = json!({"name": "x", "extra": 1}),
            vec!["request.strict_schema"],
            None,
        ),
        // Traverse ignores minLength, so the empty name runs; the strict lint names it (as core-authorize's uc10 relies on).
        (
            "request_input_below_min_length",
            |r| r["input"] = json!({"name": ""}),
            vec!["request.strict_schema"],
            None,
        ),
        (
            "request_target_browser",
            |r| r["context"]["requested_target"] = json!("browser"),
            vec!["request.placement_unsupported"],
            failed("requested placement target is not supported by the available executor set"),
        ),
        (
            "request_version_not_registered",
            |r| r["intent"]["capability_version"] = json!("1.0.1"),
            vec!["request.no_match"],
            failed("no eligible capability matched the runtime request"),
        ),
        (
            "request_allow_ambiguity",
            |r| r["lookup"]["allow_ambiguity"] = json!(true),
            vec!["request.invalid"],
            failed("allow_ambiguity must be false in this runtime slice"),
        ),
        (
            "request_wrong_governing_spec",
            |r| r["governing_spec"] = json!("x"),
            vec!["request.invalid"],
            failed("governing_spec must equal 006-runtime-request-execution"),
        ),
        (
            "request_version_range",
            |r| {
                r["intent"].as_object_mut().unwrap().remove("capability_version");
                r["intent"]["version_range"] = json!("^1.0.0");
            },
            vec![],
            None,
        ),
        ("request_lookup_public_only", |r| r["lookup"]["scope"] = json!("public_only"), vec![], None),
        (
            "validation_stops_first_but_all_is_reported",
            |r| {
                r["kind"] = json!("request");
                r["context"]["requested_target"] = json!("edge");
            },
            vec!["request.invalid", "request.placement_unsupported"],
            failed("kind must equal runtime_request"),
        ),
    ];
    for (name, mutate, codes, verdict) in cases {
        assert_eq!(request_verdict(Case::base(), mutate), (codes, verdict), "{name}");
    }
}

#[test]
fn an_unparsable_request_exits_2_with_serde_text() {
    // Several fields are missing: serde names the first in Traverse's declaration order.
    let (codes, verdict) = request_verdict(Case::base(), |r| {
        r.as_object_mut().unwrap().remove("governing_spec");
        r.as_object_mut().unwrap().remove("lookup");
    });
    assert_eq!(codes, ["request.parse"]);
    let verdict = verdict.unwrap();
    assert!(
        verdict.starts_with(
            "failed to parse runtime request pkg/runtime-requests/greet-ada.json: missing field `lookup`"
        ),
        "{verdict}"
    );
}

#[test]
fn a_request_meets_the_package_problems_in_pipeline_order() {
    // Candidates are rejected (step 3) before the requested target is looked at (step 5).
    let mut case = Case::base();
    case.contract["lifecycle"] = json!("draft");
    let (_, verdict) = request_verdict(case, |r| r["context"]["requested_target"] = json!("cloud"));
    assert_eq!(
        verdict.unwrap(),
        "runtime execution failed: matching capabilities were found but none were runnable locally"
    );

    // An invalid input (step 8) stops the run before the module's forbidden import (step 10).
    let case = Case::base().with_module(&wat_module(r#"(import "env" "f" (func))"#, 1));
    let (_, verdict) = request_verdict(case, |r| r["input"] = json!({}));
    assert_eq!(
        verdict.unwrap(),
        "runtime execution failed: runtime request input does not satisfy the selected capability input contract"
    );

    // A package that does not load never gets to the request.
    let mut case = Case::base();
    case.manifest["binary"]["format"] = json!("wat");
    let (_, verdict) = request_verdict(case, |r| r["kind"] = json!("x"));
    assert_eq!(verdict.unwrap(), "capability package binary.format must equal wasm");
}

#[test]
fn stdin_is_the_input_as_traverse_writes_it() {
    // SPEC §8.4: compact, keys sorted at every depth, floats in serde_json's shortest form, only
    // `"`, `\` and control characters escaped. The request file is given as written, byte for byte.
    let request = hello_request().to_string().replace(
        r#""input":{"name":"Ada"}"#,
        r#""input":{"name":"Zoë/ \u2028 \u0001 \"q\"", "b": {"d": 50.00, "c": [1e2, -0, 1e-6, 1e16, 0.00001]}, "a": 18446744073709551616}"#,
    );
    let mut files = Case::base().files();
    files.insert("pkg/runtime-requests/r.json", request.into_bytes());
    let report = checked(&files);
    assert_eq!(
        report.requests[0].stdin.as_deref(),
        Some(
            "{\"a\":1.8446744073709552e+19,\"b\":{\"c\":[100.0,-0.0,1e-6,1e+16,0.00001],\"d\":50.0},\
             \"name\":\"Zoë/ \u{2028} \\u0001 \\\"q\\\"\"}"
        )
    );
}

/// A one-node workflow over our hello-world capability, as Traverse's hello-world has one.
fn greet_workflow() -> Value {
    json!({
        "kind": "workflow_definition", "schema_version": "1.0.0",
        "id": "playground.examples.greet-flow", "name": "greet-flow", "version": "1.0.0",
        "lifecycle": "active",
        "owner": {"team": "traverse-playground", "contact": "maintainers@traverse-playground.invalid"},
        "summary": "Greet one person, as a one-node workflow.",
        "inputs": {"schema": {"type": "object", "required": ["name"],
                              "properties": {"name": {"type": "string"}}, "additionalProperties": false}},
        "outputs": {"schema": {"type": "object", "required": ["greeting", "name"],
                               "properties": {"greeting": {"type": "string"}, "name": {"type": "string"}},
                               "additionalProperties": false}},
        "nodes": [{
            "node_id": "greet", "capability_id": "playground.examples.greet", "capability_version": "1.0.0",
            "input": {"from_workflow_input": ["name"]},
            "output": {"to_workflow_state": ["greeting", "name"]}
        }],
        "edges": [],
        "start_node": "greet",
        "terminal_nodes": ["greet"],
        "tags": ["playground-example"],
        "governing_spec": "007-workflow-registry-traversal"
    })
}

/// A workflow mutation and the registration errors it must give, as (JSON path, message).
type WorkflowCase = (&'static str, fn(&mut Value), Vec<(&'static str, &'static str)>);

#[test]
fn workflow_cases() {
    let base = greet_workflow();
    let cases: Vec<WorkflowCase> = vec![
        ("valid", |_| {}, vec![]),
        (
            "governing_spec",
            |w| w["governing_spec"] = json!("x"),
            vec![("$.governing_spec", "governing_spec must equal 007-workflow-registry-traversal")],
        ),
        (
            "start_node",
            |w| w["start_node"] = json!("nowhere"),
            vec![("$.start_node", "start_node must reference a declared node")],
        ),
        (
            "duplicate_nodes_and_cycle",
            |w| {
                let node = w["nodes"][0].clone();
                w["nodes"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"node_id": "second", "capability_id": "x.y", "capability_version": "1.0.0",
                           "input": {"from_workflow_input": []}, "output": {"to_workflow_state": []}}));
                w["nodes"].as_array_mut().unwrap().push(node);
                w["edges"] = json!([
                    {"edge_id": "a", "from": "greet", "to": "second", "trigger": "direct"},
                    {"edge_id": "b", "from": "second", "to": "greet", "trigger": "direct", "event": {"event_id": "e", "version": "1.0.0"}}
                ]);
            },
            vec![
                ("$.nodes[2].node_id", "node_id values must be unique within one workflow definition"),
                ("$.edges[1].event", "direct edges must not declare an event reference"),
                ("$.edges", "deterministic workflow cycles are not allowed in v0.1"),
            ],
        ),
    ];
    for (name, mutate, expected) in cases {
        let mut workflow = base.clone();
        mutate(&mut workflow);
        let mut case = Case::base();
        case.manifest["known_compositions"] =
            json!([{"workflow_id": "playground.examples.greet-flow", "workflow_version": "1.0.0"}]);
        case.extra.push(("workflows/greet-flow.json", workflow));
        let report = checked(&case.files());
        let workflow_problems: Vec<_> = report
            .diagnostics()
            .filter(|d| d.code == "workflow.invalid")
            .map(|d| match &d.location {
                // The message ends with the registry's code: `… (InvalidLiteral)`.
                traverse_playground::check::diagnostic::Location::Json { path, .. } => {
                    (path.as_str(), d.message.rsplit_once(" (").unwrap().0)
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(workflow_problems, expected, "{name}");
        assert_eq!(report.load_verdict(), Verdict::Passes, "{name}: workflows never block a package");
        let resolved: Vec<_> =
            report.diagnostics().filter(|d| d.code.starts_with("workflow.ref_")).map(|d| d.code).collect();
        assert_eq!(resolved, ["workflow.ref_resolved"], "{name}");
    }
}

#[test]
fn a_request_refused_before_running_gets_traverse_result() {
    let refused = |mutate: fn(&mut Value)| {
        let mut request = hello_request();
        mutate(&mut request);
        let mut case = Case::base();
        case.extra.push(("runtime-requests/greet-ada.json", request));
        let report = checked(&case.files());
        let Verdict::Fails(stop) = report.run_verdict(Some(&report.requests[0])) else { panic!("refused") };
        traverse_playground::run::account::refused_result("hello-world-greet-ada", &stop).unwrap().0
    };
    // SPEC §9.1 request_target_browser: the details, and no warnings before verification.
    let browser = refused(|r| r["context"]["requested_target"] = json!("browser"));
    assert_eq!(
        browser["error"],
        json!({"code": "placement_unsupported",
               "message": "requested placement target is not supported by the available executor set",
               "details": {"requested_target": "browser", "supported_executor_targets": ["local"]}})
    );
    assert_eq!(browser["warnings"], json!([]));
    // request_input_missing_required: the violation, and the unsigned-artifact warning.
    let missing = refused(|r| r["input"] = json!({}));
    assert_eq!(missing["error"]["code"], "request_invalid");
    assert_eq!(
        missing["error"]["details"],
        json!({"violations": [{"path": "$.name", "message": "required property is missing"}]})
    );
    assert_eq!(missing["warnings"][0]["code"], "unsigned_local_dev_artifact");
    assert_eq!(missing["execution_id"], "exec_hello-world-greet-ada");
}

/// Where Traverse's rule names the value, the diagnostic carries the edit: applied to the
/// manifest as written, every one of them together makes the package pass.
#[test]
fn quick_fixes_set_what_traverse_requires_and_the_package_then_passes() {
    use traverse_playground::package::json_path;
    let mut case = Case::base();
    case.manifest["kind"] = json!("capability_packages");
    case.manifest["binary"]["format"] = json!("elf");
    case.manifest["binary"]["abi_version"] = json!("2.0.0");
    case.manifest["capability_ref"]["version"] = json!("9.9.9");
    case.manifest["constraints"]["network_access"] = json!("allowed");
    let compositions = case.manifest.as_object_mut().unwrap().remove("known_compositions").unwrap();
    case.manifest["workflow_refs"] = compositions.clone();
    let files = case.files();
    let report = checked(&files);
    let fixes: Vec<(&str, Vec<(String, String)>)> = report
        .diagnostics()
        .filter(|d| !d.fix.is_empty())
        .map(|d| (d.code, d.fix.iter().map(|edit| (edit.path.clone(), edit.json.clone())).collect()))
        .collect();
    let expected: Vec<(&str, Vec<(String, String)>)> = vec![
        ("manifest.kind", vec![("$.kind".into(), r#""capability_package""#.into())]),
        ("manifest.abi_version", vec![("$.binary.abi_version".into(), r#""1.0.0""#.into())]),
        ("manifest.binary_format", vec![("$.binary.format".into(), r#""wasm""#.into())]),
        ("manifest.legacy_workflow_refs", vec![("$.workflow_refs".into(), r#""known_compositions""#.into())]),
        (
            "linkage.capability_ref",
            vec![
                ("$.capability_ref.id".into(), r#""playground.examples.greet""#.into()),
                ("$.capability_ref.version".into(), r#""1.0.0""#.into()),
            ],
        ),
        ("linkage.constraints", vec![("$.constraints.network_access".into(), r#""forbidden""#.into())]),
    ];
    assert_eq!(fixes, expected);

    let text = String::from_utf8(files.get(MANIFEST).unwrap().to_vec()).unwrap();
    let edits: Vec<_> = report
        .diagnostics()
        .flat_map(|d| &d.fix)
        .map(|e| (e.path.as_str(), e.part, e.json.as_str()))
        .collect();
    let mut fixed = files.clone();
    fixed.insert(MANIFEST, json_path::apply(&text, &edits).unwrap().into_bytes());
    let report = checked(&fixed);
    assert_eq!(report.load_verdict(), Verdict::Passes);
    assert_eq!(report.run_verdict(None), Verdict::Passes);
    assert_eq!(report.diagnostics().map(|d| d.code).collect::<Vec<_>>(), Vec::<&str>::new());
    let manifest: Value = serde_json::from_slice(fixed.get(MANIFEST).unwrap()).unwrap();
    assert_eq!((manifest.get("workflow_refs"), &manifest["known_compositions"]), (None, &compositions));
}

/// Every quick fix the checks offer, proven on a package laid out as Traverse lays its own out
/// (the contract in a folder above the package, `workflow_refs` for its workflows): made as the
/// editor makes it, it takes away the problem it names and brings none. A new `fixed_by` in the
/// checks needs its case here, or the count below fails.
#[test]
fn every_quick_fix_takes_its_problem_away_and_brings_none() {
    const AGENT: &str = "examples/hello/agent/manifest.json";
    let traverse_shaped = |change: fn(&mut Value)| {
        let mut manifest = hello_manifest("../../../contracts/hello/contract.json");
        manifest.as_object_mut().unwrap().remove("known_compositions");
        manifest["workflow_refs"] = json!([]);
        change(&mut manifest);
        let mut files = PackageFiles::new();
        files.insert(AGENT, serde_json::to_vec_pretty(&manifest).unwrap());
        files.insert("contracts/hello/contract.json", serde_json::to_vec_pretty(&hello_contract()).unwrap());
        files.insert("examples/hello/agent/src/agent.rs", "// source".as_bytes());
        files.insert("examples/hello/agent/artifacts/agent.wasm", HELLO_WASM.to_vec());
        files
    };
    // The problem each fix is for, what else it takes away (the parse a misspelt name stops),
    // and the break.
    type Break = fn(&mut Value);
    let cases: [(&str, &[&str], Break); 10] = [
        ("manifest.kind", &[], |m| m["kind"] = json!("capability-package")),
        ("manifest.schema_version", &[], |m| m["schema_version"] = json!("2.0.0")),
        ("manifest.abi_version", &[], |m| m["binary"]["abi_version"] = json!("2.0.0")),
        ("manifest.binary_format", &[], |m| m["binary"]["format"] = json!("elf")),
        ("manifest.legacy_workflow_refs", &[], |_| {}),
        ("linkage.capability_ref", &[], |m| m["capability_ref"]["id"] = json!("acme.other")),
        ("linkage.capability_ref", &[], |m| m["capability_ref"]["version"] = json!("9.9.9")),
        ("linkage.constraints", &[], |m| m["constraints"]["network_access"] = json!("allowed")),
        ("manifest.misspelt_field", &["manifest.parse"], |m| {
            let format = m["binary"].as_object_mut().unwrap().remove("format").unwrap();
            m["binary"]["fromat"] = format;
        }),
        ("manifest.misspelt_field", &[], |m| {
            let refs = m.as_object_mut().unwrap().remove("workflow_refs").unwrap();
            m["known_compostions"] = refs;
        }),
    ];
    let codes = |report: &Report| {
        let mut codes: Vec<&str> = report.diagnostics().map(|d| d.code).collect();
        codes.sort_unstable();
        codes
    };
    for (code, also, change) in cases {
        let files = traverse_shaped(change);
        let before = check_package(&files, AGENT, &ReadHere);
        let fix = before
            .diagnostics()
            .find(|d| d.code == code && !d.fix.is_empty())
            .unwrap_or_else(|| panic!("{code}: no quick fix offered, among {:?}", codes(&before)))
            .fix
            .clone();
        let text = std::str::from_utf8(files.get(AGENT).unwrap()).unwrap();
        let fixed =
            file_problems::apply_fix(text, &fix).unwrap_or_else(|| panic!("{code}: the fix has no place"));
        // The editor types the same edits at the same places.
        let places = file_problems::fix_places(text, &fix).unwrap();
        assert_eq!(places.len(), fix.len(), "{code}");
        let mut fixed_files = files.clone();
        fixed_files.insert(AGENT, fixed.as_bytes());
        let after = check_package(&fixed_files, AGENT, &ReadHere);
        let mut expected = codes(&before);
        expected.retain(|found| *found != code && !also.contains(found));
        assert_eq!(codes(&after), expected, "{code}: what the fix took away and brought");
        // Nothing was touched but what the fix names: the rest of the manifest is as it was.
        let (mut was, mut now): (Value, Value) =
            (serde_json::from_str(text).unwrap(), serde_json::from_str(&fixed).unwrap());
        for edit in &fix {
            remove_at(&mut was, &edit.path);
            let renamed = match edit.part {
                Part::Value => edit.path.clone(),
                Part::Key => {
                    let name: String = serde_json::from_str(&edit.json).unwrap();
                    format!("{}.{name}", edit.path.rsplit_once('.').unwrap().0)
                }
            };
            remove_at(&mut now, &renamed);
        }
        assert_eq!(was, now, "{code}: the fix changed more than it names");
    }
    let offered = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src/check"))
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default())
        .map(|source| source.matches(".fixed_by(").count())
        .sum::<usize>();
    assert_eq!(offered, 5, "a quick fix was added or removed in src/check: give it its case above");
}

/// Takes the member at a `$.a.b` path out of `value`.
fn remove_at(value: &mut Value, path: &str) {
    let mut parts: Vec<&str> = path.trim_start_matches("$.").split('.').collect();
    let last = parts.pop().unwrap();
    let parent = parts.iter().try_fold(value, |value, part| value.get_mut(*part));
    if let Some(object) = parent.and_then(Value::as_object_mut) {
        object.remove(last);
    }
}
