// C2SP signed notes (c2sp.org/signed-note) and verifier keys ("vkeys"), with the signature
// types govx uses: Ed25519 (0x01), timestamped Ed25519 cosignatures (0x04,
// c2sp.org/tlog-cosignature) and SM2 under the extension type 0xff.
import { createHash } from 'node:crypto';
import {
  concatBytes,
  importSigningPublicKey,
  utf8,
  type SigningPrivateKey,
  type SigningPublicKey,
} from '@govx/crypto';
import { NoteError } from '../errors.js';

/** Signature type identifier bytes (c2sp.org/signed-note §Signature types). */
export const NoteSignatureType = {
  Ed25519: 0x01,
  CosignatureV1: 0x04,
  /** 0xff is followed by SM2_TYPE_LABEL: "reserved for types without an assigned byte". */
  Extension: 0xff,
} as const;
export type NoteSignatureType = (typeof NoteSignatureType)[keyof typeof NoteSignatureType];

/** The longer identifier after 0xff for SM2 (GB/T 32918, default distinguishing id) over SM3. */
export const SM2_TYPE_LABEL = 'govx-sm2/v1';
const SM2_TYPE = concatBytes(new Uint8Array([NoteSignatureType.Extension]), utf8(SM2_TYPE_LABEL));

/** c2sp.org/signed-note: verifiers MUST accept at least 16 signatures; we accept this many. */
export const MAX_NOTE_SIGNATURES = 64;
const KEY_NAME_RE = /^[^\s+]+$/u;
const EM_DASH = '\u2014';

/** A key that can sign notes, with the note name it signs under. */
export interface NoteSigner {
  readonly name: string;
  readonly keyHash: number;
  readonly type: NoteSignatureType;
  /** The signature line's bytes after the key hash. */
  sign(text: string): Uint8Array;
}

/** A trusted key that checks note signatures. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyHash: number;
  readonly type: NoteSignatureType;
  readonly publicKey: SigningPublicKey;
  /** Checks `signature` (the bytes after the key hash). Returns the cosignature time, if any. */
  verify(text: string, signature: Uint8Array): { ok: boolean; timestamp?: number };
}

export interface VerifiedSignature {
  readonly name: string;
  readonly keyHash: number;
  readonly timestamp?: number;
}

export interface OpenedNote {
  readonly text: string;
  readonly verified: readonly VerifiedSignature[];
  /** Signature lines from keys the caller did not trust (ignored, as the spec says). */
  readonly unknown: number;
}

function typeBytes(type: NoteSignatureType): Uint8Array {
  return type === NoteSignatureType.Extension ? SM2_TYPE : new Uint8Array([type]);
}

function assertKeyName(name: string): void {
  if (typeof name !== 'string' || !KEY_NAME_RE.test(name)) {
    throw new TypeError(
      `name: a note key name is non-empty, without spaces or '+', got ${JSON.stringify(name)}`,
    );
  }
}

function typeFor(key: SigningPublicKey, cosignature: boolean): NoteSignatureType {
  if (key.algorithm === 'sm2') return NoteSignatureType.Extension;
  return cosignature ? NoteSignatureType.CosignatureV1 : NoteSignatureType.Ed25519;
}

/** key ID = SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key)[:4], big-endian uint32. */
export function noteKeyHash(
  name: string,
  type: NoteSignatureType,
  publicKey: SigningPublicKey,
): number {
  const digest = createHash('sha256')
    .update(utf8(`${name}\n`))
    .update(typeBytes(type))
    .update(publicKey.raw)
    .digest();
  return digest.readUInt32BE(0);
}

/** The C2SP verifier key string `name+hash+base64(type ‖ public key)`. */
export function verifierKeyString(
  name: string,
  publicKey: SigningPublicKey,
  cosignature = false,
): string {
  assertKeyName(name);
  const type = typeFor(publicKey, cosignature);
  const hash = noteKeyHash(name, type, publicKey).toString(16).padStart(8, '0');
  const material = Buffer.from(concatBytes(typeBytes(type), publicKey.raw)).toString('base64');
  return `${name}+${hash}+${material}`;
}

