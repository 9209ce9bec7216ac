// People's accounts on governance's database (officers, office heads, the admin, the auditor):
// created directly by the operator, as the first admin must be (no one can sign in to create
// it). `govx up` seeds one per role and department; `govx accounts create` adds one.
import { randomBytes } from 'node:crypto';
import {
  AccessError,
  AccessErrorCode,
  AccessService,
  resolveAccessOptions,
  type NewAccount,
} from '@govx/access';
import { connectGovernanceDatabase } from '@govx/governance';
import { Logger } from '@nestjs/common';

export interface SeededAccount {
  readonly name: string;
  readonly password: string;
  readonly created: boolean;
}

/** A password for a seeded account: 18 random bytes, base64url (24 characters). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Creates each account that does not exist yet (an existing name is left as it is: its
 * password is the one given the first time). Runs governance's migrations first.
 */
export async function createAccounts(
  databaseUrl: string,
  accounts: readonly NewAccount[],
): Promise<SeededAccount[]> {
  Logger.overrideLogger(['error', 'warn']); // not the access service's per-account log lines
  const ds = await connectGovernanceDatabase(databaseUrl);
  try {
    // The token secret signs sessions; creating accounts signs none.
    const access = new AccessService(
      resolveAccessOptions({ dataSource: ds, tokenSecret: new Uint8Array(randomBytes(32)) }),
    );
    const out: SeededAccount[] = [];
    for (const account of accounts) {
      try {
        await access.createAccount(account);
        out.push({ name: account.name, password: account.password ?? '', created: true });
      } catch (e) {
        if (!(e instanceof AccessError && e.code === AccessErrorCode.AccountExists)) throw e;
        out.push({ name: account.name, password: account.password ?? '', created: false });
      }
    }
    return out;
  } finally {
    await ds.destroy();
  }
}
