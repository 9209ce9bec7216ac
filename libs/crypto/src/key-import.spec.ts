import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { concatBytes, fromHex, toHex, utf8 } from './bytes.js';
import { pem, spkiDer } from './der.js';
import { KeyFormatError } from './errors.js';
import {
  importEncryptionPrivateKey,
  importEncryptionPublicKey,
  importSigningPrivateKey,
  importSigningPublicKey,
  signingKeyFromSeed,
} from './key-import.js';
import { SM2_ORDER, publicFromScalar } from './sm2.js';
import { sm2Sign } from './sm2-key.js';
import { getSuite } from './suite.js';

const HEX64 = /^[0-9a-f]{64}$/;
const signingKeys = [
  ['ed25519', getSuite('intl').generateSigningKey()],
  ['sm2', getSuite('sm').generateSigningKey()],
] as const;
const encryptionKeys = [
  ['x25519', getSuite('intl')],
  ['sm2', getSuite('sm')],
] as const;

describe(importSigningPublicKey.name, () => {
  it.each(signingKeys)(
    '%s: PEM, JWK and raw imports give the same key and keyId',
    (algorithm, key) => {
      const { publicKey } = key;
      expect(publicKey.keyId).toMatch(HEX64);
      const message = utf8('ledger entry');
      const signature = key.sign(message);
      for (const input of [
        publicKey.toPem(),
        publicKey.toJwk(),
        { algorithm, raw: publicKey.raw },
      ]) {
        const imported = importSigningPublicKey(input);
        expect(imported.algorithm).toBe(algorithm);
        expect(imported.keyId).toBe(publicKey.keyId);
        expect(toHex(imported.raw)).toBe(toHex(publicKey.raw));
        expect(imported.verify(message, signature)).toBe(true);
      }
    },
  );

  it.each(signingKeys)(
    '%s: keyId is the suite hash of the SPKI DER that OpenSSL writes',
    (algorithm, key) => {
      const der = createPublicKey(key.publicKey.toPem()).export({ format: 'der', type: 'spki' });
      const expected = createHash(algorithm === 'ed25519' ? 'sha256' : 'sm3')
        .update(der)
        .digest('hex');
      expect(key.publicKey.keyId).toBe(expected);
    },
  );

  it('reads an SM2 public key written with a compressed point (SEC 1 §2.3.3)', () => {
    const raw = publicFromScalar(12345n);
    const compressed = concatBytes(new Uint8Array([2 + (raw[64]! & 1)]), raw.subarray(1, 33));
    const der = concatBytes(
      fromHex('3039301306072a8648ce3d020106082a811ccf5501822d032200'),
      compressed,
    );
    const imported = importSigningPublicKey(pem('PUBLIC KEY', der));
    expect(toHex(imported.raw)).toBe(toHex(raw));
  });

  it('takes a distinguishing id for sm2 keys and refuses one for ed25519', () => {
    const key = signingKeyFromSeed('sm2', new Uint8Array(32).fill(5));
    const id = utf8('alice@agency.example');
    const signature = sm2Sign(key, utf8('m'), { id });
    const withId = importSigningPublicKey(key.publicKey.toPem(), { distinguishingId: id });
    expect(withId.verify(utf8('m'), signature)).toBe(true);
    expect(withId.keyId).toBe(key.publicKey.keyId);
    expect(importSigningPublicKey(key.publicKey.toPem()).verify(utf8('m'), signature)).toBe(false);
    const ed = getSuite('intl').generateSigningKey().publicKey;
    expect(() => importSigningPublicKey(ed.toPem(), { distinguishingId: id })).toThrow(TypeError);
  });

  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
    type: 'spki',
    format: 'pem',
  });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
    type: 'spki',
    format: 'pem',
  });
  const x25519 = getSuite('intl').generateEncryptionKey().publicKey;
  const privatePem = getSuite('intl').generateSigningKey().toPem();
  it.each([
    ['text without PEM armour', 'hello', /no "-----BEGIN/],
    ['a private key PEM', privatePem, /expected PUBLIC KEY, got PRIVATE KEY/],
    [
      'a certificate',
      '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n',
      /got CERTIFICATE/,
    ],
    [
      'a corrupt body',
      '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n',
      /could not be decoded/,
    ],
    ['a P-256 key', p256, /unsupported key algorithm/],
    ['an RSA key', rsa, /unsupported key algorithm/],
    ['an X25519 key', x25519.toPem(), /x25519 key is not a signing key/],
    ['an X25519 JWK', x25519.toJwk(), /x25519 key is not a signing key/],
    ['a JWK with "d"', getSuite('intl').generateSigningKey().toJwk(), /private member "d"/],
    ['an RSA JWK', { kty: 'RSA', n: 'AQAB', e: 'AQAB' }, /unsupported key type kty="RSA"/],
    [
      'a JWK with padded base64',
      { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) + '=' },
      /"x" is not a base64url/,
    ],
    [
      'a short JWK x',
      { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' },
      /"x" must encode exactly 32 bytes/,
    ],
    [
      'an SM2 JWK off the curve',
      { kty: 'EC', crv: 'SM2', x: 'A'.repeat(43), y: 'A'.repeat(43) },
      /not on the SM2 curve/,
    ],
    [
      'raw bytes of the wrong length',
      { algorithm: 'ed25519', raw: new Uint8Array(31) },
      /expected 32 bytes, got 31/,
    ],
    [
      'raw sm2 without the 0x04 prefix',
      { algorithm: 'sm2', raw: new Uint8Array(65) },
      /expected 65 bytes 0x04/,
    ],
    [
      'an unknown raw algorithm',
      { algorithm: 'rsa', raw: new Uint8Array(32) },
      /unknown algorithm "rsa"/,
    ],
    ['a number', 42, /expected a PEM string/],
  ])('rejects %s with KeyFormatError', (_, input, message) => {
    const call = (): unknown => importSigningPublicKey(input as never);
    expect(call).toThrow(KeyFormatError);
    expect(call).toThrow(message);
  });
});

