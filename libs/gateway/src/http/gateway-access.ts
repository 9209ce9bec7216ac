// Who may call a gateway (libs/access): its own PostgreSQL database of accounts, sessions and
// API keys (only their SHA-256 hashes), and the secret that MACs session tokens. Opened by the
// HTTP app and by `govx gateway …` (provisioning); no credential is ever read from the config.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  ACCESS_ENTITIES,
  ACCESS_MIGRATIONS,
  AccessService,
  AccountEntity,
  AccountKind,
  ApiKeyEntity,
  parseApiKey,
  resolveAccessOptions,
  type AccountView,
} from '@govx/access';
import { Role } from '@govx/ledger-core';
import { openMigratedDatabase } from '@govx/persistence';
import type { DataSource } from 'typeorm';
import type { GatewayConfig } from '../config/gateway.config.js';

/** pg_advisory_lock key while migrating: 'govx' and 7 (gateway access). */
const MIGRATION_LOCK = [0x676f7678, 7] as const;
const SECRET_BYTES = 32;

export class GatewayAccessError extends Error {
  override readonly name = 'GatewayAccessError';
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
  }
}

/**
 * The session-token secret: 32 random bytes (hex) in a 0600 file, created when missing. A file
 * readable by group or others, or shorter than 32 bytes, is refused.
 */
export function readTokenSecret(file: string): Uint8Array {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(SECRET_BYTES).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0)
    throw new GatewayAccessError(file, `mode ${mode.toString(8)}, expected 600`);
  const text = readFileSync(file, 'utf8').trim();
  if (!/^([0-9a-f]{2}){32,}$/.test(text))
    throw new GatewayAccessError(file, `expected at least ${SECRET_BYTES} bytes in hex`);
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

/** An initialised DataSource on the gateway's database (created if missing), migrated. */
export function connectGatewayAccessDatabase(databaseUrl: string): Promise<DataSource> {
  return openMigratedDatabase({
    url: databaseUrl,
    entities: [...ACCESS_ENTITIES],
    migrations: [...ACCESS_MIGRATIONS],
    migrationsTableName: 'gateway_access_migrations',
    lock: MIGRATION_LOCK,
  });
}

export interface GatewayAccess {
  readonly department: string;
  readonly dataSource: DataSource;
  readonly tokenSecret: Uint8Array;
  /** For provisioning outside Nest (the HTTP app gets its own through AccessModule). */
  readonly service: AccessService;
  close(): Promise<void>;
}

/** Opens the gateway's access database and secret as configured (`access`). */
export async function openGatewayAccess(config: GatewayConfig): Promise<GatewayAccess> {
  const tokenSecret = readTokenSecret(config.access.tokenSecretFile);
  const dataSource = await connectGatewayAccessDatabase(config.access.databaseUrl);
  return {
    department: config.department,
    dataSource,
    tokenSecret,
    service: new AccessService(resolveAccessOptions({ dataSource, tokenSecret })),
    close: () => dataSource.destroy(),
  };
}

/** Roles a gateway account may hold (docs/department-gateway.md, "Who may call what"). */
export const GATEWAY_PERSON_ROLES: readonly Role[] = [
  Role.OfficeHead,
  Role.Auditor,
  Role.Admin,
  Role.Operator,
];

