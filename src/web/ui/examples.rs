//! The gallery: our example packages and compositions (examples/, listed in
//! examples/index.json by scripts/build-fixtures), each loaded with one click in place of what
//! was loaded.

use leptos::{prelude::*, task::spawn_local};

use super::{browser, state::Playground};
use crate::present::gallery::{Example, Gallery, INDEX};

async fn fetch_index() -> Result<Gallery, String> {
    Gallery::parse(&browser::fetch_bytes(INDEX).await?)
}

async fn load(playground: Playground, example: Example) {
    let mut files = Vec::new();
    for file in &example.files {
        match browser::fetch_bytes(&example.url(file)).await {
            Ok(bytes) => files.push((file.clone(), bytes)),
            Err(error) => {
                return playground.notify(format!("example {}", example.name), format!("{file}: {error}"));
            }
        }
    }
    playground.clear();
    playground.add_files(files);
}

#[component]
pub fn Examples() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let index = LocalResource::new(fetch_index);
    view! {
        <div class="examples" role="group" aria-label="examples">
            <span class="note">"Examples:"</span>
            {move || match index.get() {
                None => view! { <span class="note">"…"</span> }.into_any(),
                Some(Err(error)) => view! { <span class="error">{format!("examples unavailable: {error}")}</span> }.into_any(),
                Some(Ok(index)) => index.examples.into_iter().map(|example| {
                    let title = example.summary.clone();
                    let name = example.name.clone();
                    view! {
                        <button class="small" data-testid=format!("example-{name}") title=title
                            on:click=move |_| {
                                let example = example.clone();
                                spawn_local(load(playground, example));
                            }>{name.clone()}</button>
                    }
                }).collect_view().into_any(),
            }}
        </div>
    }
}
