// Password hashing (scrypt, RFC 7914), signed session tokens (HMAC-SHA-256) and API key
// secrets (SHA-256 of 32 random bytes). Comparisons are constant-time.
import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  /** CPU/memory cost, a power of 2; default 2^15 (OWASP 2023 minimum for scrypt). */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_LENGTH,
      { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

/** `scrypt$N$r$p$<salt>$<hash>` with a fresh 16-byte salt (base64url). */
export async function hashPassword(password: string, cost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, cost);
  return [
    'scrypt',
    cost.N,
    cost.r,
    cost.p,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
}

/** True when `password` matches `stored`; false for a malformed `stored`. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((x) => Number.isSafeInteger(x) && x > 0) || N > 2 ** 20) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await scryptAsync(password, Buffer.from(parts[4]!, 'base64url'), { N, r, p });
  return timingSafeEqual(actual, expected);
}

export interface SessionClaims {
  /** Session id. */
  readonly sid: string;
  /** Expiry, ms since the epoch. */
  readonly exp: number;
}

/** `<base64url(JSON claims)>.<base64url(HMAC-SHA-256(secret, first part))>` */
export function signSessionToken(claims: SessionClaims, secret: Uint8Array): string {
  const payload = Buffer.from(JSON.stringify({ sid: claims.sid, exp: claims.exp })).toString(
    'base64url',
  );
  const mac = createHmac('sha256', secret).update(payload).digest('base64url');
  return `${payload}.${mac}`;
}

/** The claims of a token whose MAC verifies, or null (forged, truncated, malformed). */
export function readSessionToken(token: string, secret: Uint8Array): SessionClaims | null {
  if (typeof token !== 'string' || token.length > 512) return null;
  const [payload, mac, extra] = token.split('.');
  if (!payload || !mac || extra !== undefined) return null;
  const expected = createHmac('sha256', secret).update(payload).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(
      Buffer.from(payload, 'base64url').toString('utf8'),
    ) as Partial<SessionClaims>;
    if (typeof claims.sid !== 'string' || !Number.isSafeInteger(claims.exp)) return null;
    return { sid: claims.sid, exp: claims.exp! };
  } catch {
    return null;
  }
}

const API_KEY_RE = /^govx_ak_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

/** A new API key (shown once) and what is stored of it. */
export function newApiKey(): { key: string; id: string; secretHash: Uint8Array } {
  const id = randomBytes(16).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `govx_ak_${id}_${secret}`, id, secretHash: sha256(secret) };
}

export function parseApiKey(key: string): { id: string; secretHash: Uint8Array } | null {
  const m = typeof key === 'string' ? API_KEY_RE.exec(key) : null;
  return m ? { id: m[1]!, secretHash: sha256(m[2]!) } : null;
}

export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function sha256(text: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(text).digest());
}
