import {
  createPrivateKey,
  createPublicKey,
  sign as nativeSign,
  verify as nativeVerify,
} from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fromHex, toHex, utf8 } from './bytes.js';
import { pkcs8Der, signatureFromDer, signatureToDer, spkiDer } from './der.js';
import {
  DEFAULT_ID_BYTES,
  bigintFromBytes,
  nativeSm2DistinguishingId,
  publicFromScalar,
  sm2Z,
} from './sm2.js';
import { Sm2SigningPrivateKey, Sm2SigningPublicKey, sm2Sign, sm2Verify } from './sm2-key.js';

// The SM2 signature example on the recommended curve of GM/T 0003.5-2012 (GB/T 32918
// parameters, ID "1234567812345678", message "message digest"), as reproduced in OpenSSL's
// test/sm2_internal_test.c and GmSSL's tests. Checked here: the pure implementation
// reproduces r and s exactly from d and k, so the published values are right as given.
const VECTOR = {
  d: 0x3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8n,
  publicKey:
    '04' +
    '09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020' +
    'ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13',
  id: utf8('1234567812345678'),
  message: utf8('message digest'),
  k: 0x59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21n,
  r: 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3',
  s: 'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa',
};
const vectorKey = new Sm2SigningPrivateKey(VECTOR.d);
const vectorSignature = fromHex(VECTOR.r + VECTOR.s);

/** Native KeyObjects for `d`; node:crypto applies OpenSSL's own distinguishing id. */
function nativeKeys(d: bigint): {
  priv: ReturnType<typeof createPrivateKey>;
  pub: ReturnType<typeof createPublicKey>;
} {
  const raw = publicFromScalar(d);
  const secret = fromHex(d.toString(16).padStart(64, '0'));
  return {
    priv: createPrivateKey({
      key: Buffer.from(pkcs8Der('sm2', secret, raw)),
      format: 'der',
      type: 'pkcs8',
    }),
    pub: createPublicKey({ key: Buffer.from(spkiDer('sm2', raw)), format: 'der', type: 'spki' }),
  };
}

describe(sm2Sign.name, () => {
  it('reproduces the GM/T 0003.5 example r and s from d and k', () => {
    expect(toHex(vectorKey.publicKey.raw)).toBe(VECTOR.publicKey);
    const signature = sm2Sign(vectorKey, VECTOR.message, { id: VECTOR.id, k: VECTOR.k });
    expect(toHex(signature)).toBe(VECTOR.r + VECTOR.s);
  });

  it('uses the default id "1234567812345678" when none is given', () => {
    expect(toHex(sm2Sign(vectorKey, VECTOR.message, { k: VECTOR.k }))).toBe(VECTOR.r + VECTOR.s);
  });

  it('gives a different signature under another id', () => {
    const signature = sm2Sign(vectorKey, VECTOR.message, {
      id: utf8('ALICE123@YAHOO.COM'),
      k: VECTOR.k,
    });
    expect(toHex(signature)).not.toBe(VECTOR.r + VECTOR.s);
    expect(
      sm2Verify(vectorKey.publicKey, VECTOR.message, signature, { id: utf8('ALICE123@YAHOO.COM') }),
    ).toBe(true);
    expect(sm2Verify(vectorKey.publicKey, VECTOR.message, signature)).toBe(false);
  });

  it('rejects a nonce outside [1, n − 1] and keys of other algorithms', () => {
    expect(() => sm2Sign(vectorKey, VECTOR.message, { k: 0n })).toThrow(/options.k/);
    expect(() => sm2Sign({} as never, VECTOR.message)).toThrow(TypeError);
  });
});

