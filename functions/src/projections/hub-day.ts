import { createHash } from "node:crypto";
import type { OrderStatus } from "../domain/order-state.js";
import type { GroupStep, GroupUpdate } from "./view-group.js";
import type { OrderChange } from "./order-change.js";
import type { ViewRow } from "./view-store.js";
import { entryReads } from "./view-group.js";
import { HEADER_ID, viewKeys } from "./view-keys.js";
import { MAX_OPS_PER_COMMIT } from "./view-store.js";

/**
 * A hub's day (docs/adr/0010): a header with the counts, one entry per order with what it
 * counts in the totals, and one row per article with the day's quantity. Size bounds, whatever
 * the day's number of orders:
 * - header: four numbers and a date, under HUB_DAY_HEADER_MAX_BYTES;
 * - order entry: a version, a status and at most 100 quantities keyed by article names of at
 *   most 200 characters (each escaped in JSON at most 6 bytes): under HUB_DAY_ENTRY_MAX_BYTES;
 * - article row: one name and one quantity: under HUB_DAY_ARTICLE_MAX_BYTES.
 */
export interface HubDayHeader {
  readonly hubId: number;
  /** UTC date of the orders' OrderRequested recordedAt. */
  readonly day: string;
  readonly ordersRequested: number;
  readonly ordersCancelled: number;
  readonly ordersDelivered: number;
}

/** An order's contribution, so that an update replaces it exactly, whatever came before. */
export interface HubDayEntry {
  /** The order stream's version this entry reflects; 0 while a large change is half applied. */
  readonly version: number;
  /** null while a new order's large change is half applied: not counted yet. */
  readonly status: OrderStatus | null;
  /** Quantity per article counted in the day's totals: the current lines, none once cancelled. */
  readonly counted: Readonly<Record<string, number>>;
}

export interface HubDayArticle {
  readonly article: string;
  readonly quantity: number;
}

export const HUB_DAY_HEADER_MAX_BYTES = 200;
export const HUB_DAY_ENTRY_MAX_BYTES = 121_500;
export const HUB_DAY_ARTICLE_MAX_BYTES = 1_300;

export const hubDayEntryId = (orderNumber: string): string => `o:${orderNumber}`;
/** Article names may hold any character and run to 200: the row id is their hash (Cosmos ids refuse "/", "?", "#", "\\" and 255+ characters). */
export function hubDayArticleId(article: string): string {
  let id = articleIds.get(article);
  if (id === undefined) {
    // A day's articles recur in every batch: hashing each name once saves a digest per row written.
    if (articleIds.size >= 10_000) articleIds.clear();
    id = `a:${createHash("sha256").update(article).digest("hex")}`;
    articleIds.set(article, id);
  }
  return id;
}
const articleIds = new Map<string, string>();

export function dayOf(recordedAt: string): string {
  return recordedAt.slice(0, 10);
}

const byKey = ([a]: [string, unknown], [b]: [string, unknown]): number => (a < b ? -1 : a > b ? 1 : 0);

function counts(entry: HubDayEntry | undefined) {
  if (entry === undefined || entry.status === null) return { requested: 0, cancelled: 0, delivered: 0 };
  return { requested: 1, cancelled: entry.status === "CANCELLED" ? 1 : 0, delivered: entry.status === "DELIVERED" ? 1 : 0 };
}

/** The order's entry, and what it counts by article in name order. */
function targetOf({ order, version }: OrderChange): { entry: HubDayEntry; lines: [string, number][] } {
  const lines = order.status === "CANCELLED" ? [] : order.articles.map((l) => [l.article, l.quantity] as [string, number]).sort(byKey);
  return { entry: { version, status: order.status, counted: Object.fromEntries(lines) }, lines };
}

/** The articles whose counted quantity changes from `from` to `to`, in name order. */
function movesOf(from: ReadonlyMap<string, number>, to: ReadonlyMap<string, number>, toLines: readonly [string, number][]): string[] {
  // A new order (the usual case, and every order of a rebuild) counts nothing yet: its moves are its lines.
  if (from.size === 0) return toLines.filter(([, quantity]) => quantity !== 0).map(([article]) => article);
  return [...new Set([...from.keys(), ...to.keys()])].sort().filter((a) => (from.get(a) ?? 0) !== (to.get(a) ?? 0));
}

/**
 * Replaces each order's contribution to its hub's day; an entry already at the change's version
 * or later is kept. Each commit carries the header, the entries and the article rows it moves,
 * so the totals always equal the sum of the entries. An order whose change moves more article
 * rows than one commit takes is applied in parts: its entry then records what is counted so
 * far, and a redelivery after a crash resumes from there.
 */
