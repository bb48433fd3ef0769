//! The strict lint's Web Worker: the only bundle that contains jsonschema (see `web::linter`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    traverse_playground::web::linter::start_worker();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the linter is a Web Worker of the playground: build it with trunk (scripts/serve)");
}
