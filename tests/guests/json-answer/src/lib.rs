//! The part every JSON capability guest shares, so an example's code is only its logic:
//! read all of stdin, answer exactly one JSON value on stdout, answer a structured denial when
//! the input cannot be used (the way Traverse's example guests report bad input), and trap
//! on a panic, which Traverse reports as a failed execution.
#![no_std]

use serde::Serialize;

/// The answer to input the guest cannot use; the contract's output schema must allow it.
#[derive(Serialize)]
pub struct Denial<'a> {
    pub error: &'a str,
    pub message: &'a str,
}

/// Reads stdin (at most `IN` bytes) and writes what `answer` puts in an `OUT`-byte buffer,
/// given as the length it returns. Input that cannot be read in full is denied.
pub fn serve<const IN: usize, const OUT: usize>(answer: impl FnOnce(&[u8], &mut [u8]) -> usize) {
    let mut input = [0u8; IN];
    let mut output = [0u8; OUT];
    let written = match wasi_io::read_stdin(&mut input) {
        Ok(stdin) => answer(stdin, &mut output),
        Err(_) => deny(&mut output, "stdin could not be read in full: it is larger than this capability accepts"),
    };
    // Nothing is left to tell the caller if stdout itself fails.
    let _ = wasi_io::write_all(wasi_io::STDOUT, &output[..written]);
}

/// Writes `value` as JSON into `output`, returning its length; a value that does not fit is
/// replaced by a denial saying so.
pub fn write<T: Serialize>(value: &T, output: &mut [u8]) -> usize {
    serde_json_core::to_slice(value, output).unwrap_or_else(|_| deny(output, "the answer is larger than its buffer"))
}

/// Writes an `invalid_input` denial with `message`, returning its length.
pub fn deny(output: &mut [u8], message: &str) -> usize {
    serde_json_core::to_slice(&Denial { error: "invalid_input", message }, output).unwrap_or(0)
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
