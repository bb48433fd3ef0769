//! What a run will be, decided before the runner is called: the input chosen, the exact bytes
//! sent on stdin, whether Traverse refuses the run, and the request the runner gets.

use serde_json::Value;

use crate::{
    check::{Refusal, Report, RequestReport, request},
    package::{PackageFiles, workspace::Kind},
    run::{
        protocol::{RunRequest, SandboxFile},
        settings::{Settings, parse_env},
        use_case,
    },
};

/// The request id of runs from stdin the user wrote, for the ids in Traverse's result.
pub const PLAYGROUND_REQUEST_ID: &str = "playground";

/// What the user chose to send on stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputChoice {
    /// The text in the stdin editor.
    Custom,
    /// A runtime request of the package, by path: its input, as Traverse writes it.
    Request(String),
    /// A contract use case, by index: its `input_example`.
    UseCase(usize),
    /// A registered workflow run directly (`execute_workflow`), by `id@version`, with the
    /// stdin text as its input.
    Workflow(String),
    /// A runtime request, by path, whose intent names a composite capability: it runs its
    /// workflow through the runtime (WORKFLOWS.md §3.2).
    Composite(String),
    /// A `workflow_execution_request` file, by path (WORKFLOWS.md §3.1).
    WorkflowRequest(String),
}

impl InputChoice {
    /// The stdin the choice puts in the editor, as Traverse writes it: `None` for the user's
    /// own text (it stays); nothing for a request that does not parse, which has no input.
    pub fn stdin(&self, report: &Report) -> Option<String> {
        match self {
            // A composition's input comes from the set, not the package ([`crate::run::composition`]).
            Self::Custom | Self::Workflow(_) | Self::Composite(_) | Self::WorkflowRequest(_) => None,
            Self::Request(_) => Some(self.request(report)?.stdin.clone().unwrap_or_default()),
            Self::UseCase(index) => {
                let use_case = report.contract.as_ref()?.use_cases.get(*index)?;
                Some(request::stdin_bytes(&use_case.input_example))
            }
        }
    }

    /// Whether the choice runs a composition rather than the package's module.
    pub fn is_composed(&self) -> bool {
        matches!(self, Self::Workflow(_) | Self::Composite(_) | Self::WorkflowRequest(_))
    }

    /// The runtime request chosen, as checked.
    pub fn request<'a>(&self, report: &'a Report) -> Option<&'a RequestReport> {
        match self {
            Self::Request(path) => report.request(path),
            _ => None,
        }
    }
}

/// The choice for a request file at `path`: a composite request (one of
/// `composite_requests`) runs through its workflow, a workflow execution request runs its
/// workflow, any other runs the package's module.
pub fn request_choice(path: String, composite_requests: &[String], files: &PackageFiles) -> InputChoice {
    if composite_requests.contains(&path) {
        InputChoice::Composite(path)
    } else if files.kind(&path) == Some(Kind::WorkflowRequest) {
        InputChoice::WorkflowRequest(path)
    } else {
        InputChoice::Request(path)
    }
}

/// The input a package opens with: its first runtime request, else the user's own stdin.
pub fn initial_choice(report: &Report) -> InputChoice {
    report.requests.first().map_or(InputChoice::Custom, |request| InputChoice::Request(request.file.clone()))
}

/// The input a person names by typing it, as the input list shows it: a use case by its number
/// ("use case 12" or "12", counted from 1) when the contract has that many, else a runtime or
/// workflow request by its path. `None` when nothing has that name.
pub fn named_input(name: &str, use_cases: usize, is_request: impl Fn(&str) -> bool) -> Option<InputChoice> {
    let name = name.trim();
    let number = name.strip_prefix("use case").unwrap_or(name).trim().parse::<usize>().ok();
    match number {
        Some(number) if (1..=use_cases).contains(&number) => Some(InputChoice::UseCase(number - 1)),
        _ => is_request(name).then(|| InputChoice::Request(name.to_owned())),
    }
}

/// One run of "run all": every runtime request, then every use case of the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub kind: BatchKind,
    /// The request's path, or the use case's scenario.
    pub name: String,
    pub choice: InputChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchKind {
    Request,
    UseCase,
    Composite,
    WorkflowRequest,
}

