// Checkpoints: every N entries, and after T ms of quiet at the tip, each node signs a C2SP
// checkpoint of its stored log and broadcasts the signature line; the others check it
// against their own root (a mismatch is a fork: alarm) and add their own. A checkpoint is
// final, and stored, when nodes of a quorum of distinct operators signed the same root.
import { LedgerSubjects, type NatsConnection } from '@govx/bus';
import {
  formatCheckpoint,
  NoteError,
  openNote,
  signLine,
  verifyCheckpoint,
  type CheckpointPolicy,
  type NoteSigner,
  type NoteVerifier,
} from '@govx/ledger-core';
import type { LedgerStore } from '@govx/persistence';
import type { Subscription } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { LedgerMetrics } from '../node/ledger-metrics.js';
import { AlarmKind, type NodeHealth } from '../node/node-health.js';

export interface CosignMessage {
  readonly size: number;
  readonly root: string;
  /** The signer's note signature line, `— name base64\n`. */
  readonly line: string;
  /** An answer to another node's signature: never answered in turn. */
  readonly reply?: boolean;
}

export interface CheckpointerOptions {
  readonly origin: string;
  readonly everyEntries: number;
  readonly everyMs: number;
  readonly signer: NoteSigner;
  readonly policy: CheckpointPolicy;
}

/** Sizes whose signatures are still collected; older ones are dropped. */
const OPEN_SIZES = 64;
const ANSWER_INTERVAL_MS = 1_000;

