// C2SP signed notes and tlog checkpoints (docs/ledger-format.md §7), checked in the browser.
// Ed25519 (type 0x01) and Ed25519 cosignature v1 (0x04) through WebCrypto; SM2 notes are left
// to `govx proof verify`.
import { buffer, concat, equal, fromBase64, sha256, utf8 } from './bytes.js';

const SIG_ED25519 = 0x01;
const SIG_COSIGNATURE_V1 = 0x04;
const EM_DASH = '\u2014';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  /** The signed text: the three lines, each with its newline. */
  readonly text: string;
  readonly lines: readonly { name: string; keyHash: Uint8Array; signature: Uint8Array }[];
}

export interface VerifierKey {
  readonly name: string;
  readonly type: number;
  readonly key: Uint8Array;
}

export interface SignatureCheck {
  readonly name: string;
  readonly status: 'verified' | 'failed' | 'unknown-key';
  readonly timestamp?: number;
}

/** Parses a checkpoint note; TypeError naming what is wrong. */
export function parseCheckpoint(note: string): Checkpoint {
  const sep = note.lastIndexOf('\n\n');
  if (sep < 0) throw new TypeError('note: no blank line before the signatures');
  const text = note.slice(0, sep + 1);
  const [origin, sizeText, rootText, extra] = text.slice(0, -1).split('\n');
  if (
    origin === undefined ||
    sizeText === undefined ||
    rootText === undefined ||
    extra !== undefined
  )
    throw new TypeError('note: expected origin, size and root lines');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new TypeError('note: bad size line');
  const root = fromBase64(rootText, 'note root');
  if (root.length !== 32) throw new TypeError('note: root is not 32 bytes');
  const lines = note
    .slice(sep + 2)
    .split('\n')
    .filter((l) => l !== '')
    .map((l, i) => {
      const m = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/u.exec(l);
      if (!m || !l.startsWith(EM_DASH)) throw new TypeError(`note: signature line ${i + 1}`);
      const bytes = fromBase64(m[2]!, `signature line ${i + 1}`);
      return { name: m[1]!, keyHash: bytes.subarray(0, 4), signature: bytes.subarray(4) };
    });
  return { origin, size: Number(sizeText), root, text, lines };
}

/** Parses `name+hash+base64(type ‖ key)` lines (GET /keys of a ledger node). */
export function parseVerifierKeys(text: string): VerifierKey[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const m = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(l.trim());
      if (!m) throw new TypeError(`verifier key: ${l}`);
      const raw = fromBase64(m[3]!, 'verifier key');
      return { name: m[1]!, type: raw[0] ?? 0, key: raw.subarray(1) };
    });
}

async function keyHash(name: string, type: number, key: Uint8Array): Promise<Uint8Array> {
  return (await sha256(utf8(`${name}\n`), new Uint8Array([type]), key)).subarray(0, 4);
}

/** True when this browser's WebCrypto verifies Ed25519 (Chromium does since 2025). */
export async function ed25519Supported(): Promise<boolean> {
  try {
    await crypto.subtle.importKey('raw', new Uint8Array(32).fill(1), { name: 'Ed25519' }, false, [
      'verify',
    ]);
    return true;
  } catch {
    return false;
  }
}

async function ed25519Verify(key: Uint8Array, sig: Uint8Array, msg: Uint8Array): Promise<boolean> {
  const k = await crypto.subtle.importKey('raw', buffer(key), { name: 'Ed25519' }, false, [
    'verify',
  ]);
  return crypto.subtle.verify({ name: 'Ed25519' }, k, buffer(sig), buffer(msg));
}

/**
 * Checks every signature line against the Ed25519 verifier keys (as plain signatures or as
 * cosignatures v1). Lines from keys not given are reported as `unknown-key`.
 */
export async function checkSignatures(
  cp: Checkpoint,
  keys: readonly VerifierKey[],
): Promise<SignatureCheck[]> {
  const out: SignatureCheck[] = [];
  for (const line of cp.lines) {
    let result: SignatureCheck = { name: line.name, status: 'unknown-key' };
    for (const k of keys) {
      if (k.name !== line.name || k.key.length !== 32) continue;
      if (k.type !== SIG_ED25519 && k.type !== SIG_COSIGNATURE_V1) continue;
      if (equal(await keyHash(k.name, SIG_ED25519, k.key), line.keyHash)) {
        const ok = await ed25519Verify(k.key, line.signature, utf8(cp.text));
        result = { name: line.name, status: ok ? 'verified' : 'failed' };
        break;
      }
      if (equal(await keyHash(k.name, SIG_COSIGNATURE_V1, k.key), line.keyHash)) {
        if (line.signature.length !== 72) {
          result = { name: line.name, status: 'failed' };
          break;
        }
        const t = new DataView(line.signature.buffer, line.signature.byteOffset, 8).getBigUint64(0);
        const msg = concat(utf8(`cosignature/v1\ntime ${t}\n`), utf8(cp.text));
        const ok = await ed25519Verify(k.key, line.signature.subarray(8), msg);
        result = { name: line.name, status: ok ? 'verified' : 'failed', timestamp: Number(t) };
        break;
      }
    }
    out.push(result);
  }
  return out;
}
