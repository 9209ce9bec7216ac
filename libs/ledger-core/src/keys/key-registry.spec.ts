import { describe, expect, it } from '@jest/globals';
import { getSuite, type SigningPrivateKey } from '@govx/crypto';
import { createSubmission } from '../entry/entry.js';
import { LogAppender } from '../entry/log-appender.js';
import { VerifyReason } from '../errors.js';
import { StreamingVerifier } from '../verifier/streaming-verifier.js';
import { KeyEntryType, KeyUse } from './key-entries.js';
import { KeyRegistry, KeyStatus, type KeyEntryInput } from './key-registry.js';
import { KeyRule, KeyRuleError } from './key-rule.error.js';
import { Role } from './roles.js';

const intl = getSuite('intl');
const sm = getSuite('sm');
const admin = intl.generateSigningKey();
const ADMIN = 'gov/admin/alice';

function registry(): KeyRegistry {
  return new KeyRegistry([
    { actor: ADMIN, publicKeyPem: admin.publicKey.toPem(), roles: [Role.Admin] },
  ]);
}

function entry(
  seq: number,
  type: string,
  signer: SigningPrivateKey,
  actor: string,
  body: Record<string, unknown>,
): KeyEntryInput {
  return { seq, type, actor, keyId: signer.publicKey.keyId, body };
}

function register(
  seq: number,
  key: { publicKey: { toPem(): string } },
  actor: string,
  roles: Role[],
  extra: Record<string, unknown> = {},
  signer = admin,
  signerActor = ADMIN,
): KeyEntryInput {
  return entry(seq, KeyEntryType.Register, signer, signerActor, {
    actor,
    publicKey: key.publicKey.toPem(),
    use: KeyUse.Sign,
    roles,
    ...extra,
  });
}

function refused(r: KeyRegistry, e: KeyEntryInput): KeyRuleError {
  try {
    r.apply(e);
  } catch (err) {
    expect(err).toBeInstanceOf(KeyRuleError);
    return err as KeyRuleError;
  }
  throw new Error('expected a KeyRuleError');
}

const GATEWAY = 'dept/tax/gateway';
const gwRoles = { department: 'tax' };

