//! Traverse Playground: check and run Traverse governed capability packages in the browser.
//!
//! A pure core and a thin web shell (ARCHITECTURE.md). The core compiles natively and is
//! tested with `cargo test`; only [`web`] touches the browser, Leptos or wasmer, and the
//! compiler keeps it so: it exists only on wasm32.
//!
//! - [`package`]: what was loaded: files by path with their digests, roles, archives;
//! - [`check`]: Traverse's package checks, each problem a [`check::diagnostic::Diagnostic`],
//!   and the verdicts derived from them;
//! - [`run`]: what a governed run means: the fuel rewrite, Traverse's host functions, the
//!   messages to the runner, a composition walked, and the result and trace Traverse gives for
//!   what ran;
//! - [`explore`]: inputs generated from a contract's input schema, and what fails among
//!   their runs, shrunk: decided here, run by the command line (or a runner) that drives it;
//! - [`present`]: what the page shows or shares, as plain data: share links, JSON spans, docs,
//!   a run's result, Run all's rows;
//! - [`sorted`]: sorting and sorted collections with one copy of the sort, for code the page runs;
//! - `web` (wasm32 only): the page and its four workers: the runner, intake (large loads read,
//!   unpacked and hashed), the strict lint and the Docs' reader.

pub mod check;
pub mod explore;
pub mod package;
pub mod present;
pub mod run;
pub mod sorted;
#[cfg(target_arch = "wasm32")]
pub mod web;
