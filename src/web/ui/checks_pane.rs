//! The checks of the loaded package, as the core's [`Report`] has them: Traverse's verdict,
//! the checks in order with pass or fail, every diagnostic (its place opens the file at that
//! JSON path), the digests, and the module's imports and exports against the host ABI, and its
//! text on demand.

use leptos::{prelude::*, task::spawn_local};

use super::{
    browser,
    focus_view::FocusView,
    state::{Playground, SharedRunner},
};
use crate::{
    check::{
        Report, Verdict,
        diagnostic::{Diagnostic, Edit, Location},
        host_abi::{self, ImportStatus},
        module_info::{ExternKind, ModuleInfo},
    },
    present::{docs, file_problems, number::grouped},
    run::module_text::{MAX_TEXT_BYTES, ModuleText},
    sorted,
};

#[component]
pub fn ChecksPane() -> impl IntoView {
    let playground = expect_context::<Playground>();
    view! {
        <section class="pane checks" aria-labelledby="checks-heading">
            <h2 id="checks-heading">"Checks"</h2>
            {move || match (playground.focus.get(), playground.checked.get()) {
                (Some(focused), _) => view! {
                    <FocusView focus=focused.focus />
                    <p class="note timing" data-testid="check-time">{format!("Checked in {:.1} ms, in this page.", focused.check_ms)}</p>
                }.into_any(),
                (None, checked) => match checked {
                // Without a manifest, a lone module still gets the executor's checks.
                Some(checked) if checked.report.manifest_path.is_none() => {
                    let report = checked.report;
                    view! {
                        <p class="note">"No manifest: only the module's own checks (what Traverse's executor refuses)."</p>
                        <ModuleReading reading=report.reading.clone() />
                        <Diagnostics diagnostics=report.diagnostics().cloned().collect() />
                        {report.module.map(|module| view! { <ModuleTables module=module /> })}
                    }.into_any()
                }
                Some(checked) => {
                    let report = checked.report;
                    view! {
                        <VerdictView report=report.clone() />
                        <p class="note timing" data-testid="check-time">{format!("Checked in {:.1} ms, in this page.", checked.check_ms)}</p>
                        <Stages report=report.clone() />
                        <ModuleReading reading=report.reading.clone() />
                        <Requests report=report.clone() />
                        <Diagnostics diagnostics=report.diagnostics().cloned().collect() />
                        <DigestPanel report=report.clone() />
                        {report.module.map(|module| view! { <ModuleTables module=module /> })}
                    }.into_any()
                }
                None => view! {
                    <p class="empty">"Load a package (a manifest and the files it names) to see Traverse's verdict."</p>
                }.into_any(),
                },
            }}
        </section>
    }
}

/// Traverse's verdict on loading the package, as `traverse-cli` prints it, and on executing it.
#[component]
fn VerdictView(report: Report) -> impl IntoView {
    let inspect = report.load_verdict();
    let execute = report.run_verdict(None);
    let printed = report.inspect_printout();
    let execute_line = match (&inspect, &execute) {
        (Verdict::Fails(_), _) => None,
        (_, Verdict::Passes) if report.reading.is_some() => {
            Some("execute: known once the module is read".to_owned())
        }
        (_, Verdict::Passes) => {
            Some("execute: nothing stops a valid request before the module runs".to_owned())
        }
        (_, Verdict::Fails(stop)) => {
            Some(format!("execute: exits {} for any request: {}", stop.exit_code, stop.message))
        }
    };
    let copied = RwSignal::new(false);
    let to_copy = printed.clone();
    let copy = move |_| {
        let text = to_copy.clone();
        spawn_local(async move { copied.set(browser::copy_to_clipboard(&text).await.is_ok()) });
    };
    let passes = inspect == Verdict::Passes;
    // Whole once the module is read: until then the box is neither passed nor failed.
    let reading = report.reading.is_some();
    view! {
        <div class="verdict" class:pass=passes && !reading class:fail=!passes data-testid="verdict">
            <p class="verdict-head">
                {if passes { "Traverse loads this package".to_owned() } else {
                    format!("Traverse refuses this package: exit {}", inspect.exit_code())
                }}
                <span class="note">" (traverse-cli capability-package inspect)"</span>
            </p>
            <pre class="traverse-line" data-testid="verdict-line">{printed}</pre>
            <button class="small" data-testid="verdict-copy" on:click=copy>
                {move || if copied.get() { "Copied" } else { "Copy" }}
            </button>
            {execute_line.map(|line| view! { <p class="execute-line">{line}</p> })}
        </div>
    }
}

