// Accounts, sign-in, sessions and API keys. Every check reads the database, so a revocation
// or a disabled account takes effect at the next request.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { fromHex, type SigningPublicKey } from '@govx/crypto';
import {
  ACTOR_PATTERN,
  DEPARTMENT_PATTERN,
  DEPARTMENT_ROLES,
  isRole,
  KeyStatus,
  Role,
  separationOfDutiesViolation,
  type KeyRegistry,
} from '@govx/ledger-core';
import { IsNull, type Repository } from 'typeorm';
import { AccessError, AccessErrorCode } from './access.errors.js';
import { ACCESS_OPTIONS, MAX_LOCKOUT_MS, type ResolvedAccessOptions } from './access.options.js';
import { AccountEntity, AccountKind } from './entities/account.entity.js';
import { ApiKeyEntity } from './entities/api-key.entity.js';
import { SessionEntity } from './entities/session.entity.js';
import { challengeMessage, issueChallengeToken, readChallengeToken } from './challenge.js';
import type { Principal } from './principal.js';
import {
  hashPassword,
  newApiKey,
  parseApiKey,
  readSessionToken,
  sameHash,
  signSessionToken,
  verifyPassword,
} from './secrets.js';

/** Roles a person may hold, and roles a system may hold. */
export const PERSON_ROLES: readonly Role[] = [
  Role.Admin,
  Role.Auditor,
  Role.Operator,
  Role.OfficeHead,
  Role.Officer,
];
export const SYSTEM_ROLES: readonly Role[] = [
  Role.DepartmentSystem,
  Role.PolicyEngine,
  Role.LedgerNode,
];

export interface NewAccount {
  readonly name: string;
  readonly kind: AccountKind;
  readonly roles: readonly Role[];
  readonly department?: string | null;
  /** The ledger actor whose registered keys sign for this account (signed challenges). */
  readonly actor?: string | null;
  /** People only: at least 12 characters. */
  readonly password?: string;
}

export interface AccountView {
  readonly id: string;
  readonly name: string;
  readonly kind: AccountKind;
  readonly roles: readonly Role[];
  readonly department: string | null;
  readonly actor: string | null;
  readonly disabled: boolean;
}

/** A person's answer to a challenge: the challenge, the key it signed with, the signature (hex). */
export interface ChallengeResponse {
  readonly challenge: string;
  readonly keyId: string;
  readonly signature: string;
}

const NAME_RE = /^[a-z0-9][a-z0-9._@/-]{0,127}$/;
const CHALLENGE_TTL_MS = 5 * 60_000;
const MIN_PASSWORD = 12;

function bad(field: string, message: string): AccessError {
  return new AccessError(AccessErrorCode.BadAccount, `${field}: ${message}`, field);
}

function view(a: AccountEntity): AccountView {
  return {
    id: a.id,
    name: a.name,
    kind: a.kind,
    roles: a.roles as Role[],
    department: a.department,
    actor: a.actor,
    disabled: a.disabledAt !== null,
  };
}

@Injectable()
export class AccessService {
  private readonly logger = new Logger('access');
  private readonly accounts: Repository<AccountEntity>;
  private readonly sessions: Repository<SessionEntity>;
  private readonly apiKeys: Repository<ApiKeyEntity>;
  /** Failed sign-ins for names that have no account (no row to count them in). */
  private readonly unknownFailures = new Map<string, { count: number; until: number }>();
  /** Nonces of answered challenges, until they expire (replays are refused). */
  private readonly usedNonces = new Map<string, number>();
  /** A hash to verify against when the name is unknown, so timing does not tell. */
  private decoy: Promise<string> | null = null;

  constructor(@Inject(ACCESS_OPTIONS) private readonly options: ResolvedAccessOptions) {
    this.accounts = options.dataSource.getRepository(AccountEntity);
    this.sessions = options.dataSource.getRepository(SessionEntity);
    this.apiKeys = options.dataSource.getRepository(ApiKeyEntity);
  }

  private now(): number {
    return this.options.clock();
  }

