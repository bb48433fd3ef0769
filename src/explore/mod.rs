//! Explore: inputs generated from a contract's input schema ([`generate`]), the use cases'
//! examples first, each run governed as Run runs it; a run Traverse would not accept as a
//! success is a finding, shrunk ([`shrink`]) to a smallest input that still fails the same way.
//!
//! [`Explorer`] decides what to run next and what a run means; it runs nothing itself, so the
//! command line drives it with its native runner and the page with its runner worker, and the
//! same seed gives both the same inputs and findings.

pub mod generate;
pub mod shrink;

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

use crate::{
    check::{contract::Contract, request},
    run::{
        account::{self, Account},
        execution::Execution,
        protocol::{RunEnd, RunOutcome, RunRequest},
        settings::Settings,
    },
};

pub use generate::Unsupported;

/// The runs explored when no budget is given.
pub const DEFAULT_RUNS: usize = 1_000;
/// The most runs spent shrinking one finding.
const SHRINK_RUNS: usize = 500;

/// How a run failed for Traverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// The module trapped (a Rust panic), or grew memory or a table past its limit.
    Trap,
    /// It spent its fuel.
    Timeout,
    /// It called `proc_exit`, which Traverse fails whatever the code.
    Exit,
    /// Its stdout is not exactly one JSON value.
    NotJson,
    /// Its output fails the contract's output schema.
    OutputSchema,
    /// It tried to emit an event the contract does not declare: Traverse refuses the event
    /// (the module is told −2) and may still accept the run, without the event it meant.
    UndeclaredEvent,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trap => "trap",
            Self::Timeout => "timeout",
            Self::Exit => "exit",
            Self::NotJson => "not-json",
            Self::OutputSchema => "output-schema",
            Self::UndeclaredEvent => "undeclared-event",
        }
    }
}

/// What one run showed: a failure of some kind, with Traverse's line and the first problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FindingKind,
    pub traverse_line: String,
    pub problem: String,
}

/// Whether a run Traverse accounted for is a failure, and of which kind; `None` for a success,
/// and for a run that says nothing about the input (the module never started, the playground
/// failed).
pub fn failure(outcome: &RunOutcome, account: &Account) -> Option<Failure> {
    let line = || account.traverse_line.clone().unwrap_or_default();
    let kind = match (&account.execution, &outcome.end) {
        // The run failed no other way: what it meant to emit is the bug.
        (Execution::Completed { .. }, _) => {
            let event = outcome.events_undeclared.first()?;
            return Some(Failure {
                kind: FindingKind::UndeclaredEvent,
                traverse_line: line(),
                problem: format!("emitted {event}, which the contract does not declare: Traverse refused it"),
            });
        }
        (Execution::PlaygroundFailed { .. }, _) => return None,
        (Execution::OutputInvalid { .. }, _) => FindingKind::OutputSchema,
        (_, RunEnd::Trapped(_) | RunEnd::MemoryLimit { .. } | RunEnd::TableLimit { .. }) => FindingKind::Trap,
        (_, RunEnd::OutOfFuel { .. } | RunEnd::TimedOut { .. }) => FindingKind::Timeout,
        (_, RunEnd::Exited(_)) => FindingKind::Exit,
        (_, RunEnd::Returned) => FindingKind::NotJson,
        (_, RunEnd::SetupFailed(_) | RunEnd::WorkerFailed(_)) => return None,
    };
    let problem = match &account.execution {
        Execution::OutputInvalid { violations, .. } => {
            violations.first().map(|v| format!("{} at {}", v.message, v.path)).unwrap_or_default()
        }
        Execution::ExecutorFailed { error } => error.to_string(),
        _ => String::new(),
    };
    Some(Failure { kind, traverse_line: line(), problem })
}

/// The request id Explore's runs carry in Traverse's account of them.
const EXPLORE_REQUEST_ID: &str = "explore";

