//! Share links: the playground's state in a URL fragment (docs/share-link.md).
//!
//! A link is `#share=<version>.<data>`, where `<data>` is the [`SharedState`] as JSON, raw
//! deflate compressed, base64url without padding. The version sits outside the compressed data
//! so a link from a newer playground is refused by number, before anything is decompressed. A
//! binary travels inline while the link stays under [`LINK_LIMIT_BYTES`]; otherwise only its
//! SHA-256, and the person opening the link drops the matching file. A link to one of the
//! gallery's examples names it and carries only what changed ([`SharedState::for_link`]); files
//! no check or run reads (sources, build scripts, lock files) travel only when asked. The same
//! encoding keeps the page's state across reloads, with every file inline.
//!
//! Invariant: decoding never trusts its input: every size is bounded before it is spent.

use std::{collections::BTreeSet, fmt, io::Read};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use flate2::{Compression, read::DeflateDecoder, write::DeflateEncoder};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{
    package::{PackageFiles, digest, distinct_paths, resolve},
    run::{plan::InputChoice, settings::Settings},
    sorted,
};

/// The fragment key: `#share=…`.
pub const FRAGMENT_KEY: &str = "share=";
/// The version this playground writes. It reads every version from 1: version 2 added
/// `example` and `left_out`, which a version 1 link never has.
pub const FORMAT_VERSION: u32 = 2;
/// A link longer than this carries binaries by digest only (issue 6: "under 64 KiB").
pub const LINK_LIMIT_BYTES: usize = 64 * 1024;
/// The longest fragment a link may have; browsers keep URLs up to about 2 MB.
pub const MAX_LINK_FRAGMENT_BYTES: usize = 2 * 1024 * 1024;
/// The most a state saved for reloads may take: browsers keep about 5 MB per site.
pub const SAVED_STATE_LIMIT_BYTES: usize = 4 * 1024 * 1024;
/// More than deflate gains on real package files (binaries gain about 2x); a state this many
/// times over a limit is given its digests without being compressed first.
const MAX_COMPRESSION_RATIO: usize = 16;
/// The most stdin a link or the saved state keeps: more is left out, with a notice, rather than
/// deflated again at every pause in typing.
pub const MAX_KEPT_STDIN_BYTES: usize = 1 << 20;
/// The most a state's JSON may be, against deflate bombs: no state this page writes is larger
/// ([`encode_within`] gives files their digests until it fits), and inflating and reading this
/// much costs the page's thread about 0.15 s, once (250 MiB took 0.6 s).
pub const MAX_STATE_BYTES: usize = 64 * 1024 * 1024;

/// Everything a link restores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedState {
    /// The gallery example the files build on: its files the state does not carry come from
    /// the build that opens it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<ExampleBase>,
    pub files: Vec<SharedFile>,
    /// The manifest the checks run on, when the files hold more than one.
    #[serde(default)]
    pub manifest: Option<String>,
    pub input: Input,
    pub settings: Settings,
    /// The package was started from the template in the page: the binary added is pinned, and
    /// the authoring steps are shown.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub started: bool,
}

/// One file, by its path in the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedFile {
    pub path: String,
    #[serde(flatten)]
    pub content: Content,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Content {
    /// A UTF-8 file, as it is.
    Text(String),
    /// Any other file, base64url without padding.
    Base64(String),
    /// A file left out of the link: its `sha256:` digest, to verify the file dropped for it.
    Sha256(String),
    /// A source left out of the link (its size): it comes back as a placeholder that says so,
    /// since Traverse needs the file a manifest names to exist, not its content.
    LeftOut(usize),
}

impl Content {
    /// Text as it is, anything else base64url.
    fn of(bytes: &[u8]) -> Self {
        match std::str::from_utf8(bytes) {
            Ok(text) if is_text(text) => Self::Text(text.to_owned()),
            _ => Self::Base64(URL_SAFE_NO_PAD.encode(bytes)),
        }
    }

    /// Its length as written in the JSON.
    fn len(&self) -> usize {
        match self {
            Self::Text(text) | Self::Base64(text) | Self::Sha256(text) => text.len(),
            Self::LeftOut(_) => 0,
        }
    }

    /// Whether it stands for exactly `bytes`.
    fn is(&self, bytes: &[u8]) -> bool {
        match self {
            Self::Text(text) => text.as_bytes() == bytes,
            Self::Base64(data) => URL_SAFE_NO_PAD.decode(data).is_ok_and(|decoded| decoded == bytes),
            Self::Sha256(sha256) => *sha256 == digest::sha256(bytes),
            Self::LeftOut(_) => false,
        }
    }
}

/// The gallery example a state builds on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleBase {
    pub name: String,
    /// Its files as the build that wrote the state shipped them ([`shipped_digest`]): another
    /// build's example may differ in the files the state does not carry.
    pub shipped: String,
    /// Its files the state no longer has.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
}

