// The key registry: which key belongs to which actor, with which use, roles and department,
// and from which seq to which seq it counts. Fed the log's entries in order (key.* entries
// suffice), it answers for any seq up to the last entry fed. Ledger nodes use it to accept
// submissions and to witness entries; auditors use the same code to verify a log.
import {
  importEncryptionPublicKey,
  importSigningPublicKey,
  type EncryptionPublicKey,
  type SigningPublicKey,
} from '@govx/crypto';
import type { KeyResolver } from '../verifier/streaming-verifier.js';
import {
  ACTOR_PATTERN,
  DEPARTMENT_PATTERN,
  KeyEntryType,
  KeyUse,
  parseRegisterBody,
  parseRevokeBody,
  parseRotateBody,
} from './key-entries.js';
import { KeyRule, KeyRuleError } from './key-rule.error.js';
import {
  actorDepartment,
  DEPARTMENT_ROLES,
  isRole,
  Role,
  separationOfDutiesViolation,
} from './roles.js';

/** A key registered from configuration: valid from seq 0 until revoked or rotated away. */
export interface BootstrapKey {
  readonly actor: string;
  readonly publicKeyPem: string;
  /** Default `sign`. */
  readonly use?: KeyUse;
  /** Default none. A ledger's first admin key comes from here. */
  readonly roles?: readonly Role[];
  readonly department?: string;
}

export interface KeyRecord {
  readonly keyId: string;
  readonly actor: string;
  readonly use: KeyUse;
  readonly roles: readonly Role[];
  readonly department: string | null;
  readonly key: SigningPublicKey | EncryptionPublicKey;
  /** Seq of the entry that registered it, or -1 for a bootstrap key. It counts from since + 1. */
  readonly since: number;
  /** Seq of the entry that revoked or rotated it away: it still counts at that seq, not after. */
  readonly until: number | null;
  readonly ended: 'revoked' | 'rotated' | null;
}

export interface KeyLookup {
  readonly actor: string;
  readonly key: SigningPublicKey | EncryptionPublicKey;
  readonly use: KeyUse;
  readonly roles: readonly Role[];
  readonly department: string | null;
}

/** A key's standing for one use at one seq. */
export const KeyStatus = {
  Valid: 'valid',
  Unknown: 'unknown',
  /** Registered by a later entry: it does not count yet. */
  NotYetValid: 'not-yet-valid',
  Revoked: 'revoked',
  Rotated: 'rotated',
  WrongActor: 'wrong-actor',
  /** An encryption key used to sign. */
  NotSigning: 'not-signing',
} as const;
export type KeyStatus = (typeof KeyStatus)[keyof typeof KeyStatus];

/** What the registry reads of an entry (EntryFields and placed Submissions both fit). */
export interface KeyEntryInput {
  readonly seq: number;
  readonly type: string;
  readonly actor: string;
  readonly keyId: string;
  readonly body: unknown;
}

function importKey(
  pem: string,
  use: KeyUse,
  field: string,
): SigningPublicKey | EncryptionPublicKey {
  try {
    return use === KeyUse.Sign ? importSigningPublicKey(pem) : importEncryptionPublicKey(pem);
  } catch (e) {
    throw new KeyRuleError(
      KeyRule.Malformed,
      `${field}: not a ${use === KeyUse.Sign ? 'signing' : 'encryption'} public key (${(e as Error).message})`,
      field,
    );
  }
}

function liveAt(r: KeyRecord, seq: number): boolean {
  return r.since < seq && (r.until === null || seq <= r.until);
}

export class KeyRegistry {
  private keys = new Map<string, KeyRecord>();
  private byActor = new Map<string, string[]>();
  private last = -1;

  /** @throws KeyRuleError (field `/<i>/…`) for a malformed key, a duplicate or a role clash. */
  constructor(bootstrap: readonly BootstrapKey[] = []) {
    if (!Array.isArray(bootstrap)) throw new TypeError('bootstrap: expected an array');
    bootstrap.forEach((b, i) => this.addBootstrap(b, i));
  }

  /** An independent copy (for trying entries before they are placed). */
  clone(): KeyRegistry {
    const copy = new KeyRegistry();
    copy.keys = new Map(this.keys);
    copy.byActor = new Map([...this.byActor].map(([a, ids]) => [a, [...ids]]));
    copy.last = this.last;
    return copy;
  }

  /** Seq of the last entry fed, -1 before any. */
  get lastSeq(): number {
    return this.last;
  }

  /** Every key ever registered, bootstrap keys first, then in ledger order. */
  records(): KeyRecord[] {
    return [...this.keys.values()];
  }

  /** The key's record whatever its status, or undefined when never registered. */
  record(keyId: string): KeyRecord | undefined {
    return this.keys.get(keyId);
  }

