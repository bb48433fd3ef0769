//! The page's state: what the user loaded and chose, as signals, and what follows from it.
//!
//! Components read and write these signals; the rules (roles, checks, links) are the core's.
//! The whole state is a [`SharedState`], so a share link, a reload and a restore are one format.

use leptos::prelude::*;

use crate::{
    check::{self, Report},
    contract::{self, Contract},
    diagnostic::Location,
    digest::Digests,
    package::PackageFiles,
    share_link::{Input, Settings, SharedState, Unpacked},
    workspace::{self, Role},
};

/// What the run pane sends on stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputChoice {
    /// The text in the stdin editor.
    Custom,
    /// A runtime request, by path: its input, as Traverse writes it.
    Request(String),
    /// A contract use case, by index: its `input_example`.
    UseCase(usize),
}

/// A file being hashed in the hashing worker: bytes done of total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hashing {
    pub path: String,
    pub done: u32,
    pub total: u32,
}

/// A problem with something the user gave the page, named by what it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub subject: String,
    pub message: String,
}

/// A report and how long the checks took.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub report: Report,
    pub check_ms: f64,
    /// The part of `check_ms` spent hashing files loaded since the last check.
    pub hash_ms: f64,
}

#[derive(Clone, Copy)]
pub struct Playground {
    pub files: RwSignal<PackageFiles>,
    /// The manifest the user chose; `None` follows [`workspace::manifests`].
    pub chosen_manifest: RwSignal<Option<String>>,
    pub input: RwSignal<InputChoice>,
    pub stdin: RwSignal<String>,
    pub settings: RwSignal<Settings>,
    /// Files a share link names by digest only, as (path, `sha256:` digest).
    pub awaited: RwSignal<Vec<(String, String)>>,
    pub notices: RwSignal<Vec<Notice>>,
    /// The large file being hashed off the page's thread, with its progress.
    pub hashing: RwSignal<Option<Hashing>>,
    /// The file shown in the viewer, with the JSON path to mark.
    pub viewing: RwSignal<Option<Location>>,
    /// The state when a link was last made or opened, to tell when it changed since.
    pub linked: RwSignal<Option<SharedState>>,
    pub manifest: Memo<Option<String>>,
    pub checked: Memo<Option<Checked>>,
}

pub const INITIAL_STDIN: &str = r#"{"name": "Traverse"}"#;

impl Playground {
    pub fn new() -> Self {
        let files = RwSignal::new(PackageFiles::new());
        let chosen_manifest = RwSignal::new(None::<String>);
        let manifest = Memo::new(move |_| {
            files.with(|files| {
                let found = workspace::manifests(files);
                chosen_manifest
                    .get()
                    .filter(|chosen| found.contains(chosen))
                    .or_else(|| found.into_iter().next())
            })
        });
        let checked = Memo::new(move |_| {
            let path = manifest.get()?;
            let started = super::browser::now_ms();
            let (report, hashed) = files.with(|files| {
                // Digests are kept with each file, so only files new since the last check cost.
                for path in files.paths() {
                    files.digests(path);
                }
                let hashed = super::browser::now_ms();
                (check::check_package(files, &path), hashed)
            });
            let now = super::browser::now_ms();
            Some(Checked { report, check_ms: now - started, hash_ms: hashed - started })
        });
        Self {
            files,
            chosen_manifest,
            input: RwSignal::new(InputChoice::Custom),
            stdin: RwSignal::new(INITIAL_STDIN.to_owned()),
            settings: RwSignal::new(Settings::default()),
            awaited: RwSignal::new(Vec::new()),
            notices: RwSignal::new(Vec::new()),
            hashing: RwSignal::new(None),
            viewing: RwSignal::new(None),
            linked: RwSignal::new(None),
            manifest,
            checked,
        }
    }

    /// Adds files (replacing any at the same path) and forgets notices about earlier loads.
    pub fn add_files(&self, incoming: Vec<(String, Vec<u8>)>) {
        self.files.update(|files| {
            for (path, bytes) in incoming {
                files.insert(&path, bytes);
            }
        });
    }

    /// Adds one file whose digests were computed off the page's thread.
    pub fn add_hashed(&self, path: &str, bytes: Vec<u8>, digests: Digests) {
        self.files.update(|files| files.insert_hashed(path, bytes, digests));
    }

