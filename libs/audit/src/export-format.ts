// The line format of `govx audit export` (docs/audit.md §Export format): one UTF-8 line per
// item, each a JSON object, in log order.
//
//   {"format":"govx-audit-export/1","hash":"sha256","origin":"govx.example/ledger"}
//   {"leaf":"<64 hex>","entry":<the entry's stored bytes, verbatim>}
//   {"checkpoint":"<the C2SP note, JSON-escaped>"}     before the entry at seq = its size
//   {"end":{"checkpoints":K,"entries":N}}              last line; nothing after it
//
// Entry bytes are RFC 8785 JSON (no raw newline can occur in them), so they are copied into
// the line byte for byte: the leaf hash of an entry is H(0x00 ‖ the bytes between the
// `"entry":` prefix and the final `}`).
import { toHex } from '@govx/crypto';
import type { TreeHashName } from '@govx/ledger-core';
import type { AuditItem } from './audit-item.js';
import { AuditInputError } from './errors.js';

export const EXPORT_FORMAT = 'govx-audit-export/1';

export interface ExportHeader {
  readonly origin: string;
  readonly hash: TreeHashName;
}

export interface ExportEnd {
  readonly entries: number;
  readonly checkpoints: number;
}

const NL = 0x0a;
const ENTRY_PREFIX = '{"leaf":"';
const ENTRY_MIDDLE = '","entry":';
/** Bytes before an entry's own bytes: prefix, 64 hex digits, middle. */
const ENTRY_OFFSET = ENTRY_PREFIX.length + 64 + ENTRY_MIDDLE.length;
const CHECKPOINT_PREFIX = Buffer.from('{"checkpoint":');
const END_PREFIX = Buffer.from('{"end":');

export function exportHeaderLine(header: ExportHeader): string {
  return `${JSON.stringify({ format: EXPORT_FORMAT, hash: header.hash, origin: header.origin })}\n`;
}

/** One entry line; `leaf` is its leaf hash (32 bytes). */
export function exportEntryLine(bytes: Uint8Array, leaf: Uint8Array): Buffer {
  if (leaf.length !== 32) throw new RangeError('leaf: expected 32 bytes');
  const head = Buffer.from(`${ENTRY_PREFIX}${toHex(leaf)}${ENTRY_MIDDLE}`, 'latin1');
  return Buffer.concat([head, bytes, Buffer.from('}\n', 'latin1')]);
}

export function exportCheckpointLine(note: string): string {
  return `${JSON.stringify({ checkpoint: note })}\n`;
}

export function exportEndLine(end: ExportEnd): string {
  return `${JSON.stringify({ end: { checkpoints: end.checkpoints, entries: end.entries } })}\n`;
}

/** Splits a byte stream into lines (without their '\n'), numbered from 1; keeps one chunk. */
export async function* splitLines(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<{ line: Buffer; number: number; terminated: boolean }> {
  let carry: Buffer | null = null;
  let number = 0;
  for await (const input of chunks) {
    const chunk = Buffer.isBuffer(input)
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NL, start);
      if (nl < 0) break;
      let line = chunk.subarray(start, nl);
      if (carry) {
        line = Buffer.concat([carry, line]);
        carry = null;
      }
      yield { line, number: ++number, terminated: true };
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      carry = carry ? Buffer.concat([carry, rest]) : Buffer.from(rest);
    }
  }
  if (carry) yield { line: carry, number: ++number, terminated: false };
}