  /**
   * The standing of `keyId` for signing an entry of `actor` at `seq`.
   * MUST be asked only for seq ≤ lastSeq + 1 (every key entry before seq fed).
   */
  status(keyId: string, seq: number, actor?: string): KeyStatus {
    const r = this.keys.get(keyId);
    if (!r) return KeyStatus.Unknown;
    if (r.since >= seq) return KeyStatus.NotYetValid;
    if (r.until !== null && seq > r.until)
      return r.ended === 'rotated' ? KeyStatus.Rotated : KeyStatus.Revoked;
    if (actor !== undefined && r.actor !== actor) return KeyStatus.WrongActor;
    if (r.use !== KeyUse.Sign) return KeyStatus.NotSigning;
    return KeyStatus.Valid;
  }

  /** The key and its holder when it counts at `seq` (any use), else undefined. */
  lookup(keyId: string, seq: number): KeyLookup | undefined {
    const r = this.keys.get(keyId);
    if (!r || !liveAt(r, seq)) return undefined;
    return { actor: r.actor, key: r.key, use: r.use, roles: r.roles, department: r.department };
  }

  /** A KeyResolver for StreamingVerifier: signing keys that count at `seq`. */
  readonly resolve: KeyResolver = (keyId, seq) => {
    const r = this.keys.get(keyId);
    return r && r.use === KeyUse.Sign && liveAt(r, seq) ? (r.key as SigningPublicKey) : undefined;
  };

  /** The keys of `actor` that count at `seq`. */
  liveKeys(actor: string, seq: number): KeyRecord[] {
    return (this.byActor.get(actor) ?? [])
      .map((id) => this.keys.get(id)!)
      .filter((r) => liveAt(r, seq));
  }

  /** The roles `actor` holds at `seq`: the union of its live keys' roles. */
  rolesOf(actor: string, seq: number): Set<Role> {
    return new Set(this.liveKeys(actor, seq).flatMap((r) => r.roles));
  }

  /** The department of `actor` at `seq` (from its live keys), or null. */
  departmentOf(actor: string, seq: number): string | null {
    return this.liveKeys(actor, seq).find((r) => r.department !== null)?.department ?? null;
  }

  /**
   * Feeds the entry at `entry.seq` (seqs strictly increasing; entries of other types may be
   * skipped). A key entry is checked against the rules at its seq and applied, or refused
   * with a KeyRuleError and nothing changes. The caller MUST have verified the signature.
   */
  apply(entry: KeyEntryInput): void {
    if (!Number.isSafeInteger(entry.seq) || entry.seq <= this.last)
      throw new KeyRuleError(
        KeyRule.Order,
        `entry ${entry.seq} fed after entry ${this.last}`,
        '/seq',
      );
    if (entry.type === KeyEntryType.Register) this.register(entry);
    else if (entry.type === KeyEntryType.Rotate) this.rotate(entry);
    else if (entry.type === KeyEntryType.Revoke) this.revoke(entry);
    this.last = entry.seq;
  }

  /** The entry's signing key must count for its actor; returns whether that actor is an admin. */
  private signer(entry: KeyEntryInput): boolean {
    const status = this.status(entry.keyId, entry.seq, entry.actor);
    if (status !== KeyStatus.Valid)
      throw new KeyRuleError(
        KeyRule.SignerInvalid,
        `entry ${entry.seq}: key ${entry.keyId} is ${status} for ${entry.actor}`,
        '/keyId',
      );
    return this.rolesOf(entry.actor, entry.seq).has(Role.Admin);
  }

  private register(entry: KeyEntryInput): void {
    const admin = this.signer(entry);
    const body = parseRegisterBody(entry.body);
    const seq = entry.seq;
    const department = body.department ?? null;
    if (!admin) {
      const own = this.rolesOf(entry.actor, seq);
      if (
        body.actor !== entry.actor ||
        !body.roles.every((r) => own.has(r)) ||
        department !== this.departmentOf(entry.actor, seq)
      ) {
        throw new KeyRuleError(
          KeyRule.Forbidden,
          `${entry.actor} is not an admin: it may register only keys of its own, with roles and department it already holds`,
          '/keyId',
        );
      }
    }
    const key = importKey(body.publicKey, body.use, '/body/publicKey');
    this.checkHolder(body.actor, body.roles, department, seq, '/body');
    this.add(
      {
        keyId: key.keyId,
        actor: body.actor,
        use: body.use,
        roles: body.roles,
        department,
        key,
        since: seq,
        until: null,
        ended: null,
      },
      '/body/publicKey',
    );
  }

  private rotate(entry: KeyEntryInput): void {
    const admin = this.signer(entry);
    const body = parseRotateBody(entry.body);
    const old = this.liveTarget(body.oldKeyId, entry.seq, '/body/oldKeyId');
    if (!admin && old.actor !== entry.actor)
      throw new KeyRuleError(
        KeyRule.Forbidden,
        `${entry.actor} may not rotate a key of ${old.actor}`,
        '/body/oldKeyId',
      );
    if (body.use !== old.use)
      throw new KeyRuleError(
        KeyRule.UseMismatch,
        `key ${old.keyId} is a ${old.use} key; its replacement must be too`,
        '/body/use',
      );
    const key = importKey(body.publicKey, body.use, '/body/publicKey');
    this.add(
      { ...old, keyId: key.keyId, key, since: entry.seq, until: null, ended: null },
      '/body/publicKey',
    );
    this.keys.set(old.keyId, { ...old, until: entry.seq, ended: 'rotated' });
  }

