//! A package as a set of files keyed by relative path, and Traverse's path rules over it.
//!
//! Traverse reads a manifest's files from disk, joining each raw relative path to the manifest's
//! folder (`../` allowed) and printing that join un-normalised (`pkg/./src/agent.rs`). Here the
//! files come from an upload or a folder, so lookups use the normalised join, and messages keep
//! Traverse's form (SPEC §2.2, §10).

pub mod archive;
pub mod digest;
#[cfg(not(target_arch = "wasm32"))]
pub mod disk;
pub mod json_path;
pub mod template;
pub mod workspace;

use std::{collections::BTreeMap, sync::OnceLock};

use self::{digest::Digests, workspace::Kind};

/// The files of a package (and anything beside it that its paths reach), by normalised path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageFiles {
    files: BTreeMap<String, File>,
}

/// A file's bytes and, once asked for, their digests and kind: the checks run again on every
/// edit of any file, and hashing a large binary or scanning a large document each time would
/// dominate them.
#[derive(Debug, Clone)]
struct File {
    bytes: Vec<u8>,
    digests: OnceLock<Digests>,
    kind: OnceLock<Kind>,
}

impl File {
    fn new(bytes: Vec<u8>, digests: OnceLock<Digests>) -> Self {
        Self { bytes, digests, kind: OnceLock::new() }
    }
}

/// Files are equal by their bytes; whether the digests were computed yet does not matter.
impl PartialEq for File {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for File {}

impl PackageFiles {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a file; `path` is relative (`pkg/manifest.json`, `./contract.json`).
    pub fn insert(&mut self, path: &str, bytes: impl Into<Vec<u8>>) {
        self.files.insert(normalize(path), File::new(bytes.into(), OnceLock::new()));
    }

    /// Adds or replaces a file whose digests were computed elsewhere (off the page's thread).
    pub fn insert_hashed(&mut self, path: &str, bytes: Vec<u8>, digests: Digests) {
        self.files.insert(normalize(path), File::new(bytes, OnceLock::from(digests)));
    }

    /// Removes a file, returning whether it was there.
    pub fn remove(&mut self, path: &str) -> bool {
        self.files.remove(&normalize(path)).is_some()
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(&normalize(path)).map(|file| file.bytes.as_slice())
    }

    /// The file's digests, computed on the first call for this content and kept with it.
    pub fn digests(&self, path: &str) -> Option<&Digests> {
        self.files.get(&normalize(path)).map(|file| file.digests.get_or_init(|| Digests::of(&file.bytes)))
    }

    /// What the file is ([`workspace::kind_of_file`]), worked out on the first call for this
    /// content and kept with it.
    pub fn kind(&self, path: &str) -> Option<Kind> {
        let key = normalize(path);
        let file = self.files.get(&key)?;
        Some(*file.kind.get_or_init(|| workspace::kind_of_file(&key, &file.bytes)))
    }

