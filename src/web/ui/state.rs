//! The page's state: what the user loaded, chose and typed, as signals only this type writes,
//! and what follows from it, derived.
//!
//! Panes read through the accessors and change the state through the methods; the rules (roles,
//! which module runs, the checks, the input's stdin) are the core's. The whole state is a
//! [`SharedState`], so a share link, a reload and Clear are one [`Playground::restore`].

use std::{collections::BTreeMap, rc::Rc};

use leptos::prelude::*;

use crate::{
    check::{
        self, Report,
        diagnostic::{Diagnostic, Edit, Location},
        manifest,
        set::{self, Focus},
    },
    package::{
        PackageFiles,
        digest::Digests,
        workspace::{self, Item, Kind, Reference},
    },
    present::{
        file_problems,
        share_link::{
            ExampleBase, Input, LINK_LIMIT_BYTES, Linked, MAX_KEPT_STDIN_BYTES, SharedState, Unpacked,
            shipped_digest,
        },
    },
    run::{
        compose,
        composition::Composition,
        plan::{self, InputChoice},
        settings::Settings,
    },
    web::runner::client::Runner,
};

use super::modules::{Missed, Modules};

/// The page's one runner, shared by the panes that run or print modules.
pub type SharedRunner = StoredValue<Rc<Runner>, LocalStorage>;

/// A file being hashed in the intake worker: bytes done of total.
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
    /// The modules it could not read yet ([`Modules::ask`]).
    pub missed: Vec<Missed>,
}

/// A focused bundle, application or workflow, checked, and how long that took.
#[derive(Debug, Clone, PartialEq)]
pub struct Focused {
    pub focus: Focus,
    pub check_ms: f64,
    /// The modules it could not read yet ([`Modules::ask`]).
    pub missed: Vec<Missed>,
}

pub const INITIAL_STDIN: &str = r#"{"name": "Traverse"}"#;

/// Larger text files open read-only: a text field holding megabytes answers slowly.
pub const EDIT_LIMIT_BYTES: usize = 1 << 20;

#[derive(Clone, Copy)]
pub struct Playground {
    files: RwSignal<PackageFiles>,
    /// The bytes as loaded of each file edited since, to tell what changed and to revert.
    originals: RwSignal<BTreeMap<String, Vec<u8>>>,
    /// The item the user chose to check: a package's manifest, a bundle, an application or a
    /// workflow; `None` follows [`workspace::manifests`].
    chosen: RwSignal<Option<String>>,
    input: RwSignal<InputChoice>,
    stdin: RwSignal<String>,
    /// Whether stdin holds what the user wrote: a package that loads then keeps it.
    stdin_written: RwSignal<bool>,
    /// Whether the package was started in the page: its binary, once built and added, is pinned.
    started: RwSignal<bool>,
    settings: RwSignal<Settings>,
    /// Files a share link names by digest only, as (path, `sha256:` digest).
    awaited: RwSignal<Vec<(String, String)>>,
    /// The gallery example the files were loaded from, as a state names it, and its files as
    /// this build ships them once fetched: a link names it and carries only what changed.
    example: RwSignal<Option<(ExampleBase, Option<PackageFiles>)>>,
    notices: RwSignal<Vec<Notice>>,
    /// The large file being hashed off the page's thread, with its progress.
    hashing: RwSignal<Option<Hashing>>,
    /// The strict lint's warnings on the current report's requests, once its worker has answered.
    lint: RwSignal<Vec<Diagnostic>>,
    /// The file shown in the viewer, with the JSON path to mark.
    viewing: RwSignal<Option<Location>>,
    /// Quick fixes for the editor to make in a file, in the order they were chosen (two chosen
    /// before the editor is ready are both made), so that undo takes each back.
    pending_fix: RwSignal<Vec<(String, Vec<Edit>)>>,
    /// Counts changes to what a link carries (files, manifest, input, stdin, settings).
    revision: RwSignal<u64>,
    /// The revision at which a link was last made or opened.
    linked_at: RwSignal<Option<u64>>,
    /// The modules the checks have read, by the runner ([`Modules`]).
    pub modules: Modules,
    /// The manifest the package checks and runs use: the chosen one, else the first.
    pub manifest: Memo<Option<String>>,
    /// The set's items by kind and what refers to what ([`workspace::set`]).
    pub set: Memo<(Vec<Item>, Vec<Reference>)>,
    /// The chosen bundle, application or workflow, checked as its kind; `None` when the
    /// chosen item is a package (the package's report is [`Self::checked`]).
    pub focus: Memo<Option<Focused>>,
    /// The module a run runs ([`workspace::module_to_run`]).
    pub module: Memo<Option<String>>,
    /// The package's report, or the lone module's when there is no manifest.
    pub checked: Memo<Option<Checked>>,
    /// What the set offers to run as a composition: its registered workflows and the
    /// composite capabilities of its registry bundles.
    pub composition: Memo<Composition>,
    /// The runtime requests whose intent names a composite capability, by path.
    pub composite_requests: Memo<Vec<String>>,
    /// The `workflow_execution_request` files, by path.
    pub workflow_requests: Memo<Vec<String>>,
}

