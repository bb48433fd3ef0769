//! The transition-status example: moves an action item from one status to another when the
//! workflow allows it, and then emits `playground.examples.status-changed@1.0.0` through
//! Traverse's host, which publishes the event once the run succeeds.
//!
//! Allowed moves: open -> in_progress | snoozed | cancelled; in_progress -> blocked | done;
//! blocked -> in_progress; snoozed -> open. Anything else is answered with `allowed: false` and
//! the status unchanged, and no event.
#![no_std]

use serde::{Deserialize, Serialize};

const INPUT_CAP: usize = 4096;
const OUTPUT_CAP: usize = 1024;
const EVENT_ID: &str = "playground.examples.status-changed";
const EVENT_VERSION: &str = "1.0.0";

#[link(wasm_import_module = "traverse_host")]
unsafe extern "C" {
    /// Returns 0 when accepted; -1 malformed, -2 undeclared, -3 not subscribable.
    fn emit_event(ptr: *const u8, len: usize) -> i32;
}

#[derive(Deserialize)]
struct Transition<'a> {
    action_id: &'a str,
    from: &'a str,
    to: &'a str,
}

#[derive(Serialize)]
struct Payload<'a> {
    action_id: &'a str,
    from: &'a str,
    to: &'a str,
}

#[derive(Serialize)]
struct Event<'a> {
    event_id: &'a str,
    version: &'a str,
    payload: Payload<'a>,
}

#[derive(Serialize)]
struct Outcome<'a> {
    action_id: &'a str,
    allowed: bool,
    /// The host's answer to `emit_event`, or `null` when nothing was emitted.
    event_status: Option<i32>,
    status: &'a str,
}

#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    json_answer::serve::<INPUT_CAP, OUTPUT_CAP>(|stdin, output| match serde_json_core::from_slice::<Transition>(stdin) {
        Err(_) => json_answer::deny(output, "stdin must be {action_id, from, to} as strings without escapes"),
        Ok((transition, _)) => apply(&transition, output),
    });
}

fn allowed(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("open", "in_progress" | "snoozed" | "cancelled")
            | ("in_progress", "blocked" | "done")
            | ("blocked", "in_progress")
            | ("snoozed", "open")
    )
}

fn apply(t: &Transition, output: &mut [u8]) -> usize {
    let allowed = allowed(t.from, t.to);
    let event_status = allowed.then(|| {
        let event = Event {
            event_id: EVENT_ID,
            version: EVENT_VERSION,
            payload: Payload { action_id: t.action_id, from: t.from, to: t.to },
        };
        let mut buffer = [0u8; 1024];
        let len = serde_json_core::to_slice(&event, &mut buffer).unwrap_or(0);
        // SAFETY: the host reads `len` bytes of `buffer`, which outlives the call.
        unsafe { emit_event(buffer.as_ptr(), len) }
    });
    let outcome = Outcome {
        action_id: t.action_id,
        allowed,
        event_status,
        status: if allowed { t.to } else { t.from },
    };
    json_answer::write(&outcome, output)
}
