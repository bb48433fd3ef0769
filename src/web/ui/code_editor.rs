//! The editor of a text file: CodeMirror (`code_editor.mjs`, bundled into `editor.js` at build
//! time), imported the first time a file is opened, never in the first load. It keeps the text
//! being typed, its undo history, search, folding and bracket matching; this component commits
//! the text to the page's state when typing pauses, shows the file's problems as lint marks at
//! their exact places with their quick fixes as actions, and moves the cursor to a diagnostic's
//! place. A quick fix is applied as one transaction, so one undo takes it back.
//!
//! Where the module cannot be imported (a build without it, a browser that refuses), the file
//! view falls back to its own text field (`file_view`).

use std::{
    cell::{Cell, RefCell},
    time::Duration,
};

use leptos::{html, prelude::*};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue, closure::Closure, prelude::wasm_bindgen};
use wasm_bindgen_futures::JsFuture;

use super::{
    file_view::{ProblemList, problems_of},
    state::Playground,
};
use crate::{
    check::diagnostic::Severity,
    package::json_path,
    present::{
        file_problems::{self, FileProblem},
        position::{self, Position},
    },
    web::describe,
};

/// Where the build puts the bundled editor, relative to the page.
const MODULE: &str = "editor.js";
/// How long typing must pause before the text is committed and checked.
pub const CHECK_DELAY: Duration = Duration::from_millis(200);

#[wasm_bindgen]
extern "C" {
    /// `editor.js` as imported.
    #[derive(Clone)]
    pub type EditorModule;
    #[wasm_bindgen(method, js_name = view)]
    fn read_only(this: &EditorModule, parent: &web_sys::HtmlElement, text: &str, label: &str)
    -> ReadOnlyView;
    /// A read-only view ([`JsonBlock`]).
    type ReadOnlyView;
    #[wasm_bindgen(method, js_name = destroy)]
    fn destroy_view(this: &ReadOnlyView);
    #[wasm_bindgen(method)]
    fn open(
        this: &EditorModule,
        parent: &web_sys::HtmlElement,
        text: &str,
        label: &str,
        on_change: &js_sys::Function,
        on_fix: &js_sys::Function,
    ) -> Editor;

    /// One open editor.
    type Editor;
    #[wasm_bindgen(method)]
    fn text(this: &Editor) -> String;
    #[wasm_bindgen(method, js_name = setText)]
    fn set_text(this: &Editor, text: &str);
    #[wasm_bindgen(method, js_name = setDiagnostics)]
    fn set_diagnostics(this: &Editor, list: JsValue);
    #[wasm_bindgen(method)]
    fn select(this: &Editor, from: usize, to: usize);
    #[wasm_bindgen(method, js_name = applyChanges)]
    fn apply_changes(this: &Editor, changes: JsValue);
    #[wasm_bindgen(method)]
    fn destroy(this: &Editor);
}

/// A dynamic `import()` of a URL relative to the page.
pub type ImportModule = fn(&str) -> js_sys::Promise;

thread_local! {
    /// The module once imported, or why it could not be: asked for once per page.
    static LOADED: RefCell<Option<Result<EditorModule, String>>> = const { RefCell::new(None) };
    /// The page's import, given by the page's binary (`src/main.rs` says why it lives there).
    static IMPORT: Cell<Option<ImportModule>> = const { Cell::new(None) };
}

/// Imports the editor with `import_module` from now on.
pub fn import_with(import_module: ImportModule) {
    IMPORT.set(Some(import_module));
}

/// The module, if it was imported already.
pub fn loaded() -> Option<Result<EditorModule, String>> {
    LOADED.with_borrow(Clone::clone)
}

/// Imports the module (once; later calls answer at once).
pub async fn load() -> Result<EditorModule, String> {
    if let Some(loaded) = loaded() {
        return loaded;
    }
    let imported = match IMPORT.get() {
        Some(import_module) => JsFuture::from(import_module(MODULE))
            .await
            .map(JsCast::unchecked_into::<EditorModule>)
            .map_err(|error| describe(&error)),
        None => Err("this page cannot import modules".to_owned()),
    };
    LOADED.with_borrow_mut(|loaded| loaded.replace(imported.clone()));
    imported
}

