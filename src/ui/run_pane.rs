//! Running the module: pick a runtime request or a use case, or write stdin; see exactly what
//! will be sent; run governed (as Traverse) or in the WASI sandbox, with Ctrl/⌘-Enter too.

use std::rc::Rc;

use leptos::{ev, prelude::*, task::spawn_local};
use serde_json::Value;

use super::{
    outcome_view::{OutcomeView, RunView},
    sandbox_settings::SandboxSettings,
    state::{InputChoice, Playground},
};
use crate::{
    check::{self, Verdict},
    execution,
    limits::FUEL_BUDGET,
    request,
    runner::{
        client::Runner,
        protocol::{Limits, Mode, RunRequest, SandboxFile, parse_env},
    },
    share_link::Settings as ShareSettings,
};

/// The request id of runs from stdin the user wrote, for the ids in Traverse's result.
const PLAYGROUND_REQUEST_ID: &str = "playground";
const USE_CASE_PREFIX: &str = "use-case:";

/// The exact bytes sent: Traverse's compact, key-sorted JSON when governed, else the text.
fn stdin_to_send(text: &str, governed: bool) -> Result<String, String> {
    if !governed {
        return Ok(text.to_owned());
    }
    serde_json::from_str(text).map(|input| request::stdin_bytes(&input)).map_err(|error| error.to_string())
}

#[component]
pub fn RunPane() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let runner = StoredValue::new_local(Rc::new(Runner::new()));
    let sandbox_files = RwSignal::new(Vec::<SandboxFile>::new());
    let view = RwSignal::new(None::<RunView>);
    let running = RwSignal::new(false);
    let runs = RwSignal::new(0u32);
    let settings = playground.settings;
    let governed = Memo::new(move |_| settings.with(|s| s.governed));

    let sent = Memo::new(move |_| stdin_to_send(&playground.stdin.get(), governed.get()));
    let requests = Memo::new(move |_| {
        playground.checked.with(|checked| {
            checked.as_ref().map(|c| c.report.requests.iter().map(|r| r.file.clone()).collect::<Vec<_>>())
        })
    });
    let use_cases = Memo::new(move |_| {
        playground.contract().map(|contract| {
            contract.use_cases.into_iter().map(|u| (u.scenario, u.input_example)).collect::<Vec<_>>()
        })
    });
    let module = Memo::new(move |_| playground.module_path());
    Effect::new(move |_| {
        if module.with(Option::is_some) {
            runner.with_value(|runner| runner.prepare());
        }
    });

    let choose = move |value: String| {
        if let Some(index) = value.strip_prefix(USE_CASE_PREFIX).and_then(|i| i.parse::<usize>().ok()) {
            let input = use_cases.with_untracked(|u| {
                u.as_ref().and_then(|u| u.get(index)).map(|(_, input)| request::stdin_bytes(input))
            });
            if let Some(stdin) = input {
                playground.stdin.set(stdin);
            }
            playground.input.set(InputChoice::UseCase(index));
        } else if value.is_empty() {
            playground.input.set(InputChoice::Custom);
        } else {
            if let Some(stdin) = playground.request_stdin(&value) {
                playground.stdin.set(stdin);
            }
            playground.input.set(InputChoice::Request(value));
        }
    };

    let finish = move |result: RunView| {
        view.set(Some(result));
        running.set(false);
        runs.update(|count| *count += 1);
    };
    let run = move || {
        let (Some(module_path), Ok(stdin)) = (module.get_untracked(), sent.get_untracked()) else {
            return;
        };
        let Some(bytes) =
            playground.files.with_untracked(|files| files.get(&module_path).map(<[u8]>::to_vec))
        else {
            return;
        };
        if running.get_untracked() {
            return;
        }
        let settings = settings.get_untracked();
        let contract = playground.contract();
        let checked = playground.checked.get_untracked();
        let request_file = match playground.input.get_untracked() {
            InputChoice::Request(path) => Some(path),
            _ => None,
        };
        let request = checked.as_ref().and_then(|checked| {
            checked.report.requests.iter().find(|r| Some(&r.file) == request_file.as_ref()).cloned()
        });
        let request_id = request
            .as_ref()
            .and_then(|request| request.request_id.clone())
            .unwrap_or_else(|| PLAYGROUND_REQUEST_ID.to_owned());
        let input = serde_json::from_str::<Value>(&stdin).ok();
        running.set(true);
        view.set(None);
        if settings.governed {
            // What stops Traverse before the module runs stops the playground too.
            let (verdict, diagnostics) = match (&checked, &request) {
                (Some(checked), Some(request)) => (
                    checked.report.request_verdict(request),
                    request.diagnostics.iter().chain(checked.report.diagnostics()).cloned().collect(),
                ),
                (Some(checked), None) => {
                    (checked.report.execute_verdict(), checked.report.diagnostics().cloned().collect())
                }
                (None, _) => {
                    let (problems, _) = check::check_module(&module_path, &bytes);
                    let verdict = problems
                        .iter()
                        .find_map(|d| d.traverse.clone())
                        .map_or(Verdict::Passes, Verdict::Fails);
                    (verdict, problems)
                }
            };
            if let Verdict::Fails(stop) = verdict {
                let cause = diagnostics
                    .iter()
                    .find(|d| d.traverse.as_ref() == Some(&stop))
                    .map_or_else(|| stop.message.clone(), |d| d.message.clone());
                return finish(RunView::Refused { cause, stop, request_id });
            }
        }
        let mode = if settings.governed {
            Mode::Governed { events: execution::event_policy(contract.as_ref()) }
        } else {
            Mode::Sandbox {
                args: settings.sandbox_args.split_whitespace().map(str::to_owned).collect(),
                env: parse_env(&settings.sandbox_env).unwrap_or_default(),
                files: sandbox_files.get_untracked(),
            }
        };
        let limits = Limits { fuel_budget: settings.fuel_budget, wall_time_ms: settings.wall_time_ms };
        let run_request = RunRequest { module: bytes, stdin: stdin.into_bytes(), mode, limits };
        let runner = runner.get_value();
        let governed = settings.governed;
        spawn_local(async move {
            let outcome = runner.run(&run_request).await;
            let account = governed.then(|| execution::account(&outcome, contract.as_ref(), &request_id));
            let use_case = contract.as_ref().zip(input.as_ref()).and_then(|(contract, input)| {
                crate::use_case::matching(contract, input).map(|(index, use_case)| {
                    (index, use_case.scenario.clone(), use_case.output_example.clone())
                })
            });
            finish(RunView::Ran { outcome: Box::new(outcome), account, governed, use_case });
        });
    };
    let _ = window_event_listener(ev::keydown, move |event| {
        if event.key() == "Enter" && (event.ctrl_key() || event.meta_key()) {
            event.prevent_default();
            run();
        }
    });

    let selected = move || match playground.input.get() {
        InputChoice::Custom => String::new(),
        InputChoice::Request(path) => path,
        InputChoice::UseCase(index) => format!("{USE_CASE_PREFIX}{index}"),
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
                    requests.get().unwrap_or_default().into_iter().map(|path| view! {
                        <option value=path.clone() selected=current == path>{format!("request {path}")}</option>
                    }).collect_view()
                }}
                {move || {
                    let current = untrack(selected);
                    use_cases.with(|use_cases| use_cases.iter().flatten().enumerate().map(|(index, (scenario, _))| {
                        let value = format!("{USE_CASE_PREFIX}{index}");
                        view! { <option value=value.clone() selected=current == value>{format!("use case {}: {scenario}", index + 1)}</option> }
                    }).collect_view())
                }}
            </select>
            <label for="stdin">"stdin"</label>
            <textarea id="stdin" data-testid="stdin" rows="6" spellcheck="false"
                prop:value=move || playground.stdin.get()
                on:input=move |event| {
                    playground.stdin.set(event_target_value(&event));
                    playground.input.set(InputChoice::Custom);
                }></textarea>
            {move || match sent.get() {
                Ok(bytes) if governed.get() => view! {
                    <p class="note">"Sent as Traverse writes it (compact, keys sorted): "
                        <code data-testid="stdin-sent">{bytes}</code></p>
                }.into_any(),
                Ok(_) => view! { <p class="note">"Sent byte for byte as written, then end of file."</p> }.into_any(),
                Err(error) => view! {
                    <p class="error" data-testid="stdin-error" role="alert">"stdin is not JSON: " {error}</p>
                }.into_any(),
            }}
            <div class="run-bar">
                <button data-testid="run" class="primary"
                    disabled=move || running.get() || module.with(Option::is_none) || sent.with(Result::is_err)
                        || (!governed.get() && settings.with(|s| parse_env(&s.sandbox_env).is_err()))
                    on:click=move |_| run()>
                    {move || if running.get() { "Running…" } else { "Run" }}
                </button>
                <span class="note">" Ctrl/⌘-Enter · runs: " <span data-testid="run-count">{move || runs.get()}</span></span>
            </div>
            {move || module.with(Option::is_none).then(|| view! {
                <p class="note">"Load a package or a .wasm module to run it."</p>
            })}
            <Settings sandbox_files=sandbox_files />
            <OutcomeView view=view.read_only() />
        </section>
    }
}

