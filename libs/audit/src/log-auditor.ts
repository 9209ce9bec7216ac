// The auditor's replay of a log: the ledger checks of StreamingVerifier (canonical form, seq,
// hash chain, signatures with the key valid at each seq, every final checkpoint's root and
// quorum), plus what an auditor checks of a copy: the leaf hashes and index columns the
// source stores beside each entry, and that each key signs only for its own actor.
import { toHex } from '@govx/crypto';
import {
  KeyRegistry,
  KeyRuleError,
  parseCheckpoint,
  StreamingVerifier,
  VerifierUsageError,
  treeHasher,
  type Entry,
  type TreeHasher,
  type VerifierSummary,
} from '@govx/ledger-core';
import type { AuditItem } from './audit-item.js';
import { AuditInputError } from './errors.js';
import type { AuditStatsSnapshot } from './rules/audit-stats.js';
import { BusinessRules } from './rules/business-rules.js';
import type { AuditTrust } from './trust.js';

/** Why a log fails: the ledger core's reasons and the auditor's own. */
export const AuditReason = {
  MalformedEntry: 'malformed-entry',
  SeqGap: 'seq-gap',
  BrokenChain: 'broken-chain',
  UnknownKey: 'unknown-key',
  BadSignature: 'bad-signature',
  RootMismatch: 'root-mismatch',
  BadCheckpoint: 'bad-checkpoint',
  /** The source's stored leaf hash is not H(0x00 ‖ bytes). */
  LeafMismatch: 'leaf-mismatch',
  /** A database index column (seq, type, actor, key_id, idem, time) disagrees with the bytes. */
  ColumnMismatch: 'column-mismatch',
  /** A valid key signed for an actor it is not registered to. */
  WrongActor: 'wrong-actor',
} as const;
export type AuditReason = (typeof AuditReason)[keyof typeof AuditReason];

export interface AuditFailure {
  readonly seq: number;
  readonly reason: AuditReason;
  readonly message: string;
  /** Where the bad item was read (file:line, table row, stream seq). */
  readonly where: string;
}

/** A business rule that does not hold (libs/audit rules); the log itself may still verify. */
export interface Violation {
  readonly seq: number;
  readonly rule: string;
  readonly message: string;
}

export interface AuditVerdict {
  readonly ok: boolean;
  /** Entries read from the source. */
  readonly entries: number;
  /** Entries that passed every check (the verified tree size). */
  readonly size: number;
  /** RFC 9162 root of the verified entries, hex. */
  readonly root: string;
  /** Final checkpoints whose root and quorum were verified. */
  readonly checkpoints: number;
  /** Size of the last verified checkpoint: entries after it are not yet cosigned. */
  readonly lastCheckpointSize: number | null;
  readonly firstBad: AuditFailure | null;
  readonly violations: readonly Violation[];
  /** What the business rules gathered (for the report); absent when rules were off. */
  readonly stats?: AuditStatsSnapshot;
}

export interface LogAuditorOptions {
  /** Check the business rules (libs/audit rules). Default true. */
  readonly rules?: boolean;
  /**
   * Called with each accepted entry, in order, after the key registry has taken it (business
   * rules). Returns the violations the entry shows.
   */
  readonly onEntry?: (entry: Entry, registry: KeyRegistry) => readonly Violation[] | void;
}

export class LogAuditor {
  private readonly verifier: StreamingVerifier;
  private readonly hasher: TreeHasher;
  /** The key registry as of the last accepted entry (bootstrap keys, then key.* entries). */
  readonly registry: KeyRegistry;
  readonly rules: BusinessRules | null;
  private failure: AuditFailure | null = null;
  private read = 0;
  private checkpointsSeen = 0;
  private accepted: Entry | null = null;
  private maxCheckpointSize = 0;
  readonly violations: Violation[] = [];

