//! REPLACE-ME: the capability's logic. The whole boundary is stdin and stdout: Traverse writes
//! the request's `input` as compact JSON with sorted keys, then end of file, and reads exactly
//! one JSON value back, which must satisfy the contract's output schema. Nothing else is
//! granted: no arguments, no environment, no files, no clock, no network.
#![no_std]

mod boundary;

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

/// The entry Traverse calls (`_start`; it must take and return nothing). `boundary::serve`
/// reads stdin, writes the answer, denies input it cannot read, and makes a panic a trap.
#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    boundary::serve::<INPUT_CAP, OUTPUT_CAP>(|stdin, output| match serde_json_core::from_slice::<Input>(stdin) {
        Err(_) => boundary::deny(output, "stdin must be a JSON object with a string `message` (no escapes)"),
        Ok((Input { message }, _)) => boundary::write(&Output { message, length: message.chars().count() }, output),
    });
}
