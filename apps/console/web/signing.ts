// An officer's Ed25519 key in the browser: imported from a PKCS#8 PEM, kept in memory only
// (never stored), used to sign submissions as docs/ledger-format.md §4 says.
import { buffer, concat, fromBase64, sha256, toHex, utf8 } from './bytes.js';
import { canonicalJson, type Json } from './jcs.js';

const ENTRY_VERSION = 1;
const SIGNED_PREFIX = 'govx/entry/v1\n';
// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4) before the 32-byte key.
const ED25519_SPKI_PREFIX = new Uint8Array([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);

export interface OfficerKey {
  readonly keyId: string;
  readonly sign: (message: Uint8Array) => Promise<Uint8Array>;
}

export interface Submission {
  readonly v: number;
  readonly type: string;
  readonly actor: string;
  readonly keyId: string;
  readonly idem: string;
  readonly body: { [k: string]: Json };
  readonly sig: string;
}

function base64url(s: string): Uint8Array {
  return fromBase64(
    s
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(s.length / 4) * 4, '='),
    'key',
  );
}

/** Imports an Ed25519 private key (PKCS#8 PEM); TypeError when it is not one. */
export async function importOfficerKey(pem: string): Promise<OfficerKey> {
  const m = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(pem);
  if (!m) throw new TypeError('key: expected a PKCS#8 PEM (BEGIN PRIVATE KEY)');
  const der = fromBase64(m[1]!.replace(/\s+/g, ''), 'key');
  let extractable: CryptoKey;
  try {
    extractable = await crypto.subtle.importKey('pkcs8', buffer(der), { name: 'Ed25519' }, true, [
      'sign',
    ]);
  } catch (e) {
    throw new TypeError(`key: not an Ed25519 key this browser can use (${(e as Error).message})`);
  }
  const jwk = await crypto.subtle.exportKey('jwk', extractable);
  if (!jwk.x) throw new TypeError('key: no public key');
  const publicKey = base64url(jwk.x);
  const keyId = toHex(await sha256(concat(ED25519_SPKI_PREFIX, publicKey)));
  const signing = await crypto.subtle.importKey('pkcs8', buffer(der), { name: 'Ed25519' }, false, [
    'sign',
  ]);
  return {
    keyId,
    sign: async (message) =>
      new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, signing, buffer(message))),
  };
}

/** Builds and signs a submission (ledger-format §4): sig over "govx/entry/v1\n" ‖ JCS(parts). */
export async function createSubmission(
  input: { type: string; actor: string; idem: string; body: { [k: string]: Json } },
  key: OfficerKey,
): Promise<Submission> {
  const part = {
    v: ENTRY_VERSION,
    type: input.type,
    actor: input.actor,
    keyId: key.keyId,
    idem: input.idem,
    body: input.body,
  };
  const sig = await key.sign(utf8(SIGNED_PREFIX + canonicalJson(part)));
  return { ...part, sig: toHex(sig) };
}