impl Playground {
    pub fn new() -> Self {
        let files = RwSignal::new(PackageFiles::new());
        let modules = Modules::new();
        let chosen = RwSignal::new(None::<String>);
        let manifest = Memo::new(move |_| {
            chosen.with(|chosen| files.with(|files| workspace::manifest_in_use(files, chosen.as_deref())))
        });
        let set = Memo::new(move |_| files.with(workspace::set));
        let focus = Memo::new(move |_| {
            let chosen = chosen
                .get()
                .or_else(|| set.with(|(items, _)| set::default_focus(items).map(|item| item.path.clone())))?;
            let started = super::browser::now_ms();
            // A package's report is `checked`'s: it is not checked a second time here.
            let (focus, missed) = modules.check(|reader| {
                files.with(|files| match files.kind(&chosen)? {
                    Kind::Package => None,
                    _ => set::check_item(files, &chosen, reader),
                })
            });
            Some(Focused { focus: focus?, check_ms: super::browser::now_ms() - started, missed })
        });
        let module = Memo::new(move |_| {
            files.with(|files| workspace::module_to_run(files, manifest.get().as_deref()))
        });
        let checked = Memo::new(move |_| {
            let manifest = manifest.get();
            let module = module.get();
            let started = super::browser::now_ms();
            // Only the binary is hashed here, as natively: the other files' digests are worked
            // out when a link or the saved state needs them.
            let (report, missed) = modules.check(|reader| {
                files.with(|files| check::check_loaded(files, manifest.as_deref(), module.as_deref(), reader))
            });
            Some(Checked { report: report?, check_ms: super::browser::now_ms() - started, missed })
        });
        let composition = Memo::new(move |_| files.with(Composition::of_files));
        let composite_requests = Memo::new(move |_| {
            composition.with(|composition| files.with(|files| composition.composite_requests(files)))
        });
        let workflow_requests =
            Memo::new(move |_| files.with(|files| workspace::paths_of(files, Kind::WorkflowRequest)));
        Self {
            files,
            originals: RwSignal::new(BTreeMap::new()),
            chosen,
            input: RwSignal::new(InputChoice::Custom),
            stdin: RwSignal::new(INITIAL_STDIN.to_owned()),
            stdin_written: RwSignal::new(false),
            started: RwSignal::new(false),
            settings: RwSignal::new(Settings::default()),
            awaited: RwSignal::new(Vec::new()),
            example: RwSignal::new(None),
            notices: RwSignal::new(Vec::new()),
            hashing: RwSignal::new(None),
            lint: RwSignal::new(Vec::new()),
            viewing: RwSignal::new(None),
            pending_fix: RwSignal::new(Vec::new()),
            revision: RwSignal::new(0),
            linked_at: RwSignal::new(None),
            modules,
            manifest,
            set,
            focus,
            module,
            checked,
            composition,
            composite_requests,
            workflow_requests,
        }
    }

