//! The command line on a package written to disk: its exit codes and its JSON report.

use std::{path::PathBuf, process::Command};

use serde_json::{Value, json};
use traverse_playground::package::digest;

mod common;

use common::{HELLO_WASM, hello_contract, hello_manifest, hello_request};

/// A fresh folder holding a complete package of ours (the hello-world example, its contract
/// outside the package folder as Traverse's examples keep theirs) declaring `declared_digest`.
fn package_on_disk(name: &str, declared_digest: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("traverse-playground-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("pkg/artifacts")).unwrap();
    std::fs::create_dir_all(dir.join("pkg/src")).unwrap();
    std::fs::create_dir_all(dir.join("contracts")).unwrap();
    std::fs::write(dir.join("contracts/greet.json"), serde_json::to_vec_pretty(&hello_contract()).unwrap())
        .unwrap();
    std::fs::write(dir.join("pkg/src/agent.rs"), "// source").unwrap();
    std::fs::write(dir.join("pkg/artifacts/agent.wasm"), HELLO_WASM).unwrap();
    let mut manifest = hello_manifest("../contracts/greet.json");
    manifest["binary"]["expected_digest"] = json!(declared_digest);
    std::fs::write(dir.join("pkg/manifest.json"), serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    dir
}

fn run(dir: &PathBuf, args: &[&str]) -> (i32, String) {
    let output =
        Command::new(env!("CARGO_BIN_EXE_traverse-playground")).args(args).current_dir(dir).output().unwrap();
    (output.status.code().unwrap(), String::from_utf8(output.stdout).unwrap())
}

#[test]
fn a_good_package_exits_0_and_a_wrong_digest_exits_4_with_traverse_line() {
    let good = package_on_disk("good", &digest::fnv1a64(HELLO_WASM));
    let (code, text) = run(&good, &["check", "pkg/manifest.json"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("traverse inspect: passes"), "{text}");

    let bad = package_on_disk("bad", "fnv1a64:0000000000000000");
    let (code, text) = run(&bad, &["check", "pkg/manifest.json"]);
    assert_eq!(code, 4, "{text}");
    let line = format!(
        "traverse inspect: exit 4: capability binary digest mismatch for pkg/./artifacts/agent.wasm: \
         expected fnv1a64:0000000000000000, got {}",
        digest::fnv1a64(HELLO_WASM)
    );
    assert!(text.contains(&line), "{text}");
}

#[test]
fn json_report_is_versioned_and_carries_both_verdicts_and_digests() {
    let dir = package_on_disk("json", "fnv1a64:0000000000000000");
    let (code, text) = run(&dir, &["check", "pkg/manifest.json", "--json"]);
    assert_eq!(code, 4);
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["format_version"], 1);
    assert_eq!(report["inspect"]["status"], "fails");
    assert_eq!(report["inspect"]["exit_code"], 4);
    assert_eq!(report["binary"]["sha256"], digest::sha256(HELLO_WASM));
    // The command line reads its module itself: a report never waits for one (the page's may).
    assert_eq!(report.get("reading"), None);
    let codes: Vec<_> = report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["diagnostics"].as_array().unwrap())
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    // All zeros is the placeholder a template declares before its binary is built.
    assert_eq!(codes, ["manifest.template_placeholder", "digest.mismatch"]);
}

#[test]
fn update_digest_pins_the_binary_and_touches_nothing_else() {
    let dir = package_on_disk("update-digest", "fnv1a64:0000000000000000");
    let before = std::fs::read_to_string(dir.join("pkg/manifest.json")).unwrap();
    assert_eq!(run(&dir, &["update-digest", "pkg/manifest.json"]).0, 0);
    let after = std::fs::read_to_string(dir.join("pkg/manifest.json")).unwrap();
    assert_eq!(after, before.replace("fnv1a64:0000000000000000", &digest::fnv1a64(HELLO_WASM)));

    let (code, text) = run(&dir, &["check", "pkg/manifest.json", "--json"]);
    assert_eq!(code, 0, "{text}");
    let report: Value = serde_json::from_str(&text).unwrap();
    let printed = report["inspect_output"].as_str().unwrap();
    assert_eq!(
        printed,
        format!(
            "path: pkg/manifest.json\npackage_id: playground.examples.hello-world\npackage_version: 1.0.0\n\
             capability_id: playground.examples.greet\ncapability_version: 1.0.0\n\
             source_path: pkg/./src/agent.rs\nbinary_path: pkg/./artifacts/agent.wasm\nbinary_digest: {}\n\
             model_interfaces: greeting-v1",
            digest::fnv1a64(HELLO_WASM)
        )
    );
}

#[test]
fn help_documents_every_command_and_exit_code() {
    let dir = std::env::temp_dir();
    let (code, help) = run(&dir, &["--help"]);
    assert_eq!(code, 0);
    for command in ["check", "run", "bundle", "app", "instrument", "update-digest"] {
        assert!(help.contains(&format!("\n  {command} ")), "{command} is not listed:\n{help}");
        let (code, own) = run(&dir, &[command, "--help"]);
        assert_eq!(code, 0, "{command} --help");
        assert!(own.starts_with("Usage:") || own.lines().any(|line| line.starts_with("Usage: ")), "{own}");
    }
    for exit in [
        "0 when Traverse loads",
        "4 when it does not load",
        "2 when it loads",
        "5 for a command line",
        "bundle register: 0, 2 (validation), 3 (conflict) or 4",
        "app validate: 0, with the status in its JSON, or before any, 4",
    ] {
        assert!(help.replace('\n', " ").contains(exit), "{exit:?} is not documented:\n{help}");
    }
    let (_, check) = run(&dir, &["check", "--help"]);
    for flag in ["--request <FILE>", "--workflow <FILE>", "--json"] {
        assert!(check.contains(flag), "{flag} is not documented:\n{check}");
    }
}

#[test]
fn a_missing_manifest_exits_4_and_bad_usage_exits_5() {
    let dir = std::env::temp_dir();
    assert_eq!(run(&dir, &["check", "no/such/manifest.json"]).0, 4);
    assert_eq!(run(&dir, &["inspect"]).0, 5);
    assert_eq!(run(&dir, &["check"]).0, 5, "no manifest");
    assert_eq!(run(&dir, &["check", "a.json", "--fuel", "1"]).0, 5, "another command's flag");
    assert_eq!(run(&dir, &["instrument", "in.wasm", "out.wasm", "--fuel", "lots"]).0, 5);
}

#[test]
fn requests_are_checked_and_an_unparsable_one_exits_2() {
    let dir = package_on_disk("requests", &digest::fnv1a64(HELLO_WASM));
    let good = hello_request();
    std::fs::write(dir.join("good.json"), good.to_string()).unwrap();
    std::fs::write(dir.join("bad.json"), r#"{"kind": "runtime_request""#).unwrap();

    let (code, text) = run(&dir, &["check", "pkg/manifest.json", "--request", "good.json"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("stdin {\"name\":\"Ada\"}\n"), "{text}");
    assert!(text.contains("traverse execute good.json: passes"), "{text}");

    let (code, text) =
        run(&dir, &["check", "pkg/manifest.json", "--request", "good.json", "--request", "bad.json"]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("traverse execute bad.json: exit 2: failed to parse runtime request bad.json: EOF while parsing an object"),
        "{text}"
    );
}

/// `run` runs what `check` checks: each request refused as Traverse refuses it, or run
/// governed, with Traverse's line and the exit code `execute` would give.
#[test]
fn run_prints_each_request_as_traverse_runs_it_and_exits_as_execute() {
    let dir = package_on_disk("run", &digest::fnv1a64(HELLO_WASM));
    std::fs::write(dir.join("good.json"), hello_request().to_string()).unwrap();
    let mut refused = hello_request();
    refused["input"] = json!({});
    std::fs::write(dir.join("refused.json"), refused.to_string()).unwrap();
    std::fs::write(dir.join("bad.json"), r#"{"kind": "runtime_request""#).unwrap();

    let (code, text) = run(&dir, &["run", "pkg/manifest.json", "good.json"]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        text,
        "good.json\n  traverse execute: status: completed\n  end       completed\n  fuel      4,266 (wasmtime's units)\n  stdout    {\"greeting\":\"Hello, Ada!\",\"name\":\"Ada\"}\n"
    );

    let (code, text) =
        run(&dir, &["run", "pkg/manifest.json", "good.json", "refused.json", "bad.json", "--json"]);
    assert_eq!(code, 1, "the first request that does not complete decides: {text}");
    let runs: Value = serde_json::from_str(&text).unwrap();
    let summary: Vec<(&str, &str, u64)> = runs
        .as_array()
        .unwrap()
        .iter()
        .map(|run| {
            (
                run["request"].as_str().unwrap(),
                run["end"].as_str().unwrap(),
                run["exit_code"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [("good.json", "completed", 0), ("refused.json", "failed", 1), ("bad.json", "failed", 2)]
    );
    assert_eq!(runs[0]["runtime_result"]["output"], json!({"greeting": "Hello, Ada!", "name": "Ada"}));
    assert_eq!(runs[0]["fuel"], 4266);
    assert_eq!(
        runs[1]["traverse"],
        "runtime execution failed: runtime request input does not satisfy the selected capability input contract"
    );
    assert!(runs[2]["traverse"].as_str().unwrap().starts_with("failed to parse runtime request bad.json"));

    // A package that does not load runs nothing: Traverse's inspect line, exit 4.
    let stale = package_on_disk("run-stale", "fnv1a64:0123456789abcdef");
    let (code, text) = run(&stale, &["run", "pkg/manifest.json"]);
    assert_eq!(code, 4);
    assert!(text.starts_with("traverse inspect: exit 4: "), "{text}");
    // --stdin is for a lone module.
    assert_eq!(run(&dir, &["run", "pkg/manifest.json", "good.json", "--stdin", "{}"]).0, 5);
}

#[test]
fn instrument_writes_the_module_governed_mode_runs() {
    let dir = std::env::temp_dir().join(format!("traverse-playground-cli-{}-instrument", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("in.wasm"), HELLO_WASM).unwrap();
    assert_eq!(run(&dir, &["instrument", "in.wasm", "out.wasm", "--fuel", "1000"]).0, 0);
    let rewritten = std::fs::read(dir.join("out.wasm")).unwrap();
    let exports = traverse_playground::check::module_info::inspect(&rewritten).unwrap().exports;
    assert!(exports.iter().any(|e| e.name == "__traverse_playground_fuel"));
    assert_eq!(run(&dir, &["instrument", "in.wasm", "out.wasm", "--fuel", "lots"]).0, 5);
    assert_eq!(run(&dir, &["instrument", "missing.wasm", "out.wasm"]).0, 1);
}

/// Runs the command line, killing it if it has not ended after a minute: reading without end
/// must fail the test, not hang it.
fn run_bounded(dir: &PathBuf, args: &[&str]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_traverse-playground"))
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("traverse-playground {args:?} did not end");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (output.status.code().unwrap(), text(output.stdout), text(output.stderr))
}

#[test]
fn only_regular_files_are_read_and_each_failure_is_named() {
    let dir = package_on_disk("special-files", &digest::fnv1a64(HELLO_WASM));
    // A device as the binary: refused unread, not read without end.
    let (code, _, stderr) = run_bounded(&dir, &["instrument", "/dev/zero", "out.wasm"]);
    assert_eq!(
        (code, stderr.as_str()),
        (1, "/dev/zero: is not a regular file (a device, a FIFO or a socket)\n")
    );
    // A folder is a set: every package in it is checked, relative to that folder, and what it
    // names outside it (the contract, one level up) is missing.
    let (code, stdout, _) = run_bounded(&dir, &["check", "pkg"]);
    assert_eq!(code, 4, "{stdout}");
    assert!(
        stdout
            .contains("traverse inspect: exit 4: missing capability contract file ../contracts/greet.json\n"),
        "{stdout}"
    );
    // A FIFO as the contract: never opened, so nothing blocks; the contract is missing.
    std::fs::remove_file(dir.join("contracts/greet.json")).unwrap();
    let made = Command::new("mkfifo").arg(dir.join("contracts/greet.json")).status().unwrap();
    assert!(made.success());
    let (code, stdout, _) = run_bounded(&dir, &["check", "pkg/manifest.json"]);
    assert_eq!(code, 4, "{stdout}");
    assert!(stdout.contains("missing capability contract file pkg/../contracts/greet.json"), "{stdout}");
    // A device as a request: named on stderr, and the request is reported as empty input.
    let (code, _, stderr) = run_bounded(&dir, &["check", "pkg/manifest.json", "--request", "/dev/urandom"]);
    assert_eq!(code, 4);
    assert_eq!(stderr, "/dev/urandom: is not a regular file (a device, a FIFO or a socket)\n");
}

/// The examples folder (our packages and our composition), where the CLI reads sets from.
fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples")
}

fn run_with_stderr(dir: &PathBuf, args: &[&str]) -> (i32, String, String) {
    let output =
        Command::new(env!("CARGO_BIN_EXE_traverse-playground")).args(args).current_dir(dir).output().unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (output.status.code().unwrap(), text(output.stdout), text(output.stderr))
}

#[test]
fn bundle_inspect_and_register_print_as_traverse_and_exit_with_its_codes() {
    let examples = examples_dir();
    const BUNDLE: &str = "guarded-transition/registry-bundle/manifest.json";
    // Traverse's own layouts (traverse-cli's render_bundle_summary and
    // render_bundle_registration_summary; its JSON keys in serde_json's sorted order).
    let (code, out, _) = run_with_stderr(&examples, &["bundle", "inspect", BUNDLE]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "bundle_id: playground.examples.guarded-transition-bundle\nversion: 1.0.0\nscope: private\n\
         capabilities: 3\nevents: 1\nworkflows: 1\ncapability_ids:\n\
         \x20 - playground.examples.authorize@1.0.0\n\
         \x20 - playground.examples.transition-status@1.0.0\n\
         \x20 - playground.examples.guarded-transition@1.0.0\n\
         event_ids:\n\x20 - playground.examples.status-changed@1.0.0\n\
         workflow_ids:\n\x20 - playground.examples.guarded-transition@1.0.0\n"
    );
    let (code, out, _) = run_with_stderr(&examples, &["bundle", "register", BUNDLE]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "bundle_id: playground.examples.guarded-transition-bundle\nversion: 1.0.0\nscope: private\n\
         registered_capabilities: 3\nregistered_events: 1\nregistered_workflows: 1\ncapability_records:\n\
         \x20 - playground.examples.authorize@1.0.0 (executable)\n\
         \x20 - playground.examples.transition-status@1.0.0 (executable)\n\
         \x20 - playground.examples.guarded-transition@1.0.0 (workflow)\n\
         event_records:\n\x20 - playground.examples.status-changed@1.0.0\n\
         workflow_records:\n\x20 - playground.examples.guarded-transition@1.0.0\nevidence:\n"
    );
    let (code, out, _) = run_with_stderr(&examples, &["bundle", "inspect", BUNDLE, "--json"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        r#"{
  "bundle_id": "playground.examples.guarded-transition-bundle",
  "capabilities": 3,
  "capability_ids": [
    "playground.examples.authorize@1.0.0",
    "playground.examples.transition-status@1.0.0",
    "playground.examples.guarded-transition@1.0.0"
  ],
  "event_ids": [
    "playground.examples.status-changed@1.0.0"
  ],
  "events": 1,
  "scope": "private",
  "version": "1.0.0",
  "workflow_ids": [
    "playground.examples.guarded-transition@1.0.0"
  ],
  "workflows": 1
}
"#
    );
    let (code, out, _) = run_with_stderr(&examples, &["bundle", "register", BUNDLE, "--json"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "{\n  \"evidence\": [],\n  \"registered_capabilities\": 3,\n  \"registered_events\": 1,\n  \"registered_workflows\": 1\n}\n"
    );

    // A bundle copied away from the packages it names: loading fails on the first, exit 4.
    let dir = std::env::temp_dir().join(format!("traverse-playground-cli-{}-bundle", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("b")).unwrap();
    std::fs::copy(examples.join(BUNDLE), dir.join("b/manifest.json")).unwrap();
    let (code, out, err) = run_with_stderr(&dir, &["bundle", "register", "b/manifest.json"]);
    assert_eq!((code, out.as_str()), (4, ""));
    assert_eq!(
        err,
        "missing artifact file for playground.examples.authorize at b/../../authorize/contract.json\n"
    );
}

#[test]
fn app_validate_prints_its_evidence_and_exits_0_even_when_it_fails_unless_it_reads_no_json() {
    let examples = examples_dir();
    let (code, out, _) = run_with_stderr(
        &examples,
        &["app", "validate", "--manifest", "guarded-transition/app/app.manifest.json", "--json"],
    );
    assert_eq!(code, 0);
    let evidence: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(evidence["status"], "validated");
    assert_eq!(evidence["components"].as_array().unwrap().len(), 2);
    let (code, out, _) =
        run_with_stderr(&examples, &["app", "validate", "--manifest", "authorize/manifest.json", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["status"], "failed");
    let (code, out, err) =
        run_with_stderr(&examples, &["app", "validate", "--manifest", "nowhere/app.manifest.json", "--json"]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            4,
            "",
            "failed to read JSON file nowhere/app.manifest.json: No such file or directory (os error 2)\n"
        )
    );
    let (code, out, err) =
        run_with_stderr(&examples, &["app", "validate", "--manifest", "authorize/src/lib.rs", "--json"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.starts_with("failed to parse JSON file authorize/src/lib.rs: "), "{err}");
    let (code, _, err) = run_with_stderr(&examples, &["app", "validate", "--json"]);
    assert_eq!((code, err.as_str()), (5, "app validate requires --manifest <path>\n"));
    let (code, _, err) = run_with_stderr(&examples, &["app", "validate", "--manifest", "x"]);
    assert_eq!((code, err.as_str()), (5, "app validate requires --json for stable setup evidence\n"));
}

#[test]
fn check_of_a_folder_checks_every_item_of_the_set() {
    let examples = examples_dir();
    let (code, out) = run(&examples, &["check", ".", "--json"]);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["format_version"], 1);
    let kinds: Vec<(&str, &str)> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| (item["kind"].as_str().unwrap(), item["path"].as_str().unwrap()))
        .filter(|(kind, _)| *kind != "package")
        .collect();
    assert_eq!(
        kinds,
        [
            ("registry_bundle", "guarded-transition/registry-bundle/manifest.json"),
            ("application", "guarded-transition/app/app.manifest.json"),
            ("workflow", "guarded-transition/workflows/announced-transition.json"),
            ("workflow", "guarded-transition/workflows/guarded-transition.json"),
            ("workflow", "transition-status/workflows/transition-status-flow/workflow.json"),
        ]
    );
    for item in report["items"].as_array().unwrap() {
        assert_eq!(item["report"]["format_version"], 1, "{}", item["path"]);
    }
    // Every example package loads, so the folder passes.
    assert_eq!(code, 0, "{out}");
    let (_, text) = run(&examples, &["check", "."]);
    assert!(text.contains("guarded-transition/registry-bundle/manifest.json\ntraverse bundle inspect: passes\ntraverse bundle register: passes\n"), "{text}");
    assert_eq!(run(&examples, &["check", ".", "--request", "x.json"]).0, 5);
}

#[test]
fn new_package_writes_each_id_once_even_when_it_holds_a_placeholder() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let parent =
        std::env::temp_dir().join(format!("traverse-playground-cli-{}-new-package", std::process::id()));
    let _ = std::fs::remove_dir_all(&parent);
    for (id, namespace, name) in [
        ("example.domain.orders.total", "example.domain.orders", "total"),
        ("example.domain.replace-me-too", "example.domain", "replace-me-too"),
        ("replace-me.thing", "replace-me", "thing"),
    ] {
        let output = Command::new(root.join("scripts/new-package"))
            .args([id, parent.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(output.status.success(), "{id}: {}", String::from_utf8_lossy(&output.stderr));
        let json = |path: &str| -> serde_json::Value {
            serde_json::from_slice(&std::fs::read(parent.join(name).join(path)).unwrap()).unwrap()
        };
        let (manifest, contract) = (json("manifest.json"), json("contract.json"));
        assert_eq!((&manifest["package_id"], &manifest["capability_ref"]["id"]), (&id.into(), &id.into()));
        assert_eq!(manifest["binary"]["path"], format!("./artifacts/{name}.wasm"));
        assert_eq!(
            (&contract["id"], &contract["namespace"], &contract["name"]),
            (&id.into(), &namespace.into(), &name.into())
        );
        assert!(parent.join(name).join(format!("runtime-requests/{name}.json")).is_file(), "{id}");
        let cargo = std::fs::read_to_string(parent.join(name).join("Cargo.toml")).unwrap();
        assert!(cargo.contains(&format!("name = \"{name}\"")), "{id}: {cargo}");
    }
    std::fs::remove_dir_all(&parent).unwrap();
}

#[test]
fn what_one_command_reads_is_bounded_and_a_file_traverse_calls_missing_says_why() {
    let dir = std::env::temp_dir().join(format!("traverse-playground-cli-{}-total", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // One sparse 500 MB file (no disk spent), and a bundle naming it through 40 links.
    let large = dir.join("large.json");
    std::fs::File::create(&large).unwrap().set_len(500_000_000).unwrap();
    let capabilities: Vec<Value> = (0..40)
        .map(|i| {
            std::os::unix::fs::symlink(&large, dir.join(format!("c{i}.json"))).unwrap();
            json!({"id": format!("acme.c{i}"), "version": "1.0.0", "path": format!("c{i}.json")})
        })
        .collect();
    let bundle = json!({"bundle_id": "acme.b", "version": "1.0.0", "scope": "private", "capabilities": capabilities, "events": [], "workflows": []});
    let manifest = bundle.to_string();
    std::fs::write(dir.join("manifest.json"), &manifest).unwrap();
    let (code, out, err) = run_bounded(&dir, &["bundle", "inspect", "manifest.json"]);
    assert_eq!((code, out.as_str()), (4, ""));
    // The manifest and two links' worth were read; the third would pass 1 GiB.
    assert_eq!(
        err,
        format!(
            "c2.json: reading it would take this command past 1073741824 bytes, the most one command reads \
             ({} read so far); nothing more was read\n",
            1_000_000_000 + manifest.len()
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();

    // A device, a FIFO and a link loop: missing to Traverse, and the reason after its line.
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("c0.json")).unwrap();
    assert!(Command::new("mkfifo").arg(dir.join("c1.json")).status().unwrap().success());
    std::os::unix::fs::symlink(dir.join("c2.json"), dir.join("c2.json")).unwrap();
    let capabilities: Vec<Value> = (0..3)
        .map(|i| json!({"id": format!("acme.c{i}"), "version": "1.0.0", "path": format!("c{i}.json")}))
        .collect();
    let bundle = json!({"bundle_id": "acme.b", "version": "1.0.0", "scope": "private", "capabilities": capabilities, "events": [], "workflows": []});
    std::fs::write(dir.join("manifest.json"), bundle.to_string()).unwrap();
    let (code, _, err) = run_bounded(&dir, &["bundle", "inspect", "manifest.json"]);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(code, 4, "{err}");
    assert_eq!(lines[0], "missing artifact file for acme.c0 at c0.json");
    assert_eq!(
        lines[1..],
        [
            "note: c0.json exists but was not read: is not a regular file (a device, a FIFO or a socket)",
            "note: c1.json exists but was not read: is not a regular file (a device, a FIFO or a socket)",
            "note: c2.json exists but was not read: Too many levels of symbolic links (os error 40)",
        ]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
