//! Share links (docs/share-link.md): the button that makes one and copies it, and the banner
//! that says what an opened link will run, or why it could not be opened.

use leptos::{prelude::*, task::spawn_local};

use super::{browser, state::Playground};
use crate::{
    present::{
        embed,
        number::counted,
        share_link::{self, Content, FRAGMENT_KEY},
    },
    run::plan::InputChoice,
};

#[component]
pub fn ShareButton() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let link = RwSignal::new(None::<(String, bool, String)>);
    let feedback = RwSignal::new(String::new());
    let with_sources = RwSignal::new(false);
    let left_out = RwSignal::new(Vec::<String>::new());
    let share = move |_| {
        let linked = playground.link_state(with_sources.get_untracked());
        left_out.set(linked.left_out);
        let fragment = share_link::encode_link(&linked.state);
        let by_digest = share_link::decode(&fragment, usize::MAX)
            .is_ok_and(|shared| shared.files.iter().any(|f| matches!(f.content, Content::Sha256(_))));
        let href = browser::base_url();
        let url = embed::full_page_url(&href, &format!("{FRAGMENT_KEY}{fragment}"));
        let code = embed::iframe_code(&href, &format!("{FRAGMENT_KEY}{fragment}"));
        playground.mark_linked();
        link.set(Some((url.clone(), by_digest, code)));
        spawn_local(async move {
            feedback.set(match browser::copy_to_clipboard(&url).await {
                Ok(()) => "Link copied".to_owned(),
                Err(_) => "Copy the link below".to_owned(),
            });
        });
    };
    view! {
        <div class="share">
            <button class="small" data-testid="share-copy" on:click=share>"Copy link"</button>
            <label class="note" title="Sources, build scripts and lock files: no check or run reads them">
                <input type="checkbox" data-testid="share-sources"
                    prop:checked=move || with_sources.get()
                    on:change=move |event| with_sources.set(event_target_checked(&event)) />
                " with sources"
            </label>
            <span class="note" role="status" data-testid="share-feedback">{move || feedback.get()}</span>
            {move || link.get().map(|(url, by_digest, code)| view! {
                <input class="share-link" readonly data-testid="share-link" aria-label="share link" prop:value=url />
                <EmbedCode code=code />
                {move || left_out.with(|left_out| (!left_out.is_empty()).then(|| view! {
                    <span class="note" data-testid="share-left-out">
                        {format!("Left out, as no check or run reads them: {}. Tick \"with sources\" to include them.", left_out.join(", "))}
                    </span>
                }))}
                {by_digest.then(|| view! {
                    <span class="note">"The binary is too large for a link: whoever opens it is asked for the file, checked by its SHA-256."</span>
                })}
            })}
            {move || playground.changed_since_link().then(|| view! {
                <span class="warning" data-testid="share-stale">"Changed since the link was made."</span>
            })}
        </div>
    }
}

/// The iframe code that embeds this state in another page, running it when it loads.
#[component]
fn EmbedCode(code: String) -> impl IntoView {
    let feedback = RwSignal::new("");
    let copy = {
        let code = code.clone();
        move |_| {
            let code = code.clone();
            spawn_local(async move {
                feedback.set(match browser::copy_to_clipboard(&code).await {
                    Ok(()) => "Embed code copied",
                    Err(_) => "Copy the code above",
                });
            });
        }
    };
    view! {
        <details class="embed-code">
            <summary>"Embed"</summary>
            <textarea readonly rows="3" data-testid="embed-code" aria-label="embed code" prop:value=code></textarea>
            <button class="small" data-testid="embed-copy" on:click=copy>"Copy embed code"</button>
            <span class="note" role="status">{move || feedback.get()}</span>
        </details>
    }
}

/// What an opened link restored and will run, or why it was refused; and, when it replaced
/// earlier work (`replaced`, its file count), a button to bring that back.
#[component]
pub fn LinkBanner(
    opened: RwSignal<Option<Result<(), String>>>,
    replaced: RwSignal<Option<usize>>,
    bring_back: Callback<()>,
) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let summary = move || {
        let module = playground.module.get().unwrap_or_else(|| "no module yet".to_owned());
        let input = match playground.input().get() {
            InputChoice::Request(path) => format!("request {path}"),
            InputChoice::Composite(path) => {
                return format!(
                    "It will run the composite request {path}, as Traverse's runtime does, when you press Run."
                );
            }
            InputChoice::Workflow(key) => {
                return format!(
                    "It will run the workflow {key} with stdin {}, as Traverse's runtime does, when you press Run.",
                    playground.stdin().get()
                );
            }
            _ => format!("stdin {}", playground.stdin().get()),
        };
        let mode = if playground.settings().with(|s| s.governed) {
            "governed, as Traverse"
        } else {
            "in the WASI sandbox"
        };
        format!("It will run {module} with {input}, {mode}, when you press Run.")
    };
    move || {
        opened.get().map(|result| {
            let body = match result {
                Ok(()) => view! {
                    <p>"Opened a shared link. " {summary}</p>
                    {move || replaced.get().map(|files| view! {
                        <p data-testid="link-replaced">
                            {format!(
                                "It replaced the work you had here ({}), which is kept in this browser. ",
                                counted(files, "file")
                            )}
                            <button class="small" data-testid="link-bring-back" on:click=move |_| bring_back.run(())>
                                "Bring it back"
                            </button>
                        </p>
                    })}
                }
                .into_any(),
                Err(error) => view! {
                    <p class="error">{format!("This link could not be opened: {error}. What you had before is kept.")}</p>
                }
                .into_any(),
            };
            view! {
                <div class="banner" role="status" data-testid="link-banner">
                    {body}
                    <button class="small" on:click=move |_| opened.set(None)>"Dismiss"</button>
                </div>
            }
        })
    }
}
