//! Hostile and broken files, one kind per case, in each place a package has: every one ends in
//! an error diagnostic that names the file at fault and says what is wrong, and in Traverse's
//! refusal; none panics. The browser spec (tests/e2e/hardening.test.mjs) loads the same kinds
//! into the page.

mod common;

use serde_json::{Value, json};
use traverse_playground::{
    check::{
        Verdict, check_package,
        diagnostic::{Location, Severity},
        module_info::ReadHere,
    },
    package::PackageFiles,
};

const MANIFEST: &str = "pkg/manifest.json";
const CONTRACT: &str = "pkg/contract.json";
const BINARY: &str = "pkg/artifacts/agent.wasm";
const REQUEST: &str = "pkg/runtime-requests/r.json";

fn base_manifest() -> Value {
    common::hello_manifest("./contract.json")
}

fn package() -> PackageFiles {
    let mut files = PackageFiles::new();
    files.insert(MANIFEST, serde_json::to_vec_pretty(&base_manifest()).unwrap());
    files.insert(CONTRACT, serde_json::to_vec_pretty(&common::hello_contract()).unwrap());
    files.insert("pkg/src/agent.rs", b"// source".to_vec());
    files.insert(BINARY, common::HELLO_WASM.to_vec());
    files
}

/// Bad bytes for any file, by kind.
fn bad_bytes() -> Vec<(&'static str, Vec<u8>)> {
    let mut deep = "[".repeat(100_000).into_bytes();
    deep.extend("]".repeat(100_000).into_bytes());
    let mut huge = vec![b' '; 16 << 20];
    huge.extend(b"[1]");
    vec![
        ("not JSON", b"hello, world".to_vec()),
        ("empty", Vec::new()),
        ("a byte-order mark", b"\xef\xbb\xbf{}".to_vec()),
        ("invalid UTF-8", b"{\"a\": \"\xff\xfe\"}".to_vec()),
        ("a JSON array", b"[1, 2, 3]".to_vec()),
        ("a JSON string", b"\"manifest\"".to_vec()),
        ("nested 100,000 deep", deep),
        ("16 MiB of whitespace around an array", huge),
        ("truncated JSON", b"{\"kind\": \"capab".to_vec()),
        ("a PNG image", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
        ("NUL bytes", vec![0; 64]),
    ]
}

fn assert_named(files: &PackageFiles, file: &str, kind: &str) {
    let report = check_package(files, MANIFEST, &ReadHere);
    let all: Vec<_> =
        report.diagnostics().chain(report.requests.iter().flat_map(|r| &r.diagnostics)).collect();
    let named = all.iter().find(|d| {
        d.severity == Severity::Error
            && match &d.location {
                Location::File { file: f }
                | Location::Json { file: f, .. }
                | Location::Import { file: f, .. } => f == file,
            }
    });
    let named = named.unwrap_or_else(|| panic!("{kind} in {file}: no error names the file: {all:#?}"));
    assert!(!named.message.trim().is_empty(), "{kind} in {file}");
    let refused = report.run_verdict(None) != Verdict::Passes
        || report.requests.iter().any(|r| report.run_verdict(Some(r)) != Verdict::Passes);
    assert!(refused, "{kind} in {file}: Traverse would refuse it");
}

#[test]
fn bad_bytes_in_every_slot_are_named_and_refused() {
    for (kind, bytes) in bad_bytes() {
        for slot in [MANIFEST, CONTRACT, BINARY, REQUEST] {
            let mut files = package();
            files.insert(slot, bytes.clone());
            assert_named(&files, slot, kind);
        }
    }
}

#[test]
fn json_of_the_wrong_kind_is_named() {
    let contract = package().get(CONTRACT).unwrap().to_vec();
    for (slot, bytes) in [
        (MANIFEST, contract.clone()),
        (REQUEST, contract),
        (CONTRACT, serde_json::to_vec(&base_manifest()).unwrap()),
    ] {
        let mut files = package();
        files.insert(slot, bytes);
        assert_named(&files, slot, "JSON of the wrong kind");
    }
}

#[test]
fn binaries_that_are_not_runnable_modules_are_named() {
    let truncated = common::HELLO_WASM[..common::HELLO_WASM.len() / 2].to_vec();
    let component = wat::parse_str("(component)").unwrap();
    let kinds = [
        ("a truncated module", truncated),
        ("a component-model binary", component),
        ("a header only", b"\0asm\x01\0\0\0\x01".to_vec()),
    ];
    for (kind, bytes) in kinds {
        let mut files = package();
        files.insert(BINARY, bytes);
        assert_named(&files, BINARY, kind);
    }
}

/// Each manifest field, in turn, with a value of the wrong type.
#[test]
fn a_wrong_type_in_any_manifest_field_is_named() {
    let pointers = [
        "/kind",
        "/schema_version",
        "/package_id",
        "/version",
        "/summary",
        "/capability_ref",
        "/capability_ref/id",
        "/capability_ref/version",
        "/capability_ref/contract_path",
        "/source",
        "/source/path",
        "/source/language",
        "/source/entry",
        "/binary",
        "/binary/path",
        "/binary/format",
        "/binary/expected_digest",
        "/binary/abi_version",
        "/constraints",
        "/constraints/host_api_access",
        "/constraints/network_access",
        "/constraints/filesystem_access",
    ];
    let mut kinds = 0;
    for pointer in pointers {
        for wrong in [json!(7), json!(null), json!([]), json!({"x": 1})] {
            let mut manifest = base_manifest();
            let target = manifest.pointer_mut(pointer).unwrap();
            if std::mem::discriminant(target) == std::mem::discriminant(&wrong) {
                continue;
            }
            *target = wrong;
            let mut files = package();
            files.insert(MANIFEST, serde_json::to_vec(&manifest).unwrap());
            assert_named(&files, MANIFEST, pointer);
            kinds += 1;
        }
    }
    // 22 fields with 4 wrong values each, less an object given to the 4 object fields.
    assert_eq!(kinds, 84);
}
