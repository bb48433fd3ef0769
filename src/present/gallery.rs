//! The gallery: our example packages and compositions, as `examples/index.json` lists them
//! (written by scripts/build-fixtures, built into the page and served beside it with the
//! examples' files), and where each file is fetched.

use serde::Deserialize;

/// Where the build puts the examples, relative to the page.
pub const EXAMPLES_DIR: &str = "examples";

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Gallery {
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Example {
    pub name: String,
    pub summary: String,
    pub files: Vec<String>,
    /// A composition: its files are relative to the examples folder, not to its own.
    #[serde(default)]
    pub set: bool,
}

impl Gallery {
    /// The index this build ships its examples with. Built in rather than fetched: the
    /// gallery shows as soon as the page starts, a round trip sooner on a slow network.
    pub fn shipped() -> Result<Self, String> {
        Self::parse(include_bytes!("../../examples/index.json"))
    }

    /// An index; serde's words when it is not one.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|error| error.to_string())
    }
}

impl Example {
    /// Where one of its files is fetched from, relative to the page.
    pub fn url(&self, file: &str) -> String {
        if self.set {
            format!("{EXAMPLES_DIR}/{file}")
        } else {
            format!("{EXAMPLES_DIR}/{}/{file}", self.name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index the build writes lists every example, each file fetched from where the build
    /// puts it: a package's under its own folder, a composition's under the examples folder.
    #[test]
    fn the_index_of_the_examples_names_where_each_file_is() {
        let gallery = Gallery::shipped().unwrap();
        let hello = gallery.examples.iter().find(|example| example.name == "hello-world").unwrap();
        assert!(!hello.set);
        assert_eq!(hello.url("manifest.json"), "examples/hello-world/manifest.json");
        let set = gallery.examples.iter().find(|example| example.set).expect("a composition in the gallery");
        assert_eq!(
            set.url("guarded-transition/app/app.manifest.json"),
            "examples/guarded-transition/app/app.manifest.json"
        );
        assert_eq!(Gallery::parse(b"{}").unwrap_err(), "missing field `examples` at line 1 column 2");
    }
}