impl BatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::UseCase => "use-case",
            Self::Composite => "composite",
            Self::WorkflowRequest => "workflow-request",
        }
    }
}

/// What "run all" runs of the set's compositions, after the package's: every composite
/// request, then every workflow execution request, by path.
pub fn run_all_composed(composite_requests: &[String], workflow_requests: &[String]) -> Vec<Batch> {
    let batch = |kind, choice: fn(String) -> InputChoice| {
        move |path: &String| Batch { kind, name: path.clone(), choice: choice(path.clone()) }
    };
    composite_requests
        .iter()
        .map(batch(BatchKind::Composite, InputChoice::Composite))
        .chain(workflow_requests.iter().map(batch(BatchKind::WorkflowRequest, InputChoice::WorkflowRequest)))
        .collect()
}

/// What "run all" runs, in order.
pub fn run_all(report: &Report) -> Vec<Batch> {
    let requests = report.requests.iter().map(|request| Batch {
        kind: BatchKind::Request,
        name: request.file.clone(),
        choice: InputChoice::Request(request.file.clone()),
    });
    let use_cases = report.contract.iter().flat_map(|contract| &contract.use_cases).enumerate().map(
        |(index, use_case)| Batch {
            kind: BatchKind::UseCase,
            name: use_case.scenario.clone(),
            choice: InputChoice::UseCase(index),
        },
    );
    requests.chain(use_cases).collect()
}

/// Stdin up to this size is turned into the bytes sent as it is typed, to show them; larger
/// stdin only when it runs, since that costs a parse of all of it.
pub const STDIN_PREVIEW_LIMIT_BYTES: usize = 1 << 20;

/// The bytes [`stdin_to_send`] makes of `text`, while it is small enough to preview; `None`
/// for larger stdin, which is made into bytes (or refused) when it runs.
pub fn stdin_preview(text: &str, governed: bool) -> Option<Result<String, String>> {
    (text.len() <= STDIN_PREVIEW_LIMIT_BYTES).then(|| stdin_to_send(text, governed))
}

/// The exact bytes sent: Traverse's compact, key-sorted JSON when governed, else the text as
/// written; the parse error when governed stdin is not JSON.
pub fn stdin_to_send(text: &str, governed: bool) -> Result<String, String> {
    if !governed {
        return Ok(text.to_owned());
    }
    serde_json::from_str::<Value>(text)
        .map(|input| request::stdin_bytes(&input))
        .map_err(|error| error.to_string())
}

/// Why a run could not even be sent: each names what is at fault, for the page to say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotSent {
    /// Governed stdin (or a workflow's input) that is not JSON: serde's words.
    Stdin(String),
    /// A line of the sandbox's environment that is not `KEY=VALUE`.
    Environment(String),
    /// A request file that is no longer loaded, or is not a request.
    Request { path: String, problem: String },
    /// Nothing to run: no module, or a choice that is not what was asked of it.
    Nothing(String),
}

impl NotSent {
    /// What is at fault, as the page names it.
    pub fn subject(&self) -> &str {
        match self {
            Self::Stdin(_) => "stdin",
            Self::Environment(_) => "the sandbox's environment",
            Self::Request { path, .. } => path,
            Self::Nothing(_) => "run",
        }
    }

    /// What is wrong with it.
    pub fn message(&self) -> &str {
        match self {
            Self::Stdin(problem) | Self::Environment(problem) | Self::Nothing(problem) => problem,
            Self::Request { problem, .. } => problem,
        }
    }
}

impl std::fmt::Display for NotSent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.subject(), self.message())
    }
}

/// What Run needs to know to start.
pub struct Readiness<'a> {
    pub choice: &'a InputChoice,
    /// The module the package runs, if any.
    pub module: Option<&'a str>,
    /// Whether stdin, as typed, can be sent ([`stdin_preview`]'s answer is not an error).
    pub stdin_sendable: bool,
    /// Whether the chosen request cannot be read: Run then shows Traverse's refusal of it.
    pub request_unreadable: bool,
    pub settings: &'a Settings,
}

