//! A composed choice (a workflow run directly, a workflow execution request, a composite
//! request) run to its end: the workflow it walks, the stdin it puts in the editor, how it
//! starts, then [`Composing`] hands out one node's module at a time and is resumed with what
//! the runner observed, until Traverse's result ([`Composed`]). The page's runner worker, the
//! native tests and the no-panic properties all walk compositions through it, so each runs what
//! the others run, Traverse's executor gate included ([`NodeRun::dispatch`]).

use serde_json::Value;

use crate::{
    check::{
        module_info::{ReadHere, Reader},
        request::{self, Request},
        workflow::Workflow,
    },
    package::{PackageFiles, split_key},
    run::{
        composite::{self, Begun, RuntimeOutcome, Started},
        composition::Composition,
        execution,
        plan::{InputChoice, NotSent, PLAYGROUND_REQUEST_ID},
        protocol::{Limits, Mode, RunOutcome, RunRequest},
        workflow::{self, NodeRun, Step, Traversal, WorkflowRequest, WorkflowRun},
    },
};

/// The workflow a composed choice runs: the one chosen, the one a workflow execution request
/// names, or the one a composite request's capability runs; `None` for any other choice, or
/// when what it names is not registered.
pub fn chosen_workflow<'a>(
    choice: &InputChoice,
    composition: &'a Composition,
    files: &PackageFiles,
) -> Option<&'a Workflow> {
    match choice {
        InputChoice::Workflow(key) => {
            let (id, version) = split_key(key)?;
            composition.workflow(id, version)
        }
        InputChoice::WorkflowRequest(path) => {
            let request = WorkflowRequest::parse(files.get(path)?).ok()?;
            composition.workflow(&request.workflow_id, &request.workflow_version)
        }
        InputChoice::Composite(path) => {
            let parsed = request::parse(path, files.get(path)?).ok()?;
            composition.workflow_of(composition.composite_for(&parsed)?)
        }
        _ => None,
    }
}

/// The stdin a composed choice puts in the editor, as Traverse writes it: a workflow's starting
/// input from its input schema, or a request's input; `None` for any other choice, or what
/// does not parse.
pub fn stdin(choice: &InputChoice, composition: &Composition, files: &PackageFiles) -> Option<String> {
    let input = match choice {
        InputChoice::Workflow(_) => {
            workflow::starting_input(&chosen_workflow(choice, composition, files)?.inputs.schema)
        }
        InputChoice::Composite(path) => request::parse(path, files.get(path)?).ok()?.input,
        InputChoice::WorkflowRequest(path) => WorkflowRequest::parse(files.get(path)?).ok()?.input,
        _ => return None,
    };
    Some(request::stdin_bytes(&input))
}

/// What a composed run produced: Traverse's account of it, and the workflow to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Composed {
    /// The workflow that ran (or would have).
    pub workflow: Option<Workflow>,
    /// The walk; `None` when Traverse refused the composite request before its workflow.
    pub run: Option<WorkflowRun>,
    /// A composite request's `runtime_result` and trace.
    pub runtime: Option<RuntimeOutcome>,
    /// Traverse's line (`None` when the playground could not finish the run).
    pub line: Option<String>,
}

impl Composed {
    /// Whether Traverse completes it.
    pub fn completed(&self) -> bool {
        match &self.runtime {
            Some(runtime) => runtime.result["status"] == "completed",
            None => self.run.as_ref().is_some_and(WorkflowRun::completed),
        }
    }
}

/// What a composed run needs next.
#[derive(Debug)]
pub enum Next {
    /// A node's module to run; [`Composing::resume`] with what the runner observed.
    Run(NodeRun),
    Done(Box<Composed>),
}

/// A composed run under way: a workflow walked, and for a composite request what finishing
/// its runtime account needs.
pub struct Composing<'c> {
    workflow: Option<Workflow>,
    traversal: Option<Traversal<'c>>,
    composite: Option<Box<Started>>,
}

impl<'c> Composing<'c> {
    /// `execute_workflow` with `request`: refused before any node, or its first node to run.
    pub fn workflow(request: WorkflowRequest, composition: &'c Composition) -> (Self, Next) {
        let workflow = composition.workflow(&request.workflow_id, &request.workflow_version).cloned();
        Self { workflow, traversal: None, composite: None }.walk(workflow::start(request, composition))
    }

    /// A composite request (`raw` as written, `parsed` as Traverse reads it) through the
    /// runtime: refused before its workflow, or its workflow's first node to run.
    pub fn composite(raw: &Value, parsed: &Request, composition: &'c Composition) -> (Self, Next) {
        let composite = composition.composite_for(parsed);
        let workflow = composite.and_then(|composite| composition.workflow_of(composite)).cloned();
        match composite::begin(raw, parsed, composite) {
            Begun::Refused(outcome) => {
                let line = Some(outcome.traverse_line());
                let done = Composed { workflow: workflow.clone(), run: None, runtime: Some(*outcome), line };
                (Self { workflow, traversal: None, composite: None }, Next::Done(Box::new(done)))
            }
            Begun::Started(started) => {
                let start = workflow::start(started.workflow.clone(), composition);
                Self { workflow, traversal: None, composite: Some(started) }.walk(start)
            }
        }
    }

