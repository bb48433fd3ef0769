//! The hello-world example: greets the `name` it reads on stdin.
//!
//! stdin `{"name":"Ada"}` gives stdout `{"greeting":"Hello, Ada!","name":"Ada"}`. Input that is
//! not an object with a string `name` gives a structured denial on stdout, the way Traverse's
//! example guests report bad input, and the entry still returns normally.
#![no_std]

use core::fmt::Write;
use serde::{Deserialize, Serialize};

const INPUT_CAP: usize = 16 * 1024;
const OUTPUT_CAP: usize = 3 * INPUT_CAP;

/// Owned, not borrowed: a name with escapes is unescaped into a new string.
#[derive(Deserialize)]
struct Input {
    name: heapless::String<INPUT_CAP>,
}

#[derive(Serialize)]
struct Greeting<'a> {
    greeting: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct Denial<'a> {
    error: &'a str,
    message: &'a str,
}

#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    let mut input = [0u8; INPUT_CAP];
    let mut unescaped = [0u8; INPUT_CAP];
    let mut greeting = heapless::String::<{ INPUT_CAP + 8 }>::new();
    let mut output = [0u8; OUTPUT_CAP];

    let written = match wasi_io::read_stdin(&mut input) {
        Err(_) => deny(&mut output, "stdin could not be read in full (at most 16 KiB)"),
        Ok(stdin) => match serde_json_core::from_slice_escaped::<Input>(stdin, &mut unescaped) {
            Err(_) => deny(&mut output, "stdin must be a JSON object with a string `name`"),
            Ok((Input { name }, _)) => {
                // Cannot overflow: the name is shorter than the input it came from.
                let _ = write!(greeting, "Hello, {name}!");
                serde_json_core::to_slice(&Greeting { greeting: &greeting, name: &name }, &mut output)
                    .unwrap_or(0)
            }
        },
    };
    let _ = wasi_io::write_all(wasi_io::STDOUT, &output[..written]);
}

fn deny(output: &mut [u8], message: &str) -> usize {
    serde_json_core::to_slice(&Denial { error: "invalid_input", message }, output).unwrap_or(0)
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
