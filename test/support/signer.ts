// One signer of test submissions: each named actor gets its own key, and every submission a
// fresh idempotency key `<idemPrefix>-<pid>-<counter>`, so runs never collide on the ledger.
import { getSuite, type SigningPrivateKey, type SuiteId } from '@govx/crypto';
import { createSubmission, type Submission } from '@govx/ledger-core';

export interface Signer<Who extends string> {
  readonly actors: Readonly<Record<Who, string>>;
  readonly keys: Readonly<Record<Who, SigningPrivateKey>>;
  /** `{actor, publicKeyPem}` of every actor, as the ledger's key registry takes them. */
  readonly registry: { actor: string; publicKeyPem: string }[];
  sign(who: Who, type: string, body: Record<string, unknown>): Submission;
}

export function createSigner<Who extends string>(
  actors: Readonly<Record<Who, string>>,
  idemPrefix: string,
  suite: SuiteId = 'intl',
): Signer<Who> {
  const names = Object.keys(actors) as Who[];
  const keys = Object.fromEntries(
    names.map((w) => [w, getSuite(suite).generateSigningKey()]),
  ) as Record<Who, SigningPrivateKey>;
  let counter = 0;
  return {
    actors,
    keys,
    registry: names.map((w) => ({ actor: actors[w], publicKeyPem: keys[w].publicKey.toPem() })),
    sign: (who, type, body) =>
      createSubmission(
        {
          type,
          actor: actors[who],
          idem: `${idemPrefix}-${process.pid}-${counter++}`,
          body: body as never,
        },
        keys[who],
      ),
  };
}
