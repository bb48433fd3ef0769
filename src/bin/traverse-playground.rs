//! The playground's core on the command line:
//!
//! - `traverse-playground check <manifest.json> [--request <file>]… [--workflow <file>]… [--json]`:
//!   the package checks, for CI pipelines. Exits as `traverse-cli` does for loading: 0 when
//!   Traverse loads the package, 4 when it does not, 2 when it loads but a request does not parse;
//! - `traverse-playground instrument <in.wasm> <out.wasm> [--fuel <budget>]`: the module as
//!   governed mode runs it, fuel-metered and memory-limited (see `instrument`);
//! - `traverse-playground update-digest <manifest.json>`: writes the binary's fnv1a64 into
//!   `binary.expected_digest`, touching nothing else in the file (after a rebuild).
//!
//! A usage error exits 5.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::{fmt::Write, path::Path, process::ExitCode};

    use serde::Serialize;
    use serde_json::Value;
    use traverse_playground::{
        check::{Report, RequestReport, Verdict, check_package_with},
        diagnostic::{Severity, Stage},
        digest, execution,
        instrument::instrument,
        limits::FUEL_BUDGET,
        manifest,
        package::{MAX_FILE_BYTES, MAX_JSON_FILE_BYTES, PackageFiles, read_file},
        workspace::{Role, named_files},
    };

    const USAGE: &str = "usage: traverse-playground check <manifest.json> [--request <file>]... [--workflow <file>]... [--json]
       traverse-playground instrument <in.wasm> <out.wasm> [--fuel <budget>]
       traverse-playground update-digest <manifest.json>";
    /// Version of the `--json` document; bumped on any incompatible change (docs/report-json.md).
    const REPORT_FORMAT_VERSION: u32 = 1;
    const USAGE_EXIT: u8 = 5;

    struct Arguments {
        manifest: String,
        requests: Vec<String>,
        workflows: Vec<String>,
        json: bool,
    }

    fn arguments() -> Option<Arguments> {
        let mut args = std::env::args().skip(1);
        if args.next()? != "check" {
            return None;
        }
        let (mut manifest, mut requests, mut workflows, mut json) = (None, vec![], vec![], false);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--json" => json = true,
                "--request" => requests.push(args.next()?),
                "--workflow" => workflows.push(args.next()?),
                _ if manifest.is_none() && !arg.starts_with("--") => manifest = Some(arg),
                _ => return None,
            }
        }
        Some(Arguments { manifest: manifest?, requests, workflows, json })
    }

    pub fn main() -> ExitCode {
        match std::env::args().nth(1).as_deref() {
            Some("instrument") => return instrument_command(),
            Some("update-digest") => return update_digest_command(),
            _ => {}
        }
        let Some(args) = arguments() else {
            eprintln!("{USAGE}");
            return ExitCode::from(USAGE_EXIT);
        };
        let mut files = match read_package(&args.manifest) {
            Ok(files) => files,
            Err(error) => {
                // What Traverse prints when it cannot read the manifest; the page has no such case.
                println!(
                    "traverse inspect: exit 4: failed to read capability package manifest {}: {error}",
                    args.manifest
                );
                return ExitCode::from(4);
            }
        };
        for path in args.requests.iter().chain(&args.workflows) {
            // An unreadable file stays out of `files` and is then reported as empty input.
            match read_file(Path::new(path), MAX_JSON_FILE_BYTES) {
                Ok(bytes) => files.insert(path, bytes),
                Err(error) => eprintln!("{path}: {error}"),
            }
        }
        let report = check_package_with(&files, &args.manifest, &args.requests, &args.workflows);
        if args.json {
            let json = serde_json::to_string_pretty(&JsonReport::new(&report)).expect("reports serialise");
            println!("{json}");
        } else {
            print!("{}", render(&report));
        }
        ExitCode::from(exit_code(&report))
    }

    fn instrument_command() -> ExitCode {
        let args: Vec<String> = std::env::args().skip(2).collect();
        let parsed = match &args[..] {
            [input, output] => Some((input, output, FUEL_BUDGET)),
            [input, output, flag, budget] if flag == "--fuel" => {
                budget.parse().ok().map(|budget| (input, output, budget))
            }
            _ => None,
        };
        let Some((input, output, budget)) = parsed else {
            eprintln!("{USAGE}");
            return ExitCode::from(USAGE_EXIT);
        };
        let rewritten = read_file(Path::new(input), MAX_FILE_BYTES)
            .map_err(|error| format!("{input}: {error}"))
            .and_then(|bytes| instrument(&bytes, budget).map_err(|error| format!("{input}: {error}")))
            .and_then(|bytes| std::fs::write(output, bytes).map_err(|error| format!("{output}: {error}")));
        match rewritten {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("{error}");
                ExitCode::FAILURE
            }
        }
    }

    fn update_digest_command() -> ExitCode {
        let args: Vec<String> = std::env::args().skip(2).collect();
        let [manifest] = &args[..] else {
            eprintln!("{USAGE}");
            return ExitCode::from(USAGE_EXIT);
        };
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

    /// `traverse-cli`'s exit for loading and reading requests: 4, then 2, else 0.
    fn exit_code(report: &Report) -> u8 {
        let load = report.load_verdict();
        if load != Verdict::Passes {
            return load.exit_code();
        }
        let stops = report.requests.iter().flat_map(|r| &r.diagnostics).filter_map(|d| d.traverse.as_ref());
        stops.filter(|stop| stop.stage == Stage::Request).map(|stop| stop.exit_code).next().unwrap_or(0)
    }

    /// The manifest and the files it names, read from disk relative to the manifest's folder;
    /// no manifest at all is for the checks to report, any other failure to read it is returned.
    fn read_package(manifest: &str) -> std::io::Result<PackageFiles> {
        let mut files = PackageFiles::new();
        let bytes = match read_file(Path::new(manifest), MAX_JSON_FILE_BYTES) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(files),
            Err(error) => return Err(error),
        };
        for named in named_files(manifest, &bytes) {
            // A folder is not a file, for Traverse as for us: reading it fails, and the checks
            // name the file as missing.
            if let Ok(bytes) = read_file(Path::new(&named.resolved.display), MAX_FILE_BYTES) {
                files.insert(&named.resolved.key, bytes);
            }
        }
        files.insert(manifest, bytes);
        Ok(files)
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
                execute: report.execute_verdict(),
                report,
                requests: report
                    .requests
                    .iter()
                    .map(|request| {
                        let verdict = report.request_verdict(request);
                        let refused = match (&verdict, &request.request_id) {
                            (Verdict::Fails(stop), Some(id)) => execution::refused_result(id, stop),
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
        for request in &report.requests {
            let id = request.request_id.as_deref().unwrap_or("unparsable");
            let _ = writeln!(out, "request {} ({id})", request.file);
            if let Some(stdin) = &request.stdin {
                let _ = writeln!(out, "  stdin {stdin}");
            }
            for d in &request.diagnostics {
                let severity = format!("{:?}", d.severity).to_lowercase();
                let _ = writeln!(out, "    {severity} {} at {}: {}", d.code, d.location, d.message);
            }
        }
        let verdict_line = |verdict: Verdict| match verdict {
            Verdict::Passes => "passes".to_owned(),
            Verdict::Fails(stop) => format!("exit {}: {}", stop.exit_code, stop.message),
        };
        let _ = writeln!(out, "traverse inspect: {}", verdict_line(report.load_verdict()));
        if report.requests.is_empty() {
            let _ = writeln!(out, "traverse execute: {}", verdict_line(report.execute_verdict()));
        }
        for request in &report.requests {
            let _ = writeln!(
                out,
                "traverse execute {}: {}",
                request.file,
                verdict_line(report.request_verdict(request))
            );
        }
        out
    }
}