/// A short digest of an example's files as a build ships them, paths and bytes.
pub fn shipped_digest(shipped: &PackageFiles) -> String {
    let listing: String = shipped
        .paths()
        .map(|path| format!("{path} {}\n", digest::sha256(shipped.get(path).unwrap_or_default())))
        .collect();
    digest::sha256(listing.as_bytes())["sha256:".len()..][..16].to_owned()
}

/// A state as a link carries it, and the files it leaves out for not being asked for.
#[derive(Debug)]
pub struct Linked {
    pub state: SharedState,
    pub left_out: Vec<String>,
}

/// The text that stands in for a source a link left out.
pub fn placeholder(size: usize) -> String {
    format!(
        "This file ({size} bytes) was left out of the share link that opened this page: \
         the person who shared it did not include sources. Traverse needs only that it exists.\n"
    )
}

/// What goes to the module's stdin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Input {
    /// A runtime request of the package, by path: its input is sent.
    Request(String),
    /// Text the user wrote.
    Stdin(String),
    /// A workflow of the set, by `id@version`, run directly with this input.
    Workflow { workflow: String, stdin: String },
}

impl Input {
    /// What a link keeps of the input chosen and the stdin in the editor: a request by path, a
    /// workflow with its input, or stdin; `Err(size)` for stdin over [`MAX_KEPT_STDIN_BYTES`],
    /// which a link leaves out.
    pub fn of(choice: &InputChoice, stdin: &str) -> Result<Self, usize> {
        match choice {
            InputChoice::Request(path)
            | InputChoice::Composite(path)
            | InputChoice::WorkflowRequest(path) => Ok(Self::Request(path.clone())),
            InputChoice::Workflow(workflow) => {
                Ok(Self::Workflow { workflow: workflow.clone(), stdin: stdin.to_owned() })
            }
            _ if stdin.len() > MAX_KEPT_STDIN_BYTES => Err(stdin.len()),
            _ => Ok(Self::Stdin(stdin.to_owned())),
        }
    }
}

/// What a state restores ([`SharedState::unpack`]).
#[derive(Debug)]
pub struct Unpacked {
    pub files: PackageFiles,
    /// Files named only by their `sha256:` digest, as (path, digest), for the user to give back.
    pub awaited: Vec<(String, String)>,
    /// Files that could not be restored, as (path, why).
    pub problems: Vec<(String, String)>,
    /// Sources the link left out, each restored as its [`placeholder`], as (path, size).
    pub left_out: Vec<(String, usize)>,
}

/// Why a fragment was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareError {
    TooLarge { bytes: usize, limit: usize },
    Version { found: String },
    Malformed(String),
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { bytes, limit } => {
                write!(f, "the shared state is {bytes} bytes, more than the {limit} this playground accepts")
            }
            Self::Version { found } => write!(
                f,
                "the link is share-link version {found}; this playground reads versions 1 to {FORMAT_VERSION}"
            ),
            Self::Malformed(why) => write!(f, "the link is damaged: {why}"),
        }
    }
}

impl std::error::Error for ShareError {}

impl SharedState {
    /// The files as loaded: text as text, the rest base64, or by SHA-256 when larger than
    /// `inline_up_to` bytes, text or not: such a file can never fit a state of that size, and
    /// encoding it would cost more than the whole of any real package. Its digest is the one
    /// the files keep, computed once.
    pub fn files_from(files: &PackageFiles, inline_up_to: usize) -> Vec<SharedFile> {
        files
            .paths()
            .map(|path| {
                let bytes = files.get(path).unwrap_or_default();
                let content = if bytes.len() > inline_up_to {
                    Content::Sha256(files.digests(path).map(|d| d.sha256.clone()).unwrap_or_default())
                } else {
                    Content::of(bytes)
                };
                SharedFile { path: path.to_owned(), content }
            })
            .collect()
    }

    /// Names the gallery example the files were loaded from, `shipped` as the build ships it,
    /// and the example's files the state no longer has.
    pub fn on_example(mut self, name: &str, shipped: &PackageFiles) -> Self {
        let removed = shipped
            .paths()
            .filter(|path| !self.files.iter().any(|file| file.path == *path))
            .map(str::to_owned)
            .collect();
        self.example = Some(ExampleBase { name: name.to_owned(), shipped: shipped_digest(shipped), removed });
        self
    }

    /// The state as a link carries it: a file as the example ships it (`shipped`) goes by the
    /// example's name alone, and a file no check or run reads (neither JSON nor WebAssembly:
    /// sources, build scripts, lock files) only `with_sources`. Of those, one that a JSON file
    /// of the state names (a manifest's `source.path`) goes as its size, so that it still
    /// exists for Traverse's checks where the link is opened; the others are left out.
    pub fn for_link(mut self, shipped: Option<&PackageFiles>, with_sources: bool) -> Linked {
        let named = if with_sources { BTreeSet::new() } else { self.named_paths() };
        let mut left_out = Vec::new();
        self.files.retain_mut(|file| {
            if shipped.and_then(|shipped| shipped.get(&file.path)).is_some_and(|bytes| file.content.is(bytes))
            {
                return false;
            }
            if with_sources || read_by_checks(file) {
                return true;
            }
            left_out.push(file.path.clone());
            if let Some(size) = named.contains(&file.path).then(|| file.size()).flatten() {
                file.content = Content::LeftOut(size);
                return true;
            }
            false
        });
        Linked { state: self, left_out }
    }

