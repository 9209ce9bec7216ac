import type { DataSource } from 'typeorm';
import { DEFAULT_SCRYPT_COST, type ScryptCost } from './secrets.js';

export interface AccessOptions {
  /** The host's DataSource, with ACCESS_ENTITIES and ACCESS_MIGRATIONS in it. */
  readonly dataSource: DataSource;
  /** Key of session token MACs: at least 32 bytes, from the host's validated configuration. */
  readonly tokenSecret: Uint8Array;
  /** Default 8 h. */
  readonly sessionTtlMs?: number;
  /** Consecutive failed sign-ins before a lockout; default 5. */
  readonly maxFailedSignIns?: number;
  /** First lockout; each further failure doubles it, up to 1 h. Default 60 s. */
  readonly lockoutMs?: number;
  readonly scryptCost?: ScryptCost;
  /** Default Date.now; tests inject theirs. */
  readonly clock?: () => number;
}

export type ResolvedAccessOptions = Required<AccessOptions>;

export const ACCESS_OPTIONS = Symbol('govx.access.options');
export const MAX_LOCKOUT_MS = 3_600_000;

/** Checks once at boot; a bad option throws a RangeError naming it. */
export function resolveAccessOptions(o: AccessOptions): ResolvedAccessOptions {
  if (!o || typeof o !== 'object') throw new TypeError('options: expected an object');
  if (!o.dataSource) throw new TypeError('options.dataSource: required');
  if (!(o.tokenSecret instanceof Uint8Array) || o.tokenSecret.length < 32)
    throw new RangeError('options.tokenSecret: at least 32 bytes');
  const int = (v: number | undefined, name: string, def: number, min: number): number => {
    const x = v ?? def;
    if (!Number.isSafeInteger(x) || x < min)
      throw new RangeError(`options.${name}: an integer ≥ ${min}`);
    return x;
  };
  return {
    dataSource: o.dataSource,
    tokenSecret: o.tokenSecret,
    sessionTtlMs: int(o.sessionTtlMs, 'sessionTtlMs', 8 * 3_600_000, 1_000),
    maxFailedSignIns: int(o.maxFailedSignIns, 'maxFailedSignIns', 5, 1),
    lockoutMs: int(o.lockoutMs, 'lockoutMs', 60_000, 1),
    scryptCost: o.scryptCost ?? DEFAULT_SCRYPT_COST,
    clock: o.clock ?? Date.now,
  };
}
