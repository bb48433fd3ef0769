//! The command line's reports: a package's, a bundle's, an application's and a set's, as text
//! (a line per check and problem, then Traverse's verdict lines) and as the versioned `--json`
//! document (docs/report-json.md). The binary reads files and prints what these return.

use std::fmt::Write;

use serde::Serialize;
use serde_json::{Value, json};

use crate::{
    check::{
        Report, RequestReport, Verdict, app_bundle::AppReport, diagnostic::Diagnostic,
        registry_bundle::BundleReport, set::Focus,
    },
    package::workspace::{Item, Reference},
    run::account,
};

/// Version of the `--json` document; bumped on any incompatible change (docs/report-json.md).
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// A package's `--json` document: its verdicts, the report, and each request's verdict with
/// Traverse's `runtime_result` and trace when it refuses the request before running.
#[derive(Serialize)]
pub struct PackageJson<'a> {
    format_version: u32,
    inspect: Verdict,
    execute: Verdict,
    #[serde(flatten)]
    report: &'a Report,
    /// Replaces the report's own `requests`, adding each one's verdict.
    requests: Vec<RequestJson<'a>>,
}

#[derive(Serialize)]
struct RequestJson<'a> {
    #[serde(flatten)]
    request: &'a RequestReport,
    verdict: Verdict,
    runtime_result: Option<Value>,
    trace: Option<Value>,
}

impl<'a> PackageJson<'a> {
    pub fn new(report: &'a Report) -> Self {
        let requests = report
            .requests
            .iter()
            .map(|request| {
                let verdict = report.run_verdict(Some(request));
                let refused = match (&verdict, &request.request_id) {
                    (Verdict::Fails(stop), Some(id)) => account::refused_result(id, stop),
                    _ => None,
                };
                let (runtime_result, trace) = refused.unzip();
                RequestJson { request, verdict, runtime_result, trace }
            })
            .collect();
        Self {
            format_version: REPORT_FORMAT_VERSION,
            inspect: report.load_verdict(),
            execute: report.run_verdict(None),
            report,
            requests,
        }
    }
}

#[derive(Serialize)]
struct BundleJson<'a> {
    format_version: u32,
    inspect: Verdict,
    register: Verdict,
    #[serde(flatten)]
    report: &'a BundleReport,
}

#[derive(Serialize)]
struct AppJson<'a> {
    format_version: u32,
    evidence: Option<Value>,
    #[serde(flatten)]
    report: &'a AppReport,
}

/// One item's `--json` report, as its kind has it.
fn focus_json(focus: &Focus) -> Value {
    let version = REPORT_FORMAT_VERSION;
    match focus {
        Focus::Package(report) => serde_json::to_value(PackageJson::new(report)),
        Focus::RegistryBundle(report) => serde_json::to_value(BundleJson {
            format_version: version,
            inspect: report.inspect_verdict(),
            register: report.register_verdict(),
            report,
        }),
        Focus::Application(report) => {
            serde_json::to_value(AppJson { format_version: version, evidence: report.evidence(), report })
        }
        Focus::Workflow { diagnostics, .. } => {
            Ok(json!({"format_version": version, "diagnostics": diagnostics}))
        }
    }
    .expect("reports serialise")
}

/// A set's `--json` document: each item checked as its kind, and the set's own problems.
pub fn set_json(
    focused: &[(&Item, Focus)],
    items: &[Item],
    references: &[Reference],
    problems: &[Diagnostic],
) -> Value {
    let checked: Vec<Value> = focused
        .iter()
        .map(|(item, focus)| json!({"path": item.path, "kind": item.kind, "id": item.id, "report": focus_json(focus)}))
        .collect();
    json!({
        "format_version": REPORT_FORMAT_VERSION,
        "items": checked,
        "set": {"items": items, "references": references, "diagnostics": problems},
    })
}

fn diagnostics_text(out: &mut String, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let _ = writeln!(out, "    {} {} at {}: {}", d.severity.as_str(), d.code, d.location, d.message);
    }
}

/// A package's report as text: each check and its problems, the binary's digests, each request,
/// then Traverse's lines.
pub fn package_text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", report.manifest_path.as_deref().unwrap_or_default());
    for section in &report.sections {
        let status = if section.errors() > 0 { "problems" } else { "ok" };
        let _ = writeln!(out, "  {:<9} {status}", section.check.as_str());
        diagnostics_text(&mut out, &section.diagnostics);
    }
    if let Some(binary) = &report.binary {
        let _ = writeln!(out, "binary {} ({} bytes)", binary.path, binary.size);
        let _ = writeln!(out, "  declared {}", binary.declared);
        let _ = writeln!(out, "  computed {}", binary.fnv1a64);
        let _ = writeln!(out, "  {}", binary.sha256);
    }
    for request in &report.requests {
        let id = request.request_id.as_deref().unwrap_or("unparsable");
        let _ = writeln!(out, "request {} ({id})", request.file);
        if let Some(stdin) = &request.stdin {
            let _ = writeln!(out, "  stdin {stdin}");
        }
        diagnostics_text(&mut out, &request.diagnostics);
    }
    let _ = writeln!(out, "traverse inspect: {}", report.load_verdict().line());
    if report.requests.is_empty() {
        let _ = writeln!(out, "traverse execute: {}", report.run_verdict(None).line());
    }
    for request in &report.requests {
        let _ =
            writeln!(out, "traverse execute {}: {}", request.file, report.run_verdict(Some(request)).line());
    }
    out
}

/// A set's report as text: each item as its kind reports it, then the set's own problems.
pub fn set_text(focused: &[(&Item, Focus)], problems: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (item, focus) in focused {
        match focus {
            Focus::Package(report) => out.push_str(&package_text(report)),
            Focus::RegistryBundle(report) => {
                let _ = writeln!(out, "{}", item.path);
                diagnostics_text(&mut out, &report.diagnostics);
                let _ = writeln!(out, "traverse bundle inspect: {}", report.inspect_verdict().line());
                let _ = writeln!(out, "traverse bundle register: {}", report.register_verdict().line());
            }
            Focus::Application(report) => {
                let _ = writeln!(out, "{}", item.path);
                diagnostics_text(&mut out, &report.diagnostics);
                let _ = writeln!(out, "traverse app validate: {}", report.line());
                if !report.registration.is_empty() {
                    let count = report.registration.len();
                    let _ = writeln!(
                        out,
                        "  registering it (Traverse's native embedder) fails: {count} problem(s) above"
                    );
                }
                for note in &report.browser_embedder {
                    let _ = writeln!(out, "  Traverse's browser embedder {note}");
                }
            }
            Focus::Workflow { diagnostics, .. } => {
                let _ = writeln!(out, "{}", item.path);
                diagnostics_text(&mut out, diagnostics);
                let line = if diagnostics.is_empty() {
                    "passes".to_owned()
                } else {
                    format!("{} error(s)", diagnostics.len())
                };
                let _ = writeln!(out, "workflow registration: {line}");
            }
        }
    }
    if !problems.is_empty() {
        let _ = writeln!(out, "set");
        diagnostics_text(&mut out, problems);
    }
    out
}

/// The exit code of a set's `check`: its first failing item's.
pub fn set_exit_code(focused: &[(&Item, Focus)]) -> u8 {
    focused.iter().map(|(_, focus)| focus.exit_code()).find(|code| *code != 0).unwrap_or(0)
}