    /// Every path a JSON file of the state names, resolved against the file's folder.
    fn named_paths(&self) -> BTreeSet<String> {
        fn strings<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
            match value {
                Value::String(text) => found.push(text),
                Value::Array(items) => items.iter().for_each(|item| strings(item, found)),
                Value::Object(fields) => fields.values().for_each(|field| strings(field, found)),
                _ => {}
            }
        }
        let mut named = BTreeSet::new();
        for file in &self.files {
            let Content::Text(text) = &file.content else { continue };
            let Ok(value) = serde_json::from_str::<Value>(text) else { continue };
            let mut found = Vec::new();
            strings(&value, &mut found);
            named.extend(found.into_iter().map(|raw| resolve(&file.path, raw).key));
        }
        named
    }

    /// The state with the example's files it does not carry and did not remove taken from
    /// `shipped`, as the build that opens it ships them.
    pub fn complete(mut self, shipped: &PackageFiles) -> Self {
        let Some(example) = &self.example else { return self };
        let added: Vec<SharedFile> = shipped
            .paths()
            .filter(|path| !example.removed.iter().any(|removed| removed == path))
            .filter(|path| !self.files.iter().any(|file| file.path == *path))
            .map(|path| SharedFile {
                path: path.to_owned(),
                content: Content::of(shipped.get(path).unwrap_or_default()),
            })
            .collect();
        self.files.extend(added);
        self
    }

    /// What this state restores: the files it carries, those it names only by digest, and a
    /// problem for each file it cannot restore (a damaged one, a path that names nothing or the
    /// same file as another), by path. One bad file costs only itself.
    pub fn unpack(&self) -> Unpacked {
        let (kept, mut problems) =
            distinct_paths(self.files.iter().map(|file| (file.path.clone(), &file.content)));
        let mut files = PackageFiles::new();
        let mut awaited = Vec::new();
        let mut left_out = Vec::new();
        for (path, content) in kept {
            match content {
                Content::Text(text) => files.insert(&path, text.as_bytes()),
                Content::Base64(data) => match URL_SAFE_NO_PAD.decode(data) {
                    Ok(bytes) => files.insert(&path, bytes),
                    Err(error) => {
                        problems.push((path, format!("is damaged (not base64url: {error}); it was left out")))
                    }
                },
                Content::Sha256(sha256) => awaited.push((path, sha256.clone())),
                Content::LeftOut(size) => {
                    files.insert(&path, placeholder(*size));
                    left_out.push((path, *size));
                }
            }
        }
        Unpacked { files, awaited, problems, left_out }
    }
}

impl SharedFile {
    /// Its size in bytes, when the state carries its content.
    fn size(&self) -> Option<usize> {
        match &self.content {
            Content::Text(text) => Some(text.len()),
            Content::Base64(data) => Some(data.len() * 3 / 4),
            Content::Sha256(_) | Content::LeftOut(_) => None,
        }
    }
}

/// Whether checks or runs read the file's content: JSON (manifests, contracts, workflows,
/// requests, configurations) and WebAssembly.
fn read_by_checks(file: &SharedFile) -> bool {
    let wasm = match &file.content {
        Content::Base64(data) => data.starts_with("AGFzbQ"),
        _ => false,
    };
    file.path.ends_with(".json") || file.path.ends_with(".wasm") || wasm
}

/// Text is UTF-8 without control characters other than tab, newline, carriage return and form
/// feed; anything else (a module, an image, bytes that merely happen to be UTF-8) is binary,
/// which a link or a saved state may carry by digest only.
fn is_text(text: &str) -> bool {
    !text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c'))
}

/// The fragment value (after `#share=`) for `state`, as it is.
pub fn encode(state: &SharedState) -> String {
    deflated(&serde_json::to_vec(state).expect("shared states serialise"))
}

fn deflated(json: &[u8]) -> String {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
    std::io::Write::write_all(&mut encoder, json).expect("writing to a Vec cannot fail");
    let deflated = encoder.finish().expect("writing to a Vec cannot fail");
    format!("{FORMAT_VERSION}.{}", URL_SAFE_NO_PAD.encode(deflated))
}

/// The fragment value for a link: `state` within [`LINK_LIMIT_BYTES`] (with `#share=` in
/// front), its largest files as digests when it does not fit ([`encode_within`]).
pub fn encode_link(state: &SharedState) -> String {
    encode_within(state, LINK_LIMIT_BYTES - FRAGMENT_KEY.len() - 1)
}

