//! What a composed choice (a workflow run directly, a workflow execution request, a composite
//! request) will run, decided before any node runs: the workflow it walks, the stdin it puts in
//! the editor, and how it starts. The page only walks what [`start`] returns.

use serde_json::Value;

use crate::{
    check::{request, workflow::Workflow},
    package::PackageFiles,
    run::{
        composite::{self, Begun},
        composition::Composition,
        plan::{InputChoice, PLAYGROUND_REQUEST_ID},
        workflow::{self, WorkflowRequest},
    },
};

/// A workflow chosen by its `id@version`, split.
fn split_key(key: &str) -> Option<(&str, &str)> {
    key.rsplit_once('@')
}

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

/// How a composed run starts.
pub enum Start {
    /// A workflow run through `execute_workflow`, with its request.
    Workflow { workflow: Option<Workflow>, request: WorkflowRequest },
    /// A composite request, begun as Traverse's runtime begins it: refused, or started.
    Composite { workflow: Option<Workflow>, begun: Begun },
}

/// How `choice` starts with `stdin` (a workflow's input, when one is run directly); why not
/// when stdin is not JSON, or the request is not loaded or cannot be read.
pub fn start(
    choice: &InputChoice,
    composition: &Composition,
    files: &PackageFiles,
    stdin: &str,
) -> Result<Start, String> {
    let loaded =
        |path: &str| files.get(path).ok_or_else(|| format!("the request {path} is no longer loaded"));
    let registered = |id: &str, version: &str| composition.workflow(id, version).cloned();
    match choice {
        InputChoice::Workflow(key) => {
            let (id, version) =
                split_key(key).ok_or_else(|| format!("{key} is not a workflow id@version"))?;
            let input: Value =
                serde_json::from_str(stdin).map_err(|error| format!("is not JSON: {error}"))?;
            let request = WorkflowRequest::new(PLAYGROUND_REQUEST_ID, id, version, input);
            Ok(Start::Workflow { workflow: registered(id, version), request })
        }
        InputChoice::WorkflowRequest(path) => {
            let request =
                WorkflowRequest::parse(loaded(path)?).map_err(|problem| format!("{path} is {problem}"))?;
            Ok(Start::Workflow {
                workflow: registered(&request.workflow_id, &request.workflow_version),
                request,
            })
        }
        InputChoice::Composite(path) => {
            let bytes = loaded(path)?;
            let raw: Value =
                serde_json::from_slice(bytes).map_err(|error| format!("{path} is not JSON: {error}"))?;
            let parsed = request::parse(path, bytes).map_err(|diagnostic| diagnostic.message)?;
            let composite = composition.composite_for(&parsed);
            let workflow = composite.and_then(|composite| composition.workflow_of(composite)).cloned();
            Ok(Start::Composite { workflow, begun: composite::begin(&raw, &parsed, composite) })
        }
        _ => Err("this input runs the package's module, not a composition".to_owned()),
    }
}