    pub fn notify(&self, subject: impl Into<String>, message: impl Into<String>) {
        let notice = Notice { subject: subject.into(), message: message.into() };
        // A failing save, say, repeats its notice on every change; one copy is enough.
        if !self.notices.with_untracked(|notices| notices.contains(&notice)) {
            self.notices.update(|notices| notices.push(notice));
        }
    }

    /// Forgets everything loaded and typed, and the saved copy with it.
    pub fn clear(&self) {
        self.restore(SharedState {
            files: Vec::new(),
            manifest: None,
            input: Input::Stdin(INITIAL_STDIN.to_owned()),
            settings: Settings::default(),
        });
        self.notices.set(Vec::new());
        self.linked.set(None);
    }

    /// The path of the module to run: the manifest's binary, else the first `.wasm` (or
    /// `\0asm`) file loaded. Only the path: modules can be large, so callers borrow the bytes
    /// from `files` where they need them.
    pub fn module_path(&self) -> Option<String> {
        self.files.with(|files| {
            let by_manifest = self.manifest.get().and_then(|manifest| {
                let named = workspace::named_files(&manifest, files.get(&manifest)?);
                named.into_iter().find(|file| file.role == Role::Binary).map(|file| file.resolved.key)
            });
            let path = by_manifest.or_else(|| {
                let is_module = |path: &str| {
                    path.ends_with(".wasm")
                        || files.get(path).is_some_and(|bytes| bytes.starts_with(b"\0asm"))
                };
                files.paths().find(|path| is_module(path)).map(str::to_owned)
            })?;
            // The manifest's binary, when it is not loaded, is no module to run: no stand-in.
            files.get(&path).is_some().then_some(path)
        })
    }

    /// The manifest's contract, when it parses.
    pub fn contract(&self) -> Option<Contract> {
        let manifest = self.manifest.get()?;
        self.files.with(|files| {
            let named = workspace::named_files(&manifest, files.get(&manifest)?);
            let contract = named.into_iter().find(|file| file.role == Role::Contract)?;
            contract::parse(std::str::from_utf8(files.get(&contract.resolved.key)?).ok()?).ok()
        })
    }

    /// The whole state; binaries over `inline_up_to` bytes only by their SHA-256.
    pub fn snapshot(&self, inline_up_to: usize) -> SharedState {
        let input = match self.input.get() {
            InputChoice::Request(path) => Input::Request(path),
            _ => Input::Stdin(self.stdin.get()),
        };
        SharedState {
            files: self.files.with(|files| SharedState::files_from(files, inline_up_to)),
            manifest: self.chosen_manifest.get(),
            input,
            settings: self.settings.get(),
        }
    }

    /// Replaces the whole state; files a link names by digest are awaited.
    pub fn restore(&self, state: SharedState) {
        let Unpacked { files, awaited, problems } = state.unpack();
        for (path, problem) in problems {
            self.notify(path, problem);
        }
        self.files.set(files);
        self.awaited.set(awaited);
        self.chosen_manifest.set(state.manifest);
        self.settings.set(state.settings);
        self.viewing.set(None);
        match state.input {
            // A request the state names but does not carry cannot be what runs: say so.
            Input::Request(path) if self.files.with_untracked(|files| files.get(&path).is_none()) => {
                self.notify(
                    path,
                    "is the request the link runs, but the link does not carry it; stdin is what you write instead",
                );
                self.input.set(InputChoice::Custom);
            }
            Input::Request(path) => {
                if let Some(stdin) = self.request_stdin(&path) {
                    self.stdin.set(stdin);
                }
                self.input.set(InputChoice::Request(path));
            }
            Input::Stdin(text) => {
                self.stdin.set(text);
                self.input.set(InputChoice::Custom);
            }
        }
    }

    /// The exact stdin Traverse writes for the request at `path`, when it parses.
    pub fn request_stdin(&self, path: &str) -> Option<String> {
        self.checked.with_untracked(|checked| {
            let report = &checked.as_ref()?.report;
            report.requests.iter().find(|request| request.file == path)?.stdin.clone()
        })
    }
}
