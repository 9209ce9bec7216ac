// The access schema, version 1 (accounts, sessions, API keys). Never edit once released: add
// AccessSchema<timestamp> classes after it.
import type { MigrationInterface, QueryRunner } from 'typeorm';

const UP = [
  `CREATE TABLE access_accounts (
    id uuid NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    roles text[] NOT NULL,
    department text,
    password_hash text,
    failed_sign_ins integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    disabled_at timestamptz,
    created_at timestamptz NOT NULL,
    CONSTRAINT access_accounts_pkey PRIMARY KEY (id),
    CONSTRAINT access_accounts_name_key UNIQUE (name),
    CONSTRAINT access_accounts_kind_check CHECK (kind IN ('person', 'system')),
    CONSTRAINT access_accounts_password_check CHECK ((kind = 'person') = (password_hash IS NOT NULL))
  )`,
  `CREATE TABLE access_sessions (
    id uuid NOT NULL,
    account_id uuid NOT NULL REFERENCES access_accounts (id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    CONSTRAINT access_sessions_pkey PRIMARY KEY (id)
  )`,
  `CREATE INDEX access_sessions_account ON access_sessions (account_id)`,
  `CREATE TABLE access_api_keys (
    id text NOT NULL,
    account_id uuid NOT NULL REFERENCES access_accounts (id),
    secret_hash bytea NOT NULL,
    label text NOT NULL,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz,
    CONSTRAINT access_api_keys_pkey PRIMARY KEY (id),
    CONSTRAINT access_api_keys_secret_hash_check CHECK (octet_length(secret_hash) = 32)
  )`,
  `CREATE INDEX access_api_keys_account ON access_api_keys (account_id)`,
];

export class AccessSchema1764100000000 implements MigrationInterface {
  name = 'AccessSchema1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of UP) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE access_api_keys');
    await runner.query('DROP TABLE access_sessions');
    await runner.query('DROP TABLE access_accounts');
  }
}
