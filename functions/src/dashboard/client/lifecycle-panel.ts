import { get } from "./api.js";
import { byId, h, setText, timeOf } from "./dom.js";

interface StreamEvent {
  readonly version: number;
  readonly type: string;
  readonly data: unknown;
  readonly recordedAt: string;
}

interface OrderSummary {
  readonly version: number;
}

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * One order, three ways: its events one by one (GET /api/streams/order-{n}/events), the state
 * folded from them (GET /api/orders/{n}, version = its ETag) and the projected summary view
 * (GET /api/views/orders/{n}) with the last version projected into it.
 */
export function lifecyclePanel(): { readonly select: (orderNumber: string) => void; readonly refresh: () => Promise<void> } {
  let selected: string | undefined;
  let shownVersion = -1;
  const history = byId("lifecycle-events", HTMLOListElement);

  const refresh = async () => {
    const orderNumber = selected;
    if (orderNumber === undefined) return;
    const id = encodeURIComponent(orderNumber);
    const [stream, state, summary] = await Promise.all([
      get<{ version: number; events: StreamEvent[] }>(`/streams/order-${id}/events?maxCount=1000`),
      get<{ version: number }>(`/orders/${id}`),
      get<OrderSummary>(`/views/orders/${id}`),
    ]);
    if (orderNumber !== selected) return;
    setText("lifecycle-hint", `Order ${orderNumber}`);
    if (stream && stream.version !== shownVersion) {
      shownVersion = stream.version;
      history.replaceChildren(
        ...stream.events.map((event) =>
          h(
            "li",
            {},
            h("strong", {}, `v${event.version} ${event.type}`),
            ` at ${timeOf(event.recordedAt)}`,
            h("pre", {}, JSON.stringify(event.data)),
          ),
        ),
      );
    }
    setText("lifecycle-state-title", state ? `Folded state (version ${state.version})` : "Folded state");
    setText("lifecycle-state", state ? pretty(state) : "not found");
    const behind = state !== undefined && (summary === undefined || summary.version < state.version);
    const summaryTitle = byId("lifecycle-summary-title", HTMLElement);
    summaryTitle.textContent = summary
      ? `Summary view (version ${summary.version})${behind ? ": catching up" : ""}`
      : "Summary view: not projected yet";
    summaryTitle.className = behind ? "warn" : "ok";
    setText("lifecycle-summary", summary ? pretty(summary) : "");
  };

  return {
    select: (orderNumber) => {
      selected = orderNumber;
      shownVersion = -1;
      history.replaceChildren();
      void refresh();
      byId("lifecycle-panel", HTMLElement).scrollIntoView({ behavior: "smooth", block: "nearest" });
    },
    refresh,
  };
}
