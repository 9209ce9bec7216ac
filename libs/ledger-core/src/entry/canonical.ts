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

/** True when `text` is exactly the RFC 8785 encoding of `value` (= JSON.parse(text)). */
export function isCanonicalJson(text: string, value: unknown): boolean {
  return canonicalJson(value) === text;
}
