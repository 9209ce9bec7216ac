import { isAscii, isUtf8 } from 'node:buffer';
import { MalformedEntryError } from '../errors.js';
import type { TreeHasher } from '../merkle/index.js';
import { isCanonicalJson } from './canonical.js';
import { assertEntryFields, Entry, MAX_ENTRY_BYTES } from './entry.js';

/**
 * Decodes the stored bytes of one entry. MUST reject anything that is not exactly the
 * RFC 8785 encoding of a valid entry: bad UTF-8, bad JSON, wrong or extra fields, and
 * non-canonical bytes (two encodings of one entry would give two leaf hashes).
 */
export function decodeEntry(
  bytes: Uint8Array,
  hasher: TreeHasher,
  maxBytes = MAX_ENTRY_BYTES,
): Entry {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes: expected Uint8Array');
  if (bytes.length > maxBytes) {
    throw new MalformedEntryError(
      `entry is ${bytes.length} bytes, more than the limit of ${maxBytes}`,
    );
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // isAscii / isUtf8 are native validators; latin1 decoding of ASCII is a plain copy.
  let text: string;
  if (isAscii(buffer)) text = buffer.toString('latin1');
  else if (isUtf8(buffer)) text = buffer.toString('utf8');
  else throw new MalformedEntryError('entry is not valid UTF-8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new MalformedEntryError(`entry is not JSON: ${(cause as Error).message}`, undefined, {
      cause,
    });
  }
  assertEntryFields(value);
  if (!isCanonicalJson(text, value)) {
    throw new MalformedEntryError('entry bytes are not the RFC 8785 canonical encoding');
  }
  return Entry.fromVerifiedParts(value, bytes, hasher.hashLeaf(bytes));
}
