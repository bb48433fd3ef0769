//! What a sandbox run gets besides stdin: arguments, environment, and files in `/data/`.

use leptos::{prelude::*, task::spawn_local};
use web_sys::HtmlInputElement;

use super::state::Playground;
use crate::run::{
    protocol::{SandboxFile, sandbox_room},
    settings::parse_env,
};

/// Where picked files go in the sandbox's filesystem.
const FILES_FOLDER: &str = "/data";

#[component]
pub fn SandboxSettings(files: RwSignal<Vec<SandboxFile>>) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let settings = playground.settings();
    let on_files = move |event: web_sys::Event| {
        let input: HtmlInputElement = event_target(&event);
        let Some(list) = input.files() else { return };
        // Sizes are known before reading: a file too large is refused unread.
        let mut pending = 0;
        for file in (0..list.length()).filter_map(|i| list.get(i)) {
            let path = format!("{FILES_FOLDER}/{}", file.name());
            let size = file.size() as u64;
            if let Err(problem) = files.with_untracked(|files| sandbox_room(files, pending, &path, size)) {
                playground.notify(file.name(), problem);
                continue;
            }
            pending += size;
            spawn_local(async move {
                if let Ok(bytes) = crate::web::intake::read_bytes(&file).await {
                    files.update(|files| {
                        files.retain(|existing| existing.path != path);
                        files.push(SandboxFile { path, bytes });
                    });
                }
            });
        }
    };
    view! {
        <div class="sandbox">
            <label>"Arguments (after argv[0] \"guest\"): "
                <input type="text" data-testid="sandbox-args" prop:value=move || settings.with(|s| s.sandbox_args.clone())
                    on:input=move |event| playground.update_settings(|s| s.sandbox_args = event_target_value(&event)) />
            </label>
            <label>"Environment, one KEY=VALUE per line:"
                <textarea rows="2" data-testid="sandbox-env" spellcheck="false" prop:value=move || settings.with(|s| s.sandbox_env.clone())
                    on:input=move |event| playground.update_settings(|s| s.sandbox_env = event_target_value(&event))></textarea>
            </label>
            {move || settings.with(|s| parse_env(&s.sandbox_env).err()).map(|error| view! {
                <p class="error" data-testid="sandbox-env-error" role="alert">{error}</p>
            })}
            <label class="file">{format!("Files, placed in {FILES_FOLDER}/: ")}
                <input type="file" multiple data-testid="sandbox-files" on:change=on_files />
            </label>
            <ul>
                {move || files.get().into_iter().map(|file| {
                    let path = file.path.clone();
                    view! {
                        <li>
                            <code>{file.path.clone()}</code>{format!(" ({} bytes) ", file.bytes.len())}
                            <button class="small" on:click=move |_| files.update(|files| files.retain(|f| f.path != path))>
                                "remove"
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}
