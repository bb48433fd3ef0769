//! Light or dark: the system's choice until the user picks one, which is kept.

use leptos::prelude::*;

use super::browser;

const THEME_KEY: &str = "traverse-playground/theme";

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let dark = RwSignal::new(match browser::load_setting(browser::Kept::Browser, THEME_KEY).as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => browser::prefers_dark(),
    });
    Effect::new(move |_| browser::apply_theme(dark.get()));
    let toggle = move |_| {
        dark.update(|dark| *dark = !*dark);
        // Not kept (private browsing, a full quota): the toggle still works for this visit.
        let _ = browser::save_setting(
            browser::Kept::Browser,
            THEME_KEY,
            if dark.get_untracked() { "dark" } else { "light" },
        );
    };
    view! {
        <button class="small" data-testid="theme-toggle" on:click=toggle
            aria-pressed=move || dark.get().to_string()
            title="switch between light and dark">
            {move || if dark.get() { "☾ Dark" } else { "☀ Light" }}
        </button>
    }
}
