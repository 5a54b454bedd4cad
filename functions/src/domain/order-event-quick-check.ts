import type { OrderEventType } from "./order-events.js";
import { ORDER_NUMBER_PATTERN } from "./identifiers.js";
import { CURRENCY_PATTERN } from "./order-events.js";
import { NOT_BLANK_PATTERN } from "./schema.js";

/**
 * A quick, conservative check of stored order event data against the current schemas
 * (./order-events.ts), for the read path: a replay reads every event once, and the full schema
 * check was a tenth of its time. It returns true only for data the schema certainly accepts
 * and would return unchanged: a plain JSON object with exactly the schema's keys, in the
 * schema's order, and values well inside every rule. Anything else, an unusual but valid value
 * included, returns false, and the caller asks the schema, which decides and names the
 * failing fields. So the answer never differs from the schema's; it only comes sooner.
 *
 * For data as JSON.parse makes it, which is what the stores hand over: only own enumerable
 * string keys, plain values, no getters. Symbol or non-enumerable keys would escape it.
 */
export function certainlyValidOrderEventData(type: OrderEventType, data: unknown): boolean {
  if (!isPlainObject(data)) return false;
  switch (type) {
    case "OrderRequested":
      return (
        keysAre(data, REQUESTED_KEYS, REQUESTED_OPTIONAL) &&
        isOrderNumber(data.orderNumber) &&
        isPositiveId(data.hubId) &&
        isCustomer(data.customer) &&
        (!("delivery" in data) || isDelivery(data.delivery)) &&
        areLines(data.articles)
      );
    case "OrderAccepted":
      return keysAre(data, ["orderNumber"]) && isOrderNumber(data.orderNumber);
    case "OrderArticlesUpdated":
      return keysAre(data, ["orderNumber", "articles"]) && isOrderNumber(data.orderNumber) && areLines(data.articles);
    case "OrderCancelled":
      return (
        keysAre(data, ["orderNumber", "reason"], ["reason"]) &&
        isOrderNumber(data.orderNumber) &&
        (!("reason" in data) || isText(data.reason, 500))
      );
    case "OrderPickingStarted":
      return keysAre(data, ["orderNumber", "pickingStartTime"]) && isOrderNumber(data.orderNumber) && isTime(data.pickingStartTime);
    case "OrderOutForDelivery":
      return (
        keysAre(data, ["orderNumber", "pickingEndTime", "plannedDeliveryTime"], ["plannedDeliveryTime"]) &&
        isOrderNumber(data.orderNumber) &&
        isTime(data.pickingEndTime) &&
        (!("plannedDeliveryTime" in data) || isTime(data.plannedDeliveryTime))
      );
    case "OrderDelivered":
      return keysAre(data, ["orderNumber", "deliveredTime"]) && isOrderNumber(data.orderNumber) && isTime(data.deliveredTime);
    default:
      return false;
  }
}

/**
 * The schema version of each type that this check was written for. Readers use it only where
 * this equals the type's current version (./order-event-versions.ts): raising a version turns
 * the quick check off for that type, which would not know a field added or a limit tightened,
 * until it is revised and this number with it.
 */
export const QUICK_CHECKED_VERSIONS: Readonly<Record<OrderEventType, number>> = {
  OrderRequested: 2,
  OrderAccepted: 1,
  OrderArticlesUpdated: 2,
  OrderCancelled: 1,
  OrderPickingStarted: 1,
  OrderOutForDelivery: 1,
  OrderDelivered: 1,
};

type Plain = Record<string, unknown>;

const REQUESTED_KEYS = ["orderNumber", "hubId", "customer", "delivery", "articles"];
const REQUESTED_OPTIONAL = ["delivery"];
const CUSTOMER_KEYS = ["customerId", "deliveryAddress"];
const ADDRESS_KEYS = ["name", "street", "city", "zipCode"];
const LINE_KEYS = ["article", "quantity", "price", "currency"];

/** What JSON.parse makes of an object: nothing with a prototype of its own, no array. */
function isPlainObject(value: unknown): value is Plain {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Exactly the given keys, in that order, the optional ones possibly absent: the order the
 * schema writes its output in, so that accepting the data as it is changes no byte of a view.
 */
function keysAre(value: Plain, keys: readonly string[], optional: readonly string[] = []): boolean {
  let at = 0;
  for (const key in value) {
    while (at < keys.length && keys[at] !== key && optional.includes(keys[at] as string)) at++;
    if (keys[at] !== key) return false;
    at++;
  }
  for (; at < keys.length; at++) if (!optional.includes(keys[at] as string)) return false;
  return true;
}

function isOrderNumber(value: unknown): boolean {
  return typeof value === "string" && ORDER_NUMBER_PATTERN.test(value);
}

function isPositiveId(value: unknown): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}

/** Text of 1 to `max` characters that is not only blanks (the schema's `text`). */
function isText(value: unknown, max: number): boolean {
  return typeof value === "string" && value.length >= 1 && value.length <= max && NOT_BLANK_PATTERN.test(value);
}

/**
 * A UTC time with seconds, on a day 1 to 28: a subset of what the schema's ISO 8601 check takes,
 * so no calendar is needed here. The 29th to the 31st and offsets go to the schema.
 */
const PLAIN_UTC_TIME = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?Z$/;

function isTime(value: unknown): boolean {
  return typeof value === "string" && PLAIN_UTC_TIME.test(value);
}

function isCustomer(value: unknown): boolean {
  if (!isPlainObject(value) || !keysAre(value, CUSTOMER_KEYS) || !isPositiveId(value.customerId)) return false;
  const address = value.deliveryAddress;
  return (
    isPlainObject(address) &&
    keysAre(address, ADDRESS_KEYS) &&
    isText(address.name, 200) &&
    isText(address.street, 200) &&
    isText(address.city, 100) &&
    isText(address.zipCode, 20)
  );
}

function isDelivery(value: unknown): boolean {
  return (
    isPlainObject(value) &&
    keysAre(value, ["plannedDeliveryTime"], ["plannedDeliveryTime"]) &&
    (!("plannedDeliveryTime" in value) || isTime(value.plannedDeliveryTime))
  );
}

/** 1 to 100 lines, each article once (the schema's `linesOf` with stored lines). */
function areLines(value: unknown): boolean {
  if (!Array.isArray(value) || value.length < 1 || value.length > 100) return false;
  for (let i = 0; i < value.length; i++) {
    const line: unknown = value[i];
    if (
      !isPlainObject(line) ||
      !keysAre(line, LINE_KEYS) ||
      !isText(line.article, 200) ||
      !(typeof line.quantity === "number" && Number.isSafeInteger(line.quantity) && line.quantity > 0 && line.quantity <= 10_000) ||
      !(typeof line.price === "number" && Number.isFinite(line.price) && line.price >= 0 && line.price <= 1_000_000) ||
      !(typeof line.currency === "string" && CURRENCY_PATTERN.test(line.currency))
    )
      return false;
    // Few lines, almost always: a pairwise look costs less than a set.
    for (let j = 0; j < i; j++) if ((value[j] as Plain).article === line.article) return false;
  }
  return true;
}