    /// Reads the module the package's report waits for, if it waits: a run is decided on the
    /// whole report.
    pub async fn read_module(self, runner: &Rc<Runner>) {
        let Some(path) = self.checked.with_untracked(|checked| checked.as_ref()?.report.reading.clone())
        else {
            return;
        };
        if let Some(bytes) = self.files.with_untracked(|files| files.get(&path).map(<[u8]>::to_vec)) {
            self.modules.read_now(runner, &bytes).await;
        }
    }

    pub fn files(&self) -> ReadSignal<PackageFiles> {
        self.files.read_only()
    }

    /// The file at `path` as text (invalid UTF-8 replaced), tracked.
    pub fn text_of(&self, path: &str) -> Option<String> {
        self.files.with(|files| files.get(path).map(|bytes| String::from_utf8_lossy(bytes).into_owned()))
    }

    pub fn input(&self) -> ReadSignal<InputChoice> {
        self.input.read_only()
    }

    pub fn stdin(&self) -> ReadSignal<String> {
        self.stdin.read_only()
    }

    pub fn settings(&self) -> ReadSignal<Settings> {
        self.settings.read_only()
    }

    pub fn awaited(&self) -> ReadSignal<Vec<(String, String)>> {
        self.awaited.read_only()
    }

    pub fn notices(&self) -> ReadSignal<Vec<Notice>> {
        self.notices.read_only()
    }

    pub fn hashing(&self) -> ReadSignal<Option<Hashing>> {
        self.hashing.read_only()
    }

    pub fn lint(&self) -> ReadSignal<Vec<Diagnostic>> {
        self.lint.read_only()
    }

    pub fn viewing(&self) -> ReadSignal<Option<Location>> {
        self.viewing.read_only()
    }

    /// Changes whenever what a link carries changes: the saved state follows it.
    pub fn revision(&self) -> ReadSignal<u64> {
        self.revision.read_only()
    }

    fn changed(&self) {
        self.revision.update(|revision| *revision += 1);
    }

    /// Adds files, replacing any at the same path (which are then as loaded, not edited). A
    /// package's first requests choose the input: its first request is what runs.
    pub fn add_files(&self, incoming: Vec<(String, Vec<u8>)>) {
        let had_requests = self.has_requests();
        self.originals.update(|originals| {
            for (path, _) in &incoming {
                originals.remove(path);
            }
        });
        self.files.update(|files| {
            for (path, bytes) in incoming {
                files.insert(&path, bytes);
            }
        });
        self.changed();
        self.follow_package(had_requests);
        self.pin_started();
    }

    /// Adds one file whose digests were computed off the page's thread.
    pub fn add_hashed(&self, path: &str, bytes: Vec<u8>, digests: Digests) {
        self.originals.update(|originals| {
            originals.remove(path);
        });
        self.files.update(|files| files.insert_hashed(path, bytes, digests));
        self.changed();
        self.pin_started();
    }

    /// Replaces everything with a package started from the template's form.
    pub fn start_package(&self, files: Vec<(String, Vec<u8>)>) {
        self.clear();
        self.add_files(files);
        self.started.set(true);
    }

    /// Whether the package was started in the page.
    pub fn started(&self) -> bool {
        self.started.get()
    }

    /// A package started in the page declares the template's digest until its binary is
    /// built: the binary added is the one it means, so its digest is pinned.
    fn pin_started(&self) {
        if !self.started.get_untracked() {
            return;
        }
        let computed =
            self.checked.with_untracked(|checked| Some(checked.as_ref()?.report.digest_to_pin()?.to_owned()));
        if let Some(computed) = computed {
            self.pin_digest(&computed);
        }
    }

    fn has_requests(&self) -> bool {
        self.checked.with_untracked(|checked| checked.as_ref().is_some_and(|c| !c.report.requests.is_empty()))
    }

