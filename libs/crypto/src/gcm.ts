// Galois/Counter Mode (NIST SP 800-38D) for a 128-bit block cipher that OpenSSL offers only
// in ECB and CTR modes: SM4 on OpenSSL 3.0 (SM4-GCM arrived in OpenSSL 3.2). Encryption is
// native CTR; only GHASH is computed here. 96-bit nonces and 128-bit tags only.
//
// With a 96-bit IV, J0 = IV ‖ 0³¹ ‖ 1 and the keystream starts at inc32(J0). OpenSSL's CTR
// increments all 128 bits, which equals inc32 until the low word wraps after 2³² − 2 blocks;
// SP 800-38D §5.2.1.1 caps the plaintext below that, and so does MAX_GCM_PLAINTEXT.
import { createCipheriv, timingSafeEqual } from 'node:crypto';
import { concatBytes } from './bytes.js';
import { DecryptionError } from './errors.js';

export type GcmBlockCipher = 'sm4' | 'aes-128' | 'aes-256';
export const GCM_NONCE_LENGTH = 12;
export const GCM_TAG_LENGTH = 16;
/** 2³⁶ − 32 bytes: SP 800-38D §5.2.1.1, len(P) ≤ 2³⁹ − 256 bits. */
export const MAX_GCM_PLAINTEXT = 2 ** 36 - 32;

/**
 * Per-key tables for multiplication by H in GF(2¹²⁸): entry (j, b) holds (b at byte j)·H as
 * four big-endian words, so X·H is the XOR of 16 lookups (Shoup's 8-bit method).
 */
function ghashTables(h: Uint8Array): Uint32Array {
  const t = new Uint32Array(16 * 256 * 4);
  const view = new DataView(h.buffer, h.byteOffset, 16);
  let v0 = view.getUint32(0);
  let v1 = view.getUint32(4);
  let v2 = view.getUint32(8);
  let v3 = view.getUint32(12);
  for (let i = 0; i < 128; i++) {
    const at = (((i >> 3) << 8) | (0x80 >> (i & 7))) << 2;
    t[at] = v0;
    t[at + 1] = v1;
    t[at + 2] = v2;
    t[at + 3] = v3;
    // V ← V·x: a right shift in GCM's bit order, reduced by R = 0xe1 ‖ 0¹²⁰ (§6.3).
    const carry = v3 & 1;
    v3 = (v3 >>> 1) | (v2 << 31);
    v2 = (v2 >>> 1) | (v1 << 31);
    v1 = (v1 >>> 1) | (v0 << 31);
    v0 = (v0 >>> 1) ^ (carry ? 0xe1000000 : 0);
  }
  for (let j = 0; j < 16; j++) {
    for (let b = 1; b < 256; b++) {
      const low = b & -b;
      if (low === b) continue;
      const at = ((j << 8) | b) << 2;
      const x = ((j << 8) | low) << 2;
      const y = ((j << 8) | (b ^ low)) << 2;
      for (let w = 0; w < 4; w++) t[at + w] = t[x + w]! ^ t[y + w]!;
    }
  }
  return t;
}

class Ghash {
  private readonly t: Uint32Array;
  private y = new Uint32Array(4);
  private readonly block = new Uint8Array(16);

  constructor(h: Uint8Array) {
    this.t = ghashTables(h);
  }

  /** Absorbs `data` zero-padded to a whole number of blocks (the A and C inputs of §7.1). */
  updatePadded(data: Uint8Array): void {
    for (let offset = 0; offset < data.length; offset += 16) {
      if (offset + 16 <= data.length) {
        this.absorb(data, offset);
      } else {
        this.block.fill(0);
        this.block.set(data.subarray(offset));
        this.absorb(this.block, 0);
      }
    }
  }

