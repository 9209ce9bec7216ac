// The node's key registry: bootstrap keys from configuration (/keys), then every key.*
// entry of the log, in order. At start it is rebuilt from the stored key entries; the witness
// feeds it each key entry it verifies, so it always stands at the witness's verified tip.
import {
  decodeEntry,
  KeyEntryType,
  KeyRegistry,
  type BootstrapKey,
  type TreeHasher,
} from '@govx/ledger-core';
import type { LedgerStore } from '@govx/persistence';

const PAGE = 1000;
const KEY_TYPES = [KeyEntryType.Register, KeyEntryType.Rotate, KeyEntryType.Revoke];

/**
 * The registry as of the first `size` stored entries: bootstrap keys, then the stored key
 * entries with seq < size in order. A stored key entry that breaks the rules throws
 * KeyRuleError (entries were verified before they were stored: the database was changed).
 */
export async function loadKeyRegistry(
  store: LedgerStore,
  keys: readonly BootstrapKey[],
  size: number,
  hasher: TreeHasher,
): Promise<KeyRegistry> {
  const registry = new KeyRegistry(keys); // parseLedgerNodeConfig checked them
  const found: { seq: number; bytes: Uint8Array }[] = [];
  for (const type of KEY_TYPES) {
    for (let after: number | undefined; ;) {
      const page = await store.query({
        type,
        limit: PAGE,
        ...(after === undefined ? {} : { afterSeq: after }),
      });
      found.push(...page.filter((e) => e.seq < size));
      if (page.length < PAGE) break;
      after = page.at(-1)!.seq;
    }
  }
  found.sort((a, b) => a.seq - b.seq);
  for (const e of found) registry.apply(decodeEntry(e.bytes, hasher).fields);
  return registry;
}
