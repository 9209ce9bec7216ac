// Governance's schema, version 1. Never edit once released; add migrations after it.
import type { MigrationInterface, QueryRunner } from 'typeorm';

const UP = [
  `CREATE TABLE governance_cursor (id smallint PRIMARY KEY, last_seq bigint NOT NULL, ledger_time text)`,
  `INSERT INTO governance_cursor (id, last_seq, ledger_time) VALUES (1, -1, NULL)`,
  `CREATE TABLE governance_catalogue (
    dataset_id text NOT NULL, version integer NOT NULL, seq bigint NOT NULL, leaf text NOT NULL,
    provider text NOT NULL, body jsonb NOT NULL, conditions_added jsonb NOT NULL,
    retired boolean NOT NULL DEFAULT false,
    CONSTRAINT governance_catalogue_pkey PRIMARY KEY (dataset_id, version))`,
  `CREATE TABLE governance_policies (
    policy_id text NOT NULL, version integer NOT NULL, seq bigint NOT NULL,
    dataset_id text NOT NULL, provider text NOT NULL, document jsonb NOT NULL,
    status text NOT NULL CHECK (status IN ('active', 'retired', 'invalid')), error text,
    CONSTRAINT governance_policies_pkey PRIMARY KEY (policy_id, version))`,
  `CREATE INDEX governance_policies_dataset ON governance_policies (dataset_id, status, seq)`,
  `CREATE TABLE governance_requests (
    seq bigint PRIMARY KEY, leaf text NOT NULL, request_id text NOT NULL UNIQUE,
    requester text NOT NULL, provider text NOT NULL, dataset_id text NOT NULL, body jsonb NOT NULL,
    state text NOT NULL, endorsed_at text, category text, extension_days integer NOT NULL DEFAULT 0,
    deadline text, deadline_kind text, breach text, evaluation jsonb, officers text,
    signoffs jsonb NOT NULL DEFAULT '[]', approval_seq bigint, approval_leaf text,
    approved_at text, history jsonb NOT NULL DEFAULT '[]')`,
  `CREATE INDEX governance_requests_state ON governance_requests (state)`,
  `CREATE INDEX governance_requests_approval ON governance_requests (approval_seq)`,
  `CREATE TABLE governance_sanctions (
    department text PRIMARY KEY, state text NOT NULL, reason text NOT NULL, remedy_by text,
    seq bigint NOT NULL)`,
  `CREATE TABLE governance_outbox (idem text PRIMARY KEY, submission jsonb NOT NULL)`,
];

export class GovernanceSchema1764200000000 implements MigrationInterface {
  name = 'GovernanceSchema1764200000000';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of UP) await q.query(sql);
  }
  async down(q: QueryRunner): Promise<void> {
    for (const t of ['outbox', 'sanctions', 'requests', 'policies', 'catalogue', 'cursor'])
      await q.query(`DROP TABLE governance_${t}`);
  }
}