    fn walk(mut self, start: Result<(Traversal<'c>, Step), WorkflowRun>) -> (Self, Next) {
        let next = match start {
            Ok((traversal, step)) => {
                self.traversal = Some(traversal);
                self.next(step)
            }
            Err(refused) => self.finish(refused),
        };
        (self, next)
    }

    /// Resumes the walk with what the runner observed for the node it was handed.
    pub fn resume(&mut self, outcome: RunOutcome) -> Next {
        let step = match self.traversal.as_mut() {
            Some(traversal) => traversal.resume(outcome),
            // Nothing is running: the run ended before, and a late answer changes nothing.
            None => {
                let failure = Some("an answer came for no running node".to_owned());
                let run = WorkflowRun {
                    result: None,
                    evidence: None,
                    nodes: Vec::new(),
                    playground_failure: failure,
                };
                return self.finish(run);
            }
        };
        self.next(step)
    }

    fn next(&mut self, step: Step) -> Next {
        match step {
            Step::Run(node) => Next::Run(node),
            Step::Finished(run) => self.finish(run),
        }
    }

    fn finish(&mut self, run: WorkflowRun) -> Next {
        self.traversal = None;
        let workflow = self.workflow.clone();
        let done = match self.composite.take() {
            None => Composed { workflow, line: run.verdict_line(), run: Some(run), runtime: None },
            Some(started) => {
                let runtime = composite::finish(*started, &run);
                let line = runtime.as_ref().map(RuntimeOutcome::traverse_line);
                Composed { workflow, run: Some(run), runtime, line }
            }
        };
        Next::Done(Box::new(done))
    }

    /// Runs every node with `run` (a runner that answers at once: native tests, the no-panic
    /// properties), given the node and what the runner would be sent, to Traverse's result.
    pub fn run_to_end(
        mut self,
        mut next: Next,
        files: &PackageFiles,
        limits: Limits,
        mut run: impl FnMut(&NodeRun, RunRequest) -> RunOutcome,
    ) -> Composed {
        loop {
            match next {
                Next::Done(done) => return *done,
                Next::Run(node) => {
                    let outcome = match node.dispatch(files.get(&node.module), limits, &ReadHere) {
                        Dispatch::Run(request) => run(&node, request),
                        Dispatch::Ended(outcome) => outcome,
                    };
                    next = self.resume(outcome);
                }
            }
        }
    }
}

/// What becomes of a node's module: sent to the runner, or ended by Traverse's executor first.
#[derive(Debug)]
pub enum Dispatch {
    Run(RunRequest),
    Ended(RunOutcome),
}

impl NodeRun {
    /// What the runner is sent for this node, governed with `limits`, its binary `module`; or
    /// how Traverse's executor ends it without running it (a module it refuses before
    /// instantiating, a binary that is not loaded), which never reaches the runner.
    pub fn dispatch(&self, module: Option<&[u8]>, limits: Limits, reader: &dyn Reader) -> Dispatch {
        let module = module.unwrap_or_default();
        if let Some(end) = execution::executor_refusal(&self.module, module, reader) {
            return Dispatch::Ended(RunOutcome::without_output(end, 0.0));
        }
        let mode = Mode::Governed { events: self.policy.clone() };
        Dispatch::Run(RunRequest { module: module.to_vec(), stdin: self.stdin.clone(), mode, limits })
    }
}

/// How `choice` starts with `stdin` (a workflow's input, when one is run directly): refused, or
/// its first node to run; why not when stdin is not JSON, or the request is not loaded or
/// cannot be read.
pub fn begin<'c>(
    choice: &InputChoice,
    composition: &'c Composition,
    files: &PackageFiles,
    stdin: &str,
) -> Result<(Composing<'c>, Next), NotSent> {
    let problem = |path: &str, problem: String| NotSent::Request { path: path.to_owned(), problem };
    let loaded = |path: &str| files.get(path).ok_or_else(|| problem(path, "is no longer loaded".to_owned()));
    match choice {
        InputChoice::Workflow(key) => {
            let (id, version) = split_key(key)
                .ok_or_else(|| NotSent::Nothing(format!("{key} is not a workflow id@version")))?;
            let input: Value = serde_json::from_str(stdin)
                .map_err(|error| NotSent::Stdin(format!("is not JSON: {error}")))?;
            let request = WorkflowRequest::new(PLAYGROUND_REQUEST_ID, id, version, input);
            Ok(Composing::workflow(request, composition))
        }
        InputChoice::WorkflowRequest(path) => {
            let request = WorkflowRequest::parse(loaded(path)?)
                .map_err(|error| problem(path, format!("is {error}")))?;
            Ok(Composing::workflow(request, composition))
        }
        InputChoice::Composite(path) => {
            let bytes = loaded(path)?;
            let raw: Value = serde_json::from_slice(bytes)
                .map_err(|error| problem(path, format!("is not JSON: {error}")))?;
            let parsed =
                request::parse(path, bytes).map_err(|diagnostic| problem(path, diagnostic.message))?;
            Ok(Composing::composite(&raw, &parsed, composition))
        }
        _ => Err(NotSent::Nothing("this input runs the package's module, not a composition".to_owned())),
    }
}
