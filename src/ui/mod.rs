//! The Leptos shell. Invariant: components render state and forward events; digests, checks
//! and runs are called from here, never implemented here.

mod app;
mod contract_picker;
mod module_picker;
mod outcome_view;
mod sandbox_settings;

pub use app::App;

/// Mounts the playground on the page's `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
