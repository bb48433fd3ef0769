//! The deadline-pressure example: how much pressure a task is under, from today's day number,
//! its due day and the days of work left.
//!
//! slack = due - today - remaining work. Pressure is `overdue` past the due day, `high` when
//! the slack is under 2 days, `medium` under 5, else `low`. A task without a due day has no
//! pressure (`none`).
#![no_std]

use json_answer::deny;
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

#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    json_answer::serve::<INPUT_CAP, OUTPUT_CAP>(|stdin, output| match serde_json_core::from_slice::<Task>(stdin) {
        Err(_) => deny(output, "stdin must be {today, due, remaining_days} as whole days"),
        Ok((task, _)) if task.remaining_days < 0 => deny(output, "remaining_days cannot be negative"),
        Ok((task, _)) => json_answer::write(&assess(&task), output),
    });
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
