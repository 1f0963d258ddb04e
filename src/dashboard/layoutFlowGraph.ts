import type { FlowEdge, FlowGraph, FlowNode } from "./flowGraph.js";

export interface PlacedNode extends FlowNode {
  layer: number;
  x: number;
  y: number;
}

export interface Point {
  x: number;
  y: number;
}

/** An arrow's route, from the box it leaves to the box it enters. */
export interface RoutedEdge {
  edge: FlowEdge;
  points: Point[];
  /** True for an arrow that goes back up (a loop in the flow). */
  upward: boolean;
}

export interface Layout {
  nodes: PlacedNode[];
  edges: RoutedEdge[];
  width: number;
  height: number;
}

export const nodeSize = { width: 210, height: 64 } as const;
const dummyWidth = 14;
const gap = { x: 28, y: 84 } as const;
const margin = 30;

interface Segment {
  upper: string;
  lower: string;
}

/**
 * A layered (Sugiyama-style) layout. Depth-first from the start finds the arrows that loop back;
 * they are turned around for the layout so the flow reads top-down. Each box sits one layer below
 * its deepest predecessor; an arrow that spans several layers passes through invisible waypoints in
 * the layers between, so it goes around boxes rather than through them; boxes and waypoints are
 * ordered in each layer by the mean position of their neighbours (sweeps down and up) to cut
 * crossings; layers are centred.
 */
