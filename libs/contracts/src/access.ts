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
