//! What the page shows and shares, as plain data the components render: the state as a link,
//! JSON text as coloured spans, the documents, a run's result and Run all's progress.

pub mod docs;
pub mod embed;
pub mod explore_report;
pub mod file_problems;
pub mod gallery;
pub mod json_view;
pub mod number;
pub mod position;
pub mod report;
pub mod run_all;
pub mod run_result;
pub mod share_link;
pub mod workflow_graph;
