//! The project's documents inside the app: a list, and the chosen one fetched from beside the
//! page and rendered in the Docs' worker (`web::reader`) when it is opened.

use leptos::prelude::*;

use super::browser;
use crate::{
    present::docs::{self, DOCS},
    web::reader,
};

#[component]
pub fn DocsView(route: RwSignal<String>) -> impl IntoView {
    let path = Memo::new(move |_| docs::find(route.get().trim_start_matches('#')).path);
    let shown = LocalResource::new(move || {
        let path = path.get();
        async move {
            let html = match browser::fetch_bytes(path)
                .await
                .and_then(|bytes| String::from_utf8(bytes).map_err(|error| error.to_string()))
            {
                Ok(markdown) => reader::render(path, markdown)
                    .await
                    .map_err(|error| format!("{path} could not be rendered: {error}")),
                Err(error) => Err(format!("{path} could not be fetched: {error}")),
            };
            (path, html)
        }
    });
    // A route to an entry (a diagnostic code's) scrolls to the row that lists it and marks it.
    let article = NodeRef::<leptos::html::Article>::new();
    Effect::new(move |_| {
        let (Some(article), Some(anchor)) =
            (article.get(), route.with(|route| docs::anchor(route).map(str::to_owned)))
        else {
            return;
        };
        browser::mark_entry(&article, &anchor);
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
            {move || match shown.get() {
                // Our own Markdown, from the page's own server: trusted HTML.
                Some((shown, Ok(html))) if shown == path.get() => view! {
                    <article class="markdown" data-testid="doc" inner_html=html node_ref=article></article>
                }.into_any(),
                Some((shown, Err(error))) if shown == path.get() => view! {
                    <p class="error" data-testid="doc-error" role="alert">{error}</p>
                }.into_any(),
                _ => view! { <p class="note">"Loading…"</p> }.into_any(),
            }}
        </main>
    }
}
