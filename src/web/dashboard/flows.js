import { getJson, getText } from "./api.js";
import { el, fill } from "./dom.js";
import { currentLanguage } from "./texts.js";

let flows = [];

/** Lists the flows and draws the chosen one (an SVG the service renders from flows/*.yaml). */
export async function loadFlows(list, chart, description, wanted) {
  ({ flows } = await getJson("/api/flows"));
  const chosen = flows.find((f) => f.id === wanted) ?? flows.find((f) => f.id === "orientation") ?? flows[0];
  fill(
    list,
    flows.map((f) => {
      const button = el(
        "button",
        { type: "button", "data-flow": f.id, "aria-pressed": String(f.id === chosen?.id) },
        f.id,
      );
      button.addEventListener("click", () => {
        window.location.hash = `flow-${f.id}`;
      });
      return button;
    }),
  );
  if (chosen) await showFlow(chosen.id, list, chart, description);
}

export async function showFlow(id, list, chart, description) {
  for (const button of list.querySelectorAll("button"))
    button.setAttribute("aria-pressed", String(button.dataset.flow === id));
  const flow = flows.find((f) => f.id === id);
  description.textContent = flow?.description ?? "";
  const svgText = await getText(`/api/flows/${encodeURIComponent(id)}.svg?lang=${currentLanguage()}`);
  const svg = new DOMParser().parseFromString(svgText, "image/svg+xml").documentElement;
  svg.setAttribute("data-flow", id);
  fill(chart, document.importNode(svg, true));
}
