import { el, fill } from "./dom.js";
import { currentLanguage, t } from "./texts.js";

const palette = [
  "#1a73e8",
  "#e37400",
  "#188038",
  "#8430ce",
  "#c5221f",
  "#129eaf",
  "#f9ab00",
  "#5f6368",
  "#d01884",
  "#7cb342",
];
/** Chart instances by indicator id, destroyed before redrawing. */
const charts = new Map();

export function formatValue(value, unit) {
  if (value === null || value === undefined) return "—";
  const number = new Intl.NumberFormat(currentLanguage(), { maximumFractionDigits: 1 }).format(value);
  if (!unit) return number;
  return unit === "%" ? `${number} %` : `${number} ${unit}`;
}

function cellText(cell, report) {
  if (report.measure === "share" && cell.denominator !== undefined) {
    return `${formatValue(cell.value, "%")} (${cell.numerator}/${cell.denominator})`;
  }
  return formatValue(cell.value, report.unit === "%" ? "%" : null);
}

function chartConfig(report) {
  const two = report.by.length === 2;
  if (!two) {
    const labels = report.rows.map((r) => r.labels[0]);
    const data = report.rows.map((r) => r.value ?? 0);
    const round = report.chart === "doughnut" || report.chart === "pie";
    const type = report.by[0]?.code === "month" ? "line" : report.chart;
    return {
      type,
      data: {
        labels,
        datasets: [
          {
            label: report.label,
            data,
            backgroundColor: round ? labels.map((_, i) => palette[i % palette.length]) : palette[0],
            borderColor: type === "line" ? palette[0] : undefined,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: round, position: "right" } },
        ...(round ? {} : { scales: { y: { beginAtZero: true } } }),
      },
    };
  }
  // Two breakdowns: groups of the first on the axis, one series per group of the second.
  const first = [...new Set(report.rows.map((r) => r.keys[0]))];
  const second = [...new Set(report.rows.map((r) => r.keys[1]))];
  const labelOf = (index, key) => report.rows.find((r) => r.keys[index] === key)?.labels[index] ?? key;
  return {
    type: "bar",
    data: {
      labels: first.map((k) => labelOf(0, k)),
      datasets: second.map((k2, i) => ({
        label: labelOf(1, k2),
        data: first.map((k1) => report.rows.find((r) => r.keys[0] === k1 && r.keys[1] === k2)?.value ?? 0),
        backgroundColor: palette[i % palette.length],
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: true, position: "bottom" } },
      scales: { y: { beginAtZero: true } },
    },
  };
}

function reportTable(report) {
  const headers = [...report.by.map((b) => b.label), t("indicators.value")];
  const row = (labels, cell, extra = {}) =>
    el(
      "tr",
      extra,
      labels.map((l) => el("td", {}, l)),
      el("td", { className: "num" }, cellText(cell, report)),
    );
  const rows = [];
  if (report.by.length === 2) {
    for (const sub of report.subtotals) {
      rows.push(row([sub.labels[0], t("indicators.total")], sub, { className: "subtotal" }));
      for (const r of report.rows.filter((x) => x.keys[0] === sub.keys[0])) rows.push(row(["", r.labels[1]], r));
    }
  } else {
    for (const r of report.rows) rows.push(row(r.labels, r));
  }
  rows.push(
    el(
      "tr",
      { className: "total-row" },
      el("th", { colspan: String(Math.max(1, report.by.length)) }, t("indicators.total")),
      el("th", { className: "num" }, cellText(report.total, report)),
    ),
  );
  return el(
    "div",
    { className: "table-scroll" },
    el(
      "table",
      { "data-testid": `table-${report.id}` },
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          headers.map((h, i) => el("th", i === headers.length - 1 ? { className: "num" } : {}, h)),
        ),
      ),
      el("tbody", {}, rows),
    ),
  );
}

function card(report) {
  const canvas = el("canvas", { "data-testid": `chart-${report.id}`, "aria-label": report.label, role: "img" });
  const target =
    report.total.target !== null
      ? el(
          "span",
          { className: "target" },
          t("indicators.target", { value: formatValue(report.total.target, report.unit) }),
        )
      : null;
  const notApplicable =
    report.notApplicable.length > 0
      ? el("p", { className: "note" }, t("indicators.notApplicable", { list: report.notApplicable.join(", ") }))
      : null;
  const element = el(
    "article",
    { className: "card", "data-indicator": report.id, "data-testid": `indicator-${report.id}` },
    el("h3", {}, report.label),
    report.description ? el("p", { className: "desc" }, report.description) : null,
    el(
      "div",
      {},
      el(
        "span",
        { className: "total", "data-testid": `total-${report.id}` },
        formatValue(report.total.value, report.unit),
      ),
      target,
    ),
    notApplicable,
    el("div", { className: "body" }, el("div", { className: "chart" }, canvas), reportTable(report)),
  );
  return { element, canvas };
}

/** Draws every indicator (cards grouped by section): a chart.js chart and its table side by side. */
export function renderIndicators(container, reports) {
  for (const chart of charts.values()) chart.destroy();
  charts.clear();
  const sections = new Map();
  for (const report of reports) {
    const list = sections.get(report.section.code) ?? { label: report.section.label, reports: [] };
    list.reports.push(report);
    sections.set(report.section.code, list);
  }
  const pending = [];
  const blocks = [...sections.entries()].map(([code, section]) => {
    const cards = section.reports.map((report) => {
      const built = card(report);
      pending.push([report, built.canvas]);
      return built.element;
    });
    return el(
      "section",
      { "data-section": code },
      el("h2", { className: "section-title" }, section.label),
      el("div", { className: "cards" }, cards),
    );
  });
  fill(container, blocks);
  for (const [report, canvas] of pending) {
    // Chart is the global of chart.umd.min.js (served from node_modules by the service).
    charts.set(report.id, new window.Chart(canvas, chartConfig(report)));
  }
}
