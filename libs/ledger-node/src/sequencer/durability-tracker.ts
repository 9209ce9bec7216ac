// Tracks how far each ledger node has committed the log to its PostgreSQL database (the
// witnesses' reports), and says when an entry is durable: stored by a quorum of nodes.
import { LedgerSubjects, type NatsConnection } from '@govx/bus';
import type { Subscription } from '@nats-io/nats-core';
import type { LedgerMetrics } from '../node/ledger-metrics.js';
import type { StoredReport } from '../witness/witness.js';

export class DurabilityTracker {
  private readonly stored = new Map<string, number>();
  private readonly seen = new Map<string, number>();
  private readonly waiters: { size: number; resolve: () => void }[] = [];
  private readonly durableListeners: ((size: number) => void)[] = [];
  private lastDurable = 0;
  private subscription: Subscription | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly nodeIds: readonly string[],
    private readonly quorum: number,
    private readonly metrics: LedgerMetrics,
  ) {}

  start(): void {
    this.subscription = this.nc.subscribe(LedgerSubjects.Stored, {
      callback: (error, msg) => {
        if (error) return;
        let report: StoredReport;
        try {
          report = msg.json<StoredReport>();
        } catch {
          return;
        }
        this.record(report);
      },
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }

  /** Largest size that a quorum of nodes has stored. */
  durableSize(): number {
    const sizes = this.nodeIds.map((id) => this.stored.get(id) ?? 0).sort((a, b) => b - a);
    return sizes[this.quorum - 1] ?? 0;
  }

  /** When a node last reported (ms since the epoch), or 0. */
  lastSeen(nodeId: string): number {
    return this.seen.get(nodeId) ?? 0;
  }

  /** Stored size reported by each node. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.nodeIds.map((id) => [id, this.stored.get(id) ?? 0]));
  }

  record(report: StoredReport): void {
    if (!this.nodeIds.includes(report.node) || !Number.isSafeInteger(report.size)) return;
    if (report.halted) this.seen.delete(report.node);
    else this.seen.set(report.node, Date.now());
    if ((this.stored.get(report.node) ?? 0) >= report.size) return;
    this.stored.set(report.node, report.size);
    const max = Math.max(...this.stored.values());
    for (const id of this.nodeIds)
      this.metrics.witnessLag.set({ node: id }, max - (this.stored.get(id) ?? 0));
    const durable = this.durableSize();
    if (durable <= this.lastDurable) return;
    this.lastDurable = durable;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.size <= durable) this.waiters.splice(i, 1)[0]!.resolve();
    }
    for (const listener of this.durableListeners) listener(durable);
  }

  /** Calls `listener` with the new durable size each time it grows. */
  onDurable(listener: (size: number) => void): void {
    this.durableListeners.push(listener);
  }

  /** Resolves once a quorum of nodes has stored at least `size` entries. */
  waitFor(size: number): Promise<void> {
    if (this.durableSize() >= size) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ size, resolve }));
  }
}
