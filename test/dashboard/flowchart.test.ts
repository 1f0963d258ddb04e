import path from "node:path";
import { describe, expect, it } from "vitest";
import { flowGraph } from "../../src/dashboard/flowGraph.js";
import { layoutFlowGraph, nodeSize } from "../../src/dashboard/layoutFlowGraph.js";
import { loadFlowDefinitions } from "../../src/dashboard/loadFlowDefinitions.js";
import { renderFlowchartSvg, wrapText } from "../../src/dashboard/renderFlowchartSvg.js";
import { flowSchema } from "../../src/engine/flowSchema.js";
import { createI18n } from "../../src/engine/i18n.js";
import { projectRoot } from "../../src/service/projectPaths.js";

const i18n = createI18n({
  localesDir: path.join(projectRoot(), "locales"),
  languages: ["fr", "en", "sw"],
  fallback: "fr",
});

describe("flowcharts drawn from flows/*.yaml", () => {
  const definitions = loadFlowDefinitions();

  it("reads every flow of the folder", () => {
    expect(definitions.map((d) => d.id)).toEqual(
      expect.arrayContaining(["feedback", "information", "language", "menu", "welcome"]),
    );
  });

  it("turns the feedback flow into boxes and labelled arrows in the reader's language", () => {
    const feedback = definitions.find((d) => d.id === "feedback");
    if (!feedback) throw new Error("no feedback flow");
    const graph = flowGraph(feedback.flow, (key) => i18n.t("en", key));
    expect(graph.start).toBe("type");
    expect(graph.nodes.map((n) => n.id)).toEqual(
      expect.arrayContaining(["type", "ask_text", "save", "thanks", "done", "flow:menu"]),
    );
    const fromMenu = graph.edges.filter((e) => e.from === "type");
    expect(fromMenu.find((e) => e.to === "ask_text")?.labels.length).toBe(3);
    expect(graph.edges.find((e) => e.from === "thanks" && e.to === "done_sensitive")?.labels).toEqual([
      "sensitive = true",
    ]);
    expect(graph.edges.find((e) => e.from === "to_menu")?.to).toBe("flow:menu");
  });

  it("lays every flow out without overlapping boxes, the start on top", () => {
    for (const { flow } of definitions) {
      const graph = flowGraph(flow, (key) => i18n.t("fr", key));
      const layout = layoutFlowGraph(graph);
      expect(layout.nodes).toHaveLength(graph.nodes.length);
      expect(layout.nodes.find((n) => n.id === flow.start)?.layer).toBe(0);
      for (const a of layout.nodes) {
        for (const b of layout.nodes) {
          if (a === b) continue;
          const apart =
            a.x + nodeSize.width <= b.x ||
            b.x + nodeSize.width <= a.x ||
            a.y + nodeSize.height <= b.y ||
            b.y + nodeSize.height <= a.y;
          expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
        }
        expect(a.x + nodeSize.width).toBeLessThanOrEqual(layout.width);
        expect(a.y + nodeSize.height).toBeLessThanOrEqual(layout.height);
      }
    }
  });

  it("renders a self-contained SVG that escapes what it draws", () => {
    const flow = flowSchema.parse({
      start: "ask",
      steps: {
        ask: {
          kind: "menu",
          text: "x:prompt",
          choices: [
            { label: "x:a", next: "end" },
            { label: "x:b", next: "ask" },
          ],
        },
        end: { kind: "end", text: "x:bye" },
      },
    });
    const svg = renderFlowchartSvg(
      flowGraph(flow, (key) => `<script>alert("${key}")</script> & more`),
      "t<e>st",
    );
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.endsWith("</svg>")).toBe(true);
    expect(svg).not.toContain("<script");
    expect(svg).toContain("&lt;script&gt;");
    expect(svg).toContain('data-step="ask"');
    expect(svg).toContain('data-step="end"');
    expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it("draws identical steps once (a menu written out for 1, 2, 3 options)", () => {
    const options = (n: number) => ({
      kind: "menu",
      text: "x:options",
      choices: Array.from({ length: n }, (_, i) => ({ label: `x:o${i + 1}`, next: "picked" })),
    });
    const flow = flowSchema.parse({
      start: "list",
      steps: {
        list: { kind: "action", action: "x.list", outcomes: { "1": "options_1", "2": "options_2", "3": "options_3" } },
        options_1: options(1),
        options_2: options(2),
        options_3: options(3),
        picked: { kind: "end" },
      },
    });
    const graph = flowGraph(flow, (key) => key);
    expect(graph.nodes.map((n) => n.id)).toEqual(["list", "options_1", "picked"]);
    expect(graph.nodes[1]).toMatchObject({
      title: "options_1 … options_3 (3)",
      members: ["options_1", "options_2", "options_3"],
    });
    expect(graph.edges.find((e) => e.from === "list")?.labels).toEqual(["1", "2", "3"]);
    expect(renderFlowchartSvg(graph, "t")).toContain(">1–3<");
  });

  it("wraps long texts on at most the given lines, with an ellipsis when cut", () => {
    expect(wrapText("un deux trois", 32, 2)).toEqual(["un deux trois"]);
    const lines = wrapText(
      "Pour signaler un probleme de securite repondez avec le numero de la categorie qui convient",
      20,
      2,
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]?.endsWith("…")).toBe(true);
    expect(lines.every((l) => l.length <= 20)).toBe(true);
  });
});
