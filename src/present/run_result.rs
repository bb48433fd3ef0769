//! What pressing Run produced, as a value the page draws and Run all counts: Traverse's
//! refusal, a module's run with Traverse's account of it, or a composition's run; and what is
//! said of it (its end, Traverse's line, the output against the contract and the use case).

use serde_json::Value;

use crate::{
    check::{
        diagnostic::TraverseStop,
        limits::{STDERR_KEPT_BYTES, STDOUT_CAP_BYTES},
    },
    present::number::grouped,
    run::{
        account::{Account, COMPLETED_LINE},
        compose::Composed,
        execution::Execution,
        protocol::{EndReason, RunOutcome},
        settings::SANDBOX_OUTPUT_KEPT_BYTES,
        use_case,
    },
};

/// The result of pressing Run.
#[derive(Debug, Clone, PartialEq)]
pub enum RunResult {
    /// Traverse stops before running the module; so did the playground. `cause` is the
    /// playground's detailed message for what Traverse's `stop` collapses.
    Refused { cause: String, stop: TraverseStop, request_id: String },
    /// The module ran; `account` is Traverse's view of it (governed mode only), `use_case` the
    /// contract use case whose input was sent: (index, scenario, output example).
    Ran {
        outcome: Box<RunOutcome>,
        account: Option<Account>,
        governed: bool,
        use_case: Option<(usize, String, Value)>,
    },
    /// A workflow or a composite request ran, node by node.
    Composed(Box<Composed>),
}

impl RunResult {
    /// How the run ended, in the page's words.
    pub fn end(&self) -> EndReason {
        match self {
            Self::Refused { .. } => EndReason::Failed,
            Self::Ran { outcome, governed, .. } => outcome.end.reason(*governed),
            Self::Composed(composed) if composed.completed() => EndReason::Completed,
            Self::Composed(_) => EndReason::Failed,
        }
    }

    /// Traverse's line: its refusal, or what it prints for the run (governed runs only).
    pub fn traverse_line(&self) -> Option<String> {
        match self {
            Self::Refused { stop, .. } => Some(stop.message.clone()),
            Self::Ran { account, .. } => account.as_ref()?.traverse_line.clone(),
            Self::Composed(composed) => composed.line.clone(),
        }
    }

    /// Whether the output satisfies the contract's output schema, when it was checked.
    pub fn output_valid(&self) -> Option<bool> {
        match self {
            Self::Ran { account: Some(account), .. } if account.against_contract => {
                Some(matches!(account.execution, Execution::Completed { .. }))
            }
            _ => None,
        }
    }

    /// Whether stdout equals the output example of the use case whose input was sent.
    pub fn equals_example(&self) -> Option<bool> {
        let Self::Ran { outcome, use_case: Some((_, _, example)), .. } = self else { return None };
        Some(use_case::stdout_differences(example, &outcome.stdout)?.is_empty())
    }

    /// What the run left out of stdout and of stderr, and by whose rule, when it left anything out.
    pub fn dropped_notes(&self) -> [Option<String>; 2] {
        let Self::Ran { outcome, governed, .. } = self else { return [None, None] };
        let rule = |stream| match (*governed, stream) {
            (true, "stdout") => format!(
                "dropped: Traverse keeps the first {} bytes of stdout",
                grouped(STDOUT_CAP_BYTES as u64)
            ),
            (true, _) => format!(
                "not kept: the playground shows the first {} bytes of stderr",
                grouped(STDERR_KEPT_BYTES as u64)
            ),
            (false, _) => format!(
                "not kept: the sandbox keeps the first {} bytes of {stream}",
                grouped(SANDBOX_OUTPUT_KEPT_BYTES as u64)
            ),
        };
        [("stdout", outcome.stdout_dropped), ("stderr", outcome.stderr_dropped)].map(|(stream, dropped)| {
            (dropped > 0).then(|| format!("{dropped} more bytes were {}.", rule(stream)))
        })
    }

    /// The exit code `traverse-cli capability-package execute` gives the run: its refusal's;
    /// 0 when the runtime result completed; 1 when it is an error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Refused { stop, .. } => stop.exit_code,
            _ if self.traverse_line().as_deref() == Some(COMPLETED_LINE) => 0,
            _ => 1,
        }
    }

    /// The run of `label` (a request's path) as the command line prints it: Traverse's line,
    /// then what the playground saw.
    pub fn command_text(&self, label: &str) -> String {
        let mut out = format!("{label}\n  traverse execute: {}\n", self.traverse_line().unwrap_or_default());
        match self {
            Self::Refused { cause, .. } => out += &format!("  refused   {cause}\n"),
            Self::Ran { outcome, .. } => {
                let detail = outcome.end.detail();
                let detail = if detail.is_empty() { String::new() } else { format!(": {detail}") };
                out += &format!("  end       {}{detail}\n", self.end().label());
                if let Some(fuel) = outcome.fuel_consumed {
                    out += &format!("  fuel      {} (wasmtime's units)\n", grouped(fuel));
                }
                out += &format!("  stdout    {}\n", String::from_utf8_lossy(&outcome.stdout));
                if !outcome.stderr.is_empty() {
                    out += &format!("  stderr    {}\n", String::from_utf8_lossy(&outcome.stderr).trim_end());
                }
                for event in &outcome.events {
                    out += &format!("  event     {}@{} {}\n", event.event_id, event.version, event.data);
                }
            }
            Self::Composed(_) => {}
        }
        out
    }

    /// The same as JSON (docs/report-json.md).
    pub fn command_json(&self, label: &str) -> Value {
        let mut json = serde_json::json!({
            "request": label,
            "traverse": self.traverse_line(),
            "exit_code": self.exit_code(),
            "end": self.end().label(),
        });
        match self {
            Self::Refused { cause, .. } => json["refused"] = cause.clone().into(),
            Self::Ran { outcome, account, .. } => {
                json["detail"] = outcome.end.detail().into();
                json["fuel"] = outcome.fuel_consumed.into();
                json["stdout"] = String::from_utf8_lossy(&outcome.stdout).into();
                json["stderr"] = String::from_utf8_lossy(&outcome.stderr).into();
                json["events"] = serde_json::to_value(&outcome.events).unwrap_or_default();
                json["runtime_result"] =
                    account.as_ref().and_then(|account| account.runtime_result.clone()).unwrap_or_default();
            }
            Self::Composed(_) => {}
        }
        json
    }

    pub fn outcome(&self) -> Option<&RunOutcome> {
        match self {
            Self::Ran { outcome, .. } => Some(outcome),
            Self::Refused { .. } | Self::Composed(_) => None,
        }
    }
}