/** The message an Ed25519 cosignature v1 signs (c2sp.org/tlog-cosignature §Ed25519 signed message). */
function cosignedMessage(text: string, timestamp: number): Uint8Array {
  return utf8(`cosignature/v1\ntime ${timestamp}\n${text}`);
}

export function noteSigner(
  name: string,
  key: SigningPrivateKey,
  options: { cosignature?: boolean; clock?: () => number } = {},
): NoteSigner {
  assertKeyName(name);
  const type = typeFor(key.publicKey, options.cosignature ?? false);
  const clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
  return {
    name,
    type,
    keyHash: noteKeyHash(name, type, key.publicKey),
    sign(text: string): Uint8Array {
      if (type !== NoteSignatureType.CosignatureV1) return key.sign(utf8(text));
      const timestamp = clock();
      const ts = Buffer.alloc(8);
      ts.writeBigUInt64BE(BigInt(timestamp));
      return concatBytes(ts, key.sign(cosignedMessage(text, timestamp)));
    },
  };
}

/** Parses a C2SP verifier key string; NoteError says what is wrong. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  // The base64 material may itself hold '+': split on the first two only.
  const m = typeof vkey === 'string' ? /^([^+]*)\+([^+]*)\+(.*)$/su.exec(vkey) : null;
  if (!m) throw new NoteError('verifier key: expected name+hash+base64');
  const [, name, hashHex, material] = m as unknown as [string, string, string, string];
  assertKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(hashHex))
    throw new NoteError('verifier key: hash must be 8 lowercase hex digits');
  const raw = new Uint8Array(Buffer.from(material, 'base64'));
  if (Buffer.from(raw).toString('base64') !== material)
    throw new NoteError('verifier key: bad base64');
  const type = raw[0];
  let publicKey: SigningPublicKey;
  try {
    if (type === NoteSignatureType.Ed25519 || type === NoteSignatureType.CosignatureV1) {
      publicKey = importSigningPublicKey({ algorithm: 'ed25519', raw: raw.subarray(1) });
    } else if (
      type === NoteSignatureType.Extension &&
      Buffer.from(raw.subarray(0, SM2_TYPE.length)).equals(SM2_TYPE)
    ) {
      publicKey = importSigningPublicKey({ algorithm: 'sm2', raw: raw.subarray(SM2_TYPE.length) });
    } else {
      throw new NoteError(`verifier key: unsupported signature type 0x${(type ?? 0).toString(16)}`);
    }
  } catch (cause) {
    if (cause instanceof NoteError) throw cause;
    throw new NoteError(`verifier key: bad public key: ${(cause as Error).message}`, { cause });
  }
  const verifier = noteVerifier(name, publicKey, type === NoteSignatureType.CosignatureV1);
  if (verifier.keyHash !== parseInt(hashHex, 16))
    throw new NoteError('verifier key: hash does not match the key');
  return verifier;
}

export function noteVerifier(
  name: string,
  publicKey: SigningPublicKey,
  cosignature = false,
): NoteVerifier {
  assertKeyName(name);
  const type = typeFor(publicKey, cosignature);
  return {
    name,
    type,
    publicKey,
    keyHash: noteKeyHash(name, type, publicKey),
    verify(text: string, signature: Uint8Array): { ok: boolean; timestamp?: number } {
      if (type !== NoteSignatureType.CosignatureV1)
        return { ok: publicKey.verify(utf8(text), signature) };
      if (signature.length !== 8 + 64) return { ok: false };
      const timestamp = Buffer.from(signature.subarray(0, 8)).readBigUInt64BE(0);
      if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false };
      const ok = publicKey.verify(cosignedMessage(text, Number(timestamp)), signature.subarray(8));
      return { ok, timestamp: Number(timestamp) };
    },
  };
}

/** Signs `text` (which MUST end in a newline) with each signer and returns the note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  assertNoteText(text);
  return text + '\n' + signers.map((s) => signLine(s, text)).join('');
}

/** Adds signature lines to an existing signed note (e.g. a witness cosigning). */
export function addSignatures(note: string, signers: readonly NoteSigner[]): string {
  const { text } = splitNote(note);
  return note + signers.map((s) => signLine(s, text)).join('');
}

