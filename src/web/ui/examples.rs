//! The gallery: our example packages and compositions (examples/, listed in
//! examples/index.json by scripts/build-fixtures), each loaded with one click in place of what
//! was loaded.

use leptos::{prelude::*, task::spawn_local};
use serde::Deserialize;

use super::{browser, state::Playground};

/// Where the build puts the examples, relative to the page.
const EXAMPLES_DIR: &str = "examples";

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Index {
    examples: Vec<Example>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Example {
    name: String,
    summary: String,
    files: Vec<String>,
    /// A composition: its files are relative to the examples folder, not to its own.
    #[serde(default)]
    set: bool,
}

async fn fetch_index() -> Result<Index, String> {
    let bytes = browser::fetch_bytes(&format!("{EXAMPLES_DIR}/index.json")).await?;
    serde_json::from_slice(&bytes).map_err(|error| error.to_string())
}

async fn load(playground: Playground, example: Example) {
    let mut files = Vec::new();
    for file in &example.files {
        let url = if example.set {
            format!("{EXAMPLES_DIR}/{file}")
        } else {
            format!("{EXAMPLES_DIR}/{}/{file}", example.name)
        };
        match browser::fetch_bytes(&url).await {
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
