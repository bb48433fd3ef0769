//! The checks of a focused registry bundle, application bundle or workflow: Traverse's verdict
//! with the lines its CLI prints, every problem (its place opens the file), and for an
//! application its evidence JSON, what registration adds and where Traverse's browser embedder
//! would decide differently.

use leptos::prelude::*;

use super::checks_pane::Diagnostics;
use crate::check::{Verdict, app_bundle::AppReport, registry_bundle::BundleReport, set::Focus};

#[component]
pub fn FocusView(focus: Focus) -> impl IntoView {
    let diagnostics = focus.diagnostics();
    let body = match focus {
        Focus::RegistryBundle(report) => view! { <BundleVerdict report=report /> }.into_any(),
        Focus::Application(report) => view! { <AppVerdict report=report /> }.into_any(),
        Focus::Workflow { path, diagnostics } => {
            let passes = diagnostics.is_empty();
            let line = match diagnostics.first() {
                None => "registers".to_owned(),
                Some(first) => format!("{} error(s); the first: {}", diagnostics.len(), first.message),
            };
            view! {
                <VerdictBox passes=passes head=format!("Workflow registration of {path}")
                    command="WorkflowRegistry::register, against every contract loaded" line=line />
            }
            .into_any()
        }
        // A package's checks are the checks pane's own.
        Focus::Package(_) => ().into_any(),
    };
    view! {
        {body}
        <Diagnostics diagnostics=diagnostics />
    }
}

/// The verdict box every focus shares with packages: pass or fail, and Traverse's printed line.
#[component]
fn VerdictBox(passes: bool, head: String, #[prop(into)] command: String, line: String) -> impl IntoView {
    view! {
        <div class="verdict" class:pass=passes class:fail=!passes data-testid="verdict">
            <p class="verdict-head">{head}<span class="note">{format!(" ({command})")}</span></p>
            <pre class="traverse-line" data-testid="verdict-line">{line}</pre>
        </div>
    }
}

#[component]
fn BundleVerdict(report: BundleReport) -> impl IntoView {
    let register = report.register_verdict();
    let passes = register == Verdict::Passes;
    // What `bundle register` prints: its records, or its one error.
    let line = match &register {
        Verdict::Passes => report.register_text().unwrap_or_default().trim_end().to_owned(),
        Verdict::Fails(stop) => stop.message.clone(),
    };
    let head = match &register {
        Verdict::Passes => "Traverse loads and registers this bundle".to_owned(),
        Verdict::Fails(stop) => format!("Traverse refuses this bundle: exit {}", stop.exit_code),
    };
    let inspect = format!("bundle inspect: {}", report.inspect_verdict().line());
    let json = report.register_json().map(|json| serde_json::to_string_pretty(&json).unwrap_or_default());
    let composites = report.composites.into_iter().map(|composite| {
        let note = if composite.workflow_in_bundle { "in this bundle" } else { "not in this bundle" };
        view! {
            <li data-testid="composite"><code>{composite.capability}</code>" runs workflow "
                <code>{composite.workflow}</code>{format!(" ({note})")}</li>
        }
    });
    view! {
        <VerdictBox passes=passes head=head command="traverse-cli bundle register" line=line />
        <p class="execute-line" data-testid="inspect-line">{inspect}</p>
        {json.map(|json| view! {
            <details>
                <summary>"What bundle register --json prints"</summary>
                <pre class="json" tabindex="0" data-testid="bundle-json">{json}</pre>
            </details>
        })}
        <section aria-label="composite capabilities">
            <h3>"Composite capabilities"</h3>
            <ul>{composites.collect_view()}</ul>
        </section>
    }
}

#[component]
fn AppVerdict(report: AppReport) -> impl IntoView {
    let passes = report.passes();
    let head =
        if passes { "traverse-cli app validate: validated" } else { "traverse-cli app validate: failed" };
    let command = match report.exit_code() {
        0 => "exits 0 either way; the status is in its JSON".to_owned(),
        code => format!("exits {code} before any JSON"),
    };
    let evidence =
        report.evidence().map(|evidence| serde_json::to_string_pretty(&evidence).unwrap_or_default());
    let registration = report.registration.iter().map(|error| {
        view! { <li data-testid="app-registration"><code>{error.code}</code>" "{error.message.clone()}" ("{error.path.clone()}")"</li> }
    });
    let browser = report
        .browser_embedder
        .iter()
        .map(|note| view! { <li data-testid="browser-embedder">{note.clone()}</li> });
    view! {
        <VerdictBox passes=passes head=head.to_owned() command=command line=report.line() />
        {evidence.map(|evidence| view! {
            <details open=!passes>
                <summary>"Evidence (app validate --json)"</summary>
                <pre class="json" tabindex="0" data-testid="app-evidence">{evidence}</pre>
            </details>
        })}
        <section aria-label="registration">
            <h3>"Registering it"</h3>
            <p class="note">"Traverse's native embedder registers the bundle after validating it, then runs under the production security posture: every unsigned bundled step fails at run time unless development mode is chosen."</p>
            {if report.registration.is_empty() {
                view! { <p class="note">"Traverse's native embedder would register it (with its empty event registry and schema_version 1.0.0)."</p> }.into_any()
            } else {
                view! {
                    <p class="note">"Traverse's native embedder would refuse to register it (it passes an empty event registry):"</p>
                    <ul>{registration.collect_view()}</ul>
                }.into_any()
            }}
        </section>
        <section aria-label="Traverse's browser embedder">
            <h3>"Traverse's browser embedder"</h3>
            {if report.browser_embedder.is_empty() {
                view! { <p class="note">"It would decide as app validate does."</p> }.into_any()
            } else {
                view! {
                    <p class="note">"It would decide differently:"</p>
                    <ul>{browser.collect_view()}</ul>
                }.into_any()
            }}
        </section>
    }
}
