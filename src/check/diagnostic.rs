//! The one diagnostic type every check returns, and what real Traverse would do about it.
//!
//! A [`Diagnostic`] names its place ([`Location`]), says what is wrong in the playground's own
//! words, and, when Traverse itself would stop on it, carries the exact line Traverse prints and
//! the stage it stops at ([`TraverseStop`]). The verdict of a report is derived from those.

use std::fmt;

use serde::Serialize;
use serde_json::{Value, json};

use crate::package::{json_path::Part, shown_path};

/// How much a diagnostic matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    /// Its name, as the page and the CLI show it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

/// Where a diagnostic applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Location {
    /// A file as a whole (missing, unreadable, not the right kind).
    File { file: String },
    /// A value inside a JSON file, by JSON path (`$.binary.expected_digest`).
    Json { file: String, path: String },
    /// An import of a module.
    Import { file: String, module: String, name: String },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File { file } => write!(f, "{}", shown_path(file)),
            Self::Json { file, path } => write!(f, "{} {path}", shown_path(file)),
            Self::Import { file, module, name } => {
                write!(f, "{} import {}::{}", shown_path(file), shown_path(module), shown_path(name))
            }
        }
    }
}

/// The stage of `traverse-cli capability-package execute` at which Traverse stops (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Loading the package: manifest, files, contract, digest. Exit 4.
    Load,
    /// Reading or parsing a runtime request: exit 4 (read) or 2 (parse).
    Request,
    /// The runtime result is an error. Exit 1.
    Execute,
    /// Loading or registering a bundle (`bundle inspect|register`, `app validate`): its own
    /// exit codes.
    Register,
}

/// What Traverse prints and how it exits when it stops on a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraverseStop {
    pub stage: Stage,
    /// For the execute stage, the step of the runtime pipeline (SPEC §7.3) that fails, which
    /// orders a request's problems against the package's; 0 elsewhere (emission order rules).
    pub step: u8,
    pub exit_code: u8,
    /// The exact line on stderr.
    pub message: String,
    /// For the execute stage, the `error` of Traverse's `runtime_result`: code, message, details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_error: Option<Value>,
}

impl TraverseStop {
    /// A load failure: `traverse-cli` prints the message and exits 4.
    pub fn load(message: impl Into<String>) -> Self {
        Self { stage: Stage::Load, step: 0, exit_code: 4, message: message.into(), runtime_error: None }
    }

    /// A bundle that does not load or register: the message and its exit code.
    pub fn registration(exit_code: u8, message: impl Into<String>) -> Self {
        Self { stage: Stage::Register, step: 0, exit_code, message: message.into(), runtime_error: None }
    }

    /// A runtime request that does not parse: exit 2.
    pub fn request_parse(message: impl Into<String>) -> Self {
        Self { stage: Stage::Request, step: 0, exit_code: 2, message: message.into(), runtime_error: None }
    }

    /// A runtime result with `status: error` and this error, from pipeline `step`: exit 1.
    pub fn execute(step: u8, code: &str, message: &str, details: Value) -> Self {
        Self {
            stage: Stage::Execute,
            step,
            exit_code: 1,
            message: format!("runtime execution failed: {message}"),
            runtime_error: Some(json!({"code": code, "message": message, "details": details})),
        }
    }
}

/// Runtime pipeline steps (SPEC §7.3) that the checks can decide before running the module.
pub mod step {
    pub const VALIDATE_REQUEST: u8 = 1;
    pub const FIND_CANDIDATES: u8 = 2;
    pub const REJECT_CANDIDATES: u8 = 3;
    pub const DRAFTS: u8 = 4;
    pub const REQUESTED_TARGET: u8 = 5;
    pub const DEPENDENCIES: u8 = 7;
    pub const INPUT_SCHEMA: u8 = 8;
    pub const PLACEMENT: u8 = 9;
    pub const EXECUTOR: u8 = 10;
}

/// One problem (or note) found by a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable identifier, e.g. `manifest.kind`; tests and tools match on it.
    pub code: &'static str,
    pub severity: Severity,
    pub location: Location,
    /// What is wrong and what to do, in the playground's words.
    pub message: String,
    /// Set when Traverse itself stops on this problem.
    pub traverse: Option<TraverseStop>,
    /// The edits that fix it, when Traverse's own rule says what the value must be.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fix: Vec<Edit>,
}

/// A change of the diagnostic's file: the value (or the property name) at `path` becomes `json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub path: String,
    pub part: Part,
    /// What replaces it, as JSON text.
    pub json: String,
}

impl Edit {
    /// Sets the value at `path`.
    pub fn set(path: impl Into<String>, value: &serde_json::Value) -> Self {
        Self { path: path.into(), part: Part::Value, json: value.to_string() }
    }

    /// Renames the property at `path`, keeping its value.
    pub fn rename(path: impl Into<String>, name: &str) -> Self {
        Self { path: path.into(), part: Part::Key, json: serde_json::Value::from(name).to_string() }
    }

    /// What it does, in a few words: `$.x = 1`, or `rename $.x to "y"`.
    pub fn label(&self) -> String {
        match self.part {
            Part::Value => format!("{} = {}", self.path, self.json),
            Part::Key => format!("rename {} to {}", self.path, self.json),
        }
    }
}

impl Diagnostic {
    pub fn error(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: Severity::Error,
            location,
            message: message.into(),
            traverse: None,
            fix: Vec::new(),
        }
    }

    pub fn warning(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(code, location, message) }
    }

    pub fn info(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Self { severity: Severity::Info, ..Self::error(code, location, message) }
    }

    /// Marks this diagnostic as one Traverse stops on.
    pub fn stops(mut self, stop: TraverseStop) -> Self {
        self.traverse = Some(stop);
        self
    }

    /// Offers `fix`, edits of this diagnostic's file, as its quick fix.
    pub fn fixed_by(mut self, fix: Vec<Edit>) -> Self {
        self.fix = fix;
        self
    }
}

impl Location {
    pub fn file(file: &str) -> Self {
        Self::File { file: file.to_owned() }
    }

    pub fn json(file: &str, path: impl Into<String>) -> Self {
        Self::Json { file: file.to_owned(), path: path.into() }
    }

    /// The file it is in.
    pub fn in_file(&self) -> &str {
        match self {
            Self::File { file } | Self::Json { file, .. } | Self::Import { file, .. } => file,
        }
    }
}