describe(importSigningPrivateKey.name, () => {
  it.each(signingKeys)('%s: PEM and JWK round trips keep the key', (_, key) => {
    const message = utf8('checkpoint');
    for (const input of [key.toPem(), key.toJwk()]) {
      const imported = importSigningPrivateKey(input);
      expect(imported.publicKey.keyId).toBe(key.publicKey.keyId);
      expect(key.publicKey.verify(message, imported.sign(message))).toBe(true);
      expect(imported.toPem()).toBe(key.toPem());
    }
  });

  it('reads SM2 keys that OpenSSL generated, as PKCS#8 and as SEC 1', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const pkcs8 = importSigningPrivateKey(
      privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    );
    const sec1 = importSigningPrivateKey(
      privateKey.export({ type: 'sec1', format: 'pem' }) as string,
    );
    expect(sec1.publicKey.keyId).toBe(pkcs8.publicKey.keyId);
    const derived = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    expect(toHex(pkcs8.publicKey.raw)).toBe(toHex(new Uint8Array(derived.subarray(-65))));
  });

  it.each(signingKeys)('%s: rejects a JWK whose public part does not match "d"', (_, key) => {
    const jwk = key.toJwk();
    const other = (key.publicKey.algorithm === 'sm2' ? getSuite('sm') : getSuite('intl'))
      .generateSigningKey()
      .toJwk();
    expect(() => importSigningPrivateKey({ ...jwk, x: other.x, y: other.y })).toThrow(
      /do not match "d"/,
    );
  });

  it.each([
    [
      'a public key PEM',
      getSuite('intl').generateSigningKey().publicKey.toPem(),
      /expected PRIVATE KEY or EC PRIVATE KEY/,
    ],
    [
      'an encrypted PEM',
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA==\n-----END ENCRYPTED PRIVATE KEY-----',
      /got ENCRYPTED/,
    ],
    [
      'a JWK without "d"',
      getSuite('intl').generateSigningKey().publicKey.toJwk(),
      /"d" is missing/,
    ],
    [
      'an SM2 scalar of 0',
      { ...getSuite('sm').generateSigningKey().toJwk(), d: 'A'.repeat(43) },
      /outside \[1, n − 2\]/,
    ],
    [
      'an SM2 scalar of n − 1',
      {
        ...getSuite('sm').generateSigningKey().toJwk(),
        d: Buffer.from((SM2_ORDER - 1n).toString(16), 'hex').toString('base64url'),
      },
      /outside \[1, n − 2\]/,
    ],
  ])('rejects %s with KeyFormatError', (_, input, message) => {
    const call = (): unknown => importSigningPrivateKey(input as string | JsonWebKey);
    expect(call).toThrow(KeyFormatError);
    expect(call).toThrow(message);
  });
});

