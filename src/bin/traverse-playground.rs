//! The playground's core on the command line, for CI pipelines and authors: the package
//! checks with Traverse's lines and exit codes, the governed rewrite of a module, and the
//! digest fix after a rebuild. `traverse-playground --help` documents every command.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::{fmt::Write, path::Path, process::ExitCode};

    use clap::{Parser, Subcommand};
    use serde::Serialize;
    use serde_json::Value;
    use traverse_playground::{
        check::{Report, RequestReport, Verdict, check_package_with, limits::FUEL_BUDGET, manifest},
        package::{
            digest,
            disk::{MAX_FILE_BYTES, MAX_JSON_FILE_BYTES, read_file, read_package},
            workspace::{Role, named_files},
        },
        run::{account, instrument::instrument},
    };

    /// Version of the `--json` document; bumped on any incompatible change (docs/report-json.md).
    const REPORT_FORMAT_VERSION: u32 = 1;
    /// A command line this program does not understand; apart from Traverse's own codes.
    const USAGE_EXIT: u8 = 5;

    /// Check and rewrite Traverse governed capability packages, as the playground does in the
    /// browser.
    #[derive(Parser)]
    #[command(
        name = "traverse-playground",
        version,
        after_help = "Exit codes of check: 0 when Traverse loads the package and reads every request; \
                      4 when it does not load it (or cannot read the manifest); 2 when it loads it \
                      but cannot parse a request. Any command: 5 for a command line it does not \
                      understand, 1 when instrument or update-digest fails."
    )]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Check a package as `traverse-cli capability-package inspect` and `execute` would,
        /// printing every problem and Traverse's verdict lines.
        ///
        /// Exits as traverse-cli does: 0 when Traverse loads the package, 4 when it does not,
        /// 2 when it loads but a request does not parse.
        Check {
            /// The package's manifest.json; the files it names are read beside it.
            manifest: String,
            /// A runtime request to check against the package (repeatable).
            #[arg(long = "request", value_name = "FILE")]
            requests: Vec<String>,
            /// A workflow definition to check with the package (repeatable).
            #[arg(long = "workflow", value_name = "FILE")]
            workflows: Vec<String>,
            /// Print the report as JSON (docs/report-json.md) instead of text.
            #[arg(long)]
            json: bool,
        },
        /// Write the module as governed mode runs it: fuel-metered as wasmtime meters it,
        /// memory and table growth limited. Exits 1 when the module cannot be rewritten.
        Instrument {
            /// The module to rewrite.
            input: String,
            /// Where to write the rewritten module.
            output: String,
            /// The fuel budget the rewritten module starts with.
            #[arg(long = "fuel", value_name = "BUDGET", default_value_t = FUEL_BUDGET)]
            fuel: u64,
        },
        /// Write the binary's fnv1a64 into the manifest's binary.expected_digest, touching
        /// nothing else in the file (after a rebuild). Exits 1 when it cannot.
        UpdateDigest {
            /// The package's manifest.json.
            manifest: String,
        },
    }

    pub fn main() -> ExitCode {
        let cli = match Cli::try_parse() {
            Ok(cli) => cli,
            Err(error) => {
                // --help and --version are no errors; anything else is a usage error.
                let _ = error.print();
                return ExitCode::from(if error.use_stderr() { USAGE_EXIT } else { 0 });
            }
        };
        match cli.command {
            Command::Check { manifest, requests, workflows, json } => {
                check(&manifest, &requests, &workflows, json)
            }
            Command::Instrument { input, output, fuel } => instrument_command(&input, &output, fuel),
            Command::UpdateDigest { manifest } => update_digest_command(&manifest),
        }
    }

    fn check(manifest: &str, requests: &[String], workflows: &[String], json: bool) -> ExitCode {
        let mut files = match read_package(manifest) {
            Ok(files) => files,
            Err(error) => {
                // What Traverse prints when it cannot read the manifest; the page has no such case.
                println!(
                    "traverse inspect: exit 4: failed to read capability package manifest {manifest}: {error}"
                );
                return ExitCode::from(4);
            }
        };
        for path in requests.iter().chain(workflows) {
            // An unreadable file stays out of `files` and is then reported as empty input.
            match read_file(Path::new(path), MAX_JSON_FILE_BYTES) {
                Ok(bytes) => files.insert(path, bytes),
                Err(error) => eprintln!("{path}: {error}"),
            }
        }
        let report = check_package_with(&files, manifest, requests, workflows);
        if json {
            let json = serde_json::to_string_pretty(&JsonReport::new(&report)).expect("reports serialise");
            println!("{json}");
        } else {
            print!("{}", render(&report));
        }
        ExitCode::from(report.exit_code())
    }

    fn instrument_command(input: &str, output: &str, fuel: u64) -> ExitCode {
        let rewritten = read_file(Path::new(input), MAX_FILE_BYTES)
            .map_err(|error| format!("{input}: {error}"))
            .and_then(|bytes| instrument(&bytes, fuel).map_err(|error| format!("{input}: {error}")))
            .and_then(|bytes| std::fs::write(output, bytes).map_err(|error| format!("{output}: {error}")));
        match rewritten {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("{error}");
                ExitCode::FAILURE
            }
        }
    }

    fn update_digest_command(manifest: &str) -> ExitCode {
        match update_digest(manifest) {
            Ok(digest) => {
                println!("{manifest}: binary.expected_digest = {digest}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("{manifest}: {error}");
                ExitCode::FAILURE
            }
        }
    }

    /// Rewrites the declared digest in place, so the manifest's layout and key order stay.
    fn update_digest(manifest: &str) -> Result<String, String> {
        let bytes = read_file(Path::new(manifest), MAX_JSON_FILE_BYTES).map_err(|error| error.to_string())?;
        let text = String::from_utf8(bytes).map_err(|_| "the manifest is not UTF-8")?;
        let binary = named_files(manifest, text.as_bytes())
            .into_iter()
            .find(|file| file.role == Role::Binary)
            .ok_or("the manifest names no binary.path")?;
        let bytes = read_file(Path::new(&binary.resolved.display), MAX_FILE_BYTES)
            .map_err(|error| format!("{}: {error}", binary.resolved.display))?;
        let digest = digest::fnv1a64(&bytes);
        let updated = manifest::with_expected_digest(&text, &digest)
            .ok_or("the manifest has no string binary.expected_digest to update")?;
        std::fs::write(manifest, updated).map_err(|error| error.to_string())?;
        Ok(digest)
    }

    #[derive(Serialize)]
    struct JsonReport<'a> {
        format_version: u32,
        inspect: Verdict,
        execute: Verdict,
        #[serde(flatten)]
        report: &'a Report,
        /// Replaces the report's own `requests`, adding each one's verdict.
        requests: Vec<JsonRequest<'a>>,
    }

    #[derive(Serialize)]
    struct JsonRequest<'a> {
        #[serde(flatten)]
        request: &'a RequestReport,
        verdict: Verdict,
        /// Traverse's `runtime_result` and trace when it rejects the request before running.
        runtime_result: Option<Value>,
        trace: Option<Value>,
    }

    impl<'a> JsonReport<'a> {
        fn new(report: &'a Report) -> Self {
            Self {
                format_version: REPORT_FORMAT_VERSION,
                inspect: report.load_verdict(),
                execute: report.run_verdict(None),
                report,
                requests: report
                    .requests
                    .iter()
                    .map(|request| {
                        let verdict = report.run_verdict(Some(request));
                        let refused = match (&verdict, &request.request_id) {
                            (Verdict::Fails(stop), Some(id)) => account::refused_result(id, stop),
                            _ => None,
                        };
                        let (runtime_result, trace) = refused.unzip();
                        JsonRequest { request, verdict, runtime_result, trace }
                    })
                    .collect(),
            }
        }
    }

    fn render(report: &Report) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", report.manifest_path.as_deref().unwrap_or_default());
        for section in &report.sections {
            let status = if section.errors() > 0 { "problems" } else { "ok" };
            let _ = writeln!(out, "  {:<9} {status}", section.check.as_str());
            for d in &section.diagnostics {
                let _ =
                    writeln!(out, "    {} {} at {}: {}", d.severity.as_str(), d.code, d.location, d.message);
            }
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
            for d in &request.diagnostics {
                let _ =
                    writeln!(out, "    {} {} at {}: {}", d.severity.as_str(), d.code, d.location, d.message);
            }
        }
        let _ = writeln!(out, "traverse inspect: {}", report.load_verdict().line());
        if report.requests.is_empty() {
            let _ = writeln!(out, "traverse execute: {}", report.run_verdict(None).line());
        }
        for request in &report.requests {
            let _ = writeln!(
                out,
                "traverse execute {}: {}",
                request.file,
                report.run_verdict(Some(request)).line()
            );
        }
        out
    }
}
