//! Running the module: pick a runtime request or a use case, or write stdin; see exactly what
//! will be sent; run governed (as Traverse) or in the WASI sandbox, with Ctrl/⌘-Enter too; or
//! run every request and use case at once into a table (Ctrl/⌘-Shift-Enter).

use std::rc::Rc;

use leptos::{ev, prelude::*, task::spawn_local};

use super::{
    composition_view::WorkflowGraph,
    explore_view::ExploreView,
    outcome_view::OutcomeView,
    run_all_table::RunAllTable,
    sandbox_settings::SandboxSettings,
    state::{Playground, SharedRunner},
};
use crate::{
    check::{Report, limits::FUEL_BUDGET},
    package::key,
    present::{
        number::grouped,
        run_all::{Row, RunAll, Stopped},
        run_result::RunResult,
    },
    run::{
        account,
        compose::{self, Dispatch, Next},
        plan::{self, InputChoice, NotSent, Plan},
        protocol::{Limits, SandboxFile},
        settings::Settings as RunSettings,
    },
    web::runner::client::Runner,
};

/// How many runs have ended in this page: the page waits for the first before it precaches
/// the build for offline use.
#[derive(Clone, Copy)]
pub struct RunCount(pub RwSignal<u32>);

/// Asks the run pane to run the chosen input once, as soon as it can (an embed with `run`).
#[derive(Clone, Copy)]
pub struct RunOnLoad(pub RwSignal<bool>);

/// The select's value for a use case: this prefix and its index.
const USE_CASE_PREFIX: &str = "use-case:";
/// The select's value for a workflow run directly: this prefix and its `id@version`.
const WORKFLOW_PREFIX: &str = "workflow:";
/// The most requests, and the most use cases, the input list holds (the chosen one is always
/// there): Chromium took about a second to set the value of a list of 100,000. The rest are
/// chosen by name.
const MAX_LISTED: usize = 500;

