// Alarms and health of a ledger node. An alarm (a fork, a tampered entry, a root that differs
// from a cosigned one) halts sequencing for good: the node keeps what it has and reports.
import type { Logger } from 'pino';
import type { LedgerMetrics } from './ledger-metrics.js';

export const AlarmKind = {
  BrokenChain: 'broken-chain',
  BadEntry: 'bad-entry',
  RootMismatch: 'root-mismatch',
  StreamGap: 'stream-gap',
} as const;
export type AlarmKind = (typeof AlarmKind)[keyof typeof AlarmKind];

export interface Alarm {
  readonly kind: AlarmKind;
  readonly message: string;
  readonly seq: number | null;
  readonly at: string;
}

export class NodeHealth {
  private readonly raised: Alarm[] = [];
  private readonly listeners: ((alarm: Alarm) => void)[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly metrics: LedgerMetrics,
  ) {}

  get halted(): boolean {
    return this.raised.length > 0;
  }

  get alarms(): readonly Alarm[] {
    return this.raised;
  }

  /** Called at once for every alarm (e.g. to stop taking submissions). */
  onAlarm(listener: (alarm: Alarm) => void): void {
    this.listeners.push(listener);
  }

  raise(kind: AlarmKind, message: string, seq: number | null = null): void {
    const alarm: Alarm = { kind, message, seq, at: new Date().toISOString() };
    this.raised.push(alarm);
    this.metrics.alarms.inc({ kind });
    this.metrics.halted.set(1);
    this.logger.error({ alarm }, `ALARM ${kind}: ${message}; sequencing halted`);
    for (const listener of this.listeners) listener(alarm);
  }
}
