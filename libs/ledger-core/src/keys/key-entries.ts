// The three key entry types (decision 0006, docs/access.md): their bodies, and a parser that
// checks each body's shape without any schema library (auditors reuse it alone).
import { isRole, type Role } from './roles.js';
import { KeyRule, KeyRuleError } from './key-rule.error.js';

export const KeyEntryType = {
  Register: 'key.register',
  Rotate: 'key.rotate',
  Revoke: 'key.revoke',
} as const;
export type KeyEntryType = (typeof KeyEntryType)[keyof typeof KeyEntryType];

export const KeyUse = { Sign: 'sign', Encrypt: 'encrypt' } as const;
export type KeyUse = (typeof KeyUse)[keyof typeof KeyUse];

/** `key.register`: an admin (or the actor itself, for another key of its own) registers a key. */
export interface KeyRegisterBody {
  readonly actor: string;
  /** SPKI PEM (Ed25519 or SM2 for `sign`; X25519 or SM2 for `encrypt`). */
  readonly publicKey: string;
  readonly use: KeyUse;
  readonly roles: readonly Role[];
  readonly department?: string;
}

/** `key.rotate`: replaces a live key by a new one; actor, roles and department carry over. */
export interface KeyRotateBody {
  readonly oldKeyId: string;
  readonly publicKey: string;
  readonly use: KeyUse;
}

/** `key.revoke`: the key stops counting from the entry after this one. */
export interface KeyRevokeBody {
  readonly keyId: string;
  readonly reason: string;
}

export const ACTOR_PATTERN = /^[a-z0-9][a-z0-9._:/-]{0,127}$/;
export const DEPARTMENT_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
const KEY_ID_PATTERN = /^[0-9a-f]{64}$/;
const MAX_PEM = 4096;
const MAX_REASON = 1024;

export function isKeyEntryType(type: string): type is KeyEntryType {
  return (
    type === KeyEntryType.Register || type === KeyEntryType.Rotate || type === KeyEntryType.Revoke
  );
}

function fail(field: string, message: string): never {
  throw new KeyRuleError(KeyRule.Malformed, `${field}: ${message}`, field);
}

function record(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    fail('/body', 'expected an object');
  for (const k of Object.keys(body)) if (!allowed.includes(k)) fail(`/body/${k}`, 'unknown member');
  return body as Record<string, unknown>;
}

function text(v: unknown, field: string, pattern: RegExp | null, max: number): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max)
    fail(field, `expected a string of 1 to ${max} characters`);
  if (pattern && !pattern.test(v)) fail(field, `does not match ${pattern.source}`);
  return v;
}

function pem(v: unknown, field: string): string {
  const s = text(v, field, null, MAX_PEM);
  if (!s.includes('-----BEGIN PUBLIC KEY-----')) fail(field, 'expected an SPKI PEM public key');
  return s;
}

function use(v: unknown, field: string): KeyUse {
  if (v !== KeyUse.Sign && v !== KeyUse.Encrypt) fail(field, 'expected "sign" or "encrypt"');
  return v;
}

export function parseRegisterBody(body: unknown): KeyRegisterBody {
  const b = record(body, ['actor', 'publicKey', 'use', 'roles', 'department']);
  const roles = b['roles'];
  if (!Array.isArray(roles) || roles.length > 16)
    fail('/body/roles', 'expected an array of at most 16 roles');
  roles.forEach((r, i) => {
    if (!isRole(r)) fail(`/body/roles/${i}`, `unknown role ${JSON.stringify(r)}`);
  });
  if (new Set(roles).size !== roles.length) fail('/body/roles', 'a role is listed twice');
  const out: KeyRegisterBody = {
    actor: text(b['actor'], '/body/actor', ACTOR_PATTERN, 128),
    publicKey: pem(b['publicKey'], '/body/publicKey'),
    use: use(b['use'], '/body/use'),
    roles: roles as Role[],
  };
  return b['department'] === undefined
    ? out
    : { ...out, department: text(b['department'], '/body/department', DEPARTMENT_PATTERN, 64) };
}

export function parseRotateBody(body: unknown): KeyRotateBody {
  const b = record(body, ['oldKeyId', 'publicKey', 'use']);
  return {
    oldKeyId: text(b['oldKeyId'], '/body/oldKeyId', KEY_ID_PATTERN, 64),
    publicKey: pem(b['publicKey'], '/body/publicKey'),
    use: use(b['use'], '/body/use'),
  };
}

export function parseRevokeBody(body: unknown): KeyRevokeBody {
  const b = record(body, ['keyId', 'reason']);
  return {
    keyId: text(b['keyId'], '/body/keyId', KEY_ID_PATTERN, 64),
    reason: text(b['reason'], '/body/reason', null, MAX_REASON),
  };
}
