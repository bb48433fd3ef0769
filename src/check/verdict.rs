//! Verdicts: what Traverse does with a package, derived from the report's diagnostics and never
//! stored. Every caller that asks "does Traverse stop here?" asks one of these: the page before
//! a run, the CLI for its lines and exit code, and the report JSON.

use serde::Serialize;

use crate::check::{
    Report, RequestReport,
    diagnostic::{Diagnostic, Stage, TraverseStop},
};

/// What Traverse would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Verdict {
    Passes,
    Fails(TraverseStop),
}

impl Verdict {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Passes => 0,
            Self::Fails(stop) => stop.exit_code,
        }
    }

    /// The line `traverse-cli` prints for it, after its command.
    pub fn line(&self) -> String {
        match self {
            Self::Passes => "passes".to_owned(),
            Self::Fails(stop) => format!("exit {}: {}", stop.exit_code, stop.message),
        }
    }
}

/// A run Traverse refuses before the module runs: its line, and our detailed cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub stop: TraverseStop,
    /// The message of the diagnostic that stops it: what to fix.
    pub cause: String,
}

impl Report {
    /// `capability-package inspect`: the first load-stage stop, or a pass.
    pub fn load_verdict(&self) -> Verdict {
        first_in_pipeline_order(self.diagnostics(), |stage| stage == Stage::Load)
    }

    /// What `capability-package inspect` prints: the package's summary when it loads, else
    /// Traverse's line.
    pub fn inspect_printout(&self) -> String {
        match self.load_verdict() {
            Verdict::Passes => self.inspect_output.clone().unwrap_or_default(),
            Verdict::Fails(stop) => stop.message,
        }
    }

    /// `capability-package execute`, up to running the module: with a runtime `request` of the
    /// package, a load failure first, then the request's parse failure, then the earliest
    /// pipeline step that fails, whether it is the request's problem or the package's; without
    /// one (stdin the user wrote, a use case), as with a valid request that selects this
    /// capability. The one place that decides whether a run starts.
    pub fn run_verdict(&self, request: Option<&RequestReport>) -> Verdict {
        let load = self.load_verdict();
        if load != Verdict::Passes {
            return load;
        }
        first_in_pipeline_order(self.with_request(request), |_| true)
    }

    /// [`Self::run_verdict`] with the cause to show: `None` when the run starts.
    pub fn refusal(&self, request: Option<&RequestReport>) -> Option<Refusal> {
        let Verdict::Fails(stop) = self.run_verdict(request) else { return None };
        let cause = self
            .with_request(request)
            .find(|diagnostic| diagnostic.traverse.as_ref() == Some(&stop))
            .map_or_else(|| stop.message.clone(), |diagnostic| diagnostic.message.clone());
        Some(Refusal { stop, cause })
    }

    /// The request's diagnostics, then the package's: what a run with it meets.
    fn with_request<'a>(
        &'a self,
        request: Option<&'a RequestReport>,
    ) -> impl Iterator<Item = &'a Diagnostic> {
        request
            .map(|request| request.diagnostics.as_slice())
            .unwrap_or_default()
            .iter()
            .chain(self.diagnostics())
    }

    /// The CLI's exit code, as `traverse-cli`'s for loading and reading requests: the load
    /// failure's (4), else the first request Traverse cannot read (2), else 0.
    pub fn exit_code(&self) -> u8 {
        let load = self.load_verdict();
        if load != Verdict::Passes {
            return load.exit_code();
        }
        self.requests
            .iter()
            .map(|request| self.run_verdict(Some(request)))
            .find(|verdict| matches!(verdict, Verdict::Fails(stop) if stop.stage == Stage::Request))
            .map_or(0, |verdict| verdict.exit_code())
    }
}

/// The diagnostic Traverse stops on first among `diagnostics`: the earliest stage and pipeline
/// step, the first emitted of equals. The one rule for a first stop: the verdicts, and the
/// executor's refusal of a workflow node's module (`run::execution`), ask it.
pub fn first_stop<'a>(diagnostics: impl Iterator<Item = &'a Diagnostic>) -> Option<&'a Diagnostic> {
    diagnostics
        .filter_map(|diagnostic| Some((diagnostic, diagnostic.traverse.as_ref()?)))
        .min_by_key(|(_, stop)| (stop.stage, stop.step))
        .map(|(diagnostic, _)| diagnostic)
}

fn first_in_pipeline_order<'a>(
    diagnostics: impl Iterator<Item = &'a Diagnostic>,
    stage: impl Fn(Stage) -> bool,
) -> Verdict {
    let in_stage =
        diagnostics.filter(|diagnostic| diagnostic.traverse.as_ref().is_some_and(|stop| stage(stop.stage)));
    first_stop(in_stage)
        .and_then(|diagnostic| diagnostic.traverse.clone())
        .map_or(Verdict::Passes, Verdict::Fails)
}
