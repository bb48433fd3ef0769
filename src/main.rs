//! The playground page: mounts the Leptos app (everything else is in the library).

// Here, not in the library: every binary that links the library writes the library's snippets
// into trunk's one wasm-bindgen folder, so the workers' builds rewrote this one while trunk
// hashed the page's copy, and a build could pin it to the digest of an empty file (a blank page).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(
    inline_js = "export function import_module(url) { return import(new URL(url, document.baseURI).href); }"
)]
extern "C" {
    /// The module at `url`, relative to the page (not to this snippet's own file).
    fn import_module(url: &str) -> js_sys::Promise;
}

fn main() {
    #[cfg(target_arch = "wasm32")]
    traverse_playground::web::ui::mount(import_module);
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the playground runs in a browser: serve it with scripts/serve");
}
