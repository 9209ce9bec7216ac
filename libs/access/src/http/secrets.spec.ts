import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  hashPassword,
  newApiKey,
  parseApiKey,
  readSessionToken,
  sameHash,
  signSessionToken,
  verifyPassword,
} from './secrets.js';

const secret = new Uint8Array(32).fill(7);

describe(hashPassword.name, () => {
  it('uses scrypt N=2^15, r=8, p=1 with a fresh salt by default, and verifies', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    await expect(verifyPassword('correct horse battery staple', a)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapler', a)).resolves.toBe(false);
  });

  it('treats a malformed stored hash as a mismatch', async () => {
    for (const stored of [
      '',
      'scrypt$1$2$3',
      'bcrypt$x$y$z$a$b',
      'scrypt$9999999999$8$1$AAAA$AAAA',
    ])
      await expect(verifyPassword('x', stored)).resolves.toBe(false);
  });
});

describe(readSessionToken.name, () => {
  it('reads what signSessionToken wrote, and nothing else', () => {
    const token = signSessionToken({ sid: 'abc', exp: 123 }, secret);
    expect(readSessionToken(token, secret)).toEqual({ sid: 'abc', exp: 123 });
    expect(readSessionToken(token, new Uint8Array(32).fill(8))).toBeNull();
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(readSessionToken(s, secret)).toBeNull();
      }),
    );
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.string({ minLength: 1, maxLength: 1 }), (i, c) => {
        const changed = token.slice(0, i) + c + token.slice(i + 1);
        fc.pre(changed !== token);
        const claims = readSessionToken(changed, secret);
        // base64url may decode two spellings of the last character to the same bytes
        if (claims) expect(claims).toEqual({ sid: 'abc', exp: 123 });
      }),
    );
  });
});

describe(newApiKey.name, () => {
  it('parses back to the stored hash; other strings do not parse', () => {
    const { key, id, secretHash } = newApiKey();
    const parsed = parseApiKey(key)!;
    expect(parsed.id).toBe(id);
    expect(sameHash(parsed.secretHash, secretHash)).toBe(true);
    expect(parseApiKey(key.slice(0, -1))).toBeNull();
    expect(parseApiKey(`${key}x`)).toBeNull();
  });
});
