//! The gallery: our example packages and compositions (examples/, listed in
//! examples/index.json by scripts/build-fixtures and built into the page), each loaded with one
//! click in place of what was loaded.

use leptos::{prelude::*, task::spawn_local};

use super::{browser, state::Playground};
use crate::{
    package::PackageFiles,
    present::gallery::{Example, Gallery},
};

/// An example's files as this build ships them, asked for all at once: one after another, a
/// network's round trip each, they took longer than the page's own wasm on 4G.
async fn fetch_files(example: &Example) -> Result<PackageFiles, String> {
    let fetches = example.files.iter().map(|file| async move {
        let bytes =
            browser::fetch_bytes(&example.url(file)).await.map_err(|error| format!("{file}: {error}"))?;
        Ok::<_, String>((file, bytes))
    });
    let mut files = PackageFiles::new();
    for (file, bytes) in futures::future::try_join_all(fetches).await? {
        files.insert(file, bytes);
    }
    Ok(files)
}

/// The example of this name as this build ships it, for a link or a saved state that builds
/// on it.
pub async fn fetch_named(name: &str) -> Result<PackageFiles, String> {
    let index = Gallery::shipped().map_err(|error| format!("the examples' index: {error}"))?;
    let example = index
        .examples
        .into_iter()
        .find(|example| example.name == name)
        .ok_or_else(|| "this playground does not ship it".to_owned())?;
    fetch_files(&example).await
}

async fn load(playground: Playground, example: Example) {
    match fetch_files(&example).await {
        Ok(shipped) => playground.load_example(&example.name, shipped),
        Err(error) => playground.notify(format!("example {}", example.name), error),
    }
}

#[component]
pub fn Examples() -> impl IntoView {
    let playground = expect_context::<Playground>();
    view! {
        <div class="examples" role="group" aria-label="examples">
            <span class="note">"Examples:"</span>
            {match Gallery::shipped() {
                Err(error) => view! { <span class="error">{format!("examples unavailable: {error}")}</span> }.into_any(),
                Ok(index) => index.examples.into_iter().map(|example| {
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