describe(sm2Verify.name, () => {
  it('accepts the GM/T 0003.5 example signature, from a key object or raw bytes', () => {
    expect(sm2Verify(vectorKey.publicKey, VECTOR.message, vectorSignature)).toBe(true);
    expect(
      sm2Verify(fromHex(VECTOR.publicKey), VECTOR.message, vectorSignature, { id: VECTOR.id }),
    ).toBe(true);
  });

  it('rejects every single-bit change of the signature or the message', () => {
    for (let bit = 0; bit < 512; bit += 7) {
      const bad = new Uint8Array(vectorSignature);
      bad[bit >> 3]! ^= 1 << (bit & 7);
      expect(sm2Verify(vectorKey.publicKey, VECTOR.message, bad)).toBe(false);
    }
    expect(sm2Verify(vectorKey.publicKey, utf8('message digesT'), vectorSignature)).toBe(false);
  });

  it('returns false for r or s out of range and for wrong lengths', () => {
    const n = 'fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123';
    for (const hex of [
      '00'.repeat(32) + VECTOR.s,
      VECTOR.r + '00'.repeat(32),
      n + VECTOR.s,
      VECTOR.r + n,
    ]) {
      expect(sm2Verify(vectorKey.publicKey, VECTOR.message, fromHex(hex))).toBe(false);
    }
    expect(sm2Verify(vectorKey.publicKey, VECTOR.message, vectorSignature.subarray(1))).toBe(false);
  });
});

describe(nativeSm2DistinguishingId.name, () => {
  it('finds the id OpenSSL applies, and native verification agrees with it on the vector', () => {
    const native = nativeSm2DistinguishingId();
    expect(
      native === null || native.length === 0 || toHex(native) === toHex(DEFAULT_ID_BYTES),
    ).toBe(true);
    const { pub } = nativeKeys(VECTOR.d);
    const nativeAcceptsVector = nativeVerify(
      null,
      VECTOR.message,
      pub,
      signatureToDer(vectorSignature),
    );
    // OpenSSL 3.0 (Node 20) uses the empty id, so it rejects the standard example.
    expect(nativeAcceptsVector).toBe(native !== null && native.length === 16);
  });
});

describe('SM2 pure implementation against OpenSSL (differential)', () => {
  const native = nativeSm2DistinguishingId();
  const message = fc.uint8Array({ maxLength: 200 });
  const maybe = native === null ? it.skip : it;

  maybe('verifies natively made signatures (sign native → verify pure)', () => {
    const id = native!;
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 2n ** 255n }), message, (d, m) => {
        const { priv } = nativeKeys(d);
        const signature = signatureFromDer(nativeSign(null, m, priv));
        const key = new Sm2SigningPublicKey(publicFromScalar(d));
        expect(sm2Verify(key, m, signature, { id })).toBe(true);
        expect(sm2Verify(key, m, signature)).toBe(id.length === 16);
      }),
      { numRuns: 100 },
    );
  });

  maybe('makes signatures OpenSSL verifies (sign pure → verify native)', () => {
    const id = native!;
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 2n ** 255n }), message, (d, m) => {
        const { pub } = nativeKeys(d);
        const signature = sm2Sign(new Sm2SigningPrivateKey(d), m, { id });
        expect(nativeVerify(null, m, pub, signatureToDer(signature))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  maybe("keeps a key whose id is OpenSSL's on the native path, interoperable with pure", () => {
    const key = new Sm2SigningPrivateKey(VECTOR.d, native!);
    for (let i = 0; i < 20; i++) {
      const m = utf8(`entry ${i}`);
      const signature = key.sign(m);
      expect(key.publicKey.verify(m, signature)).toBe(true);
      expect(sm2Verify(key.publicKey, m, signature, { id: native! })).toBe(true);
    }
  });
});

describe(Sm2SigningPublicKey.name, () => {
  describe('verify()', () => {
    it('switches to the full table after repeated use and keeps the same answers', () => {
      const key = new Sm2SigningPrivateKey(0xabcdefn);
      const m = utf8('hot key');
      const signature = key.sign(m);
      for (let i = 0; i < 12; i++) {
        expect(key.publicKey.verify(m, signature)).toBe(true);
        expect(key.publicKey.verify(utf8('other'), signature)).toBe(false);
      }
    });

    it('caches Z_A for its own id (GB/T 32918.2 §5.5)', () => {
      expect(toHex(vectorKey.publicKey.z)).toBe(toHex(sm2Z(VECTOR.id, vectorKey.publicKey.raw)));
      expect(bigintFromBytes(vectorKey.publicKey.z)).not.toBe(0n);
    });
  });
});
