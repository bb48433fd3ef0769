//! The browser APIs the page uses, each behind a plain Rust function: files from inputs and
//! drops (folders included), local storage, the clipboard, the URL fragment, fetching our own
//! files, saving a file, editing a text field undoably. Nothing here knows about the
//! playground's state.

use futures::{StreamExt, channel::oneshot, stream};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DataTransfer, File, FileList, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry};

use crate::sorted;
use crate::web::describe;

/// The page's monotonic clock, in milliseconds.
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|window| window.performance()).map_or_else(js_sys::Date::now, |p| p.now())
}

/// One file read from the user's disk, by its path relative to what they picked.
pub type LoadedFile = (String, Result<Vec<u8>, String>);

/// A file the user gave, not yet read, by its path relative to what they picked.
pub type GivenFile = (String, File);

/// How many files are read at once: one at a time, each read waits a turn of the event loop,
/// which for ten thousand small files is seconds of waiting.
const READS_AT_ONCE: usize = 64;

/// How many files are read before the page's thread is given back: Chromium stats a file on its
/// first read, about 0.15 ms of this thread each, and ten thousand at once froze the page.
const READS_PER_TURN: usize = 256;

/// Reads `files` on the page, `READS_AT_ONCE` at a time, in their order, answering input
/// between turns.
pub async fn read_files(files: &[GivenFile]) -> Vec<LoadedFile> {
    let mut read = Vec::with_capacity(files.len());
    for (turn, files) in files.chunks(READS_PER_TURN).enumerate() {
        if turn > 0 {
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
        let reads = stream::iter(files)
            .map(|(path, file)| async move { (path.clone(), crate::web::intake::read_bytes(file).await) })
            .buffered(READS_AT_ONCE);
        read.extend(reads.collect::<Vec<_>>().await);
    }
    read
}

/// The files of an `<input type=file>`, by `webkitRelativePath` when a folder was picked.
pub fn files_of(list: &FileList) -> Vec<GivenFile> {
    let files = (0..list.length()).filter_map(|index| list.get(index)).map(|file| {
        // web-sys has no binding for it.
        let relative =
            js_sys::Reflect::get(&file, &"webkitRelativePath".into()).ok().and_then(|v| v.as_string());
        let path = relative.filter(|relative| !relative.is_empty()).unwrap_or_else(|| file.name());
        (path, file)
    });
    files.collect()
}

/// The files of a drop, walking into dropped folders, in path order, and each folder or file
/// that could not be opened, by path, with why.
pub async fn dropped_files(transfer: DataTransfer) -> (Vec<GivenFile>, Vec<(String, String)>) {
    // Entries must be taken synchronously, before the drop event handler returns.
    let items = transfer.items();
    let entries: Vec<FileSystemEntry> = (0..items.length())
        .filter_map(|index| items.get(index)?.webkit_get_as_entry().ok().flatten())
        .collect();
    if entries.is_empty() {
        return (transfer.files().map(|list| files_of(&list)).unwrap_or_default(), Vec::new());
    }
    let mut problems = Vec::new();
    let mut files = Vec::new();
    let mut pending: Vec<(String, FileSystemEntry)> =
        entries.into_iter().map(|entry| (entry.name(), entry)).collect();
    while let Some((path, entry)) = pending.pop() {
        if entry.is_directory() {
            match read_directory(entry.unchecked_into()).await {
                Ok(children) => pending
                    .extend(children.into_iter().map(|child| (format!("{path}/{}", child.name()), child))),
                Err(error) => problems.push((path, format!("could not be read: {error}"))),
            }
        } else {
            match entry_file(entry.unchecked_into()).await {
                Ok(file) => files.push((path, file)),
                Err(error) => problems.push((path, format!("could not be read: {error}"))),
            }
        }
    }
    sorted::sort_by(&mut files, |a, b| a.0.cmp(&b.0));
    (files, problems)
}

/// Every entry of a dropped folder: `readEntries` answers in batches until an empty one.
async fn read_directory(directory: FileSystemDirectoryEntry) -> Result<Vec<FileSystemEntry>, String> {
    let reader = directory.create_reader();
    let mut all = Vec::new();
    loop {
        let (sender, receiver) = oneshot::channel::<Result<js_sys::Array, String>>();
        let sender = std::rc::Rc::new(std::cell::RefCell::new(Some(sender)));
        let on_error_sender = sender.clone();
        let on_entries = Closure::once(move |entries: js_sys::Array| {
            if let Some(sender) = sender.borrow_mut().take() {
                let _ = sender.send(Ok(entries));
            }
        });
        let on_error = Closure::once(move |error: JsValue| {
            if let Some(sender) = on_error_sender.borrow_mut().take() {
                let _ = sender.send(Err(describe(&error)));
            }
        });
        reader
            .read_entries_with_callback_and_callback(
                on_entries.as_ref().unchecked_ref(),
                on_error.as_ref().unchecked_ref(),
            )
            .map_err(|error| describe(&error))?;
        let batch = receiver.await.map_err(|_| "the folder could not be read".to_owned())??;
        if batch.length() == 0 {
            return Ok(all);
        }
        all.extend(batch.iter().map(JsCast::unchecked_into::<FileSystemEntry>));
    }
}

async fn entry_file(entry: FileSystemFileEntry) -> Result<File, String> {
    let (sender, receiver) = oneshot::channel::<Result<File, String>>();
    let sender = std::rc::Rc::new(std::cell::RefCell::new(Some(sender)));
    let on_error_sender = sender.clone();
    let on_file = Closure::once(move |file: File| {
        if let Some(sender) = sender.borrow_mut().take() {
            let _ = sender.send(Ok(file));
        }
    });
    let on_error = Closure::once(move |error: JsValue| {
        if let Some(sender) = on_error_sender.borrow_mut().take() {
            let _ = sender.send(Err(describe(&error)));
        }
    });
    entry
        .file_with_callback_and_callback(on_file.as_ref().unchecked_ref(), on_error.as_ref().unchecked_ref());
    receiver.await.map_err(|_| "the file could not be read".to_owned())?
}

/// Where a setting is kept: for every tab of the browser, or for this tab only (its reloads
/// included, which is how two tabs keep their work apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    Browser,
    Tab,
}

