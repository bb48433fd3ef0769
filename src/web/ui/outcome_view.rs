//! What a run produced and, governed, Traverse's account of it: the end reason and its
//! detail, fuel, time per phase, stdout (raw and pretty), stderr, events, the output-schema
//! result, the `runtime_result` and trace, and a diff against the matching use case.

use leptos::prelude::*;
use serde_json::Value;

use super::{browser, code_editor::JsonBlock, composition_view::CompositionView, state::Playground};
use crate::{
    present::{json_view, number::grouped, run_result::RunResult},
    run::{
        account,
        execution::Execution,
        protocol::{RunOutcome, SANDBOX_FILE_PREVIEW_BYTES, SandboxFile},
        use_case,
    },
};

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// A module's run, or a composition's.
#[component]
pub fn OutcomeView(view: ReadSignal<Option<RunResult>>) -> impl IntoView {
    let composed = move || match view.get() {
        Some(RunResult::Composed(composed)) => Some(*composed),
        _ => None,
    };
    move || match composed() {
        Some(composed) => view! { <CompositionView composed /> }.into_any(),
        None => view! { <ModuleOutcome view /> }.into_any(),
    }
}

#[component]
fn ModuleOutcome(view: ReadSignal<Option<RunResult>>) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let check_ms = move || playground.checked.with_untracked(|checked| checked.as_ref().map(|c| c.check_ms));
    let reason = move || view.with(|view| view.as_ref().map(RunResult::end));
    let detail = move || {
        view.with(|view| match view {
            Some(RunResult::Refused { cause, .. }) => format!("refused before running: {cause}"),
            Some(RunResult::Ran { outcome, .. }) => outcome.end.detail(),
            Some(RunResult::Composed(_)) | None => String::new(),
        })
    };
    // Traverse's line, result and trace, whether it refused the request or ran it.
    let traverse = move || {
        view.with(|view| match view.as_ref()? {
            RunResult::Refused { stop, request_id, .. } => {
                let (result, trace) = account::refused_result(request_id, stop).unzip();
                Some((Some(stop.message.clone()), result, trace, None))
            }
            RunResult::Ran { account: Some(account), .. } => Some((
                account.traverse_line.clone(),
                account.runtime_result.clone(),
                account.trace.clone(),
                Some((account.execution.clone(), account.against_contract)),
            )),
            RunResult::Ran { account: None, .. } | RunResult::Composed(_) => None,
        })
    };
    let stdout_text =
        move || read_outcome(view, |o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    let pretty_stdout = move || read_outcome(view, |o| json_view::indented(&o.stdout)).flatten();

    view! {
        <section class="outcome" aria-live="polite">
            <h3>"Outcome"</h3>
            <dl class="facts">
                <dt>"end"</dt>
                <dd><span data-testid="end-reason" class=move || reason().map(|r| format!("end end-{}", r.label().replace(' ', "-")))>
                    {move || reason().map(|r| r.label())}
                </span>" "<span data-testid="end-detail">{detail}</span></dd>
                <dt>"fuel"</dt>
                <dd><span data-testid="fuel">{move || read_outcome(view, |o| o.fuel_consumed).flatten()}</span>
                    {move || read_outcome(view, |o| o.fuel_consumed).flatten().map(|_| " units (wasmtime's)")}</dd>
                <dt>"time"</dt>
                <dd data-testid="wall-time">{move || read_outcome(view, |o| format!(
                    "check {:.1} ms · compile {:.1} ms{} · run {:.1} ms",
                    check_ms().unwrap_or(0.0), o.compile_ms,
                    if o.module_was_kept { " (compiled for an earlier run)" } else { "" },
                    o.wall_time_ms - o.compile_ms))}</dd>
            </dl>
            {move || traverse().map(|(line, result, trace, execution)| view! {
                <div class="traverse-account">
                    {match line {
                        Some(line) => view! { <p>"Traverse: " <code data-testid="run-verdict">{line}</code></p> }.into_any(),
                        // A playground failure must never read as Traverse's verdict on the module.
                        None => view! {
                            <p class="fail" data-testid="no-run-verdict">"No Traverse verdict: the playground could not finish this run, so it says nothing about what Traverse would do."</p>
                        }.into_any(),
                    }}
                    {execution.map(|(execution, against_contract)| view! { <OutputCheck execution against_contract /> })}
                    {result.map(|result| view! {
                        <details><summary>"runtime_result"</summary>
                            <pre class="code" tabindex="0" data-testid="runtime-result">{pretty(&result)}</pre></details>
                    })}
                    {trace.map(|trace| view! {
                        <details><summary>"trace (its deterministic parts)"</summary>
                            <JsonBlock testid="trace" text=pretty(&trace) label="trace" /></details>
                    })}
                </div>
            })}
            <h4>"stdout"</h4>
            <pre class="code" tabindex="0" data-testid="stdout">{stdout_text}</pre>
            {move || pretty_stdout().map(|text| view! {
                <details><summary>"stdout, pretty-printed"</summary><pre class="code" tabindex="0" data-testid="stdout-pretty">{text}</pre></details>
            })}
            {move || view.with(|view| view.as_ref()?.dropped_notes()[0].clone()).map(|note| view! {
                <p class="note" data-testid="stdout-dropped">{note}</p>
            })}
            <h4>"stderr"</h4>
            <pre class="code" tabindex="0" data-testid="stderr">{move || read_outcome(view, |o| String::from_utf8_lossy(&o.stderr).into_owned())}</pre>
            {move || traverse().map(|_| view! { <p class="note">"Traverse discards stderr; the playground shows it for you."</p> })}
            {move || view.with(|view| view.as_ref()?.dropped_notes()[1].clone()).map(|note| view! {
                <p class="note" data-testid="stderr-dropped">{note}</p>
            })}
            <h4>"events"</h4>
            <pre class="code" tabindex="0" data-testid="events">{move || read_outcome(view, |o| o.events.iter()
                .map(|e| format!("{}@{} {}", e.event_id, e.version, e.data)).collect::<Vec<_>>().join("\n"))}</pre>
            {move || read_outcome(view, |o| o.files.clone()).filter(|files| !files.is_empty()).map(|files| view! {
                <h4>"files after the run"</h4>
                <ul data-testid="sandbox-files-after">
                    {files.into_iter().map(|file| view! { <FileAfterRun file /> }).collect_view()}
                </ul>
            })}
            {move || view.with(|view| match view {
                Some(RunResult::Ran { outcome, use_case: Some((index, scenario, example)), .. }) => {
                    Some((*index, scenario.clone(), example.clone(), outcome.stdout.clone()))
                }
                _ => None,
            }).map(|(index, scenario, example, stdout)| view! { <UseCaseDiff index scenario example stdout /> })}
        </section>
    }
}