impl Readiness<'_> {
    /// Whether Run can start: something to run (a composition needs no module of the package),
    /// stdin it can send (or a request whose refusal it shows), and in the sandbox an
    /// environment it can pass. The Run button and its shortcut both ask this.
    pub fn can_run(&self) -> bool {
        (self.choice.is_composed() || self.module.is_some())
            && (self.stdin_sendable || self.request_unreadable)
            && environment_sendable(self.settings)
    }
}

/// Whether Run all has anything to run (the package's module, or a composite or workflow
/// request of the set) and can send it. Its button and shortcut both ask this.
pub fn can_run_all(has_module: bool, composed_requests: usize, settings: &Settings) -> bool {
    (has_module || composed_requests > 0) && environment_sendable(settings)
}

/// The sandbox passes its environment; governed runs have none.
fn environment_sendable(settings: &Settings) -> bool {
    settings.governed || parse_env(&settings.sandbox_env).is_ok()
}

/// A run, decided.
#[derive(Debug)]
pub enum Plan {
    /// Traverse stops before the module runs; nothing is sent to the runner.
    Refused { refusal: Refusal, request_id: String },
    /// What the runner is asked to do; `use_case` is the index of the contract use case whose
    /// `input_example` is the input sent, if any.
    Run { request: RunRequest, request_id: String, use_case: Option<usize> },
}

