//! The page: pick a module (and optionally its contract), write its input, run it governed as
//! Traverse runs it or in the WASI sandbox, and see what it did and what Traverse makes of it.

use std::rc::Rc;

use leptos::{prelude::*, task::spawn_local};

use super::{
    contract_picker::{ContractPicker, LoadedContract},
    module_picker::{LoadedModule, ModulePicker},
    outcome_view::{OutcomeView, RunView},
    sandbox_settings::SandboxSettings,
};
use crate::{
    check, execution,
    limits::FUEL_BUDGET,
    request,
    runner::{
        client::Runner,
        protocol::{Limits, Mode, RunRequest, SandboxFile, parse_env},
    },
};

const INITIAL_STDIN: &str = r#"{"name": "Traverse"}"#;
/// The request id of runs made from the page, for the ids in Traverse's result.
const PLAYGROUND_REQUEST_ID: &str = "playground";

/// The exact bytes Traverse would write for the JSON in `text`.
fn governed_stdin(text: &str) -> Result<String, String> {
    serde_json::from_str(text).map(|input| request::stdin_bytes(&input)).map_err(|error| error.to_string())
}

#[component]
pub fn App() -> impl IntoView {
    let runner = StoredValue::new_local(Rc::new(Runner::new()));
    let module = RwSignal::new(None::<LoadedModule>);
    let contract = RwSignal::new(None::<LoadedContract>);
    let governed = RwSignal::new(true);
    let stdin = RwSignal::new(INITIAL_STDIN.to_owned());
    let fuel_budget = RwSignal::new(FUEL_BUDGET);
    let wall_limit_ms = RwSignal::new(Limits::default().wall_time_ms);
    let sandbox_args = RwSignal::new(String::new());
    let sandbox_env = RwSignal::new(String::new());
    let sandbox_files = RwSignal::new(Vec::<SandboxFile>::new());
    let view = RwSignal::new(None::<RunView>);
    let running = RwSignal::new(false);
    let runs = RwSignal::new(0u32);

    let sent =
        Memo::new(move |_| if governed.get() { governed_stdin(&stdin.get()) } else { Ok(stdin.get()) });
    let finish = move |result: RunView| {
        view.set(Some(result));
        running.set(false);
        runs.update(|count| *count += 1);
    };

    let run = move || {
        let (Some(loaded), Ok(stdin_bytes)) = (module.get_untracked(), sent.get_untracked()) else { return };
        let contract = contract.get_untracked().map(|loaded| loaded.contract);
        let is_governed = governed.get_untracked();
        running.set(true);
        view.set(None);
        if is_governed {
            // Traverse refuses such modules before running them; so does the playground.
            let (problems, _) = check::check_module(&loaded.name, &loaded.bytes);
            let refusals: Vec<_> = problems.into_iter().filter(|d| d.traverse.is_some()).collect();
            if !refusals.is_empty() {
                return finish(RunView::Refused { problems: refusals });
            }
        }
        let mode = if is_governed {
            Mode::Governed { events: execution::event_policy(contract.as_ref()) }
        } else {
            Mode::Sandbox {
                args: sandbox_args.get_untracked().split_whitespace().map(str::to_owned).collect(),
                env: parse_env(&sandbox_env.get_untracked()).unwrap_or_default(),
                files: sandbox_files.get_untracked(),
            }
        };
        let limits =
            Limits { fuel_budget: fuel_budget.get_untracked(), wall_time_ms: wall_limit_ms.get_untracked() };
        let request = RunRequest { module: loaded.bytes, stdin: stdin_bytes.into_bytes(), mode, limits };
        let runner = runner.get_value();
        spawn_local(async move {
            let outcome = runner.run(&request).await;
            let account =
                is_governed.then(|| execution::account(&outcome, contract.as_ref(), PLAYGROUND_REQUEST_ID));
            finish(RunView::Ran { outcome, account });
        });
    };

    view! {
        <header>
            <h1>"Traverse Playground"</h1>
            <p class="note">
                "Runs a WebAssembly module in a Web Worker, entirely in this page. Governed mode links only "
                "what Traverse links, meters fuel and limits memory as Traverse does, and reports what "
                "Traverse would. The package checks are on the command line for now."
            </p>
        </header>
        <main>
            <section class="pane">
                <h2>"Module"</h2>
                <ModulePicker module=module />
                <ContractPicker contract=contract />
            </section>
            <section class="pane">
                <h2><label for="stdin">"Input"</label></h2>
                <label class="mode">
                    <input type="checkbox" data-testid="mode-governed" prop:checked=move || governed.get()
                        on:change=move |event| governed.set(event_target_checked(&event)) />
                    " Governed (as Traverse runs a package). Off: WASI sandbox, not Traverse."
                </label>
                {move || (!governed.get()).then(|| view! {
                    <SandboxSettings args=sandbox_args env=sandbox_env files=sandbox_files />
                })}
                <textarea
                    id="stdin"
                    data-testid="stdin"
                    rows="6"
                    spellcheck="false"
                    prop:value=move || stdin.get()
                    on:input=move |event| stdin.set(event_target_value(&event))
                ></textarea>
                {move || match sent.get() {
                    Ok(bytes) if governed.get() => view! {
                        <p class="note">"Sent on stdin as Traverse writes it (compact, keys sorted): "
                            <code data-testid="stdin-sent">{bytes}</code></p>
                    }.into_any(),
                    Ok(_) => view! { <p class="note">"Sent byte for byte as written, then end of file."</p> }.into_any(),
                    Err(error) => view! {
                        <p class="error" data-testid="stdin-error" role="alert">"The input is not JSON: " {error}</p>
                    }.into_any(),
                }}
                <button
                    data-testid="run"
                    disabled=move || {
                        running.get()
                            || module.with(Option::is_none)
                            || sent.with(Result::is_err)
                            || (!governed.get() && sandbox_env.with(|text| parse_env(text).is_err()))
                    }
                    on:click=move |_| run()
                >
                    {move || if running.get() { "Running…" } else { "Run" }}
                </button>
                <label class="note">
                    " Fuel budget "
                    <input type="number" min="1" data-testid="fuel-budget" prop:value=move || fuel_budget.get().to_string()
                        on:change=move |event| {
                            // A value that is not a positive whole number leaves the budget as it was.
                            if let Ok(budget @ 1..) = event_target_value(&event).trim().parse::<u64>() {
                                fuel_budget.set(budget);
                            }
                        } />
                    {move || (fuel_budget.get() != FUEL_BUDGET).then_some(" (not Traverse's 5,000,000)")}
                </label>
                <label class="note">
                    " Wall-clock backstop (ms) "
                    <input type="number" min="1" data-testid="wall-limit" prop:value=move || wall_limit_ms.get().to_string()
                        on:change=move |event| {
                            if let Ok(limit @ 1..) = event_target_value(&event).trim().parse::<u32>() {
                                wall_limit_ms.set(limit);
                            }
                        } />
                </label>
                <span class="note">
                    " Runs: "
                    <span data-testid="run-count">{move || runs.get()}</span>
                </span>
            </section>
            <OutcomeView view=view.read_only() />
        </main>
    }
}