  /** Creates an account; separation of duties (GB/T 39477) is enforced here. */
  async createAccount(input: NewAccount): Promise<AccountView> {
    if (typeof input !== 'object' || input === null) throw bad('$', 'expected an object');
    const { name, kind, roles } = input;
    const department = input.department ?? null;
    if (typeof name !== 'string' || !NAME_RE.test(name))
      throw bad('name', `must match ${NAME_RE.source}`);
    if (kind !== AccountKind.Person && kind !== AccountKind.System)
      throw bad('kind', 'expected "person" or "system"');
    if (!Array.isArray(roles) || roles.length === 0 || new Set(roles).size !== roles.length)
      throw bad('roles', 'expected distinct roles, at least one');
    const allowed = kind === AccountKind.Person ? PERSON_ROLES : SYSTEM_ROLES;
    roles.forEach((r, i) => {
      if (!isRole(r) || !allowed.includes(r))
        throw bad(`roles[${i}]`, `a ${kind} account may hold only ${allowed.join(', ')}`);
    });
    const violation = separationOfDutiesViolation(roles);
    if (violation) throw new AccessError(AccessErrorCode.SeparationOfDuties, violation, 'roles');
    if (
      department !== null &&
      (typeof department !== 'string' || !DEPARTMENT_PATTERN.test(department))
    )
      throw bad('department', `must match ${DEPARTMENT_PATTERN.source}`);
    if (department === null && roles.some((r) => DEPARTMENT_ROLES.includes(r)))
      throw bad('department', `roles ${roles.join(', ')} need a department`);
    const actor = input.actor ?? null;
    if (actor !== null && (typeof actor !== 'string' || !ACTOR_PATTERN.test(actor)))
      throw bad('actor', `must match ${ACTOR_PATTERN.source}`);
    let passwordHash: string | null = null;
    if (kind === AccountKind.Person) {
      if (
        typeof input.password !== 'string' ||
        input.password.length < MIN_PASSWORD ||
        input.password.length > 1024
      )
        throw bad('password', `${MIN_PASSWORD} to 1024 characters`);
      passwordHash = await hashPassword(input.password, this.options.scryptCost);
    } else if (input.password !== undefined) throw bad('password', 'systems use API keys');
    if (await this.accounts.existsBy({ name }))
      throw new AccessError(AccessErrorCode.AccountExists, `account ${name} exists`, 'name');
    if (actor !== null && (await this.accounts.existsBy({ actor })))
      throw new AccessError(
        AccessErrorCode.AccountExists,
        `an account already signs as ${actor}`,
        'actor',
      );
    const account = this.accounts.create({
      id: randomUUID(),
      name,
      kind,
      roles: [...roles],
      department,
      actor,
      passwordHash,
      failedSignIns: 0,
      lockedUntil: null,
      disabledAt: null,
      createdAt: new Date(this.now()),
    });
    await this.accounts.insert(account);
    this.logger.log(`account ${name} created (${kind}; ${roles.join(', ')})`);
    return view(account);
  }

  async account(id: string): Promise<AccountView> {
    return view(await this.accountRow(id));
  }

  private async accountRow(id: string): Promise<AccountEntity> {
    const row = /^[0-9a-f-]{36}$/.test(id) ? await this.accounts.findOneBy({ id }) : null;
    if (!row) throw new AccessError(AccessErrorCode.NotFound, `no account ${id}`, 'id');
    return row;
  }

  /**
   * Signs a person in: a session token, or InvalidCredentials (one message whatever failed),
   * or TooManySignIns while locked out after repeated failures.
   */
  async signIn(name: unknown, password: unknown): Promise<{ token: string; expiresAt: string }> {
    const now = this.now();
    const invalid = new AccessError(
      AccessErrorCode.InvalidCredentials,
      'name or password is wrong',
    );
    if (
      typeof name !== 'string' ||
      typeof password !== 'string' ||
      name.length > 128 ||
      password.length > 1024
    )
      throw invalid;
    const account = await this.accounts.findOneBy({ name, kind: AccountKind.Person });
    if (!account) {
      this.checkUnknownLock(name, now);
      this.decoy ??= hashPassword('decoy password', this.options.scryptCost);
      await verifyPassword(password, await this.decoy);
      this.countUnknownFailure(name, now);
      this.logger.warn(`failed sign-in for unknown name ${JSON.stringify(name)}`);
      throw invalid;
    }
    if (account.lockedUntil && account.lockedUntil.getTime() > now)
      throw this.locked(account.lockedUntil.getTime() - now);
    const ok =
      account.disabledAt === null && (await verifyPassword(password, account.passwordHash ?? ''));
    if (!ok) {
      const failures = account.failedSignIns + 1;
      const over = failures - this.options.maxFailedSignIns;
      const lockedUntil =
        over >= 0
          ? new Date(
              now + Math.min(this.options.lockoutMs * 2 ** Math.min(over, 20), MAX_LOCKOUT_MS),
            )
          : null;
      await this.accounts.update({ id: account.id }, { failedSignIns: failures, lockedUntil });
      this.logger.warn(`failed sign-in for ${name} (${failures} in a row)`);
      throw invalid;
    }
    await this.accounts.update({ id: account.id }, { failedSignIns: 0, lockedUntil: null });
    const session = this.sessions.create({
      id: randomUUID(),
      accountId: account.id,
      createdAt: new Date(now),
      expiresAt: new Date(now + this.options.sessionTtlMs),
      revokedAt: null,
    });
    await this.sessions.insert(session);
    return {
      token: signSessionToken(
        { sid: session.id, exp: session.expiresAt.getTime() },
        this.options.tokenSecret,
      ),
      expiresAt: session.expiresAt.toISOString(),
    };
  }