/// A problem as the editor marks it: UTF-16 offsets, and the name of its quick fix.
#[derive(Serialize)]
struct Mark<'a> {
    from: usize,
    to: usize,
    severity: &'static str,
    source: &'a str,
    message: &'a str,
    fix: Option<String>,
}

/// An edit as the editor applies it.
#[derive(Serialize)]
struct Change<'a> {
    from: usize,
    to: usize,
    insert: &'a str,
}

#[component]
pub fn CodeEditor(module: EditorModule, file: String, mark_path: Memo<Option<String>>) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let path = StoredValue::new(file);
    let committed = Memo::new(move |_| path.with_value(|path| playground.text_of(path)).unwrap_or_default());
    let editor = StoredValue::new_local(None::<Editor>);
    // Set once the editor is open: what waits for it tracks this.
    let ready = RwSignal::new(false);
    let pending = StoredValue::new_local(None::<TimeoutHandle>);
    // Also called when the editor closes, when its own values may already be gone.
    // Only a change since the last commit is committed, and only to a file still loaded: an
    // editor closed because its file was removed must not bring the file back.
    let commit = move || {
        let Some(Some(handle)) = pending.try_get_value() else { return };
        handle.clear();
        pending.set_value(None);
        let typed = editor.try_with_value(|editor| editor.as_ref().map(Editor::text)).flatten();
        let Some(path) = path.try_get_value() else { return };
        let loaded = playground.files().with_untracked(|files| files.get(&path).is_some());
        if let Some(typed) = typed
            && loaded
            && committed.try_with_untracked(|committed| *committed != typed).unwrap_or(false)
        {
            playground.edit_file(&path, typed);
        }
    };
    on_cleanup(move || {
        commit();
        editor.try_with_value(|editor| editor.as_ref().map(Editor::destroy));
    });

    let problems = problems_of(playground, path, committed);

    let parent = NodeRef::<html::Div>::new();
    // The editor opens once its element is in the page; its callbacks live as long as it does.
    Effect::new(move |_| {
        let Some(parent) = parent.get() else { return };
        if editor.with_value(Option::is_some) {
            return;
        }
        let on_change = Closure::<dyn Fn()>::new(move || {
            if let Some(handle) = pending.get_value() {
                handle.clear();
            }
            pending.set_value(set_timeout_with_handle(commit, CHECK_DELAY).ok());
        });
        let on_fix = Closure::<dyn Fn(usize)>::new(move |index: usize| {
            let fix =
                problems.with_untracked(|problems| problems.get(index).map(|problem| problem.fix.clone()));
            if let Some(fix) = fix.filter(|fix| !fix.is_empty()) {
                path.with_value(|path| playground.apply_fix(path, fix));
            }
        });
        let label = path.with_value(|path| format!("edit {path}"));
        let opened = committed.with_untracked(|text| {
            module.open(
                &parent,
                text,
                &label,
                on_change.as_ref().unchecked_ref(),
                on_fix.as_ref().unchecked_ref(),
            )
        });
        on_change.forget();
        on_fix.forget();
        editor.set_value(Some(opened));
        ready.set(true);
    });
    // A change made elsewhere (reverted, loaded again) replaces the text; what was typed and
    // not yet committed is the person's and wins.
    Effect::new(move |_| {
        let text = committed.get();
        if ready.get() && pending.with_value(Option::is_none) {
            editor.with_value(|editor| editor.as_ref().map(|editor| editor.set_text(&text)));
        }
    });
    // The problems of the committed text, marked while the editor holds that text: a mark made
    // for other text would sit in the wrong place.
    Effect::new(move |_| {
        if !ready.get() {
            return;
        }
        problems.with(|problems| {
            committed.with(|text| {
                editor.with_value(|editor| {
                    let Some(editor) = editor else { return };
                    if editor.text() != *text {
                        return;
                    }
                    let marks: Vec<Mark> = problems.iter().map(|problem| mark(text, problem)).collect();
                    if let Ok(list) = serde_wasm_bindgen::to_value(&marks) {
                        editor.set_diagnostics(list);
                    }
                })
            })
        });
    });
    // A quick fix, chosen here or in the checks, is applied to the text as it is now, in one
    // transaction, and checked at once.
    Effect::new(move |_| {
        if !ready.get() {
            return;
        }
        let fixes = path.with_value(|path| playground.take_fixes(path));
        if fixes.is_empty() {
            return;
        }
        editor.with_value(|editor| {
            let Some(editor) = editor else { return };
            for edits in &fixes {
                let current = editor.text();
                let Some(places) = file_problems::fix_places(&current, edits) else {
                    return path.with_value(|path| {
                        playground.notify(path, "has changed since it was checked: the fix no longer applies")
                    });
                };
                let changes: Vec<Change> = places
                    .iter()
                    .map(|(position, insert)| Change {
                        from: position.utf16_start,
                        to: position.utf16_end,
                        insert,
                    })
                    .collect();
                if let Ok(changes) = serde_wasm_bindgen::to_value(&changes) {
                    editor.apply_changes(changes);
                }
            }
        });
        commit();
    });
    let place_cursor = move |position: Position| {
        editor.with_value(|editor| {
            editor.as_ref().map(|editor| editor.select(position.utf16_start, position.utf16_end))
        });
    };
    // Opened at a diagnostic's place, or sent to another one: the cursor goes there.
    Effect::new(move |_| {
        let Some(json_path) = mark_path.get() else { return };
        if !ready.get() {
            return;
        }
        let text = editor.with_value(|editor| editor.as_ref().map(Editor::text)).unwrap_or_default();
        if let Some((start, end)) = json_path::locate(&text, &json_path) {
            place_cursor(position::of_range(&text, start, end));
        }
    });

    view! {
        <div class="code-editor" node_ref=parent></div>
        <ProblemList problems=problems file=path.get_value() place=Callback::new(place_cursor) />
    }
}

