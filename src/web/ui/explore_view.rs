//! Explore in the page: the core's [`Explorer`] driven with the runner worker, run after run, as
//! the command line drives it natively; the same seed gives the same inputs and findings. Stop
//! ends it at once; the page answers throughout (each run is a message to the worker).

use std::{cell::Cell, rc::Rc};

use leptos::{prelude::*, task::spawn_local};

use super::state::{Playground, SharedRunner};
use crate::{
    check::Verdict,
    explore::{self, Explorer, Finding},
    present::number::{counted, grouped},
    run::settings::Settings,
};

/// How often the summary is redrawn while exploring, in runs.
const REDRAW_EVERY: usize = 25;

/// One exploration as the page shows it.
#[derive(Debug, Clone, Default, PartialEq)]
struct Exploration {
    seed: u64,
    inputs: usize,
    runs: usize,
    findings: Vec<Finding>,
    running: bool,
    done: bool,
    /// Why it could not start: the schema at fault, named by its path.
    note: Option<String>,
}

#[component]
pub fn ExploreView() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let runner = expect_context::<SharedRunner>();
    let seed = RwSignal::new("1".to_owned());
    let budget = RwSignal::new(explore::DEFAULT_RUNS.to_string());
    let exploration = RwSignal::new(Exploration::default());
    let stop = StoredValue::new_local(Rc::new(Cell::new(false)));
    // Explore needs what Run needs: a package Traverse loads, with its contract and module.
    let ready = Memo::new(move |_| {
        playground.checked.with(|checked| {
            checked.as_ref().is_some_and(|checked| {
                checked.report.contract.is_some() && checked.report.load_verdict() == Verdict::Passes
            })
        }) && playground.module.with(Option::is_some)
    });

    let start = move |_| {
        let Some((contract, module)) = playground.checked.with_untracked(|checked| {
            let report = &checked.as_ref()?.report;
            let module = playground.module.get_untracked()?;
            let bytes = playground.files().with_untracked(|files| files.get(&module).map(<[u8]>::to_vec))?;
            Some((report.contract.clone()?, bytes))
        }) else {
            return;
        };
        let seed = seed.get_untracked().trim().parse::<u64>().unwrap_or(1);
        let inputs =
            budget.get_untracked().trim().parse::<usize>().unwrap_or(explore::DEFAULT_RUNS).clamp(1, 100_000);
        let settings: Settings = playground.settings().get_untracked();
        let mut explorer =
            match Explorer::new(&contract.inputs.schema, explore::seeds(&contract), seed, inputs) {
                Ok(explorer) => explorer,
                Err(unsupported) => {
                    exploration.set(Exploration {
                        seed,
                        note: Some(format!("Explore cannot generate from {unsupported}")),
                        done: true,
                        ..Exploration::default()
                    });
                    return;
                }
            };
        let stopped = Rc::new(Cell::new(false));
        stop.set_value(stopped.clone());
        exploration.set(Exploration { seed, inputs, running: true, ..Exploration::default() });
        let runner = runner.get_value();
        spawn_local(async move {
            while let Some(input) = explorer.next_input() {
                if stopped.get() {
                    break;
                }
                let outcome = runner.run(explore::request_for(&contract, &module, &input, &settings)).await;
                explorer.observe(&input, explore::judge(&outcome, &contract));
                if explorer.runs() % REDRAW_EVERY == 0 {
                    let (runs, findings) = (explorer.runs(), explorer.findings().to_vec());
                    exploration.update(|shown| {
                        shown.runs = runs;
                        shown.findings = findings;
                    });
                }
            }
            exploration.update(|shown| {
                shown.runs = explorer.runs();
                shown.findings = explorer.findings().to_vec();
                shown.running = false;
                shown.done = true;
            });
        });
    };
    let save = move |finding: Finding| {
        let saved = playground.checked.with_untracked(|checked| {
            let report = &checked.as_ref()?.report;
            let manifest = report.manifest_path.as_deref()?;
            let taken = |path: &str| playground.files().with_untracked(|files| files.get(path).is_some());
            Some(explore::request_file(report.contract.as_ref()?, manifest, &finding, taken))
        });
        if let Some((path, text)) = saved {
            playground.add_files(vec![(path, text.into_bytes())]);
        }
    };

    view! {
        <section class="explore" aria-labelledby="explore-heading">
            <h3 id="explore-heading">"Explore"</h3>
            <p class="note">"Inputs generated from the contract's input schema, each run governed as Run runs it; every way one makes Traverse fail, shrunk to a smallest input. Also on the command line: traverse-playground explore."</p>
            <div class="explore-bar">
                <label>"Seed " <input type="number" min="0" data-testid="explore-seed" prop:value=move || seed.get()
                    on:input=move |event| seed.set(event_target_value(&event)) /></label>
                <label>"Inputs " <input type="number" min="1" data-testid="explore-runs" prop:value=move || budget.get()
                    on:input=move |event| budget.set(event_target_value(&event)) /></label>
                {move || if exploration.with(|e| e.running) {
                    view! { <button data-testid="explore-stop" on:click=move |_| stop.with_value(|stop| stop.set(true))>"Stop"</button> }.into_any()
                } else {
                    view! { <button data-testid="explore" disabled=move || !ready.get() on:click=start>"Explore"</button> }.into_any()
                }}
            </div>
            {move || exploration.with(|e| e.note.clone()).map(|note| view! { <p class="error" role="alert" data-testid="explore-note">{note}</p> })}
            {move || exploration.with(|e| (e.running || e.done) && e.note.is_none()).then(|| exploration.with(|e| view! {
                <p data-testid="explore-summary" role="status" data-done=e.done.to_string() data-runs=e.runs.to_string()
                    data-findings=e.findings.len().to_string() data-seed=e.seed.to_string()>
                    {format!("{} {} inputs from seed {}, {} runs with shrinking: {}",
                        if e.done { "Explored" } else { "Exploring" }, grouped(e.inputs as u64), e.seed,
                        grouped(e.runs as u64), counted(e.findings.len(), "finding"))}
                </p>
            }))}
            <ul class="explore-findings">
                {move || exploration.with(|e| e.findings.clone()).into_iter().map(|finding| {
                    let kind = finding.kind.as_str();
                    let saved = finding.clone();
                    view! {
                        <li data-testid="explore-finding" data-kind=kind>
                            <strong>{kind}</strong>
                            <dl>
                                <dt>"input"</dt><dd><code data-testid="explore-input">{finding.input.to_string()}</code></dd>
                                <dt>"found with"</dt><dd><code>{finding.found_with.to_string()}</code></dd>
                                <dt>"Traverse"</dt><dd data-testid="explore-line">{finding.traverse_line.clone()}</dd>
                                <dt>"problem"</dt><dd data-testid="explore-problem">{finding.problem.clone()}</dd>
                            </dl>
                            <button class="small" data-testid="explore-save" on:click=move |_| save(saved.clone())>"Save as request"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
