//! What a run produced, and, in governed mode, Traverse's account of it: the detailed cause
//! and the collapsed line Traverse itself prints.

use leptos::prelude::*;

use crate::{
    diagnostic::Diagnostic,
    execution::{Account, Execution},
    runner::protocol::RunOutcome,
};

/// The result of pressing Run.
#[derive(Debug, Clone, PartialEq)]
pub enum RunView {
    /// Governed mode refused the module before running it, as Traverse's executor would.
    Refused { problems: Vec<Diagnostic> },
    /// The module ran; `account` is Traverse's view of it (governed mode only).
    Ran { outcome: RunOutcome, account: Option<Account> },
}

#[component]
pub fn OutcomeView(view: ReadSignal<Option<RunView>>) -> impl IntoView {
    let outcome = move || match view.get() {
        Some(RunView::Ran { outcome, .. }) => Some(outcome),
        _ => None,
    };
    let account = move || match view.get() {
        Some(RunView::Ran { account, .. }) => account,
        _ => None,
    };
    let text = move |pick: fn(&RunOutcome) -> &[u8]| {
        move || outcome().map(|o| String::from_utf8_lossy(pick(&o)).into_owned()).unwrap_or_default()
    };
    let end_reason = move || match view.get() {
        Some(RunView::Refused { .. }) => "refused".to_owned(),
        Some(RunView::Ran { outcome, .. }) => outcome.end.label().to_owned(),
        None => String::new(),
    };
    let end_detail = move || match view.get() {
        Some(RunView::Refused { problems }) => {
            problems.first().map(|p| p.message.clone()).unwrap_or_default()
        }
        Some(RunView::Ran { outcome, .. }) => outcome.end.detail(),
        None => String::new(),
    };
    let traverse_line = move || match view.get() {
        Some(RunView::Refused { problems }) => {
            problems.first().and_then(|p| p.traverse.clone()).map(|stop| stop.message)
        }
        _ => account().and_then(|account| account.traverse_line),
    };
    let cause = move || {
        account().and_then(|account| match account.execution {
            Execution::ExecutorFailed { error } => Some(error.to_string()),
            Execution::OutputInvalid { violations, .. } => Some(
                violations
                    .iter()
                    .map(|v| format!("{}: {}", v.path, v.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            _ => None,
        })
    };
    let pretty = |value: Option<serde_json::Value>| {
        value.map(|value| serde_json::to_string_pretty(&value).unwrap_or_default()).unwrap_or_default()
    };

    view! {
        <section class="pane outcome">
            <h2>"Outcome"</h2>
            <dl>
                <dt>"end"</dt>
                <dd data-testid="end-reason">{end_reason}</dd>
                <dt>"detail"</dt>
                <dd data-testid="end-detail">{end_detail}</dd>
                <dt>"time"</dt>
                <dd data-testid="wall-time">{move || outcome().map(|o| format!("{:.1} ms", o.wall_time_ms))}</dd>
                <dt>"fuel"</dt>
                <dd data-testid="fuel">{move || outcome().and_then(|o| o.fuel_consumed)}</dd>
                <dt>"traverse"</dt>
                <dd><code data-testid="verdict">{traverse_line}</code></dd>
                <dt>"cause"</dt>
                <dd data-testid="executor-error">{cause}</dd>
            </dl>
            {move || view.get().and_then(|v| match v {
                RunView::Refused { problems } => Some(view! {
                    <ul class="problems" data-testid="refused">
                        {problems.into_iter().map(|p| view! { <li data-testid="diagnostic">
                            <code>{p.code}</code>" "{p.location.to_string()}": "{p.message}</li> }).collect_view()}
                    </ul>
                }),
                _ => None,
            })}
            <h3>"stdout"</h3>
            <pre data-testid="stdout">{text(|o| &o.stdout)}</pre>
            {move || outcome().filter(|o| o.stdout_dropped > 0).map(|o| view! {
                <p class="note" data-testid="stdout-dropped">
                    {format!("{} more bytes were dropped: Traverse keeps the first 65,536 bytes of stdout.", o.stdout_dropped)}
                </p>
            })}
            <h3>"stderr"</h3>
            <pre data-testid="stderr">{text(|o| &o.stderr)}</pre>
            {move || account().map(|_| view! { <p class="note">"Traverse discards stderr; it is shown here for you."</p> })}
            {move || outcome().filter(|o| !o.files.is_empty()).map(|o| view! {
                <h3>"files after the run"</h3>
                <ul data-testid="sandbox-files-after">
                    {o.files.into_iter().map(|file| view! {
                        <li data-testid="sandbox-file">
                            <code>{file.path}</code>{format!(" ({} bytes)", file.bytes.len())}
                            <pre>{String::from_utf8_lossy(&file.bytes).into_owned()}</pre>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            <h3>"events"</h3>
            <pre data-testid="events">{move || outcome().map(|o| o.events.iter()
                .map(|e| format!("{}@{} {}", e.event_id, e.version, e.data)).collect::<Vec<_>>().join("\n"))}</pre>
            {move || account().map(|account| view! {
                <details>
                    <summary>"runtime_result"</summary>
                    <pre data-testid="runtime-result">{pretty(account.runtime_result)}</pre>
                </details>
                <details>
                    <summary>"trace (deterministic parts)"</summary>
                    <pre>{pretty(account.trace)}</pre>
                </details>
            })}
        </section>
    }
}
