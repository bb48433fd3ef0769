//! An exploration as the command line prints it: a summary line, then each finding with its
//! shrunk input, Traverse's line and the first problem (docs/explore.md).

use serde_json::{Value, json};

use crate::{explore::Finding, present::number::counted};

/// What was explored, and what was found.
pub struct Explored<'a> {
    pub manifest: &'a str,
    pub seed: u64,
    pub generated: usize,
    pub runs: usize,
    pub findings: &'a [Finding],
}

impl Explored<'_> {
    pub fn text(&self) -> String {
        let mut out = format!(
            "explore {}: seed {}, {} inputs, {} runs with shrinking, {}\n",
            self.manifest,
            self.seed,
            self.generated,
            self.runs,
            counted(self.findings.len(), "finding"),
        );
        for finding in self.findings {
            out += &format!("finding {}\n", finding.kind.as_str());
            out += &format!("  input       {}\n", finding.input);
            out += &format!("  found with  {}\n", finding.found_with);
            out += &format!("  traverse    {}\n", finding.traverse_line);
            if !finding.problem.is_empty() {
                out += &format!("  problem     {}\n", finding.problem);
            }
        }
        out
    }

    pub fn json(&self) -> Value {
        json!({
            "manifest": self.manifest,
            "seed": self.seed,
            "inputs": self.generated,
            "runs": self.runs,
            "findings": self.findings,
        })
    }
}