fn storage(kept: Kept) -> Option<web_sys::Storage> {
    let window = web_sys::window()?;
    match kept {
        Kept::Browser => window.local_storage(),
        Kept::Tab => window.session_storage(),
    }
    .ok()
    .flatten()
}

pub fn load_setting(kept: Kept, key: &str) -> Option<String> {
    storage(kept)?.get_item(key).ok().flatten()
}

/// Saves `value`; an error says why it could not be kept (the quota, usually).
pub fn save_setting(kept: Kept, key: &str, value: &str) -> Result<(), String> {
    let storage = storage(kept).ok_or("this browser keeps no local storage")?;
    storage.set_item(key, value).map_err(|error| describe(&error))
}

pub fn remove_setting(kept: Kept, key: &str) {
    if let Some(storage) = storage(kept) {
        let _ = storage.remove_item(key);
    }
}

pub fn hash() -> String {
    web_sys::window().and_then(|window| window.location().hash().ok()).unwrap_or_default()
}

/// Sets the fragment without adding a history entry per keystroke.
pub fn replace_hash(hash: &str) {
    if let Some(window) = web_sys::window() {
        let url = if hash.is_empty() {
            let location = window.location();
            format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default())
        } else {
            format!("#{hash}")
        };
        let _ = window
            .history()
            .and_then(|history| history.replace_state_with_url(&JsValue::NULL, "", Some(&url)));
    }
}

/// The page's query (`?embed&run`), or nothing.
pub fn query() -> String {
    web_sys::window().and_then(|window| window.location().search().ok()).unwrap_or_default()
}

/// Opens `url` in a new tab (from a click: browsers allow it then).
pub fn open_in_new_tab(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.open_with_url_and_target_and_features(url, "_blank", "noopener");
    }
}

/// The page's address without its fragment.
pub fn base_url() -> String {
    web_sys::window()
        .and_then(|window| window.location().href().ok())
        .map(|href| href.split('#').next().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

pub async fn copy_to_clipboard(text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.map(|_| ()).map_err(|error| describe(&error))
}

/// One of the app's own files (`examples/…`), by its path relative to the page.
pub async fn fetch_bytes(path: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(path)).await.map_err(|error| describe(&error))?;
    let response: web_sys::Response = response.unchecked_into();
    if !response.ok() {
        return Err(format!("HTTP {} {}", response.status(), response.status_text()));
    }
    let body = response.array_buffer().map_err(|error| describe(&error))?;
    let body = JsFuture::from(body).await.map_err(|error| describe(&error))?;
    Ok(js_sys::Uint8Array::new(&body).to_vec())
}

pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|window| window.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|query| query.matches())
}

/// Sets `data-theme` on `<html>`, which the stylesheet follows.
pub fn apply_theme(dark: bool) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", if dark { "dark" } else { "light" });
    }
}

