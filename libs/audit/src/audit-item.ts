// What every source of a log yields, in log order: entries (their stored bytes) and
// checkpoint notes, each with the place it came from for messages.

/** Index columns a ledger node's database keeps beside an entry's bytes; all MUST agree. */
export interface StoredColumns {
  readonly seq: number;
  readonly type: string;
  readonly actor: string;
  readonly keyId: string;
  readonly idem: string;
  readonly time: string;
}

export type AuditItem =
  | {
      readonly kind: 'entry';
      readonly bytes: Uint8Array;
      /** The leaf hash the source claims for these bytes (export line, database column). */
      readonly leaf?: Uint8Array;
      readonly columns?: StoredColumns;
      readonly where: string;
    }
  | { readonly kind: 'checkpoint'; readonly note: string; readonly where: string };
