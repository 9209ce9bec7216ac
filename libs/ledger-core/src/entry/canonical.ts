// RFC 8785 (JCS) encoding, by the `canonicalize` package, and a fast check of canonical form.
import canonicalize from 'canonicalize';
import { MalformedEntryError } from '../errors.js';

/** RFC 8785 canonical JSON of a value. */
export function jcs(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new MalformedEntryError('value has no JSON encoding');
  return text;
}

/** True when every object in `value` lists its members in RFC 8785 (UTF-16) order. */
export function membersSorted(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(membersSorted);
  const keys = Object.keys(value);
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1]! < keys[i]!)) return false;
  return Object.values(value).every(membersSorted);
}

/**
 * RFC 8785 encoding of a value whose numbers are all safe integers (assertJsonValue). For
 * such values JCS and JSON.stringify differ only in member order (RFC 8785 §3.2.2.2 writes
 * strings as ECMAScript does, and integers print alike), so when every object's members are
 * already in UTF-16 order JSON.stringify is used; otherwise (integer-like member names, which
 * JS objects reorder) the full encoder decides.
 */
export function canonicalJson(value: unknown): string {
  return membersSorted(value) ? JSON.stringify(value) : jcs(value);
}

const FALLBACK: unique symbol = Symbol('jcs');

/**
 * `value` with every object's members in RFC 8785 order (UTF-16 code units; objects already
 * in order are kept, others copied), so that JSON.stringify of the result is value's RFC 8785
 * encoding; FALLBACK where that cannot hold: anything but null, booleans, strings, safe
 * integers, arrays and plain objects (floats, undefined, toJSON, other prototypes), integer-
 * like member names that JS objects would reorder, a "__proto__" member, depth past `depth`.
 */
function inMemberOrder(value: unknown, depth: number): unknown {
  if (value === null) return value;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isSafeInteger(value) ? value : FALLBACK;
    case 'object':
      break;
    default:
      return FALLBACK;
  }
  if (depth === 0) return FALLBACK;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const ordered = inMemberOrder(item, depth - 1);
      if (ordered === FALLBACK) return FALLBACK;
      if (ordered !== item) (out ??= value.slice())[i] = ordered;
    }
    return out ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return FALLBACK;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if (!(keys[i - 1]! < keys[i]!)) {
      sorted = false;
      break;
    }
  }
  if (!sorted) keys.sort(); // default sort: UTF-16 code units, as RFC 8785 §3.2.3 orders
  let out: Record<string, unknown> | undefined = sorted ? undefined : {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = record[key];
    const ordered = inMemberOrder(item, depth - 1);
    if (ordered === FALLBACK || key === '__proto__') return FALLBACK;
    if (out === undefined && ordered !== item) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = record[keys[j]!];
    }
    if (out !== undefined) out[key] = ordered;
  }
  if (out === undefined) return value;
  // integer-like names are enumerated first in numeric order by JS objects, whatever the
  // insertion order: then the copy is not in RFC 8785 order
  if (!sorted) {
    const actual = Object.keys(out);
    for (let i = 0; i < keys.length; i++) if (actual[i] !== keys[i]) return FALLBACK;
  }
  return out;
}

/** Depth past which the fast path gives way to the reference encoder (bodies stop at 32). */
const FAST_PATH_DEPTH = 40;

/**
 * RFC 8785 encoding of any value, byte-identical to jcs(value) (property-tested against the
 * `canonicalize` package): members put in order, then native JSON.stringify, which for these
 * values writes what RFC 8785 does (strings as ECMAScript, integers alike); jcs for whatever
 * inMemberOrder refuses. For the hot paths (signed message, Entry.place).
 */
export function jcsFast(value: unknown): string {
  const ordered = inMemberOrder(value, FAST_PATH_DEPTH);
  return ordered === FALLBACK ? jcs(value) : JSON.stringify(ordered);
}

/** True when `text` is exactly the RFC 8785 encoding of `value` (= JSON.parse(text)). */
export function isCanonicalJson(text: string, value: unknown): boolean {
  return canonicalJson(value) === text;
}