  /** Absorbs [len(A)]₆₄ ‖ [len(C)]₆₄ in bits and returns S. */
  finish(aadLength: number, ciphertextLength: number): Uint8Array {
    const view = new DataView(this.block.buffer);
    view.setBigUint64(0, BigInt(aadLength) * 8n);
    view.setBigUint64(8, BigInt(ciphertextLength) * 8n);
    this.absorb(this.block, 0);
    const out = new Uint8Array(16);
    const outView = new DataView(out.buffer);
    for (let w = 0; w < 4; w++) outView.setUint32(4 * w, this.y[w]!);
    return out;
  }

  private absorb(data: Uint8Array, offset: number): void {
    const { t, y } = this;
    let z0 = 0;
    let z1 = 0;
    let z2 = 0;
    let z3 = 0;
    for (let j = 0; j < 16; j++) {
      const b = data[offset + j]! ^ ((y[j >> 2]! >>> (24 - 8 * (j & 3))) & 0xff);
      if (b === 0) continue;
      const at = ((j << 8) | b) << 2;
      z0 ^= t[at]!;
      z1 ^= t[at + 1]!;
      z2 ^= t[at + 2]!;
      z3 ^= t[at + 3]!;
    }
    y[0] = z0;
    y[1] = z1;
    y[2] = z2;
    y[3] = z3;
  }
}

interface GcmState {
  readonly ghash: Ghash;
  /** E(K, J0), which masks the tag. */
  readonly tagMask: Uint8Array;
  /** inc32(J0), the first counter block of the keystream. */
  readonly counter: Uint8Array;
}

function setup(cipher: GcmBlockCipher, key: Uint8Array, nonce: Uint8Array): GcmState {
  const j0 = new Uint8Array(16);
  j0.set(nonce);
  j0[15] = 1;
  const ecb = createCipheriv(`${cipher}-ecb`, key, null).setAutoPadding(false);
  const blocks = new Uint8Array(ecb.update(concatBytes(new Uint8Array(16), j0)));
  const counter = new Uint8Array(j0);
  counter[15] = 2;
  return { ghash: new Ghash(blocks.subarray(0, 16)), tagMask: blocks.subarray(16, 32), counter };
}

function ctr(
  cipher: GcmBlockCipher,
  key: Uint8Array,
  counter: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  const c = createCipheriv(`${cipher}-ctr`, key, counter);
  const head = c.update(data);
  const tail = c.final();
  return tail.length === 0 ? new Uint8Array(head) : new Uint8Array(Buffer.concat([head, tail]));
}

function tag(state: GcmState, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  state.ghash.updatePadded(aad);
  state.ghash.updatePadded(ciphertext);
  const s = state.ghash.finish(aad.length, ciphertext.length);
  for (let i = 0; i < 16; i++) s[i]! ^= state.tagMask[i]!;
  return s;
}

/** GCM-AE (SP 800-38D §7.1): ciphertext ‖ tag. Preconditions checked by the caller. */
export function gcmSeal(
  cipher: GcmBlockCipher,
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  if (plaintext.length > MAX_GCM_PLAINTEXT)
    throw new RangeError('plaintext: longer than GCM allows');
  const state = setup(cipher, key, nonce);
  const out = new Uint8Array(plaintext.length + GCM_TAG_LENGTH);
  out.set(ctr(cipher, key, state.counter, plaintext));
  out.set(tag(state, aad, out.subarray(0, plaintext.length)), plaintext.length);
  return out;
}

/** GCM-AD (SP 800-38D §7.2): checks the tag before decrypting; DecryptionError on mismatch. */
export function gcmOpen(
  cipher: GcmBlockCipher,
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertextAndTag: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  if (ciphertextAndTag.length < GCM_TAG_LENGTH)
    throw new DecryptionError('ciphertext shorter than the tag');
  const split = ciphertextAndTag.length - GCM_TAG_LENGTH;
  const ciphertext = ciphertextAndTag.subarray(0, split);
  const state = setup(cipher, key, nonce);
  if (!timingSafeEqual(tag(state, aad, ciphertext), ciphertextAndTag.subarray(split))) {
    throw new DecryptionError('authentication tag mismatch');
  }
  return ctr(cipher, key, state.counter, ciphertext);
}
