//! `wasi_snapshot_preview1` as Traverse links it: only `fd_read`, `fd_write` and `proc_exit`.
//!
//! wasmtime-wasi preview 1 differs from a full WASI in ways guests notice (SPEC §8.5): a read or
//! write moves at most the first non-empty iovec, stdout keeps exactly its first 65,536 bytes
//! and drops the rest silently, and a misaligned or out-of-bounds iovec, iovec array or result
//! pointer traps instead of returning an errno. Stderr is a sink in Traverse; the playground
//! keeps it for display.

use super::{GuestMemory, HostStop};
use crate::check::limits::{STDERR_KEPT_BYTES, STDOUT_CAP_BYTES};

/// WASI errno values used here.
const ERRNO_SUCCESS: i32 = 0;
const ERRNO_BADF: i32 = 8;

const STDIN: i32 = 0;
const STDOUT: i32 = 1;
const STDERR: i32 = 2;

/// The three standard streams of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stdio {
    stdin: Vec<u8>,
    read: usize,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Bytes written to stdout past the cap, dropped as Traverse drops them.
    pub stdout_dropped: u64,
    /// Bytes written to stderr past what the playground keeps for display.
    pub stderr_dropped: u64,
}

impl Stdio {
    pub fn new(stdin: Vec<u8>) -> Self {
        Self { stdin, ..Self::default() }
    }

    /// `fd_read(fd, iovs, iovs_len, nread) -> errno`.
    pub fn fd_read(
        &mut self,
        memory: &mut impl GuestMemory,
        fd: i32,
        iovs: u32,
        iovs_len: u32,
        nread: u32,
    ) -> Result<i32, HostStop> {
        let buffer = first_non_empty_iovec(memory, iovs, iovs_len)?;
        aligned(nread, 4)?;
        if fd != STDIN {
            return Ok(ERRNO_BADF);
        }
        let count = match buffer {
            None => 0,
            Some((offset, len)) => {
                let end = self.stdin.len().min(self.read + len as usize);
                let chunk = &self.stdin[self.read..end];
                in_bounds(memory.write(offset, chunk))?;
                self.read = end;
                chunk.len()
            }
        };
        in_bounds(memory.write(nread, &(count as u32).to_le_bytes()))?;
        Ok(ERRNO_SUCCESS)
    }

    /// `fd_write(fd, iovs, iovs_len, nwritten) -> errno`.
    pub fn fd_write(
        &mut self,
        memory: &mut impl GuestMemory,
        fd: i32,
        iovs: u32,
        iovs_len: u32,
        nwritten: u32,
    ) -> Result<i32, HostStop> {
        let (offset, len) = first_non_empty_iovec(memory, iovs, iovs_len)?.unwrap_or((0, 0));
        aligned(nwritten, 4)?;
        in_bounds((u64::from(offset) + u64::from(len) <= memory.size()).then_some(()))?;
        let (kept, dropped, cap) = match fd {
            STDOUT => (&mut self.stdout, &mut self.stdout_dropped, STDOUT_CAP_BYTES),
            STDERR => (&mut self.stderr, &mut self.stderr_dropped, STDERR_KEPT_BYTES),
            _ => return Ok(ERRNO_BADF),
        };
        // Only the bytes kept are copied out: a module writing megabytes in a loop costs nothing.
        let room = cap.saturating_sub(kept.len()).min(len as usize) as u32;
        kept.extend_from_slice(&in_bounds(memory.read(offset, room))?);
        *dropped += u64::from(len - room);
        // The whole iovec counts as written, dropped bytes included: the run goes on.
        in_bounds(memory.write(nwritten, &len.to_le_bytes()))?;
        Ok(ERRNO_SUCCESS)
    }

    /// `proc_exit(code)`: never returns.
    pub fn proc_exit(code: u32) -> HostStop {
        HostStop::Exit(code)
    }
}

/// The first iovec with a non-zero length, as (offset, length); the array itself must be
/// aligned and in bounds.
fn first_non_empty_iovec(
    memory: &impl GuestMemory,
    iovs: u32,
    count: u32,
) -> Result<Option<(u32, u32)>, HostStop> {
    aligned(iovs, 4)?;
    let array = in_bounds(count.checked_mul(8).and_then(|len| memory.read(iovs, len)))?;
    Ok(array
        .chunks_exact(8)
        .map(|iovec| {
            let word = |i: usize| u32::from_le_bytes(iovec[i..i + 4].try_into().expect("4 bytes"));
            (word(0), word(4))
        })
        .find(|&(_, len)| len > 0))
}

fn aligned(pointer: u32, alignment: u32) -> Result<(), HostStop> {
    if pointer.is_multiple_of(alignment) {
        Ok(())
    } else {
        Err(HostStop::Trap(format!("pointer not aligned: {pointer:#x} is not a multiple of {alignment}")))
    }
}