export interface ApiKeyView {
  readonly id: string;
  readonly account: string;
  readonly label: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

async function accountByName(access: GatewayAccess, name: string): Promise<AccountView | null> {
  const row = await access.dataSource.getRepository(AccountEntity).findOneBy({ name });
  return row ? access.service.account(row.id) : null;
}

/**
 * A new API key for the calling system `system` of this gateway's department (account kind
 * system, role department-system, created when missing). The key is returned once; only its
 * hash is stored. An existing account of another kind, role or department is refused.
 */
export async function createSystemKey(
  access: GatewayAccess,
  system: string,
  label = 'govx gateway key create',
): Promise<{ id: string; key: string; account: AccountView }> {
  const { account } = await systemAccount(access, system);
  return { ...(await access.service.createApiKey(account.id, label)), account };
}

/** The system account `system` of this department, created when missing. */
async function systemAccount(
  access: GatewayAccess,
  system: string,
): Promise<{ account: AccountView }> {
  let account = await accountByName(access, system);
  if (!account) {
    account = await access.service.createAccount({
      name: system,
      kind: AccountKind.System,
      roles: [Role.DepartmentSystem],
      department: access.department,
    });
  } else if (
    account.kind !== AccountKind.System ||
    account.department !== access.department ||
    !account.roles.includes(Role.DepartmentSystem)
  ) {
    throw new GatewayAccessError(
      'system',
      `account ${system} exists and is not a department-system of ${access.department}`,
    );
  }
  if (account.disabled) throw new GatewayAccessError('system', `account ${system} is disabled`);
  return { account };
}

/**
 * Registers a key made elsewhere (`govx up` writes the demo system's key file before the
 * gateway's database exists): only its id and hash are stored, for the system `system`
 * (created when missing, as createSystemKey). A key id already known, even revoked, is left as
 * it is: a revocation stays effective across restarts. Returns whether it was added.
 */
export async function importSystemKey(
  access: GatewayAccess,
  system: string,
  key: string,
  label: string,
): Promise<boolean> {
  const parsed = parseApiKey(key);
  if (!parsed) throw new GatewayAccessError('key', 'not an API key (govx_ak_<id>_<secret>)');
  const keys = access.dataSource.getRepository(ApiKeyEntity);
  if (await keys.existsBy({ id: parsed.id })) return false;
  const { account } = await systemAccount(access, system);
  await keys.insert({
    id: parsed.id,
    accountId: account.id,
    secretHash: parsed.secretHash,
    label,
    createdAt: new Date(),
    revokedAt: null,
  });
  return true;
}

/** A seeded secret: read only from a file no one else may read (mode 600). */
function readSecretFile(file: string): string {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0)
    throw new GatewayAccessError(file, `mode ${mode.toString(8)}, expected 600`);
  return readFileSync(file, 'utf8').trim();
}

/** Registers every `access.seedKeys` entry of the configuration (files MUST be 0600). */
export async function importSeedKeys(
  access: GatewayAccess,
  seedKeys: GatewayConfig['access']['seedKeys'],
): Promise<number> {
  let added = 0;
  for (const { system, keyFile } of seedKeys) {
    const key = readSecretFile(keyFile);
    if (await importSystemKey(access, system, key, `seed ${keyFile}`)) added++;
  }
  return added;
}

/**
 * Creates every `access.seedAccounts` person missing from the gateway's database, with the
 * password of its 0600 file; an existing name is left as it is (its password, roles and state
 * stay what the operator made them). Returns how many were created.
 */
export async function importSeedAccounts(
  access: GatewayAccess,
  seedAccounts: GatewayConfig['access']['seedAccounts'],
): Promise<number> {
  let added = 0;
  for (const { name, role, passwordFile } of seedAccounts) {
    const password = readSecretFile(passwordFile);
    if (await access.dataSource.getRepository(AccountEntity).existsBy({ name })) continue;
    await access.service.createAccount({
      name,
      kind: AccountKind.Person,
      roles: [role],
      department: role === Role.OfficeHead ? access.department : null,
      password,
    });
    added++;
  }
  return added;
}

/** A person's account on this gateway (office head, auditor…), with a generated password. */
export async function createPersonAccount(
  access: GatewayAccess,
  name: string,
  role: Role,
): Promise<{ account: AccountView; password: string }> {
  if (!GATEWAY_PERSON_ROLES.includes(role))
    throw new GatewayAccessError('role', `expected one of ${GATEWAY_PERSON_ROLES.join(', ')}`);
  const password = randomBytes(18).toString('base64url');
  const account = await access.service.createAccount({
    name,
    kind: AccountKind.Person,
    roles: [role],
    department: role === Role.OfficeHead ? access.department : null,
    password,
  });
  return { account, password };
}

/** Every API key of this gateway (hashes are never shown). */
export async function listApiKeys(access: GatewayAccess): Promise<ApiKeyView[]> {
  const keys = await access.dataSource
    .getRepository(ApiKeyEntity)
    .find({ order: { createdAt: 'ASC' } });
  const names = new Map(
    (await access.dataSource.getRepository(AccountEntity).find()).map((a) => [a.id, a.name]),
  );
  return keys.map((k) => ({
    id: k.id,
    account: names.get(k.accountId) ?? k.accountId,
    label: k.label,
    createdAt: k.createdAt.toISOString(),
    revokedAt: k.revokedAt?.toISOString() ?? null,
  }));
}

/** Whether `key` authenticates at this gateway now (live key of an enabled system account). */
export async function keyIsLive(access: GatewayAccess, key: string): Promise<boolean> {
  try {
    return (await access.service.authenticate({ 'x-api-key': key })) !== null;
  } catch {
    return false;
  }
}
