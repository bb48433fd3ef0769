//! Choosing the module to run: a bundled fixture or a file from disk.

use gloo_file::{Blob, futures::read_as_bytes};
use leptos::{prelude::*, task::spawn_local};
use web_sys::HtmlInputElement;

use crate::digest;

/// Fixture guests built by scripts/build-fixtures and served under `fixtures/`.
const FIXTURES: &[(&str, &str)] = &[
    ("hello", "Reads {\"name\": …} and writes a greeting"),
    ("runaway", "Loops forever: the time limit stops it"),
];

/// A module the user picked, with its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedModule {
    pub name: String,
    pub bytes: Vec<u8>,
}

#[component]
pub fn ModulePicker(module: RwSignal<Option<LoadedModule>>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let load = move |name: String, bytes: Result<Vec<u8>, String>| match bytes {
        Ok(bytes) => {
            error.set(None);
            module.set(Some(LoadedModule { name, bytes }));
        }
        // The module loaded before stays selected: a failed load loses nothing.
        Err(message) => error.set(Some(format!("{name}: {message}"))),
    };

    let on_file = move |event: web_sys::Event| {
        let input: HtmlInputElement = event_target(&event);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        let name = file.name();
        spawn_local(async move {
            let bytes = read_as_bytes(&Blob::from(file)).await.map_err(|error| error.to_string());
            load(name, bytes);
        });
    };

    view! {
        <div class="fixtures">
            {FIXTURES
                .iter()
                .map(|&(name, about)| {
                    view! {
                        <button
                            data-testid=format!("fixture-{name}")
                            title=about
                            on:click=move |_| {
                                spawn_local(async move { load(format!("{name}.wasm"), fetch_fixture(name).await) })
                            }
                        >
                            {format!("{name}.wasm")}
                        </button>
                    }
                })
                .collect_view()}
            <label class="file">
                "or a .wasm file: "
                <input type="file" accept=".wasm,application/wasm" data-testid="file-input" on:change=on_file />
            </label>
        </div>
        <p class="error" data-testid="load-error" role="alert">{move || error.get()}</p>
        {move || {
            module
                .with(|loaded| {
                    loaded.as_ref().map(|loaded| {
                        view! {
                            <dl class="module">
                                <dt>"name"</dt>
                                <dd data-testid="module-name">{loaded.name.clone()}</dd>
                                <dt>"size"</dt>
                                <dd>{format!("{} bytes", loaded.bytes.len())}</dd>
                                <dt>"fnv1a64"</dt>
                                <dd data-testid="digest-computed"><code>{digest::fnv1a64(&loaded.bytes)}</code></dd>
                                <dt>"sha256"</dt>
                                <dd><code>{digest::sha256(&loaded.bytes)}</code></dd>
                            </dl>
                        }
                    })
                })
        }}
    }
}

async fn fetch_fixture(name: &str) -> Result<Vec<u8>, String> {
    let response = gloo_net::http::Request::get(&format!("fixtures/{name}.wasm"))
        .send()
        .await
        .map_err(|error| error.to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {} {}", response.status(), response.status_text()));
    }
    response.binary().await.map_err(|error| error.to_string())
}
