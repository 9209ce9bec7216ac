import { Column, Entity, PrimaryColumn } from 'typeorm';

export const AccountKind = { Person: 'person', System: 'system' } as const;
export type AccountKind = (typeof AccountKind)[keyof typeof AccountKind];

/** A person (signs in with a password) or a department system (uses API keys). */
@Entity({ name: 'access_accounts' })
export class AccountEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'access_accounts_pkey' })
  id!: string;

  @Column({ type: 'text', unique: true })
  name!: string;

  @Column({ type: 'text' })
  kind!: AccountKind;

  @Column({ type: 'text', array: true })
  roles!: string[];

  @Column({ type: 'text', nullable: true })
  department!: string | null;

  /** The ledger actor whose registered keys sign for this account (e.g. `dept/tax/officer/li`). */
  @Column({ type: 'text', nullable: true })
  actor!: string | null;

  /** `scrypt$N$r$p$salt$hash` (base64url); null for systems. Never the password. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  @Column({ name: 'failed_sign_ins', type: 'integer', default: 0 })
  failedSignIns!: number;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
