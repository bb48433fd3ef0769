//! Loading a package: files, a folder or a `.zip`, by button or by dropping anywhere on the
//! page, or a pasted manifest. Lists every file with its role, asks for the files the manifest
//! names that are missing (and those a share link names by digest), and shows the file viewer.

use std::collections::BTreeMap;

use leptos::{ev, prelude::*, task::spawn_local};
use web_sys::HtmlInputElement;

use super::{
    browser::{self, GivenFile},
    new_package::{Checklist, NewPackageForm},
    set_tree::SetTree,
    state::{Hashing, Playground},
};
use crate::{
    check::diagnostic::Location,
    package::{archive, digest::Digests, shown_path, workspace},
    present::number::{counted, grouped},
    sorted,
    web::intake,
};

/// A file ready to add, with its digests when it was hashed off the page's thread.
type Loaded = (String, (Vec<u8>, Option<Digests>));

/// Adds what the user gave, naming each file that could not be read or unpacked.
async fn accept(playground: Playground, given: Vec<GivenFile>, unreadable: Vec<(String, String)>) {
    let (files, problems) = take(playground, &given, true).await;
    let (files, left_out) = workspace::arrived(files);
    for (path, problem) in unreadable.into_iter().chain(problems).chain(left_out) {
        playground.notify(path, problem);
    }
    // Files hashed off the page's thread keep their digests; the package is then checked once,
    // with all of its files.
    let mut small = Vec::new();
    for (path, (bytes, digests)) in files {
        match digests {
            Some(digests) => playground.add_hashed(&path, bytes, digests),
            None => small.push((path, bytes)),
        }
    }
    playground.add_files(small);
}

/// `given` read, each `.zip` unpacked when `unpack_zips`, with the problems by file: a large
/// load in the intake worker (on the page if that fails, with a notice), the rest here. Archives
/// are unpacked in the intake worker only (the page holds no zip code): one it cannot unpack is
/// a problem of that file's, with why.
async fn take(
    playground: Playground,
    given: &[GivenFile],
    unpack_zips: bool,
) -> (Vec<Loaded>, Vec<(String, String)>) {
    let progress = |path: &str, done, total| {
        playground.set_hashing(Some(Hashing { path: path.to_owned(), done, total }));
    };
    let in_worker = |given| async move {
        let taken = intake::take(given, unpack_zips, progress).await;
        playground.set_hashing(None);
        taken.map(|(files, problems)| {
            let files = files.into_iter().map(|file| (file.path, (file.bytes.to_vec(), file.digests)));
            (files.collect::<Vec<_>>(), problems)
        })
    };
    let mut worker_failed = None;
    if intake::wants_worker(given) {
        match in_worker(given).await {
            Ok(loaded) => return loaded,
            Err(error) => {
                playground.notify("loading", format!("{error}; the files were read on the page instead"));
                worker_failed = Some(error);
            }
        }
    }
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut archives = Vec::new();
    for ((path, bytes), (_, file)) in browser::read_files(given).await.into_iter().zip(given) {
        match bytes {
            Err(error) => problems.push((path, format!("could not be read: {error}"))),
            Ok(bytes) if unpack_zips && workspace::is_archive(&path, &bytes) => {
                archives.push((path, file.clone()))
            }
            Ok(bytes) => files.push((path, (bytes, None))),
        }
    }
    if !archives.is_empty() {
        let unpacked = match worker_failed {
            Some(error) => Err(error),
            None => in_worker(&archives).await,
        };
        match unpacked {
            Ok((unpacked, unpack_problems)) => {
                files.extend(unpacked);
                problems.extend(unpack_problems);
            }
            Err(error) => problems.extend(archives.into_iter().map(|(path, _)| {
                (path, format!("cannot be unpacked here ({error}): unzip it and add its folder"))
            })),
        }
    }
    (files, problems)
}