#[component]
fn Stages(report: Report) -> impl IntoView {
    view! {
        <ol class="stages" data-testid="stages">
            {report.sections.into_iter().map(|section| {
                let errors = section.errors();
                let failed = errors > 0;
                let status = if failed { format!("{errors} error(s)") } else { "pass".to_owned() };
                view! {
                    <li class:fail=failed data-testid="stage" data-stage=section.check.as_str()>
                        <span class="stage-name">{section.check.as_str()}</span>" "
                        <span class="stage-status">{status}</span>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// The module the checks wait for: the runner reads it (`modules`), and the checks then run
/// again with it.
#[component]
fn ModuleReading(reading: Option<String>) -> impl IntoView {
    reading.map(|path| {
        view! {
            <p class="note" data-testid="module-reading">
                {format!("Reading {path}: the module's checks follow once the runner has read it.")}
            </p>
        }
    })
}

/// Each runtime request's own verdict, before anything runs: what `traverse-cli capability-package
/// execute` says with it, up to running the module.
#[component]
fn Requests(report: Report) -> impl IntoView {
    let playground = expect_context::<Playground>();
    (!report.requests.is_empty()).then(|| {
        // A page of thousands of lines lays out slowly; the rest are summed up.
        let more = report.requests.len().saturating_sub(MAX_SHOWN_REQUESTS);
        let unlisted = report.requests.iter().skip(MAX_SHOWN_REQUESTS);
        let refused = unlisted.filter(|request| report.run_verdict(Some(request)) != Verdict::Passes).count();
        let rows = report.requests.iter().take(MAX_SHOWN_REQUESTS).map(|request| {
            let verdict = report.run_verdict(Some(request));
            let passes = verdict == Verdict::Passes;
            let line = match (passes, &report.reading) {
                (true, Some(_)) => "runs unless the module stops it: it is being read".to_owned(),
                (true, None) => "runs: nothing stops it before the module".to_owned(),
                (false, _) => verdict.line(),
            };
            let file = request.file.clone();
            view! {
                <li data-testid="request-verdict" data-file=request.file.clone() class:fail=!passes>
                    <button class="link place" on:click=move |_| playground.view_file(Some(Location::file(&file)))>
                        {request.file.clone()}</button>" "
                    <code>{line}</code>
                </li>
            }
        });
        view! {
            <section class="requests" aria-label="requests">
                <h3>"Requests"</h3>
                <ul data-testid="requests-stage">{rows.collect_view()}</ul>
                {(more > 0).then(|| view! {
                    <p class="note" data-testid="requests-more">{format!(
                        "{} more requests are not listed: {} run, {refused} refused before the module (traverse-playground check lists all).",
                        grouped(more as u64), grouped((more - refused) as u64))}</p>
                })}
            </section>
        }
    })
}

/// The most requests listed at once.
const MAX_SHOWN_REQUESTS: usize = 500;

/// The most diagnostics listed at once.
const MAX_SHOWN_DIAGNOSTICS: usize = 500;

/// Every diagnostic (up to [`MAX_SHOWN_DIAGNOSTICS`]), errors first; the place opens the file
/// viewer there.
#[component]
pub fn Diagnostics(mut diagnostics: Vec<Diagnostic>) -> impl IntoView {
    let playground = expect_context::<Playground>();
    sorted::sort_by_key(&mut diagnostics, |d| d.severity);
    // A bundle of 10,000 missing files has 10,000 problems: the page lists the first ones and
    // says how many more there are, so it keeps answering.
    let more = diagnostics.len().saturating_sub(MAX_SHOWN_DIAGNOSTICS);
    diagnostics.truncate(MAX_SHOWN_DIAGNOSTICS);
    view! {
        {(more > 0).then(|| view! {
            <p class="note" data-testid="diagnostics-more">{format!(
                "The first {MAX_SHOWN_DIAGNOSTICS} problems, errors first; {more} more are not listed (traverse-playground check lists all)."
            )}</p>
        })}
        <ul class="diagnostics">
            {diagnostics.into_iter().map(|d| {
                let severity = d.severity.as_str();
                let location = d.location.clone();
                view! {
                    <li data-testid="diagnostic" data-code=d.code class=format!("severity-{severity}")>
                        <span class="severity">{severity}</span>" "
                        <a class="code" href=docs::code_route(d.code) title="what this code means"><code>{d.code}</code></a>" "
                        <button class="link place" title="show in the file"
                            on:click=move |_| playground.view_file(Some(location.clone()))>
                            {d.location.to_string()}
                        </button>
                        <span class="message">{d.message.clone()}</span>
                        {d.traverse.map(|stop| view! {
                            <span class="traverse-says">"Traverse: "<code>{stop.message}</code></span>
                        })}
                        {(!d.fix.is_empty()).then(|| view! { <QuickFix file=d.location.in_file().to_owned() fix=d.fix /> })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The button that applies a diagnostic's quick fix: the values Traverse's rule requires.
#[component]
pub fn QuickFix(file: String, fix: Vec<Edit>) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let label = file_problems::fix_label(&fix).unwrap_or_default();
    view! {
        <button class="small" data-testid="quick-fix" title="an edit of the file: undo or Revert takes it back"
            on:click=move |_| playground.apply_fix(&file, fix.clone())>{format!("Fix: {label}")}</button>
    }
}

#[component]
fn DigestPanel(report: Report) -> impl IntoView {
    let playground = expect_context::<Playground>();
    report.binary.map(|binary| {
        let matches = binary.declared == binary.fnv1a64;
        let computed = binary.fnv1a64.clone();
        // As after a rebuild: the declared digest becomes the binary's, nothing else changes.
        let pin = move |_| playground.pin_digest(&computed);
        view! {
            <section class="digest" aria-label="binary digest">
                <h3>"Binary " <code>{binary.path.clone()}</code> {format!(" ({} bytes)", binary.size)}</h3>
                <dl>
                    <dt>"declared"</dt>
                    <dd><code data-testid="digest-declared">{binary.declared.clone()}</code></dd>
                    <dt>"computed"</dt>
                    <dd><code data-testid="digest-computed">{binary.fnv1a64.clone()}</code>
                        {if matches { " ✓ matches" } else { " ✗ differs" }}</dd>
                    <dt>"sha256"</dt>
                    <dd><code data-testid="digest-sha256">{binary.sha256.clone()}</code></dd>
                </dl>
                {(!matches).then(|| view! {
                    <button class="small" data-testid="digest-fix" on:click=pin>
                        "Write the computed digest into the manifest"
                    </button>
                    <span class="note">" (only if this binary is the one you mean to ship)"</span>
                })}
            </section>
        }
    })
}

#[component]
fn ModuleTables(module: ModuleInfo) -> impl IntoView {
    view! {
        <section class="module-tables">
            <h3>"Imports"</h3>
            <table data-testid="imports-table">
                <thead><tr><th>"module"</th><th>"name"</th><th>"kind"</th><th>"host ABI"</th></tr></thead>
                <tbody>
                    {module.imports.iter().map(|import| {
                        let status = ImportStatus::of(&import.module, &import.name);
                        view! {
                            <tr class:refused=!status.runs()>
                                <td><code>{import.module.clone()}</code></td>
                                <td><code>{import.name.clone()}</code></td>
                                <td>{kind_name(import.kind)}</td>
                                <td>{status.as_str()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {module.imports.is_empty().then(|| view! { <p class="note">"No imports."</p> })}
            <ModuleTextView />
            <h3>"Exports"</h3>
            <table data-testid="exports-table">
                <thead><tr><th>"name"</th><th>"kind"</th><th>"for Traverse"</th></tr></thead>
                <tbody>
                    {module.exports.iter().map(|export| view! {
                        <tr>
                            <td><code>{format!("{:?}", export.name)}</code></td>
                            <td>{kind_name(export.kind)}</td>
                            <td>{host_abi::export_role(&export.name).unwrap_or("")}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// The module as WebAssembly text, printed in the runner worker when asked for, so a large
/// module never slows the checks.
#[component]
fn ModuleTextView() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let runner = expect_context::<SharedRunner>();
    let printed = RwSignal::new(None::<Result<ModuleText, String>>);
    let printing = RwSignal::new(false);
    let show = move |_| {
        let Some(path) = playground.module.get_untracked() else { return };
        let Some(bytes) = playground.files().with_untracked(|files| files.get(&path).map(<[u8]>::to_vec))
        else {
            return;
        };
        printing.set(true);
        let runner = runner.get_value();
        spawn_local(async move {
            let text = runner.print(bytes).await;
            let _ = printed.try_set(Some(text));
            let _ = printing.try_set(false);
        });
    };
    view! {
        <h3>"Text"</h3>
        {move || match printed.get() {
            None => view! {
                <button class="small" data-testid="module-text-show" disabled=move || printing.get() on:click=show>
                    {move || if printing.get() { "Printing…" } else { "Show the module as text" }}
                </button>
            }.into_any(),
            Some(Ok(text)) => view! {
                <pre class="code" tabindex="0" data-testid="module-text">{text.text}</pre>
                {text.cut.then(|| view! {
                    <p class="note">{format!("Cut after {} MiB of text.", MAX_TEXT_BYTES >> 20)}</p>
                })}
            }.into_any(),
            Some(Err(error)) => view! {
                <p class="error" data-testid="module-text-error">{format!("No text: {error}")}</p>
            }.into_any(),
        }}
    }
}

fn kind_name(kind: ExternKind) -> &'static str {
    match kind {
        ExternKind::Function => "function",
        ExternKind::Table => "table",
        ExternKind::Memory => "memory",
        ExternKind::Global => "global",
        ExternKind::Tag => "tag",
    }
}
