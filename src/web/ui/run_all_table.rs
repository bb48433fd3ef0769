//! "Run all": a row per run as it ends, at most [`MAX_DRAWN_ROWS`] drawn, a summary of every
//! end, and Stop; a row opens its run in the outcome view.

use leptos::prelude::*;

use crate::present::{
    run_all::{MAX_DRAWN_ROWS, RunAll},
    run_result::RunResult,
};

#[component]
pub fn RunAllTable(
    run_all: ReadSignal<Option<RunAll>>,
    /// Which Run all this is: rows of an earlier one are never taken for this one's.
    generation: ReadSignal<u32>,
    #[prop(into)] open: Callback<RunResult>,
    #[prop(into)] stop: Callback<()>,
) -> impl IntoView {
    let yes_no =
        |value: Option<bool>, yes: &'static str, no: &'static str| value.map(|v| if v { yes } else { no });
    let drawn = move || {
        let generation = generation.get();
        let count = run_all.with(|all| all.as_ref().map_or(0, |all| all.rows.len().min(MAX_DRAWN_ROWS)));
        (0..count).map(move |index| (generation, index))
    };
    let row = move |(_, index): (u32, usize)| {
        let row = run_all.with_untracked(|all| all.as_ref().and_then(|all| all.rows.get(index).cloned()))?;
        let view = row.result.as_ref().ok();
        let outcome = view.and_then(RunResult::outcome);
        let fuel = outcome.and_then(|o| o.fuel_consumed).map(|fuel| fuel.to_string());
        let time = outcome.map(|o| format!("{:.1}", o.wall_time_ms));
        let line = row.line();
        let output = view.and_then(|v| yes_no(v.output_valid(), "valid", "invalid"));
        let example = view.and_then(|v| yes_no(v.equals_example(), "equal", "differs"));
        let end = row.end();
        let ran = view.cloned();
        let not_run = ran.is_none();
        Some(view! {
            <tr data-testid="run-all-row" data-kind=row.kind.as_str() data-name=row.name.clone() data-end=end>
                <td><button class="link" disabled=not_run
                    on:click=move |_| if let Some(ran) = ran.clone() { open.run(ran) }>
                    {format!("{} {}", row.kind.as_str(), row.name)}</button></td>
                <td>{end}</td>
                <td><code>{line}</code></td>
                <td>{output}</td>
                <td>{example}</td>
                <td>{fuel}</td>
                <td>{time}</td>
            </tr>
        })
    };
    // Memos, so that a row recorded redraws that row and the summary, not the section or Stop.
    let shown = Memo::new(move |_| run_all.with(Option::is_some));
    let going = Memo::new(move |_| run_all.with(|all| all.as_ref().is_some_and(|all| !all.progress.done())));
    move || {
        shown.get().then(|| view! {
            <section class="run-all" aria-label="run all">
                <p class="note">
                    <span data-testid="run-all-summary" data-done=move || (!going.get()).to_string()>
                        {move || run_all.with(|all| all.as_ref().map(|all| all.progress.summary()))}
                    </span>
                    " "
                    <button class="small" data-testid="run-all-stop" title="Stop running the rest (Esc)"
                        hidden=move || !going.get() on:click=move |_| stop.run(())>"Stop"</button>
                </p>
                <table>
                    <thead><tr><th>"input"</th><th>"end"</th><th>"Traverse"</th><th>"output"</th><th>"example"</th><th>"fuel"</th><th>"ms"</th></tr></thead>
                    <tbody>
                        <For each=drawn key=|key| *key children=row />
                    </tbody>
                </table>
            </section>
        })
    }
}
