import { describe, expect, it } from "vitest";
import { ORDER_EVENT_SCHEMA_VERSIONS, readOrderEvent, upcastOrderEvent } from "../../functions/src/domain/order-event-versions.js";
import { orderEventSchemas, validateNewOrderEvent } from "../../functions/src/domain/order-events.js";
import { requestedData } from "../support/orders.js";

const v1Requested = {
  type: "OrderRequested",
  schemaVersion: 1,
  data: requestedData("sv", 50001, 10001, [{ article: "Mojito", quantity: 2, price: 7.5 }]),
};
const v1Updated = {
  type: "OrderArticlesUpdated",
  schemaVersion: 1,
  data: { orderNumber: "sv", articles: [{ article: "Jim Beam", quantity: 1, price: 9.95 }] },
};

describe("order event schema versions", () => {
  it("names a current version for every order event type", () => {
    expect(Object.keys(ORDER_EVENT_SCHEMA_VERSIONS).sort()).toEqual(Object.keys(orderEventSchemas).sort());
  });

  describe("upcasting", () => {
    it("turns v1 article lines into v2 lines in euros, for both events that carry lines", () => {
      expect(upcastOrderEvent(v1Requested)).toEqual({
        ...v1Requested,
        schemaVersion: 2,
        data: { ...v1Requested.data, articles: [{ article: "Mojito", quantity: 2, price: 7.5, currency: "EUR" }] },
      });
      expect(upcastOrderEvent(v1Updated)).toEqual({
        ...v1Updated,
        schemaVersion: 2,
        data: { orderNumber: "sv", articles: [{ article: "Jim Beam", quantity: 1, price: 9.95, currency: "EUR" }] },
      });
    });

    it("leaves the stored event itself unchanged", () => {
      const before = JSON.stringify(v1Requested);
      upcastOrderEvent(v1Requested);
      expect(JSON.stringify(v1Requested)).toBe(before);
    });

    it("returns events already current, of types without upcasters, of unknown types and of unknown versions as they are", () => {
      const current = { type: "OrderRequested", schemaVersion: 2, data: { articles: [] } };
      const accepted = { type: "OrderAccepted", schemaVersion: 1, data: { orderNumber: "sv" } };
      const foreign = { type: "PaymentReceived", schemaVersion: 1, data: { articles: [{}] } };
      const future = { type: "OrderRequested", schemaVersion: 3, data: {} };
      const nonsense = { type: "OrderRequested", schemaVersion: 0, data: {} };
      for (const event of [current, accepted, foreign, future, nonsense]) expect(upcastOrderEvent(event)).toBe(event);
    });

    it("never throws on data it cannot read: the schema refuses it afterwards", () => {
      for (const data of [null, "text", [], { articles: "none" }, { articles: [null, 3, "x"] }]) {
        expect(() => upcastOrderEvent({ type: "OrderRequested", schemaVersion: 1, data })).not.toThrow();
        expect(readOrderEvent({ type: "OrderRequested", schemaVersion: 1, data }).ok).toBe(false);
      }
    });
  });

  describe("reading a stored event", () => {
    it("reads v1 and v2 events in the current shape", () => {
      const read = readOrderEvent(v1Requested);
      expect(read.ok && read.event.type === "OrderRequested" && read.event.data.articles).toEqual([
        { article: "Mojito", quantity: 2, price: 7.5, currency: "EUR" },
      ]);
      const v2 = {
        type: "OrderArticlesUpdated",
        schemaVersion: 2,
        data: { orderNumber: "sv", articles: [{ article: "Jim Beam", quantity: 1, price: 9.95, currency: "USD" }] },
      };
      expect(readOrderEvent(v2)).toEqual({ ok: true, event: { type: v2.type, data: v2.data } });
    });

    it("refuses, naming why, what no upcaster and no schema accepts", () => {
      const refusals = [
        [{ ...v1Updated, schemaVersion: 2 }, /currency/],
        [{ ...v1Updated, schemaVersion: 7 }, /schema version 7 cannot be read: the current version is 2/],
        [{ ...v1Updated, schemaVersion: 0 }, /schema version 0 cannot be read/],
        [{ type: "OrderTeleported", schemaVersion: 1, data: { orderNumber: "sv" } }, /unknown event type 'OrderTeleported'/],
        [{ type: "OrderAccepted", schemaVersion: 1, data: { orderNumber: 42 } }, /orderNumber/],
      ] as const;
      for (const [event, reason] of refusals) {
        const read = readOrderEvent(event);
        expect(read.ok, JSON.stringify(event)).toBe(false);
        if (!read.ok) expect(read.reason).toMatch(reason);
      }
    });
  });

  describe("new events at the door", () => {
    it("default a line's currency to EUR, keep a given one and refuse what is not an ISO 4217 code", () => {
      const lines = (currency?: string) => ({
        orderNumber: "sv",
        articles: [{ article: "Mojito", quantity: 1, price: 7.5, ...(currency === undefined ? {} : { currency }) }],
      });
      const accepted = (currency?: string) => {
        const checked = validateNewOrderEvent("OrderArticlesUpdated", lines(currency));
        return checked.ok ? checked.event.data : checked.reason;
      };
      expect(accepted()).toEqual(lines("EUR"));
      expect(accepted("CHF")).toEqual(lines("CHF"));
      for (const bad of ["eur", "EURO", "", "E1R"]) expect(accepted(bad)).toMatch(/currency must be an ISO 4217 code/);
    });
  });
});
