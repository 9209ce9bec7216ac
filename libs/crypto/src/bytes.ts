// Byte helpers shared by every govx library. Inputs are asserted; errors name the argument.

const HEX_RE = /^(?:[0-9a-f]{2})*$/;

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Parses lowercase (or uppercase) hex. MUST reject odd lengths and non-hex characters:
 * Buffer.from(s, 'hex') silently truncates at the first bad character.
 * @param expectedLength when given, the decoded length in bytes that is required.
 */
export function fromHex(hex: string, name = 'hex', expectedLength?: number): Uint8Array {
  if (typeof hex !== 'string')
    throw new TypeError(`${name}: expected a hex string, got ${typeof hex}`);
  const lower = hex.toLowerCase();
  if (!HEX_RE.test(lower)) {
    throw new TypeError(
      `${name}: not an even-length hex string: ${JSON.stringify(hex.slice(0, 80))}`,
    );
  }
  if (expectedLength !== undefined && lower.length !== expectedLength * 2) {
    throw new RangeError(`${name}: expected ${expectedLength} bytes, got ${lower.length / 2}`);
  }
  return new Uint8Array(Buffer.from(lower, 'hex'));
}

/** Concatenates byte arrays into a fresh Uint8Array. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Constant-time equality for equal-length inputs; false when lengths differ. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** UTF-8 encoding of a string. */
export function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

/** Asserts that `value` is a Uint8Array (optionally of a given length); names the argument. */
export function assertBytes(
  value: unknown,
  name: string,
  length?: number,
): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name}: expected Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name}: expected ${length} bytes, got ${value.length}`);
  }
}
