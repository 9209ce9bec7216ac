// The shapes LedgerStore reads and writes.
import type { TreeHashName } from '@govx/ledger-core';

export interface LedgerStoreOptions {
  /** postgres://user@host:port/dbname */
  readonly url: string;
  /** CREATE DATABASE when missing, through the maintenance database "postgres". Default false. */
  readonly createDatabase?: boolean;
  /** The log's tree hash; MUST match the one the database was created with. Default 'sha256'. */
  readonly hash?: TreeHashName;
  /** Log every SQL statement (TypeORM's logger). Default false. */
  readonly logging?: boolean;
  /** Connections in the pool; node-postgres' default (10) when omitted. */
  readonly poolSize?: number;
}

export interface StoredEntry {
  readonly seq: number;
  /** The entry's canonical bytes (a copy). */
  readonly bytes: Uint8Array;
  readonly leafHash: Uint8Array;
  readonly type: string;
  readonly actor: string;
  readonly keyId: string;
  readonly idem: string;
  /** The entry's `time`, exactly as in its bytes (`YYYY-MM-DDTHH:MM:SS.mmmZ`). */
  readonly time: string;
}

export interface StoredCheckpoint {
  readonly size: number;
  readonly root: Uint8Array;
  readonly note: string;
  readonly final: boolean;
  readonly signers: string[];
  /** When the checkpoint of this size was first saved. */
  readonly createdAt: Date;
}

export interface CheckpointInput {
  readonly size: number;
  readonly root: Uint8Array;
  readonly note: string;
  readonly final: boolean;
  readonly signers: readonly string[];
}

/** Filters of LedgerStore#query; all given ones must hold. Results ascend by seq. */
export interface EntryQuery {
  readonly type?: string;
  readonly actor?: string;
  /** ISO 8601 time; entries with time >= since. */
  readonly since?: string;
  /** ISO 8601 time; entries with time < until (half-open, so pages of time do not overlap). */
  readonly until?: string;
  /** Only entries with seq > afterSeq (keyset paging: pass the last seq of the previous page). */
  readonly afterSeq?: number;
  /** 1..1000. */
  readonly limit: number;
}