/// `state` encoded within `limit` bytes, its JSON within [`MAX_STATE_BYTES`]: as it is when it
/// fits, else with its largest files replaced by their SHA-256, one at a time, until it fits,
/// for the person (or the reload) to give back. Largest first, whatever their kind, so one
/// large file never costs the small ones their place; a state that still does not fit is
/// encoded anyway, every file a digest.
pub fn encode_within(state: &SharedState, limit: usize) -> String {
    let mut state = state.clone();
    let mut largest_first: Vec<usize> = (0..state.files.len()).collect();
    sorted::sort_by_key(&mut largest_first, |&i| std::cmp::Reverse(state.files[i].content.len()));
    let mut demote = largest_first.into_iter();
    let mut raw: usize = state.files.iter().map(|file| file.content.len()).sum();
    loop {
        // Not worth deflating a state that no real package compresses enough to fit.
        if raw <= limit.saturating_mul(MAX_COMPRESSION_RATIO) {
            let json = serde_json::to_vec(&state).expect("shared states serialise");
            if json.len() <= MAX_STATE_BYTES {
                let encoded = deflated(&json);
                if encoded.len() <= limit {
                    return encoded;
                }
            }
        }
        let Some(index) =
            demote.find(|&i| !matches!(state.files[i].content, Content::Sha256(_) | Content::LeftOut(_)))
        else {
            return encode(&state);
        };
        let file = &mut state.files[index];
        raw -= file.content.len();
        let bytes = match &file.content {
            Content::Text(text) => text.as_bytes().to_vec(),
            Content::Base64(data) => URL_SAFE_NO_PAD.decode(data).unwrap_or_default(),
            Content::Sha256(_) | Content::LeftOut(_) => continue,
        };
        file.content = Content::Sha256(digest::sha256(&bytes));
        raw += file.content.len();
    }
}

/// The state in a fragment value, refused when it is longer than `limit` bytes, of another
/// version, or not what [`encode`] writes.
pub fn decode(value: &str, limit: usize) -> Result<SharedState, ShareError> {
    if value.len() > limit {
        return Err(ShareError::TooLarge { bytes: value.len(), limit });
    }
    let Some((version, data)) = value.split_once('.') else {
        return Err(ShareError::Malformed("it has no version number".into()));
    };
    if !version.parse::<u32>().is_ok_and(|version| (1..=FORMAT_VERSION).contains(&version)) {
        return Err(ShareError::Version { found: version.chars().take(20).collect() });
    }
    let deflated = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|error| ShareError::Malformed(format!("not base64url ({error})")))?;
    let mut json = Vec::new();
    DeflateDecoder::new(deflated.as_slice())
        .take(MAX_STATE_BYTES as u64 + 1)
        .read_to_end(&mut json)
        .map_err(|error| ShareError::Malformed(format!("not deflate data ({error})")))?;
    if json.len() > MAX_STATE_BYTES {
        return Err(ShareError::TooLarge { bytes: json.len(), limit: MAX_STATE_BYTES });
    }
    let state: SharedState = serde_json::from_slice(&json)
        .map_err(|error| ShareError::Malformed(format!("not a playground state ({error})")))?;
    if let Some(problem) = state.settings.problem() {
        return Err(ShareError::Malformed(format!("its settings are out of range: {problem}")));
    }
    Ok(state)
}

