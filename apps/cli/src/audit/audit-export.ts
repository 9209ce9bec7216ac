// `govx audit export`: copies a log from any source into the documented line format
// (docs/audit.md), streaming, to FILE.partial and then renamed, so a file named FILE is whole.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import {
  exportCheckpointLine,
  exportEndLine,
  exportEntryLine,
  exportHeaderLine,
  type AuditTrust,
} from '@govx/audit';
import { treeHasher } from '@govx/ledger-core';
import { openSource } from './sources.js';

export interface ExportOptions {
  readonly source: string;
  readonly out: string;
  readonly trust: AuditTrust;
  readonly checkpointsUrl?: string;
}

export async function exportSource(
  options: ExportOptions,
): Promise<{ entries: number; checkpoints: number }> {
  const source = await openSource(options.source, {
    trust: options.trust,
    ...(options.checkpointsUrl ? { checkpointsUrl: options.checkpointsUrl } : {}),
  });
  const hasher = treeHasher(options.trust.hash);
  const partial = `${options.out}.partial`;
  const out = createWriteStream(partial);
  const write = async (chunk: string | Uint8Array): Promise<void> => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  let entries = 0;
  let checkpoints = 0;
  try {
    await write(exportHeaderLine({ origin: options.trust.origin, hash: options.trust.hash }));
    for await (const item of source.items()) {
      if (item.kind === 'checkpoint') {
        checkpoints++;
        await write(exportCheckpointLine(item.note));
      } else {
        entries++;
        await write(exportEntryLine(item.bytes, item.leaf ?? hasher.hashLeaf(item.bytes)));
      }
    }
    await write(exportEndLine({ entries, checkpoints }));
    out.end();
    await once(out, 'finish');
    await rename(partial, options.out);
  } catch (e) {
    out.destroy();
    await rm(partial, { force: true });
    throw e;
  } finally {
    await source.close();
  }
  return { entries, checkpoints };
}