#[component]
pub fn RunPane() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let runner = expect_context::<SharedRunner>();
    let sandbox_files = RwSignal::new(Vec::<SandboxFile>::new());
    let view = RwSignal::new(None::<RunResult>);
    let run_all_state = RwSignal::new(None::<RunAll>);
    // Which Run all is current: Stop, a change of the files and the next Run all each move it
    // on, and a Run all whose number is no longer current runs nothing more.
    let generation = RwSignal::new(0u32);
    let running = RwSignal::new(false);
    let RunCount(runs) = expect_context::<RunCount>();
    let settings = playground.settings();
    let governed = Memo::new(move |_| settings.with(|s| s.governed));

    let sent =
        Memo::new(move |_| playground.stdin().with(|stdin| plan::stdin_preview(stdin, governed.get())));
    let stdin_size = Memo::new(move |_| grouped(playground.stdin().with(String::len) as u64));
    let composite_requests = playground.composite_requests;
    // A composite request runs through its workflow, offered apart from the package's.
    let requests = Memo::new(move |_| {
        playground.checked.with(|checked| {
            let composite = composite_requests.get();
            checked.as_ref().map(|c| {
                c.report
                    .requests
                    .iter()
                    .map(|r| r.file.clone())
                    .filter(|f| !composite.contains(f))
                    .collect::<Vec<_>>()
            })
        })
    });
    let workflow_requests = playground.workflow_requests;
    let workflows = Memo::new(move |_| {
        playground
            .composition
            .with(|composition| composition.workflows().map(|w| key(&w.id, &w.version)).collect::<Vec<_>>())
    });
    let composed = Memo::new(move |_| playground.input().with(InputChoice::is_composed));
    // The workflow the chosen composition runs, drawn before it runs.
    let chosen_workflow = Memo::new(move |_| {
        playground.input().with(|choice| {
            playground.composition.with(|composition| {
                playground.files().with(|files| compose::chosen_workflow(choice, composition, files).cloned())
            })
        })
    });
    let use_cases = Memo::new(move |_| {
        playground.checked.with(|checked| {
            let contract = checked.as_ref()?.report.contract.as_ref()?;
            Some(contract.use_cases.iter().map(|u| u.scenario.clone()).collect::<Vec<_>>())
        })
    });
    // How many requests and use cases the input list leaves out, chosen by name instead.
    let unlisted = Memo::new(move |_| {
        let requests = requests.with(|requests| requests.as_ref().map_or(0, Vec::len));
        let use_cases = use_cases.with(|use_cases| use_cases.as_ref().map_or(0, Vec::len));
        requests.saturating_sub(MAX_LISTED) + use_cases.saturating_sub(MAX_LISTED)
    });
    let unnamed = RwSignal::new(None::<String>);
    let module = playground.module;
    // A chosen request that does not parse has no input to send: why, in stdin's place.
    let request_problem = Memo::new(move |_| {
        let InputChoice::Request(path) = playground.input().get() else { return None };
        playground.checked.with(|checked| {
            let request = checked.as_ref()?.report.request(&path)?;
            request
                .stdin
                .is_none()
                .then(|| request.diagnostics.first().map(|d| d.message.clone()).unwrap_or_default())
        })
    });
    // One rule for the Run button and its shortcut, and one for Run all's.
    let can_run = Memo::new(move |_| {
        let stdin_sendable = !sent.with(|sent| matches!(sent, Some(Err(_))));
        let request_unreadable = request_problem.with(Option::is_some);
        playground.input().with(|choice| {
            module.with(|module| {
                settings.with(|settings| {
                    let module = module.as_deref();
                    plan::Readiness { choice, module, stdin_sendable, request_unreadable, settings }.can_run()
                })
            })
        })
    });
    let can_run_all = Memo::new(move |_| {
        let composed = composite_requests.with(Vec::len) + workflow_requests.with(Vec::len);
        settings.with(|settings| plan::can_run_all(module.with(Option::is_some), composed, settings))
    });

    let choose = move |value: String| {
        let choice = if let Some(index) = value.strip_prefix(USE_CASE_PREFIX).and_then(|i| i.parse().ok()) {
            InputChoice::UseCase(index)
        } else if let Some(key) = value.strip_prefix(WORKFLOW_PREFIX) {
            InputChoice::Workflow(key.to_owned())
        } else if value.is_empty() {
            InputChoice::Custom
        } else {
            playground.request_choice(value)
        };
        unnamed.set(None);
        playground.choose_input(choice);
    };

    let finish = move |result: Option<RunResult>| {
        if let Some(result) = result {
            view.set(Some(result));
            runs.update(|count| *count += 1);
        }
        running.set(false);
    };
    // What every run needs from the page, read when it starts.
    let prepared = move || {
        let report =
            playground.checked.with_untracked(|checked| checked.as_ref().map(|c| c.report.clone()))?;
        let path = module.get_untracked()?;
        let bytes = playground.files().with_untracked(|files| files.get(&path).map(<[u8]>::to_vec))?;
        Some(Prepared {
            report,
            module: bytes,
            settings: settings.get_untracked(),
            files: sandbox_files.get_untracked(),
        })
    };
    let run = move || {
        if running.get_untracked() || !can_run.get_untracked() {
            return;
        }
        let choice = playground.input().get_untracked();
        if choice.is_composed() {
            running.set(true);
            view.set(None);
            let (stdin, limits) = (playground.stdin().get_untracked(), settings.get_untracked().limits());
            let runner = runner.get_value();
            spawn_local(async move {
                let ran = run_composed(&runner, playground, choice, &stdin, limits).await;
                if let Err(problem) = &ran {
                    playground.notify(problem.subject(), problem.message());
                }
                finish(ran.ok())
            });
            return;
        }
        running.set(true);
        view.set(None);
        let (choice, stdin) = (playground.input().get_untracked(), playground.stdin().get_untracked());
        let runner = runner.get_value();
        spawn_local(async move {
            playground.read_module(&runner).await;
            let Some(prepared) = prepared() else { return finish(None) };
            let ran = run_one(&runner, &prepared, &choice, &stdin).await;
            if let Err(problem) = &ran {
                playground.notify(problem.subject(), problem.message());
            }
            finish(ran.ok())
        });
    };
    if let Some(RunOnLoad(pending)) = use_context::<RunOnLoad>() {
        Effect::new(move |_| {
            if pending.get() && can_run.get() {
                pending.set(false);
                run();
            }
        });
    }
    let stop_run_all = move |why: Stopped| {
        let going = run_all_state.with_untracked(|all| all.as_ref().is_some_and(|all| !all.progress.done()));
        if going {
            generation.update(|generation| *generation += 1);
            run_all_state.update(|all| {
                if let Some(all) = all {
                    all.finish(Some(why));
                }
            });
        }
    };
    // The runs left would be of other files.
    Effect::new(move |_| {
        playground.files().track();
        stop_run_all(Stopped::FilesChanged);
    });
    let run_all = move || {
        if running.get_untracked() || !can_run_all.get_untracked() {
            return;
        }
        let limits = settings.get_untracked().limits();
        generation.update(|generation| *generation += 1);
        let mine = generation.get_untracked();
        running.set(true);
        let runner = runner.get_value();
        spawn_local(async move {
            playground.read_module(&runner).await;
            // The package's requests and use cases, then the set's composite and workflow requests.
            let prepared = prepared();
            let mut batches =
                prepared.as_ref().map(|prepared| plan::run_all(&prepared.report)).unwrap_or_default();
            batches.extend(plan::run_all_composed(
                &composite_requests.get_untracked(),
                &workflow_requests.get_untracked(),
            ));
            if batches.is_empty() || generation.get_untracked() != mine {
                return running.set(false);
            }
            run_all_state.set(Some(RunAll::new(batches.len())));
            for batch in batches {
                if generation.get_untracked() != mine {
                    break;
                }
                let ran = match &prepared {
                    _ if batch.choice.is_composed() => {
                        run_composed(&runner, playground, batch.choice, "", limits).await
                    }
                    Some(prepared) => {
                        let stdin = batch.choice.stdin(&prepared.report).unwrap_or_default();
                        run_one(&runner, prepared, &batch.choice, &stdin).await
                    }
                    None => Err(NotSent::Nothing("there is no module to run".to_owned())),
                };
                // A run that ends after Stop belongs to no table.
                if generation.get_untracked() != mine {
                    break;
                }
                let row = Row { kind: batch.kind, name: batch.name, result: ran };
                run_all_state.update(|all| {
                    if let Some(all) = all {
                        all.record(row);
                    }
                });
            }
            if generation.get_untracked() == mine {
                run_all_state.update(|all| {
                    if let Some(all) = all {
                        all.finish(None);
                    }
                });
            }
            running.set(false);
        });
    };
    let _ = window_event_listener(ev::keydown, move |event| {
        if event.key() == "Enter" && (event.ctrl_key() || event.meta_key()) {
            event.prevent_default();
            if event.shift_key() { run_all() } else { run() }
        } else if event.key() == "Escape" {
            stop_run_all(Stopped::ByUser);
        }
    });

    let selected = move || match playground.input().get() {
        InputChoice::Custom => String::new(),
        InputChoice::Request(path) => path,
        InputChoice::UseCase(index) => format!("{USE_CASE_PREFIX}{index}"),
        InputChoice::Workflow(key) => format!("{WORKFLOW_PREFIX}{key}"),
        InputChoice::Composite(path) | InputChoice::WorkflowRequest(path) => path,
    };
    view! {
        <section class="pane run" aria-labelledby="run-heading">
            <h2 id="run-heading">"Run"</h2>
            <p class="note" data-testid="module-name">{move || module.get()}</p>
            <label for="request-select">"Input"</label>
            <select id="request-select" data-testid="request-select" prop:value=selected
                on:change=move |event| choose(event_target_value(&event))>
                <option value="">"stdin I write"</option>
                // Each option is marked once, when the list is drawn (the select's value follows
                // every later choice): a contract may have thousands of use cases, and a
                // reactive mark on each would redraw them all at every keystroke in stdin.
                {move || {
                    let current = untrack(selected);
                    requests.get().unwrap_or_default().into_iter().take(MAX_LISTED).map(|path| view! {
                        <option value=path.clone() selected=current == path>{format!("request {path}")}</option>
                    }).collect_view()
                }}
                {move || {
                    let current = untrack(selected);
                    composite_requests.get().into_iter().map(|path| view! {
                        <option value=path.clone() selected=current == path>{format!("composite request {path}")}</option>
                    }).collect_view()
                }}
                {move || {
                    let current = untrack(selected);
                    workflow_requests.get().into_iter().map(|path| view! {
                        <option value=path.clone() selected=current == path>{format!("workflow request {path}")}</option>
                    }).collect_view()
                }}
                {move || {
                    let current = untrack(selected);
                    workflows.get().into_iter().map(|key| {
                        let value = format!("{WORKFLOW_PREFIX}{key}");
                        view! { <option value=value.clone() selected=current == value>{format!("workflow {key}")}</option> }
                    }).collect_view()
                }}
                {move || {
                    let current = untrack(selected);
                    use_cases.with(|use_cases| use_cases.iter().flatten().take(MAX_LISTED).enumerate().map(|(index, scenario)| {
                        let value = format!("{USE_CASE_PREFIX}{index}");
                        view! { <option value=value.clone() selected=current == value>{format!("use case {}: {scenario}", index + 1)}</option> }
                    }).collect_view())
                }}
                // A request or use case chosen by name, past the listed ones: shown as chosen.
                {move || {
                    let option = |value: String, label: String| view! { <option value=value selected=true>{label}</option> };
                    match playground.input().get() {
                        InputChoice::Request(path) if requests.with(|requests| {
                            requests.iter().flatten().position(|listed| *listed == path).is_some_and(|index| index >= MAX_LISTED)
                        }) => Some(option(path.clone(), format!("request {path}"))),
                        InputChoice::UseCase(index) if index >= MAX_LISTED => use_cases.with(|use_cases| {
                            let scenario = use_cases.as_ref()?.get(index)?;
                            Some(option(format!("{USE_CASE_PREFIX}{index}"), format!("use case {}: {scenario}", index + 1)))
                        }),
                        _ => None,
                    }
                }}
            </select>
            {move || (unlisted.get() > 0).then(|| view! {
                <p class="note" data-testid="inputs-more">
                    {format!("{} more requests and use cases are not listed; ", grouped(unlisted.get() as u64))}
                    <label for="input-name">"choose one by name"</label>": "
                    <input id="input-name" data-testid="input-name" spellcheck="false"
                        placeholder="a request's path, or a use case's number"
                        on:change=move |event| {
                            let name = event_target_value(&event);
                            unnamed.set((!playground.choose_named(&name)).then_some(name));
                        } />
                </p>
                {move || unnamed.get().map(|name| view! {
                    <p class="error" data-testid="input-name-error" role="alert">{format!("No request or use case is named {name:?}.")}</p>
                })}
            })}
            <label for="stdin">"stdin"</label>
            // Stdin too large to preview is not put in the text field either: a browser lays out
            // a text field's whole text at every keystroke. What is typed there replaces it.
            <textarea id="stdin" data-testid="stdin" rows="6" spellcheck="false"
                prop:value=move || if sent.with(Option::is_some) { playground.stdin().get() } else { String::new() }
                placeholder=move || sent.with(Option::is_none).then(|| format!(
                    "{} bytes of stdin, not shown here; what you type replaces them",
                    stdin_size.get()))
                on:input=move |event| playground.write_stdin(event_target_value(&event))></textarea>
            {move || match (request_problem.get(), sent.get()) {
                (Some(problem), _) => view! {
                    <p class="error" data-testid="request-problem" role="alert">"This request does not parse, so it has no input: " {problem}</p>
                }.into_any(),
                (None, Some(Ok(bytes))) if governed.get() => view! {
                    <p class="note">"Sent as Traverse writes it (compact, keys sorted): "
                        <code data-testid="stdin-sent">{bytes}</code></p>
                }.into_any(),
                (None, Some(Ok(_))) => view! { <p class="note">"Sent byte for byte as written, then end of file."</p> }.into_any(),
                (None, Some(Err(error))) => view! {
                    <p class="error" data-testid="stdin-error" role="alert">"stdin is not JSON: " {error}</p>
                }.into_any(),
                (None, None) => view! {
                    <p class="note" data-testid="stdin-large">{move || format!(
                        "stdin is {} bytes: it is made into the bytes Traverse sends when it runs, not as you type.",
                        stdin_size.get())}</p>
                }.into_any(),
            }}
            <div class="run-bar">
                <button id="run-button" data-testid="run" class="primary"
                    disabled=move || running.get() || !can_run.get()
                    on:click=move |_| run()>
                    {move || if running.get() { "Running…" } else { "Run" }}
                </button>
                <button data-testid="run-all" title="every request and use case, then every composite and workflow request (Ctrl/⌘-Shift-Enter)"
                    disabled=move || running.get() || !can_run_all.get()
                    on:click=move |_| run_all()>"Run all"</button>
                <span class="note">" Ctrl/⌘-Enter · runs: " <span data-testid="run-count">{move || runs.get()}</span></span>
            </div>
            <RunAllTable run_all=run_all_state.read_only() generation=generation.read_only()
                open=move |ran| view.set(Some(ran)) stop=move |()| stop_run_all(Stopped::ByUser) />
            {move || composed.get().then(|| view! {
                <p class="note" data-testid="composition-note">"A composition runs node by node as Traverse's runtime walks it: each node governed, with its own fuel and limits, whatever the mode."</p>
            })}
            {move || {
                let drawn = view.with(|view| matches!(view, Some(RunResult::Composed(_))));
                chosen_workflow.get().filter(|_| !drawn).map(|workflow| view! {
                    <WorkflowGraph workflow run=None chosen=RwSignal::new(None) />
                })
            }}
            {move || (module.with(Option::is_none) && !composed.get()).then(|| view! {
                <p class="note">"Load a package or a .wasm module to run it."</p>
            })}
            <Settings sandbox_files=sandbox_files />
            <OutcomeView view=view.read_only() />
            <ExploreView />
        </section>
    }
}

