//! A composition run: the workflow drawn with each node's status and each edge taken, the node
//! chosen (its input, stdin, stdout, fuel, events, time), the state after each step, and
//! Traverse's documents: the `WorkflowExecutionResult` and traversal evidence, and for a
//! composite request the `runtime_result` and whole `RuntimeTrace`.

use leptos::prelude::*;
use serde_json::Value;

use super::code_editor::JsonBlock;
use crate::{
    check::workflow::Workflow,
    present::{
        number::grouped,
        workflow_graph::{self, NODE_HEIGHT, NODE_WIDTH},
    },
    run::{compose::Composed, workflow::WorkflowRun},
};

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

#[component]
pub fn CompositionView(composed: Composed) -> impl IntoView {
    let chosen = RwSignal::new(None::<String>);
    let Composed { workflow, run, runtime, line } = composed.clone();
    let end = if composed.completed() { "completed" } else { "failed" };
    let failure = run.as_ref().and_then(|run| run.playground_failure.clone());
    view! {
        <section class="outcome composition" aria-live="polite">
            <h3>"Outcome"</h3>
            <p><span data-testid="end-reason" class=format!("end end-{end}")>{end}</span></p>
            {match line {
                Some(line) => view! { <p>"Traverse: " <code data-testid="run-verdict">{line}</code></p> }.into_any(),
                None => view! {
                    <p class="fail" data-testid="no-run-verdict">"No Traverse verdict: the playground could not finish this run ("
                        {failure} "), so it says nothing about what Traverse would do."</p>
                }.into_any(),
            }}
            {workflow.map(|workflow| view! { <WorkflowGraph workflow run=run.clone() chosen /> })}
            {run.clone().map(|run| view! { <NodeDetail run=run.clone() chosen /> <StateSteps run /> })}
            {runtime.map(|runtime| view! {
                <details open><summary>"runtime_result"</summary>
                    <pre class="code" tabindex="0" data-testid="runtime-result">{pretty(&runtime.result)}</pre></details>
                <details><summary>"RuntimeTrace"</summary>
                    <JsonBlock testid="trace" text=pretty(&runtime.trace) label="RuntimeTrace" /></details>
            })}
            {run.map(|run| view! {
                {run.result.map(|result| view! {
                    <details open><summary>"WorkflowExecutionResult"</summary>
                        <pre class="code" tabindex="0" data-testid="workflow-result">{pretty(&result)}</pre></details>
                })}
                {run.evidence.map(|evidence| view! {
                    <details><summary>"workflow traversal evidence"</summary>
                        <JsonBlock testid="workflow-evidence" text=pretty(&evidence) label="workflow traversal evidence" /></details>
                })}
            })}
        </section>
    }
}

