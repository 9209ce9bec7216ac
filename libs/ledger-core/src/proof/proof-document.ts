// Proofs as JSON documents: the contract of `govx proof verify` and of the ledger's proof
// endpoints. Hashes are lowercase hex; `index` is 0-based as in RFC 9162.
import { fromHex, toHex } from '@govx/crypto';
import {
  ProofError,
  RFC9162_SHA256,
  verifyConsistency,
  verifyInclusion,
  type TreeHasher,
} from '../merkle/index.js';

export interface InclusionProofDocument {
  readonly type: 'inclusion';
  readonly leafHash: string;
  readonly index: number;
  readonly treeSize: number;
  readonly proof: readonly string[];
  readonly root: string;
}

export interface ConsistencyProofDocument {
  readonly type: 'consistency';
  readonly size1: number;
  readonly size2: number;
  readonly proof: readonly string[];
  readonly root1: string;
  readonly root2: string;
}

export type ProofDocument = InclusionProofDocument | ConsistencyProofDocument;

/** A proof document that is not of the documented form: the message says what and where. */
export class MalformedProofError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedProofError';
  }
}

export type ProofCheck =
  { readonly ok: true; readonly reason: null } | { readonly ok: false; readonly reason: string };

const INCLUSION_KEYS = ['type', 'leafHash', 'index', 'treeSize', 'proof', 'root'];
const CONSISTENCY_KEYS = ['type', 'size1', 'size2', 'proof', 'root1', 'root2'];
/** A proof for a tree of up to 2^53 leaves has at most 2·53 hashes; anything longer is refused. */
const MAX_PROOF_HASHES = 128;

function malformed(message: string): never {
  throw new MalformedProofError(message);
}

function field(doc: Record<string, unknown>, name: string): unknown {
  if (!(name in doc)) malformed(`missing field "${name}"`);
  return doc[name];
}

function hashField(value: unknown, name: string, hashSize: number): Uint8Array {
  if (typeof value !== 'string') malformed(`"${name}" must be a hex string, got ${typeof value}`);
  if (!/^[0-9a-f]*$/.test(value)) malformed(`"${name}" must be lowercase hex`);
  if (value.length !== hashSize * 2) {
    malformed(
      `"${name}" must be ${hashSize} bytes (${hashSize * 2} hex digits), got ${value.length} digits`,
    );
  }
  return fromHex(value, name, hashSize);
}

function sizeField(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    malformed(`"${name}" must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function proofField(value: unknown, hashSize: number): Uint8Array[] {
  if (!Array.isArray(value)) malformed(`"proof" must be an array of hex hashes`);
  if (value.length > MAX_PROOF_HASHES)
    malformed(`"proof" has ${value.length} hashes, at most ${MAX_PROOF_HASHES}`);
  return value.map((h, i) => hashField(h, `proof[${i}]`, hashSize));
}

function checkKeys(doc: Record<string, unknown>, keys: readonly string[]): void {
  const extra = Object.keys(doc).filter((k) => !keys.includes(k));
  if (extra.length > 0) malformed(`unknown field(s): ${extra.join(', ')}`);
}

/** Parses JSON text into a proof document; MalformedProofError says what is wrong. */
export function parseProofDocument(text: string): ProofDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    malformed(`not JSON: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    malformed('expected a JSON object');
  const doc = value as Record<string, unknown>;
  const type = field(doc, 'type');
  if (type === 'inclusion') {
    checkKeys(doc, INCLUSION_KEYS);
    return {
      type,
      leafHash: field(doc, 'leafHash') as string,
      index: sizeField(field(doc, 'index'), 'index'),
      treeSize: sizeField(field(doc, 'treeSize'), 'treeSize'),
      proof: field(doc, 'proof') as string[],
      root: field(doc, 'root') as string,
    };
  }
  if (type === 'consistency') {
    checkKeys(doc, CONSISTENCY_KEYS);
    return {
      type,
      size1: sizeField(field(doc, 'size1'), 'size1'),
      size2: sizeField(field(doc, 'size2'), 'size2'),
      proof: field(doc, 'proof') as string[],
      root1: field(doc, 'root1') as string,
      root2: field(doc, 'root2') as string,
    };
  }
  malformed(`"type" must be "inclusion" or "consistency", got ${JSON.stringify(type)}`);
}

/**
 * Checks a proof document. Returns ok or the reason it does not verify; throws
 * MalformedProofError when the document itself is malformed (bad hex, wrong lengths,
 * index ≥ size, size1 > size2).
 */
export function checkProofDocument(
  doc: ProofDocument,
  hasher: TreeHasher = RFC9162_SHA256,
): ProofCheck {
  const size = hasher.size;
  try {
    if (doc.type === 'inclusion') {
      const leafHash = hashField(doc.leafHash, 'leafHash', size);
      const root = hashField(doc.root, 'root', size);
      const proof = proofField(doc.proof, size);
      if (doc.index >= doc.treeSize)
        malformed(`"index" ${doc.index} must be less than "treeSize" ${doc.treeSize}`);
      verifyInclusion(hasher, doc.index, doc.treeSize, leafHash, proof, root);
    } else {
      const root1 = hashField(doc.root1, 'root1', size);
      const root2 = hashField(doc.root2, 'root2', size);
      const proof = proofField(doc.proof, size);
      if (doc.size1 > doc.size2)
        malformed(`"size1" ${doc.size1} must not exceed "size2" ${doc.size2}`);
      verifyConsistency(hasher, doc.size1, doc.size2, proof, root1, root2);
    }
    return { ok: true, reason: null };
  } catch (e) {
    if (e instanceof ProofError) return { ok: false, reason: `${e.code}: ${e.message}` };
    throw e;
  }
}

/** Builds an inclusion proof document (what the ledger's proof endpoint serves). */
export function inclusionProofDocument(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): InclusionProofDocument {
  return {
    type: 'inclusion',
    leafHash: toHex(leafHash),
    index,
    treeSize,
    proof: proof.map(toHex),
    root: toHex(root),
  };
}

/** Builds a consistency proof document. */
export function consistencyProofDocument(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): ConsistencyProofDocument {
  return {
    type: 'consistency',
    size1,
    size2,
    proof: proof.map(toHex),
    root1: toHex(root1),
    root2: toHex(root2),
  };
}
