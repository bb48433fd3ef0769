//! A whole package from one input: manifest, contract, binary and request, cut at `SEPARATOR`
//! (scripts/fuzz seeds the corpus with our examples in this form). Every check, the report
//! JSON, Traverse's `inspect` output and the page's file roles must end without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use traverse_playground::{
    check::{self, module_info::ReadHere},
    package::{PackageFiles, workspace},
};

const SEPARATOR: &[u8] = b"\n--8<--\n";
const PATHS: [&str; 4] = ["manifest.json", "contract.json", "agent.wasm", "runtime-requests/request.json"];

fuzz_target!(|data: &[u8]| {
    let mut files = PackageFiles::new();
    let mut rest = data;
    for path in PATHS {
        let end = rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR).unwrap_or(rest.len());
        files.insert(path, &rest[..end]);
        rest = rest.get(end + SEPARATOR.len()..).unwrap_or_default();
    }
    let report = check::check_package(&files, PATHS[0], &ReadHere);
    let _ = serde_json::to_string(&report).expect("the report serializes");
    let _ = (report.load_verdict().exit_code(), report.run_verdict(None), report.inspect_output.as_ref());
    for request in &report.requests {
        let _ = report.run_verdict(Some(request));
    }
    let _ = workspace::roles(&files, Some(PATHS[0]));
    let _ = workspace::missing(&files, PATHS[0], &[]);
});
