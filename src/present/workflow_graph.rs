//! A workflow drawn as a graph, top to bottom: each node placed in the layer of its longest
//! path from the nodes nothing points to, side by side within a layer in topological order,
//! and each edge from one box to the next. Plain numbers; the page turns them into SVG.

use crate::{
    check::workflow::{Trigger, Workflow, topological_order},
    package::key,
    sorted,
};

pub const NODE_WIDTH: u32 = 260;
/// Three lines: the node's id, its capability, its status.
pub const NODE_HEIGHT: u32 = 62;
const GAP_X: u32 = 24;
const GAP_Y: u32 = 40;
const MARGIN: u32 = 12;
/// About the width of one character of the 10px labels, to leave room for an edge's label.
const LABEL_CHAR_WIDTH: u32 = 6;

#[derive(Debug, Clone, PartialEq)]
pub struct PlacedNode {
    pub node_id: String,
    /// `capability_id@capability_version`.
    pub capability: String,
    pub x: u32,
    pub y: u32,
    pub start: bool,
    pub terminal: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlacedEdge {
    pub edge_id: String,
    pub from: (u32, u32),
    pub to: (u32, u32),
    pub event: bool,
    /// The event waited for and the predicate, for event edges.
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub nodes: Vec<PlacedNode>,
    pub edges: Vec<PlacedEdge>,
    pub width: u32,
    pub height: u32,
}

/// Where an edge's label starts: beside the middle of the edge.
pub fn label_x(edge: &PlacedEdge) -> u32 {
    (edge.from.0 + edge.to.0) / 2 + 8
}

/// Lays `workflow` out top to bottom. A workflow with a cycle (which registration refuses) is
/// laid out in declaration order, one node per layer.
pub fn layout(workflow: &Workflow) -> Layout {
    let count = workflow.nodes.len();
    let positions =
        sorted::map(workflow.nodes.iter().enumerate().map(|(i, node)| (node.node_id.as_str(), i)));
    let index = |id: &str| positions.get(id).copied();
    let topological = topological_order(workflow);
    let acyclic = topological.is_some();
    let order = topological.unwrap_or_else(|| (0..count).collect());
    let mut layer = vec![0u32; count];
    if acyclic {
        let mut successors = vec![Vec::new(); count];
        for edge in &workflow.edges {
            if let (Some(from), Some(to)) = (index(&edge.from), index(&edge.to)) {
                successors[from].push(to);
            }
        }
        for &node in &order {
            for &next in &successors[node] {
                layer[next] = layer[next].max(layer[node] + 1);
            }
        }
    } else {
        for (position, &node) in order.iter().enumerate() {
            layer[node] = position as u32;
        }
    }
    let mut row_of_layer: Vec<u32> = Vec::new();
    let mut place = vec![(0u32, 0u32); count];
    for &node in &order {
        let l = layer[node] as usize;
        if row_of_layer.len() <= l {
            row_of_layer.resize(l + 1, 0);
        }
        let row = row_of_layer[l];
        row_of_layer[l] += 1;
        place[node] = (MARGIN + row * (NODE_WIDTH + GAP_X), MARGIN + layer[node] * (NODE_HEIGHT + GAP_Y));
    }
    let nodes = workflow
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| PlacedNode {
            node_id: node.node_id.clone(),
            capability: key(&node.capability_id, &node.capability_version),
            x: place[i].0,
            y: place[i].1,
            start: node.node_id == workflow.start_node,
            terminal: workflow.terminal_nodes.contains(&node.node_id),
        })
        .collect();
    let edges: Vec<PlacedEdge> = workflow
        .edges
        .iter()
        .filter_map(|edge| {
            let (from, to) = (place[index(&edge.from)?], place[index(&edge.to)?]);
            let event = edge.trigger == Trigger::Event;
            let label = event.then(|| {
                let waited = edge.event.as_ref().map_or_else(String::new, |e| key(&e.event_id, &e.version));
                match &edge.predicate {
                    Some(p) => format!("{waited} if {} == {}", p.field, p.equals),
                    None => waited,
                }
            });
            Some(PlacedEdge {
                edge_id: edge.edge_id.clone(),
                from: (from.0 + NODE_WIDTH / 2, from.1 + NODE_HEIGHT),
                to: (to.0 + NODE_WIDTH / 2, to.1),
                event,
                label,
            })
        })
        .collect();
    let layers = layer.iter().max().map_or(0, |&l| l + 1);
    let rows = row_of_layer.iter().max().copied().unwrap_or(0);
    // An event edge's label is written beside the edge's middle: room for the longest.
    let labels = edges.iter().filter_map(|edge| {
        let label = edge.label.as_ref()?;
        Some(label_x(edge) + label.chars().count() as u32 * LABEL_CHAR_WIDTH + MARGIN)
    });
    let width = labels.fold(2 * MARGIN + rows * (NODE_WIDTH + GAP_X), u32::max);
    Layout { nodes, edges, width, height: 2 * MARGIN + layers * (NODE_HEIGHT + GAP_Y) }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nodes_take_the_layer_of_their_longest_path() {
        let nodes: Vec<_> = ["a", "b", "c"]
            .map(|id| {
                json!({"node_id": id, "capability_id": "x", "capability_version": "1.0.0",
                "input": {"from_workflow_input": []}, "output": {"to_workflow_state": []}})
            })
            .to_vec();
        let workflow: Workflow = serde_json::from_value(json!({
            "kind": "workflow_definition", "schema_version": "1.0.0", "id": "w", "name": "w", "version": "1.0.0",
            "lifecycle": "active", "owner": {"team": "t", "contact": "c"}, "summary": "s",
            "inputs": {"schema": {}}, "outputs": {"schema": {}}, "tags": [], "governing_spec": "g",
            "nodes": nodes,
            "edges": [
                {"edge_id": "ab", "from": "a", "to": "b", "trigger": "direct"},
                {"edge_id": "bc", "from": "b", "to": "c", "trigger": "event",
                 "event": {"event_id": "e", "version": "1.0.0"}, "predicate": {"field": "payload.k", "equals": 1}},
                {"edge_id": "ac", "from": "a", "to": "c", "trigger": "direct"}],
            "start_node": "a", "terminal_nodes": ["c"]
        }))
        .unwrap();
        let layout = layout(&workflow);
        let ys: Vec<u32> = layout.nodes.iter().map(|n| n.y).collect();
        assert_eq!(ys, [MARGIN, MARGIN + NODE_HEIGHT + GAP_Y, MARGIN + 2 * (NODE_HEIGHT + GAP_Y)]);
        assert_eq!(layout.edges[1].label.as_deref(), Some("e@1.0.0 if payload.k == 1"));
        assert!(layout.nodes[0].start && layout.nodes[2].terminal);
        assert_eq!(layout.height, 2 * MARGIN + 3 * (NODE_HEIGHT + GAP_Y));
        let label = "e@1.0.0 if payload.k == 1".len() as u32 * LABEL_CHAR_WIDTH;
        assert_eq!(
            layout.width,
            MARGIN + NODE_WIDTH / 2 + 8 + label + MARGIN,
            "one node per layer, and the label"
        );
    }
}
