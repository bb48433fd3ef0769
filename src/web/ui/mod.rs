//! The Leptos shell. Invariant: components render state and forward events; checks, digests,
//! links and runs are called from here, never implemented here.
//!
//! - `state`: the page's signals and what follows from them;
//! - `browser`: the browser APIs, behind plain functions;
//! - `app`: the layout and the restore/save of the state;
//! - one module per pane or control: `files_pane`, `file_view`, `checks_pane`, `run_pane`,
//!   `outcome_view`, `sandbox_settings`, `examples`, `share`, `theme`, `docs_view`,
//!   `set_tree`, `focus_view`, `composition_view` (a workflow or composite run, drawn),
//!   `embed_view` (the compact view of an embed), `explore_view` (Explore, driving the core's
//!   explorer with the runner worker).

mod app;
mod browser;
mod checks_pane;
mod code_editor;
mod composition_view;
mod docs_view;
mod embed_view;
mod examples;
mod explore_view;
mod file_view;
mod files_pane;
mod focus_view;
mod modules;
mod new_package;
mod outcome_view;
mod run_all_table;
mod run_pane;
mod sandbox_settings;
mod set_tree;
mod share;
mod state;
mod theme;

pub use app::App;

/// Mounts the playground on the page's `<body>`; `import_module` is the page's dynamic `import()`,
/// which the editor is loaded with.
pub fn mount(import_module: code_editor::ImportModule) {
    console_error_panic_hook::set_once();
    code_editor::import_with(import_module);
    leptos::mount::mount_to_body(App);
}