describe(KeyRegistry.name, () => {
  describe('constructor()', () => {
    it('makes bootstrap keys valid from seq 0', () => {
      const r = registry();
      expect(r.status(admin.publicKey.keyId, 0, ADMIN)).toBe(KeyStatus.Valid);
      expect(r.resolve(admin.publicKey.keyId, 0)).toBe(r.record(admin.publicKey.keyId)!.key);
      expect(r.lookup(admin.publicKey.keyId, 5)).toMatchObject({
        actor: ADMIN,
        roles: [Role.Admin],
        use: 'sign',
        department: null,
      });
    });

    it('refuses bootstrap keys that break separation of duties, naming the key', () => {
      const other = intl.generateSigningKey();
      expect(
        () =>
          new KeyRegistry([
            { actor: ADMIN, publicKeyPem: admin.publicKey.toPem(), roles: [Role.Admin] },
            { actor: ADMIN, publicKeyPem: other.publicKey.toPem(), roles: [Role.Auditor] },
          ]),
      ).toThrow(expect.objectContaining({ rule: KeyRule.SeparationOfDuties, field: '/1/roles' }));
    });

    it('refuses a duplicate or malformed bootstrap key', () => {
      const pem = admin.publicKey.toPem();
      expect(
        () =>
          new KeyRegistry([
            { actor: 'a', publicKeyPem: pem },
            { actor: 'b', publicKeyPem: pem },
          ]),
      ).toThrow(expect.objectContaining({ rule: KeyRule.KeyExists }));
      expect(() => new KeyRegistry([{ actor: 'a', publicKeyPem: 'junk' }])).toThrow(
        expect.objectContaining({ rule: KeyRule.Malformed, field: '/0/publicKeyPem' }),
      );
      expect(() => new KeyRegistry([{ actor: 'A B', publicKeyPem: pem }])).toThrow(
        expect.objectContaining({ field: '/0/actor' }),
      );
    });
  });

  describe('apply() key.register', () => {
    it('makes a key count from the entry after its registration, not before', () => {
      const r = registry();
      const gw = sm.generateSigningKey();
      r.apply(register(3, gw, GATEWAY, [Role.DepartmentSystem], gwRoles));
      const id = gw.publicKey.keyId;
      expect(r.status(id, 2, GATEWAY)).toBe(KeyStatus.NotYetValid);
      expect(r.status(id, 3, GATEWAY)).toBe(KeyStatus.NotYetValid);
      expect(r.resolve(id, 3)).toBeUndefined();
      expect(r.status(id, 4, GATEWAY)).toBe(KeyStatus.Valid);
      expect(r.status(id, 4, 'dept/land/gateway')).toBe(KeyStatus.WrongActor);
      expect(r.lookup(id, 4)).toMatchObject({
        actor: GATEWAY,
        department: 'tax',
        roles: ['department-system'],
      });
    });

    it('refuses a registration by a key that is not an admin, for another actor', () => {
      const r = registry();
      const gw = intl.generateSigningKey();
      r.apply(register(0, gw, GATEWAY, [Role.DepartmentSystem], gwRoles));
      const e = refused(
        r,
        register(1, intl.generateSigningKey(), 'dept/land/gateway', [], {}, gw, GATEWAY),
      );
      expect(e).toMatchObject({ rule: KeyRule.Forbidden });
    });

    it('lets an actor register another key of its own with roles it holds', () => {
      const r = registry();
      const gw = intl.generateSigningKey();
      r.apply(register(0, gw, GATEWAY, [Role.DepartmentSystem], gwRoles));
      const enc = intl.generateEncryptionKey();
      r.apply(
        entry(1, KeyEntryType.Register, gw, GATEWAY, {
          actor: GATEWAY,
          publicKey: enc.publicKey.toPem(),
          use: KeyUse.Encrypt,
          roles: [Role.DepartmentSystem],
          department: 'tax',
        }),
      );
      expect(r.status(enc.publicKey.keyId, 2, GATEWAY)).toBe(KeyStatus.NotSigning);
      expect(r.resolve(enc.publicKey.keyId, 2)).toBeUndefined();
      expect(r.lookup(enc.publicKey.keyId, 2)?.use).toBe('encrypt');
      const e = refused(
        r,
        register(2, intl.generateSigningKey(), GATEWAY, [Role.Officer], gwRoles, gw, GATEWAY),
      );
      expect(e.rule).toBe(KeyRule.Forbidden);
    });

    it('enforces separation of duties: admin, auditor, operator apart; no approving admin', () => {
      const r = registry();
      expect(
        refused(r, register(0, intl.generateSigningKey(), 'gov/x', [Role.Admin, Role.Auditor]))
          .rule,
      ).toBe(KeyRule.SeparationOfDuties);
      expect(
        refused(
          r,
          register(0, intl.generateSigningKey(), ADMIN, [Role.Officer], { department: 'tax' }),
        ).rule,
      ).toBe(KeyRule.SeparationOfDuties);
      expect(refused(r, register(0, intl.generateSigningKey(), ADMIN, [Role.Operator])).field).toBe(
        '/body/roles',
      );
      r.apply(register(0, intl.generateSigningKey(), 'gov/operator/bob', [Role.Operator]));
      expect(
        refused(r, register(1, intl.generateSigningKey(), 'gov/operator/bob', [Role.Auditor])).rule,
      ).toBe(KeyRule.SeparationOfDuties);
    });

    it('checks departments', () => {
      const r = registry();
      expect(
        refused(r, register(0, intl.generateSigningKey(), 'dept/tax/officer/li', [Role.Officer]))
          .rule,
      ).toBe(KeyRule.Department);
      expect(
        refused(
          r,
          register(0, intl.generateSigningKey(), GATEWAY, [Role.DepartmentSystem], {
            department: 'land',
          }),
        ).field,
      ).toBe('/body/department');
    });

    it('never registers the same key twice, even after revocation', () => {
      const r = registry();
      const gw = intl.generateSigningKey();
      r.apply(register(0, gw, GATEWAY, [Role.DepartmentSystem], gwRoles));
      r.apply(
        entry(1, KeyEntryType.Revoke, admin, ADMIN, { keyId: gw.publicKey.keyId, reason: 'left' }),
      );
      expect(refused(r, register(2, gw, GATEWAY, [Role.DepartmentSystem], gwRoles)).rule).toBe(
        KeyRule.KeyExists,
      );
    });

    it('names the malformed member', () => {
      const r = registry();
      const base = register(
        0,
        intl.generateSigningKey(),
        GATEWAY,
        [Role.DepartmentSystem],
        gwRoles,
      );
      const body = base.body as Record<string, unknown>;
      for (const [patch, field] of [
        [{ roles: ['root'] }, '/body/roles/0'],
        [{ use: 'both' }, '/body/use'],
        [{ actor: 'Not An Actor' }, '/body/actor'],
        [{ publicKey: 'x' }, '/body/publicKey'],
        [{ extra: 1 }, '/body/extra'],
        [{ use: 'encrypt' }, '/body/publicKey'],
      ] as const) {
        const e = refused(r, { ...base, body: { ...body, ...patch } });
        expect(e).toMatchObject({ rule: KeyRule.Malformed, field });
      }
      expect(refused(r, { ...base, body: null }).field).toBe('/body');
    });
  });

  describe('apply() key.rotate', () => {
    it('ends the old key after the rotation entry and carries actor and roles over', () => {
      const r = registry();
      const gw = intl.generateSigningKey();
      const next = intl.generateSigningKey();
      r.apply(register(0, gw, GATEWAY, [Role.DepartmentSystem], gwRoles));
      r.apply(
        entry(5, KeyEntryType.Rotate, gw, GATEWAY, {
          oldKeyId: gw.publicKey.keyId,
          publicKey: next.publicKey.toPem(),
          use: 'sign',
        }),
      );
      expect(r.status(gw.publicKey.keyId, 5, GATEWAY)).toBe(KeyStatus.Valid);
      expect(r.status(gw.publicKey.keyId, 6, GATEWAY)).toBe(KeyStatus.Rotated);
      expect(r.status(next.publicKey.keyId, 5, GATEWAY)).toBe(KeyStatus.NotYetValid);
      expect(r.lookup(next.publicKey.keyId, 6)).toMatchObject({
        actor: GATEWAY,
        roles: ['department-system'],
        department: 'tax',
      });
    });

    it('refuses a rotation of someone else’s key by a non-admin, and of an ended key', () => {
      const r = registry();
      const gw = intl.generateSigningKey();
      const land = intl.generateSigningKey();
      r.apply(register(0, gw, GATEWAY, [Role.DepartmentSystem], gwRoles));
      r.apply(
        register(1, land, 'dept/land/gateway', [Role.DepartmentSystem], { department: 'land' }),
      );
      const rotate = (seq: number, signer: SigningPrivateKey, actor: string, old: string) =>
        entry(seq, KeyEntryType.Rotate, signer, actor, {
          oldKeyId: old,
          publicKey: intl.generateSigningKey().publicKey.toPem(),
          use: 'sign',
        });
      expect(refused(r, rotate(2, land, 'dept/land/gateway', gw.publicKey.keyId)).rule).toBe(
        KeyRule.Forbidden,
      );
      r.apply(rotate(2, admin, ADMIN, gw.publicKey.keyId));
      expect(refused(r, rotate(3, admin, ADMIN, gw.publicKey.keyId)).rule).toBe(KeyRule.KeyNotLive);
      expect(refused(r, rotate(3, gw, GATEWAY, land.publicKey.keyId)).rule).toBe(
        KeyRule.SignerInvalid,
      );
    });
  });

  describe('apply() key.revoke', () => {
    it('lets an actor revoke its own key, signed by that key, and ends it after that entry', () => {
      const r = registry();
      const gw = intl.generateSigningKey();
      r.apply(register(0, gw, GATEWAY, [Role.DepartmentSystem], gwRoles));
      r.apply(
        entry(4, KeyEntryType.Revoke, gw, GATEWAY, { keyId: gw.publicKey.keyId, reason: 'lost' }),
      );
      expect(r.status(gw.publicKey.keyId, 4, GATEWAY)).toBe(KeyStatus.Valid);
      expect(r.status(gw.publicKey.keyId, 5, GATEWAY)).toBe(KeyStatus.Revoked);
      expect(r.record(gw.publicKey.keyId)).toMatchObject({ since: 0, until: 4, ended: 'revoked' });
    });

    it('keeps the last admin key', () => {
      const r = registry();
      expect(
        refused(
          r,
          entry(0, KeyEntryType.Revoke, admin, ADMIN, {
            keyId: admin.publicKey.keyId,
            reason: 'x',
          }),
        ).rule,
      ).toBe(KeyRule.LastAdmin);
      const second = intl.generateSigningKey();
      r.apply(register(0, second, 'gov/admin/bob', [Role.Admin]));
      r.apply(
        entry(1, KeyEntryType.Revoke, second, 'gov/admin/bob', {
          keyId: admin.publicKey.keyId,
          reason: 'x',
        }),
      );
      expect(r.status(admin.publicKey.keyId, 2, ADMIN)).toBe(KeyStatus.Revoked);
      // Alice no longer counts as an admin: her revoked key cannot sign anything.
      expect(refused(r, register(2, intl.generateSigningKey(), 'gov/z', [])).rule).toBe(
        KeyRule.SignerInvalid,
      );
    });
  });

  describe('apply()', () => {
    it('refuses entries out of order and changes nothing on refusal', () => {
      const r = registry();
      r.apply({ seq: 3, type: 'request', actor: GATEWAY, keyId: admin.publicKey.keyId, body: {} });
      expect(refused(r, register(3, intl.generateSigningKey(), 'gov/z', [])).rule).toBe(
        KeyRule.Order,
      );
      const before = r.records();
      refused(r, register(4, intl.generateSigningKey(), 'gov/x', [Role.Admin, Role.Operator]));
      expect(r.records()).toEqual(before);
      expect(r.lastSeq).toBe(3);
    });

    it('clone() is independent', () => {
      const r = registry();
      const c = r.clone();
      c.apply(register(0, intl.generateSigningKey(), 'gov/z', []));
      expect(c.records()).toHaveLength(2);
      expect(r.records()).toHaveLength(1);
      expect(r.lastSeq).toBe(-1);
    });
  });

  describe('resolve() with StreamingVerifier', () => {
    it('refuses an entry signed by a key registered after it, and one signed after revocation', () => {
      const gw = intl.generateSigningKey();
      const appender = new LogAppender();
      const at = (i: number) => Date.UTC(2026, 10, 30, 0, 0, i);
      const submit = (
        type: string,
        actor: string,
        key: SigningPrivateKey,
        body: Record<string, unknown>,
        i: number,
      ) =>
        appender.append(
          createSubmission({ type, actor, idem: `i-${i}`, body: body as never }, key),
          at(i),
        );
      const good = [
        submit(
          KeyEntryType.Register,
          ADMIN,
          admin,
          {
            actor: GATEWAY,
            publicKey: gw.publicKey.toPem(),
            use: 'sign',
            roles: ['department-system'],
            department: 'tax',
          },
          0,
        ),
        submit('request', GATEWAY, gw, { n: 1 }, 1),
        submit(KeyEntryType.Revoke, ADMIN, admin, { keyId: gw.publicKey.keyId, reason: 'gone' }, 2),
      ];
      const late = submit('request', GATEWAY, gw, { n: 2 }, 3);
      const verify = (entries: typeof good) => {
        const r = registry();
        const v = new StreamingVerifier({ keys: r.resolve });
        for (const e of entries) {
          v.pushEntry(e.bytes);
          r.apply({ ...e.fields });
        }
        return v.summary();
      };
      expect(verify(good)).toMatchObject({ ok: true, size: 3 });
      expect(verify([...good, late]).firstBad).toMatchObject({
        seq: 3,
        reason: VerifyReason.UnknownKey,
      });

      const early = new LogAppender();
      const first = early.append(
        createSubmission({ type: 'request', actor: GATEWAY, idem: 'e', body: {} }, gw),
        at(0),
      );
      const reg = early.append(
        createSubmission(
          {
            type: KeyEntryType.Register,
            actor: ADMIN,
            idem: 'r',
            body: {
              actor: GATEWAY,
              publicKey: gw.publicKey.toPem(),
              use: 'sign',
              roles: ['department-system'],
              department: 'tax',
            },
          },
          admin,
        ),
        at(1),
      );
      expect(verify([first, reg]).firstBad).toMatchObject({
        seq: 0,
        reason: VerifyReason.UnknownKey,
      });
    });
  });
});
