//! ARCHITECTURE.md stays true to the tree: every file its tree names exists, every file of
//! `src/` is in its tree, and every module path it names (`check::verdict`, `run::plan`)
//! resolves to a module, or to an item defined in one.

use std::path::{Path, PathBuf};

const LAYERS: &[&str] = &["package", "check", "run", "explore", "present", "web"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn architecture() -> String {
    std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap()
}

/// The files the tree under "## The tree" names, as paths from the repository's root.
fn files_in_tree(doc: &str) -> Vec<PathBuf> {
    let block = doc.split("## The tree").nth(1).unwrap().split("```").nth(1).unwrap();
    let mut folders: Vec<(usize, String)> = Vec::new();
    let mut files = Vec::new();
    for line in block.lines().filter(|line| !line.trim().is_empty()) {
        let indent = line.len() - line.trim_start().len();
        let first = line.split_whitespace().next().unwrap().trim_end_matches(',');
        if !(first.ends_with('/') || first.ends_with(".rs")) {
            continue; // a description's continuation
        }
        folders.retain(|(depth, _)| *depth < indent);
        let folder: String = folders.iter().map(|(_, name)| name.as_str()).collect();
        if first.ends_with('/') {
            folders.push((indent, first.to_owned()));
            continue;
        }
        let names =
            line.split_whitespace().map(|word| word.trim_end_matches(',')).take_while(|w| w.ends_with(".rs"));
        files.extend(names.map(|name| PathBuf::from(format!("{folder}{name}"))));
    }
    files
}

fn rust_files(folder: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            into.push(path.strip_prefix(root()).unwrap().to_owned());
        }
    }
}

#[test]
fn the_tree_names_every_source_file_and_only_those() {
    let named = files_in_tree(&architecture());
    assert!(named.len() > 40, "the tree was not read: {named:?}");
    for file in &named {
        assert!(root().join(file).is_file(), "ARCHITECTURE.md names {} which does not exist", file.display());
    }
    let mut actual = Vec::new();
    rust_files(&root().join("src"), &mut actual);
    for file in actual {
        // A folder's mod.rs is named by its folder.
        let covered = named.contains(&file) || file.ends_with("mod.rs");
        assert!(covered, "{} is missing from ARCHITECTURE.md's tree", file.display());
    }
}

/// The shell draws and forwards (ARCHITECTURE.md): no file of `web` parses JSON or takes an
/// `id@version` apart. Whatever needs it is a function of the core, which the native tests
/// reach; a new parse in the shell fails here.
#[test]
fn the_shell_parses_no_json_and_splits_no_ids() {
    let mut files = Vec::new();
    rust_files(&root().join("src/web"), &mut files);
    assert!(files.len() > 20, "the shell was not read: {files:?}");
    for file in files {
        let text = std::fs::read_to_string(root().join(&file)).unwrap();
        for forbidden in
            ["serde_json::from_", "from_str::<", "split_once('@')", "rsplit_once('@')", "split('@')"]
        {
            assert!(
                !text.contains(forbidden),
                "{} uses {forbidden}: that decision belongs in the core",
                file.display()
            );
        }
    }
}

#[test]
fn only_the_page_binary_carries_a_javascript_snippet() {
    // Every binary writes the library's snippets into trunk's one wasm-bindgen folder, so a
    // worker's build can rewrite the page's snippet while trunk hashes it (src/main.rs).
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    assert!(files.len() > 50, "the sources were not read: {files:?}");
    let with_snippet: Vec<_> = files
        .iter()
        .filter(|file| {
            let text = std::fs::read_to_string(root().join(file)).unwrap();
            text.contains("inline_js =") || text.contains("wasm_bindgen(module =")
        })
        .collect();
    assert_eq!(with_snippet, [Path::new("src/main.rs")]);
}

#[test]
fn code_the_page_runs_sorts_through_sorted() {
    // Each `sort_by` adds a copy of the standard library's sort to the page's wasm (src/sorted.rs).
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    assert!(files.len() > 50, "the sources were not read: {files:?}");
    let native_or_the_helper = [Path::new("src/bin/traverse-playground.rs"), Path::new("src/sorted.rs")];
    for file in files.iter().filter(|file| !native_or_the_helper.contains(&file.as_path())) {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        for sort in [".sort(", ".sort_by(", ".sort_by_key(", ".sort_by_cached_key(", ".sort_unstable"] {
            assert!(!code.contains(sort), "{} calls {sort}: sort through crate::sorted", file.display());
        }
    }
}

/// The source file of module `segments` (`["check", "verdict"]`), if there is one.
fn module_file(segments: &[&str]) -> Option<PathBuf> {
    let base = root().join("src").join(segments.join("/"));
    [base.with_extension("rs"), base.join("mod.rs")].into_iter().find(|path| path.is_file())
}

fn defines(source: &str, name: &str) -> bool {
    ["fn", "struct", "enum", "const", "trait", "type", "mod", "static"]
        .iter()
        .any(|kind| source.contains(&format!("{kind} {name}")))
}

#[test]
fn every_module_path_it_names_exists() {
    // Without the fences, every backtick opens or closes an inline code span.
    let doc = architecture().replace("```", "");
    let paths: Vec<&str> = doc
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|code| {
            let first = code.split("::").next().unwrap();
            code.contains("::")
                && LAYERS.contains(&first)
                && code.chars().all(|c| c.is_alphanumeric() || "_:".contains(c))
        })
        .collect();
    assert!(paths.len() > 20, "no module paths were found: {paths:?}");
    for path in paths {
        let segments: Vec<&str> = path.split("::").collect();
        // The longest prefix that is a module; what follows must be defined in it.
        let (module, items) = (1..=segments.len())
            .rev()
            .find_map(|n| module_file(&segments[..n]).map(|file| (file, &segments[n..])))
            .unwrap_or_else(|| panic!("`{path}` in ARCHITECTURE.md is no module"));
        let source = std::fs::read_to_string(&module).unwrap();
        assert!(items.len() <= 2, "`{path}`: too deep to check");
        for item in items {
            assert!(defines(&source, item), "`{path}`: {} defines no {item}", module.display());
        }
    }
}

/// Each layer uses only the layers before it in this list (and itself), as ARCHITECTURE.md says.
#[test]
fn no_layer_reaches_into_a_later_one() {
    fn layers_used(source: &str) -> Vec<&str> {
        let mut used = Vec::new();
        for (index, _) in source.match_indices("crate::") {
            let rest = &source[index + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // A grouped import: its top-level names, one per line as rustfmt writes them.
                let group = &group[..group.find("\n}").unwrap_or(group.len())];
                used.extend(
                    group.lines().filter_map(|line| line.trim().split("::").next()).filter(|s| !s.is_empty()),
                );
            } else {
                used.extend(rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next());
            }
        }
        used
    }
    for (position, layer) in LAYERS.iter().enumerate() {
        let mut files = Vec::new();
        rust_files(&root().join("src").join(layer), &mut files);
        assert!(!files.is_empty(), "no files in {layer}");
        for file in files {
            let source = std::fs::read_to_string(root().join(&file)).unwrap();
            for used in layers_used(&source).into_iter().filter(|used| LAYERS.contains(used)) {
                let allowed = LAYERS.iter().position(|l| *l == used).unwrap() <= position;
                assert!(allowed, "{} ({layer}) uses {used}, a later layer", file.display());
            }
        }
    }
}