/// The governed run of `input`, as Run makes it: Traverse's stdin bytes, the contract's events,
/// the settings' fuel and limits.
pub fn request_for(contract: &Contract, module: &[u8], input: &Value, settings: &Settings) -> RunRequest {
    let governed = Settings { governed: true, ..settings.clone() };
    RunRequest {
        module: module.to_vec(),
        stdin: request::stdin_bytes(input).into_bytes(),
        mode: governed.mode(Some(contract), Vec::new()).expect("governed mode has no environment to parse"),
        limits: governed.limits(),
    }
}

/// What a run of an input means for Explore: the account Traverse would give, judged.
pub fn judge(outcome: &RunOutcome, contract: &Contract) -> Option<Failure> {
    failure(outcome, &account::account(outcome, Some(contract), EXPLORE_REQUEST_ID))
}

/// Where an exploration of `contract` starts: its use cases' input examples.
pub fn seeds(contract: &Contract) -> Vec<Value> {
    contract.use_cases.iter().map(|use_case| use_case.input_example.clone()).collect()
}

/// A finding as a runtime request of the package, so that Run all (and `run`) keeps running it:
/// its path, in `runtime-requests/` beside the manifest under a name not `taken`, and its text.
pub fn request_file(
    contract: &Contract,
    manifest_path: &str,
    finding: &Finding,
    taken: impl Fn(&str) -> bool,
) -> (String, String) {
    let folder = manifest_path.rsplit_once('/').map_or(String::new(), |(folder, _)| format!("{folder}/"));
    let kind = finding.kind.as_str();
    let (path, request_id) = (1..)
        .map(|n| if n == 1 { format!("explore-{kind}") } else { format!("explore-{kind}-{n}") })
        .map(|id| (format!("{folder}runtime-requests/{id}.json"), id))
        .find(|(path, _)| !taken(path))
        .expect("some name is free");
    let request = serde_json::json!({
        "kind": "runtime_request",
        "schema_version": "1.0.0",
        "request_id": request_id,
        "intent": {"capability_id": contract.id, "capability_version": contract.version},
        "input": finding.input,
        "lookup": {"scope": "public_only", "allow_ambiguity": false},
        "context": {"requested_target": "local", "caller": "explore"},
        "governing_spec": "006-runtime-request-execution"
    });
    (path, serde_json::to_string_pretty(&request).expect("a request serialises") + "\n")
}

/// A failure, with the input that first showed it and the smallest that still does.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub input: Value,
    pub found_with: Value,
    pub traverse_line: String,
    pub problem: String,
    /// Runs spent shrinking it.
    pub shrink_runs: usize,
}

/// Where the explorer is.
enum Phase {
    Generating,
    /// Shrinking `finding`: `candidates` of its current input are tried in turn.
    Shrinking {
        finding: Finding,
        candidates: std::vec::IntoIter<Value>,
    },
}

/// One exploration: ask [`Explorer::next_input`], run it, tell [`Explorer::observe`].
pub struct Explorer {
    schema: Value,
    generator: generate::Generator,
    seeds: std::vec::IntoIter<Value>,
    budget: usize,
    generated: usize,
    runs: usize,
    phase: Phase,
    kinds: BTreeSet<FindingKind>,
    findings: Vec<Finding>,
}

impl Explorer {
    /// Explores `schema` (the contract's input schema) from `seed`, `budget` generated inputs,
    /// starting with `seeds` (the use cases' input examples) that satisfy it.
    pub fn new(schema: &Value, seeds: Vec<Value>, seed: u64, budget: usize) -> Result<Self, Unsupported> {
        let generator = generate::Generator::new(schema, seed)?;
        let seeds: Vec<Value> = seeds
            .into_iter()
            .filter(|seed| crate::check::schema_subset::violations(seed, schema).is_empty())
            .collect();
        Ok(Self {
            schema: schema.clone(),
            generator,
            seeds: seeds.into_iter(),
            budget,
            generated: 0,
            runs: 0,
            phase: Phase::Generating,
            kinds: BTreeSet::new(),
            findings: Vec::new(),
        })
    }

