//! The settings of a run, as the user sets them and a link carries them: governed or
//! sandboxed, the fuel budget and wall-clock backstop, and the sandbox's arguments and
//! environment; their bounds, and the runner [`Mode`] and [`Limits`] they make.

use serde::{Deserialize, Serialize};

use crate::{
    check::contract::Contract,
    run::{
        host::traverse::EventPolicy,
        protocol::{Limits, Mode, SandboxFile},
    },
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub governed: bool,
    pub fuel_budget: u64,
    pub wall_time_ms: u32,
    /// Sandbox mode only: arguments after argv[0], space separated, and `KEY=VALUE` lines.
    #[serde(default)]
    pub sandbox_args: String,
    #[serde(default)]
    pub sandbox_env: String,
}

/// The largest fuel budget: the runner hands it to the module through JavaScript, whose numbers
/// are exact only up to 2^53 − 1.
pub const MAX_FUEL_BUDGET: u64 = (1 << 53) - 1;
/// Bytes of stdout, and of stderr, the sandbox keeps of a run; the rest is counted and dropped.
/// Enough for any demo, and a module writing without end cannot fill the runner's memory
/// before the wall clock stops it. (Traverse keeps 65,536 bytes of stdout: governed runs do.)
pub const SANDBOX_OUTPUT_KEPT_BYTES: usize = 1 << 20;
/// The longest wall-clock limit: browsers' timers count milliseconds in a signed 32-bit integer.
pub const MAX_WALL_TIME_MS: u32 = i32::MAX as u32;

impl Settings {
    /// A fuel budget as typed: a whole number from 1 to [`MAX_FUEL_BUDGET`].
    pub fn parse_fuel_budget(text: &str) -> Result<u64, String> {
        let typed = text.trim().parse().unwrap_or(0);
        fuel_budget_within(typed)
    }

    /// A wall-clock limit as typed, in milliseconds: from 1 to [`MAX_WALL_TIME_MS`].
    pub fn parse_wall_time_ms(text: &str) -> Result<u32, String> {
        let typed = text.trim().parse().unwrap_or(0);
        wall_time_within(typed).map(|limit| limit as u32)
    }

    /// What is out of range in these settings, as a link or a saved state may carry anything.
    pub fn problem(&self) -> Option<String> {
        fuel_budget_within(self.fuel_budget).and(wall_time_within(u64::from(self.wall_time_ms))).err()
    }
}

fn fuel_budget_within(budget: u64) -> Result<u64, String> {
    within(budget, MAX_FUEL_BUDGET).map_err(|range| format!("the fuel budget must be {range}"))
}

fn wall_time_within(limit_ms: u64) -> Result<u64, String> {
    within(limit_ms, u64::from(MAX_WALL_TIME_MS))
        .map_err(|range| format!("the wall-clock limit must be {range} ms"))
}

/// `value` when it is from 1 to `max`, else the range it must be in. Text that is no whole
/// number is taken as 0, out of every range.
fn within(value: u64, max: u64) -> Result<u64, String> {
    if (1..=max).contains(&value) { Ok(value) } else { Err(format!("a whole number from 1 to {max}")) }
}

/// Traverse's fuel budget and the playground's wall-clock limit, governed, no sandbox inputs.
impl Default for Settings {
    fn default() -> Self {
        let limits = Limits::default();
        Self {
            governed: true,
            fuel_budget: limits.fuel_budget,
            wall_time_ms: limits.wall_time_ms,
            sandbox_args: String::new(),
            sandbox_env: String::new(),
        }
    }
}

impl Settings {
    /// What the runner enforces.
    pub fn limits(&self) -> Limits {
        Limits { fuel_budget: self.fuel_budget, wall_time_ms: self.wall_time_ms }
    }

    /// The host the module runs against: Traverse's, held to `contract`'s events, or the
    /// sandbox with its arguments, environment and `files`; the reason when the environment
    /// does not parse.
    pub fn mode(&self, contract: Option<&Contract>, files: Vec<SandboxFile>) -> Result<Mode, String> {
        if self.governed {
            return Ok(Mode::Governed { events: EventPolicy::of(contract) });
        }
        Ok(Mode::Sandbox {
            args: self.sandbox_args.split_whitespace().map(str::to_owned).collect(),
            env: parse_env(&self.sandbox_env)?,
            files,
        })
    }
}

/// Environment variables from `KEY=VALUE` lines; blank lines are skipped, and a line without
/// `=` or with an empty key is an error naming it.
pub fn parse_env(text: &str) -> Result<Vec<(String, String)>, String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| match line.split_once('=') {
            Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
            _ => Err(format!("\"{line}\" is not KEY=VALUE")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_settings_are_bounded() {
        assert_eq!(Settings::parse_fuel_budget(" 1000 "), Ok(1_000));
        assert_eq!(Settings::parse_fuel_budget("9007199254740991"), Ok(MAX_FUEL_BUDGET));
        let fuel_range = Err("the fuel budget must be a whole number from 1 to 9007199254740991".to_owned());
        for typed in ["0", "9007199254740992", "-1", "1e3", "lots", ""] {
            assert_eq!(Settings::parse_fuel_budget(typed), fuel_range, "{typed}");
        }
        assert_eq!(Settings::parse_wall_time_ms("2147483647"), Ok(MAX_WALL_TIME_MS));
        for typed in ["0", "2147483648"] {
            assert_eq!(
                Settings::parse_wall_time_ms(typed),
                Err("the wall-clock limit must be a whole number from 1 to 2147483647 ms".to_owned())
            );
        }
    }

    #[test]
    fn env_lines_are_key_value_pairs() {
        let pairs = |text| parse_env(text).unwrap();
        assert_eq!(pairs("A=1\n\n  B = x=y \n"), [("A".into(), "1".into()), ("B ".into(), " x=y".into())]);
        assert_eq!(pairs(""), []);
        assert_eq!(parse_env("A=1\nnot a pair"), Err("\"not a pair\" is not KEY=VALUE".into()));
        assert_eq!(parse_env("=value"), Err("\"=value\" is not KEY=VALUE".into()));
        let sandbox = Settings { governed: false, sandbox_env: "NOPE".into(), ..Settings::default() };
        assert_eq!(sandbox.mode(None, Vec::new()), Err("\"NOPE\" is not KEY=VALUE".to_owned()));
    }
}