export function hubDayUpdate(hubId: number, day: string, changes: readonly OrderChange[], maxOps = MAX_OPS_PER_COMMIT): GroupUpdate {
  // The header, an entry and one article row is the least a commit must take to make progress.
  if (maxOps < 3) throw new Error("a hub-day commit needs room for at least 3 operations");
  const entryOf = (stored: ReadonlyMap<string, unknown>, orderNumber: string) =>
    stored.get(hubDayEntryId(orderNumber)) as HubDayEntry | undefined;
  return {
    group: viewKeys.hubDay(hubId, day),
    ...entryReads(changes, hubDayEntryId),
    more(stored) {
      const articles = new Set<string>();
      for (const change of changes) {
        for (const article of Object.keys(entryOf(stored, change.orderNumber)?.counted ?? {})) articles.add(article);
        for (const line of change.order.articles) articles.add(line.article);
      }
      return [...articles].map(hubDayArticleId);
    },
    plan(stored) {
      const header = stored.get(HEADER_ID) as HubDayHeader | undefined;
      let { ordersRequested = 0, ordersCancelled = 0, ordersDelivered = 0 } = header ?? {};
      // Maps, not object indexing: an article named "__proto__" must stay plain data.
      const quantities = new Map<string, number>();
      const quantityOf = (article: string) =>
        quantities.get(article) ?? (stored.get(hubDayArticleId(article)) as HubDayArticle | undefined)?.quantity ?? 0;
      const steps: GroupStep[] = [];
      let entries = new Map<string, HubDayEntry>();
      let touched = new Set<string>();
      const flush = () => {
        if (entries.size === 0 && touched.size === 0) return;
        const value: HubDayHeader = { hubId, day, ordersRequested, ordersCancelled, ordersDelivered };
        const puts: ViewRow[] = [{ id: HEADER_ID, kind: "hub-day", value }];
        const deletes: string[] = [];
        for (const [orderNumber, entry] of entries) puts.push({ id: hubDayEntryId(orderNumber), kind: "hub-day-order", value: entry });
        for (const article of [...touched].sort()) {
          const quantity = quantityOf(article);
          if (quantity === 0) deletes.push(hubDayArticleId(article));
          else
            puts.push({
              id: hubDayArticleId(article),
              kind: "hub-day-article",
              value: { article, quantity } satisfies HubDayArticle,
              sort: article,
            });
        }
        steps.push({ puts, deletes });
        entries = new Map();
        touched = new Set();
      };
      const room = () => maxOps - 1 - entries.size - touched.size;
      /** An article's day quantity moves by `delta` in the commit in progress. */
      const move = (article: string, delta: number) => {
        quantities.set(article, quantityOf(article) + delta);
        touched.add(article);
      };
      /** The order's whole change is counted: the header's counts follow, and its entry lands. */
      const settle = (orderNumber: string, before: HubDayEntry | undefined, after: HubDayEntry) => {
        const [was, is] = [counts(before), counts(after)];
        ordersRequested += is.requested - was.requested;
        ordersCancelled += is.cancelled - was.cancelled;
        ordersDelivered += is.delivered - was.delivered;
        entries.set(orderNumber, after);
      };

      for (const change of changes) {
        let entry = entryOf(stored, change.orderNumber);
        if (entry && entry.version >= change.version) continue;
        const { entry: target, lines } = targetOf(change);
        if (entry === undefined && room() >= Math.max(2, lines.length + 1)) {
          // A new order that fits the commit in progress whole (nearly every order of a rebuild):
          // nothing of it is counted yet, so its lines are its moves. The loop below does the same, slower.
          for (const [article, quantity] of lines) if (quantity !== 0) move(article, quantity);
          settle(change.orderNumber, undefined, target);
          continue;
        }
        const from = new Map(entry === undefined ? [] : Object.entries(entry.counted));
        const to = new Map(lines);
        const moves = movesOf(from, to, lines);
        for (;;) {
          if (room() < 2 || (room() < moves.length + 1 && entries.size > 0)) flush();
          const part = moves.splice(0, room() - 1);
          for (const article of part) {
            move(article, (to.get(article) ?? 0) - (from.get(article) ?? 0));
            from.set(article, to.get(article) ?? 0);
          }
          if (moves.length === 0) {
            settle(change.orderNumber, entry, target);
            break;
          }
          // Counted so far; the version and status move only with the last part.
          const partial = [...from].filter(([, quantity]) => quantity !== 0).sort(byKey);
          entry = { version: entry?.version ?? 0, status: entry?.status ?? null, counted: Object.fromEntries(partial) };
          entries.set(change.orderNumber, entry);
          flush();
        }
      }
      flush();
      return steps;
    },
  };
}

/** GET /api/views/hubs/{hubId}/days/{day}: the header and the day's article rows. */
export function hubDayResponse(header: HubDayHeader, articles: readonly HubDayArticle[]) {
  const { hubId, day, ordersRequested, ordersCancelled, ordersDelivered } = header;
  const sorted = articles.map((a) => [a.article, a.quantity] as [string, number]).sort(byKey);
  return { hubId, day, ordersRequested, ordersCancelled, ordersDelivered, articles: Object.fromEntries(sorted) };
}
