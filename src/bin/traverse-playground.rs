//! `traverse-playground check <manifest.json> [--json]`: the playground's package checks on
//! the command line, for CI pipelines. Exits as `traverse-cli capability-package inspect`
//! would: 0 when Traverse loads the package, 4 when it does not, 5 on a usage error.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::{fmt::Write, process::ExitCode};

    use serde::Serialize;
    use serde_json::Value;
    use traverse_playground::{
        check::{Report, Verdict, check_package},
        diagnostic::Severity,
        package::{PackageFiles, resolve},
    };

    const USAGE: &str = "usage: traverse-playground check <manifest.json> [--json]";
    /// Version of the `--json` document; bumped on any incompatible change (docs/report-json.md).
    const REPORT_FORMAT_VERSION: u32 = 1;
    const USAGE_EXIT: u8 = 5;

    pub fn main() -> ExitCode {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let json = args.iter().any(|arg| arg == "--json");
        let positional: Vec<&str> = args.iter().filter(|arg| *arg != "--json").map(String::as_str).collect();
        let ["check", manifest] = positional[..] else {
            eprintln!("{USAGE}");
            return ExitCode::from(USAGE_EXIT);
        };
        let report = check_package(&read_package(manifest), manifest);
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&JsonReport::new(&report)).expect("reports serialise")
            );
        } else {
            print!("{}", render(&report));
        }
        ExitCode::from(report.load_verdict().exit_code())
    }

    /// The manifest and the files it names, read from disk relative to the manifest's folder.
    fn read_package(manifest: &str) -> PackageFiles {
        let mut files = PackageFiles::new();
        let Ok(bytes) = std::fs::read(manifest) else {
            return files;
        };
        if let Ok(value) = serde_json::from_slice::<Value>(&bytes) {
            for pointer in ["/capability_ref/contract_path", "/source/path", "/binary/path"] {
                let Some(raw) = value.pointer(pointer).and_then(Value::as_str) else {
                    continue;
                };
                let resolved = resolve(manifest, raw);
                // A folder is not a file, for Traverse as for us: reading it fails.
                if let Ok(bytes) = std::fs::read(&resolved.display) {
                    files.insert(&resolved.key, bytes);
                }
            }
        }
        files.insert(manifest, bytes);
        files
    }

    #[derive(Serialize)]
    struct JsonReport<'a> {
        format_version: u32,
        inspect: Verdict,
        execute: Verdict,
        #[serde(flatten)]
        report: &'a Report,
    }

    impl<'a> JsonReport<'a> {
        fn new(report: &'a Report) -> Self {
            Self {
                format_version: REPORT_FORMAT_VERSION,
                inspect: report.load_verdict(),
                execute: report.execute_verdict(),
                report,
            }
        }
    }

    fn render(report: &Report) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", report.manifest_path);
        for section in &report.sections {
            let status = if section.diagnostics.iter().any(|d| d.severity == Severity::Error) {
                "problems"
            } else {
                "ok"
            };
            let _ = writeln!(out, "  {:<9} {status}", format!("{:?}", section.check).to_lowercase());
            for d in &section.diagnostics {
                let severity = format!("{:?}", d.severity).to_lowercase();
                let _ = writeln!(out, "    {severity} {} at {}: {}", d.code, d.location, d.message);
            }
        }
        if let Some(binary) = &report.binary {
            let _ = writeln!(out, "binary {} ({} bytes)", binary.path, binary.size);
            let _ = writeln!(out, "  declared {}", binary.declared);
            let _ = writeln!(out, "  computed {}", binary.fnv1a64);
            let _ = writeln!(out, "  {}", binary.sha256);
        }
        for (stage, verdict) in [("inspect", report.load_verdict()), ("execute", report.execute_verdict())] {
            let line = match &verdict {
                Verdict::Passes => "passes".to_owned(),
                Verdict::Fails(stop) => format!("exit {}: {}", stop.exit_code, stop.message),
            };
            let _ = writeln!(out, "traverse {stage}: {line}");
        }
        out
    }
}