function startsWith(line: Uint8Array, prefix: Uint8Array): boolean {
  if (line.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (line[i] !== prefix[i]) return false;
  return true;
}

function parseJsonLine(line: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
}

function parseHeader(line: Uint8Array, where: string): ExportHeader {
  const value = parseJsonLine(line) as Record<string, unknown> | undefined;
  if (!value || typeof value !== 'object' || value['format'] !== EXPORT_FORMAT) {
    throw new AuditInputError(
      where,
      `not a govx audit export (the first line must name ${EXPORT_FORMAT})`,
    );
  }
  const { origin, hash } = value;
  if (typeof origin !== 'string' || origin.length === 0)
    throw new AuditInputError(where, 'header: origin missing');
  if (hash !== 'sha256' && hash !== 'sm3')
    throw new AuditInputError(
      where,
      `header: hash must be sha256 or sm3, got ${JSON.stringify(hash)}`,
    );
  const keys = Object.keys(value).sort().join(',');
  if (keys !== 'format,hash,origin')
    throw new AuditInputError(where, `header: unexpected members ${keys}`);
  return { origin, hash };
}

function parseEnd(line: Uint8Array, where: string): ExportEnd {
  const value = parseJsonLine(line) as { end?: Record<string, unknown> } | undefined;
  const end = value?.end;
  const ok =
    end !== undefined &&
    Object.keys(value!).length === 1 &&
    Object.keys(end).sort().join(',') === 'checkpoints,entries' &&
    Number.isSafeInteger(end['entries']) &&
    Number.isSafeInteger(end['checkpoints']);
  if (!ok) throw new AuditInputError(where, 'malformed end line');
  return { entries: end['entries'] as number, checkpoints: end['checkpoints'] as number };
}

/**
 * Reads an export back into audit items. Throws AuditInputError (with file and line) for
 * what makes the file unusable: no header, another log's header, a missing or wrong end
 * line (truncation), anything after the end line. Damage inside an entry or checkpoint line
 * is not thrown: the line is handed on as it is, so the verifier reports its seq.
 */
export async function* readExport(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  name: string,
  onHeader: (header: ExportHeader) => void,
): AsyncGenerator<AuditItem, ExportEnd> {
  let header: ExportHeader | null = null;
  let end: ExportEnd | null = null;
  let entries = 0;
  let checkpoints = 0;
  let lastLine = 0;
  for await (const { line, number, terminated } of splitLines(chunks)) {
    const where = `${name}:${number}`;
    lastLine = number;
    if (!terminated) {
      throw new AuditInputError(
        where,
        'truncated: the last line has no newline (and no end line follows)',
      );
    }
    if (header === null) {
      header = parseHeader(line, where);
      onHeader(header);
      continue;
    }
    if (end !== null) throw new AuditInputError(where, 'a line after the end line');
    if (startsWith(line, END_PREFIX)) {
      end = parseEnd(line, where);
      continue;
    }
    if (startsWith(line, CHECKPOINT_PREFIX)) {
      const value = parseJsonLine(line) as { checkpoint?: unknown } | undefined;
      const note =
        value && typeof value.checkpoint === 'string' && Object.keys(value).length === 1
          ? value.checkpoint
          : // Damaged: hand on something no policy accepts, so the verifier names the seq.
            `(unreadable checkpoint line ${number})`;
      checkpoints++;
      yield { kind: 'checkpoint', note, where };
      continue;
    }
    entries++;
    yield entryItem(line, where);
  }
  if (header === null)
    throw new AuditInputError(`${name}:1`, 'empty file: not a govx audit export');
  if (end === null) {
    throw new AuditInputError(
      `${name}:${lastLine}`,
      `truncated: no end line after ${entries} entries and ${checkpoints} checkpoints`,
    );
  }
  if (end.entries !== entries || end.checkpoints !== checkpoints) {
    throw new AuditInputError(
      `${name}:${lastLine}`,
      `the end line counts ${end.entries} entries and ${end.checkpoints} checkpoints, the file holds ${entries} and ${checkpoints}`,
    );
  }
  return end;
}

const ENTRY_PREFIX_BYTES = Buffer.from(ENTRY_PREFIX, 'latin1');
const ENTRY_MIDDLE_BYTES = Buffer.from(ENTRY_MIDDLE, 'latin1');
const HEX_START = ENTRY_PREFIX.length;
const HEX_END = HEX_START + 64;

function entryItem(line: Buffer, where: string): AuditItem {
  if (
    line.length > ENTRY_OFFSET &&
    line[line.length - 1] === 0x7d && // '}'
    line.compare(ENTRY_PREFIX_BYTES, 0, ENTRY_PREFIX_BYTES.length, 0, HEX_START) === 0 &&
    line.compare(ENTRY_MIDDLE_BYTES, 0, ENTRY_MIDDLE_BYTES.length, HEX_END, ENTRY_OFFSET) === 0
  ) {
    const hex = line.toString('latin1', HEX_START, HEX_END);
    const leaf = Buffer.from(hex, 'hex');
    // Buffer.from stops at the first non-hex digit and accepts upper case: both refused.
    if (leaf.length === 32 && leaf.toString('hex') === hex)
      return { kind: 'entry', bytes: line.subarray(ENTRY_OFFSET, line.length - 1), leaf, where };
  }
  // Not an entry line: hand the whole line on; it fails decoding at this seq.
  return { kind: 'entry', bytes: line, where };
}