/// `problem` as the editor marks it in `text`: at its place, or over the first line when the
/// file as a whole is at fault.
fn mark<'a>(text: &str, problem: &'a FileProblem) -> Mark<'a> {
    let (from, to) = problem.position.map_or_else(
        || (0, text.lines().next().map_or(0, |line| line.encode_utf16().count())),
        |position| (position.utf16_start, position.utf16_end),
    );
    Mark {
        from,
        to,
        severity: match problem.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        },
        source: &problem.code,
        message: &problem.message,
        fix: file_problems::fix_label(&problem.fix),
    }
}

/// A JSON value as text (`testid` names the text), which "Fold and search" opens in the
/// editor's read-only view: a trace of thousands of lines folded by object and searched with
/// Ctrl-F. Where the editor cannot load, the text stays and the reason is said.
#[component]
pub fn JsonBlock(testid: &'static str, text: String, label: &'static str) -> impl IntoView {
    let viewer = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let host = NodeRef::<html::Div>::new();
    let opened = StoredValue::new_local(None::<ReadOnlyView>);
    let text = StoredValue::new(text);
    on_cleanup(move || {
        opened.try_update_value(|view| {
            if let Some(view) = view.take() {
                view.destroy_view();
            }
        });
    });
    Effect::new(move |_| {
        let Some(host) = host.get() else { return };
        if !viewer.get() || opened.with_value(Option::is_some) {
            return;
        }
        leptos::task::spawn_local(async move {
            match load().await {
                Ok(module) => {
                    let view = text.with_value(|text| module.read_only(&host, text, label));
                    opened.set_value(Some(view));
                }
                Err(error) => {
                    problem.set(Some(error));
                    viewer.set(false);
                }
            }
        });
    });
    let toggle = move |_| {
        if viewer.get_untracked() {
            opened.update_value(|view| {
                if let Some(view) = view.take() {
                    view.destroy_view();
                }
            });
        }
        viewer.update(|viewer| *viewer = !*viewer);
    };
    view! {
        <div class="json-block">
            <button class="small" data-testid="json-fold" aria-pressed=move || viewer.get().to_string() on:click=toggle>
                {move || if viewer.get() { "Plain text" } else { "Fold and search" }}
            </button>
            {move || problem.get().map(|problem| view! { <span class="note">" The viewer could not load: " {problem}</span> })}
            {move || if viewer.get() {
                view! { <div class="code-editor" node_ref=host></div> }.into_any()
            } else {
                view! { <pre class="code" tabindex="0" data-testid=testid>{text.get_value()}</pre> }.into_any()
            }}
        </div>
    }
}