/** One signature line, `— name base64(keyhash ‖ sig)\n`, by `signer` over note `text`. */
export function signLine(signer: NoteSigner, text: string): string {
  assertNoteText(text);
  return signatureLine(signer.name, signer.keyHash, signer.sign(text));
}

function signatureLine(name: string, keyHash: number, signature: Uint8Array): string {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(keyHash);
  return `${EM_DASH} ${name} ${Buffer.concat([prefix, signature]).toString('base64')}\n`;
}

function assertNoteText(text: string): void {
  if (typeof text !== 'string' || !text.endsWith('\n'))
    throw new NoteError('note text must end with a newline');
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x09\x0b-\x1f]/.test(text)) throw new NoteError('note text holds control characters');
}

interface SignatureLine {
  readonly name: string;
  readonly keyHash: number;
  readonly signature: Uint8Array;
}

function splitNote(note: string): { text: string; lines: SignatureLine[] } {
  if (typeof note !== 'string') throw new NoteError('note: expected a string');
  const sep = note.lastIndexOf('\n\n');
  if (sep < 0) throw new NoteError('note: no blank line before the signatures');
  const text = note.slice(0, sep + 1);
  assertNoteText(text);
  const sigBlock = note.slice(sep + 2);
  if (!sigBlock.endsWith('\n')) throw new NoteError('note: signatures must end with a newline');
  const raw = sigBlock.slice(0, -1).split('\n');
  if (raw.length > MAX_NOTE_SIGNATURES)
    throw new NoteError(`note: more than ${MAX_NOTE_SIGNATURES} signatures`);
  const lines = raw.map((line, i): SignatureLine => {
    const m = /^\u2014 ([^\s+]+) ([A-Za-z0-9+/]+={0,2})$/u.exec(line);
    if (!m) throw new NoteError(`note: signature line ${i + 1} is malformed`);
    const bytes = Buffer.from(m[2]!, 'base64');
    if (bytes.length < 5 || bytes.toString('base64') !== m[2]) {
      throw new NoteError(`note: signature line ${i + 1} has bad base64`);
    }
    return {
      name: m[1]!,
      keyHash: bytes.readUInt32BE(0),
      signature: new Uint8Array(bytes.subarray(4)),
    };
  });
  return { text, lines };
}

/**
 * Opens a note (c2sp.org/signed-note §Signatures): signatures from unknown keys are
 * ignored; a known key whose signature fails rejects the whole note; at least one known
 * key must verify.
 */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): OpenedNote {
  const { text, lines } = splitNote(note);
  const verified: VerifiedSignature[] = [];
  let unknown = 0;
  const seen = new Set<string>();
  for (const line of lines) {
    const verifier = verifiers.find((v) => v.name === line.name && v.keyHash === line.keyHash);
    if (!verifier) {
      unknown++;
      continue;
    }
    const result = verifier.verify(text, line.signature);
    if (!result.ok) throw new NoteError(`note: signature by ${line.name} does not verify`);
    const id = `${line.name}+${line.keyHash}`;
    if (seen.has(id)) continue;
    seen.add(id);
    verified.push({
      name: line.name,
      keyHash: line.keyHash,
      ...(result.timestamp === undefined ? {} : { timestamp: result.timestamp }),
    });
  }
  if (verified.length === 0) throw new NoteError('note: no signature from a trusted key');
  return { text, verified, unknown };
}
