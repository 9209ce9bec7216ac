// Body schemas of the key entry types (decision 0006, docs/access.md). The rules that go
// beyond shape (who may register, separation of duties, key validity per seq) live in
// @govx/ledger-core's KeyRegistry, so that auditors apply them without this package.
import { KeyEntryType, KeyUse, ROLES } from '@govx/ledger-core';
import { defineEntryType } from './entry-types.js';

const ACTOR = { type: 'string', pattern: '^[a-z0-9][a-z0-9._:/-]{0,127}$' } as const;
const KEY_ID = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const PUBLIC_KEY = {
  type: 'string',
  minLength: 1,
  maxLength: 4096,
  pattern: '-----BEGIN PUBLIC KEY-----',
} as const;
const USE = { enum: [KeyUse.Sign, KeyUse.Encrypt] } as const;

export const KeyRegisterEntry = defineEntryType({
  type: KeyEntryType.Register,
  summary: 'Registers a public key for an actor, with its use, roles and department.',
  submitters: ['^gov/admin/.+$', '^.+$'],
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['actor', 'publicKey', 'use', 'roles'],
    properties: {
      actor: ACTOR,
      publicKey: PUBLIC_KEY,
      use: USE,
      roles: { type: 'array', maxItems: 16, uniqueItems: true, items: { enum: [...ROLES] } },
      department: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
    },
  },
});

export const KeyRotateEntry = defineEntryType({
  type: KeyEntryType.Rotate,
  summary: 'Replaces a live key of an actor by a new one (same actor, use, roles, department).',
  submitters: ['^.+$'],
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['oldKeyId', 'publicKey', 'use'],
    properties: { oldKeyId: KEY_ID, publicKey: PUBLIC_KEY, use: USE },
  },
});

export const KeyRevokeEntry = defineEntryType({
  type: KeyEntryType.Revoke,
  summary: 'Revokes a live key: it counts no more after this entry.',
  submitters: ['^.+$'],
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['keyId', 'reason'],
    properties: { keyId: KEY_ID, reason: { type: 'string', minLength: 1, maxLength: 1024 } },
  },
});

/**
 * NATS subjects of departments (docs/access.md §3). Everything addressed to department D
 * (deliveries, notifications, requests to its gateway) goes under `govx.dept.D.>`; D submits
 * ledger entries on its own submit subjects, where the ledger checks that each entry's actor
 * belongs to D. Department names match `^[a-z0-9][a-z0-9-]{0,63}$` (one subject token).
 */
export const DepartmentSubjects = {
  /** Prefix of what is addressed to D: subscribe to `${to(d)}.>`. */
  to: (department: string): string => `govx.dept.${department}`,
  submit: (department: string): string => `govx.ledger.submit.dept.${department}`,
  submitBatch: (department: string): string => `govx.ledger.submit.dept.${department}.batch`,
  /** The ledger's intake subscribes to these. */
  SubmitAny: 'govx.ledger.submit.dept.*',
  SubmitBatchAny: 'govx.ledger.submit.dept.*.batch',
  /** Reply inbox prefix of D's connections (nats.js `inboxPrefix`). */
  inboxPrefix: (department: string): string => `_INBOX.dept.${department}`,
} as const;

/** The department a department submit subject names, or null for any other subject. */
export function departmentOfSubmitSubject(subject: string): string | null {
  const m = /^govx\.ledger\.submit\.dept\.([a-z0-9][a-z0-9-]{0,63})(\.batch)?$/.exec(subject);
  return m ? m[1]! : null;
}