    fn follow_package(&self, had_requests: bool) {
        if had_requests
            || self.stdin_written.get_untracked()
            || self.input.get_untracked() != InputChoice::Custom
        {
            return;
        }
        let first =
            self.checked.with_untracked(|checked| checked.as_ref().map(|c| plan::initial_choice(&c.report)));
        if let Some(choice @ InputChoice::Request(_)) = first {
            self.choose_input(choice);
        }
    }

    /// Replaces a text file with what the user wrote; the bytes as loaded are kept to revert to.
    pub fn edit_file(&self, path: &str, text: String) {
        let Some(loaded) = self.files.with_untracked(|files| files.get(path).map(<[u8]>::to_vec)) else {
            return;
        };
        if loaded == text.as_bytes() {
            return;
        }
        self.originals.update(|originals| {
            originals.entry(path.to_owned()).or_insert(loaded);
        });
        self.files.update(|files| files.insert(path, text.into_bytes()));
        self.changed();
    }

    /// Puts an edited file back as it was loaded.
    pub fn revert_file(&self, path: &str) {
        let Some(loaded) = self.originals.try_update(|originals| originals.remove(path)).flatten() else {
            return;
        };
        self.files.update(|files| files.insert(path, loaded));
        self.changed();
    }

    /// Whether the file at `path` differs from what was loaded.
    pub fn is_edited(&self, path: &str) -> bool {
        self.originals.with(|originals| {
            originals.get(path).is_some_and(|loaded| self.files.with(|files| files.get(path) != Some(loaded)))
        })
    }

    /// Adds the file given for one a link names by digest (verified by the caller): it is no
    /// longer awaited.
    pub fn add_awaited(&self, path: &str, bytes: Vec<u8>, digests: Digests) {
        self.awaited.update(|awaited| awaited.retain(|(awaited, _)| awaited != path));
        self.add_hashed(path, bytes, digests);
    }

    pub fn remove_file(&self, path: &str) {
        // Its view closes first, so its editor has nothing left to write back.
        if self
            .viewing
            .with_untracked(|viewing| viewing.as_ref().is_some_and(|shown| shown.in_file() == path))
        {
            self.viewing.set(None);
        }
        self.originals.update(|originals| {
            originals.remove(path);
        });
        self.files.update(|files| {
            files.remove(path);
        });
        self.changed();
    }

    /// Writes `digest` into the checked manifest's `binary.expected_digest`, as after a rebuild;
    /// nothing else in the file changes. An edit like any other: it can be reverted.
    pub fn pin_digest(&self, digest: &str) {
        let Some(path) = self.manifest.get_untracked() else { return };
        let updated = self.files.with_untracked(|files| {
            let text = std::str::from_utf8(files.get(&path)?).ok()?;
            manifest::with_expected_digest(text, digest)
        });
        if let Some(updated) = updated {
            self.edit_file(&path, updated);
        }
    }

    /// Focuses the checks on one item of the set; the whole set stays loaded.
    pub fn choose_item(&self, path: String) {
        self.chosen.set(Some(path));
        self.changed();
    }

    /// Chooses what goes to stdin; a request or a use case puts its input in the editor, as
    /// Traverse writes it.
    pub fn choose_input(&self, choice: InputChoice) {
        let stdin = if choice.is_composed() {
            self.composition.with_untracked(|composition| {
                self.files.with_untracked(|files| compose::stdin(&choice, composition, files))
            })
        } else {
            self.checked.with_untracked(|checked| choice.stdin(&checked.as_ref()?.report))
        };
        if let Some(stdin) = stdin {
            self.stdin.set(stdin);
        }
        self.input.set(choice);
        self.changed();
    }

    /// The user's own stdin, which is then what runs; a workflow chosen stays chosen, with
    /// this as its input.
    pub fn write_stdin(&self, text: String) {
        self.stdin_written.set(text != INITIAL_STDIN);
        self.stdin.set(text);
        if !matches!(self.input.get_untracked(), InputChoice::Workflow(_)) {
            self.input.set(InputChoice::Custom);
        }
        self.changed();
    }

