//! REPLACE-ME: the capability's logic. The whole boundary is stdin and stdout: Traverse writes
//! the request's `input` as compact JSON with sorted keys, then end of file, and reads exactly
//! one JSON value back, which must satisfy the contract's output schema. Nothing else is
//! granted: no arguments, no environment, no files, no clock, no network.
#![no_std]

use serde::{Deserialize, Serialize};

/// Inputs larger than this are answered with a denial rather than read in part.
const INPUT_CAP: usize = 4096;
const OUTPUT_CAP: usize = 2 * INPUT_CAP;

/// REPLACE-ME: the contract's input schema, as a struct.
#[derive(Deserialize)]
struct Input<'a> {
    message: &'a str,
}

/// REPLACE-ME: the contract's output schema, as a struct.
#[derive(Serialize)]
struct Output<'a> {
    message: &'a str,
    length: usize,
}

/// Bad input is answered on stdout, the way Traverse's example guests do, so the caller sees why.
#[derive(Serialize)]
struct Denial<'a> {
    error: &'a str,
    message: &'a str,
}

/// The entry Traverse calls (`_start`; it must take and return nothing).
#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    let mut input = [0u8; INPUT_CAP];
    let mut output = [0u8; OUTPUT_CAP];
    let written = match wasi_io::read_stdin(&mut input) {
        Err(_) => deny(&mut output, "stdin could not be read in full (at most 4 KiB)"),
        Ok(stdin) => match serde_json_core::from_slice::<Input>(stdin) {
            Err(_) => deny(&mut output, "stdin must be a JSON object with a string `message` (no escapes)"),
            Ok((Input { message }, _)) => {
                let answer = Output { message, length: message.chars().count() };
                serde_json_core::to_slice(&answer, &mut output).unwrap_or(0)
            }
        },
    };
    let _ = wasi_io::write_all(wasi_io::STDOUT, &output[..written]);
}

fn deny(output: &mut [u8], message: &str) -> usize {
    serde_json_core::to_slice(&Denial { error: "invalid_input", message }, output).unwrap_or(0)
}

/// A panic traps (`unreachable`), which Traverse reports as a failed execution.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
