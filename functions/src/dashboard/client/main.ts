/**
 * The live dashboard's script. It polls the API (events every half second, views and health
 * every second, paused while the tab is hidden) and renders only as text.
 */
import { ApiError, hasKey } from "./api.js";
import { setText } from "./dom.js";
import { eventsPanel } from "./events-panel.js";
import { generatorPanel } from "./generator-panel.js";
import { lifecyclePanel } from "./lifecycle-panel.js";
import { chargesPanel, healthPanel } from "./status-panel.js";
import { hubDayPanel, topCustomersPanel } from "./views-panels.js";

const EVENTS_EVERY_MS = 500;
const VIEWS_EVERY_MS = 1000;

function describe(error: unknown): string {
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
    return hasKey
      ? "The API refused the key in this link."
      : "The API needs a key: open the link that ends in #key=… (the dashboardUrl stack output).";
  }
  return `Cannot reach the API: ${error instanceof Error ? error.message : String(error)}`;
}

/** Runs a refresh every `ms`, never two at once, and reports how the last one went. */
function every(ms: number, refresh: () => Promise<void>): void {
  const tick = async () => {
    if (!document.hidden) {
      try {
        await refresh();
        setText("connection", `Live: updated ${new Date().toISOString().slice(11, 19)} UTC`);
      } catch (error) {
        setText("connection", describe(error));
      }
    }
    setTimeout(() => void tick(), ms);
  };
  void tick();
}

chargesPanel();
generatorPanel();
const lifecycle = lifecyclePanel();
every(
  EVENTS_EVERY_MS,
  eventsPanel((orderNumber) => {
    lifecycle.select(orderNumber);
  }),
);
every(VIEWS_EVERY_MS, topCustomersPanel());
every(VIEWS_EVERY_MS, hubDayPanel());
every(VIEWS_EVERY_MS, healthPanel());
every(VIEWS_EVERY_MS, lifecycle.refresh);
