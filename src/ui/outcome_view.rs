//! What a run produced: end reason, time, stdout and stderr.

use leptos::prelude::*;

use crate::runner::protocol::RunOutcome;

#[component]
pub fn OutcomeView(outcome: ReadSignal<Option<RunOutcome>>) -> impl IntoView {
    let text = move |pick: fn(&RunOutcome) -> &[u8]| {
        move || {
            outcome.with(|o| {
                o.as_ref().map(|o| String::from_utf8_lossy(pick(o)).into_owned()).unwrap_or_default()
            })
        }
    };
    view! {
        <section class="pane outcome">
            <h2>"Outcome"</h2>
            <dl>
                <dt>"end"</dt>
                <dd data-testid="end-reason">{move || outcome.with(|o| o.as_ref().map(|o| o.end.label()))}</dd>
                <dt>"detail"</dt>
                <dd data-testid="end-detail">{move || outcome.with(|o| o.as_ref().map(|o| o.end.detail()))}</dd>
                <dt>"time"</dt>
                <dd data-testid="wall-time">
                    {move || outcome.with(|o| o.as_ref().map(|o| format!("{:.1} ms", o.wall_time_ms)))}
                </dd>
            </dl>
            <h3>"stdout"</h3>
            <pre data-testid="stdout">{text(|o| &o.stdout)}</pre>
            <h3>"stderr"</h3>
            <pre data-testid="stderr">{text(|o| &o.stderr)}</pre>
        </section>
    }
}
