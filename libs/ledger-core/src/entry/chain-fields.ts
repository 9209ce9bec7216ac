// The integrity-only fast path: seq and prev read straight from an entry's bytes.
import { MalformedEntryError } from '../errors.js';

const PREV_MARK = Buffer.from('"prev":"', 'latin1');
const SEQ_MARK = Buffer.from('","seq":', 'latin1');
const HEX64_RE = /^[0-9a-f]{64}$/;
const COMMA = 0x2c;

/**
 * Reads `seq` and `prev` of an entry by the layout of its canonical form (docs/ledger-format.md
 * §2: members in order, `prev` then `seq`, nothing after them able to hold `"prev":"`),
 * without decoding it. Unsafe: it checks neither the schema, nor canonical form, nor the
 * signature; it serves checks of the bytes' integrity (hash chain and Merkle roots against
 * cosigned checkpoints), which do not depend on what the bytes say.
 * @throws MalformedEntryError when the bytes do not have that layout.
 */
export function readChainFieldsUnsafe(bytes: Uint8Array): { seq: number; prev: string } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = buffer.lastIndexOf(PREV_MARK);
  if (at < 0) throw new MalformedEntryError('no "prev" member where canonical form has it');
  const prevStart = at + PREV_MARK.length;
  const prev = buffer.toString('latin1', prevStart, prevStart + 64);
  const seqStart = prevStart + 64 + SEQ_MARK.length;
  if (!HEX64_RE.test(prev) || !buffer.subarray(prevStart + 64, seqStart).equals(SEQ_MARK)) {
    throw new MalformedEntryError('prev: not followed by seq as canonical form has it', 'prev');
  }
  let seq = 0;
  let i = seqStart;
  for (; i < buffer.length && buffer[i] !== COMMA; i++) {
    const digit = buffer[i]! - 0x30;
    if (digit < 0 || digit > 9 || (i > seqStart && seq === 0) || i - seqStart > 15) {
      throw new MalformedEntryError('not a canonical non-negative integer', 'seq');
    }
    seq = seq * 10 + digit;
  }
  if (i === seqStart || i === buffer.length)
    throw new MalformedEntryError('not a canonical non-negative integer', 'seq');
  return { seq, prev };
}
