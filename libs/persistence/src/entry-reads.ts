// Reads of ledger_entries through TypeORM's repository: parameterized, index-backed, ascending seq.
import {
  And,
  LessThan,
  MoreThan,
  MoreThanOrEqual,
  type FindOperator,
  type FindOptionsWhere,
  type Repository,
} from 'typeorm';
import { LedgerEntryEntity } from './entities/ledger-entry.entity.js';
import { assertCount, assertLimit } from './safe-integer.js';
import type { EntryQuery, StoredEntry } from './store.types.js';

export function toStoredEntry(row: LedgerEntryEntity): StoredEntry {
  return {
    seq: row.seq,
    bytes: new Uint8Array(row.bytes),
    leafHash: new Uint8Array(row.leafHash),
    type: row.type,
    actor: row.actor,
    keyId: row.keyId,
    idem: row.idem,
    time: row.time.toISOString(),
  };
}

function assertText(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`${name}: expected a string`);
}

function parseTime(value: unknown, name: string): Date {
  assertText(value, name);
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new RangeError(`${name}: not an ISO 8601 time`);
  return time;
}

/** The read side of the log: no method here writes. */
export class EntryReads {
  constructor(private readonly repository: Repository<LedgerEntryEntity>) {}

  async get(seq: number): Promise<StoredEntry | null> {
    assertCount(seq, 'seq');
    const row = await this.repository.findOneBy({ seq });
    return row === null ? null : toStoredEntry(row);
  }

  async range(fromSeq: number, limit: number): Promise<StoredEntry[]> {
    assertCount(fromSeq, 'fromSeq');
    assertLimit(limit);
    const rows = await this.repository.find({
      where: { seq: MoreThanOrEqual(fromSeq) },
      order: { seq: 'ASC' },
      take: limit,
    });
    return rows.map(toStoredEntry);
  }

  async query(q: EntryQuery): Promise<StoredEntry[]> {
    if (typeof q !== 'object' || q === null) throw new TypeError('q: expected an EntryQuery');
    assertLimit(q.limit, 'q.limit');
    const where: FindOptionsWhere<LedgerEntryEntity> = {};
    if (q.type !== undefined) {
      assertText(q.type, 'q.type');
      where.type = q.type;
    }
    if (q.actor !== undefined) {
      assertText(q.actor, 'q.actor');
      where.actor = q.actor;
    }
    if (q.afterSeq !== undefined) {
      assertCount(q.afterSeq, 'q.afterSeq');
      where.seq = MoreThan(q.afterSeq);
    }
    const time: FindOperator<Date>[] = [];
    if (q.since !== undefined) time.push(MoreThanOrEqual(parseTime(q.since, 'q.since')));
    if (q.until !== undefined) time.push(LessThan(parseTime(q.until, 'q.until')));
    if (time.length > 0) where.time = time.length === 1 ? time[0]! : And(...time);
    const rows = await this.repository.find({ where, order: { seq: 'ASC' }, take: q.limit });
    return rows.map(toStoredEntry);
  }

  async byIdem(actor: string, idem: string): Promise<StoredEntry | null> {
    assertText(actor, 'actor');
    assertText(idem, 'idem');
    const row = await this.repository.findOneBy({ actor, idem });
    return row === null ? null : toStoredEntry(row);
  }

  /** The entries holding any of the (actor, idem) pairs, in one query. */
  async byIdems(
    keys: readonly { readonly actor: string; readonly idem: string }[],
  ): Promise<StoredEntry[]> {
    if (keys.length === 0) return [];
    keys.forEach((k, i) => {
      assertText(k.actor, `keys[${i}].actor`);
      assertText(k.idem, `keys[${i}].idem`);
    });
    const rows = await this.repository
      .createQueryBuilder('e')
      .where(
        '(e.actor, e.idem) IN (SELECT * FROM unnest(CAST(:actors AS text[]), CAST(:idems AS text[])))',
        {
          actors: keys.map((k) => k.actor),
          idems: keys.map((k) => k.idem),
        },
      )
      .getMany();
    return rows.map(toStoredEntry);
  }
}