export function layoutFlowGraph(graph: FlowGraph): Layout {
  const ids = graph.nodes.map((n) => n.id);
  const out = new Set(ids);

  const order: string[] = [];
  const finished: string[] = [];
  const state = new Map<string, "open" | "done">();
  const back = new Set<FlowEdge>();
  const visit = (id: string) => {
    state.set(id, "open");
    order.push(id);
    for (const e of graph.edges) {
      if (e.from !== id || e.to === id) continue;
      const s = state.get(e.to);
      if (s === "open") back.add(e);
      else if (s === undefined) visit(e.to);
    }
    state.set(id, "done");
    finished.push(id);
  };
  if (out.has(graph.start)) visit(graph.start);
  for (const id of ids) if (!state.has(id)) visit(id);
  const rank = new Map(order.map((id, i) => [id, i]));

  // Loops are turned around for the layout (drawn pointing up), which leaves a DAG.
  const laid = graph.edges
    .filter((e) => e.from !== e.to)
    .map((e) => (back.has(e) ? { edge: e, upper: e.to, lower: e.from } : { edge: e, upper: e.from, lower: e.to }));

  // Longest path, in topological order (reverse depth-first finishing order).
  const layer = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const id of [...finished].reverse()) {
    for (const l of laid)
      if (l.upper === id) layer.set(l.lower, Math.max(layer.get(l.lower) ?? 0, (layer.get(id) ?? 0) + 1));
  }

  // Waypoints for arrows spanning several layers.
  const segments: Segment[] = [];
  const chains = new Map<FlowEdge, string[]>();
  const width = new Map<string, number>(ids.map((id) => [id, nodeSize.width]));
  let dummies = 0;
  for (const l of laid) {
    const chain = [l.upper];
    for (let at = (layer.get(l.upper) ?? 0) + 1; at < (layer.get(l.lower) ?? 0); at++) {
      const id = `\u0000waypoint${dummies++}`;
      layer.set(id, at);
      width.set(id, dummyWidth);
      chain.push(id);
    }
    chain.push(l.lower);
    for (let i = 0; i + 1 < chain.length; i++) segments.push({ upper: chain[i] ?? "", lower: chain[i + 1] ?? "" });
    chains.set(l.edge, chain);
  }

  const layerCount = Math.max(0, ...layer.values()) + 1;
  const layers: string[][] = Array.from({ length: layerCount }, () => []);
  for (const id of [...order, ...[...layer.keys()].filter((k) => !rank.has(k))]) layers[layer.get(id) ?? 0]?.push(id);

  const position = new Map<string, number>();
  const reindex = () => {
    for (const l of layers) {
      for (const [i, id] of l.entries()) position.set(id, i);
    }
  };
  reindex();
  const above = new Map<string, string[]>();
  const below = new Map<string, string[]>();
  for (const s of segments) {
    above.set(s.lower, [...(above.get(s.lower) ?? []), s.upper]);
    below.set(s.upper, [...(below.get(s.upper) ?? []), s.lower]);
  }
  for (let sweep = 0; sweep < 8; sweep++) {
    const down = sweep % 2 === 0;
    const range = down ? layers.slice(1) : layers.slice(0, -1).reverse();
    for (const l of range) {
      const score = new Map(
        l.map((id) => {
          const around = ((down ? above : below).get(id) ?? []).map((n) => position.get(n) ?? 0);
          return [id, around.length > 0 ? around.reduce((a, b) => a + b, 0) / around.length : (position.get(id) ?? 0)];
        }),
      );
      l.sort((a, b) => (score.get(a) ?? 0) - (score.get(b) ?? 0));
      reindex();
    }
  }

  const rowWidth = (l: string[]) =>
    l.reduce((sum, id) => sum + (width.get(id) ?? 0), 0) + Math.max(0, l.length - 1) * gap.x;
  const widest = Math.max(nodeSize.width, ...layers.map(rowWidth));
  const left = new Map<string, number>();
  const top = (index: number) => margin + 20 + index * (nodeSize.height + gap.y);
  for (const l of layers) {
    let x = margin + (widest - rowWidth(l)) / 2;
    for (const id of l) {
      left.set(id, x);
      x += (width.get(id) ?? 0) + gap.x;
    }
  }
  const centre = (id: string) => (left.get(id) ?? 0) + (width.get(id) ?? 0) / 2;

  // Ports: arrows leave a box's bottom and enter its top side by side, ordered by where they go.
  const port = new Map<string, number>();
  const spread = (i: number, n: number) => (i - (n - 1) / 2) * Math.min(16, (nodeSize.width - 30) / Math.max(1, n));
  for (const id of ids) {
    const downs = segments.filter((s) => s.upper === id).sort((a, b) => centre(a.lower) - centre(b.lower));
    for (const [i, s] of downs.entries()) port.set(`${s.upper}>${s.lower}>b`, centre(id) + spread(i, downs.length));
    const ups = segments.filter((s) => s.lower === id).sort((a, b) => centre(a.upper) - centre(b.upper));
    for (const [i, s] of ups.entries()) port.set(`${s.upper}>${s.lower}>t`, centre(id) + spread(i, ups.length));
  }

  const isDummy = (id: string) => !rank.has(id);
  const edges: RoutedEdge[] = [];
  for (const l of laid) {
    const chain = chains.get(l.edge) ?? [];
    const points: Point[] = [];
    for (let i = 0; i + 1 < chain.length; i++) {
      const a = chain[i] ?? "";
      const b = chain[i + 1] ?? "";
      const ya = top(layer.get(a) ?? 0);
      const yb = top(layer.get(b) ?? 0);
      if (i === 0)
        points.push({ x: isDummy(a) ? centre(a) : (port.get(`${a}>${b}>b`) ?? centre(a)), y: ya + nodeSize.height });
      const xb = isDummy(b) ? centre(b) : (port.get(`${a}>${b}>t`) ?? centre(b));
      points.push({ x: xb, y: yb });
      if (isDummy(b)) points.push({ x: xb, y: yb + nodeSize.height });
    }
    edges.push({ edge: l.edge, points: back.has(l.edge) ? points.reverse() : points, upward: back.has(l.edge) });
  }
  for (const e of graph.edges.filter((x) => x.from === x.to)) {
    const x = (left.get(e.from) ?? 0) + nodeSize.width;
    const y = top(layer.get(e.from) ?? 0);
    edges.push({
      edge: e,
      points: [
        { x, y: y + 18 },
        { x: x + 30, y: y + nodeSize.height / 2 },
        { x, y: y + nodeSize.height - 18 },
      ],
      upward: true,
    });
  }

  const nodes: PlacedNode[] = graph.nodes.map((n) => ({
    ...n,
    layer: layer.get(n.id) ?? 0,
    x: left.get(n.id) ?? 0,
    y: top(layer.get(n.id) ?? 0),
  }));
  return { nodes, edges, width: widest + 2 * margin, height: top(layerCount) - gap.y + margin };
}
