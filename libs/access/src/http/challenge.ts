// Signed challenges: before an action that goes on the ledger, a signed-in person proves
// possession of a key registered to its actor. The server issues a stateless challenge
// (HMAC-signed: account, action, expiry, nonce); the person signs
//   "govx/challenge/v1\n" ‖ challenge          (UTF-8)
// with its key; the server checks the key counts for the account's actor at the ledger's
// current seq (KeyRegistry), the signature, and that the nonce was not used before.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const CHALLENGE_CONTEXT = 'govx/challenge/v1\n';
const MAC_CONTEXT = 'govx/challenge-mac/v1\n';

export interface ChallengeClaims {
  /** Account id. */
  readonly a: string;
  /** The action it authorises, e.g. `decision.approve:req-42`. */
  readonly act: string;
  /** Expiry, ms since the epoch. */
  readonly exp: number;
  /** 16 random bytes, base64url. */
  readonly n: string;
}

function mac(payload: string, secret: Uint8Array): Buffer {
  return createHmac('sha256', secret).update(MAC_CONTEXT).update(payload).digest();
}

export function issueChallengeToken(
  claims: Omit<ChallengeClaims, 'n'>,
  secret: Uint8Array,
): { token: string; claims: ChallengeClaims } {
  const full: ChallengeClaims = { ...claims, n: randomBytes(16).toString('base64url') };
  const payload = Buffer.from(JSON.stringify(full)).toString('base64url');
  return { token: `${payload}.${mac(payload, secret).toString('base64url')}`, claims: full };
}

/** The claims of a challenge whose MAC verifies, or null. */
export function readChallengeToken(token: unknown, secret: Uint8Array): ChallengeClaims | null {
  if (typeof token !== 'string' || token.length > 2048) return null;
  const [payload, tag, extra] = token.split('.');
  if (!payload || !tag || extra !== undefined) return null;
  const given = Buffer.from(tag, 'base64url');
  const expected = mac(payload, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const c = JSON.parse(
      Buffer.from(payload, 'base64url').toString('utf8'),
    ) as Partial<ChallengeClaims>;
    if (
      typeof c.a !== 'string' ||
      typeof c.act !== 'string' ||
      typeof c.n !== 'string' ||
      !Number.isSafeInteger(c.exp)
    )
      return null;
    return { a: c.a, act: c.act, exp: c.exp!, n: c.n };
  } catch {
    return null;
  }
}

/** The bytes a person signs to answer `challenge`. */
export function challengeMessage(challenge: string): Uint8Array {
  return new TextEncoder().encode(CHALLENGE_CONTEXT + challenge);
}
