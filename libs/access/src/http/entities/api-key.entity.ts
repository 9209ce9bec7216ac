import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A department system's API key: only the SHA-256 of its secret is stored. */
@Entity({ name: 'access_api_keys' })
export class ApiKeyEntity {
  /** The public part of the key (`govx_ak_<id>_<secret>`), 32 hex digits. */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'access_api_keys_pkey' })
  id!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'secret_hash', type: 'bytea' })
  secretHash!: Uint8Array;

  @Column({ type: 'text' })
  label!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
