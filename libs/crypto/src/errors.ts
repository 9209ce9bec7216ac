// One error class per failure, each with `cause` (the nats.js pattern). Callers map them at
// the edge; core code never turns them into transport errors.

/** Base class of every error this library throws on purpose (besides argument TypeErrors). */
export class CryptoError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Opening or AEAD decryption failed: tampered bytes, wrong key, wrong aad, truncated or
 * unknown envelope. The message says which check failed, never anything about the plaintext.
 */
export class DecryptionError extends CryptoError {}

/** A PEM, JWK or raw key could not be imported; the message names the problem. */
export class KeyFormatError extends CryptoError {}
