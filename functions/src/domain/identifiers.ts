import { z } from "./schema.js";

/** Stream ids as the HTTP API accepts them (docs/http-api.md). */
export const STREAM_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** An order number is a uuid or 1 to 64 letters, digits and dashes (a uuid already matches the latter). */
export const ORDER_NUMBER_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

export const ORDER_STREAM_PREFIX = "order-";

export const orderNumberSchema = z
  .string()
  .check(z.regex(ORDER_NUMBER_PATTERN, "orderNumber must be a uuid or 1-64 letters, digits and dashes"));
export const eventIdSchema = z.string().check(z.regex(UUID_PATTERN, "eventId must be a uuid"));
/** Hub and customer ids are positive integers, as in the original demo. */
export const positiveIdSchema = z.int().check(z.positive(), z.maximum(Number.MAX_SAFE_INTEGER));

export function isValidStreamId(streamId: string): boolean {
  return STREAM_ID_PATTERN.test(streamId);
}

export function orderStreamId(orderNumber: string): string {
  return `${ORDER_STREAM_PREFIX}${orderNumber}`;
}

/** The order number of an order stream, or undefined for any other stream. */
export function orderNumberOfStream(streamId: string): string | undefined {
  if (!streamId.startsWith(ORDER_STREAM_PREFIX)) return undefined;
  return streamId.slice(ORDER_STREAM_PREFIX.length);
}

export function isValidOrderNumber(orderNumber: string): boolean {
  return ORDER_NUMBER_PATTERN.test(orderNumber);
}
