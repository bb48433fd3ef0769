//! Fixture guest: an entry point that never returns and imports nothing.
//!
//! Only a limit outside the module (the runner's wall clock, later Traverse's fuel) can stop it.
#![no_std]

#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    #[allow(clippy::empty_loop)]
    loop {}
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
