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
    use std::{io::ErrorKind, path::Path, process::ExitCode};

    use clap::{Parser, Subcommand};
    use serde::Serialize;
    use traverse_playground::{
        check::{
            Report, Verdict, app_bundle, check_lone_module, check_package_with,
            limits::FUEL_BUDGET,
            manifest,
            module_info::ReadHere,
            registry_bundle,
            set::{self, Focus},
            strict_lint,
        },
        explore::{self, Explorer},
        package::{
            PackageFiles, digest,
            disk::{
                MAX_FILE_BYTES, MAX_JSON_FILE_BYTES, ReadSet, read_file, read_package, read_set, read_tree,
            },
            workspace::{self, Item, Role, named_files},
        },
        present::{explore_report::Explored, report, run_result::RunResult},
        run::{
            account,
            instrument::instrument,
            native,
            plan::{self, InputChoice, Plan},
            settings::Settings,
        },
    };

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
                      but cannot parse a request; for a folder, the first failing item's code (2 for \
                      an application bundle or a workflow that does not validate). bundle inspect: 0 \
                      or 4; bundle register: 0, 2 (validation), 3 (conflict) or 4 (loading); app \
                      validate: 0, with the status in its JSON, or before any, 4 (a manifest it \
                      cannot read) or 2 (not JSON). run: as execute, for the first request that \
                      does not complete. explore: 0, 1 (a finding), 3 (cannot explore) or 4. \
                      Any command: 5 for a command line it \
                      does not understand, 1 when instrument or update-digest fails."
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
            /// The package's manifest.json (the files it names are read beside it), or a folder
            /// holding a set: every package, bundle and workflow in it is checked.
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
        /// Registry bundles, as `traverse-cli bundle` sees them.
        Bundle {
            #[command(subcommand)]
            action: BundleAction,
        },
        /// Application bundles, as `traverse-cli app` sees them.
        App {
            #[command(subcommand)]
            action: AppAction,
        },
        /// Run requests as `traverse-cli capability-package execute` runs them: the package
        /// checked, each request refused as Traverse refuses it or its module run governed
        /// (the same fuel rewrite and host functions as the page, on wasmi), printing
        /// Traverse's line, the end, fuel, stdout and events.
        ///
        /// Exits as traverse-cli does for the first request that does not complete: 4 when the
        /// package does not load, 2 when a request does not parse, 1 when the run fails; else 0.
        Run {
            /// The package's manifest.json (the files it names are read beside it), or a lone
            /// module (`.wasm`), run with `--stdin` and only the module's own checks.
            manifest: String,
            /// The runtime requests to run; without any, every `.json` file in the package's
            /// `runtime-requests/` folder, in name order.
            requests: Vec<String>,
            /// For a lone module: the JSON to send, written as Traverse writes it (compact,
            /// keys sorted).
            #[arg(long, value_name = "JSON")]
            stdin: Option<String>,
            /// Print each run as JSON (docs/report-json.md) instead of text.
            #[arg(long)]
            json: bool,
        },
        /// Explore a package: inputs generated from its contract's input schema (its use cases'
        /// examples first, then boundary values, then random ones from the seed), each run
        /// governed as `run` runs it; every way a valid input makes Traverse fail is a finding,
        /// shrunk to a smallest input that fails the same way.
        ///
        /// Exits 0 when nothing fails, 1 when there is a finding, 3 when the contract cannot be
        /// explored (its schema, named by path), 4 when the package does not load.
        Explore {
            /// The package's manifest.json.
            manifest: String,
            /// How many inputs to generate (shrinking runs more).
            #[arg(long, default_value_t = explore::DEFAULT_RUNS)]
            runs: usize,
            /// The seed the random inputs come from: the same seed, the same inputs.
            #[arg(long, default_value_t = 1)]
            seed: u64,
            /// Print the exploration as JSON instead of text.
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

    #[derive(Subcommand)]
    enum BundleAction {
        /// Load the bundle: its manifest, then every capability, event and workflow it names.
        /// Prints its summary, or Traverse's first error on stderr and exits 4.
        Inspect {
            /// The bundle's manifest.json; the paths it names are joined to its folder.
            manifest: String,
            /// Print the summary as JSON.
            #[arg(long)]
            json: bool,
        },
        /// Load, then register into a private registry: the event gate, the capabilities
        /// (composites from workflow-backed contracts) and every workflow. Exits 2, 3 or 4 on
        /// failure, with Traverse's message on stderr.
        Register {
            manifest: String,
            #[arg(long)]
            json: bool,
        },
    }

    #[derive(Subcommand)]
    enum AppAction {
        /// Validate an application bundle and print its evidence JSON (status, and Traverse's
        /// error). Exits 0 either way, as Traverse does.
        Validate {
            /// The app.manifest.json.
            #[arg(long)]
            manifest: Option<String>,
            /// Required, as Traverse requires it: the evidence is JSON.
            #[arg(long)]
            json: bool,
            /// The workspace whose synced public registry resolves registry_ref components; the
            /// playground holds none, so they fail as Traverse fails without a `registry sync`.
            #[arg(long, value_name = "ID")]
            workspace: Option<String>,
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
            Command::Check { manifest, requests, workflows, json } if Path::new(&manifest).is_dir() => {
                if !requests.is_empty() || !workflows.is_empty() {
                    eprintln!("--request and --workflow name files of one package; a folder brings its own");
                    return ExitCode::from(USAGE_EXIT);
                }
                check_set(&manifest, json)
            }
            Command::Check { manifest, requests, workflows, json } => {
                check(&manifest, &requests, &workflows, json)
            }
            Command::Bundle { action: BundleAction::Inspect { manifest, json } } => {
                bundle(&manifest, false, json)
            }
            Command::Bundle { action: BundleAction::Register { manifest, json } } => {
                bundle(&manifest, true, json)
            }
            Command::App { action: AppAction::Validate { manifest, json, workspace } } => {
                let Some(manifest) = manifest else {
                    eprintln!("app validate requires --manifest <path>");
                    return ExitCode::from(USAGE_EXIT);
                };
                if !json {
                    eprintln!("app validate requires --json for stable setup evidence");
                    return ExitCode::from(USAGE_EXIT);
                }
                app_validate(&manifest, workspace.as_deref())
            }
            Command::Run { manifest, requests, stdin: Some(stdin), json } if requests.is_empty() => {
                run_module(&manifest, &stdin, json)
            }
            Command::Run { stdin: Some(_), .. } => {
                eprintln!("--stdin runs a lone module; a package runs its requests");
                ExitCode::from(USAGE_EXIT)
            }
            Command::Run { manifest, requests, stdin: None, json } => run(&manifest, &requests, json),
            Command::Explore { manifest, runs, seed, json } => explore_command(&manifest, runs, seed, json),
            Command::Instrument { input, output, fuel } => instrument_command(&input, &output, fuel),
            Command::UpdateDigest { manifest } => update_digest_command(&manifest),
        }
    }

    /// The package and the files named beside it on the command line; when the manifest cannot
    /// be read, what Traverse prints then (the page has no such case), and its exit code.
    fn read_package_with<'a>(
        manifest: &str,
        named: impl IntoIterator<Item = &'a String>,
    ) -> Result<PackageFiles, ExitCode> {
        let mut files = read_package(manifest).map_err(|error| {
            println!(
                "traverse inspect: exit 4: failed to read capability package manifest {manifest}: {error}"
            );
            ExitCode::from(4)
        })?;
        for path in named {
            // An unreadable file stays out of `files` and is then reported as empty input.
            match read_file(Path::new(path), MAX_JSON_FILE_BYTES) {
                Ok(bytes) => files.insert(path, bytes),
                Err(error) => eprintln!("{path}: {error}"),
            }
        }
        Ok(files)
    }

    fn check(manifest: &str, requests: &[String], workflows: &[String], json: bool) -> ExitCode {
        let files = match read_package_with(manifest, requests.iter().chain(workflows)) {
            Ok(files) => files,
            Err(exit) => return exit,
        };
        let mut checked = check_package_with(&files, manifest, requests, workflows, &ReadHere);
        strict_lint::add_to(&mut checked);
        if json {
            print!("{}", pretty(&report::PackageJson::new(&checked)));
        } else {
            print!("{}", report::package_text(&checked));
        }
        ExitCode::from(checked.exit_code())
    }

    fn run(manifest: &str, requests: &[String], json: bool) -> ExitCode {
        let requests = if requests.is_empty() { package_requests(manifest) } else { requests.to_vec() };
        let (report, module) = match loaded(manifest, &requests) {
            Ok(loaded) => loaded,
            Err(exit) => return exit,
        };
        let mut runner = native::Runner::default();
        let runs: Vec<_> = report
            .requests
            .iter()
            .map(|request| {
                let choice = InputChoice::Request(request.file.clone());
                let stdin = choice.stdin(&report).unwrap_or_default();
                (request.file.clone(), run_one(&mut runner, &report, &choice, &stdin, &module))
            })
            .collect();
        print_runs(&runs, json)
    }

    /// The package checked with `requests` and the module it runs, when Traverse loads it;
    /// otherwise what Traverse prints and its exit code.
    fn loaded(manifest: &str, requests: &[String]) -> Result<(Report, Vec<u8>), ExitCode> {
        let files = read_package_with(manifest, requests)?;
        let report = check_package_with(&files, manifest, requests, &[], &ReadHere);
        if let Verdict::Fails(stop) = report.load_verdict() {
            println!("traverse inspect: exit {}: {}", stop.exit_code, stop.message);
            return Err(ExitCode::from(stop.exit_code));
        }
        let module = workspace::module_to_run(&files, Some(manifest))
            .and_then(|path| files.get(&path).map(<[u8]>::to_vec))
            .unwrap_or_default();
        Ok((report, module))
    }

    fn explore_command(manifest: &str, runs: usize, seed: u64, json: bool) -> ExitCode {
        let (report, module) = match loaded(manifest, &[]) {
            Ok(loaded) => loaded,
            Err(exit) => return exit,
        };
        let Some(contract) = report.contract.as_ref() else {
            eprintln!("{manifest}: no contract to explore");
            return ExitCode::from(3);
        };
        let mut explorer = match Explorer::new(&contract.inputs.schema, explore::seeds(contract), seed, runs)
        {
            Ok(explorer) => explorer,
            Err(unsupported) => {
                eprintln!("cannot explore {unsupported}");
                return ExitCode::from(3);
            }
        };
        let settings = Settings::default();
        let mut runner = native::Runner::default();
        while let Some(input) = explorer.next_input() {
            let outcome = runner.run(&explore::request_for(contract, &module, &input, &settings));
            explorer.observe(&input, explore::judge(&outcome, contract));
        }
        let explored = Explored {
            manifest,
            seed,
            generated: runs,
            runs: explorer.runs(),
            findings: explorer.findings(),
        };
        if json {
            print!("{}", pretty(&explored.json()));
        } else {
            print!("{}", explored.text());
        }
        ExitCode::from(u8::from(!explorer.findings().is_empty()))
    }

    /// A lone module run with `stdin`, as the page runs a module dropped without a manifest.
    fn run_module(path: &str, stdin: &str, json: bool) -> ExitCode {
        let module = match read_file(Path::new(path), MAX_FILE_BYTES) {
            Ok(module) => module,
            Err(error) => {
                eprintln!("{path}: {error}");
                return ExitCode::FAILURE;
            }
        };
        let report = check_lone_module(path, &module, None, &ReadHere);
        let result = run_one(&mut native::Runner::default(), &report, &InputChoice::Custom, stdin, &module);
        print_runs(&[(path.to_owned(), result)], json)
    }

    /// One run as the page's Run makes it: refused as Traverse refuses it, or run governed.
    fn run_one(
        runner: &mut native::Runner,
        report: &Report,
        choice: &InputChoice,
        stdin: &str,
        module: &[u8],
    ) -> Result<RunResult, String> {
        match plan::plan(report, choice, stdin, module.to_vec(), &Settings::default(), Vec::new()) {
            Ok(Plan::Refused { refusal, request_id }) => {
                Ok(RunResult::Refused { cause: refusal.cause, stop: refusal.stop, request_id })
            }
            Ok(Plan::Run { request, request_id, .. }) => {
                let outcome = runner.run(&request);
                let account = account::account(&outcome, report.contract.as_ref(), &request_id);
                Ok(RunResult::Ran {
                    outcome: Box::new(outcome),
                    account: Some(account),
                    governed: true,
                    use_case: None,
                })
            }
            Err(not_sent) => Err(not_sent.message().to_owned()),
        }
    }

    /// Prints each run; exits with the first code that is not 0 (1 for a run that could not be
    /// sent).
    fn print_runs(runs: &[(String, Result<RunResult, String>)], json: bool) -> ExitCode {
        let mut exit = 0;
        let mut printed = Vec::new();
        for (label, result) in runs {
            let code = match result {
                Ok(result) if json => {
                    printed.push(result.command_json(label));
                    result.exit_code()
                }
                Ok(result) => {
                    print!("{}", result.command_text(label));
                    result.exit_code()
                }
                Err(problem) => {
                    eprintln!("{label}: {problem}");
                    1
                }
            };
            if exit == 0 {
                exit = code;
            }
        }
        if json {
            print!("{}", pretty(&printed));
        }
        ExitCode::from(exit)
    }

    /// The package's own requests: its `runtime-requests/*.json`, as the template lays them out.
    fn package_requests(manifest: &str) -> Vec<String> {
        let folder = Path::new(manifest).parent().unwrap_or(Path::new(".")).join("runtime-requests");
        let mut found: Vec<String> = std::fs::read_dir(&folder)
            .into_iter()
            .flatten()
            .filter_map(|entry| Some(entry.ok()?.path()))
            .filter(|path| path.extension().is_some_and(|extension| extension == "json"))
            .map(|path| path.to_string_lossy().into_owned())
            .collect();
        found.sort();
        found
    }

    /// `bundle inspect` or `bundle register`: Traverse's output, stdout on success and its
    /// first error on stderr.
    fn bundle(manifest: &str, register: bool, json: bool) -> ExitCode {
        let ReadSet { files, unreadable } = match read_set(manifest) {
            Ok(set) => set,
            Err(error) if error.kind() == ErrorKind::QuotaExceeded => {
                eprintln!("{error}");
                return ExitCode::from(4);
            }
            Err(error) => {
                eprintln!("failed to read bundle manifest {manifest}: {error}");
                return ExitCode::from(4);
            }
        };
        let report = registry_bundle::check(&files, manifest);
        let verdict = if register { report.register_verdict() } else { report.inspect_verdict() };
        if let Verdict::Fails(stop) = &verdict {
            eprintln!("{}", stop.message);
            name_unreadable(&unreadable);
            return ExitCode::from(stop.exit_code);
        }
        name_unreadable(&unreadable);
        let printed = match (register, json) {
            (false, false) => report.inspect_text(),
            (true, false) => report.register_text(),
            (false, true) => report.inspect_json().as_ref().map(pretty),
            (true, true) => report.register_json().as_ref().map(pretty),
        };
        print!("{}", printed.unwrap_or_default());
        ExitCode::SUCCESS
    }

    fn app_validate(manifest: &str, workspace: Option<&str>) -> ExitCode {
        let ReadSet { files, unreadable } = match read_set(manifest) {
            Ok(set) => set,
            Err(error) if error.kind() == ErrorKind::QuotaExceeded => {
                eprintln!("{error}");
                return ExitCode::from(4);
            }
            // Traverse reads the manifest as JSON before anything else.
            Err(error) => {
                eprintln!("failed to read JSON file {manifest}: {error}");
                return ExitCode::from(4);
            }
        };
        let report = app_bundle::check_in_workspace(&files, manifest, workspace, &ReadHere);
        match (&report.stop, report.evidence()) {
            (Some(stop), _) => eprintln!("{}", stop.message),
            (None, evidence) => print!("{}", pretty(&evidence)),
        }
        name_unreadable(&unreadable);
        ExitCode::from(report.exit_code())
    }

    /// Why each file Traverse calls missing could not be read, when it exists (a device, a FIFO,
    /// a link loop): after Traverse's own words, on stderr.
    fn name_unreadable(unreadable: &[(String, std::io::Error)]) {
        for (path, error) in unreadable {
            eprintln!("note: {path} exists but was not read: {error}");
        }
    }

    fn pretty(value: &impl Serialize) -> String {
        serde_json::to_string_pretty(value).expect("reports serialise") + "\n"
    }

    /// `check` of a folder: every package, bundle and workflow in it, and what the set says.
    fn check_set(folder: &str, json: bool) -> ExitCode {
        let files = match read_tree(Path::new(folder)) {
            Ok(files) => files,
            Err(error) => {
                eprintln!("{folder}: {error}");
                return ExitCode::from(4);
            }
        };
        let (items, references) = workspace::set(&files);
        let mut focused: Vec<(&Item, Focus)> = items
            .iter()
            .filter_map(|item| Some((item, set::check_item(&files, &item.path, &ReadHere)?)))
            .collect();
        for (_, focus) in &mut focused {
            if let Focus::Package(report) = focus {
                strict_lint::add_to(report);
            }
        }
        let problems = set::set_diagnostics(&items, &references);
        if json {
            print!("{}", pretty(&report::set_json(&focused, &items, &references, &problems)));
        } else {
            print!("{}", report::set_text(&focused, &problems));
        }
        ExitCode::from(report::set_exit_code(&focused))
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
}
