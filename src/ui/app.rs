//! The foundation page: pick a module, edit stdin, run it, see what it did.

use std::rc::Rc;

use leptos::{prelude::*, task::spawn_local};

use super::{
    module_picker::{LoadedModule, ModulePicker},
    outcome_view::OutcomeView,
};
use crate::runner::{
    client::Runner,
    protocol::{Limits, RunOutcome, RunRequest},
};

const INITIAL_STDIN: &str = r#"{"name":"Traverse"}"#;

#[component]
pub fn App() -> impl IntoView {
    let runner = StoredValue::new_local(Rc::new(Runner::new()));
    let module = RwSignal::new(None::<LoadedModule>);
    let stdin = RwSignal::new(INITIAL_STDIN.to_owned());
    let outcome = RwSignal::new(None::<RunOutcome>);
    let running = RwSignal::new(false);
    let runs = RwSignal::new(0u32);

    let run = move || {
        let Some(loaded) = module.get_untracked() else {
            return;
        };
        let request = RunRequest {
            module: loaded.bytes,
            stdin: stdin.get_untracked().into_bytes(),
            limits: Limits::default(),
        };
        let runner = runner.get_value();
        running.set(true);
        outcome.set(None);
        spawn_local(async move {
            let result = runner.run(&request).await;
            outcome.set(Some(result));
            running.set(false);
            runs.update(|count| *count += 1);
        });
    };

    view! {
        <header>
            <h1>"Traverse Playground"</h1>
            <p class="note">
                "Foundation build: runs a WASI module in a Web Worker with wasmer-wasix, stdin in, "
                "stdout and stderr out. Traverse's package checks, governed linking and fuel are "
                "not applied yet, so a run here is not a Traverse verdict."
            </p>
        </header>
        <main>
            <section class="pane">
                <h2>"Module"</h2>
                <ModulePicker module=module />
            </section>
            <section class="pane">
                <h2><label for="stdin">"stdin"</label></h2>
                <textarea
                    id="stdin"
                    data-testid="stdin"
                    rows="6"
                    spellcheck="false"
                    prop:value=move || stdin.get()
                    on:input=move |event| stdin.set(event_target_value(&event))
                ></textarea>
                <p class="note">"Sent byte for byte as written, followed by end of file."</p>
                <button
                    data-testid="run"
                    disabled=move || running.get() || module.with(Option::is_none)
                    on:click=move |_| run()
                >
                    {move || if running.get() { "Running…" } else { "Run" }}
                </button>
                <span class="note">
                    " Wall-clock limit " {Limits::default().wall_time_ms} " ms. Runs: "
                    <span data-testid="run-count">{move || runs.get()}</span>
                </span>
            </section>
            <OutcomeView outcome=outcome.read_only() />
        </main>
    }
}
