//! The sandbox Web Worker: runs with full WASI on wasmer-wasix, which a governed run never
//! needs (see `web::runner` in the library).

fn main() {
    #[cfg(target_arch = "wasm32")]
    traverse_playground::web::runner::worker::start_sandbox();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the sandbox is a Web Worker of the playground: build it with trunk (scripts/serve)");
}
