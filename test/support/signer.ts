// One signer of test submissions: each named actor gets its own key, and every submission a
// fresh idempotency key `<idemPrefix>-<pid>-<counter>`, so runs never collide on the ledger;
// and the approval a test signs in the policy engine's place.
import { getSuite, type SigningPrivateKey, type SuiteId } from '@govx/crypto';
import type { DecisionApproveBody } from '@govx/contracts';
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

/** Overrides of a test approval's body, and who signs it (default `gov/policy-engine`). */
export type ApprovalOverrides = Partial<Omit<DecisionApproveBody, 'request' | 'fields'>> & {
  readonly actor?: string;
};

/**
 * A `decision.approve` of `fields` of `request` (a receipt or an entry ref), signed by `key`:
 * final, valid for an hour, under policy `e2e` v1, unless overridden. An override left
 * undefined keeps the default (and an undefined maskingProfile is left out).
 */
export function signedApproval(
  key: SigningPrivateKey,
  idem: string,
  request:
    | { readonly seq: number; readonly leaf: string }
    | { readonly seq: number; readonly leafHash: string },
  fields: readonly string[],
  overrides: ApprovalOverrides = {},
): Submission {
  const { actor = 'gov/policy-engine', ...terms } = overrides;
  const body = {
    request: { seq: request.seq, leaf: 'leaf' in request ? request.leaf : request.leafHash },
    fields,
    final: true,
    expires: new Date(Date.now() + 3_600_000).toISOString(),
    policy: { id: 'e2e', version: 1 },
    traceHash: 'cd'.repeat(32),
    ...Object.fromEntries(Object.entries(terms).filter(([, v]) => v !== undefined)),
  };
  return createSubmission({ type: 'decision.approve', actor, idem, body: body as never }, key);
}

/** A `policy.publish` of `policy` (libs/policy's document) by `actor`, signed by `key`. */
export function signedPolicy(
  key: SigningPrivateKey,
  actor: string,
  idem: string,
  policy: { readonly policyId: string; readonly version: number; readonly provider: string },
): Submission {
  const body = {
    policyId: policy.policyId,
    version: policy.version,
    provider: policy.provider,
    document: policy,
  };
  return createSubmission({ type: 'policy.publish', actor, idem, body: body as never }, key);
}
