//! The open file: a text file in an editor, a large one read-only, a binary by its size;
//! downloaded or put back as loaded from its header.
//!
//! The editor is CodeMirror (`code_editor`), imported when a file is first opened. Where it
//! cannot start, the file is edited in the page's own text field instead: a `<textarea>` over
//! the coloured text, with line numbers, Tab, the browser's undo and the problems at their line.

use leptos::{ev, html, prelude::*};

use super::{
    browser,
    checks_pane::QuickFix,
    code_editor::{self, CHECK_DELAY, CodeEditor},
    state::{EDIT_LIMIT_BYTES, Playground},
};
use crate::{
    check::diagnostic::Location,
    package::json_path,
    present::{
        file_problems::{self, FileProblem},
        json_view::{self, TokenKind},
        position::{self, Position},
    },
};

/// Larger texts are edited without colour, which costs a parse and a span per token per keystroke.
const COLOUR_LIMIT_BYTES: usize = 256 << 10;

#[component]
pub fn FileView() -> impl IntoView {
    let playground = expect_context::<Playground>();
    // The JSON path to mark in the file shown, which a click on a diagnostic changes.
    let mark_path = Memo::new(move |_| {
        playground.viewing().with(|location| match location {
            Some(Location::Json { path, .. }) => Some(path.clone()),
            _ => None,
        })
    });
    // Only a change of the file shown draws this anew: edits, marks and fixes happen inside the
    // editor, which keeps its undo history.
    let shown_file = Memo::new(move |_| {
        playground.viewing().with(|location| location.as_ref().map(|l| l.in_file().to_owned()))
    });
    move || {
        let file = shown_file.get()?;
        let (size, text) = playground.files().with_untracked(|files| {
            let bytes = files.get(&file)?;
            Some((bytes.len(), std::str::from_utf8(bytes).is_ok()))
        })?;
        let body = match (text, size <= EDIT_LIMIT_BYTES) {
            (false, _) => {
                view! { <p class="note">{format!("A binary file of {size} bytes.")}</p> }.into_any()
            }
            (true, false) => view! {
                <p class="note">{format!("{size} bytes: too large to edit here, shown as it is.")}</p>
                <ReadOnly file=file.clone() mark_path=mark_path.get_untracked() />
            }
            .into_any(),
            (true, true) => view! { <Editor file=file.clone() mark_path=mark_path /> }.into_any(),
        };
        let (download_name, download_path, revert_path) = (file.clone(), file.clone(), file.clone());
        let download = move |_| {
            let name = download_name.rsplit('/').next().unwrap_or(&download_name).to_owned();
            let bytes = playground
                .files()
                .with_untracked(|files| files.get(&download_path).map(js_sys::Uint8Array::from));
            if let Some(Err(error)) = bytes.map(|bytes| browser::download(&name, &bytes)) {
                playground.notify(&download_path, format!("could not be downloaded: {error}"));
            }
        };
        let edited = move || playground.is_edited(&revert_path);
        let revert_file = file.clone();
        Some(view! {
            <section class="file-view" data-testid="file-view" aria-label=format!("file {file}")>
                <header>
                    <span><code>{file.clone()}</code>
                        {move || mark_path.get().map(|path| view! { " at " <code data-testid="file-view-path">{path}</code> })}</span>
                    <span>
                        {move || edited().then(|| {
                            let path = revert_file.clone();
                            view! {
                                <button class="small" data-testid="file-view-revert"
                                    on:click=move |_| playground.revert_file(&path)>"Revert"</button>
                            }
                        })}
                        <button class="small" data-testid="download-file" on:click=download>"Download"</button>
                        <button class="small" on:click=move |_| playground.view_file(None)>"Close"</button>
                    </span>
                </header>
                {body}
            </section>
        })
    }
}

/// A text too large to edit, coloured when it is JSON, the value at `mark_path` marked.
#[component]
fn ReadOnly(file: String, mark_path: Option<String>) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let text = playground
        .files()
        .with_untracked(|files| files.get(&file).map(|bytes| String::from_utf8_lossy(bytes).into_owned()))
        .unwrap_or_default();
    let mark = mark_path.as_deref().and_then(|path| json_path::locate(&text, path));
    view! { <pre class="code" tabindex="0" data-testid="file-view-text">{coloured(&text, mark)}</pre> }
}

