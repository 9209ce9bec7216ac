import { describe, it, expect } from '@jest/globals';
import { ledgerStreamConfig, ledgerStreamDifferences } from './ledger-stream.js';
import { LEDGER_STREAM, LedgerSubjects } from './subjects.js';

describe(ledgerStreamConfig.name, () => {
  it('denies delete and purge, keeps every entry and sets the defaults', () => {
    expect(ledgerStreamConfig({ replicas: 3 })).toEqual({
      name: LEDGER_STREAM,
      subjects: [LedgerSubjects.Entries],
      retention: 'limits',
      storage: 'file',
      num_replicas: 3,
      max_msgs: -1,
      max_bytes: -1,
      max_age: 0,
      max_msgs_per_subject: -1,
      max_consumers: -1,
      max_msg_size: 128 * 1024,
      discard: 'old',
      duplicate_window: 600_000_000_000,
      deny_delete: true,
      deny_purge: true,
      allow_rollup_hdrs: false,
    });
  });

  it('takes the duplicate window and max message size', () => {
    expect(
      ledgerStreamConfig({ replicas: 1, duplicateWindowMs: 120_000, maxMsgSize: 1 << 20 }),
    ).toMatchObject({ num_replicas: 1, duplicate_window: 120_000_000_000, max_msg_size: 1 << 20 });
  });

  it.each([
    [{ replicas: 0 }, /replicas/],
    [{ replicas: 2.5 }, /replicas/],
    [{ replicas: 3, duplicateWindowMs: 10 }, /duplicateWindowMs/],
    [{ replicas: 3, maxMsgSize: -1 }, /maxMsgSize/],
  ])('refuses %j', (options, message) => {
    expect(() => ledgerStreamConfig(options)).toThrow(RangeError);
    expect(() => ledgerStreamConfig(options)).toThrow(message);
  });
});

describe(ledgerStreamDifferences.name, () => {
  const fit = ledgerStreamConfig({ replicas: 3 });

  it('finds nothing wrong with the stream it creates, whatever its tunables', () => {
    expect(ledgerStreamDifferences(fit, { replicas: 3 })).toEqual([]);
    expect(
      ledgerStreamDifferences(
        { ...fit, duplicate_window: 1e9, max_msg_size: 4096 },
        { replicas: 3 },
      ),
    ).toEqual([]);
  });

  it.each([
    [{ num_replicas: 1 }, 'num_replicas is 1, expected 3'],
    [{ deny_delete: false }, 'deny_delete is false, expected true'],
    [{ deny_purge: false }, 'deny_purge is false, expected true'],
    [{ storage: 'memory' as const }, 'storage is "memory", expected "file"'],
    [{ retention: 'workqueue' as const }, 'retention is "workqueue", expected "limits"'],
    [{ subjects: ['govx.>'] }, 'subjects is'],
    [{ allow_rollup_hdrs: true }, 'allow_rollup_hdrs is true, expected false'],
    [{ sealed: true }, 'sealed is true, expected false'],
    [{ mirror: { name: 'OTHER' } }, 'mirror'],
    [{ max_msgs: 1000 }, 'max_msgs is 1000'],
    [{ max_bytes: 1 << 30 }, 'max_bytes is'],
    [{ max_msgs_per_subject: 1 }, 'max_msgs_per_subject is 1'],
    [{ max_age: 3600e9 }, 'max_age is'],
  ])('reports %j', (change, difference) => {
    const found = ledgerStreamDifferences({ ...fit, ...change }, { replicas: 3 });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(difference);
  });
});
