//! The page: a toolbar, then either the playground's three panes (files, checks, run) or the
//! Docs view, chosen by the URL fragment (`#docs/…`). It restores the state from a share link
//! or from the last visit, and saves it on every change.

use std::rc::Rc;

use leptos::{ev, prelude::*};

use super::{
    browser,
    checks_pane::ChecksPane,
    docs_view::DocsView,
    examples::Examples,
    files_pane::{DropOverlay, FilesPane},
    run_pane::RunPane,
    share::{LinkBanner, ShareButton},
    state::{Playground, SharedRunner},
    theme::ThemeToggle,
};
use crate::{
    check::{
        self,
        strict_lint::{Finding, Job},
    },
    package::{template, workspace},
    present::{docs, share_link},
    run::composition::Composition,
    web::{linter, runner::client::Runner},
};

/// Where the page keeps the state across reloads.
const SAVED_STATE_KEY: &str = "traverse-playground/state";
/// How long changes must pause before the state is saved.
const SAVE_DELAY: std::time::Duration = std::time::Duration::from_millis(250);

#[component]
pub fn App() -> impl IntoView {
    let playground = Playground::new();
    provide_context(playground);
    // One runner for the page: its worker runs modules and prints their text.
    provide_context(SharedRunner::new_local(Rc::new(Runner::new())));
    let route = RwSignal::new(browser::hash());
    let opened_link = RwSignal::new(None::<Result<(), String>>);

    // A link wins over the saved state; a link that cannot be read keeps what is loaded.
    let open_link = move |hash: &str| {
        let Some(fragment) = share_link::from_hash(hash) else { return };
        match share_link::decode(fragment, share_link::MAX_LINK_FRAGMENT_BYTES) {
            Ok(state) => {
                playground.restore(state);
                playground.mark_linked();
                opened_link.set(Some(Ok(())));
                // The state is saved from now on; a reload must not bring the link back over edits.
                browser::replace_hash("");
            }
            Err(error) => opened_link.set(Some(Err(error.to_string()))),
        }
    };
    let saved = browser::load_setting(SAVED_STATE_KEY)
        .and_then(|saved| share_link::decode(&saved, share_link::MAX_STATE_BYTES).ok());
    if let Some(state) = saved {
        playground.restore(state);
    }
    open_link(&route.get_untracked());
    // A link opened in a tab already on the page arrives as a change of the fragment.
    let _ = window_event_listener(ev::hashchange, move |_| {
        let hash = browser::hash();
        open_link(&hash);
        route.set(browser::hash());
    });

    let save_now = move || {
        // Binaries too large to keep are kept as digests, and asked for again after a reload.
        let state = share_link::encode_within(
            &untrack(|| playground.snapshot(share_link::SAVED_STATE_LIMIT_BYTES)),
            share_link::SAVED_STATE_LIMIT_BYTES,
        );
        if let Err(error) = browser::save_setting(SAVED_STATE_KEY, &state) {
            // A stale copy must not come back on reload in place of what is loaded now.
            browser::remove_setting(SAVED_STATE_KEY);
            playground.notify(
                "saving across reloads",
                format!("the loaded files are too large to keep in this browser ({error}); reloading will lose them"),
            );
        }
    };
    // Saved once changes pause, not on every keystroke: a save encodes the whole state.
    let pending_save = StoredValue::new_local(None::<TimeoutHandle>);
    let flush = move || {
        if let Some(handle) = pending_save.get_value() {
            handle.clear();
            pending_save.set_value(None);
            save_now();
        }
    };
    Effect::new(move |_| {
        // What the saved state holds, tracked without building it (that encodes every binary).
        playground.revision().track();
        if let Some(handle) = pending_save.get_value() {
            handle.clear();
        }
        pending_save.set_value(set_timeout_with_handle(flush, SAVE_DELAY).ok());
    });
    // A reload or a closed tab within the delay still saves.
    let _ = window_event_listener(ev::pagehide, move |_| flush());

    // V8 compiles each WebAssembly function when it is first called: without this, the first
    // check of a session spends most of its time compiling the check's code (a Traverse-size
    // package: 130 ms, against 8 ms for the next check). Checking the template once while the
    // page is idle pays for that before a package arrives.
    request_idle_callback(|| {
        let files = template::shipped();
        let _ = (
            workspace::set(&files),
            Composition::of_files(&files),
            check::check_package(&files, "manifest.json"),
        );
    });

    // The strict lint runs in a worker of its own (`web::linter`): its warnings join the report
    // when they arrive, and only the latest job's. A check that leaves the schema and the
    // requests' inputs as they were (an edit elsewhere) keeps the findings it has.
    let linted = StoredValue::new_local(None::<Rc<Job>>);
    Effect::new(move |_| {
        let job = playground
            .checked
            .with(|checked| checked.as_ref().and_then(|checked| Job::of(&checked.report)))
            .map(Rc::new);
        if linted.with_value(|last| last.as_deref() == job.as_deref()) {
            return;
        }
        linted.set_value(job.clone());
        playground.set_lint(Vec::new());
        let Some(job) = job else { return };
        leptos::task::spawn_local(async move {
            let findings = linter::lint(&job).await;
            if !linted.with_value(|last| last.as_ref().is_some_and(|last| Rc::ptr_eq(last, &job))) {
                return;
            }
            match findings {
                Ok(findings) => playground.set_lint(findings.iter().map(Finding::diagnostic).collect()),
                Err(error) => playground.notify("the strict lint", error),
            }
        });
    });

    let docs_route = move || route.get().trim_start_matches('#').starts_with(docs::ROUTE_PREFIX);
    view! {
        <DropOverlay />
        <header class="toolbar">
            <h1><a href="#" on:click=move |_| route.set(String::new())>"Traverse Playground"</a></h1>
            <nav aria-label="views">
                <a href="#" class:current=move || !docs_route()>"Playground"</a>
                <a href="#docs/README.md" class:current=docs_route>"Docs"</a>
            </nav>
            <Examples />
            <ShareButton />
            <ThemeToggle />
        </header>
        <LinkBanner opened=opened_link />
        // The panes stay mounted while the docs show, so a run and its worker survive a visit.
        <main class="panes" hidden=docs_route>
            <FilesPane />
            <ChecksPane />
            <RunPane />
        </main>
        {move || docs_route().then(|| view! { <DocsView route=route /> })}
    }
}
