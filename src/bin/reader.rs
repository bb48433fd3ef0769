//! The Docs view's Web Worker: the only bundle that contains the Markdown renderer (see
//! `web::reader`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    traverse_playground::web::reader::start_worker();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the reader is a Web Worker of the playground: build it with trunk (scripts/serve)");
}
