/** Builds an element; children are nodes or text (never HTML), so nothing from the data can inject markup. */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "className") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Replaces an element's content. */
export function fill(target, ...children) {
  target.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/** A date-time in the reader's locale, or "—". */
export function when(value, language) {
  if (!value) return "—";
  return new Date(value).toLocaleString(language, { dateStyle: "short", timeStyle: "short" });
}

/** A simple table from headers and rows of cells. */
export function table(headers, rows, options = {}) {
  return el(
    "table",
    options.attributes ?? {},
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        headers.map((h) =>
          el("th", typeof h === "object" && h.num ? { className: "num" } : {}, typeof h === "object" ? h.label : h),
        ),
      ),
    ),
    el("tbody", {}, rows),
  );
}
