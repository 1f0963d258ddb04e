import type { EdgeKind, FlowGraph, NodeKind } from "./flowGraph.js";
import { type Layout, layoutFlowGraph, nodeSize, type PlacedNode, type Point } from "./layoutFlowGraph.js";

const xmlEscapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => xmlEscapes[c] ?? c);
}

const style: Record<NodeKind, { fill: string; stroke: string; ink: string; tag: string }> = {
  menu: { fill: "#e8f0fe", stroke: "#1a73e8", ink: "#174ea6", tag: "menu" },
  ask: { fill: "#fef7e0", stroke: "#e37400", ink: "#8a4b00", tag: "question" },
  message: { fill: "#f1f3f4", stroke: "#5f6368", ink: "#202124", tag: "message" },
  branch: { fill: "#f3e8fd", stroke: "#8430ce", ink: "#5b1e91", tag: "condition" },
  action: { fill: "#e6f4ea", stroke: "#188038", ink: "#0d652d", tag: "action" },
  goto: { fill: "#fce8e6", stroke: "#c5221f", ink: "#a50e0e", tag: "aller à" },
  end: { fill: "#3c4043", stroke: "#202124", ink: "#ffffff", tag: "fin" },
  language: { fill: "#e8f0fe", stroke: "#1a73e8", ink: "#174ea6", tag: "langue" },
  flow: { fill: "#ffffff", stroke: "#c5221f", ink: "#a50e0e", tag: "parcours" },
};

const edgeColour: Record<EdgeKind, string> = {
  next: "#5f6368",
  fallback: "#e37400",
  error: "#c5221f",
  return: "#1a73e8",
  missing: "#9aa0a6",
};

/** Splits text into at most `lines` lines of about `width` characters, with an ellipsis when cut. */
export function wrapText(text: string, width: number, lines: number): string[] {
  const words = text.replace(/\s+/g, " ").trim().split(" ");
  const out: string[] = [];
  let line = "";
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (candidate.length <= width) {
      line = candidate;
      continue;
    }
    if (line) out.push(line);
    line = word.length > width ? `${word.slice(0, width - 1)}…` : word;
    if (out.length === lines) break;
  }
  if (line && out.length < lines) out.push(line);
  if (out.length === lines && out.join(" ").length < text.replace(/\s+/g, " ").trim().length) {
    const last = out[lines - 1] ?? "";
    out[lines - 1] = `${last.slice(0, Math.max(0, width - 1))}…`;
  }
  return out.slice(0, lines);
}

function shape(n: PlacedNode): string {
  const s = style[n.kind];
  const { width: w, height: h } = nodeSize;
  const common = `fill="${s.fill}" stroke="${s.stroke}" stroke-width="1.5"`;
  switch (n.kind) {
    case "branch":
      return `<polygon points="${n.x + 14},${n.y} ${n.x + w - 14},${n.y} ${n.x + w},${n.y + h / 2} ${n.x + w - 14},${n.y + h} ${n.x + 14},${n.y + h} ${n.x},${n.y + h / 2}" ${common}/>`;
    case "end":
    case "flow":
    case "goto":
      return `<rect x="${n.x}" y="${n.y}" width="${w}" height="${h}" rx="${h / 2}" ${common}${n.kind === "flow" ? ' stroke-dasharray="5 3"' : ""}/>`;
    case "action":
      return `<rect x="${n.x}" y="${n.y}" width="${w}" height="${h}" rx="3" ${common}/><rect x="${n.x + 4}" y="${n.y + 4}" width="${w - 8}" height="${h - 8}" rx="2" fill="none" stroke="${s.stroke}"/>`;
    default:
      return `<rect x="${n.x}" y="${n.y}" width="${w}" height="${h}" rx="8" ${common}/>`;
  }
}

function nodeSvg(n: PlacedNode): string {
  const s = style[n.kind];
  const cx = n.x + nodeSize.width / 2;
  const heading = n.kind === "flow" ? `→ ${n.title}` : n.title;
  const body = n.text ? wrapText(n.text, 32, 2) : n.kind === "goto" && n.flow ? [`→ ${n.flow}`] : [];
  const lines = [
    `<tspan x="${cx}" dy="0" font-weight="bold">${xml(heading)}</tspan>`,
    ...body.map((line) => `<tspan x="${cx}" dy="15">${xml(line)}</tspan>`),
  ];
  const top = n.y + nodeSize.height / 2 - (body.length * 15) / 2 + 4;
  const tooltip = [`${s.tag}: ${n.members?.join(", ") ?? n.title}`, n.text ?? ""].filter(Boolean).join("\n");
  const group =
    `<g class="node node-${n.kind}" data-step="${xml(n.id)}"><title>${xml(tooltip)}</title>${shape(n)}` +
    `<text x="${cx}" y="${top}" text-anchor="middle" font-size="12" fill="${s.ink}">${lines.join("")}</text>` +
    `<text x="${n.x + 8}" y="${n.y - 4}" font-size="9" fill="#5f6368">${xml(s.tag)}</text></g>`;
  return n.flow ? `<a href="#flow-${xml(n.flow)}">${group}</a>` : group;
}

