//! The project's documents inside the app (offline): a list and the chosen one.

use leptos::prelude::*;

use crate::present::docs::{self, DOCS};

#[component]
pub fn DocsView(route: RwSignal<String>) -> impl IntoView {
    let doc = move || docs::find(route.get().trim_start_matches('#'));
    view! {
        <main class="docs">
            <nav aria-label="documents">
                <ul>
                    {DOCS.iter().map(|d| view! {
                        <li><a href=format!("#{}{}", docs::ROUTE_PREFIX, d.path)
                            class:current=move || doc().path == d.path>{d.title}</a></li>
                    }).collect_view()}
                </ul>
            </nav>
            // Our own Markdown, compiled in: trusted HTML.
            <article class="markdown" data-testid="doc" inner_html=move || docs::render(doc())></article>
        </main>
    }
}
