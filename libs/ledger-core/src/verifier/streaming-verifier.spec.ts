import { describe, expect, it } from '@jest/globals';
import { getSuite } from '@govx/crypto';
import { createSubmission } from '../entry/entry.js';
import { LogAppender } from '../entry/log-appender.js';
import { VerifyReason } from '../errors.js';
import { rootFromLeafHashes, RFC9162_SHA256 } from '../merkle/index.js';
import { StreamingVerifier, VerifierUsageError } from './streaming-verifier.js';
import { buildLog, checkpointNote, keys, policy, signers } from './testonly/log-fixture.js';

const intl = getSuite('intl');

function run(entries: readonly Uint8Array[], checkpoints: ReadonlyMap<number, string> = new Map()) {
  const verifier = new StreamingVerifier({ keys, checkpointPolicy: policy });
  entries.forEach((bytes, seq) => {
    const note = checkpoints.get(seq);
    if (note) verifier.pushCheckpoint(note);
    verifier.pushEntry(bytes);
  });
  const last = checkpoints.get(entries.length);
  if (last) verifier.pushCheckpoint(last);
  return verifier.summary();
}

const log = buildLog(40);
const bytes = log.map((e) => e.bytes);
const checkpoints = new Map([
  [10, checkpointNote(log, 10)],
  [25, checkpointNote(log, 25, [1, 2])],
  [40, checkpointNote(log, 40)],
]);