/// The run of `module` (the bytes of the file the report checked) with the chosen input and
/// the `stdin` text in the editor, as `settings` say; an error when stdin (governed) or the
/// sandbox's environment cannot be sent.
pub fn plan(
    report: &Report,
    choice: &InputChoice,
    stdin: &str,
    module: Vec<u8>,
    settings: &Settings,
    sandbox_files: Vec<SandboxFile>,
) -> Result<Plan, NotSent> {
    let request = choice.request(report);
    let request_id = request
        .and_then(|request| request.request_id.clone())
        .unwrap_or_else(|| PLAYGROUND_REQUEST_ID.to_owned());
    // What stops Traverse before the module runs stops the playground too, whatever stdin
    // holds (a request that does not parse has none); the sandbox is not Traverse, and runs
    // anything.
    if settings.governed
        && let Some(refusal) = report.refusal(request)
    {
        return Ok(Plan::Refused { refusal, request_id });
    }
    // Parsed once: a request's input may be megabytes.
    let input = serde_json::from_str::<Value>(stdin);
    let bytes = match (&input, settings.governed) {
        (Ok(input), true) => request::stdin_bytes(input),
        (Err(error), true) => return Err(NotSent::Stdin(error.to_string())),
        (_, false) => stdin.to_owned(),
    };
    let use_case = input
        .ok()
        .zip(report.contract.as_ref())
        .and_then(|(input, contract)| use_case::matching(contract, &input).map(|(index, _)| index));
    let mode = settings.mode(report.contract.as_ref(), sandbox_files).map_err(NotSent::Environment)?;
    let request = RunRequest { module, stdin: bytes.into_bytes(), mode, limits: settings.limits() };
    Ok(Plan::Run { request, request_id, use_case })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_input_is_named_by_its_use_case_number_or_its_request_path() {
        let is_request = |path: &str| path == "r/1.json" || path == "7";
        assert_eq!(named_input("use case 12", 100_000, is_request), Some(InputChoice::UseCase(11)));
        assert_eq!(named_input(" 100000 ", 100_000, is_request), Some(InputChoice::UseCase(99_999)));
        assert_eq!(named_input("r/1.json", 0, is_request), Some(InputChoice::Request("r/1.json".into())));
        // A number past the use cases may still be a file's name; 0 and past the end name none.
        assert_eq!(named_input("7", 3, is_request), Some(InputChoice::Request("7".into())));
        assert_eq!(named_input("0", 3, is_request), None);
        assert_eq!(named_input("use case 4", 3, is_request), None);
        assert_eq!(named_input("missing.json", 3, is_request), None);
    }

    #[test]
    fn stdin_is_previewed_while_small_and_sent_as_traverse_writes_it() {
        assert_eq!(
            stdin_preview(r#"{"b": 1, "a": [1.0]}"#, true),
            Some(Ok(r#"{"a":[1.0],"b":1}"#.to_owned()))
        );
        assert_eq!(stdin_preview("not json", false), Some(Ok("not json".to_owned())));
        assert!(matches!(stdin_preview("{", true), Some(Err(_))));
        let large = format!(r#"{{"name": "{}"}}"#, "x".repeat(STDIN_PREVIEW_LIMIT_BYTES));
        assert_eq!(stdin_preview(&large, true), None);
        assert_eq!(stdin_to_send(&large, true).unwrap().len(), STDIN_PREVIEW_LIMIT_BYTES + 11);
    }

    /// One rule for Run and its shortcut: something to run, stdin it can send (or a request
    /// whose refusal it shows), and in the sandbox an environment it can pass.
    #[test]
    fn run_is_ready_when_it_has_something_to_send() {
        let governed = Settings::default();
        let sandbox = Settings { governed: false, sandbox_env: "NO_EQUALS".into(), ..Settings::default() };
        let custom = InputChoice::Custom;
        let workflow = InputChoice::Workflow("w@1.0.0".into());
        let ready = |choice, module, stdin_sendable, request_unreadable, settings| {
            Readiness { choice, module, stdin_sendable, request_unreadable, settings }.can_run()
        };
        assert!(ready(&custom, Some("m.wasm"), true, false, &governed));
        assert!(!ready(&custom, None, true, false, &governed), "nothing to run");
        assert!(ready(&workflow, None, true, false, &governed), "a composition needs no module");
        assert!(!ready(&custom, Some("m.wasm"), false, false, &governed), "stdin that is not JSON");
        assert!(ready(&custom, Some("m.wasm"), false, true, &governed), "a refused request is shown");
        assert!(!ready(&custom, Some("m.wasm"), true, false, &sandbox), "an environment it cannot pass");
        assert!(can_run_all(false, 1, &governed));
        assert!(!can_run_all(false, 0, &governed));
        assert!(!can_run_all(true, 0, &sandbox));
    }

    /// What cannot be sent names what is at fault: the page says it of that, not of stdin.
    #[test]
    fn what_cannot_be_sent_is_named() {
        let hello = include_bytes!("../../examples/hello-world/artifacts/hello-world.wasm");
        let report = crate::check::check_lone_module(
            "hello-world.wasm",
            hello,
            None,
            &crate::check::module_info::ReadHere,
        );
        let sandbox = Settings { governed: false, sandbox_env: "NO_EQUALS".into(), ..Settings::default() };
        let error = plan(&report, &InputChoice::Custom, "{}", vec![], &sandbox, vec![]).unwrap_err();
        assert_eq!(error, NotSent::Environment("\"NO_EQUALS\" is not KEY=VALUE".into()));
        assert_eq!(error.subject(), "the sandbox's environment");
        let error =
            plan(&report, &InputChoice::Custom, "{", vec![], &Settings::default(), vec![]).unwrap_err();
        assert_eq!(error.to_string(), "stdin: EOF while parsing an object at line 1 column 1");
    }

    /// A request file runs as what it is: a composite request through its workflow, a workflow
    /// execution request its workflow, any other the package's module.
    #[test]
    fn a_request_runs_as_what_it_is() {
        let mut files = PackageFiles::new();
        files.insert(
            "w.json",
            br#"{"kind": "workflow_execution_request", "workflow_id": "w", "workflow_version": "1.0.0"}"#
                .to_vec(),
        );
        files.insert("r.json", br#"{"kind": "runtime_request"}"#.to_vec());
        let composite = ["c.json".to_owned()];
        assert_eq!(
            request_choice("c.json".into(), &composite, &files),
            InputChoice::Composite("c.json".into())
        );
        assert_eq!(
            request_choice("w.json".into(), &composite, &files),
            InputChoice::WorkflowRequest("w.json".into())
        );
        assert_eq!(
            request_choice("r.json".into(), &composite, &files),
            InputChoice::Request("r.json".into())
        );
    }
}
