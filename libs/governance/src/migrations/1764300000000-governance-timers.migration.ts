// Governance's schema, version 2: correction requests (§22), sanctions that know their remedy
// deadline (§27), and the indexes of the quota count and the deadline timer. Never edit once
// released; add migrations after it.
import type { MigrationInterface, QueryRunner } from 'typeorm';

const UP = [
  `CREATE TABLE governance_corrections (
    seq bigint PRIMARY KEY, leaf text NOT NULL, correction_id text NOT NULL UNIQUE,
    requester text NOT NULL, provider text NOT NULL, dataset_id text NOT NULL, body jsonb NOT NULL,
    state text NOT NULL CHECK (state IN ('open', 'answered')), deadline text, breach text,
    answer_seq bigint, history jsonb NOT NULL DEFAULT '[]')`,
  `CREATE INDEX governance_corrections_deadline ON governance_corrections (deadline)
    WHERE deadline IS NOT NULL`,
  `ALTER TABLE governance_sanctions ADD COLUMN leaf text, ADD COLUMN remedy_end text,
    ADD COLUMN termination_owed boolean NOT NULL DEFAULT false`,
  `CREATE INDEX governance_requests_quota ON governance_requests (requester, dataset_id, approved_at)
    WHERE approved_at IS NOT NULL`,
  `CREATE INDEX governance_requests_deadline ON governance_requests (deadline)
    WHERE deadline IS NOT NULL`,
];

export class GovernanceTimers1764300000000 implements MigrationInterface {
  name = 'GovernanceTimers1764300000000';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of UP) await q.query(sql);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX governance_requests_deadline');
    await q.query('DROP INDEX governance_requests_quota');
    await q.query(
      'ALTER TABLE governance_sanctions DROP COLUMN leaf, DROP COLUMN remedy_end, DROP COLUMN termination_owed',
    );
    await q.query('DROP TABLE governance_corrections');
  }
}
