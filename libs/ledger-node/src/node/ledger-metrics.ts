// Prometheus metrics of one ledger node (own registry: several nodes may share a process in tests).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class LedgerMetrics {
  readonly registry = new Registry();
  readonly appended = new Counter({
    name: 'govx_ledger_entries_appended_total',
    help: 'Entries this node sequenced and saw committed',
    registers: [this.registry],
  });
  readonly stored = new Gauge({
    name: 'govx_ledger_stored_size',
    help: "Entries stored in this node's database",
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'govx_ledger_batch_size',
    help: 'Entries per sequenced batch',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers: [this.registry],
  });
  readonly storedBatchSize = new Histogram({
    name: 'govx_ledger_stored_batch_size',
    help: "Entries per transaction of this node's witness",
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers: [this.registry],
  });
  readonly ackLatency = new Histogram({
    name: 'govx_ledger_ack_seconds',
    help: 'Submission to quorum-durable receipt',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'govx_ledger_submissions_rejected_total',
    help: 'Submissions refused, by error code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly conflicts = new Counter({
    name: 'govx_ledger_sequence_conflicts_total',
    help: 'Appends lost to another sequencer and retried',
    registers: [this.registry],
  });
  readonly witnessLag = new Gauge({
    name: 'govx_ledger_witness_lag_entries',
    help: 'Entries behind the largest stored size reported, per witness',
    labelNames: ['node'],
    registers: [this.registry],
  });
  readonly lastCheckpoint = new Gauge({
    name: 'govx_ledger_last_final_checkpoint_size',
    help: 'Size of the latest final checkpoint',
    registers: [this.registry],
  });
  readonly alarms = new Counter({
    name: 'govx_ledger_alarms_total',
    help: 'Fork or tamper alarms raised',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly halted = new Gauge({
    name: 'govx_ledger_halted',
    help: '1 when this node stopped sequencing after an alarm',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
