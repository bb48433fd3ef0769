//! What "Run all" shows while it goes: a row per run as it ends, how many runs it planned, how
//! many ended and how, and why it stopped early. Rows are only appended and counted as they
//! end, so an update costs one row, not a pass over ten thousand.

use std::collections::BTreeMap;

use crate::{
    present::run_result::RunResult,
    run::plan::{BatchKind, NotSent},
};

/// The most rows the table draws; the summary counts every run. Drawing ten thousand rows
/// took the page seconds per update.
pub const MAX_DRAWN_ROWS: usize = 200;

/// Why a Run all ended before its last run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// Stop, or Esc.
    ByUser,
    /// The files changed: the runs left would be of another package.
    FilesChanged,
}

/// One Run all's progress.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    planned: usize,
    ended: usize,
    /// How many runs ended each way, by the end's label.
    ends: BTreeMap<&'static str, usize>,
    done: bool,
    stopped: Option<Stopped>,
}

impl Progress {
    pub fn new(planned: usize) -> Self {
        Self { planned, ..Self::default() }
    }

    /// One more run ended, as `end` says.
    pub fn record(&mut self, end: &'static str) {
        self.ended += 1;
        *self.ends.entry(end).or_default() += 1;
    }

    /// Over: after its last run (`stopped` is `None`), or early.
    pub fn finish(&mut self, stopped: Option<Stopped>) {
        self.done = true;
        self.stopped = stopped;
    }

    pub fn done(&self) -> bool {
        self.done
    }

    pub fn summary(&self) -> String {
        let counts: Vec<String> = self.ends.iter().map(|(end, count)| format!("{count} {end}")).collect();
        let mut summary = format!("{} of {} runs ended: {}", self.ended, self.planned, counts.join(", "));
        summary.push_str(match self.stopped {
            Some(Stopped::ByUser) => ". Stopped; the rest were not run.",
            Some(Stopped::FilesChanged) => ". Stopped: the files changed; the rest were not run.",
            None => "",
        });
        if self.ended > MAX_DRAWN_ROWS {
            summary.push_str(&format!(" The first {MAX_DRAWN_ROWS} are shown."));
        }
        summary
    }
}

/// One run of Run all that has ended: its result, or why it could not be sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub kind: BatchKind,
    pub name: String,
    pub result: Result<RunResult, NotSent>,
}

impl Row {
    /// How it ended, as the table and the summary say it.
    pub fn end(&self) -> &'static str {
        self.result.as_ref().map_or("not run", |result| result.end().label())
    }

    /// Traverse's line for it, or why it was not run.
    pub fn line(&self) -> Option<String> {
        match &self.result {
            Ok(result) => result.traverse_line(),
            Err(not_sent) => Some(not_sent.to_string()),
        }
    }
}

/// One Run all: the rows of the runs ended so far, in order, only ever appended, and its
/// progress.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunAll {
    pub rows: Vec<Row>,
    pub progress: Progress,
}

impl RunAll {
    pub fn new(planned: usize) -> Self {
        Self { rows: Vec::new(), progress: Progress::new(planned) }
    }

    pub fn record(&mut self, row: Row) {
        self.progress.record(row.end());
        self.rows.push(row);
    }

    pub fn finish(&mut self, stopped: Option<Stopped>) {
        self.progress.finish(stopped);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_every_end_and_says_why_it_stopped() {
        let mut progress = Progress::new(9_906);
        assert_eq!(progress.summary(), "0 of 9906 runs ended: ");
        for index in 0..250 {
            progress.record(if index % 5 == 0 { "failed" } else { "completed" });
        }
        assert!(!progress.done());
        progress.finish(Some(Stopped::ByUser));
        assert!(progress.done());
        assert_eq!(
            progress.summary(),
            "250 of 9906 runs ended: 200 completed, 50 failed. Stopped; the rest were not run. The first 200 are shown."
        );
        let mut changed = Progress::new(2);
        changed.record("completed");
        changed.finish(Some(Stopped::FilesChanged));
        assert_eq!(
            changed.summary(),
            "1 of 2 runs ended: 1 completed. Stopped: the files changed; the rest were not run."
        );
        let mut all = Progress::new(1);
        all.record("timed out");
        all.finish(None);
        assert_eq!(all.summary(), "1 of 1 runs ended: 1 timed out");
    }
}
