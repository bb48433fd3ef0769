//! Step 8 of loading: the binary's fnv1a64 against `binary.expected_digest` (SPEC §2.2).

use serde::Serialize;

use crate::{
    check::diagnostic::{Diagnostic, Location, TraverseStop},
    package::{ResolvedPath, digest},
};

/// Digests of the package binary, for display beside the declared one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BinaryFacts {
    pub path: String,
    pub size: usize,
    pub declared: String,
    pub fnv1a64: String,
    pub sha256: String,
}

/// Step 8: the binary's fnv1a64 against the declared digest.
pub fn check(
    manifest_path: &str,
    declared: &str,
    binary: &ResolvedPath,
    size: usize,
    digests: digest::Digests,
) -> (Vec<Diagnostic>, BinaryFacts) {
    let facts = BinaryFacts {
        path: binary.key.clone(),
        size,
        declared: declared.to_owned(),
        fnv1a64: digests.fnv1a64,
        sha256: digests.sha256,
    };
    let mut diagnostics = Vec::new();
    if !declared.trim().is_empty() && declared != facts.fnv1a64 {
        let (code, why) = match digest::fnv1a64_form_problem(declared) {
            Some(problem) => ("digest.format", format!("binary.expected_digest is {problem}")),
            None => ("digest.mismatch", "the binary is not the one the manifest declares: rebuild it, or update binary.expected_digest".to_owned()),
        };
        diagnostics.push(
            Diagnostic::error(
                code,
                Location::json(manifest_path, "$.binary.expected_digest"),
                format!("{why} (computed {})", facts.fnv1a64),
            )
            .stops(TraverseStop::load(format!(
                "capability binary digest mismatch for {}: expected {declared}, got {}",
                binary.display, facts.fnv1a64
            ))),
        );
    }
    (diagnostics, facts)
}
