// Governance's own tables (created by GovernanceSchema1764200000000; never synchronized).
// Every row is derived from ledger entries: the ledger stays the authority.
import { Column, Entity, PrimaryColumn } from 'typeorm';

const bigint = {
  type: 'bigint' as const,
  transformer: {
    to: (v: unknown) => v,
    from: (v: unknown) => (v === null ? null : Number(v)),
  },
};

@Entity({ name: 'governance_cursor' })
export class CursorEntity {
  @PrimaryColumn({ type: 'smallint' })
  id!: number;
  /** The last ledger seq applied; -1 before the first. */
  @Column({ ...bigint, name: 'last_seq' })
  lastSeq!: number;
  /** The ledger time of that entry: the clock of every deadline. */
  @Column({ name: 'ledger_time', type: 'text', nullable: true })
  ledgerTime!: string | null;
}

@Entity({ name: 'governance_catalogue' })
export class CatalogueVersionEntity {
  @PrimaryColumn({ name: 'dataset_id', type: 'text' })
  datasetId!: string;
  @PrimaryColumn({ type: 'integer' })
  version!: number;
  @Column({ ...bigint })
  seq!: number;
  @Column({ type: 'text' })
  leaf!: string;
  @Column({ type: 'text' })
  provider!: string;
  @Column({ type: 'jsonb' })
  body!: Record<string, unknown>;
  /** Conditions (and category tightening) added since the previous version (§15). */
  @Column({ name: 'conditions_added', type: 'jsonb' })
  conditionsAdded!: string[];
  @Column({ type: 'boolean', default: false })
  retired!: boolean;
}

@Entity({ name: 'governance_policies' })
export class PolicyVersionEntity {
  @PrimaryColumn({ name: 'policy_id', type: 'text' })
  policyId!: string;
  @PrimaryColumn({ type: 'integer' })
  version!: number;
  @Column({ ...bigint })
  seq!: number;
  @Column({ name: 'dataset_id', type: 'text' })
  datasetId!: string;
  @Column({ type: 'text' })
  provider!: string;
  @Column({ type: 'jsonb' })
  document!: Record<string, unknown>;
  /** active, retired, or invalid (refused when published; `error` says why). */
  @Column({ type: 'text' })
  status!: 'active' | 'retired' | 'invalid';
  @Column({ type: 'text', nullable: true })
  error!: string | null;
}

export type RequestState =
  'submitted' | 'pending' | 'approved' | 'denied' | 'materials' | 'revoked' | 'delivered';

export interface Signoff {
  readonly officer: string;
  readonly department: string;
  readonly seq: number;
}

export interface HistoryItem {
  readonly seq: number;
  readonly type: string;
  readonly actor: string;
  readonly note?: string;
}

@Entity({ name: 'governance_requests' })
export class RequestEntity {
  @PrimaryColumn({ ...bigint })
  seq!: number;
  @Column({ type: 'text' })
  leaf!: string;
  @Column({ name: 'request_id', type: 'text', unique: true })
  requestId!: string;
  @Column({ type: 'text' })
  requester!: string;
  @Column({ type: 'text' })
  provider!: string;
  @Column({ name: 'dataset_id', type: 'text' })
  datasetId!: string;
  @Column({ type: 'jsonb' })
  body!: Record<string, unknown>;
  @Column({ type: 'text' })
  state!: RequestState;
  @Column({ name: 'endorsed_at', type: 'text', nullable: true })
  endorsedAt!: string | null;
  @Column({ type: 'text', nullable: true })
  category!: string | null;
  @Column({ name: 'extension_days', type: 'integer', default: 0 })
  extensionDays!: number;
  /** ISO instant the current deadline (answer, then delivery) ends. */
  @Column({ type: 'text', nullable: true })
  deadline!: string | null;
  @Column({ name: 'deadline_kind', type: 'text', nullable: true })
  deadlineKind!: 'answer' | 'delivery' | null;
  /** Escalation already raised for the current deadline. */
  @Column({ type: 'text', nullable: true })
  breach!: 'notice' | 'authority' | null;
  @Column({ type: 'jsonb', nullable: true })
  evaluation!: Record<string, unknown> | null;
  @Column({ type: 'text', nullable: true })
  officers!: 'one' | 'four-eyes' | null;
  @Column({ type: 'jsonb', default: () => "'[]'" })
  signoffs!: Signoff[];
  @Column({ ...bigint, name: 'approval_seq', nullable: true })
  approvalSeq!: number | null;
  @Column({ name: 'approval_leaf', type: 'text', nullable: true })
  approvalLeaf!: string | null;
  @Column({ name: 'approved_at', type: 'text', nullable: true })
  approvedAt!: string | null;
  @Column({ type: 'jsonb', default: () => "'[]'" })
  history!: HistoryItem[];
}

@Entity({ name: 'governance_sanctions' })
export class SanctionEntity {
  @PrimaryColumn({ type: 'text' })
  department!: string;
  @Column({ type: 'text' })
  state!: 'suspended' | 'terminated' | 'lifted';
  @Column({ type: 'text' })
  reason!: string;
  @Column({ name: 'remedy_by', type: 'text', nullable: true })
  remedyBy!: string | null;
  /** The entry that set this state (the suspension, for a termination by the engine). */
  @Column({ ...bigint })
  seq!: number;
  @Column({ type: 'text', nullable: true })
  leaf!: string | null;
  /** suspended with remedyBy: the instant the remedy period ends (end of that local date). */
  @Column({ name: 'remedy_end', type: 'text', nullable: true })
  remedyEnd!: string | null;
  /** The engine's termination is in the outbox (or on the ledger) already. */
  @Column({ name: 'termination_owed', type: 'boolean', default: false })
  terminationOwed!: boolean;
}

/** A correction request (§22): open until the provider answers; 10 working days. */
@Entity({ name: 'governance_corrections' })
export class CorrectionEntity {
  @PrimaryColumn({ ...bigint })
  seq!: number;
  @Column({ type: 'text' })
  leaf!: string;
  @Column({ name: 'correction_id', type: 'text', unique: true })
  correctionId!: string;
  @Column({ type: 'text' })
  requester!: string;
  @Column({ type: 'text' })
  provider!: string;
  @Column({ name: 'dataset_id', type: 'text' })
  datasetId!: string;
  @Column({ type: 'jsonb' })
  body!: Record<string, unknown>;
  @Column({ type: 'text' })
  state!: 'open' | 'answered';
  @Column({ type: 'text', nullable: true })
  deadline!: string | null;
  @Column({ type: 'text', nullable: true })
  breach!: 'notice' | 'authority' | null;
  @Column({ ...bigint, name: 'answer_seq', nullable: true })
  answerSeq!: number | null;
  @Column({ type: 'jsonb', default: () => "'[]'" })
  history!: HistoryItem[];
}

/** Entries governance must submit, written in the same transaction as the state that needs them. */
@Entity({ name: 'governance_outbox' })
export class OutboxEntity {
  @PrimaryColumn({ type: 'text' })
  idem!: string;
  @Column({ type: 'jsonb' })
  submission!: Record<string, unknown>;
}

export const GOVERNANCE_ENTITIES = [
  CursorEntity,
  CatalogueVersionEntity,
  PolicyVersionEntity,
  RequestEntity,
  SanctionEntity,
  CorrectionEntity,
  OutboxEntity,
] as const;
