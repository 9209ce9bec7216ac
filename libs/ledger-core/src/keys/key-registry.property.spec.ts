// Property tests: any sequence of key entries, accepted or refused, keeps the registry's
// invariants (separation of duties, a live admin, refusals change nothing, ended keys stay
// ended) and replays to the same state.
import { describe, expect, it } from '@jest/globals';
import { getSuite } from '@govx/crypto';
import fc from 'fast-check';
import { KeyEntryType } from './key-entries.js';
import { KeyRegistry, KeyStatus, type KeyEntryInput } from './key-registry.js';
import { KeyRuleError } from './key-rule.error.js';
import { ROLES, Role, separationOfDutiesViolation } from './roles.js';

const intl = getSuite('intl');
const pool = Array.from({ length: 10 }, () => intl.generateSigningKey());
const actors = [
  'gov/admin/a',
  'gov/admin/b',
  'gov/auditor/c',
  'dept/tax/gateway',
  'dept/land/officer/d',
  'gov/x',
];
const departments = [undefined, 'tax', 'land'];
const bootstrap = [
  { actor: actors[0]!, publicKeyPem: pool[0]!.publicKey.toPem(), roles: [Role.Admin] },
];

/** The bootstrap admin signs half the entries, so that many are accepted. */
const signer = (): fc.Arbitrary<number> => fc.oneof(fc.constant(0), fc.nat(9));
const op = fc.oneof(
  fc.record({
    kind: fc.constant('register' as const),
    signer: signer(),
    key: fc.nat(9),
    actor: fc.nat(actors.length - 1),
    roles: fc.subarray([...ROLES], { maxLength: 3 }),
    department: fc.nat(2),
    asOther: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('rotate' as const),
    signer: signer(),
    old: fc.nat(9),
    key: fc.nat(9),
    asOther: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('revoke' as const),
    signer: signer(),
    key: fc.nat(9),
    asOther: fc.boolean(),
  }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

function toEntry(r: KeyRegistry, o: Op, seq: number): KeyEntryInput {
  const signer = pool[o.signer]!;
  const actor = o.asOther
    ? actors[(o.signer + 1) % actors.length]!
    : (r.record(signer.publicKey.keyId)?.actor ?? 'gov/x');
  const base = { seq, actor, keyId: signer.publicKey.keyId };
  switch (o.kind) {
    case 'register': {
      const department = departments[o.department];
      return {
        ...base,
        type: KeyEntryType.Register,
        body: {
          actor: actors[o.actor]!,
          publicKey: pool[o.key]!.publicKey.toPem(),
          use: 'sign',
          roles: o.roles,
          ...(department ? { department } : {}),
        },
      };
    }
    case 'rotate':
      return {
        ...base,
        type: KeyEntryType.Rotate,
        body: {
          oldKeyId: pool[o.old]!.publicKey.keyId,
          publicKey: pool[o.key]!.publicKey.toPem(),
          use: 'sign',
        },
      };
    case 'revoke':
      return {
        ...base,
        type: KeyEntryType.Revoke,
        body: { keyId: pool[o.key]!.publicKey.keyId, reason: 'test' },
      };
  }
}

function invariants(r: KeyRegistry, seq: number): void {
  for (const actor of actors) expect(separationOfDutiesViolation(r.rolesOf(actor, seq))).toBeNull();
  const admins = r
    .records()
    .filter((k) => k.roles.includes(Role.Admin) && r.status(k.keyId, seq) === KeyStatus.Valid);
  expect(admins.length).toBeGreaterThan(0);
  for (const k of r.records()) {
    if (k.until !== null) {
      expect(r.resolve(k.keyId, k.until)).toBe(k.key);
      expect(r.resolve(k.keyId, k.until + 1)).toBeUndefined();
      expect(r.resolve(k.keyId, seq + 100)).toBeUndefined();
    }
    expect(r.resolve(k.keyId, k.since)).toBeUndefined();
  }
}

describe(`${KeyRegistry.name} (properties)`, () => {
  it('keeps its invariants under any sequence of key entries, and replays to the same state', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 40 }),
        fc.array(fc.nat(3), { maxLength: 40 }),
        (ops, gaps) => {
          const r = new KeyRegistry(bootstrap);
          const accepted: KeyEntryInput[] = [];
          let seq = 0;
          ops.forEach((o, i) => {
            seq += 1 + (gaps[i] ?? 0);
            const e = toEntry(r, o, seq);
            const before = r.records();
            const trial = r.clone();
            try {
              r.apply(e);
              accepted.push(e);
              trial.apply(e);
              expect(trial.records()).toEqual(r.records());
            } catch (err) {
              if (!(err instanceof KeyRuleError)) throw err;
              expect(r.records()).toEqual(before);
              expect(() => trial.apply(e)).toThrow(KeyRuleError);
            }
            invariants(r, seq + 1);
          });
          const replay = new KeyRegistry(bootstrap);
          for (const e of accepted) replay.apply(e);
          expect(replay.records()).toEqual(r.records());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws anything but KeyRuleError on hostile bodies', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(KeyEntryType.Register, KeyEntryType.Rotate, KeyEntryType.Revoke),
        fc.anything(),
        (type, body) => {
          const r = new KeyRegistry(bootstrap);
          try {
            r.apply({ seq: 0, type, actor: actors[0]!, keyId: pool[0]!.publicKey.keyId, body });
          } catch (err) {
            expect(err).toBeInstanceOf(KeyRuleError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
