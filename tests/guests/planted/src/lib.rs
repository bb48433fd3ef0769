//! Fixture guest with planted bugs: input `{"mode": …, "n": 0..=100}` answers `{"result": n}`,
//! except that from `n` = 42 on each mode fails its own way, as a bug Explore must find and
//! shrink to `{"mode": …, "n": 42}`: `trap` panics, `loop` never returns (its fuel runs out),
//! `exit` calls `proc_exit(3)`, `text` writes text that is not JSON, `wrong` answers a field
//! the output schema does not have, `event` emits an event the contract does not declare and
//! answers as `ok` does. `ok` never fails.
#![no_std]

use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Input<'a> {
    mode: &'a str,
    n: i64,
}

#[derive(Serialize)]
struct Answer {
    result: i64,
}

#[derive(Serialize)]
struct Wrong {
    wrong: i64,
}

#[link(wasm_import_module = "wasi_snapshot_preview1")]
unsafe extern "C" {
    fn proc_exit(code: i32) -> !;
}

#[link(wasm_import_module = "traverse_host")]
unsafe extern "C" {
    fn emit_event(ptr: *const u8, len: usize) -> i32;
}

const UNDECLARED: &[u8] = br#"{"event_id":"planted.undeclared","version":"1.0.0","payload":{}}"#;

/// Where the planted bugs start.
const FROM: i64 = 42;

#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    json_answer::serve::<256, 256>(|stdin, output| {
        let Ok((Input { mode, n }, _)) = serde_json_core::from_slice::<Input>(stdin) else {
            return json_answer::deny(output, "stdin must be {\"mode\": …, \"n\": …}");
        };
        match mode {
            "trap" if n >= FROM => panic!("planted"),
            #[allow(clippy::empty_loop)]
            "loop" if n >= FROM => loop {},
            // SAFETY: the host's proc_exit takes any code and does not return.
            "exit" if n >= FROM => unsafe { proc_exit(3) },
            "text" if n >= FROM => {
                output[..8].copy_from_slice(b"not json");
                8
            }
            "wrong" if n >= FROM => json_answer::write(&Wrong { wrong: n }, output),
            "event" if n >= FROM => {
                // SAFETY: the event is a live byte slice; the host only reads it.
                unsafe { emit_event(UNDECLARED.as_ptr(), UNDECLARED.len()) };
                json_answer::write(&Answer { result: n }, output)
            }
            _ => json_answer::write(&Answer { result: n }, output),
        }
    });
}
