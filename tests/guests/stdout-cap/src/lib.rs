//! Fixture guest for SPEC §9.3: stdin `{"writes":[40000,40000]}` makes it write the JSON string
//! `"aaa…a"` of 80,000 bytes (quotes included) as two `fd_write` calls of 40,000 bytes each.
//! Traverse keeps 65,536 bytes of stdout, so totals above that no longer parse.
#![no_std]

use serde::Deserialize;

const MAX_WRITE: usize = 70_000;

#[derive(Deserialize)]
struct Input {
    writes: heapless::Vec<u32, 4>,
}

static mut CHUNK: [u8; MAX_WRITE] = [0; MAX_WRITE];

#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    let mut stdin = [0u8; 256];
    let Ok(stdin) = wasi_io::read_stdin(&mut stdin) else { return };
    let Ok((input, _)) = serde_json_core::from_slice::<Input>(stdin) else { return };
    let total: usize = input.writes.iter().map(|&n| n as usize).sum();
    let mut at = 0;
    for &size in &input.writes {
        let size = (size as usize).min(MAX_WRITE);
        // SAFETY: single-threaded guest; CHUNK is only touched here.
        let chunk = unsafe { &mut *core::ptr::addr_of_mut!(CHUNK) };
        chunk[..size].fill(b'a');
        if at == 0 && size > 0 {
            chunk[0] = b'"';
        }
        if at + size == total && size > 0 {
            chunk[size - 1] = b'"';
        }
        let _ = wasi_io::write_all(wasi_io::STDOUT, &chunk[..size]);
        at += size;
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
