//! The page: a toolbar, then either the playground's three panes (files, checks, run) or the
//! Docs view, chosen by the URL fragment (`#docs/…`). It restores the state from a share link
//! or from the last visit, and saves it on every change. With `embed` in its query it is an
//! embed's compact view instead, which restores only the link and saves nothing.

use std::rc::Rc;

use leptos::{ev, prelude::*, task::spawn_local};

use super::{
    browser::{self, Kept},
    checks_pane::ChecksPane,
    docs_view::DocsView,
    embed_view::EmbedView,
    examples::{self, Examples},
    file_view::FileView,
    files_pane::{DropOverlay, FilesPane},
    run_pane::{RunCount, RunOnLoad, RunPane},
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
    present::{
        docs,
        embed::Embed,
        share_link::{self, SharedState},
    },
    run::composition::Composition,
    web::{linter, runner::client::Runner},
};

/// Where the page keeps the state across reloads: for this tab (so that two tabs keep their
/// work apart), and for the browser (what a new tab starts from).
const SAVED_STATE_KEY: &str = "traverse-playground/state";
/// Where the work a link replaced is kept, one click away, until another link replaces it.
const REPLACED_STATE_KEY: &str = "traverse-playground/replaced-by-link";
/// How long a first visit waits for a first run before the service worker precaches the build,
/// and the strict lint's worker is fetched.
const OFFLINE_COPY_DELAY: std::time::Duration = std::time::Duration::from_secs(30);
/// How long changes must pause before the state is saved.
const SAVE_DELAY: std::time::Duration = std::time::Duration::from_millis(250);

