//! The project's documents inside the app: a list, and the chosen one fetched from beside the
//! page when it is opened.

use leptos::prelude::*;

use super::browser;
use crate::present::docs::{self, DOCS};

#[component]
pub fn DocsView(route: RwSignal<String>) -> impl IntoView {
    let path = Memo::new(move |_| docs::find(route.get().trim_start_matches('#')).path);
    let fetched = LocalResource::new(move || {
        let path = path.get();
        async move {
            let markdown = browser::fetch_bytes(path)
                .await
                .and_then(|bytes| String::from_utf8(bytes).map_err(|error| error.to_string()));
            (path, markdown)
        }
    });
    view! {
        <main class="docs">
            <nav aria-label="documents">
                <ul>
                    {DOCS.iter().map(|d| view! {
                        <li><a href=format!("#{}{}", docs::ROUTE_PREFIX, d.path)
                            class:current=move || path.get() == d.path>{d.title}</a></li>
                    }).collect_view()}
                </ul>
            </nav>
            // Only the document the route names: another still arriving is not shown in its place.
            {move || match fetched.get() {
                // Our own Markdown, from the page's own server: trusted HTML.
                Some((fetched, Ok(markdown))) if fetched == path.get() => view! {
                    <article class="markdown" data-testid="doc" inner_html=docs::render(fetched, &markdown)></article>
                }.into_any(),
                Some((fetched, Err(error))) if fetched == path.get() => view! {
                    <p class="error" data-testid="doc-error" role="alert">{format!("{fetched} could not be fetched: {error}")}</p>
                }.into_any(),
                _ => view! { <p class="note">"Loading…"</p> }.into_any(),
            }}
        </main>
    }
}
