// The few DER structures this library reads and writes (X.690): SPKI (RFC 5280 §4.1.2.7),
// PKCS#8 (RFC 5208), SEC 1 ECPrivateKey (RFC 5915) and the SM2 signature SEQUENCE
// (GM/T 0009-2012 / GB/T 35276-2017, the same shape as ECDSA-Sig-Value). Canonical encodings of our
// keys are fixed prefixes followed by the raw key, so they are byte constants here.
import { concatBytes, fromHex } from './bytes.js';

/** SPKI prefixes: SEQUENCE { AlgorithmIdentifier, BIT STRING (0 unused bits) } then the key. */
export const SPKI_PREFIX = Object.freeze({
  /** id-Ed25519 1.3.101.112 (RFC 8410 §4). */
  ed25519: fromHex('302a300506032b6570032100'),
  /** id-X25519 1.3.101.110 (RFC 8410 §4). */
  x25519: fromHex('302a300506032b656e032100'),
  /** id-ecPublicKey 1.2.840.10045.2.1 with sm2p256v1 1.2.156.10197.1.301 (GM/T 0006-2012). */
  sm2: fromHex('3059301306072a8648ce3d020106082a811ccf5501822d034200'),
});

/** PKCS#8 prefixes: version 0, AlgorithmIdentifier, OCTET STRING wrapping the private key. */
const PKCS8_PREFIX = Object.freeze({
  /** CurvePrivateKey ::= OCTET STRING (RFC 8410 §7). */
  ed25519: fromHex('302e020100300506032b657004220420'),
  x25519: fromHex('302e020100300506032b656e04220420'),
  /** ECPrivateKey { version 1, privateKey OCTET STRING (32), … } (RFC 5915 §3). */
  sm2: fromHex('308187020100301306072a8648ce3d020106082a811ccf5501822d046d306b0201010420'),
});
/** The optional [1] publicKey BIT STRING of ECPrivateKey, as OpenSSL writes it. */
const SM2_PKCS8_PUBLIC_TAG = fromHex('a144034200');

export type KeyKind = keyof typeof SPKI_PREFIX;

export function spkiDer(kind: KeyKind, raw: Uint8Array): Uint8Array {
  return concatBytes(SPKI_PREFIX[kind], raw);
}

/** PKCS#8 DER. For sm2, `publicRaw` (0x04‖X‖Y) is embedded as OpenSSL does. */
export function pkcs8Der(kind: KeyKind, secret: Uint8Array, publicRaw?: Uint8Array): Uint8Array {
  if (kind !== 'sm2') return concatBytes(PKCS8_PREFIX[kind], secret);
  if (publicRaw === undefined) throw new TypeError('publicRaw: required for sm2');
  return concatBytes(PKCS8_PREFIX.sm2, secret, SM2_PKCS8_PUBLIC_TAG, publicRaw);
}

/** RFC 7468 textual encoding, 64 base64 characters per line, as OpenSSL writes it. */
export function pem(label: 'PUBLIC KEY' | 'PRIVATE KEY', der: Uint8Array): string {
  const body = Buffer.from(der)
    .toString('base64')
    .replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

/** One TLV: its tag, its content, and the offset just past it. */
interface Tlv {
  readonly tag: number;
  readonly content: Uint8Array;
  readonly end: number;
}

/** Reads one DER TLV at `offset`. Throws RangeError on truncation or non-minimal lengths. */
export function readTlv(der: Uint8Array, offset: number): Tlv {
  const tag = der[offset];
  let lengthByte = der[offset + 1];
  if (tag === undefined || lengthByte === undefined) throw new RangeError('DER: truncated header');
  let cursor = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 3) throw new RangeError('DER: unsupported length form');
    length = 0;
    for (let i = 0; i < count; i++) {
      lengthByte = der[cursor++];
      if (lengthByte === undefined) throw new RangeError('DER: truncated length');
      length = length * 256 + lengthByte;
    }
    if (length < 0x80) throw new RangeError('DER: non-minimal length');
  }
  const end = cursor + length;
  if (end > der.length) throw new RangeError('DER: content runs past the end');
  return { tag, content: der.subarray(cursor, end), end };
}

/** The children of a constructed TLV's content. */
export function readChildren(content: Uint8Array): Tlv[] {
  const children: Tlv[] = [];
  for (let offset = 0; offset < content.length;) {
    const child = readTlv(content, offset);
    children.push(child);
    offset = child.end;
  }
  return children;
}

/** `raw` (big-endian unsigned) as a DER INTEGER. */
function derInteger(raw: Uint8Array): Uint8Array {
  let start = 0;
  while (start < raw.length - 1 && raw[start] === 0) start++;
  const body = raw.subarray(start);
  const pad = (body[0] ?? 0) & 0x80 ? 1 : 0;
  const out = new Uint8Array(2 + pad + body.length);
  out[0] = 0x02;
  out[1] = pad + body.length;
  out.set(body, 2 + pad);
  return out;
}

/** r‖s (2 × 32 bytes) → SEQUENCE { INTEGER r, INTEGER s }. */
export function signatureToDer(rs: Uint8Array): Uint8Array {
  const body = concatBytes(derInteger(rs.subarray(0, 32)), derInteger(rs.subarray(32, 64)));
  return concatBytes(new Uint8Array([0x30, body.length]), body);
}

/** SEQUENCE { INTEGER r, INTEGER s } → r‖s (2 × 32 bytes). Throws RangeError when malformed. */
export function signatureFromDer(der: Uint8Array): Uint8Array {
  const seq = readTlv(der, 0);
  if (seq.tag !== 0x30 || seq.end !== der.length) throw new RangeError('DER: not one SEQUENCE');
  const parts = readChildren(seq.content);
  if (parts.length !== 2) throw new RangeError('DER: expected two INTEGERs');
  const out = new Uint8Array(64);
  parts.forEach((part, i) => {
    let value = part.content;
    if (part.tag !== 0x02 || value.length === 0 || (value[0] ?? 0) & 0x80) {
      throw new RangeError('DER: expected a non-negative INTEGER');
    }
    while (value.length > 1 && value[0] === 0) value = value.subarray(1);
    if (value.length > 32) throw new RangeError('DER: INTEGER longer than 32 bytes');
    out.set(value, 32 * (i + 1) - value.length);
  });
  return out;
}