/// Mode and limits; sandbox arguments, environment and files when not governed.
#[component]
fn Settings(sandbox_files: RwSignal<Vec<SandboxFile>>) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let settings = playground.settings();
    view! {
        <details class="settings" open>
            <summary>"Settings"</summary>
            <label class="mode">
                <input type="checkbox" data-testid="mode-governed" prop:checked=move || settings.with(|s| s.governed)
                    on:change=move |event| playground.update_settings(|s| s.governed = event_target_checked(&event)) />
                " Governed: as Traverse runs a package. Off: a WASI sandbox, not Traverse."
            </label>
            <label>
                "Fuel budget "
                <input type="number" min="1" data-testid="fuel-budget"
                    prop:value=move || settings.with(|s| s.fuel_budget.to_string())
                    on:change=move |event| match RunSettings::parse_fuel_budget(&event_target_value(&event)) {
                        Ok(budget) => playground.update_settings(|s| s.fuel_budget = budget),
                        // The budget stays as it was, and the input shows it again.
                        Err(problem) => {
                            playground.notify("Fuel budget", problem);
                            playground.update_settings(|_| {});
                        }
                    } />
                {move || settings.with(|s| s.fuel_budget != FUEL_BUDGET)
                    .then(|| format!(" (not Traverse's {})", grouped(FUEL_BUDGET)))}
            </label>
            <label>
                "Wall-clock backstop (ms) "
                <input type="number" min="1" data-testid="wall-limit"
                    prop:value=move || settings.with(|s| s.wall_time_ms.to_string())
                    on:change=move |event| match RunSettings::parse_wall_time_ms(&event_target_value(&event)) {
                        Ok(limit) => playground.update_settings(|s| s.wall_time_ms = limit),
                        Err(problem) => {
                            playground.notify("Wall-clock backstop", problem);
                            playground.update_settings(|_| {});
                        }
                    } />
            </label>
            {move || settings.with(|s| !s.governed).then(|| view! { <SandboxSettings files=sandbox_files /> })}
        </details>
    }
}

