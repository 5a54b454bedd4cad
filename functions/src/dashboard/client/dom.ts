/**
 * DOM building with text only: children are appended as Text nodes and attributes set by name,
 * so a value from the API (an article called "<img onerror=…>") is shown, never parsed.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** The page's element with this id, checked to be of the expected kind. */
export function byId<T extends HTMLElement>(id: string, kind: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`the page has no #${id} of the expected kind`);
  return element;
}

export function bodyOf(tableId: string): HTMLTableSectionElement {
  const body = byId(tableId, HTMLTableElement).tBodies[0];
  if (body === undefined) throw new Error(`#${tableId} has no tbody`);
  return body;
}

export function row(...cells: (string | number | Node)[]): HTMLTableRowElement {
  return h("tr", {}, ...cells.map((value) => (typeof value === "number" ? h("td", { class: "num" }, String(value)) : h("td", {}, value))));
}

/** A table's single row saying why it is empty. */
export function emptyRow(columns: number, text: string): HTMLTableRowElement {
  return h("tr", {}, h("td", { colspan: String(columns), class: "muted" }, text));
}

export function setText(id: string, text: string): void {
  byId(id, HTMLElement).textContent = text;
}

export function timeOf(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(11, 23);
}