fn in_bounds<T>(access: Option<T>) -> Result<T, HostStop> {
    access.ok_or_else(|| HostStop::Trap("pointer out of bounds".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 64 KiB memory with `iovecs` written as an array at 0x100.
    fn memory_with_iovecs(iovecs: &[(u32, u32)]) -> Vec<u8> {
        let mut memory = vec![0u8; 65_536];
        for (i, (offset, len)) in iovecs.iter().enumerate() {
            let at = 0x100 + 8 * i;
            memory[at..at + 4].copy_from_slice(&offset.to_le_bytes());
            memory[at + 4..at + 8].copy_from_slice(&len.to_le_bytes());
        }
        memory
    }

    fn word(memory: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(memory[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn a_write_moves_only_the_first_non_empty_iovec() {
        let mut memory = memory_with_iovecs(&[(0x1000, 0), (0x2000, 6), (0x3000, 5)]);
        memory[0x2000..0x2006].copy_from_slice(br#"{"ok":"#);
        memory[0x3000..0x3005].copy_from_slice(b"true}");
        let mut stdio = Stdio::new(vec![]);
        assert_eq!(stdio.fd_write(&mut memory, 1, 0x100, 3, 0x200), Ok(0));
        assert_eq!(stdio.stdout, br#"{"ok":"#);
        assert_eq!(word(&memory, 0x200), 6);
    }

    #[test]
    fn a_read_fills_only_the_first_iovec_and_then_reports_eof() {
        let mut memory = memory_with_iovecs(&[(0x1000, 3), (0x2000, 3)]);
        let mut stdio = Stdio::new(b"abcdef".to_vec());
        assert_eq!(stdio.fd_read(&mut memory, 0, 0x100, 2, 0x200), Ok(0));
        assert_eq!((word(&memory, 0x200), &memory[0x1000..0x1003]), (3, &b"abc"[..]));
        assert_eq!(&memory[0x2000..0x2003], [0, 0, 0]);
        stdio.fd_read(&mut memory, 0, 0x100, 2, 0x200).unwrap();
        stdio.fd_read(&mut memory, 0, 0x100, 2, 0x200).unwrap();
        assert_eq!(word(&memory, 0x200), 0, "end of file");
    }

    #[test]
    fn stdout_keeps_exactly_the_cap_across_writes_and_drops_the_rest() {
        let mut memory = memory_with_iovecs(&[(0x1000, 40_000)]);
        let mut stdio = Stdio::new(vec![]);
        for _ in 0..2 {
            assert_eq!(stdio.fd_write(&mut memory, 1, 0x100, 1, 0x200), Ok(0));
            assert_eq!(word(&memory, 0x200), 40_000, "the guest is told everything was written");
        }
        assert_eq!((stdio.stdout.len(), stdio.stdout_dropped), (65_536, 14_464));
    }

    #[test]
    fn bad_pointers_trap_and_unknown_descriptors_are_ebadf() {
        let mut stdio = Stdio::new(vec![]);
        let mut memory = memory_with_iovecs(&[(65_000, 1_000)]);
        let trap = |r: Result<i32, HostStop>| matches!(r, Err(HostStop::Trap(_)));
        assert!(trap(stdio.fd_write(&mut memory, 1, 0x100, 1, 0x200)), "buffer past the end");
        assert!(trap(stdio.fd_write(&mut memory, 1, 0x102, 1, 0x200)), "misaligned iovec array");
        assert!(trap(stdio.fd_write(&mut memory, 1, 65_532, 1, 0x200)), "iovec array past the end");
        let mut memory = memory_with_iovecs(&[(0x1000, 1)]);
        assert!(trap(stdio.fd_write(&mut memory, 1, 0x100, 1, 0x201)), "misaligned result pointer");
        assert_eq!(stdio.fd_write(&mut memory, 7, 0x100, 1, 0x200), Ok(8));
        assert_eq!(stdio.fd_read(&mut memory, 1, 0x100, 1, 0x200), Ok(8));
    }

    #[test]
    fn stderr_is_kept_up_to_its_display_cap() {
        let mut memory = memory_with_iovecs(&[(0x1000, 40_000)]);
        let mut stdio = Stdio::new(vec![]);
        for _ in 0..3 {
            assert_eq!(stdio.fd_write(&mut memory, 2, 0x100, 1, 0x200), Ok(0));
        }
        assert_eq!((stdio.stderr.len(), stdio.stderr_dropped), (65_536, 54_464));
    }

    #[test]
    fn stderr_is_kept_for_display() {
        let mut memory = memory_with_iovecs(&[(0x1000, 5)]);
        memory[0x1000..0x1005].copy_from_slice(b"oops!");
        let mut stdio = Stdio::new(vec![]);
        stdio.fd_write(&mut memory, 2, 0x100, 1, 0x200).unwrap();
        assert_eq!((stdio.stderr.as_slice(), stdio.stdout.as_slice()), (&b"oops!"[..], &b""[..]));
    }
}