describe(importEncryptionPublicKey.name, () => {
  it.each(encryptionKeys)(
    '%s: PEM, JWK and raw imports give the same keyId and interoperate',
    (algorithm, suite) => {
      const key = suite.generateEncryptionKey();
      expect(key.publicKey.algorithm).toBe(algorithm);
      for (const input of [
        key.publicKey.toPem(),
        key.publicKey.toJwk(),
        { algorithm, raw: key.publicKey.raw },
      ]) {
        const imported = importEncryptionPublicKey(input);
        expect(imported.keyId).toBe(key.publicKey.keyId);
        expect(toHex(suite.open(key, suite.seal(imported, utf8('x'))))).toBe(toHex(utf8('x')));
      }
    },
  );

  it('rejects signing-only keys', () => {
    const ed = getSuite('intl').generateSigningKey().publicKey;
    expect(() => importEncryptionPublicKey(ed.toPem())).toThrow(
      /ed25519 key is not an encryption key/,
    );
  });
});

describe(importEncryptionPrivateKey.name, () => {
  it.each(encryptionKeys)(
    '%s: PEM and JWK round trips open what was sealed to the original',
    (_, suite) => {
      const key = suite.generateEncryptionKey();
      const sealed = suite.seal(key.publicKey, utf8('secret'));
      for (const input of [key.toPem(), key.toJwk()]) {
        const imported = importEncryptionPrivateKey(input);
        expect(imported.publicKey.keyId).toBe(key.publicKey.keyId);
        expect(toHex(suite.open(imported, sealed))).toBe(toHex(utf8('secret')));
      }
    },
  );
});

describe(signingKeyFromSeed.name, () => {
  it('is deterministic per algorithm and seed', () => {
    const seed = new Uint8Array(32).fill(1);
    for (const algorithm of ['ed25519', 'sm2'] as const) {
      expect(signingKeyFromSeed(algorithm, seed).publicKey.keyId).toBe(
        signingKeyFromSeed(algorithm, seed).publicKey.keyId,
      );
      expect(signingKeyFromSeed(algorithm, seed).publicKey.keyId).not.toBe(
        signingKeyFromSeed(algorithm, new Uint8Array(32).fill(2)).publicKey.keyId,
      );
    }
  });

  it('derives the sm2 scalar as 1 + (SM3(seed ‖ 1) ‖ SM3(seed ‖ 2) mod (n − 2))', () => {
    const seed = utf8('govx demo seed, thirty-two bytes');
    const kdf = (i: number): string =>
      createHash('sm3')
        .update(seed)
        .update(new Uint8Array([0, 0, 0, i]))
        .digest('hex');
    const d = (BigInt('0x' + kdf(1) + kdf(2)) % (SM2_ORDER - 2n)) + 1n;
    expect(toHex(signingKeyFromSeed('sm2', seed).publicKey.raw)).toBe(toHex(publicFromScalar(d)));
  });

  it('asserts its arguments, naming them', () => {
    expect(() => signingKeyFromSeed('rsa' as never, new Uint8Array(32))).toThrow(
      /algorithm: unknown signature algorithm/,
    );
    expect(() => signingKeyFromSeed('sm2', new Uint8Array(16))).toThrow(
      /seed: expected 32 bytes, got 16/,
    );
  });

  it('writes PEM exactly as OpenSSL does for ed25519 keys', () => {
    const key = signingKeyFromSeed('ed25519', new Uint8Array(32));
    expect(key.publicKey.toPem()).toBe(
      createPublicKey(key.toPem()).export({ type: 'spki', format: 'pem' }),
    );
    expect(key.publicKey.toPem()).toBe(pem('PUBLIC KEY', spkiDer('ed25519', key.publicKey.raw)));
  });
});