  private revoke(entry: KeyEntryInput): void {
    const admin = this.signer(entry);
    const body = parseRevokeBody(entry.body);
    const target = this.liveTarget(body.keyId, entry.seq, '/body/keyId');
    if (!admin && target.actor !== entry.actor)
      throw new KeyRuleError(
        KeyRule.Forbidden,
        `${entry.actor} may not revoke a key of ${target.actor}`,
        '/body/keyId',
      );
    if (target.use === KeyUse.Sign && target.roles.includes(Role.Admin)) {
      const others = [...this.keys.values()].some(
        (r) =>
          r.keyId !== target.keyId &&
          r.use === KeyUse.Sign &&
          r.roles.includes(Role.Admin) &&
          liveAt(r, entry.seq),
      );
      if (!others)
        throw new KeyRuleError(
          KeyRule.LastAdmin,
          `key ${target.keyId} is the last live admin signing key`,
          '/body/keyId',
        );
    }
    this.keys.set(target.keyId, { ...target, until: entry.seq, ended: 'revoked' });
  }

  private liveTarget(keyId: string, seq: number, field: string): KeyRecord {
    const r = this.keys.get(keyId);
    if (!r || !liveAt(r, seq))
      throw new KeyRuleError(
        KeyRule.KeyNotLive,
        `key ${keyId} is ${r ? this.status(keyId, seq) : 'unknown'}`,
        field,
      );
    return r;
  }

  /** Department and separation-of-duties rules for giving `roles` to `actor` at `seq`. */
  private checkHolder(
    actor: string,
    roles: readonly Role[],
    department: string | null,
    seq: number,
    field: string,
  ): void {
    if (department === null && roles.some((r) => DEPARTMENT_ROLES.includes(r)))
      throw new KeyRuleError(
        KeyRule.Department,
        `roles ${roles.join(', ')} need a department`,
        `${field}/department`,
      );
    const named = actorDepartment(actor);
    const held = this.departmentOf(actor, seq);
    for (const other of [named, held]) {
      if (department !== null && other !== null && other !== department)
        throw new KeyRuleError(
          KeyRule.Department,
          `${actor} belongs to department ${other}, not ${department}`,
          `${field}/department`,
        );
    }
    const violation = separationOfDutiesViolation([...this.rolesOf(actor, seq), ...roles]);
    if (violation)
      throw new KeyRuleError(
        KeyRule.SeparationOfDuties,
        `${actor}: ${violation}`,
        `${field}/roles`,
      );
  }

  private add(r: KeyRecord, field: string): void {
    if (this.keys.has(r.keyId))
      throw new KeyRuleError(KeyRule.KeyExists, `key ${r.keyId} is already registered`, field);
    this.keys.set(r.keyId, r);
    const ids = this.byActor.get(r.actor);
    if (ids) ids.push(r.keyId);
    else this.byActor.set(r.actor, [r.keyId]);
  }

  private addBootstrap(b: BootstrapKey, i: number): void {
    const at = `/${i}`;
    if (typeof b !== 'object' || b === null)
      throw new TypeError(`bootstrap${at}: expected an object`);
    if (typeof b.actor !== 'string' || !ACTOR_PATTERN.test(b.actor))
      throw new KeyRuleError(KeyRule.Malformed, `${at}/actor: not an actor name`, `${at}/actor`);
    const use = b.use ?? KeyUse.Sign;
    if (use !== KeyUse.Sign && use !== KeyUse.Encrypt)
      throw new KeyRuleError(KeyRule.Malformed, `${at}/use: expected sign or encrypt`, `${at}/use`);
    const roles = b.roles ?? [];
    roles.forEach((r, j) => {
      if (!isRole(r))
        throw new KeyRuleError(
          KeyRule.Malformed,
          `${at}/roles/${j}: unknown role`,
          `${at}/roles/${j}`,
        );
    });
    const department = b.department ?? null;
    if (department !== null && !DEPARTMENT_PATTERN.test(department))
      throw new KeyRuleError(
        KeyRule.Malformed,
        `${at}/department: not a department name`,
        `${at}/department`,
      );
    const key = importKey(b.publicKeyPem, use, `${at}/publicKeyPem`);
    this.checkHolder(b.actor, roles, department, 0, at);
    this.add(
      {
        keyId: key.keyId,
        actor: b.actor,
        use,
        roles: [...roles],
        department,
        key,
        since: -1,
        until: null,
        ended: null,
      },
      `${at}/publicKeyPem`,
    );
  }
}