function edgeLabel(labels: string[]): string {
  if (labels.length === 0) return "";
  // Numbered outcomes (1, 2 ... 10) read better as a range.
  if (labels.length > 2 && labels.every((l) => /^\d+$/.test(l))) {
    const numbers = labels.map(Number);
    return `${Math.min(...numbers)}–${Math.max(...numbers)}`;
  }
  const shown = labels.slice(0, 2).map((l) => (l.length > 16 ? `${l.slice(0, 15)}…` : l));
  return labels.length > 2 ? `${shown.join(" / ")} +${labels.length - 2}` : shown.join(" / ");
}

/** A smooth path through the route's points: vertical tangents between layers, straight through waypoints. */
function pathOf(points: Point[], selfLoop: boolean): string {
  const [first, ...rest] = points;
  if (!first) return "";
  if (selfLoop && rest.length === 2) {
    const [mid, last] = rest;
    return `M${first.x},${first.y} Q${(mid?.x ?? 0) + 10},${first.y} ${mid?.x},${mid?.y} Q${(mid?.x ?? 0) + 10},${last?.y} ${last?.x},${last?.y}`;
  }
  let d = `M${first.x},${first.y}`;
  let previous = first;
  for (const p of rest) {
    if (p.x === previous.x) d += ` L${p.x},${p.y}`;
    else {
      const dy = (p.y - previous.y) / 2;
      d += ` C${previous.x},${previous.y + dy} ${p.x},${p.y - dy} ${p.x},${p.y}`;
    }
    previous = p;
  }
  return d;
}

function edgesSvg(layout: Layout): string {
  const paths: string[] = [];
  const labels: string[] = [];
  // Labels of arrows leaving one box are staggered along their arrows so they do not sit on each other.
  const siblings = new Map<string, Layout["edges"]>();
  for (const routed of layout.edges) {
    if (routed.edge.labels.length === 0) continue;
    siblings.set(routed.edge.from, [...(siblings.get(routed.edge.from) ?? []), routed]);
  }
  const along = new Map<Layout["edges"][number], number>();
  for (const list of siblings.values()) {
    list.sort((a, b) => (a.points[1]?.x ?? 0) - (b.points[1]?.x ?? 0));
    for (const [i, routed] of list.entries())
      along.set(routed, list.length === 1 ? 0.55 : 0.3 + (0.5 * i) / (list.length - 1));
  }
  for (const routed of layout.edges) {
    const { edge, points } = routed;
    const colour = edgeColour[edge.kind];
    const dash = edge.kind === "next" ? "" : ' stroke-dasharray="5 4"';
    const selfLoop = edge.from === edge.to;
    paths.push(
      `<path d="${pathOf(points, selfLoop)}" fill="none" stroke="${colour}" stroke-width="1.3"${dash} marker-end="url(#arrow-${edge.kind})"/>`,
    );
    const text = edgeLabel(edge.labels);
    const [a, b] = points;
    if (!text || !a || !b) continue;
    // On the first stretch, where arrows leaving one box have already fanned out.
    const t = along.get(routed) ?? 0.55;
    const lx = selfLoop ? b.x + 20 : a.x + (b.x - a.x) * t;
    const ly = selfLoop ? b.y : a.y + (b.y - a.y) * t;
    const w = text.length * 5.6 + 8;
    labels.push(
      `<g class="edge-label"><title>${xml(edge.labels.join("\n"))}</title><rect x="${lx - w / 2}" y="${ly - 9}" width="${w}" height="14" rx="3" fill="#ffffff" fill-opacity="0.92"/>` +
        `<text x="${lx}" y="${ly + 2}" text-anchor="middle" font-size="10" fill="${colour}">${xml(text)}</text></g>`,
    );
  }
  return paths.join("") + labels.join("");
}

/**
 * Draws a flow as an SVG flowchart (boxes by step kind, labelled arrows, dashed arrows for
 * fallbacks, errors and returns, a link on boxes that open another flow). Self-contained: no
 * script, no external resource, safe under the dashboard's Content-Security-Policy.
 */
export function renderFlowchartSvg(graph: FlowGraph, title: string): string {
  const layout = layoutFlowGraph(graph);
  const markers = Object.entries(edgeColour)
    .map(
      ([kind, colour]) =>
        `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`,
    )
    .join("");
  const start = layout.nodes.find((n) => n.id === graph.start);
  const startMark = start
    ? `<circle cx="${start.x + nodeSize.width / 2}" cy="${start.y - 16}" r="6" fill="#202124"/><line x1="${start.x + nodeSize.width / 2}" y1="${start.y - 10}" x2="${start.x + nodeSize.width / 2}" y2="${start.y - 1}" stroke="#202124" stroke-width="1.5" marker-end="url(#arrow-next)"/>`
    : "";
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}" width="${Math.ceil(layout.width)}" height="${Math.ceil(layout.height)}" role="img" aria-label="${xml(title)}" font-family="system-ui, sans-serif">` +
    `<title>${xml(title)}</title><defs>${markers}</defs><rect width="100%" height="100%" fill="#ffffff"/>` +
    edgesSvg(layout) +
    startMark +
    layout.nodes.map(nodeSvg).join("") +
    "</svg>"
  );
}