    /// The input to run next, or `None` when the exploration is done.
    pub fn next_input(&mut self) -> Option<Value> {
        loop {
            match &mut self.phase {
                Phase::Shrinking { candidates, finding } => match candidates.next() {
                    Some(candidate) if finding.shrink_runs < SHRINK_RUNS => return Some(candidate),
                    _ => {
                        let Phase::Shrinking { finding, .. } =
                            std::mem::replace(&mut self.phase, Phase::Generating)
                        else {
                            unreachable!()
                        };
                        self.findings.push(finding);
                    }
                },
                Phase::Generating if self.generated >= self.budget => return None,
                Phase::Generating => {
                    self.generated += 1;
                    return Some(
                        self.seeds.next().unwrap_or_else(|| self.generator.next(self.generated - 1)),
                    );
                }
            }
        }
    }

    /// What running `input` showed: `None` for a success.
    pub fn observe(&mut self, input: &Value, failed: Option<Failure>) {
        self.runs += 1;
        match &mut self.phase {
            Phase::Shrinking { finding, candidates } => {
                finding.shrink_runs += 1;
                // A candidate that fails the same way becomes the one to shrink further.
                if let Some(failed) = failed.filter(|failed| failed.kind == finding.kind) {
                    finding.input = input.clone();
                    finding.traverse_line = failed.traverse_line;
                    finding.problem = failed.problem;
                    *candidates = shrink::candidates(input, &self.schema).into_iter();
                }
            }
            // One finding per kind: another input failing a known way says nothing new.
            Phase::Generating => {
                if let Some(failed) = failed.filter(|failed| self.kinds.insert(failed.kind)) {
                    let finding = Finding {
                        kind: failed.kind,
                        input: input.clone(),
                        found_with: input.clone(),
                        traverse_line: failed.traverse_line,
                        problem: failed.problem,
                        shrink_runs: 0,
                    };
                    let candidates = shrink::candidates(input, &self.schema).into_iter();
                    self.phase = Phase::Shrinking { finding, candidates };
                }
            }
        }
    }

    /// Every run so far, shrinking included.
    pub fn runs(&self) -> usize {
        self.runs
    }

    /// The findings, each shrunk as far as it went, in the order found.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A module as a function: it "traps" when a name is longer than 3 characters and the
    /// count is over 10, so the smallest failing input is a 4-letter name with count 11.
    fn planted(input: &Value) -> Option<Failure> {
        let long = input["name"].as_str().is_some_and(|name| name.chars().count() > 3);
        (long && input["count"].as_i64().unwrap_or(0) > 10).then(|| Failure {
            kind: FindingKind::Trap,
            traverse_line: "runtime execution failed: …".into(),
            problem: String::new(),
        })
    }

    fn explore(seed: u64) -> (Vec<Finding>, usize) {
        let schema = json!({
            "type": "object",
            "required": ["name", "count"],
            "properties": {
                "name": {"type": "string"},
                "count": {"type": "integer", "minimum": 0},
                "note": {"type": "string"}
            }
        });
        let mut explorer =
            Explorer::new(&schema, vec![json!({"name": "ok", "count": 1})], seed, 300).unwrap();
        while let Some(input) = explorer.next_input() {
            let failed = planted(&input);
            explorer.observe(&input, failed);
        }
        (explorer.findings().to_vec(), explorer.runs())
    }

    #[test]
    fn a_planted_bug_is_found_and_shrunk_to_the_smallest_failing_input() {
        let (findings, runs) = explore(3);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].kind, FindingKind::Trap);
        assert_eq!(findings[0].input, json!({"name": "aaaa", "count": 11}));
        assert!(runs > 300, "300 generated, and the shrinking");
        assert_eq!(explore(3), (findings, runs), "the same seed, the same exploration");
    }
}