/// CodeMirror once it is imported, the page's own text field if it cannot be.
#[component]
fn Editor(file: String, mark_path: Memo<Option<String>>) -> impl IntoView {
    let module = match code_editor::loaded() {
        Some(loaded) => RwSignal::new(Some(loaded)),
        None => {
            let module = RwSignal::new(None);
            leptos::task::spawn_local(async move {
                let _ = module.try_set(Some(code_editor::load().await));
            });
            module
        }
    };
    let file = StoredValue::new(file);
    move || match module.get() {
        None => view! { <p class="note" data-testid="editor-loading">"Opening the editor…"</p> }.into_any(),
        Some(Ok(module)) => {
            view! { <CodeEditor module=module file=file.get_value() mark_path=mark_path /> }.into_any()
        }
        Some(Err(error)) => view! {
            <p class="note" data-testid="editor-fallback">
                {format!("The editor could not start ({error}): this is the page's own text field.")}
            </p>
            <TextEditor file=file.get_value() mark_path=mark_path />
        }
        .into_any(),
    }
}

/// The page's own text field, where CodeMirror cannot start.
#[component]
fn TextEditor(file: String, mark_path: Memo<Option<String>>) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let path = StoredValue::new(file);
    let committed = Memo::new(move |_| path.with_value(|path| playground.text_of(path)));
    // What was typed since the last commit to the page's state.
    let draft = RwSignal::new(None::<String>);
    let text = Memo::new(move |_| draft.get().unwrap_or_else(|| committed.get().unwrap_or_default()));
    let pending = StoredValue::new_local(None::<TimeoutHandle>);
    // Also called when the editor closes, when its own signals may already be gone.
    let commit = move || {
        if let Some(Some(handle)) = pending.try_get_value() {
            handle.clear();
            pending.set_value(None);
        }
        if let (Some(Some(typed)), Some(path)) = (draft.try_get_untracked(), path.try_get_value()) {
            playground.edit_file(&path, typed);
            let _ = draft.try_set(None);
        }
    };
    let on_input = move |event: ev::Event| {
        draft.set(Some(event_target_value(&event)));
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        pending.set_value(set_timeout_with_handle(commit, CHECK_DELAY).ok());
    };
    let on_keydown = move |event: ev::KeyboardEvent| {
        if event.key() == "Tab"
            && !(event.shift_key() || event.ctrl_key() || event.meta_key() || event.alt_key())
        {
            event.prevent_default();
            browser::insert_text("  ");
        }
    };
    on_cleanup(commit);

    let problems = problems_of(playground, path, text);
    let gutter =
        Memo::new(move |_| text.with(|text| problems.with(|problems| file_problems::gutter(text, problems))));
    let mark = move || mark_path.with(|path| text.with(|text| json_path::locate(text, path.as_deref()?)));

    let area = NodeRef::<html::Textarea>::new();
    let overlay = NodeRef::<html::Pre>::new();
    let numbers = NodeRef::<html::Pre>::new();
    let place_cursor = move |position: Position| {
        if let Some(area) = area.get_untracked() {
            let _ = area.focus();
            let _ = area.set_selection_range(position.utf16_start as u32, position.utf16_end as u32);
        }
    };
    let on_scroll = move |_| {
        let Some(area) = area.get_untracked() else { return };
        if let Some(overlay) = overlay.get_untracked() {
            overlay.set_scroll_top(area.scroll_top());
            overlay.set_scroll_left(area.scroll_left());
        }
        if let Some(numbers) = numbers.get_untracked() {
            numbers.set_scroll_top(area.scroll_top());
        }
    };
    // A quick fix is typed into the text, each edit from the last to the first so the earlier
    // places stay put, then checked at once.
    Effect::new(move |_| {
        let Some(area) = area.get() else { return };
        let fixes = path.with_value(|path| playground.take_fixes(path));
        if fixes.is_empty() {
            return;
        }
        // A text field just drawn may not hold its text yet.
        let current = text.get_untracked();
        if area.value() != current {
            area.set_value(&current);
        }
        let _ = area.focus();
        for edits in &fixes {
            let Some(places) = file_problems::fix_places(&area.value(), edits) else {
                return path.with_value(|path| {
                    playground.notify(path, "has changed since it was checked: the fix no longer applies")
                });
            };
            for (position, json) in places {
                let _ = area.set_selection_range(position.utf16_start as u32, position.utf16_end as u32);
                browser::insert_text(json);
            }
        }
        commit();
    });
    // Opened at a diagnostic's place, or sent to another one: the cursor goes there.
    Effect::new(move |_| {
        mark_path.track();
        if area.get().is_none() {
            return;
        }
        if let Some((start, end)) = untrack(mark) {
            let position = text.with_untracked(|text| position::of_range(text, start, end));
            request_animation_frame(move || place_cursor(position));
        }
    });

    view! {
        <div class="editor">
            <pre class="editor-gutter" aria-hidden="true" node_ref=numbers>{gutter}</pre>
            <div class="editor-body">
                <pre class="code editor-colour" aria-hidden="true" node_ref=overlay>
                    {move || text.with(|text| {
                        if text.len() > COLOUR_LIMIT_BYTES {
                            vec![view! { <span>{text.clone()}</span> }.into_any()]
                        } else {
                            coloured(text, mark())
                        }
                    })}
                    // A last line that ends in a newline still needs its height.
                    "\n"
                </pre>
                <textarea class="code" data-testid="editor" spellcheck="false" wrap="off"
                    aria-label=move || path.with_value(|path| format!("edit {path}"))
                    node_ref=area prop:value=move || text.get()
                    on:input=on_input on:blur=move |_| commit() on:keydown=on_keydown on:scroll=on_scroll></textarea>
            </div>
        </div>
        <ProblemList problems=problems file=path.get_value() place=Callback::new(place_cursor) />
    }
}