export class Checkpointer {
  private readonly lines = new Map<number, Map<string, string>>();
  private readonly texts = new Map<number, string>();
  private readonly proposals = new Set<number>();
  private readonly answered = new Map<string, number>();
  private lastSigned = 0;
  /** When this node last signed a checkpoint (ms since the epoch). */
  private lastSignedAt = 0;
  private lastFinal = 0;
  private stored = 0;
  private timer: NodeJS.Timeout | null = null;
  private subscription: Subscription | null = null;
  private work: Promise<void> = Promise.resolve();
  /** A stored-size task, or a quiet-time task, is queued and has not started yet. */
  private storedQueued = false;
  private quietQueued = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly store: LedgerStore,
    private readonly health: NodeHealth,
    private readonly metrics: LedgerMetrics,
    private readonly logger: Logger,
    private readonly options: CheckpointerOptions,
  ) {}

  async start(storedSize: number): Promise<void> {
    this.stored = storedSize;
    const latest = await this.store.latestCheckpoint({ final: true });
    this.lastFinal = latest?.size ?? 0;
    this.lastSigned = this.lastFinal;
    this.metrics.lastCheckpoint.set(this.lastFinal);
    this.subscription = this.nc.subscribe(LedgerSubjects.Cosign, {
      callback: (error, msg) => {
        if (error) return;
        try {
          const message = msg.json<CosignMessage>();
          this.enqueue(() => this.onCosign(message));
        } catch {
          this.logger.warn('ignored a malformed cosign message');
        }
      },
    });
    this.timer = setInterval(() => {
      if (this.quietQueued) return; // the one queued will do
      this.quietQueued = true;
      this.enqueue(() => {
        this.quietQueued = false;
        return this.onQuiet();
      });
    }, this.options.everyMs);
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.subscription?.unsubscribe();
    return this.work;
  }

  /** The witness stored up to `size`. */
  onStored(size: number): void {
    this.stored = size;
    // One queued task at a time: it reads the stored size when it runs. Enqueuing one per
    // stored batch let the queue (a promise chain) grow without bound whenever the work was
    // slower than the witness's batches: ~20,000 pending promises and rising on a sequencing
    // node after 200,000 entries, and checkpoints lagging behind.
    if (this.storedQueued) return;
    this.storedQueued = true;
    this.enqueue(async () => {
      this.storedQueued = false;
      const size = this.stored;
      const every = this.options.everyEntries;
      for (let s = (Math.floor(this.lastSigned / every) + 1) * every; s <= size; s += every)
        await this.sign(s);
      for (const s of [...this.proposals].filter((p) => p <= size).sort((a, b) => a - b)) {
        this.proposals.delete(s);
        await this.sign(s);
      }
    });
  }

  private enqueue(task: () => Promise<void>): void {
    this.work = this.work
      .then(task)
      .catch((e: unknown) => this.logger.error({ err: e }, 'checkpoint work failed'));
  }

  private async onQuiet(): Promise<void> {
    if (this.stored <= this.lastFinal) return;
    if (this.stored > this.lastSigned) {
      // While every-N checkpoints come at least once per period, the log is busy and they
      // cover it: a tip checkpoint now would add a size of its own (a different one on each
      // node, each to be signed, sent, verified and stored by all), and under load those
      // cosign messages arrived faster than the queue drained (6,500 queued tasks on a
      // sequencing node after 200,000 entries, the queue's promises growing without bound).
      if (Date.now() - this.lastSignedAt < this.options.everyMs) return;
      return this.sign(this.stored);
    }
    // Signed but not final here: the others' lines may have been lost (a reconnect, a
    // restart). Say ours again; every node that has signed this size answers with its own.
    const own = this.lines.get(this.stored)?.get(this.options.signer.name);
    if (own) this.publish(this.stored, await this.textAt(this.stored), own);
  }

  private async textAt(size: number): Promise<string> {
    let text = this.texts.get(size);
    if (text === undefined) {
      text = formatCheckpoint({
        origin: this.options.origin,
        size,
        root: await this.store.rootAt(size),
      });
      this.texts.set(size, text);
    }
    return text;
  }

  private async sign(size: number): Promise<void> {
    if (size === 0 || this.health.halted || this.lines.get(size)?.has(this.options.signer.name))
      return;
    const text = await this.textAt(size);
    const line = signLine(this.options.signer, text);
    this.lastSigned = Math.max(this.lastSigned, size);
    this.lastSignedAt = Date.now();
    this.publish(size, text, line);
    await this.collect(size, this.options.signer.name, line);
  }

  private publish(size: number, text: string, line: string, reply = false): void {
    const root = text.split('\n')[2]!;
    const message: CosignMessage = reply ? { size, root, line, reply } : { size, root, line };
    this.nc.publish(LedgerSubjects.Cosign, JSON.stringify(message));
  }

  private async onCosign(message: CosignMessage): Promise<void> {
    if (!Number.isSafeInteger(message.size) || message.size < 1 || typeof message.line !== 'string')
      return;
    const name = /^\u2014 (\S+) /u.exec(message.line)?.[1];
    const verifier = this.options.policy.cosigners.find((c) => c.verifier.name === name)?.verifier;
    if (!name || !verifier || name === this.options.signer.name) return;
    // A line already collected (a repeat, or an answer to ours) was verified then: only answer.
    if (this.lines.get(message.size)?.get(name) === message.line && message.size <= this.stored)
      return this.answer(message, name);
    if (message.size > this.stored) {
      // Not there yet: keep the line and sign this size when the witness reaches it.
      this.proposals.add(message.size);
      this.pendingLines(message.size).set(name, message.line);
      return;
    }
    const text = await this.textAt(message.size);
    if (!this.verifies(verifier, text, message)) return;
    await this.collect(message.size, name, message.line);
    return this.answer(message, name);
  }

  /**
   * The sender may lack our signature (it was catching up, or lost it): answer, at most once a
   * second per sender and size, and never answer an answer. Signs the size first if we have not.
   */
  private async answer(message: CosignMessage, name: string): Promise<void> {
    const own = this.lines.get(message.size)?.get(this.options.signer.name);
    if (!own) return this.sign(message.size);
    const key = `${message.size}:${name}`;
    if (message.reply || Date.now() - (this.answered.get(key) ?? 0) < ANSWER_INTERVAL_MS) return;
    this.answered.set(key, Date.now());
    if (this.answered.size > 4 * OPEN_SIZES)
      this.answered.delete(this.answered.keys().next().value!);
    this.publish(message.size, await this.textAt(message.size), own, true);
  }

  private verifies(verifier: NoteVerifier, text: string, message: CosignMessage): boolean {
    try {
      openNote(`${text}\n${message.line}`, [verifier]);
      return true;
    } catch (e) {
      if (!(e instanceof NoteError)) throw e;
      const ours = text.split('\n')[2];
      this.health.raise(
        AlarmKind.RootMismatch,
        `${verifier.name} signed size ${message.size} with root ${message.root}; this node's root is ${ours}`,
        message.size - 1,
      );
      return false;
    }
  }

  private pendingLines(size: number): Map<string, string> {
    let lines = this.lines.get(size);
    if (!lines) {
      lines = new Map();
      this.lines.set(size, lines);
      for (const old of [...this.lines.keys()]
        .sort((a, b) => a - b)
        .slice(0, Math.max(0, this.lines.size - OPEN_SIZES))) {
        this.lines.delete(old);
        this.texts.delete(old);
      }
    }
    return lines;
  }

  private async collect(size: number, name: string, line: string): Promise<void> {
    const lines = this.pendingLines(size);
    lines.set(name, line);
    const text = await this.textAt(size);
    // Lines kept while this node was behind are checked now that it has the root.
    for (const [other, pendingLine] of lines) {
      if (other === name || other === this.options.signer.name) continue;
      const verifier = this.options.policy.cosigners.find(
        (c) => c.verifier.name === other,
      )?.verifier;
      if (!verifier || !this.verifies(verifier, text, { size, root: '', line: pendingLine }))
        lines.delete(other);
    }
    const note = `${text}\n${[...lines.values()].join('')}`;
    let final = false;
    let signers: string[] = [];
    try {
      const verified = verifyCheckpoint(note, this.options.policy);
      final = true;
      signers = verified.signatures.map((s) => s.name);
    } catch (e) {
      if (!(e instanceof NoteError)) throw e;
    }
    if (!final) return;
    const root = Buffer.from(text.split('\n')[2]!, 'base64');
    await this.store.saveCheckpoint({
      size,
      root: new Uint8Array(root),
      note,
      final: true,
      signers,
    });
    if (size > this.lastFinal) {
      this.lastFinal = size;
      this.metrics.lastCheckpoint.set(size);
    }
  }
}
