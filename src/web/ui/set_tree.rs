//! A loaded set as a tree by kind: each item with the `id@version` it claims and what it refers
//! to; a reference to nothing loaded offers to add that file. Choosing a package, a bundle, an
//! application or a workflow focuses the checks on it; the whole set stays loaded.

use leptos::prelude::*;

use super::{files_pane::AddFile, state::Playground};
use crate::{
    check::{diagnostic::Location, set},
    package::{
        shown_path,
        workspace::{Item, Kind, Reference, Target},
    },
    sorted,
};

/// The most references listed under one item (a workflow of 100,000 nodes has as many).
const MAX_SHOWN_REFERENCES: usize = 50;

/// The kinds in the order the tree shows them.
const SHOWN: [Kind; 10] = [
    Kind::RegistryBundle,
    Kind::Application,
    Kind::Package,
    Kind::Workflow,
    Kind::Contract,
    Kind::EventContract,
    Kind::Component,
    Kind::Request,
    Kind::WorkflowRequest,
    Kind::Module,
];

#[component]
pub fn SetTree() -> impl IntoView {
    let playground = expect_context::<Playground>();
    move || {
        let (items, references) = playground.set.get();
        let count = |kind: Kind| items.iter().filter(|item| item.kind == kind).count();
        // One package with its own files is what the file list shows; a set is more.
        set::is_set(&items).then(|| {
            let focused = playground.focus.get().map(|focused| focused.focus.path().to_owned()).or(playground.manifest.get());
            let duplicates: Vec<String> = set::set_diagnostics(&items, &references)
                .into_iter()
                .filter(|diagnostic| diagnostic.code == "set.duplicate_id")
                .map(|diagnostic| format!("{}: {}", diagnostic.location, diagnostic.message))
                .collect();
            let groups = SHOWN.into_iter().filter(|kind| count(*kind) > 0).map(|kind| {
                let rows = items
                    .iter()
                    .filter(|item| item.kind == kind)
                    .map(|item| {
                        // Missing references first: they are what needs doing.
                        let mut own: Vec<&Reference> =
                            references.iter().filter(|reference| reference.from == item.path).collect();
                        sorted::sort_by_key(&mut own, |reference| reference.found.is_some());
                        let rest = own.iter().skip(MAX_SHOWN_REFERENCES);
                        let hidden = (rest.clone().count(), rest.filter(|reference| reference.found.is_none()).count());
                        let own: Vec<Reference> = own.into_iter().take(MAX_SHOWN_REFERENCES).cloned().collect();
                        let is_focused = focused.as_deref() == Some(item.path.as_str());
                        view! { <SetItem item=item.clone() references=own hidden=hidden focused=is_focused /> }
                    })
                    .collect_view();
                view! {
                    <li class="set-kind">
                        // A long kind (thirty requests) folds away.
                        <details open>
                            <summary>{format!("{} ({})", kind.heading(), count(kind))}</summary>
                            <ul>{rows}</ul>
                        </details>
                    </li>
                }
            });
            view! {
                <section class="set" aria-label="the loaded set" data-testid="set">
                    <h3>"The set"</h3>
                    <p class="note">"Choose a package, a bundle, an application or a workflow to check it; everything stays loaded."</p>
                    {(!duplicates.is_empty()).then(|| view! {
                        <ul class="set-warnings">
                            {duplicates.into_iter().map(|line| view! { <li class="warning" data-testid="set-duplicate">{line}</li> }).collect_view()}
                        </ul>
                    })}
                    <ul class="set-tree">{groups.collect_view()}</ul>
                </section>
            }
        })
    }
}

#[component]
fn SetItem(item: Item, references: Vec<Reference>, hidden: (usize, usize), focused: bool) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let path = item.path.clone();
    let label = shown_path(&item.path).into_owned();
    let name = match item.kind.is_checked_alone() {
        true => {
            let path = path.clone();
            view! {
                <button class="link" aria-current=focused.then_some("true")
                    on:click=move |_| playground.choose_item(path.clone())>{label}</button>
            }
            .into_any()
        }
        false => {
            let path = path.clone();
            view! {
                <button class="link quiet" on:click=move |_| playground.view_file(Some(Location::file(&path)))>{label}</button>
            }
            .into_any()
        }
    };
    let rows = references.into_iter().map(|reference| {
        let missing = reference.found.is_none();
        let (target, state) = match (&reference.target, &reference.found) {
            (Target::File { .. }, Some(found)) => (String::new(), format!("→ {}", shown_path(found))),
            (Target::Capability { id }, Some(found)) => (id.clone(), format!("→ {}", shown_path(found))),
            (Target::File { path }, None) => (shown_path(path).into_owned(), "is not loaded".to_owned()),
            (Target::Capability { id }, None) => (id.clone(), "has no contract loaded".to_owned()),
        };
        let add = match (&reference.target, missing) {
            (Target::File { path }, true) => Some(view! { <AddFile path=path.clone() expected_sha256=None /> }),
            _ => None,
        };
        view! {
            <li class="set-ref" class:missing=missing data-testid="set-ref" data-missing=missing.to_string()>
                <code>{reference.json_path.clone()}</code>" "{target}" "<span class="note">{state}</span>" "{add}
            </li>
        }
    });
    view! {
        <li data-testid="set-item" data-kind=item.kind.as_str() data-id=item.id.clone().unwrap_or_default()
            class:focused=focused>
            {name}
            {item.id.clone().map(|id| view! { <span class="note">" "{id}</span> })}
            <ul class="set-refs">
                {rows.collect_view()}
                {match hidden {
                    (0, _) => None,
                    (more, 0) => Some(format!("and {more} more, all loaded")),
                    (more, missing) => Some(format!("and {more} more, {missing} of them not loaded")),
                }.map(|line| view! { <li class="note" data-testid="set-refs-more">{line}</li> })}
            </ul>
        </li>
    }
}
