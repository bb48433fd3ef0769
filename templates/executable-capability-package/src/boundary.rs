//! The module's whole boundary, which the logic in `lib.rs` need not touch: all of stdin in,
//! exactly one JSON value out, a structured denial for input it cannot use, and a trap on a
//! panic (Traverse reports a trap as a failed execution). Only the host ABI's two stdio calls
//! are imported; Traverse's executor may move fewer bytes per call than asked, so both loop.

use serde::Serialize;

#[repr(C)]
struct IoVec {
    buf: *const u8,
    len: usize,
}

#[link(wasm_import_module = "wasi_snapshot_preview1")]
unsafe extern "C" {
    fn fd_read(fd: i32, iovs: *const IoVec, iovs_len: usize, nread: *mut usize) -> i32;
    fn fd_write(fd: i32, iovs: *const IoVec, iovs_len: usize, nwritten: *mut usize) -> i32;
}

const STDIN: i32 = 0;
const STDOUT: i32 = 1;

/// The answer to input the module cannot use; the contract's output schema allows it.
#[derive(Serialize)]
struct Denial<'a> {
    error: &'a str,
    message: &'a str,
}

/// Reads stdin (at most `IN` bytes) and writes what `answer` puts in an `OUT`-byte buffer, given
/// as the length it returns. Input that does not fit is denied rather than read in part.
pub fn serve<const IN: usize, const OUT: usize>(answer: impl FnOnce(&[u8], &mut [u8]) -> usize) {
    let mut input = [0u8; IN];
    let mut output = [0u8; OUT];
    let written = match read_stdin(&mut input) {
        Some(stdin) => answer(stdin, &mut output),
        None => deny(&mut output, "stdin could not be read in full: it is larger than this capability accepts"),
    };
    // Nothing is left to tell the caller if stdout itself fails.
    write_stdout(&output[..written]);
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

/// Stdin to its end, or `None` when it holds more than `buf` or cannot be read.
fn read_stdin(buf: &mut [u8]) -> Option<&[u8]> {
    let mut filled = 0;
    loop {
        // A full buffer is the whole input only if nothing follows.
        let into = if filled == buf.len() { &mut [0u8; 1][..] } else { &mut buf[filled..] };
        let iov = IoVec { buf: into.as_mut_ptr(), len: into.len() };
        let mut read = 0;
        // SAFETY: the iovec describes `into`, which outlives the call.
        if unsafe { fd_read(STDIN, &iov, 1, &mut read) } != 0 {
            return None;
        }
        match read {
            0 => return Some(&buf[..filled]),
            _ if filled == buf.len() => return None,
            n => filled += n,
        }
    }
}

fn write_stdout(mut bytes: &[u8]) {
    while !bytes.is_empty() {
        let iov = IoVec { buf: bytes.as_ptr(), len: bytes.len() };
        let mut written = 0;
        // SAFETY: the iovec describes `bytes`, which outlives the call.
        match unsafe { fd_write(STDOUT, &iov, 1, &mut written) } {
            0 if written > 0 => bytes = &bytes[written..],
            _ => return,
        }
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
