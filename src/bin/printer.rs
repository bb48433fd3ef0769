//! The printer Web Worker: a module's text form, made with wasmprinter when first asked for
//! (see `web::runner` in the library).

fn main() {
    #[cfg(target_arch = "wasm32")]
    traverse_playground::web::runner::worker::start_printer();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the printer is a Web Worker of the playground: build it with trunk (scripts/serve)");
}
