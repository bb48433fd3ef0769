//! "Run all": one row per request and use case, filled in as each run ends, and a summary of
//! the ends; a row opens its run in the outcome view.

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::outcome_view::RunView;
use crate::run::plan::BatchKind;

/// One run of "run all"; `view` is `None` until it has ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub kind: BatchKind,
    pub name: String,
    pub view: Option<RunView>,
}

#[component]
pub fn RunAllTable(
    rows: ReadSignal<Vec<Row>>,
    done: ReadSignal<bool>,
    #[prop(into)] open: Callback<RunView>,
) -> impl IntoView {
    let summary = move || {
        rows.with(|rows| {
            let mut ends: BTreeMap<&'static str, usize> = BTreeMap::new();
            for view in rows.iter().filter_map(|row| row.view.as_ref()) {
                *ends.entry(view.end().label()).or_default() += 1;
            }
            let ended: usize = ends.values().sum();
            let counts: Vec<String> = ends.iter().map(|(end, count)| format!("{count} {end}")).collect();
            format!("{ended} of {} runs ended: {}", rows.len(), counts.join(", "))
        })
    };
    let yes_no =
        |value: Option<bool>, yes: &'static str, no: &'static str| value.map(|v| if v { yes } else { no });
    move || {
        (!rows.with(Vec::is_empty)).then(|| view! {
            <section class="run-all" aria-label="run all">
                <p class="note" data-testid="run-all-summary" data-done=move || done.get().to_string()>{summary}</p>
                <table>
                    <thead><tr><th>"input"</th><th>"end"</th><th>"Traverse"</th><th>"output"</th><th>"example"</th><th>"fuel"</th><th>"ms"</th></tr></thead>
                    <tbody>
                        {move || rows.get().into_iter().map(|row| {
                            let end = row.view.as_ref().map(|view| view.end().label());
                            let outcome = row.view.as_ref().and_then(RunView::outcome);
                            let fuel = outcome.and_then(|o| o.fuel_consumed).map(|fuel| fuel.to_string());
                            let time = outcome.map(|o| format!("{:.1}", o.wall_time_ms));
                            let line = row.view.as_ref().and_then(RunView::traverse_line);
                            let output = row.view.as_ref().and_then(|v| yes_no(v.output_valid(), "valid", "invalid"));
                            let example = row.view.as_ref().and_then(|v| yes_no(v.equals_example(), "equal", "differs"));
                            let ran = row.view.clone();
                            let pending = ran.is_none();
                            view! {
                                <tr data-testid="run-all-row" data-kind=row.kind.as_str() data-name=row.name.clone()
                                    data-end=end.unwrap_or("") class:pending=pending>
                                    <td><button class="link" disabled=pending
                                        on:click=move |_| if let Some(ran) = ran.clone() { open.run(ran) }>
                                        {format!("{} {}", row.kind.as_str(), row.name)}</button></td>
                                    <td>{end.unwrap_or("…")}</td>
                                    <td><code>{line}</code></td>
                                    <td>{output}</td>
                                    <td>{example}</td>
                                    <td>{fuel}</td>
                                    <td>{time}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })
    }
}
