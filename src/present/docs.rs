//! The project's documents in the Docs view. The build copies them beside the page (index.html),
//! and the view fetches one when it is opened, so their 130 KB are not in the page's first load;
//! they come from the page's own server, offline with `trunk serve` too.
//!
//! Links between documents become in-app routes (`#docs/execution.md`); links to images and
//! other files are resolved against the document's folder, as on a forge, because the build
//! copies `docs/` beside the page.

use pulldown_cmark::{Alignment, CowStr, Event, Options, Parser, Tag, html};

use crate::package::normalize;

/// A document: its path in the repository, which is also where the build serves it.
pub struct Doc {
    pub path: &'static str,
    pub title: &'static str,
}

/// Every document, the README first. A test checks that each `docs/*.md` is here.
pub const DOCS: &[Doc] = &[
    Doc { path: "README.md", title: "Read me" },
    Doc { path: "docs/authoring.md", title: "Authoring a package" },
    Doc { path: "docs/io-contract.md", title: "The I/O contract" },
    Doc { path: "docs/adapter.md", title: "The playground as an adapter" },
    Doc { path: "docs/share-link.md", title: "Share links" },
    Doc { path: "docs/execution.md", title: "Execution" },
    Doc { path: "docs/compositions.md", title: "Compositions run" },
    Doc { path: "docs/explore.md", title: "Explore" },
    Doc { path: "docs/traverse-rules.md", title: "Traverse's rules" },
    Doc { path: "docs/diagnostics.md", title: "Diagnostics" },
    Doc { path: "docs/report-json.md", title: "Report JSON" },
    Doc { path: "docs/compatibility.md", title: "Compatibility" },
    Doc { path: "ARCHITECTURE.md", title: "Architecture" },
];

/// The route of a document in the page's fragment.
pub const ROUTE_PREFIX: &str = "docs/";

/// The document a route names (`docs/execution.md`, with or without an anchor), or the README
/// for any other docs route.
pub fn find(route: &str) -> &'static Doc {
    let path = route.strip_prefix(ROUTE_PREFIX).unwrap_or(route);
    let path = path.split_once('#').map_or(path, |(path, _)| path);
    DOCS.iter().find(|doc| doc.path == path).unwrap_or(&DOCS[0])
}

/// What a route points at inside its document (`docs/docs/diagnostics.md#manifest.kind`: the
/// entry of `manifest.kind`).
pub fn anchor(route: &str) -> Option<&str> {
    route
        .trim_start_matches('#')
        .split_once('#')
        .map(|(_, anchor)| anchor)
        .filter(|anchor| !anchor.is_empty())
}

/// The document that lists every diagnostic code.
const DIAGNOSTICS: &str = "docs/diagnostics.md";

/// The route of a diagnostic code's entry in docs/diagnostics.md.
pub fn code_route(code: &str) -> String {
    format!("#{ROUTE_PREFIX}{DIAGNOSTICS}#{code}")
}

/// Where a link of the document at `doc_path` leads in the page: another document's route
/// (`#docs/docs/execution.md`), or a file resolved against the document's folder.
fn link_target<'a>(doc_path: &str, url: CowStr<'a>) -> CowStr<'a> {
    if url.contains("://") || url.starts_with('#') || url.starts_with("mailto:") {
        return url;
    }
    let (target, _anchor) = url.split_once('#').unwrap_or((&url, ""));
    // Relative to the page itself, never to the server's root, so a build served under a path works.
    let resolved = match doc_path.rsplit_once('/') {
        Some((folder, _)) => normalize(&format!("{folder}/{target}")),
        None => normalize(target),
    };
    if DOCS.iter().any(|doc| doc.path == resolved) {
        format!("#{ROUTE_PREFIX}{resolved}").into()
    } else {
        resolved.into()
    }
}