/// The problems of the file at `path` holding `text`: the report's and the strict lint's
/// diagnostics located in it ([`file_problems::problems`]).
pub(super) fn problems_of(
    playground: Playground,
    path: StoredValue<String>,
    text: Memo<String>,
) -> Memo<Vec<FileProblem>> {
    Memo::new(move |_| {
        text.with(|text| {
            path.with_value(|path| {
                playground.checked.with(|checked| {
                    playground.lint().with(|lint| {
                        let report = checked.as_ref().map(|checked| &checked.report);
                        let diagnostics = report.into_iter().flat_map(|report| {
                            let requests = report.requests.iter().flat_map(|request| &request.diagnostics);
                            report.diagnostics().chain(requests)
                        });
                        file_problems::problems(path, text, diagnostics.chain(lint))
                    })
                })
            })
        })
    })
}

/// The file's problems under its editor: each at its place (a click puts the cursor there),
/// with its quick fix.
#[component]
pub(super) fn ProblemList(
    problems: Memo<Vec<FileProblem>>,
    file: String,
    place: Callback<Position>,
) -> impl IntoView {
    let file = StoredValue::new(file);
    view! {
        <ul class="editor-problems" data-testid="editor-problems">
            {move || problems.get().into_iter().map(|FileProblem { position, code, message, fix, .. }| view! {
                <li data-testid="editor-problem">
                    {position.map(|position| view! {
                        <button class="link place" on:click=move |_| place.run(position)>
                            {format!("{}:{}", position.line, position.column)}
                        </button>" "
                    })}
                    <code>{code}</code>" "{message}
                    {(!fix.is_empty()).then(|| view! { " " <QuickFix file=file.get_value() fix=fix /> })}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// `text` as coloured spans, the byte range `mark` marked.
fn coloured(text: &str, mark: Option<(usize, usize)>) -> Vec<AnyView> {
    json_view::segments(text, mark)
        .into_iter()
        .map(|segment| {
            let class = colour_class(segment.kind);
            if segment.marked {
                view! { <mark class=class>{segment.text}</mark> }.into_any()
            } else {
                view! { <span class=class>{segment.text}</span> }.into_any()
            }
        })
        .collect()
}

/// The stylesheet's class for a colour.
fn colour_class(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Key => "json-key",
        TokenKind::String => "json-string",
        TokenKind::Number => "json-number",
        TokenKind::Literal => "json-literal",
        TokenKind::Plain => "",
    }
}
