import type { Condition, Flow, Step } from "../engine/flowSchema.js";

/** Kinds of boxes in a flowchart: the step kinds, plus another flow reached by `goto`. */
export type NodeKind = Step["kind"] | "flow";

export interface FlowNode {
  id: string;
  kind: NodeKind;
  /** The step id, or the target flow id. */
  title: string;
  /** What the step says (its text in the chosen language), shortened; null when it says nothing. */
  text: string | null;
  /** For `flow` nodes and `goto` steps: the flow it opens. */
  flow?: string;
  /** Steps drawn as this one box (identical steps, e.g. the same menu for 1 to 10 options). */
  members?: string[];
}

export type EdgeKind = "next" | "fallback" | "error" | "return" | "missing";

export interface FlowEdge {
  from: string;
  to: string;
  /** Labels of every transition between the two boxes (menu choices, outcomes, conditions). */
  labels: string[];
  kind: EdgeKind;
}

export interface FlowGraph {
  start: string;
  nodes: FlowNode[];
  edges: FlowEdge[];
}

/** Translates text keys for the chart (an i18n `t` bound to a language). */
export type Translate = (key: string) => string;

/** Short, readable text of a branch condition: `sensitive = true`, `not(urgent exists)`. */
export function describeCondition(condition: Condition): string {
  if ("equals" in condition) return `${condition.var} = ${String(condition.equals)}`;
  if ("in" in condition) return `${condition.var} ∈ {${condition.in.map(String).join(", ")}}`;
  if ("exists" in condition) return condition.exists ? `${condition.var} ?` : `no ${condition.var}`;
  if ("not" in condition) return `not (${describeCondition(condition.not)})`;
  if ("all" in condition) return condition.all.map(describeCondition).join(" and ");
  return condition.any.map(describeCondition).join(" or ");
}

/**
 * The boxes and arrows of a flow: one box per step, one per other flow it opens, arrows for every
 * transition (labelled with the menu choice, the action outcome or the branch condition).
 * Several transitions between the same two boxes become one arrow with several labels.
 */
export function flowGraph(flow: Flow, t: Translate): FlowGraph {
  const nodes: FlowNode[] = [];
  const edges = new Map<string, FlowEdge>();
  const addEdge = (from: string, to: string, kind: EdgeKind, label?: string) => {
    const key = `${from}\u0000${to}\u0000${kind}`;
    const edge = edges.get(key) ?? { from, to, labels: [], kind };
    if (label && !edge.labels.includes(label)) edge.labels.push(label);
    edges.set(key, edge);
  };
  const flowNodes = new Set<string>();
  const flowNode = (target: string) => {
    const id = `flow:${target}`;
    if (!flowNodes.has(id)) {
      flowNodes.add(id);
      nodes.push({ id, kind: "flow", title: target, text: null, flow: target });
    }
    return id;
  };

  for (const [id, step] of Object.entries(flow.steps)) {
    const text = "text" in step && step.text ? t(step.text) : null;
    nodes.push({ id, kind: step.kind, title: id, text, ...(step.kind === "goto" ? { flow: step.flow } : {}) });
    switch (step.kind) {
      case "message":
        addEdge(id, step.next, "next");
        break;
      case "menu":
        for (const choice of step.choices) addEdge(id, choice.next, "next", t(choice.label));
        if (step.fallback) addEdge(id, step.fallback, "fallback", "×");
        break;
      case "ask":
      case "language":
        addEdge(id, step.next, "next");
        if (step.fallback) addEdge(id, step.fallback, "fallback", "×");
        break;
      case "branch":
        for (const c of step.cases) addEdge(id, c.next, "next", describeCondition(c.when));
        addEdge(id, step.else, "next", "else");
        break;
      case "action":
        for (const [outcome, next] of Object.entries(step.outcomes ?? {})) addEdge(id, next, "next", outcome);
        if (step.next) addEdge(id, step.next, "next");
        if (step.onError) addEdge(id, step.onError, "error", "error");
        break;
      case "goto":
        addEdge(id, flowNode(step.flow), "next");
        if (step.return) addEdge(id, step.return, "return", "return");
        if (step.ifMissing) addEdge(id, step.ifMissing, "missing", "missing");
        break;
      case "end":
        break;
    }
  }
  return mergeEquivalentSteps({ start: flow.start, nodes, edges: [...edges.values()] });
}

/**
 * Draws identical steps once: steps of the same kind, saying the same text and leading to the same
 * places (a menu written out for 1, 2 ... 10 options) become one box listing them, and their arrows
 * merge with their labels.
 */
export function mergeEquivalentSteps(graph: FlowGraph): FlowGraph {
  const signature = (node: FlowNode) => {
    const targets = [...new Set(graph.edges.filter((e) => e.from === node.id).map((e) => `${e.kind}>${e.to}`))].sort();
    return `${node.kind}\u0000${node.text ?? ""}\u0000${node.flow ?? ""}\u0000${targets.join(",")}`;
  };
  const groups = new Map<string, FlowNode[]>();
  for (const node of graph.nodes) {
    if (node.kind === "flow" || node.id === graph.start) continue;
    const key = signature(node);
    groups.set(key, [...(groups.get(key) ?? []), node]);
  }
  const representative = new Map<string, string>();
  const merged = new Map<string, FlowNode>();
  for (const members of groups.values()) {
    const [first] = members;
    if (!first || members.length < 3) continue;
    const ids = members.map((m) => m.id);
    for (const id of ids) representative.set(id, first.id);
    const last = ids.at(-1) ?? first.id;
    merged.set(first.id, { ...first, title: `${first.id} … ${last} (${ids.length})`, members: ids });
  }
  if (merged.size === 0) return graph;
  const nodes = graph.nodes
    .filter((n) => !representative.has(n.id) || merged.has(n.id))
    .map((n) => merged.get(n.id) ?? n);
  const edges = new Map<string, FlowEdge>();
  for (const e of graph.edges) {
    const from = representative.get(e.from) ?? e.from;
    const to = representative.get(e.to) ?? e.to;
    const key = `${from}\u0000${to}\u0000${e.kind}`;
    const edge = edges.get(key) ?? { from, to, labels: [], kind: e.kind };
    for (const label of e.labels) if (!edge.labels.includes(label)) edge.labels.push(label);
    edges.set(key, edge);
  }
  return { start: graph.start, nodes, edges: [...edges.values()] };
}