  private locked(retryAfterMs: number): AccessError {
    return new AccessError(
      AccessErrorCode.TooManySignIns,
      'too many failed sign-ins; try later',
      null,
      retryAfterMs,
    );
  }

  private checkUnknownLock(name: string, now: number): void {
    const f = this.unknownFailures.get(name);
    if (f && f.until > now) throw this.locked(f.until - now);
  }

  private countUnknownFailure(name: string, now: number): void {
    if (this.unknownFailures.size > 10_000) this.unknownFailures.clear();
    const count = (this.unknownFailures.get(name)?.count ?? 0) + 1;
    const over = count - this.options.maxFailedSignIns;
    const until =
      over >= 0
        ? now + Math.min(this.options.lockoutMs * 2 ** Math.min(over, 20), MAX_LOCKOUT_MS)
        : 0;
    this.unknownFailures.set(name, { count, until });
  }

  /** Ends one session at once. */
  async revokeSession(sessionId: string): Promise<void> {
    await this.sessions.update(
      { id: sessionId, revokedAt: IsNull() },
      { revokedAt: new Date(this.now()) },
    );
  }

  /** Ends every session of an account at once. */
  async revokeSessions(accountId: string): Promise<number> {
    await this.accountRow(accountId);
    const r = await this.sessions.update(
      { accountId, revokedAt: IsNull() },
      { revokedAt: new Date(this.now()) },
    );
    this.logger.log(`sessions of account ${accountId} revoked`);
    return r.affected ?? 0;
  }

  /** Disables an account: its sessions and API keys stop working at once. */
  async disableAccount(accountId: string): Promise<void> {
    await this.accountRow(accountId);
    await this.accounts.update({ id: accountId }, { disabledAt: new Date(this.now()) });
    this.logger.log(`account ${accountId} disabled`);
  }

  /** A new API key for a system account; the key is returned once, only its hash is kept. */
  async createApiKey(accountId: string, label: string): Promise<{ id: string; key: string }> {
    const account = await this.accountRow(accountId);
    if (account.kind !== AccountKind.System)
      throw bad('accountId', 'API keys are for system accounts');
    if (typeof label !== 'string' || label.length < 1 || label.length > 128)
      throw bad('label', '1 to 128 characters');
    const { key, id, secretHash } = newApiKey();
    await this.apiKeys.insert({
      id,
      accountId,
      secretHash,
      label,
      createdAt: new Date(this.now()),
      revokedAt: null,
    });
    this.logger.log(`API key ${id} created for ${account.name}`);
    return { id, key };
  }

  async revokeApiKey(id: string): Promise<void> {
    const r = await this.apiKeys.update(
      { id, revokedAt: IsNull() },
      { revokedAt: new Date(this.now()) },
    );
    if (!r.affected) throw new AccessError(AccessErrorCode.NotFound, `no live API key ${id}`, 'id');
    this.logger.log(`API key ${id} revoked`);
  }

