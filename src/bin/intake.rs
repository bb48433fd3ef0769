//! The intake Web Worker: large loads read, unpacked and hashed off the page's thread (see
//! `web::intake`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    traverse_playground::web::intake::start_worker();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the intake is a Web Worker of the playground: build it with trunk (scripts/serve)");
}
