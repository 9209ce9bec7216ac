// Checkpoints of the log: one per size, upserted as cosignatures accrue, never re-rooted.
import { equalBytes } from '@govx/crypto';
import { MoreThan, type DataSource, type FindOptionsWhere, type Repository } from 'typeorm';
import { CheckpointEntity } from './entities/checkpoint.entity.js';
import { assertCount, assertLimit } from './safe-integer.js';
import { LedgerTable } from './schema.js';
import { StoreConflict, StoreConflictError } from './store.error.js';
import type { CheckpointInput, StoredCheckpoint } from './store.types.js';

/**
 * Inserts, or replaces note, finality and signers of the checkpoint of the same size and root
 * when that loses nothing: it becomes final, or stays as final with at least as many signers.
 * Returns no row when the stored one was kept (a different root, or a downgrade).
 */
const UPSERT_SQL = `INSERT INTO ${LedgerTable.Checkpoints} AS c (size, root, note, final, signers)
  VALUES ($1, $2, $3, $4, $5::text[])
  ON CONFLICT (size) DO UPDATE
    SET note = EXCLUDED.note, final = EXCLUDED.final, signers = EXCLUDED.signers
    WHERE c.root = EXCLUDED.root
      AND (EXCLUDED.final > c.final OR (EXCLUDED.final = c.final
        AND cardinality(EXCLUDED.signers) >= cardinality(c.signers)))
  RETURNING size`;

export function toStoredCheckpoint(row: CheckpointEntity): StoredCheckpoint {
  return {
    size: row.size,
    root: new Uint8Array(row.root),
    note: row.note,
    final: row.final,
    signers: [...row.signers],
    createdAt: row.createdAt,
  };
}

/** Asserts the shape of a checkpoint to save, naming the field at fault. */
export function assertCheckpointInput(c: CheckpointInput): void {
  if (typeof c !== 'object' || c === null) throw new TypeError('c: expected a checkpoint');
  assertCount(c.size, 'c.size');
  if (!(c.root instanceof Uint8Array)) throw new TypeError('c.root: expected Uint8Array');
  if (c.root.length !== 32) throw new RangeError(`c.root: expected 32 bytes, got ${c.root.length}`);
  if (typeof c.note !== 'string') throw new TypeError('c.note: expected a string');
  if (typeof c.final !== 'boolean') throw new TypeError('c.final: expected a boolean');
  if (!Array.isArray(c.signers) || !c.signers.every((s) => typeof s === 'string')) {
    throw new TypeError('c.signers: expected an array of strings');
  }
}

export class CheckpointStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: Repository<CheckpointEntity>,
  ) {}

  /** Precondition: assertCheckpointInput(c) and c.root is the tree's root at c.size. */
  async save(c: CheckpointInput): Promise<void> {
    const rows = (await this.dataSource.query(UPSERT_SQL, [
      c.size,
      c.root,
      c.note,
      c.final,
      [...c.signers],
    ])) as unknown[];
    if (rows.length > 0) return;
    const stored = await this.repository.findOneBy({ size: c.size });
    if (stored !== null && !equalBytes(new Uint8Array(stored.root), c.root)) {
      throw new StoreConflictError(`checkpoint ${c.size}: a different root is stored (a fork)`, {
        conflict: StoreConflict.Fork,
      });
    }
  }

  async latest(final: boolean | undefined): Promise<StoredCheckpoint | null> {
    if (final !== undefined && typeof final !== 'boolean') {
      throw new TypeError('options.final: expected a boolean');
    }
    const where: FindOptionsWhere<CheckpointEntity> = final === undefined ? {} : { final };
    const row = await this.repository.findOne({ where, order: { size: 'DESC' } });
    return row === null ? null : toStoredCheckpoint(row);
  }

  async at(size: number): Promise<StoredCheckpoint | null> {
    assertCount(size, 'size');
    const row = await this.repository.findOneBy({ size });
    return row === null ? null : toStoredCheckpoint(row);
  }

  /** @param afterSize -1 to start with a checkpoint of the empty tree. */
  async after(afterSize: number, limit: number): Promise<StoredCheckpoint[]> {
    if (afterSize !== -1) assertCount(afterSize, 'afterSize');
    assertLimit(limit);
    const rows = await this.repository.find({
      where: { size: MoreThan(afterSize) },
      order: { size: 'ASC' },
      take: limit,
    });
    return rows.map(toStoredCheckpoint);
  }
}
