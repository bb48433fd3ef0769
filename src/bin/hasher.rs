//! The hashing Web Worker: digests of large files, off the page's thread (see `web::hashing`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    traverse_playground::web::hashing::start_worker();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the hasher is a Web Worker of the playground: build it with trunk (scripts/serve)");
}
