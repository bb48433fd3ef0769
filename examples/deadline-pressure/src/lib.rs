//! The deadline-pressure example: how much pressure a task is under, from today's day number,
//! its due day and the days of work left.
//!
//! slack = due - today - remaining work. Pressure is `overdue` past the due day, `high` when
//! the slack is under 2 days, `medium` under 5, else `low`. A task without a due day has no
//! pressure (`none`).
#![no_std]

use serde::{Deserialize, Serialize};

const INPUT_CAP: usize = 1024;
const OUTPUT_CAP: usize = 512;

#[derive(Deserialize)]
struct Task {
    today: i64,
    due: Option<i64>,
    remaining_days: i64,
}

#[derive(Serialize)]
struct Pressure {
    pressure: &'static str,
    /// Left out, not null, without a due day: the contract's schema types it as an integer.
    #[serde(skip_serializing_if = "Option::is_none")]
    slack_days: Option<i64>,
}

#[derive(Serialize)]
struct Denial<'a> {
    error: &'a str,
    message: &'a str,
}

#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    let mut input = [0u8; INPUT_CAP];
    let mut output = [0u8; OUTPUT_CAP];
    let written = match wasi_io::read_stdin(&mut input) {
        Err(_) => deny(&mut output, "stdin could not be read in full (at most 1 KiB)"),
        Ok(stdin) => match serde_json_core::from_slice::<Task>(stdin) {
            Err(_) => deny(&mut output, "stdin must be {today, due, remaining_days} as whole days"),
            Ok((task, _)) if task.remaining_days < 0 => deny(&mut output, "remaining_days cannot be negative"),
            Ok((task, _)) => serde_json_core::to_slice(&assess(&task), &mut output).unwrap_or(0),
        },
    };
    let _ = wasi_io::write_all(wasi_io::STDOUT, &output[..written]);
}

fn assess(task: &Task) -> Pressure {
    let Some(due) = task.due else { return Pressure { pressure: "none", slack_days: None } };
    let slack = due.saturating_sub(task.today).saturating_sub(task.remaining_days);
    let pressure = match slack {
        _ if task.today > due => "overdue",
        ..2 => "high",
        2..5 => "medium",
        _ => "low",
    };
    Pressure { pressure, slack_days: Some(slack) }
}

fn deny(output: &mut [u8], message: &str) -> usize {
    serde_json_core::to_slice(&Denial { error: "invalid_input", message }, output).unwrap_or(0)
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
