//! The host functions a governed package may call, as Traverse's executor implements them,
//! written against [`GuestMemory`] so they run natively in tests and over wasmer's memory in the
//! runner alike.
//!
//! - [`wasi`]: `wasi_snapshot_preview1::{fd_read, fd_write, proc_exit}` with wasmtime-wasi's
//!   behaviour (SPEC §8.5): one iovec per call, the stdout cap, traps on bad pointers;
//! - [`traverse`]: `traverse_host::{emit_event, connector_invoke}` (SPEC §8.7, §8.8).

pub mod traverse;
pub mod wasi;

/// A guest's linear memory, as the host functions see it.
pub trait GuestMemory {
    /// The memory's size in bytes.
    fn size(&self) -> u64;
    /// The bytes at `offset..offset + len`, or `None` when any of them is out of bounds.
    fn read(&self, offset: u32, len: u32) -> Option<Vec<u8>>;
    /// Writes `bytes` at `offset`, or returns `None` (writing nothing) when out of bounds.
    fn write(&mut self, offset: u32, bytes: &[u8]) -> Option<()>;
}

/// A plain byte vector is a memory too: the native tests use it.
impl GuestMemory for Vec<u8> {
    fn size(&self) -> u64 {
        self.len() as u64
    }

    fn read(&self, offset: u32, len: u32) -> Option<Vec<u8>> {
        let start = offset as usize;
        self.get(start..start.checked_add(len as usize)?).map(<[u8]>::to_vec)
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Option<()> {
        let start = offset as usize;
        self.get_mut(start..start.checked_add(bytes.len())?)?.copy_from_slice(bytes);
        Some(())
    }
}

/// Why a host function ends the run instead of returning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostStop {
    /// A trap, with wasmtime's kind of reason.
    Trap(String),
    /// `proc_exit(code)`: Traverse fails the run whatever the code.
    Exit(u32),
}
