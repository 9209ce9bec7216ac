// The platform's actors and secrets under D/keys, created on the first `govx init` and kept
// after: signing keys (identities.ts), NATS users with their passwords, the people's accounts.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { natsUsers, type NatsUser } from '@govx/access';
import type { Person } from './bootstrap.js';
import { BOOTSTRAP_ADMIN, identity, POLICY_ENGINE, type Identity } from './identities.js';
import { writeSecretFile } from './secret-file.js';

/** The demo departments, one gateway each. */
export const DEPARTMENTS = [
  'public-security',
  'natural-resources',
  'taxation',
  'social-security',
] as const;

export const LEDGER_NODES = ['ledger-1', 'ledger-2', 'ledger-3'] as const;

/** Every actor of the platform, with its key under D/keys. */
export interface PlatformIdentities {
  readonly admin: Identity;
  readonly engine: Identity;
  readonly auditor: Identity;
  readonly departments: Readonly<
    Record<
      string,
      { readonly gateway: Identity; readonly office: Identity; readonly officer: Identity }
    >
  >;
}

export function platformIdentities(keys: string): PlatformIdentities {
  return {
    admin: identity(keys, BOOTSTRAP_ADMIN, ['admin']),
    engine: identity(keys, POLICY_ENGINE, ['policy-engine']),
    auditor: identity(keys, 'gov/auditor/auditor', ['auditor']),
    departments: Object.fromEntries(
      DEPARTMENTS.map((d) => [
        d,
        {
          gateway: identity(keys, `dept/${d}/gateway`, ['department-system'], d),
          office: identity(keys, `dept/${d}/office`, ['office-head'], d),
          officer: identity(keys, `dept/${d}/officer/duty`, ['officer'], d),
        },
      ]),
    ),
  };
}

/** A JSON object of secrets in D/keys (0600), missing entries generated and kept. */
export function keptSecrets(
  file: string,
  names: readonly string[],
  make: () => string,
): Record<string, string> {
  const kept = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)
    : {};
  const out = Object.fromEntries(names.map((n) => [n, kept[n] ?? make()]));
  writeSecretFile(file, JSON.stringify(out, null, 2));
  return out;
}

/** A secret in its own file under D/keys (0600), created once. */
export function keptSecret(file: string, make: () => string): string {
  if (!existsSync(file)) writeSecretFile(file, make());
  return readFileSync(file, 'utf8').trim();
}

export function platformNatsUsers(keys: string): NatsUser[] {
  const file = join(keys, 'nats-passwords.json');
  const spec = {
    ledgerNodes: [...LEDGER_NODES],
    departments: [...DEPARTMENTS],
    services: [{ name: 'governance' }, { name: 'platform' }],
    auditors: ['auditor'],
  };
  const first = natsUsers(spec); // only for the names: passwords come from the file
  const passwords = keptSecrets(
    file,
    first.map((u) => u.user),
    () => randomBytes(24).toString('base64url'),
  );
  return natsUsers({ ...spec, passwords });
}

export function people(ids: PlatformIdentities): Person[] {
  return [
    { name: 'admin', roles: ['admin'], actor: ids.admin.actor },
    { name: 'auditor', roles: ['auditor'], actor: ids.auditor.actor },
    ...DEPARTMENTS.flatMap((d): Person[] => [
      {
        name: `officer-${d}`,
        roles: ['officer'],
        department: d,
        actor: ids.departments[d]!.officer.actor,
      },
      {
        name: `office-${d}`,
        roles: ['office-head'],
        department: d,
        actor: ids.departments[d]!.office.actor,
      },
    ]),
  ];
}

export function findNatsUser(
  users: readonly NatsUser[],
  kind: NatsUser['kind'],
  name: string,
): NatsUser {
  const user = users.find((u) => u.kind === kind && u.name === name);
  if (!user) throw new Error(`no NATS user for ${kind} ${name}`);
  return user;
}
