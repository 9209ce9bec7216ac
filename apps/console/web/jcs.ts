// RFC 8785 (JSON Canonicalization Scheme) for the values govx signs: objects, arrays,
// strings, booleans, null and safe integers. ECMAScript's JSON.stringify already writes
// strings and integers as RFC 8785 requires; members are sorted by UTF-16 code units.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function canonicalJson(value: Json): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string')
    return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k]!)}`).join(',')}}`;
}