    /// The choice for a request path: a composite request runs through its workflow, a
    /// workflow execution request runs its workflow.
    pub fn request_choice(&self, path: String) -> InputChoice {
        self.composite_requests.with_untracked(|composite| {
            self.files.with_untracked(|files| plan::request_choice(path, composite, files))
        })
    }

    /// Chooses the input a person typed the name of ([`plan::named_input`]); false when no
    /// request or use case has that name.
    pub fn choose_named(&self, name: &str) -> bool {
        let use_cases = self.checked.with_untracked(|checked| {
            checked
                .as_ref()
                .and_then(|c| c.report.contract.as_ref())
                .map_or(0, |contract| contract.use_cases.len())
        });
        let named = self.files.with_untracked(|files| {
            plan::named_input(name, use_cases, |path| {
                matches!(files.kind(path), Some(Kind::Request | Kind::WorkflowRequest))
            })
        });
        match named {
            Some(InputChoice::Request(path)) => self.choose_input(self.request_choice(path)),
            Some(choice) => self.choose_input(choice),
            None => return false,
        }
        true
    }

    /// Changes the settings; the settings' readers hear of it even when nothing changed, so an
    /// input that refused a value shows the kept one again.
    pub fn update_settings(&self, change: impl FnOnce(&mut Settings)) {
        let before = self.settings.get_untracked();
        self.settings.update(change);
        if self.settings.with_untracked(|settings| *settings != before) {
            self.changed();
        }
    }

    /// Applies a diagnostic's quick fix to `file`: typed by the editor when the file opens in
    /// one (undo takes it back), else written at once (Revert takes it back).
    pub fn apply_fix(&self, file: &str, edits: Vec<Edit>) {
        let Some(first) = edits.first() else { return };
        let size = self.files.with_untracked(|files| files.get(file).map_or(0, <[u8]>::len));
        self.view_file(Some(Location::json(file, first.path.clone())));
        if size <= EDIT_LIMIT_BYTES {
            self.pending_fix.update(|pending| pending.push((file.to_owned(), edits)));
            return;
        }
        let fixed = self.files.with_untracked(|files| {
            file_problems::apply_fix(std::str::from_utf8(files.get(file)?).ok()?, &edits)
        });
        match fixed {
            Some(fixed) => self.edit_file(file, fixed),
            None => self.notify(file, "has changed since it was checked: the fix no longer applies"),
        }
    }

    /// The quick fixes waiting for the editor of `file`, in order, taken: each is made once.
    pub fn take_fixes(&self, file: &str) -> Vec<Vec<Edit>> {
        if !self.pending_fix.with(|pending| pending.iter().any(|(f, _)| f == file)) {
            return Vec::new();
        }
        let mut taken = Vec::new();
        self.pending_fix.update(|pending| {
            pending.retain(|(f, edits)| {
                let mine = f == file;
                if mine {
                    taken.push(edits.clone());
                }
                !mine
            });
        });
        taken
    }

    pub fn view_file(&self, location: Option<Location>) {
        self.viewing.set(location);
    }

    pub fn set_hashing(&self, hashing: Option<Hashing>) {
        self.hashing.set(hashing);
    }

    pub fn set_lint(&self, lint: Vec<Diagnostic>) {
        self.lint.set(lint);
    }

    pub fn notify(&self, subject: impl Into<String>, message: impl Into<String>) {
        let notice = Notice { subject: subject.into(), message: message.into() };
        // A failing save, say, repeats its notice on every change; one copy is enough.
        if !self.notices.with_untracked(|notices| notices.contains(&notice)) {
            self.notices.update(|notices| notices.push(notice));
        }
    }

    pub fn dismiss_notices(&self) {
        self.notices.set(Vec::new());
    }

    /// Remembers that a link now holds the state as it is.
    pub fn mark_linked(&self) {
        self.linked_at.set(Some(self.revision.get_untracked()));
    }

    /// Whether the state changed since a link was made or opened.
    pub fn changed_since_link(&self) -> bool {
        self.linked_at.get().is_some_and(|linked| linked != self.revision.get())
    }

