//! The playground page: mounts the Leptos app (everything else is in the library).

fn main() {
    #[cfg(target_arch = "wasm32")]
    traverse_playground::web::ui::mount();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the playground runs in a browser: serve it with scripts/serve");
}