describe(StreamingVerifier.name, () => {
  it('accepts a good log with mixed-suite signatures and its checkpoints', () => {
    const summary = run(bytes, checkpoints);
    expect(summary).toMatchObject({ ok: true, size: 40, checkpoints: 3, firstBad: null });
    expect(summary.root).toBe(
      Buffer.from(
        rootFromLeafHashes(
          RFC9162_SHA256,
          log.map((e) => e.leafHash),
        ),
      ).toString('hex'),
    );
  });

  it('accepts checkpoints fed ahead of the entries', () => {
    const verifier = new StreamingVerifier({ keys, checkpointPolicy: policy });
    for (const note of checkpoints.values()) verifier.pushCheckpoint(note);
    for (const b of bytes) verifier.pushEntry(b);
    expect(verifier.summary()).toMatchObject({ ok: true, checkpoints: 3 });
  });

  it('reports a missing entry as a seq gap at its place', () => {
    const summary = run([...bytes.slice(0, 7), ...bytes.slice(8)]);
    expect(summary.firstBad).toMatchObject({ seq: 7, reason: VerifyReason.SeqGap });
  });

  it('reports swapped entries', () => {
    const swapped = [...bytes];
    [swapped[12], swapped[13]] = [swapped[13]!, swapped[12]!];
    expect(run(swapped).firstBad).toMatchObject({ seq: 12, reason: VerifyReason.SeqGap });
  });

  it('reports an entry re-chained onto a forged predecessor as a broken chain', () => {
    const forged = buildLog(40);
    // Entry 5 of another log with the same signers: same seq, different prev.
    const mixed = [...bytes.slice(0, 5), forged[5]!.bytes, ...bytes.slice(6)];
    const bad = run(mixed).firstBad;
    expect(bad?.seq).toBe(5);
    expect([VerifyReason.BrokenChain]).toContain(bad?.reason);
  });

  it('reports an unknown key and a bad signature', () => {
    const stranger = intl.generateSigningKey();
    const appender = new LogAppender();
    const good = createSubmission({ type: 't', actor: 'a', idem: '1', body: {} }, signers[0]!);
    const e0 = appender.append(good, 0);
    const e1 = appender.append(
      createSubmission({ type: 't', actor: 'a', idem: '2', body: {} }, stranger),
      1,
    );
    expect(run([e0.bytes, e1.bytes]).firstBad).toMatchObject({
      seq: 1,
      reason: VerifyReason.UnknownKey,
    });

    const appender2 = new LogAppender();
    appender2.append(good, 0);
    const tampered = appender2.append({ ...good, idem: '2', body: { forged: true } }, 1);
    expect(run([e0.bytes, tampered.bytes]).firstBad).toMatchObject({
      seq: 1,
      reason: VerifyReason.BadSignature,
    });
  });

  it('reports a root that differs from a cosigned checkpoint', () => {
    const other = buildLog(40);
    const lying = new Map([[25, checkpointNote(other, 25)]]);
    expect(run(bytes, lying).firstBad).toMatchObject({
      seq: 24,
      reason: VerifyReason.RootMismatch,
    });
  });

  it('reports a checkpoint below quorum or forged as a bad checkpoint', () => {
    const weak = new Map([[10, checkpointNote(log, 10, [0])]]);
    expect(run(bytes, weak).firstBad).toMatchObject({
      seq: 10,
      reason: VerifyReason.BadCheckpoint,
    });
  });

  it('refuses a checkpoint fed after its size was passed (a feeder bug, not a log fault)', () => {
    const verifier = new StreamingVerifier({ keys, checkpointPolicy: policy });
    for (const b of bytes.slice(0, 12)) verifier.pushEntry(b);
    expect(() => verifier.pushCheckpoint(checkpoints.get(10)!)).toThrow(VerifierUsageError);
  });

  it('finds the first bad seq of every single-byte change', () => {
    // Each change is caught at the changed entry, or (when it only changes the ledger-set
    // `time` to another valid instant) at the next entry, whose prev no longer matches;
    // in the last entry such a change is caught by the final checkpoint.
    const small = buildLog(12);
    const smallBytes = small.map((e) => e.bytes);
    const smallCheckpoints = new Map([[12, checkpointNote(small, 12)]]);
    let checked = 0;
    for (let k = 0; k < smallBytes.length; k++) {
      const entry = smallBytes[k]!;
      for (let pos = k % 5; pos < entry.length; pos += 5) {
        const changed = entry.slice();
        changed[pos] = changed[pos]! ^ 0x01;
        const summary = run(
          smallBytes.map((b, i) => (i === k ? changed : b)),
          smallCheckpoints,
        );
        expect(summary.ok).toBe(false);
        expect([k, k + 1]).toContain(summary.firstBad!.seq);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('keeps the first failure, and skips signatures only when told so unsafely', () => {
    const verifier = new StreamingVerifier({ skipSignaturesUnsafe: true });
    const first = verifier.pushEntry(bytes[1]!);
    expect(first).toMatchObject({ seq: 0, reason: VerifyReason.SeqGap });
    expect(verifier.pushEntry(bytes[0]!)).toBe(first);
    const fast = new StreamingVerifier({ skipSignaturesUnsafe: true });
    for (const b of bytes) fast.pushEntry(b);
    expect(fast.summary()).toMatchObject({ ok: true, size: 40 });
  });

  it('in chain-only mode checks links and roots, and nothing the bytes say', () => {
    const chainOnly = () =>
      new StreamingVerifier({
        skipSignaturesUnsafe: true,
        chainOnlyUnsafe: true,
        checkpointPolicy: policy,
      });
    const good = chainOnly();
    for (const b of bytes) good.pushEntry(b);
    good.pushCheckpoint(checkpoints.get(40)!);
    expect(good.summary()).toMatchObject({ ok: true, size: 40, checkpoints: 1 });

    const gap = chainOnly();
    for (const b of [...bytes.slice(0, 3), ...bytes.slice(4)]) gap.pushEntry(b);
    expect(gap.firstBad).toMatchObject({ seq: 3, reason: VerifyReason.SeqGap });

    // A changed signature is invisible to the chain check of that entry, and caught by the next link.
    const text = Buffer.from(bytes[5]!).toString('latin1');
    const sigAt = text.indexOf('"sig":"') + 7;
    const forged = Buffer.from(
      text.slice(0, sigAt) + (text[sigAt] === 'a' ? 'b' : 'a') + text.slice(sigAt + 1),
      'latin1',
    );
    const tampered = chainOnly();
    for (const b of bytes.map((b, i) => (i === 5 ? forged : b))) tampered.pushEntry(b);
    expect(tampered.firstBad).toMatchObject({ seq: 6, reason: VerifyReason.BrokenChain });
  });
});
