//! A read-only view of one loaded file: JSON coloured, with the value a diagnostic points at
//! marked and scrolled into view; other text as it is; binaries by size only.

use leptos::prelude::*;

use super::state::Playground;
use crate::{
    check::diagnostic::Location,
    present::json_view::{self, TokenKind},
};

#[component]
pub fn FileView() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let shown = move || {
        let location = playground.viewing().get()?;
        let (file, path) = match &location {
            Location::File { file } | Location::Import { file, .. } => (file.clone(), None),
            Location::Json { file, path } => (file.clone(), Some(path.clone())),
        };
        let bytes = playground.files().with(|files| files.get(&file).map(<[u8]>::to_vec));
        Some((file, path, bytes))
    };
    // Once the view is drawn, bring the marked value into sight.
    Effect::new(move |_| {
        if playground.viewing().get().is_some() {
            request_animation_frame(|| {
                let marked = document().query_selector(".file-view mark").ok().flatten();
                if let Some(marked) = marked {
                    marked.scroll_into_view_with_bool(false);
                }
            });
        }
    });
    move || {
        shown().map(|(file, path, bytes)| {
            let body = match bytes {
                None => view! { <p class="note">"This file is not loaded."</p> }.into_any(),
                Some(bytes) => match String::from_utf8(bytes) {
                    Err(error) => view! {
                        <p class="note">{format!("A binary file of {} bytes.", error.as_bytes().len())}</p>
                    }
                    .into_any(),
                    Ok(text) => {
                        let mark = path.as_deref().and_then(|path| json_view::locate(&text, path));
                        let segments = json_view::segments(&text, mark);
                        view! {
                            <pre class="code" data-testid="file-view-text">
                                {segments.into_iter().map(|segment| {
                                    let class = colour_class(segment.kind);
                                    if segment.marked {
                                        view! { <mark class=class>{segment.text}</mark> }.into_any()
                                    } else {
                                        view! { <span class=class>{segment.text}</span> }.into_any()
                                    }
                                }).collect_view()}
                            </pre>
                        }
                        .into_any()
                    }
                },
            };
            view! {
                <section class="file-view" data-testid="file-view" aria-label=format!("file {file}")>
                    <header>
                        <code>{file.clone()}</code>
                        {path.map(|path| view! { " at " <code data-testid="file-view-path">{path}</code> })}
                        <button class="small" on:click=move |_| playground.view_file(None)>"Close"</button>
                    </header>
                    {body}
                </section>
            }
        })
    }
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
