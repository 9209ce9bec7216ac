import { MalformedEntryError } from '../errors.js';

/** The JSON values an entry may hold: integers only (no floats), so every encoder agrees. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

/** Depth past which a body is refused (bounds recursion on hostile input). */
export const MAX_JSON_DEPTH = 32;

/**
 * Asserts that `value` is a JsonValue as govx allows it: plain objects and arrays, strings,
 * booleans, null, and numbers that are safe integers. Floats are refused: their decimal form
 * is the part of RFC 8785 other implementations most often get wrong.
 */
export function assertJsonValue(
  value: unknown,
  path: string,
  depth = 0,
): asserts value is JsonValue {
  if (depth > MAX_JSON_DEPTH)
    throw new MalformedEntryError(`nested deeper than ${MAX_JSON_DEPTH}`, path);
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new MalformedEntryError(`numbers must be safe integers, got ${value}`, path);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertJsonValue(item, `${path}[${i}]`, depth + 1));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      assertJsonValue(item, `${path}.${key}`, depth + 1);
    }
    return;
  }
  throw new MalformedEntryError(`not a JSON value (${typeof value})`, path);
}
