//! Fixture for the sandbox mode (not Traverse): a Rust `std` program for wasm32-wasip1. It
//! reports its arguments, the `GREETING` variable and the text of `/data/input.txt`, copies that
//! text upper-cased to `/data/output.txt`, and prints stdin's length, as one line of JSON. Given
//! the one argument `fill`, it writes `/fill.bin` a MiB at a time until a write fails, and prints
//! how many MiB it wrote and why it stopped.
//! Traverse refuses it: `std` imports `environ_get`, `args_get`, `path_open` and more.

use std::io::{Read, Write};

fn main() {
    if std::env::args().skip(1).eq(["fill"]) {
        fill();
        return;
    }
    let mut stdin = String::new();
    let _ = std::io::stdin().read_to_string(&mut stdin);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let greeting = std::env::var("GREETING").unwrap_or_default();
    let input = std::fs::read_to_string("/data/input.txt").unwrap_or_else(|error| format!("<{error}>"));
    let written = std::fs::write("/data/output.txt", input.to_uppercase()).is_ok();
    let args = args.iter().map(|arg| quote(arg)).collect::<Vec<_>>().join(",");
    println!(
        "{{\"args\":[{args}],\"greeting\":{},\"input\":{},\"stdin_bytes\":{},\"wrote_output\":{written}}}",
        quote(&greeting),
        quote(input.trim_end()),
        stdin.len()
    );
}

fn fill() {
    let mebibyte = vec![b'a'; 1 << 20];
    let mut file = match std::fs::File::create("/fill.bin") {
        Ok(file) => file,
        Err(error) => return println!("{{\"filled_mib\":0,\"error\":{}}}", quote(&error.to_string())),
    };
    let mut filled = 0;
    let error = loop {
        match file.write_all(&mebibyte) {
            Ok(()) => filled += 1,
            Err(error) => break error,
        }
    };
    println!("{{\"filled_mib\":{filled},\"error\":{}}}", quote(&error.to_string()));
}

fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
