// "Check a receipt": is (seq, leaf hash) in the log under the latest cosigned checkpoint?
// Everything is recomputed here; the ledger node only supplies the proof and the note.
import { ledger } from './api.js';
import { equal, fromHex, toHex } from './bytes.js';
import { proofPath, rootFromInclusionProof, type InclusionProof } from './merkle.js';
import {
  checkSignatures,
  ed25519Supported,
  parseCheckpoint,
  parseVerifierKeys,
  type SignatureCheck,
} from './note.js';

export interface Receipt {
  readonly seq: number;
  readonly leafHash: string;
}

export interface ReceiptCheck {
  readonly ok: boolean;
  readonly steps: readonly { ok: boolean | null; text: string }[];
  readonly signatures: readonly SignatureCheck[];
}

/** Reads a pasted receipt: JSON `{seq, leafHash}` (or `leaf`), or "seq leafhash". */
export function parseReceipt(text: string): Receipt {
  const t = text.trim();
  let seq: unknown;
  let leaf: unknown;
  if (t.startsWith('{')) {
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(t) as Record<string, unknown>;
    } catch {
      throw new TypeError('receipt: not JSON');
    }
    const r = (typeof j['receipt'] === 'object' && j['receipt'] ? j['receipt'] : j) as Record<
      string,
      unknown
    >;
    seq = r['seq'];
    leaf = r['leafHash'] ?? r['leaf'];
  } else {
    const m = /^(\d+)\s*[,\s]\s*([0-9a-fA-F]+)$/.exec(t);
    if (!m) throw new TypeError('receipt: expected JSON {seq, leafHash} or "seq leafhash"');
    seq = Number(m[1]);
    leaf = m[2];
  }
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0)
    throw new TypeError('receipt.seq: expected a non-negative integer');
  if (typeof leaf !== 'string' || !/^[0-9a-fA-F]{64}$/.test(leaf))
    throw new TypeError('receipt.leafHash: expected 64 hex digits');
  return { seq, leafHash: leaf.toLowerCase() };
}

export async function checkReceipt(receipt: Receipt): Promise<ReceiptCheck> {
  const steps: { ok: boolean | null; text: string }[] = [];
  const cpView = await ledger<{ size: number; root: string; note: string }>('/checkpoints/latest');
  const cp = parseCheckpoint(cpView.note);
  steps.push({
    ok: true,
    text: `latest cosigned checkpoint: ${cp.origin}, size ${cp.size}, root ${toHex(cp.root)}`,
  });
  if (receipt.seq >= cp.size) {
    steps.push({
      ok: false,
      text: `seq ${receipt.seq} is not yet under a cosigned checkpoint (size ${cp.size}): try again shortly`,
    });
    return { ok: false, steps, signatures: [] };
  }
  const proof = await ledger<InclusionProof>(
    `/proofs/inclusion/${receipt.seq}?treeSize=${cp.size}`,
  );
  const root = await rootFromInclusionProof(
    receipt.seq,
    cp.size,
    fromHex(receipt.leafHash, 'leafHash'),
    proofPath(proof),
  );
  const included = root !== null && equal(root, cp.root);
  steps.push({
    ok: included,
    text: included
      ? `inclusion proof (RFC 9162, ${proof.proof.length} hashes) from the leaf hash leads to the checkpoint root: entry ${receipt.seq} is in the log`
      : `the leaf hash and the inclusion proof do NOT lead to the checkpoint root: this receipt is not in the log`,
  });
  let signatures: SignatureCheck[] = [];
  let signed: boolean | null = null;
  if (await ed25519Supported()) {
    const keys = parseVerifierKeys(await ledger<string>('/keys'));
    signatures = await checkSignatures(cp, keys);
    const verified = signatures.filter((s) => s.status === 'verified').length;
    const failed = signatures.some((s) => s.status === 'failed');
    signed = !failed && verified > 0;
    steps.push({
      ok: signed,
      text: failed
        ? 'a checkpoint signature does NOT verify'
        : `${verified} of ${keys.length} ledger node signatures verify (Ed25519, WebCrypto) against the keys the node publishes at /keys; compare them with your trust file`,
    });
  } else {
    steps.push({
      ok: null,
      text: 'this browser cannot verify Ed25519: check the checkpoint signatures with `govx proof verify`',
    });
  }
  return { ok: included && signed !== false, steps, signatures };
}
