//! A demo embedded in someone's page: the playground opened in an iframe with `embed` in its
//! query shows a compact view, and with `run` too runs the chosen input once loaded. The share
//! area offers the iframe code; the compact view links back to the full page with the same
//! state.

/// What the page's query asks of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Embed {
    /// Run the chosen input once the state is loaded.
    pub run: bool,
}

impl Embed {
    /// The embed the query (`?embed&run`, `location.search`) asks for; `None` for the full page.
    pub fn from_query(query: &str) -> Option<Self> {
        let names: Vec<&str> = query
            .trim_start_matches('?')
            .split('&')
            .map(|pair| pair.split('=').next().unwrap_or(""))
            .collect();
        names.contains(&"embed").then(|| Self { run: names.contains(&"run") })
    }
}

/// The page's own address, without query or fragment: where the full page and embeds start.
pub fn page_address(href: &str) -> &str {
    let end = href.find(['?', '#']).unwrap_or(href.len());
    &href[..end]
}

/// The full page with `fragment` (`share=…`), the state an embed shows.
pub fn full_page_url(href: &str, fragment: &str) -> String {
    format!("{}#{fragment}", page_address(href))
}

/// The iframe code that embeds the page at `href` with `fragment`, running it once loaded.
pub fn iframe_code(href: &str, fragment: &str) -> String {
    format!(
        r#"<iframe src="{}?embed&amp;run#{fragment}" width="600" height="400" title="Traverse Playground" loading="lazy"></iframe>"#,
        page_address(href)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_asks_for_an_embed_and_a_run() {
        assert_eq!(Embed::from_query(""), None);
        assert_eq!(Embed::from_query("?theme=dark"), None);
        assert_eq!(Embed::from_query("?embed"), Some(Embed { run: false }));
        assert_eq!(Embed::from_query("?embed&run"), Some(Embed { run: true }));
        assert_eq!(Embed::from_query("?run=1&embed=yes"), Some(Embed { run: true }));
        assert_eq!(Embed::from_query("?embedded"), None);
    }

    #[test]
    fn the_embed_and_the_full_page_keep_the_state_and_drop_the_query() {
        let href = "https://example.org/docs/playground/?embed&run#share=1.abc";
        assert_eq!(page_address(href), "https://example.org/docs/playground/");
        assert_eq!(full_page_url(href, "share=1.abc"), "https://example.org/docs/playground/#share=1.abc");
        let code = iframe_code("https://example.org/p/index.html", "share=1.x");
        assert!(code.starts_with(r#"<iframe src="https://example.org/p/index.html?embed&amp;run#share=1.x" width="600" height="400" "#), "{code}");
    }
}
