// Same input, same decision, forever: decisions and trace hashes of a fixed set of requests,
// pinned in testonly/golden-decisions.json. A change here changes what auditors re-compute.
// Regenerate (only for an intended, documented change of the language):
//   GOVX_UPDATE_GOLDEN=1 TZ=UTC node --experimental-vm-modules node_modules/jest/bin/jest.js libs/policy/src/golden.spec.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { compilePolicy } from './compile.js';
import { evaluate, traceHash } from './evaluate.js';
import {
  businessLicence,
  catalogue,
  criminalRecord,
  taxClearance,
  taxPolicyYaml,
} from './testonly/fixtures.js';

const GOLDEN = new URL('./testonly/golden-decisions.json', import.meta.url);

/** A fixed pseudo-random sequence (LCG, Numerical Recipes constants): no library can change it. */
function* lcg(seed: number): Generator<number> {
  let x = seed >>> 0;
  for (;;) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    yield x;
  }
}

function cases(): {
  policy: ReturnType<typeof compilePolicy>;
  entry: typeof taxClearance;
  request: Parameters<typeof evaluate>[2];
  context: Parameters<typeof evaluate>[3];
}[] {
  const policies = [
    [compilePolicy(taxPolicyYaml, catalogue), taxClearance],
    [
      compilePolicy(
        'policyId: b\nversion: 1\nprovider: market-regulation\ndataset: business-licence\n',
        catalogue,
      ),
      businessLicence,
    ],
    [
      compilePolicy(
        'policyId: c\nversion: 1\nprovider: public-security\ndataset: criminal-record\n',
        catalogue,
      ),
      criminalRecord,
    ],
  ] as const;
  const rnd = lcg(6);
  const pick = <T>(xs: readonly T[]): T => xs[rnd.next().value! % xs.length]!;
  const out = [];
  for (let i = 0; i < 300; i++) {
    const [policy, entry] = pick(policies);
    const names = [...entry.fields.map((f) => f.name), 'salary'];
    const fields = [...new Set([pick(names), pick(names)])];
    out.push({
      policy,
      entry,
      request: {
        requester: pick(['natural-resources', 'civil-affairs', 'education']),
        datasetId: entry.datasetId,
        fields,
        purpose: pick(['land registration', 'social assistance', 'marketing']),
        legalBasis: pick(['Civil Code art. 214', 'none']),
        method: pick(['api', 'bulk', 'file'] as const),
      },
      context: {
        time: new Date(
          Date.UTC(2026, 10, 23) + (rnd.next().value! % (14 * 24 * 60)) * 60_000,
        ).toISOString(),
        approvedToday: rnd.next().value! % 120,
      },
    });
  }
  return out;
}

describe('golden decisions', () => {
  it('are unchanged', () => {
    const actual = cases().map(({ policy, entry, request, context }, i) => {
      const r = evaluate(policy, entry, request, context);
      return {
        i,
        decision: r.decision,
        officers: r.officers,
        maskingProfile: r.maskingProfile,
        reasons: r.reasons,
        traceHash: traceHash(r),
      };
    });
    if (process.env['GOVX_UPDATE_GOLDEN'] === '1')
      writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 1)}\n`);
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as unknown;
    expect(actual).toEqual(golden);
    // The set exercises every outcome.
    expect(new Set(actual.map((a) => `${a.decision}/${a.officers}`))).toEqual(
      new Set(['approve/null', 'deny/null', 'officers/one', 'officers/four-eyes']),
    );
  });
});