/// Mode and limits; sandbox arguments, environment and files when not governed.
#[component]
fn Settings(sandbox_files: RwSignal<Vec<SandboxFile>>) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let settings = playground.settings;
    view! {
        <details class="settings" open>
            <summary>"Settings"</summary>
            <label class="mode">
                <input type="checkbox" data-testid="mode-governed" prop:checked=move || settings.with(|s| s.governed)
                    on:change=move |event| settings.update(|s| s.governed = event_target_checked(&event)) />
                " Governed: as Traverse runs a package. Off: a WASI sandbox, not Traverse."
            </label>
            <label>
                "Fuel budget "
                <input type="number" min="1" data-testid="fuel-budget"
                    prop:value=move || settings.with(|s| s.fuel_budget.to_string())
                    on:change=move |event| match ShareSettings::parse_fuel_budget(&event_target_value(&event)) {
                        Ok(budget) => settings.update(|s| s.fuel_budget = budget),
                        // The budget stays as it was, and the input shows it again.
                        Err(problem) => {
                            playground.notify("Fuel budget", problem);
                            settings.update(|_| {});
                        }
                    } />
                {move || settings.with(|s| s.fuel_budget != FUEL_BUDGET).then_some(" (not Traverse's 5,000,000)")}
            </label>
            <label>
                "Wall-clock backstop (ms) "
                <input type="number" min="1" data-testid="wall-limit"
                    prop:value=move || settings.with(|s| s.wall_time_ms.to_string())
                    on:change=move |event| match ShareSettings::parse_wall_time_ms(&event_target_value(&event)) {
                        Ok(limit) => settings.update(|s| s.wall_time_ms = limit),
                        Err(problem) => {
                            playground.notify("Wall-clock backstop", problem);
                            settings.update(|_| {});
                        }
                    } />
            </label>
            {move || settings.with(|s| !s.governed).then(|| view! { <SandboxSettings files=sandbox_files /> })}
        </details>
    }
}