/// What a run needs from the page, read when it starts: later changes do not reach it.
struct Prepared {
    report: Report,
    module: Vec<u8>,
    settings: RunSettings,
    files: Vec<SandboxFile>,
}

/// One run, as the Run button makes it: planned by the core, run in the worker, accounted for;
/// why not when stdin or the environment cannot be sent.
async fn run_one(
    runner: &Runner,
    prepared: &Prepared,
    choice: &InputChoice,
    stdin: &str,
) -> Result<RunResult, NotSent> {
    let Prepared { report, module, settings, files } = prepared;
    let planned = plan::plan(report, choice, stdin, module.clone(), settings, files.clone())?;
    let (request, request_id, use_case) = match planned {
        Plan::Refused { refusal, request_id } => {
            return Ok(RunResult::Refused { cause: refusal.cause, stop: refusal.stop, request_id });
        }
        Plan::Run { request, request_id, use_case } => (request, request_id, use_case),
    };
    let outcome = runner.run(request).await;
    let contract = report.contract.as_ref();
    let account = settings.governed.then(|| account::account(&outcome, contract, &request_id));
    let use_case = use_case.zip(contract).and_then(|(index, contract)| {
        let use_case = contract.use_cases.get(index)?;
        Some((index, use_case.scenario.clone(), use_case.output_example.clone()))
    });
    Ok(RunResult::Ran { outcome: Box::new(outcome), account, governed: settings.governed, use_case })
}

