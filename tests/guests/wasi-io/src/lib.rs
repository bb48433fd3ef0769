//! Stdio for `#![no_std]` guests over `wasi_snapshot_preview1::{fd_read, fd_write}` only.
//!
//! Traverse's executor (wasmtime preview 1) moves at most one iovec per call and may move fewer
//! bytes than asked, so both directions loop until done.
#![no_std]

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

pub const STDIN: i32 = 0;
pub const STDOUT: i32 = 1;
pub const STDERR: i32 = 2;

/// Why stdio failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoError {
    /// The host returned this WASI errno.
    Errno(i32),
    /// Stdin holds more bytes than the caller's buffer.
    InputTooLarge,
    /// The host accepted no bytes of a non-empty write; retrying would loop forever.
    WriteZero,
}

/// Reads stdin to EOF into `buf`, returning the filled prefix.
pub fn read_stdin(buf: &mut [u8]) -> Result<&[u8], IoError> {
    let mut filled = 0;
    loop {
        if filled == buf.len() {
            // Full buffer: one more byte means the input does not fit.
            let mut probe = [0u8; 1];
            return match read_once(&mut probe)? {
                0 => Ok(&buf[..filled]),
                _ => Err(IoError::InputTooLarge),
            };
        }
        match read_once(&mut buf[filled..])? {
            0 => return Ok(&buf[..filled]),
            n => filled += n,
        }
    }
}

fn read_once(buf: &mut [u8]) -> Result<usize, IoError> {
    let iov = IoVec { buf: buf.as_mut_ptr(), len: buf.len() };
    let mut nread = 0;
    // SAFETY: the iovec describes `buf`, which outlives the call.
    match unsafe { fd_read(STDIN, &iov, 1, &mut nread) } {
        0 => Ok(nread),
        errno => Err(IoError::Errno(errno)),
    }
}

/// Writes all of `bytes` to `fd`.
pub fn write_all(fd: i32, mut bytes: &[u8]) -> Result<(), IoError> {
    while !bytes.is_empty() {
        let iov = IoVec { buf: bytes.as_ptr(), len: bytes.len() };
        let mut written = 0;
        // SAFETY: the iovec describes `bytes`, which outlives the call.
        match unsafe { fd_write(fd, &iov, 1, &mut written) } {
            0 if written > 0 => bytes = &bytes[written..],
            0 => return Err(IoError::WriteZero),
            errno => return Err(IoError::Errno(errno)),
        }
    }
    Ok(())
}
