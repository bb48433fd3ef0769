//! The runner Web Worker: governed runs, the only bundle the first run loads (see
//! `web::runner` in the library).

fn main() {
    #[cfg(target_arch = "wasm32")]
    traverse_playground::web::runner::worker::start_governed();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the runner is a Web Worker of the playground: build it with trunk (scripts/serve)");
}
