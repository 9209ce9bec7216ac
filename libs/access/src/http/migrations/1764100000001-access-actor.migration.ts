// Accounts name the ledger actor whose keys sign for them (signed challenges).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AccessActor1764100000001 implements MigrationInterface {
  name = 'AccessActor1764100000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE access_accounts ADD COLUMN actor text');
    await runner.query(
      'CREATE UNIQUE INDEX access_accounts_actor ON access_accounts (actor) WHERE actor IS NOT NULL',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX access_accounts_actor');
    await runner.query('ALTER TABLE access_accounts DROP COLUMN actor');
  }
}
