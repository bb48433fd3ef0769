//! What the page shows and shares, as plain data the components render: the state as a link,
//! JSON text as coloured spans, and the documents.

pub mod docs;
pub mod json_view;
pub mod number;
pub mod position;
pub mod run_all;
pub mod share_link;
pub mod workflow_graph;