  constructor(
    private readonly trust: AuditTrust,
    private readonly options: LogAuditorOptions = {},
  ) {
    this.hasher = treeHasher(trust.hash);
    this.registry = new KeyRegistry(trust.bootstrap);
    this.rules = options.rules === false ? null : new BusinessRules();
    this.verifier = new StreamingVerifier({
      hasher: this.hasher,
      checkpointPolicy: trust.checkpointPolicy,
      keys: this.registry.resolve,
      onEntry: (entry) => {
        this.accepted = entry;
      },
    });
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  get entriesRead(): number {
    return this.read;
  }

  /**
   * Checks the next item. Returns false once the log has failed (the caller SHOULD stop
   * reading). Throws AuditInputError when the first checkpoint shows another log.
   */
  push(item: AuditItem): boolean {
    if (this.failure) return false;
    if (item.kind === 'checkpoint') {
      this.checkpointsSeen++;
      let failure;
      try {
        failure = this.verifier.pushCheckpoint(item.note);
      } catch (e) {
        if (e instanceof VerifierUsageError)
          throw new AuditInputError(item.where, `out of order: ${e.message}`, { cause: e });
        throw e;
      }
      const size = checkpointSize(item.note);
      if (size !== null && !failure)
        this.maxCheckpointSize = Math.max(this.maxCheckpointSize, size);
      if (failure) {
        if (this.checkpointsSeen === 1) this.refuseAnotherLog(item.note, item.where);
        this.fail(failure.seq, failure.reason, failure.message, item.where);
      }
      return !this.failure;
    }
    const seq = this.read++;
    if (item.leaf) {
      const leaf = toHex(this.hasher.hashLeaf(item.bytes));
      if (toHex(item.leaf) !== leaf) {
        this.fail(
          seq,
          AuditReason.LeafMismatch,
          `stored leaf hash ${toHex(item.leaf)}, the bytes hash to ${leaf}`,
          item.where,
        );
        return false;
      }
    }
    this.accepted = null;
    const failure = this.verifier.pushEntry(item.bytes);
    const entry = this.accepted as Entry | null;
    if (entry) this.checkCopy(entry, item, seq);
    if (failure) this.fail(failure.seq, failure.reason, failure.message, item.where);
    if (!this.failure && entry) this.accept(entry);
    return !this.failure;
  }

  private accept(entry: Entry): void {
    const f = entry.fields;
    if (f.type.startsWith('key.')) {
      try {
        this.registry.apply(f);
      } catch (e) {
        if (!(e instanceof KeyRuleError)) throw e;
        this.violations.push({ seq: f.seq, rule: `key.${e.rule}`, message: e.message });
      }
    }
    if (this.rules) this.violations.push(...this.rules.check(f, entry.leafHashHex, this.registry));
    const found = this.options.onEntry?.(entry, this.registry);
    if (found) this.violations.push(...found);
  }

  private checkCopy(entry: Entry, item: AuditItem & { kind: 'entry' }, seq: number): void {
    const c = item.columns;
    if (c) {
      const f = entry.fields;
      const pairs: [string, string | number, string | number][] = [
        ['seq', c.seq, f.seq],
        ['type', c.type, f.type],
        ['actor', c.actor, f.actor],
        ['key_id', c.keyId, f.keyId],
        ['idem', c.idem, f.idem],
        ['time', c.time, f.time],
      ];
      for (const [name, stored, inBytes] of pairs) {
        if (stored !== inBytes) {
          this.fail(
            seq,
            AuditReason.ColumnMismatch,
            `column ${name} is ${JSON.stringify(stored)}, the entry says ${JSON.stringify(inBytes)}`,
            item.where,
          );
          return;
        }
      }
    }
    const owner = this.registry.lookup(entry.fields.keyId, seq)?.actor;
    if (owner !== undefined && owner !== entry.fields.actor) {
      this.fail(
        seq,
        AuditReason.WrongActor,
        `key ${entry.fields.keyId} belongs to ${owner}, not to ${entry.fields.actor}`,
        item.where,
      );
    }
  }

  private fail(seq: number, reason: AuditReason, message: string, where: string): void {
    this.failure ??= { seq, reason, message, where };
  }

  /** A first checkpoint for another origin that no trusted node signed: not this log. */
  private refuseAnotherLog(note: string, where: string): void {
    let origin: string;
    let names: string[];
    try {
      const split = note.indexOf('\n\n');
      origin = parseCheckpoint(note.slice(0, split + 1)).origin;
      names = note
        .slice(split + 2)
        .split('\n')
        .filter((l) => l.startsWith('\u2014 '))
        .map((l) => l.split(' ')[1] ?? '');
    } catch {
      return;
    }
    const trusted = new Set(this.trust.checkpointPolicy.cosigners.map((c) => c.verifier.name));
    if (origin !== this.trust.origin && !names.some((n) => trusted.has(n))) {
      throw new AuditInputError(
        where,
        `another log: its checkpoints are for ${origin}, signed by ${names.join(', ') || 'nobody'}; the trust file is for ${this.trust.origin}`,
      );
    }
  }

  /** Ends the log: a final checkpoint beyond the last entry means entries are missing. */
  finish(where: string): AuditVerdict {
    if (!this.failure && this.maxCheckpointSize > this.read) {
      this.fail(
        this.read,
        AuditReason.SeqGap,
        `the log ends after ${this.read} entries but a final checkpoint covers ${this.maxCheckpointSize}: entries are missing`,
        where,
      );
    }
    return this.verdict();
  }

  verdict(): AuditVerdict {
    const s: VerifierSummary = this.verifier.summary();
    return {
      ok: this.failure === null && this.violations.length === 0,
      entries: this.read,
      size: s.size,
      root: s.root,
      checkpoints: s.checkpoints,
      lastCheckpointSize: s.lastCheckpoint ? s.lastCheckpoint.size : null,
      firstBad: this.failure,
      violations: this.violations,
      ...(this.rules ? { stats: this.rules.stats.snapshot() } : {}),
    };
  }
}

function checkpointSize(note: string): number | null {
  const lines = note.split('\n', 3);
  const size = Number(lines[1]);
  return Number.isSafeInteger(size) ? size : null;
}

export interface AuditLogOptions extends LogAuditorOptions {
  /** Called with the entries read so far, every `progressEvery` entries and at the end. */
  readonly onProgress?: (entries: number) => void;
  readonly progressEvery?: number;
}

/**
 * Replays `items` through a LogAuditor, stopping at the first failure. An AuditInputError
 * from the source (unusable input) propagates, unless the log had already failed: then the
 * verdict names the first bad seq.
 */
export async function auditLog(
  items: AsyncIterable<AuditItem> | Iterable<AuditItem>,
  trust: AuditTrust,
  options: AuditLogOptions = {},
): Promise<AuditVerdict> {
  const auditor = new LogAuditor(trust, options);
  const every = options.progressEvery ?? 4096;
  let where = '(empty log)';
  try {
    for await (const item of items) {
      where = item.where;
      if (!auditor.push(item)) break;
      if (item.kind === 'entry' && auditor.entriesRead % every === 0)
        options.onProgress?.(auditor.entriesRead);
    }
  } catch (e) {
    if (!(e instanceof AuditInputError) || !auditor.failed) throw e;
  }
  options.onProgress?.(auditor.entriesRead);
  return auditor.finish(`after ${where}`);
}
