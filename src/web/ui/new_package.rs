//! Starting a package in the page: the template's first step as a short form, then the
//! authoring guide's steps as a checklist that the live checks tick.

use leptos::prelude::*;

use super::state::Playground;
use crate::{
    check::authoring,
    package::template::{self, NewPackage},
};

/// The form: package id, versions and summary; it writes the manifest, the contract, a first
/// request and the source skeleton into the page, replacing what was loaded.
#[component]
pub fn NewPackageForm() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let id = RwSignal::new(String::new());
    let version = RwSignal::new("0.1.0".to_owned());
    let capability_version = RwSignal::new("1.0.0".to_owned());
    let summary = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let create = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let form = NewPackage {
            id: id.get_untracked().trim().to_owned(),
            version: version.get_untracked().trim().to_owned(),
            capability_version: capability_version.get_untracked().trim().to_owned(),
            summary: summary.get_untracked(),
        };
        match template::files(&form) {
            Ok(files) => {
                problem.set(None);
                playground.start_package(files);
            }
            Err(error) => problem.set(Some(error)),
        }
    };
    let field = |label: &'static str,
                 testid: &'static str,
                 value: RwSignal<String>,
                 placeholder: &'static str| {
        view! {
            <label>{label}" "
                <input type="text" data-testid=testid placeholder=placeholder prop:value=move || value.get()
                    on:input=move |event| value.set(event_target_value(&event)) />
            </label>
        }
    };
    view! {
        <details class="new-package" data-testid="new-package">
            <summary>"Start a package"</summary>
            <form on:submit=create>
                {field("Id (namespace.name)", "new-id", id, "acme.orders.order-total")}
                {field("Package version", "new-version", version, "0.1.0")}
                {field("Capability version", "new-capability-version", capability_version, "1.0.0")}
                {field("Summary", "new-summary", summary, "What the package does, in one sentence.")}
                <button type="submit" data-testid="new-package-create">"Create"</button>
                {move || problem.get().map(|problem| view! { <p class="error" role="alert" data-testid="new-package-problem">{problem}</p> })}
                <p class="note">"Replaces what is loaded with the template's files. Write the contract and the logic, download the package and build it where you have Rust (./build.sh, or cargo build --release --target wasm32-wasip1), then add the module here: its digest is pinned."</p>
            </form>
        </details>
    }
}

/// The authoring guide's steps, ticked from the checks, for a package started here or one that
/// still carries the template's placeholders.
#[component]
pub fn Checklist() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let steps = Memo::new(move |_| {
        playground.checked.with(|checked| {
            let report = &checked.as_ref()?.report;
            let from_template = report.diagnostics().any(|d| d.code == "manifest.template_placeholder");
            (playground.started() || from_template)
                .then(|| playground.files().with(|files| authoring::checklist(report, files)))
        })
    });
    move || {
        steps.get().map(|steps| view! {
            <section class="checklist" aria-label="authoring steps">
                <h3>"Authoring steps"</h3>
                <ol data-testid="checklist">
                    {steps.into_iter().map(|step| view! {
                        <li data-testid="checklist-step" data-done=step.done.to_string() class:done=step.done>
                            {if step.done { "✓ " } else { "○ " }}{step.label}
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        })
    }
}