/// The whole page takes drops; this shows where they land while something is dragged over it.
#[component]
pub fn DropOverlay() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let dragging = RwSignal::new(false);
    let _ = window_event_listener(ev::dragover, move |event| {
        event.prevent_default();
        dragging.set(true);
    });
    let _ = window_event_listener(ev::dragleave, move |event| {
        // Leaving for a child element is not leaving the page.
        if event.related_target().is_none() {
            dragging.set(false);
        }
    });
    let _ = window_event_listener(ev::drop, move |event| {
        event.prevent_default();
        dragging.set(false);
        if let Some(transfer) = event.data_transfer() {
            let dropped = browser::dropped_files(transfer);
            spawn_local(async move {
                let (given, unreadable) = dropped.await;
                accept(playground, given, unreadable).await;
            });
        }
    });
    view! {
        <div class="drop-overlay" class:active=move || dragging.get() aria-hidden="true">
            <p>"Drop a package folder, files or a .zip"</p>
        </div>
    }
}

/// The most files listed at once: a list of ten thousand lays out for seconds.
const MAX_SHOWN_FILES: usize = 500;

#[component]
pub fn FilesPane() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let on_pick = move |event: ev::Event| {
        let input: HtmlInputElement = event_target(&event);
        if let Some(list) = input.files() {
            spawn_local(async move {
                accept(playground, browser::files_of(&list), Vec::new()).await;
                // The same file picked again must fire `change` again.
                input.set_value("");
            });
        }
    };
    // `webkitdirectory` is no attribute the view macro knows; set it once the input exists.
    let folder_input = NodeRef::<leptos::html::Input>::new();
    folder_input.on_load(|input| input.set_webkitdirectory(true));
    let pasted = RwSignal::new(String::new());
    let use_pasted = move |_| {
        let path = playground.manifest.get_untracked().unwrap_or_else(|| "manifest.json".to_owned());
        playground.add_files(vec![(path, pasted.get_untracked().into_bytes())]);
        pasted.set(String::new());
    };
    let roles = Memo::new(move |_| {
        let manifest = playground.manifest.get();
        let mut roles = playground.files().with(|files| workspace::roles(files, manifest.as_deref()));
        // The package's own files first, in reading order, then requests, workflows, the rest.
        sorted::sort_by(&mut roles, |(a_path, a_role), (b_path, b_role)| {
            (a_role, a_path).cmp(&(b_role, b_path))
        });
        roles
    });
    let missing = Memo::new(move |_| {
        let manifest = playground.manifest.get();
        let awaited = playground.awaited().get();
        playground
            .files()
            .with(|files| manifest.map(|m| workspace::missing(files, &m, &awaited)).unwrap_or_default())
    });
    let manifests = Memo::new(move |_| playground.files().with(workspace::manifests));
    // Every file as it is in the page: edits as edited, the rest byte for byte as loaded.
    let download_package = move |_| {
        let name = playground.files().with_untracked(|files| {
            playground.set.with_untracked(|(items, _)| {
                archive::download_name(files, items, playground.manifest.get_untracked().as_deref())
            })
        });
        let files: Vec<_> = playground.files().with_untracked(|files| {
            files
                .paths()
                .map(|path| (path.to_owned(), js_sys::Uint8Array::from(files.get(path).unwrap_or_default())))
                .collect()
        });
        // Made in the intake worker, which holds the zip code the page leaves out.
        spawn_local(async move {
            let packed = intake::pack(files).await;
            if let Err(error) = packed.and_then(|zip| browser::download(&name, &zip)) {
                playground.notify(name, format!("could not be made: {error}"));
            }
        });
    };

    // Narrowed to a rail, the files leave the editor and the run their width.
    let open = RwSignal::new(true);
    view! {
        <section class="pane files" class:collapsed=move || !open.get() aria-labelledby="files-heading">
            <div class="pane-head">
                <h2 id="files-heading">"Package"</h2>
                <button class="small collapse" data-testid="files-toggle" aria-controls="files-body"
                    aria-expanded=move || open.get().to_string()
                    aria-label=move || if open.get() { "Hide the package's files" } else { "Show the package's files" }
                    on:click=move |_| open.update(|open| *open = !*open)>
                    {move || if open.get() { "«" } else { "»" }}
                </button>
            </div>
            <div id="files-body" class="files-body" hidden=move || !open.get()>
            <div class="load">
                <label class="button">
                    "Files…"
                    <input type="file" multiple data-testid="file-input" on:change=on_pick />
                </label>
                <label class="button">
                    "Folder…"
                    <input type="file" multiple node_ref=folder_input data-testid="folder-input" on:change=on_pick />
                </label>
                <button data-testid="download-package" on:click=download_package
                    disabled=move || playground.files().with(|files| files.paths().next().is_none())>"Download .zip"</button>
                <button data-testid="clear" on:click=move |_| playground.clear()>"Clear"</button>
            </div>
            <p class="note">"Or drop a package folder, files or a .zip anywhere on the page. Nothing leaves your browser."</p>
            {move || playground.hashing().get().map(|Hashing { path, done, total }| view! {
                <p class="note" data-testid="hashing" role="status">
                    <progress max=total value=done></progress>
                    {format!(" Hashing {path}: {} of {} MiB, off the page's thread", done >> 20, total >> 20)}
                </p>
            })}
            <Notices />
            <NewPackageForm />
            <Checklist />
            <details class="paste">
                <summary>"Paste a manifest"</summary>
                <label for="paste-manifest" class="note">"manifest.json (replaces the current manifest)"</label>
                <textarea id="paste-manifest" rows="6" spellcheck="false" data-testid="paste-manifest"
                    prop:value=move || pasted.get()
                    on:input=move |event| pasted.set(event_target_value(&event))></textarea>
                <button on:click=use_pasted disabled=move || pasted.with(|text| text.trim().is_empty())>"Use this manifest"</button>
            </details>
            {move || (manifests.with(Vec::len) > 1).then(|| view! {
                <label class="note">"Manifest "
                    <select data-testid="manifest-select"
                        on:change=move |event| playground.choose_item(event_target_value(&event))>
                        {manifests.get().into_iter().map(|path| {
                            let selected = playground.manifest.get().as_deref() == Some(path.as_str());
                            view! { <option value=path.clone() selected=selected>{shown_path(&path).into_owned()}</option> }
                        }).collect_view()}
                    </select>
                </label>
            })}
            <SetTree />
            <ul class="file-list" data-testid="file-list">
                // Keyed: an edit redraws the size it changed, not every row.
                <For each=move || roles.get().into_iter().take(MAX_SHOWN_FILES)
                    key=|(path, role)| (path.clone(), role.label())
                    children=move |(path, role)| {
                    let sized = path.clone();
                    let size = move || {
                        format_size(playground.files().with(|files| files.get(&sized).map_or(0, <[u8]>::len)))
                    };
                    let shown = path.clone();
                    view! {
                        <li data-testid="file" data-role=role.label()>
                            <span class=format!("role role-{}", role.label())>{role.label()}</span>
                            // One tab stop per file: Delete removes the focused one.
                            <button class="link" aria-keyshortcuts="Delete"
                                on:click=move |_| playground.view_file(Some(Location::file(&shown)))
                                on:keydown={
                                    let path = path.clone();
                                    move |event: ev::KeyboardEvent| if event.key() == "Delete" {
                                        playground.remove_file(&path);
                                    }
                                }>{shown_path(&path).into_owned()}</button>
                            <span class="size">{size}</span>
                            {
                                let (edited, revert) = (path.clone(), path.clone());
                                move || playground.is_edited(&edited).then(|| {
                                    let revert = revert.clone();
                                    view! {
                                        <span class="edited" data-testid="file-changed">"edited"</span>
                                        <button class="link small" data-testid="file-revert" title="back to the file as loaded"
                                            on:click=move |_| playground.revert_file(&revert)>"revert"</button>
                                    }
                                })
                            }
                            <button class="remove" tabindex="-1" aria-label=format!("remove {path}") title="remove (Delete on the file's name)"
                                on:click=move |_| playground.remove_file(&path)>"×"</button>
                        </li>
                    }
                } />
            </ul>
            {move || roles.with(|roles| {
                let more = roles.len().saturating_sub(MAX_SHOWN_FILES);
                (more > 0).then(|| {
                    let mut by_role: BTreeMap<&str, usize> = BTreeMap::new();
                    for (_, role) in roles.iter().skip(MAX_SHOWN_FILES) {
                        *by_role.entry(role.label()).or_default() += 1;
                    }
                    let counts: Vec<String> = by_role
                        .iter()
                        .map(|(role, count)| counted(*count, role))
                        .collect();
                    view! {
                        <p class="note" data-testid="files-more">{format!(
                            "{} more files are loaded and not listed ({}): they are checked and run like the rest.",
                            grouped(more as u64), counts.join(", "))}</p>
                    }
                })
            })}
            {move || playground.files().with(|files| files.paths().next().is_none()).then(|| view! {
                <p class="empty">"No package yet: load one, or pick an example above."</p>
            })}
            <ul class="missing">
                {move || missing.get().into_iter().map(|file| {
                    let key = file.resolved.key.clone();
                    view! {
                        <li data-testid="missing-file">
                            <span class=format!("role role-{}", file.role.label())>{file.role.label()}</span>
                            <code>{shown_path(&file.resolved.key).into_owned()}</code>" is missing ("{file.json_path}") "
                            <AddFile path=key expected_sha256=None />
                        </li>
                    }
                }).collect_view()}
                {move || playground.awaited().get().into_iter().map(|(path, sha256)| view! {
                    <li data-testid="awaited-file">
                        <code>{shown_path(&path).into_owned()}</code> " was too large to share or keep, so only its digest came back ("
                        <code>{sha256.clone()}</code> "): "
                        <AddFile path=path expected_sha256=Some(sha256) />
                    </li>
                }).collect_view()}
            </ul>
            </div>
        </section>
    }
}

