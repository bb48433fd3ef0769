//! The project's documents, compiled in, so the Docs view works offline from any build.
//!
//! Links between documents become in-app routes (`#docs/execution.md`); links to images and
//! other files are resolved against the document's folder, as on a forge, because the build
//! copies `docs/` beside the page.

use pulldown_cmark::{Alignment, CowStr, Event, Options, Parser, Tag, html};

use crate::package::normalize;

/// A document: its path in the repository and its Markdown.
pub struct Doc {
    pub path: &'static str,
    pub title: &'static str,
    pub markdown: &'static str,
}

/// Every document, the README first. A test checks that each `docs/*.md` is here.
pub const DOCS: &[Doc] = &[
    Doc { path: "README.md", title: "Read me", markdown: include_str!("../../README.md") },
    Doc {
        path: "docs/authoring.md",
        title: "Authoring a package",
        markdown: include_str!("../../docs/authoring.md"),
    },
    Doc {
        path: "docs/io-contract.md",
        title: "The I/O contract",
        markdown: include_str!("../../docs/io-contract.md"),
    },
    Doc {
        path: "docs/adapter.md",
        title: "The playground as an adapter",
        markdown: include_str!("../../docs/adapter.md"),
    },
    Doc {
        path: "docs/share-link.md",
        title: "Share links",
        markdown: include_str!("../../docs/share-link.md"),
    },
    Doc { path: "docs/execution.md", title: "Execution", markdown: include_str!("../../docs/execution.md") },
    Doc {
        path: "docs/compositions.md",
        title: "Compositions run",
        markdown: include_str!("../../docs/compositions.md"),
    },
    Doc {
        path: "docs/traverse-rules.md",
        title: "Traverse's rules",
        markdown: include_str!("../../docs/traverse-rules.md"),
    },
    Doc {
        path: "docs/diagnostics.md",
        title: "Diagnostics",
        markdown: include_str!("../../docs/diagnostics.md"),
    },
    Doc {
        path: "docs/report-json.md",
        title: "Report JSON",
        markdown: include_str!("../../docs/report-json.md"),
    },
    Doc {
        path: "docs/compatibility.md",
        title: "Compatibility",
        markdown: include_str!("../../docs/compatibility.md"),
    },
    Doc { path: "ARCHITECTURE.md", title: "Architecture", markdown: include_str!("../../ARCHITECTURE.md") },
];

/// The route of a document in the page's fragment.
pub const ROUTE_PREFIX: &str = "docs/";

/// The document a route names (`docs/execution.md`), or the README for any other docs route.
pub fn find(route: &str) -> &'static Doc {
    let path = route.strip_prefix(ROUTE_PREFIX).unwrap_or(route);
    DOCS.iter().find(|doc| doc.path == path).unwrap_or(&DOCS[0])
}

/// Where a link of the document at `doc_path` leads in the page: another document's route
/// (`#docs/docs/execution.md`), or a file resolved against the document's folder.
fn link_target(doc_path: &str, url: CowStr<'static>) -> CowStr<'static> {
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

/// `doc` as HTML, with its links rewritten for the page.
pub fn render(doc: &Doc) -> String {
    let rewrite = |url| link_target(doc.path, url);
    let events = Parser::new_ext(doc.markdown, Options::ENABLE_TABLES).map(|event| match event {
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
        let doc = Doc {
            path: "docs/a.md",
            title: "a",
            markdown: "[x](execution.md#fuel) [r](../README.md) [w](https://example.org) [t](../src/lib.rs) ![s](screenshot.png)\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n",
        };
        let html = render(&doc);
        assert!(html.contains(r##"href="#docs/docs/execution.md""##), "{html}");
        assert!(html.contains(r##"href="#docs/README.md""##), "{html}");
        assert!(html.contains(r#"href="https://example.org""#), "{html}");
        assert!(html.contains(r#"href="src/lib.rs""#), "{html}");
        assert!(html.contains(r#"src="docs/screenshot.png""#), "{html}");
        assert!(!html.contains("style="), "{html}");
    }

    /// Every link of every document leads somewhere inside the app, offline: another document,
    /// or a file the build copies beside the page (index.html's `copy-dir` folders).
    #[test]
    fn every_link_in_the_documents_resolves_inside_the_app() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let index = std::fs::read_to_string(root.join("index.html")).unwrap();
        let served: Vec<&str> = index
            .lines()
            .filter(|line| line.contains(r#"rel="copy-dir""#))
            .filter_map(|line| line.split(r#"href=""#).nth(1)?.split('"').next())
            .collect();
        assert_eq!(served, ["examples", "docs"]);
        let mut links = 0;
        for doc in DOCS {
            for event in Parser::new_ext(doc.markdown, Options::ENABLE_TABLES) {
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

    #[test]
    fn an_unknown_route_shows_the_readme() {
        assert_eq!(find("docs/nope.md").path, "README.md");
        assert_eq!(find("docs/docs/execution.md").path, "docs/execution.md");
    }
}