#[component]
pub fn App() -> impl IntoView {
    let playground = Playground::new();
    provide_context(playground);
    let runs = RwSignal::new(0u32);
    provide_context(RunCount(runs));
    // One runner for the page: its worker runs modules and prints their text.
    let runner = SharedRunner::new_local(Rc::new(Runner::new()));
    provide_context(runner);
    let route = RwSignal::new(browser::hash());
    // An embed shows the link's state compactly and keeps nothing: the full page's saved work
    // in this browser is never read or written by it.
    let embedded = Embed::from_query(&browser::query());
    if let Some(embed) = embedded {
        provide_context(RunOnLoad(RwSignal::new(embed.run)));
    }
    let opened_link = RwSignal::new(None::<Result<(), String>>);
    // How many files the work a link replaced has, while it is kept.
    let replaced = RwSignal::new(None::<usize>);
    let saved_state = move || untrack(|| playground.snapshot(share_link::SAVED_STATE_LIMIT_BYTES));

    // A link wins over the saved state, but what it replaces is kept; a link that cannot be read
    // keeps what is loaded. A link to an example is completed from this build's copy first.
    let keeps_work = embedded.is_none();
    let open_link = move |hash: String| async move {
        let Some(fragment) = share_link::from_hash(&hash) else { return };
        match share_link::decode(fragment, share_link::MAX_LINK_FRAGMENT_BYTES) {
            Ok(state) => {
                let before = saved_state();
                restore_from_example(playground, state).await;
                if keeps_work && !before.files.is_empty() && before != saved_state() {
                    let kept = share_link::encode_within(&before, share_link::SAVED_STATE_LIMIT_BYTES);
                    match browser::save_setting(Kept::Browser, REPLACED_STATE_KEY, &kept) {
                        Ok(()) => replaced.set(Some(before.files.len())),
                        Err(error) => playground.notify(
                            "your earlier work",
                            format!("the link replaced it and it could not be kept ({error})"),
                        ),
                    }
                }
                playground.mark_linked();
                opened_link.set(Some(Ok(())));
                // The state is saved from now on; a reload must not bring the link back over edits.
                browser::replace_hash("");
            }
            Err(error) => opened_link.set(Some(Err(error.to_string()))),
        }
    };
    let bring_back = Callback::new(move |()| {
        let kept = browser::load_setting(Kept::Browser, REPLACED_STATE_KEY)
            .and_then(|kept| share_link::decode(&kept, share_link::MAX_STATE_BYTES).ok());
        match kept {
            Some(state) => {
                restore_saved(playground, state);
                browser::remove_setting(Kept::Browser, REPLACED_STATE_KEY);
                opened_link.set(None);
            }
            None => playground.notify("your earlier work", "is no longer kept in this browser".to_owned()),
        }
        replaced.set(None);
    });
    // This tab's own work after a reload; in a new tab, the work last saved in any.
    let saved = keeps_work.then(|| {
        browser::load_setting(Kept::Tab, SAVED_STATE_KEY)
            .or_else(|| browser::load_setting(Kept::Browser, SAVED_STATE_KEY))
            .and_then(|saved| share_link::decode(&saved, share_link::MAX_STATE_BYTES).ok())
    });
    if let Some(state) = saved.flatten() {
        restore_saved(playground, state);
    }
    spawn_local(open_link(route.get_untracked()));
    // A link opened in a tab already on the page arrives as a change of the fragment.
    let _ = window_event_listener(ev::hashchange, move |_| {
        let hash = browser::hash();
        route.set(hash.clone());
        spawn_local(open_link(hash));
    });

    let save_now = move || {
        // Binaries too large to keep are kept as digests, and asked for again after a reload.
        let state = share_link::encode_within(&saved_state(), share_link::SAVED_STATE_LIMIT_BYTES);
        let saved = [Kept::Tab, Kept::Browser].map(|kept| {
            browser::save_setting(kept, SAVED_STATE_KEY, &state).inspect_err(|_| {
                // A stale copy must not come back on reload in place of what is loaded now.
                browser::remove_setting(kept, SAVED_STATE_KEY);
            })
        });
        if let Some(Err(error)) = saved.into_iter().find(Result::is_err) {
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
    if keeps_work {
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
    }

    // A first run should not wait for the governed runner to download: it loads while the
    // page is idle, before a package is chosen, and before the warm-up below holds the thread.
    // (Asked for as the page starts, before its first render, it made that render later on
    // two cores, and the first run no sooner.)
    request_idle_callback(move || runner.with_value(|runner| runner.prepare()));

    // V8 compiles each WebAssembly function when it is first called: without this, the first
    // check of a session spends most of its time compiling the check's code (a Traverse-size
    // package: 130 ms, against 8 ms for the next check). Checking the template once while the
    // page is idle pays for that before a package arrives.
    request_idle_callback(move || {
        let files = template::shipped();
        let _ = (
            workspace::set(&files),
            Composition::of_files(&files),
            playground.modules.check(|reader| check::check_package(&files, "manifest.json", reader)),
        );
    });

    // The modules the checks meet are read by the governed runner, each once (`modules`).
    Effect::new(move |_| {
        let checked = playground.checked.with(|checked| checked.as_ref().map(|c| c.missed.clone()));
        let focused = playground.focus.with(|focused| focused.as_ref().map(|f| f.missed.clone()));
        let missed: Vec<_> = checked.into_iter().chain(focused).flatten().collect();
        runner.with_value(|runner| playground.modules.ask(runner, &missed));
    });

    // Offline after one visit: the service worker precaches the whole build, which on a slow
    // network would share it with what the person asked for. On a first visit it starts once
    // the first run has ended (or the page has been open a while); a page a build controls
    // already only asks at once whether a newer build is out. A newer build waits for the
    // person's word.
    let update_ready = RwSignal::new(false);
    let registered = StoredValue::new(false);
    let register = move || {
        if !registered.get_value() {
            registered.set_value(true);
            request_idle_callback(move || browser::register_service_worker(move || update_ready.set(true)));
        }
    };
    if browser::controlled_by_service_worker() {
        register();
    } else {
        Effect::new(move |_| {
            if runs.get() > 0 {
                register();
            }
        });
        set_timeout(register, OFFLINE_COPY_DELAY);
    }

    // The strict lint runs in a worker of its own (`web::linter`): its warnings join the report
    // when they arrive, and only the latest job's. A check that leaves the schema and the
    // requests' inputs as they were (an edit elsewhere) keeps the findings it has.
    // Its worker (702 KB gzip) would share a slow link with the first run's runner: it starts
    // once the first run has ended, a file is opened (where its marks show) or a while has
    // passed, whichever comes first.
    let lint_ready = RwSignal::new(false);
    Effect::new(move |_| {
        if runs.get() > 0 || playground.viewing().with(Option::is_some) {
            lint_ready.set(true);
        }
    });
    set_timeout(move || lint_ready.set(true), OFFLINE_COPY_DELAY);
    let linted = StoredValue::new_local(None::<Rc<Job>>);
    Effect::new(move |_| {
        if !lint_ready.get() {
            return;
        }
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
    if !keeps_work {
        return view! { <EmbedView /> }.into_any();
    }
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
            // Past the examples and the toolbar, straight to Run: shown when focused.
            <a class="skip-link" href="#run-heading" data-testid="skip-to-run" on:click=move |event| {
                event.prevent_default();
                browser::focus_by_id("run-button");
            }>"Skip to Run"</a>
        </header>
        <LinkBanner opened=opened_link replaced=replaced bring_back=bring_back />
        {move || update_ready.get().then(|| view! {
            <div class="banner" role="status" data-testid="update-ready">
                "A new version of the playground is ready. "
                <button class="small" data-testid="update-reload" on:click=move |_| browser::activate_waiting_build()>
                    "Reload to update"
                </button>
            </div>
        })}
        // The panes stay mounted while the docs show, so a run and its worker survive a visit.
        <main class="panes" hidden=docs_route>
            <FilesPane />
            <div class="work">
                <FileView />
                <ChecksPane />
            </div>
            <RunPane />
        </main>
        {move || docs_route().then(|| view! { <DocsView route=route /> })}
    }
    .into_any()
}

/// Restores a saved state, which carries every file: at once, before anything can be saved over
/// it. Its example, if any, is fetched afterwards only so that a link can name it again.
fn restore_saved(playground: Playground, state: SharedState) {
    let example = state.example.clone();
    playground.restore(state);
    let Some(example) = example else { return };
    let restored = playground.revision().get_untracked();
    spawn_local(async move {
        // Offline and not cached: links carry every file until the example can be fetched.
        let Ok(shipped) = examples::fetch_named(&example.name).await else { return };
        // Other files loaded meanwhile have an origin of their own.
        if playground.revision().get_untracked() != restored {
            return;
        }
        // Another build's example: a link carries every file rather than name one they were
        // not loaded from.
        if share_link::shipped_digest(&shipped) == example.shipped {
            playground.builds_on(&example.name, shipped);
        } else {
            playground.forget_example();
        }
    });
}

/// Restores a link's state, with the files of its example it does not carry as this build ships
/// them; says so when this build's example differs from the one the link was made with, or
/// cannot be fetched.
async fn restore_from_example(playground: Playground, state: SharedState) {
    let Some(example) = state.example.clone() else { return playground.restore(state) };
    let subject = format!("example {}", example.name);
    match examples::fetch_named(&example.name).await {
        Ok(shipped) => {
            let changed = share_link::shipped_digest(&shipped) != example.shipped;
            playground.restore(state.complete(&shipped));
            playground.builds_on(&example.name, shipped);
            if changed {
                playground.notify(
                    subject,
                    "differs in this playground from the one the link was made with: the files the link did not carry are this playground's",
                );
            }
        }
        Err(error) => {
            playground.restore(state);
            playground.forget_example();
            playground.notify(
                subject,
                format!("could not be fetched ({error}): the files of it the link did not carry are missing"),
            );
        }
    }
}