    /// Forgets everything loaded and typed, and the saved copy with it.
    pub fn clear(&self) {
        self.restore(SharedState {
            example: None,
            files: Vec::new(),
            manifest: None,
            input: Input::Stdin(INITIAL_STDIN.to_owned()),
            settings: Settings::default(),
            started: false,
        });
        self.notices.set(Vec::new());
        self.linked_at.set(None);
    }

    /// Replaces everything with one of the gallery's examples, `shipped` as the build ships it.
    pub fn load_example(&self, name: &str, shipped: PackageFiles) {
        self.clear();
        self.add_files(
            shipped
                .paths()
                .map(|path| (path.to_owned(), shipped.get(path).unwrap_or_default().to_vec()))
                .collect(),
        );
        self.builds_on(name, shipped);
    }

    /// The files came from this gallery example, `shipped` as this build ships it.
    pub fn builds_on(&self, name: &str, shipped: PackageFiles) {
        let base =
            ExampleBase { name: name.to_owned(), shipped: shipped_digest(&shipped), removed: Vec::new() };
        self.example.set(Some((base, Some(shipped))));
    }

    /// The files no longer build on the example the restored state named (this build's
    /// differs, or it could not be fetched): links carry every file.
    pub fn forget_example(&self) {
        self.example.set(None);
    }

    /// The state as a link carries it ([`SharedState::for_link`]).
    pub fn link_state(&self, with_sources: bool) -> Linked {
        let state = self.snapshot(LINK_LIMIT_BYTES);
        self.example.with(|example| {
            state.for_link(example.as_ref().and_then(|(_, shipped)| shipped.as_ref()), with_sources)
        })
    }

    /// The whole state; binaries over `inline_up_to` bytes only by their SHA-256.
    pub fn snapshot(&self, inline_up_to: usize) -> SharedState {
        let input = self.input.with(|choice| self.stdin.with(|stdin| Input::of(choice, stdin)));
        let input = input.unwrap_or_else(|size| {
            self.notify(
                "stdin",
                format!("is {size} bytes, more than a link or a reload keeps ({MAX_KEPT_STDIN_BYTES}): it is left out of both"),
            );
            Input::Stdin(String::new())
        });
        let state = SharedState {
            example: None,
            files: self.files.with(|files| SharedState::files_from(files, inline_up_to)),
            manifest: self.chosen.get(),
            input,
            settings: self.settings.get(),
            started: self.started.get(),
        };
        // Until the example is fetched, the state names it as it was restored, so a save in
        // the meantime writes the same bytes.
        self.example.with(|example| match example {
            Some((base, Some(shipped))) => state.on_example(&base.name, shipped),
            Some((base, None)) => SharedState { example: Some(base.clone()), ..state },
            None => state,
        })
    }

    /// Replaces the whole state; files a link names by digest are awaited. Completing it from
    /// its example, if it has one, is the caller's ([`SharedState::complete`]).
    pub fn restore(&self, state: SharedState) {
        let Unpacked { files, awaited, problems, left_out } = state.unpack();
        for (path, problem) in problems {
            self.notify(path, problem);
        }
        for (path, size) in left_out {
            self.notify(
                path,
                format!("was left out of the link ({size} bytes: sources travel only when the sharer includes them); a placeholder stands in, as Traverse needs only that it exists"),
            );
        }
        self.example.set(state.example.clone().map(|base| (base, None)));
        self.files.set(files);
        self.originals.set(BTreeMap::new());
        self.awaited.set(awaited);
        self.chosen.set(state.manifest);
        self.settings.set(state.settings);
        self.started.set(state.started);
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
            Input::Request(path) => self.choose_input(self.request_choice(path)),
            Input::Stdin(text) => self.write_stdin(text),
            Input::Workflow { workflow, stdin } => {
                self.input.set(InputChoice::Workflow(workflow));
                self.write_stdin(stdin);
            }
        }
        self.changed();
    }
}