  /**
   * The principal of a request's credentials: `Authorization: Bearer <session token>`,
   * `X-Api-Key: <key>` or `Authorization: Bearer <key>` (a key `govx_ak_…`, never a session
   * token's form); null when it carries none. Throws Unauthenticated for credentials that
   * are forged, expired, revoked, of a disabled account, or of the wrong kind.
   */
  async authenticate(
    headers: Record<string, string | string[] | undefined>,
  ): Promise<Principal | null> {
    const authorization = headers['authorization'];
    const bearerKey =
      typeof authorization === 'string' ? /^Bearer (govx_ak_\S*)$/.exec(authorization) : null;
    const apiKey = headers['x-api-key'] ?? bearerKey?.[1];
    const refused = (why: string): AccessError => {
      this.logger.warn(`refused credentials: ${why}`);
      return new AccessError(AccessErrorCode.Unauthenticated, why);
    };
    if (typeof apiKey === 'string') {
      const parsed = parseApiKey(apiKey);
      if (!parsed) throw refused('malformed API key');
      const row = await this.apiKeys.findOneBy({ id: parsed.id });
      if (!row || !sameHash(new Uint8Array(row.secretHash), parsed.secretHash))
        throw refused('unknown API key');
      if (row.revokedAt) throw refused('revoked API key');
      const account = await this.accounts.findOneBy({ id: row.accountId });
      if (!account || account.disabledAt || account.kind !== AccountKind.System)
        throw refused('account disabled');
      return this.principal(account, { apiKey: row.id });
    }
    if (typeof authorization !== 'string') return null;
    const m = /^Bearer (\S+)$/.exec(authorization);
    if (!m) throw refused('expected "Authorization: Bearer <token>"');
    const claims = readSessionToken(m[1]!, this.options.tokenSecret);
    if (!claims) throw refused('forged or malformed token');
    const now = this.now();
    if (claims.exp <= now) throw refused('expired token');
    const session = /^[0-9a-f-]{36}$/.test(claims.sid)
      ? await this.sessions.findOneBy({ id: claims.sid })
      : null;
    if (!session || session.revokedAt || session.expiresAt.getTime() <= now)
      throw refused('session ended');
    const account = await this.accounts.findOneBy({ id: session.accountId });
    if (!account || account.disabledAt || account.kind !== AccountKind.Person)
      throw refused('account disabled');
    return this.principal(account, { session: session.id });
  }

  private principal(a: AccountEntity, via: Principal['via']): Principal {
    return {
      accountId: a.id,
      name: a.name,
      kind: a.kind,
      roles: a.roles as Role[],
      department: a.department,
      actor: a.actor,
      via,
    };
  }

  /** A challenge for `action`, to be signed by a key of the principal's actor (5 minutes). */
  issueChallenge(principal: Principal, action: string): { challenge: string; expiresAt: string } {
    if (typeof action !== 'string' || action.length < 1 || action.length > 256)
      throw bad('action', '1 to 256 characters');
    if (principal.actor === null)
      throw new AccessError(
        AccessErrorCode.ChallengeFailed,
        `${principal.name} has no ledger actor`,
        'actor',
      );
    const exp = this.now() + CHALLENGE_TTL_MS;
    const { token } = issueChallengeToken(
      { a: principal.accountId, act: action, exp },
      this.options.tokenSecret,
    );
    return { challenge: token, expiresAt: new Date(exp).toISOString() };
  }

  /**
   * Checks a signed challenge before `action`: issued by us to this principal for this
   * action, not expired nor answered before, signed by a key that counts for the principal's
   * actor at `keys.seq` (the ledger's current size) in `keys.registry`. Throws
   * ChallengeFailed naming the member at fault.
   */
  verifyChallenge(
    principal: Principal,
    action: string,
    response: ChallengeResponse,
    keys: { readonly registry: KeyRegistry; readonly seq: number },
  ): void {
    const fail = (field: string, why: string): AccessError => {
      this.logger.warn(`challenge of ${principal.name} for ${action} refused: ${why}`);
      return new AccessError(AccessErrorCode.ChallengeFailed, why, field);
    };
    const now = this.now();
    const claims = readChallengeToken(response?.challenge, this.options.tokenSecret);
    if (!claims) throw fail('challenge', 'forged or malformed challenge');
    if (claims.a !== principal.accountId) throw fail('challenge', 'issued to another account');
    if (claims.act !== action) throw fail('challenge', `issued for ${claims.act}, not ${action}`);
    if (claims.exp <= now) throw fail('challenge', 'expired challenge');
    for (const [n, exp] of this.usedNonces) if (exp <= now) this.usedNonces.delete(n);
    if (this.usedNonces.has(claims.n)) throw fail('challenge', 'challenge already answered');
    if (principal.actor === null) throw fail('actor', `${principal.name} has no ledger actor`);
    const status = keys.registry.status(response.keyId, keys.seq, principal.actor);
    if (status !== KeyStatus.Valid)
      throw fail('keyId', `key ${String(response.keyId)} is ${status} for ${principal.actor}`);
    const key = keys.registry.record(response.keyId)!.key as SigningPublicKey;
    let signature: Uint8Array;
    try {
      signature = fromHex(response.signature, 'signature');
    } catch {
      throw fail('signature', 'not hex');
    }
    if (!key.verify(challengeMessage(response.challenge), signature))
      throw fail('signature', 'signature does not verify');
    this.usedNonces.set(claims.n, claims.exp);
  }
}
