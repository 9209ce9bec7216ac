// RFC 8785 (JCS) encoding, by the `canonicalize` package, and a fast check of canonical form.
import canonicalize from 'canonicalize';
import { MalformedEntryError } from '../errors.js';

/** RFC 8785 canonical JSON of a value. */
export function jcs(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new MalformedEntryError('value has no JSON encoding');
  return text;
}

function membersSorted(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(membersSorted);
  const keys = Object.keys(value);
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1]! < keys[i]!)) return false;
  return Object.values(value).every(membersSorted);
}

/**
 * True when `text` is exactly the RFC 8785 encoding of `value`, where `value` is
 * JSON.parse(text) and all its numbers are safe integers (assertJsonValue). For such values
 * JCS and JSON.stringify differ only in member order (RFC 8785 §3.2.2.2 serialises strings
 * as ECMAScript does, and integers print alike), so when JSON.stringify reproduces the text
 * and every object's members are in UTF-16 order, the text is canonical. Anything else is
 * decided by the full encoder (e.g. integer-like member names, which JS objects reorder).
 */
export function isCanonicalJson(text: string, value: unknown): boolean {
  if (JSON.stringify(value) === text && membersSorted(value)) return true;
  return jcs(value) === text;
}
