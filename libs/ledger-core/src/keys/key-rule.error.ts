import { LedgerError } from '../errors.js';

/** Stable reasons a key entry, or a key's use, breaks the key registry's rules. */
export const KeyRule = {
  /** The body (or a bootstrap key) is not well formed; `field` names the member. */
  Malformed: 'malformed',
  /** The signer may not do this (not an admin, and not the key's own actor). */
  Forbidden: 'forbidden',
  /** The roles break separation of duties. */
  SeparationOfDuties: 'separation-of-duties',
  /** The department is missing, or differs from the actor's. */
  Department: 'department',
  /** The key id is already registered (keys are never registered twice, even after revocation). */
  KeyExists: 'key-exists',
  /** The key to rotate or revoke is unknown, or no longer valid. */
  KeyNotLive: 'key-not-live',
  /** The rotation changes the key's use. */
  UseMismatch: 'use-mismatch',
  /** This would leave the ledger without a live admin signing key. */
  LastAdmin: 'last-admin',
  /** The entry's own key is not a valid signing key of its actor at its seq. */
  SignerInvalid: 'signer-invalid',
  /** Entries fed out of order. */
  Order: 'order',
} as const;
export type KeyRule = (typeof KeyRule)[keyof typeof KeyRule];

export class KeyRuleError extends LedgerError {
  constructor(
    readonly rule: KeyRule,
    message: string,
    /** JSON pointer of the member at fault, e.g. `/body/roles`, or null. */
    readonly field: string | null = null,
  ) {
    super(message);
  }
}
