//! The compact view of an embed (`?embed` in the query): what the package is, Traverse's
//! verdict, the input, Run and the outcome, and "Open in playground" with the same state. It
//! keeps nothing in the browser: the full page's saved work is never written over.

use leptos::prelude::*;

use super::{browser, run_pane::RunPane, state::Playground};
use crate::{
    package::workspace,
    present::{
        embed,
        share_link::{self, FRAGMENT_KEY},
    },
};

#[component]
pub fn EmbedView() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let name = move || {
        let manifest = playground.manifest.get()?;
        playground.set.with(|(items, _)| workspace::id_of(items, &manifest).map(str::to_owned))
    };
    let line = move || {
        playground.checked.with(|checked| {
            checked
                .as_ref()
                .map(|checked| format!("traverse inspect: {}", checked.report.load_verdict().line()))
        })
    };
    let open = move |_| {
        // Everything the embed holds goes on to the full page, sources included.
        let state = playground.link_state(true).state;
        let fragment = format!("{FRAGMENT_KEY}{}", share_link::encode_link(&state));
        browser::open_in_new_tab(&embed::full_page_url(&browser::base_url(), &fragment));
    };
    view! {
        <div class="embed" data-testid="embed-view">
            <header class="embed-head">
                <strong data-testid="embed-package">{name}</strong>
                <code class="traverse-line" data-testid="verdict-line">{line}</code>
                // Not before the link's files are restored (an example's are fetched first): the
                // full page would open empty.
                <button class="link small" data-testid="embed-open" on:click=open
                    disabled=move || playground.files().with(|files| files.paths().next().is_none())>
                    "Open in playground ↗"
                </button>
            </header>
            <RunPane />
        </div>
    }
}