    /// All paths, normalised, in byte order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

/// A path from a manifest, resolved against the manifest's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedPath {
    /// The join as Traverse prints it: folder + `/` + raw string, not normalised.
    pub display: String,
    /// The normalised join, the key to look the file up with.
    pub key: String,
}

/// Joins `raw` to the folder of `manifest_path`, as Rust's `Path::join` does for Traverse.
pub fn resolve(manifest_path: &str, raw: &str) -> ResolvedPath {
    let folder = manifest_path.rsplit_once('/').map_or("", |(folder, _)| folder);
    let display = if folder.is_empty() || raw.starts_with('/') {
        raw.to_owned()
    } else {
        format!("{}/{raw}", folder.trim_end_matches('/'))
    };
    ResolvedPath { key: normalize(&display), display }
}

/// An artifact's identity as Traverse writes it: `id@version`. Made here and taken apart by
/// [`split_key`] only, so every layer writes and reads it alike.
pub fn key(id: &str, version: &str) -> String {
    format!("{id}@{version}")
}

/// `id@version` taken apart at its last `@` (an id may hold one, a version never does).
pub fn split_key(key: &str) -> Option<(&str, &str)> {
    key.rsplit_once('@')
}

/// Drops `.` and empty segments and folds `dir/..`; a `..` above the start is kept, so such a
/// path names a file outside the package that the user must add under that name.
pub fn normalize(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." if segments.last().is_some_and(|last| *last != "..") => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let joined = segments.join("/");
    if path.starts_with('/') { format!("/{joined}") } else { joined }
}

/// `path` as it can be shown safely: control characters and the invisible characters that
/// reorder text (U+202E before `gnp.exe` makes it read `exe.png`) are written as `\u{…}` escapes.
pub fn shown_path(path: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !path.chars().any(hidden) {
        return path.into();
    }
    path.chars()
        .map(|c| if hidden(c) { format!("\\u{{{:x}}}", u32::from(c)) } else { c.to_string() })
        .collect()
}

/// A file's path and why it was left out.
pub type PathProblem = (String, String);

/// The files of one set (a drop, a zip, a link) that can be kept under their paths, and a
/// problem for each that cannot, by its path: one whose path normalises to nothing (`b/..`); one
/// whose name an archive must not carry (absolute, on a Windows drive, with a control
/// character), since a download would write it out again; and one whose path normalises to that
/// of a file before it (`pkg/./manifest.json` after `pkg/manifest.json`, a zip's second entry of
/// one name), or differs from it only in letter case or Unicode form (`Manifest.json`, `café`
/// composed and decomposed), which would silently replace it, here or on the disk it is
/// unpacked to. One bad entry costs only itself. A leading `..` is kept: Traverse's packages name
/// contracts outside their folder.
pub fn distinct_paths<T>(
    files: impl IntoIterator<Item = (String, T)>,
) -> (Vec<(String, T)>, Vec<PathProblem>) {
    let mut kept: Vec<(String, T)> = Vec::new();
    let mut problems = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut seen_folded: BTreeMap<String, String> = BTreeMap::new();
    for (path, content) in files {
        let normalized = normalize(&path);
        let folded = folded(&normalized);
        let problem = if normalized.trim_matches('/').is_empty()
            || normalized.rsplit('/').next() == Some("..")
        {
            Some("its path names no file once \".\" and \"..\" are resolved; it was left out".to_owned())
        } else if let Some(unsafe_name) = unsafe_name(&normalized) {
            Some(format!("{unsafe_name}, which no archive should carry; it was left out"))
        } else if let Some(first) = seen.get(&normalized) {
            Some(if *first == path {
                "appears more than once; the first was kept and the others left out".to_owned()
            } else {
                format!("is the same path as {first}, which was kept; it was left out")
            })
        } else {
            seen_folded.get(&folded).map(|first| {
                format!(
                    "differs from {first} only in letter case or Unicode form, so one would replace the other on a \
                     disk that ignores these (macOS, Windows); {first} was kept and this one left out"
                )
            })
        };
        match problem {
            Some(problem) => problems.push((path, problem)),
            None => {
                seen.insert(normalized, path.clone());
                seen_folded.insert(folded, path.clone());
                kept.push((path, content));
            }
        }
    }
    (kept, problems)
}

/// Why a normalised path is no name for a file in an archive, if it is not.
fn unsafe_name(normalized: &str) -> Option<&'static str> {
    let first = normalized.split('/').next().unwrap_or_default();
    if normalized.starts_with('/') {
        Some("it is an absolute path")
    } else if first.as_bytes().get(1) == Some(&b':') && first.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("it names a Windows drive")
    } else if normalized.chars().any(char::is_control) {
        Some("its name holds a control character")
    } else {
        None
    }
}

/// The path as a disk that ignores letter case and Unicode form compares it.
fn folded(normalized: &str) -> String {
    composed(normalized).to_lowercase()
}

/// The text in Unicode's composed form (NFC): natively by `unicode-normalization`; in the
/// browser by its own `String.prototype.normalize`, which keeps the crate's tables (63 KB gzip)
/// out of the page's first load.
#[cfg(not(target_arch = "wasm32"))]
fn composed(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfc().collect()
}