/// The fragment value of a share link, from `location.hash` (with or without its `#`).
pub fn from_hash(hash: &str) -> Option<&str> {
    hash.trim_start_matches('#').strip_prefix(FRAGMENT_KEY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::settings::{MAX_FUEL_BUDGET, MAX_WALL_TIME_MS};

    fn state(binary: Vec<u8>) -> SharedState {
        let mut files = PackageFiles::new();
        files.insert("pkg/manifest.json", br#"{"kind":"capability_package"}"#.to_vec());
        files.insert("pkg/artifacts/a.wasm", binary);
        SharedState {
            example: None,
            files: SharedState::files_from(&files, usize::MAX),
            manifest: Some("pkg/manifest.json".into()),
            input: Input::Stdin(r#"{"name":"Ada"}"#.into()),
            settings: Settings::default(),
            started: false,
        }
    }

    /// Bytes that deflate poorly, as a real binary does.
    fn noise(len: usize) -> Vec<u8> {
        let mut x = 0x9e37_79b9_u32;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 24) as u8 | 0x80
            })
            .collect()
    }

    #[test]
    fn a_state_round_trips_with_its_binary_inline() {
        let original = state(b"\0asm\x01\0\0\0\xff".to_vec());
        let link = encode_link(&original);
        assert!(link.starts_with(&format!("{FORMAT_VERSION}.")));
        let decoded = decode(&link, MAX_LINK_FRAGMENT_BYTES).unwrap();
        assert_eq!(decoded, original);
        let Unpacked { files, awaited, problems, .. } = decoded.unpack();
        assert_eq!(problems, []);
        assert_eq!(files.get("pkg/artifacts/a.wasm"), Some(&b"\0asm\x01\0\0\0\xff"[..]));
        assert!(awaited.is_empty());
    }

    #[test]
    fn a_binary_that_would_pass_64_kib_travels_as_its_digest() {
        let binary = noise(80 * 1024);
        let original = state(binary.clone());
        assert!(encode(&original).len() > LINK_LIMIT_BYTES);
        let link = encode_link(&original);
        assert!(link.len() < 1024, "{}", link.len());
        let Unpacked { files, awaited, .. } = decode(&link, MAX_LINK_FRAGMENT_BYTES).unwrap().unpack();
        assert_eq!(files.get("pkg/artifacts/a.wasm"), None);
        assert_eq!(awaited, [("pkg/artifacts/a.wasm".to_owned(), digest::sha256(&binary))]);
        assert!(files.get("pkg/manifest.json").is_some());
    }

    #[test]
    fn files_larger_than_the_inline_limit_go_by_digest() {
        let mut files = PackageFiles::new();
        files.insert("m.json", b"{}".to_vec());
        files.insert("big.wasm", vec![7; 100]);
        files.insert("small.wasm", vec![7; 10]);
        let contents: Vec<_> =
            SharedState::files_from(&files, 50).into_iter().map(|file| (file.path, file.content)).collect();
        assert_eq!(
            contents,
            [
                ("big.wasm".to_owned(), Content::Sha256(digest::sha256(&[7; 100]))),
                ("m.json".to_owned(), Content::Text("{}".to_owned())),
                ("small.wasm".to_owned(), Content::Base64(URL_SAFE_NO_PAD.encode([7; 10]))),
            ]
        );
    }

    #[test]
    fn bytes_that_merely_happen_to_be_utf8_are_binary() {
        let mut files = PackageFiles::new();
        files.insert("a.json", b"{\n\t\"a\": \"\xc3\xa9\"\r\n}".to_vec());
        files.insert("b.wasm", vec![7; 16]);
        let shared = SharedState::files_from(&files, usize::MAX);
        assert!(matches!(shared[0].content, Content::Text(_)));
        assert!(matches!(shared[1].content, Content::Base64(_)));
    }

    #[test]
    fn a_saved_state_keeps_what_fits_and_names_the_rest_by_digest() {
        let small = state(noise(1024));
        assert_eq!(decode(&encode_within(&small, SAVED_STATE_LIMIT_BYTES), MAX_STATE_BYTES).unwrap(), small);
        // Far over the limit: digests, without deflating the binary first.
        let binary = noise(SAVED_STATE_LIMIT_BYTES * 13);
        let Unpacked { files, awaited, .. } =
            decode(&encode_within(&state(binary.clone()), SAVED_STATE_LIMIT_BYTES), MAX_STATE_BYTES)
                .unwrap()
                .unpack();
        assert_eq!(awaited, [("pkg/artifacts/a.wasm".to_owned(), digest::sha256(&binary))]);
        assert!(files.get("pkg/manifest.json").is_some());
    }

    #[test]
    fn bad_fragments_are_refused_with_the_reason() {
        let good = encode(&state(vec![0xff]));
        type Expected = fn(&ShareError) -> bool;
        let cases: Vec<(String, Expected)> = vec![
            ("x".repeat(100), |e| matches!(e, ShareError::TooLarge { bytes: 100, limit: 99 })),
            (format!("3.{}", &good[2..]), |e| matches!(e, ShareError::Version { found } if found == "3")),
            (format!("0.{}", &good[2..]), |e| matches!(e, ShareError::Version { found } if found == "0")),
            ("no-version".into(), |e| matches!(e, ShareError::Malformed(_))),
            ("1.***".into(), |e| matches!(e, ShareError::Malformed(why) if why.starts_with("not base64url"))),
            ("1.AAAA".into(), |e| matches!(e, ShareError::Malformed(why) if why.starts_with("not deflate"))),
            (
                deflated(b"{\"files\":[]}"),
                |e| matches!(e, ShareError::Malformed(why) if why.starts_with("not a playground state")),
            ),
        ];
        for (fragment, expected) in cases {
            let limit = if fragment.len() == 100 { 99 } else { MAX_LINK_FRAGMENT_BYTES };
            let error = decode(&fragment, limit).expect_err(&fragment);
            assert!(expected(&error), "{fragment}: {error}");
            assert!(!error.to_string().is_empty());
        }
    }

    #[test]
    fn no_state_is_written_that_its_reader_refuses() {
        // Text that deflates far better than any package: its JSON would pass the bound, so
        // it is kept by digest and the rest of the state comes back.
        let huge =
            SharedFile { path: "notes.txt".into(), content: Content::Text(" ".repeat(MAX_STATE_BYTES)) };
        let small = SharedFile { path: "manifest.json".into(), content: Content::Text("{}".into()) };
        let state = SharedState {
            example: None,
            files: vec![huge, small.clone()],
            manifest: None,
            input: Input::Stdin(String::new()),
            settings: Settings::default(),
            started: false,
        };
        let encoded = encode_within(&state, usize::MAX);
        let decoded = decode(&encoded, usize::MAX).unwrap();
        assert_eq!(decoded.files[1], small);
        assert_eq!(
            decoded.files[0].content,
            Content::Sha256(digest::sha256(" ".repeat(MAX_STATE_BYTES).as_bytes()))
        );
    }

    #[test]
    fn a_deflate_bomb_stops_at_the_state_limit() {
        let zeros = vec![b' '; MAX_STATE_BYTES + 10];
        let error = decode(&deflated(&zeros), MAX_LINK_FRAGMENT_BYTES).unwrap_err();
        assert_eq!(error, ShareError::TooLarge { bytes: MAX_STATE_BYTES + 1, limit: MAX_STATE_BYTES });
    }

    #[test]
    fn the_fragment_is_found_in_a_hash() {
        assert_eq!(from_hash("#share=1.abc"), Some("1.abc"));
        assert_eq!(from_hash("share=1.abc"), Some("1.abc"));
        assert_eq!(from_hash("#docs/execution.md"), None);
    }

    /// Links made once by hand with version 1 (tests/share-links/): a change to the
    /// format that would misread a link already shared fails here.
    #[test]
    fn version_1_links_already_shared_keep_decoding_to_the_same_state() {
        let decode_golden = |text: &str| decode(text.trim(), MAX_LINK_FRAGMENT_BYTES).unwrap();
        let inline = decode_golden(include_str!("../../tests/share-links/v1-inline-files-and-stdin.txt"));
        assert_eq!(
            inline,
            SharedState {
                example: None,
                files: vec![
                    SharedFile {
                        path: "hello/manifest.json".into(),
                        content: Content::Text("{\"kind\":\"capability_package\"}\n".into()),
                    },
                    SharedFile {
                        path: "hello/artifacts/hello.wasm".into(),
                        content: Content::Base64("AGFzbQEAAAA".into())
                    },
                ],
                manifest: Some("hello/manifest.json".into()),
                input: Input::Stdin("{\"name\":\"Zoë\"}".into()),
                settings: Settings::default(),
                started: false,
            }
        );
        assert_eq!((Settings::default().fuel_budget, Settings::default().wall_time_ms), (5_000_000, 5_000));
        let Unpacked { files, awaited, problems, .. } = inline.unpack();
        assert_eq!(problems, []);
        assert_eq!(files.get("hello/artifacts/hello.wasm"), Some(&b"\0asm\x01\0\0\0"[..]));
        assert_eq!(awaited, []);

        let by_digest =
            decode_golden(include_str!("../../tests/share-links/v1-request-and-binary-by-digest.txt"));
        let sha256 = format!("sha256:{}", "ab".repeat(32));
        assert_eq!(
            by_digest,
            SharedState {
                example: None,
                files: vec![
                    SharedFile { path: "pkg/manifest.json".into(), content: Content::Text("{}".into()) },
                    SharedFile {
                        path: "pkg/runtime-requests/r.json".into(),
                        content: Content::Text("{\"input\":{\"name\":\"Ada\"}}".into()),
                    },
                    SharedFile {
                        path: "pkg/artifacts/big.wasm".into(),
                        content: Content::Sha256(sha256.clone())
                    },
                ],
                manifest: None,
                input: Input::Request("pkg/runtime-requests/r.json".into()),
                settings: Settings {
                    governed: false,
                    fuel_budget: 1_000,
                    wall_time_ms: 1_500,
                    sandbox_args: "--verbose out.json".into(),
                    sandbox_env: "A=1\nB=two".into(),
                },
                started: false,
            }
        );
        let Unpacked { files, awaited, .. } = by_digest.unpack();
        assert_eq!(files.get("pkg/artifacts/big.wasm"), None);
        assert_eq!(awaited, [("pkg/artifacts/big.wasm".to_owned(), sha256)]);
    }

    #[test]
    fn settings_out_of_range_are_refused_in_a_link() {
        for settings in [
            Settings { fuel_budget: 0, ..Settings::default() },
            Settings { fuel_budget: MAX_FUEL_BUDGET + 1, ..Settings::default() },
            Settings { wall_time_ms: 0, ..Settings::default() },
            Settings { wall_time_ms: MAX_WALL_TIME_MS + 1, ..Settings::default() },
        ] {
            let link = encode(&SharedState { settings, ..state(vec![1]) });
            let Err(ShareError::Malformed(message)) = decode(&link, MAX_LINK_FRAGMENT_BYTES) else {
                panic!("out-of-range settings were accepted")
            };
            assert!(message.starts_with("its settings are out of range: the "), "{message}");
        }
    }

    #[test]
    fn a_damaged_file_in_a_state_costs_only_itself() {
        let mut damaged = state(vec![1, 2, 3]);
        damaged.files.push(SharedFile { path: "b/..".into(), content: Content::Text("lost".into()) });
        damaged
            .files
            .push(SharedFile { path: "pkg/./manifest.json".into(), content: Content::Text("shadow".into()) });
        damaged
            .files
            .push(SharedFile { path: "pkg/broken.wasm".into(), content: Content::Base64("!!".into()) });
        let decoded = decode(&encode(&damaged), MAX_LINK_FRAGMENT_BYTES).unwrap();
        let Unpacked { files, problems, .. } = decoded.unpack();
        assert_eq!(files.paths().collect::<Vec<_>>(), ["pkg/artifacts/a.wasm", "pkg/manifest.json"]);
        assert_eq!(files.get("pkg/manifest.json"), Some(&br#"{"kind":"capability_package"}"#[..]));
        let named: Vec<_> = problems.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(named, ["b/..", "pkg/./manifest.json", "pkg/broken.wasm"]);
    }

    #[test]
    fn the_largest_files_go_by_digest_first_whatever_their_kind() {
        let mut files = PackageFiles::new();
        files.insert("pkg/manifest.json", br#"{"kind":"capability_package"}"#.to_vec());
        files.insert("pkg/huge.json", noise_text(300_000));
        files.insert("pkg/a.wasm", noise(14 * 1024));
        let state = SharedState {
            example: None,
            files: SharedState::files_from(&files, 200_000),
            manifest: None,
            input: Input::Stdin(String::new()),
            settings: Settings::default(),
            started: false,
        };
        // Too large for the state at all: by digest from the start.
        assert!(matches!(state.files[1].content, Content::Sha256(_)), "{:?}", state.files[1].path);
        let kept = decode(&encode_within(&state, 64 * 1024), MAX_STATE_BYTES).unwrap();
        let kinds: Vec<_> =
            kept.files.iter().map(|f| (f.path.as_str(), matches!(f.content, Content::Sha256(_)))).collect();
        assert_eq!(kinds, [("pkg/a.wasm", false), ("pkg/huge.json", true), ("pkg/manifest.json", false)]);
        // Within a smaller limit the next largest goes too: the binary, not the manifest.
        let smaller = decode(&encode_within(&state, 2 * 1024), MAX_STATE_BYTES).unwrap();
        let kinds: Vec<_> = smaller.files.iter().map(|f| matches!(f.content, Content::Sha256(_))).collect();
        assert_eq!(kinds, [true, true, false]);
    }

    /// Text that deflates poorly.
    fn noise_text(len: usize) -> Vec<u8> {
        noise(len).into_iter().map(|byte| b'a' + byte % 26).collect()
    }

    /// A link keeps a request by path, a workflow with its input, or stdin when it is small
    /// enough to keep.
    #[test]
    fn a_link_keeps_the_input_chosen() {
        let request = |path: &str| Input::Request(path.to_owned());
        assert_eq!(Input::of(&InputChoice::Request("r.json".into()), "{}"), Ok(request("r.json")));
        assert_eq!(Input::of(&InputChoice::Composite("c.json".into()), "{}"), Ok(request("c.json")));
        assert_eq!(Input::of(&InputChoice::WorkflowRequest("w.json".into()), "{}"), Ok(request("w.json")));
        assert_eq!(
            Input::of(&InputChoice::Workflow("w@1.0.0".into()), "{\"a\":1}"),
            Ok(Input::Workflow { workflow: "w@1.0.0".into(), stdin: "{\"a\":1}".into() })
        );
        assert_eq!(Input::of(&InputChoice::UseCase(0), "{}"), Ok(Input::Stdin("{}".into())));
        let large = "x".repeat(MAX_KEPT_STDIN_BYTES + 1);
        assert_eq!(Input::of(&InputChoice::Custom, &large), Err(MAX_KEPT_STDIN_BYTES + 1));
    }

    /// The gallery's authorize example as this build ships it.
    fn shipped_example() -> PackageFiles {
        crate::package::disk::read_tree(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/authorize"
        )))
        .unwrap()
    }

    fn example_state(files: &PackageFiles) -> SharedState {
        SharedState {
            example: None,
            files: SharedState::files_from(files, LINK_LIMIT_BYTES),
            manifest: None,
            input: Input::Request("runtime-requests/admin-deletes.json".into()),
            settings: Settings::default(),
            started: false,
        }
    }

    /// The longest address before the fragment that the figures below allow for.
    const PAGE_ADDRESS: &str = "https://traverse-framework.github.io/playground/#share=";

    /// An unedited example with one request travels by name, in under 1,000 characters, and
    /// comes back byte for byte from the build that opens it.
    #[test]
    fn an_unedited_example_travels_by_its_name() {
        let shipped = shipped_example();
        let state = example_state(&shipped).on_example("authorize", &shipped);
        let Linked { state: linked, left_out } = state.clone().for_link(Some(&shipped), false);
        assert_eq!((linked.files.len(), left_out.len()), (0, 0));
        let fragment = encode_link(&linked);
        assert!(PAGE_ADDRESS.len() + fragment.len() <= 1_000, "{} characters", fragment.len());
        let opened = decode(&fragment, MAX_LINK_FRAGMENT_BYTES).unwrap();
        assert_eq!(opened.example.as_ref().map(|e| e.shipped.clone()), Some(shipped_digest(&shipped)));
        let Unpacked { files, awaited, problems, left_out } = opened.complete(&shipped).unpack();
        assert_eq!((awaited, problems, left_out), (vec![], vec![], vec![]));
        assert_eq!(files, shipped);
    }

    /// An edited example carries its edits and the files taken away, nothing else.
    #[test]
    fn an_edited_example_carries_only_what_changed() {
        let shipped = shipped_example();
        let mut edited = shipped.clone();
        edited.insert("manifest.json", b"{\"kind\":\"capability_package\"}".to_vec());
        edited.insert("runtime-requests/new.json", b"{\"input\":{}}".to_vec());
        assert!(edited.remove("runtime-requests/missing-resource.json"));
        let state = example_state(&edited).on_example("authorize", &shipped);
        let linked = state.for_link(Some(&shipped), false).state;
        let carried: Vec<_> = linked.files.iter().map(|file| file.path.as_str()).collect();
        assert_eq!(carried, ["manifest.json", "runtime-requests/new.json"]);
        assert_eq!(linked.example.as_ref().unwrap().removed, ["runtime-requests/missing-resource.json"]);
        let opened = decode(&encode_link(&linked), MAX_LINK_FRAGMENT_BYTES).unwrap();
        assert_eq!(opened.complete(&shipped).unpack().files, edited);
        // Another build's example: the digest tells, and the edits still apply.
        let mut changed = shipped.clone();
        changed.insert("build.sh", b"#!/bin/sh\n".to_vec());
        assert_ne!(shipped_digest(&changed), linked.example.as_ref().unwrap().shipped);
    }

    /// The hello-world example laid out as Traverse lays its packages out: the contract in a
    /// folder of its own above the package, which has a source, a lock file and a build script.
    fn traverse_shaped() -> PackageFiles {
        let example = |file: &str| {
            std::fs::read(format!("{}/examples/hello-world/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap()
        };
        let mut manifest: Value = serde_json::from_slice(&example("manifest.json")).unwrap();
        manifest["capability_ref"]["contract_path"] = "../../../contracts/hello/contract.json".into();
        let agent = "examples/hello/agent";
        let mut files = PackageFiles::new();
        files.insert(&format!("{agent}/manifest.json"), serde_json::to_vec_pretty(&manifest).unwrap());
        files.insert("contracts/hello/contract.json", example("contract.json"));
        files.insert(&format!("{agent}/artifacts/hello-world.wasm"), example("artifacts/hello-world.wasm"));
        files.insert(
            &format!("{agent}/runtime-requests/greet-ada.json"),
            example("runtime-requests/greet-ada.json"),
        );
        files.insert(&format!("{agent}/src/lib.rs"), example("src/lib.rs"));
        files.insert(&format!("{agent}/Cargo.lock"), example("Cargo.lock"));
        files.insert(&format!("{agent}/build.sh"), example("build.sh"));
        files
    }

    /// Sources, build scripts and lock files travel only when asked; the source a manifest
    /// names comes back as a placeholder, so Traverse's verdict is the one the sharer saw.
    #[test]
    fn sources_travel_only_when_asked() {
        let files = traverse_shaped();
        let state =
            SharedState { files: SharedState::files_from(&files, LINK_LIMIT_BYTES), ..example_state(&files) };
        let Linked { state: linked, left_out } = state.clone().for_link(None, false);
        let agent = "examples/hello/agent";
        assert_eq!(
            left_out,
            [format!("{agent}/Cargo.lock"), format!("{agent}/build.sh"), format!("{agent}/src/lib.rs")]
        );
        let source_size = files.get(&format!("{agent}/src/lib.rs")).unwrap().len();
        let source = linked.files.iter().find(|file| file.path.ends_with("lib.rs")).unwrap();
        assert_eq!(source.content, Content::LeftOut(source_size));
        let Unpacked { files: opened, left_out, .. } =
            decode(&encode_link(&linked), MAX_LINK_FRAGMENT_BYTES).unwrap().unpack();
        assert_eq!(left_out, [(format!("{agent}/src/lib.rs"), source_size)]);
        assert_eq!(opened.get(&format!("{agent}/src/lib.rs")), Some(placeholder(source_size).as_bytes()));
        assert_eq!(opened.get(&format!("{agent}/Cargo.lock")), None);
        let manifest = format!("{agent}/manifest.json");
        let verdict = |files: &PackageFiles| {
            crate::check::check_package(files, &manifest, &crate::check::module_info::ReadHere)
                .load_verdict()
                .line()
        };
        assert_eq!(verdict(&opened), verdict(&files));
        assert_eq!(verdict(&files), "passes");
        // Asked for, every file travels as it is.
        let whole = state.clone().for_link(None, true);
        assert_eq!((whole.state, whole.left_out), (state, vec![]));
    }
}