/// Offers `bytes` to the user as a file named `name` (the browser's download).
pub fn download(name: &str, bytes: &js_sys::Uint8Array) -> Result<(), String> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&js_sys::Array::of1(bytes), &options)
        .map_err(|error| describe(&error))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|error| describe(&error))?;
    let document = web_sys::window().and_then(|window| window.document()).ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|error| describe(&error))?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // The download has its own reference to the blob by now.
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Moves the keyboard's focus to the element with this id, when there is one.
pub fn focus_by_id(id: &str) {
    let element =
        web_sys::window().and_then(|window| window.document()).and_then(|d| d.get_element_by_id(id));
    if let Some(element) = element.and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}

/// Scrolls `article` to the first table row with a `<code>` that reads `entry`, and marks that
/// row (`data-target`) and no other.
pub fn mark_entry(article: &web_sys::HtmlElement, entry: &str) {
    let all = |selector: &str| {
        let found = article.query_selector_all(selector).ok();
        (0..found.as_ref().map_or(0, web_sys::NodeList::length))
            .filter_map(move |index| found.as_ref()?.item(index)?.dyn_into::<web_sys::Element>().ok())
    };
    for row in all("tr[data-target]") {
        let _ = row.remove_attribute("data-target");
    }
    let row = all("td code")
        .find(|code| code.text_content().as_deref() == Some(entry))
        .and_then(|code| code.closest("tr").ok().flatten());
    if let Some(row) = row {
        let _ = row.set_attribute("data-target", "");
        row.scroll_into_view();
    }
}

/// Types `text` into the focused text field as the user would, so undo takes it back.
pub fn insert_text(text: &str) {
    let document = web_sys::window().and_then(|window| window.document());
    if let Some(document) = document {
        let _ = document.unchecked_into::<web_sys::HtmlDocument>().exec_command_with_show_ui_and_value(
            "insertText",
            false,
            text,
        );
    }
}

/// The service worker beside the page (`scripts/service-worker.mjs` writes it at build time).
const SERVICE_WORKER: &str = "sw.js";

/// The page's service-worker container, where the browser offers one (a secure context).
fn service_workers() -> Option<web_sys::ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker"))
        .unwrap_or(false)
        .then(|| navigator.service_worker())
}

/// Whether a build's service worker serves this page: it has been here before.
pub fn controlled_by_service_worker() -> bool {
    service_workers().and_then(|container| container.controller()).is_some()
}

/// Registers the service worker, which precaches this build for offline use; `on_waiting` is
/// called when a newer build has installed and waits for the page's word
/// ([`activate_waiting_build`]). Where there is none (plain HTTP from another host, a browser
/// that blocks them) the page works online as before, quietly.
pub fn register_service_worker(on_waiting: impl Fn() + Clone + 'static) {
    let Some(container) = service_workers() else { return };
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(registration) = wasm_bindgen_futures::JsFuture::from(container.register(SERVICE_WORKER)).await
        else {
            return;
        };
        // A browser that blocks service workers may answer with no registration at all.
        let Ok(registration) = registration.dyn_into::<web_sys::ServiceWorkerRegistration>() else { return };
        // Only a page some build already controls has a newer one waiting: a first visit's
        // worker takes over at the next load by itself.
        let controlled = controlled_by_service_worker;
        if registration.waiting().is_some() && controlled() {
            on_waiting();
        }
        let found = registration.clone();
        let on_update_found = Closure::<dyn Fn()>::new(move || {
            let Some(installing) = found.installing() else { return };
            let watched = installing.clone();
            let on_waiting = on_waiting.clone();
            let on_state = Closure::<dyn Fn()>::new(move || {
                if watched.state() == web_sys::ServiceWorkerState::Installed && controlled() {
                    on_waiting();
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
        // Lives as long as the page, as the registration does.
        on_update_found.forget();
    });
}

/// Lets the waiting build take over, then reloads the page into it: the page never runs half
/// of one build and half of another.
pub fn activate_waiting_build() {
    let Some(container) = service_workers() else { return };
    let reload = Closure::<dyn Fn()>::new(|| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
    reload.forget();
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(registration) = wasm_bindgen_futures::JsFuture::from(container.get_registration()).await
        else {
            return;
        };
        let Some(waiting) =
            registration.dyn_into::<web_sys::ServiceWorkerRegistration>().ok().and_then(|r| r.waiting())
        else {
            return;
        };
        // Workbox's generated worker takes over on this message.
        let message = js_sys::Object::new();
        let _ =
            js_sys::Reflect::set(&message, &JsValue::from_str("type"), &JsValue::from_str("SKIP_WAITING"));
        let _ = waiting.post_message(&message);
    });
}