#[cfg(target_arch = "wasm32")]
fn composed(text: &str) -> String {
    js_sys::JsString::from(text).normalize("NFC").into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_with_hidden_characters_escaped() {
        assert_eq!(shown_path("pkg/manifest.json"), "pkg/manifest.json");
        assert_eq!(shown_path("\u{202e}gnp.exe"), "\\u{202e}gnp.exe");
        assert_eq!(shown_path("a\0b\u{2066}.wasm"), "a\\u{0}b\\u{2066}.wasm");
        assert_eq!(shown_path("Zoë.json"), "Zoë.json");
    }

    #[test]
    fn paths_that_name_nothing_or_the_same_file_cost_only_themselves() {
        let given =
            ["pkg/manifest.json", "b/..", "pkg/./manifest.json", "a/b/../c.json", "./", "a/c.json", "../.."];
        let (kept, problems) = distinct_paths(given.iter().map(|path| (path.to_string(), ())));
        let kept: Vec<_> = kept.into_iter().map(|(path, ())| path).collect();
        assert_eq!(kept, ["pkg/manifest.json", "a/b/../c.json"]);
        let named: Vec<_> = problems.iter().map(|(path, problem)| format!("{path}: {problem}")).collect();
        assert_eq!(
            named,
            [
                "b/..: its path names no file once \".\" and \"..\" are resolved; it was left out",
                "pkg/./manifest.json: is the same path as pkg/manifest.json, which was kept; it was left out",
                "./: its path names no file once \".\" and \"..\" are resolved; it was left out",
                "a/c.json: is the same path as a/b/../c.json, which was kept; it was left out",
                "../..: its path names no file once \".\" and \"..\" are resolved; it was left out",
            ]
        );
    }

    #[test]
    fn names_no_archive_should_carry_and_names_one_disk_would_merge_are_left_out() {
        let given = [
            "manifest.json",
            "manifest.json",
            "Manifest.json",
            "caf\u{e9}.json",
            "cafe\u{301}.json",
            "/etc/cron.d/job",
            "C:/Windows/win.ini",
            "c:evil",
            "notes\u{7}.txt",
            "../../../contracts/c.json",
            "notes:a.json",
        ];
        let (kept, problems) = distinct_paths(given.iter().map(|path| (path.to_string(), ())));
        let kept: Vec<_> = kept.into_iter().map(|(path, ())| path).collect();
        assert_eq!(kept, ["manifest.json", "caf\u{e9}.json", "../../../contracts/c.json", "notes:a.json"]);
        let named: Vec<_> =
            problems.iter().map(|(path, problem)| format!("{}: {problem}", shown_path(path))).collect();
        assert_eq!(
            named,
            [
                "manifest.json: appears more than once; the first was kept and the others left out",
                "Manifest.json: differs from manifest.json only in letter case or Unicode form, so one would replace the \
                 other on a disk that ignores these (macOS, Windows); manifest.json was kept and this one left out",
                "cafe\u{301}.json: differs from caf\u{e9}.json only in letter case or Unicode form, so one would replace \
                 the other on a disk that ignores these (macOS, Windows); caf\u{e9}.json was kept and this one left out",
                "/etc/cron.d/job: it is an absolute path, which no archive should carry; it was left out",
                "C:/Windows/win.ini: it names a Windows drive, which no archive should carry; it was left out",
                "c:evil: it names a Windows drive, which no archive should carry; it was left out",
                "notes\\u{7}.txt: its name holds a control character, which no archive should carry; it was left out",
            ]
        );
    }

    #[test]
    fn joins_like_traverse_and_looks_up_normalised() {
        let cases = [
            ("pkg/manifest.json", "./src/agent.rs", "pkg/./src/agent.rs", "pkg/src/agent.rs"),
            ("manifest.json", "./contract.json", "./contract.json", "contract.json"),
            (
                "examples/hello-world/say-hello-agent/manifest.json",
                "../../../contracts/examples/hello-world/capabilities/say-hello/contract.json",
                "examples/hello-world/say-hello-agent/../../../contracts/examples/hello-world/capabilities/say-hello/contract.json",
                "contracts/examples/hello-world/capabilities/say-hello/contract.json",
            ),
            ("pkg/manifest.json", "../../outside.json", "pkg/../../outside.json", "../outside.json"),
            ("pkg/manifest.json", "/abs/contract.json", "/abs/contract.json", "/abs/contract.json"),
        ];
        for (manifest, raw, display, key) in cases {
            assert_eq!(
                resolve(manifest, raw),
                ResolvedPath { display: display.into(), key: key.into() },
                "{raw}"
            );
        }
    }

    #[test]
    fn files_are_found_by_any_spelling_of_their_path() {
        let mut files = PackageFiles::new();
        files.insert("./pkg//artifacts/agent.wasm", b"\0asm".to_vec());
        assert_eq!(files.get("pkg/artifacts/../artifacts/agent.wasm"), Some(&b"\0asm"[..]));
        assert_eq!(files.paths().collect::<Vec<_>>(), ["pkg/artifacts/agent.wasm"]);
    }
}