/// The workflow as a graph; after a run, each node's status and each edge whether it was taken.
/// Choosing a node shows what ran there.
#[component]
pub fn WorkflowGraph(
    workflow: Workflow,
    run: Option<WorkflowRun>,
    chosen: RwSignal<Option<String>>,
) -> impl IntoView {
    let layout = workflow_graph::layout(&workflow);
    let status = |node_id: &str| {
        run.as_ref().and_then(|run| run.node_status(node_id)).unwrap_or("not_reached").to_owned()
    };
    let taken = |edge_id: &str| run.as_ref().is_some_and(|run| run.edge_taken(edge_id));
    let edges = layout
        .edges
        .iter()
        .map(|edge| {
            let ((x1, y1), (x2, y2)) = (edge.from, edge.to);
            let d = format!("M {x1} {y1} C {x1} {}, {x2} {}, {x2} {y2}", y1 + 22, y2.saturating_sub(22));
            let class = format!(
                "wf-edge{}{}",
                if edge.event { " wf-event" } else { "" },
                if taken(&edge.edge_id) { " wf-taken" } else { "" }
            );
            let label = edge.label.clone().map(|label| {
                view! { <text class="wf-edge-label" x=workflow_graph::label_x(edge) y=(y1 + y2) / 2 + 4>{label}</text> }
            });
            view! {
                <g data-testid="workflow-edge" data-edge-id=edge.edge_id.clone() data-taken=taken(&edge.edge_id).to_string()>
                    <title>{edge.edge_id.clone()}</title>
                    <path class=class d=d marker-end="url(#wf-arrow)" />
                    {label}
                </g>
            }
        })
        .collect_view();
    let nodes = layout
        .nodes
        .iter()
        .map(|node| {
            let id = node.node_id.clone();
            let status = status(&id);
            let class = format!(
                "wf-node wf-{status}{}{}",
                if node.start { " wf-start" } else { "" },
                if node.terminal { " wf-terminal" } else { "" }
            );
            let choose = id.clone();
            // Its name is its text: id, capability and status, each shown (not only as colour).
            let label = format!("{}{id}", if node.start { "▶ " } else { "" });
            view! {
                <g data-testid="workflow-node" data-node-id=id.clone() data-status=status.clone() class=class
                    tabindex="0" role="button"
                    on:click={
                        let choose = choose.clone();
                        move |_| chosen.set(Some(choose.clone()))
                    }
                    on:keydown=move |event: leptos::ev::KeyboardEvent| {
                        if matches!(event.key().as_str(), "Enter" | " ") {
                            event.prevent_default();
                            chosen.set(Some(choose.clone()));
                        }
                    }>
                    <rect x=node.x y=node.y width=NODE_WIDTH height=NODE_HEIGHT rx="6" />
                    <text x=node.x + 8 y=node.y + 18>{label}</text>
                    <text class="wf-capability" x=node.x + 8 y=node.y + 36>{node.capability.clone()}</text>
                    <text class="wf-status" x=node.x + 8 y=node.y + 53>{status.replace('_', " ")}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="workflow-graph" data-testid="workflow-graph">
            <svg width=layout.width height=layout.height viewBox=format!("0 0 {} {}", layout.width, layout.height)
                role="group" aria-label=format!("workflow {}@{}", workflow.id, workflow.version)>
                <defs>
                    <marker id="wf-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" />
                    </marker>
                </defs>
                {edges}
                {nodes}
            </svg>
            <figcaption class="note">"▶ start · double border: terminal · dashed: event edge · bold: taken. Choose a node to see what ran there."</figcaption>
        </figure>
    }
}

/// What ran at the chosen node.
#[component]
fn NodeDetail(run: WorkflowRun, chosen: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        let node_id = chosen.get()?;
        let record = run.nodes.iter().rev().find(|record| record.node_id == node_id).cloned();
        Some(view! {
            <section class="node-detail" data-testid="node-detail" data-node-id=node_id.clone()>
                <h4>{format!("Node {node_id}")}</h4>
                {match record {
                    None => view! { <p class="note">"Not reached: nothing ran here."</p> }.into_any(),
                    Some(record) => {
                        let outcome = record.outcome.clone();
                        view! {
                            <dl class="facts">
                                <dt>"step"</dt><dd>{record.step_index}</dd>
                                <dt>"input"</dt><dd><pre class="code" tabindex="0" data-testid="node-input">{pretty(&record.input)}</pre></dd>
                                <dt>"stdin"</dt><dd><code data-testid="node-stdin">{record.stdin.clone()}</code></dd>
                                {match outcome {
                                    None => view! { <dt>"run"</dt><dd class="note">"The module did not run: the step stopped before it."</dd> }.into_any(),
                                    Some(outcome) => view! {
                                        <dt>"stdout"</dt><dd><pre class="code" tabindex="0" data-testid="node-stdout">{String::from_utf8_lossy(&outcome.stdout).into_owned()}</pre></dd>
                                        <dt>"end"</dt><dd data-testid="node-end">{outcome.end.detail()}</dd>
                                        <dt>"fuel"</dt><dd data-testid="node-fuel">{outcome.fuel_consumed.map(grouped)}</dd>
                                        <dt>"events"</dt><dd><pre class="code" tabindex="0" data-testid="node-events">{outcome.events.iter()
                                            .map(|e| format!("{}@{} {}", e.event_id, e.version, e.data)).collect::<Vec<_>>().join("\n")}</pre></dd>
                                        <dt>"time"</dt><dd data-testid="node-time">{format!("{:.1} ms", outcome.wall_time_ms)}</dd>
                                    }.into_any(),
                                }}
                            </dl>
                        }.into_any()
                    }
                }}
            </section>
        })
    }
}

/// The workflow state after each step, stepped through.
#[component]
fn StateSteps(run: WorkflowRun) -> impl IntoView {
    let last = run.nodes.len().saturating_sub(1);
    let step = RwSignal::new(last);
    let nodes = StoredValue::new(run.nodes);
    nodes.with_value(|nodes| !nodes.is_empty()).then(|| {
        let shown = move || {
            nodes.with_value(|nodes| {
                nodes.get(step.get()).map(|record| (record.step_index, record.node_id.clone(), pretty(&record.state)))
            })
        };
        view! {
            <section class="state-steps">
                <label>"State after step "
                    <input type="range" data-testid="state-step" min="0" max=last prop:value=move || step.get().to_string()
                        on:input=move |event| step.set(event_target_value(&event).parse().unwrap_or(last)) />
                    <span data-testid="state-step-label">{move || shown().map(|(index, node, _)| format!("{index} ({node})"))}</span>
                </label>
                <pre class="code" tabindex="0" data-testid="state-at-step">{move || shown().map(|(_, _, state)| state)}</pre>
            </section>
        }
    })
}
