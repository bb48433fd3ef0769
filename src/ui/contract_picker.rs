//! An optional capability contract: it gives the run its output schema and what the module may
//! emit (`service_type`, `emits`). Without one, nothing may emit and any JSON output passes.

use gloo_file::{Blob, futures::read_as_text};
use leptos::{prelude::*, task::spawn_local};
use web_sys::HtmlInputElement;

use crate::contract::{self, Contract};

/// A contract the user picked, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedContract {
    pub name: String,
    pub contract: Contract,
}

#[component]
pub fn ContractPicker(contract: RwSignal<Option<LoadedContract>>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let on_file = move |event: web_sys::Event| {
        let input: HtmlInputElement = event_target(&event);
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        let name = file.name();
        spawn_local(async move {
            let parsed = read_as_text(&Blob::from(file))
                .await
                .map_err(|error| error.to_string())
                .and_then(|text| contract::parse(&text).map_err(|error| error.to_string()));
            match parsed {
                Ok(parsed) => {
                    error.set(None);
                    contract.set(Some(LoadedContract { name, contract: parsed }));
                }
                // The contract loaded before stays: a failed load loses nothing.
                Err(message) => error.set(Some(format!("{name} is not a capability contract: {message}"))),
            }
        });
    };
    view! {
        <div class="contract">
            <label class="file">
                "Contract (optional): "
                <input type="file" accept=".json,application/json" data-testid="contract-input" on:change=on_file />
            </label>
            <span data-testid="contract-name">
                {move || contract.with(|c| c.as_ref().map(|c| format!("{} ({}@{})", c.name, c.contract.id, c.contract.version)))}
            </span>
            {move || contract.with(|c| c.is_some()).then(|| view! {
                <button class="small" on:click=move |_| contract.set(None)>"remove"</button>
            })}
        </div>
        <p class="error" data-testid="contract-error" role="alert">{move || error.get()}</p>
    }
}
