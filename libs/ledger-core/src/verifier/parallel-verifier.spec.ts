// The parallel verifier must give the streaming verifier's verdicts, to the seq and reason.
// workers > 0 runs the compiled worker (dist/), which `npm test` builds first.
import { describe, expect, it } from '@jest/globals';
import { StreamingVerifier } from './streaming-verifier.js';
import { verifyLogParallel, type LogItem } from './parallel-verifier.js';
import { buildLog, checkpointNote, policy } from './testonly/log-fixture.js';

const log = buildLog(70);
const bytes = log.map((e) => e.bytes);
const checkpoints = new Map([
  [0, checkpointNote(log, 0)],
  [8, checkpointNote(log, 8)],
  [13, checkpointNote(log, 13, [1, 2])],
  [64, checkpointNote(log, 64)],
  [70, checkpointNote(log, 70)],
]);

function items(entries: readonly Uint8Array[], notes: ReadonlyMap<number, string>): LogItem[] {
  const out: LogItem[] = [];
  entries.forEach((entry, seq) => {
    const note = notes.get(seq);
    if (note) out.push({ checkpoint: note });
    out.push({ entry });
  });
  const last = notes.get(entries.length);
  if (last) out.push({ checkpoint: last });
  return out;
}

function streaming(list: readonly LogItem[], chainOnlyUnsafe = false) {
  const verifier = new StreamingVerifier({
    skipSignaturesUnsafe: true,
    chainOnlyUnsafe,
    checkpointPolicy: policy,
  });
  for (const item of list) {
    if ('checkpoint' in item) verifier.pushCheckpoint(item.checkpoint);
    else verifier.pushEntry(item.entry);
  }
  return verifier.summary();
}

const parallel = (list: readonly LogItem[], workers: number, batchLevel: number) =>
  verifyLogParallel(list, {
    skipSignaturesUnsafe: true,
    checkpointPolicy: policy,
    workers,
    batchLevel,
  });

describe('verifyLogParallel()', () => {
  const variants: Array<[string, LogItem[]]> = [
    ['the good log', items(bytes, checkpoints)],
    ['a missing entry', items([...bytes.slice(0, 30), ...bytes.slice(31)], checkpoints)],
    [
      'an entry from another log',
      items([...bytes.slice(0, 16), buildLog(20)[16]!.bytes, ...bytes.slice(17)], new Map()),
    ],
    ['a root mismatch', items(bytes, new Map([[13, checkpointNote(buildLog(13), 13)]]))],
    ['a checkpoint below quorum', items(bytes, new Map([[13, checkpointNote(log, 13, [2])]]))],
    [
      'a malformed first entry of a batch',
      items([...bytes.slice(0, 32), new Uint8Array([1, 2]), ...bytes.slice(33)], new Map()),
    ],
    [
      'a truncated log with its final checkpoint',
      items(bytes.slice(0, 69), new Map([[70, checkpointNote(log, 70)]])),
    ],
  ];

  it.each(variants)(
    'gives the streaming verdict for %s, inline and in worker threads',
    async (_name, list) => {
      const expected = streaming(list);
      for (const [workers, batchLevel] of [
        [0, 0],
        [0, 2],
        [0, 3],
        [2, 3],
        [2, 10],
      ] as const) {
        await expect(parallel(list, workers, batchLevel)).resolves.toEqual(expected);
      }
    },
  );

  it('gives the streaming verdict for single-byte changes anywhere', async () => {
    for (let k = 0; k < 70; k += 3) {
      const changed = bytes[k]!.slice();
      const at = (k * 37) % changed.length;
      changed[at] = changed[at]! ^ 0x04;
      const list = items(
        bytes.map((b, i) => (i === k ? changed : b)),
        checkpoints,
      );
      const expected = streaming(list);
      expect(expected.ok).toBe(false);
      await expect(parallel(list, 0, 2)).resolves.toEqual(expected);
    }
  });

  it('reports progress and accepts async sources', async () => {
    const seen: number[] = [];
    async function* source(): AsyncGenerator<LogItem> {
      for (const entry of bytes) yield { entry };
    }
    const summary = await verifyLogParallel(source(), {
      skipSignaturesUnsafe: true,
      workers: 0,
      batchLevel: 4,
      onProgress: (n) => seen.push(n),
    });
    expect(summary).toMatchObject({ ok: true, size: 70 });
    expect(seen).toEqual([16, 32, 48, 64, 70]);
  });
});