/// A button that adds one chosen file under `path`, checked against a digest when there is one.
#[component]
pub(super) fn AddFile(path: String, expected_sha256: Option<String>) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let label = format!("add {path}");
    let on_pick = move |event: ev::Event| {
        let input: HtmlInputElement = event_target(&event);
        let Some(list) = input.files() else { return };
        let (path, expected) = (path.clone(), expected_sha256.clone());
        spawn_local(async move {
            let given: Vec<_> = browser::files_of(&list).into_iter().take(1).collect();
            let (files, problems) = take(playground, &given, false).await;
            for (name, problem) in problems {
                playground.notify(name, problem);
            }
            for (name, (bytes, digests)) in files {
                let digests = digests.unwrap_or_else(|| Digests::of(&bytes));
                match &expected {
                    Some(expected) if digests.sha256 != *expected => playground.notify(
                        name,
                        format!(
                            "is not the file the link names: its digest is {}, the link's is {expected}",
                            digests.sha256
                        ),
                    ),
                    _ => playground.add_awaited(&path, bytes, digests),
                }
            }
        });
    };
    view! {
        <label class="button small">"add this file"
            <input type="file" aria-label=label data-testid="add-file" on:change=on_pick />
        </label>
    }
}

#[component]
fn Notices() -> impl IntoView {
    let playground = expect_context::<Playground>();
    view! {
        {move || playground.notices().with(|notices| (!notices.is_empty()).then(|| view! {
            <div class="notices" role="alert" data-testid="load-error">
                <ul>
                    {notices.iter().map(|notice| view! {
                        <li><code>{shown_path(&notice.subject).into_owned()}</code>": "{notice.message.clone()}</li>
                    }).collect_view()}
                </ul>
                <button class="small" on:click=move |_| playground.dismiss_notices()>"Dismiss"</button>
            </div>
        }))}
    }
}

fn format_size(bytes: usize) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{:.1} KiB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MiB", bytes as f64 / 1_048_576.0),
    }
}