/// A workflow run directly with stdin as its input, or a workflow or composite request, walked
/// by the core; each node's module run governed in the runner worker with `limits`. Why not
/// when stdin is not JSON or the request cannot be read.
async fn run_composed(
    runner: &Rc<Runner>,
    playground: Playground,
    choice: InputChoice,
    stdin: &str,
    limits: Limits,
) -> Result<RunResult, NotSent> {
    let composition = playground.composition.get_untracked();
    let (mut composing, mut next) =
        playground.files().with_untracked(|files| compose::begin(&choice, &composition, files, stdin))?;
    loop {
        let node = match next {
            Next::Done(composed) => return Ok(RunResult::Composed(composed)),
            Next::Run(node) => node,
        };
        // Traverse's executor may refuse the node's module: it is read first (`modules`).
        let module = playground.files().with_untracked(|files| files.get(&node.module).map(<[u8]>::to_vec));
        if let Some(module) = &module {
            playground.modules.read_now(runner, module).await;
        }
        let (dispatch, _) =
            untrack(|| playground.modules.check(|reader| node.dispatch(module.as_deref(), limits, reader)));
        let outcome = match dispatch {
            Dispatch::Run(request) => runner.run(request).await,
            Dispatch::Ended(outcome) => outcome,
        };
        next = composing.resume(outcome);
    }
}