/// `markdown`, the document at `path`, as HTML, with its links rewritten for the page.
pub fn render(path: &str, markdown: &str) -> String {
    let rewrite = |url| link_target(path, url);
    let events = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|event| match event {
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url: rewrite(dest_url), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Image { link_type, dest_url: rewrite(dest_url), title, id })
        }
        // Column alignment would be an inline style, which the page's policy refuses.
        Event::Start(Tag::Table(alignments)) => {
            Event::Start(Tag::Table(vec![Alignment::None; alignments.len()]))
        }
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_document_in_docs_is_in_the_view() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".md") {
                let path = format!("docs/{name}");
                assert!(DOCS.iter().any(|doc| doc.path == path), "{path} is missing from docs::DOCS");
            }
        }
    }

    #[test]
    fn links_between_documents_become_routes_and_images_resolve() {
        let html = render(
            "docs/a.md",
            "[x](execution.md#fuel) [r](../README.md) [w](https://example.org) [t](../src/lib.rs) ![s](screenshot.png)\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n",
        );
        assert!(html.contains(r##"href="#docs/docs/execution.md""##), "{html}");
        assert!(html.contains(r##"href="#docs/README.md""##), "{html}");
        assert!(html.contains(r#"href="https://example.org""#), "{html}");
        assert!(html.contains(r#"href="src/lib.rs""#), "{html}");
        assert!(html.contains(r#"src="docs/screenshot.png""#), "{html}");
        assert!(!html.contains("style="), "{html}");
    }

    /// What the build copies beside the page: index.html's `copy-dir` folders and `copy-file`s.
    fn served(rel: &str) -> Vec<String> {
        let index =
            std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("index.html"))
                .unwrap();
        index
            .lines()
            .filter(|line| line.contains(&format!(r#"rel="{rel}""#)))
            .filter_map(|line| Some(line.split(r#"href=""#).nth(1)?.split('"').next()?.to_owned()))
            .collect()
    }

    #[test]
    fn every_document_is_served_beside_the_page() {
        let (folders, files) = (served("copy-dir"), served("copy-file"));
        for doc in DOCS {
            let in_folder =
                doc.path.split_once('/').is_some_and(|(folder, _)| folders.iter().any(|f| f == folder));
            assert!(in_folder || files.iter().any(|file| file == doc.path), "{} is not served", doc.path);
        }
    }

    /// Every link of every document leads somewhere inside the app, offline: another document,
    /// or a file the build copies beside the page (index.html's `copy-dir` folders).
    #[test]
    fn every_link_in_the_documents_resolves_inside_the_app() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let served = served("copy-dir");
        assert_eq!(served, ["examples", "docs"]);
        let mut links = 0;
        for doc in DOCS {
            let markdown = std::fs::read_to_string(root.join(doc.path)).unwrap();
            for event in Parser::new_ext(&markdown, Options::ENABLE_TABLES) {
                let (Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. })) =
                    event
                else {
                    continue;
                };
                let target = link_target(doc.path, dest_url.clone());
                links += 1;
                if let Some(route) = target.strip_prefix('#') {
                    let path = route.strip_prefix(ROUTE_PREFIX);
                    assert!(
                        path.is_some_and(|path| DOCS.iter().any(|d| d.path == path)),
                        "{}: {dest_url} is an anchor the Docs view cannot follow",
                        doc.path
                    );
                } else {
                    let inside = served.iter().any(|folder| target.starts_with(&format!("{folder}/")));
                    assert!(
                        inside && root.join(&*target).is_file(),
                        "{}: {dest_url} ({target}) leads outside the app",
                        doc.path
                    );
                }
            }
        }
        assert!(links > 0);
    }

    /// A diagnostic's code leads to its entry: the route opens docs/diagnostics.md, and every
    /// code the checks give is written there as `code`, for the Docs view to find.
    #[test]
    fn a_code_route_opens_the_diagnostics_at_the_code() {
        let route = code_route("manifest.misspelt_field");
        assert_eq!(route, "#docs/docs/diagnostics.md#manifest.misspelt_field");
        assert_eq!(find(route.trim_start_matches('#')).path, "docs/diagnostics.md");
        assert_eq!(anchor(&route), Some("manifest.misspelt_field"));
        assert_eq!(anchor("#docs/docs/diagnostics.md"), None);
        let listed =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md")).unwrap();
        assert!(listed.contains("`manifest.misspelt_field`"));
    }

    #[test]
    fn an_unknown_route_shows_the_readme() {
        assert_eq!(find("docs/nope.md").path, "README.md");
        assert_eq!(find("docs/docs/execution.md").path, "docs/execution.md");
    }
}
