//! Fixture for the sandbox mode (not Traverse): a Rust `std` program for wasm32-wasip1. It
//! reports its arguments, the `GREETING` variable and the text of `/data/input.txt`, copies that
//! text upper-cased to `/data/output.txt`, and prints stdin's length, as one line of JSON.
//! Traverse refuses it: `std` imports `environ_get`, `args_get`, `path_open` and more.

use std::io::Read;

fn main() {
    let mut stdin = String::new();
    let _ = std::io::stdin().read_to_string(&mut stdin);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let greeting = std::env::var("GREETING").unwrap_or_default();
    let input = std::fs::read_to_string("/data/input.txt").unwrap_or_else(|error| format!("<{error}>"));
    let written = std::fs::write("/data/output.txt", input.to_uppercase()).is_ok();
    let quote = |text: &str| format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""));
    let args = args.iter().map(|arg| quote(arg)).collect::<Vec<_>>().join(",");
    println!(
        "{{\"args\":[{args}],\"greeting\":{},\"input\":{},\"stdin_bytes\":{},\"wrote_output\":{written}}}",
        quote(&greeting),
        quote(input.trim_end()),
        stdin.len()
    );
}