/// Reads the outcome of a module's run in place: it may hold megabytes of output and files.
fn read_outcome<T>(view: ReadSignal<Option<RunResult>>, read: impl FnOnce(&RunOutcome) -> T) -> Option<T> {
    view.with(|view| view.as_ref()?.outcome().map(read))
}

/// A file the sandbox left: its size, the start of its text, and the whole of it to download.
#[component]
fn FileAfterRun(file: SandboxFile) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let (text, whole) = file.preview();
    let (path, size) = (file.path.clone(), file.bytes.len());
    let download = move |_| {
        let name = file.path.rsplit('/').next().unwrap_or(&file.path);
        if let Err(error) = browser::download(name, &js_sys::Uint8Array::from(&file.bytes[..])) {
            playground.notify(&file.path, format!("could not be downloaded: {error}"));
        }
    };
    view! {
        <li data-testid="sandbox-file">
            <code>{path}</code>{format!(" ({size} bytes) ")}
            <button class="small" data-testid="sandbox-file-download" on:click=download>"Download"</button>
            <pre>{text}</pre>
            {(!whole).then(|| view! {
                <p class="note" data-testid="sandbox-file-cut">
                    {format!("The first {} bytes are shown.", grouped(SANDBOX_FILE_PREVIEW_BYTES as u64))}
                </p>
            })}
        </li>
    }
}

/// Whether the output satisfies the contract's output schema, as Traverse checks it.
#[component]
fn OutputCheck(execution: Execution, against_contract: bool) -> impl IntoView {
    let (class, lead, cause) = match execution {
        Execution::Completed { .. } if against_contract => {
            ("pass", "The output satisfies the contract's output schema.", String::new())
        }
        Execution::Completed { .. } => (
            "pass",
            "The output is one JSON value. No contract is loaded, so no output schema was checked.",
            String::new(),
        ),
        Execution::OutputInvalid { violations, .. } => (
            "fail",
            "The output does not satisfy the output schema: ",
            violations.iter().map(|v| format!("{}: {}", v.path, v.message)).collect::<Vec<_>>().join("; "),
        ),
        Execution::ExecutorFailed { error } => ("fail", "The run failed: ", error.to_string()),
        Execution::PlaygroundFailed { reason } => ("fail", "The playground could not run it: ", reason),
    };
    view! {
        <p class=format!("output-check {class}") data-testid="output-check">
            {lead}<span data-testid="executor-error">{cause}</span>
        </p>
    }
}

#[component]
fn UseCaseDiff(index: usize, scenario: String, example: Value, stdout: Vec<u8>) -> impl IntoView {
    let body = match use_case::stdout_differences(&example, &stdout) {
        None => view! { <p class="note">"stdout is not JSON, so it cannot be compared."</p> }.into_any(),
        Some(differences) => {
            if differences.is_empty() {
                view! { <p class="pass">"The output equals the example."</p> }.into_any()
            } else {
                let show =
                    |value: Option<Value>| value.map_or_else(|| "(nothing)".to_owned(), |v| v.to_string());
                view! {
                    <table data-testid="use-case-diff">
                        <thead><tr><th>"where"</th><th>"example"</th><th>"output"</th></tr></thead>
                        <tbody>{differences.into_iter().map(|d| view! {
                            <tr><td><code>{d.path}</code></td><td><code>{show(d.expected)}</code></td><td><code>{show(d.actual)}</code></td></tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }
        }
    };
    view! {
        <section class="use-case">
            <h4>{format!("Use case {}: {scenario}", index + 1)}</h4>
            <p class="note">"The contract's output_example, for information: Traverse's examples are illustrative, not golden, and real outputs often differ."</p>
            {body}
        </section>
    }
}
