// The demo story's data and policies, without a platform: the seller and parcel agree across
// the departments, and each published policy decides the story's request as the narration says
// (the same libs/policy code governance runs).
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { demoDepartment, generateDemoWorld, toCataloguePublishBody } from '@govx/gateway';
import { compilePolicy, evaluate } from '@govx/policy';
import { demoPolicySources, pickSale, PURPOSE, REGISTRY, STORY_REQUESTS } from './demo-story.js';

const world = generateDemoWorld();

function catalogueOf(provider: string, datasetId: string) {
  const entry = demoDepartment(provider).catalogue.find((c) => c.datasetId === datasetId);
  if (!entry) throw new Error(`no ${datasetId}`);
  return toCataloguePublishBody(entry);
}

function decide(
  r: { provider: string; datasetId: string },
  fields: readonly string[],
  overrides: { requester?: string; purpose?: string } = {},
) {
  const source = demoPolicySources(1).find((p) => p.datasetId === r.datasetId)!.source;
  const entry = catalogueOf(r.provider, r.datasetId);
  const policy = compilePolicy(source, (id) => (id === r.datasetId ? entry : undefined));
  return evaluate(
    policy,
    entry,
    {
      datasetId: r.datasetId,
      fields: [...fields],
      purpose: overrides.purpose ?? PURPOSE,
      legalBasis: 'Civil Code art. 214',
      method: 'api',
      requester: overrides.requester ?? REGISTRY,
    },
    { time: '2026-12-01T02:00:00Z', approvedToday: 0 },
  );
}

describe('demo story', () => {
  it('picks a seller and a parcel whose records agree across the departments, the same each time', () => {
    const { person, parcel } = pickSale(world);
    expect(parcel.ownerIdNumber).toBe(person.idNumber);
    expect(world.personTax.find((t) => t.idNumber === person.idNumber)?.status).toBe('cleared');
    expect(world.contributions.find((c) => c.idNumber === person.idNumber)?.insured).toBe(true);
    expect(world.parcelTax.find((t) => t.parcelId === parcel.parcelId)?.ownerIdNumber).toBe(
      person.idNumber,
    );
    expect(pickSale(generateDemoWorld())).toEqual({ person, parcel });
  });

  it('refuses a world where no owner qualifies', () => {
    expect(() => pickSale({ ...world, contributions: [] })).toThrow(/no parcel/);
  });

  it('publishes policies that compile, one per provider, with the version asked', () => {
    const sources = demoPolicySources(7);
    expect(sources.map((s) => s.provider)).toEqual([
      'public-security',
      'taxation',
      'social-security',
    ]);
    for (const s of sources) expect(s.source).toContain('version: 7\n');
  });

  it('decides the story: two auto-approvals and one officer for the sensitive fields', () => {
    expect(decide(STORY_REQUESTS.identity, STORY_REQUESTS.identity.fields).decision).toBe(
      'approve',
    );
    expect(decide(STORY_REQUESTS.tax, STORY_REQUESTS.tax.fields).decision).toBe('approve');
    const contribution = decide(STORY_REQUESTS.contribution, STORY_REQUESTS.contribution.fields);
    expect([contribution.decision, contribution.officers]).toEqual(['officers', 'one']);
  });

  it('refuses the tax clearance to another purpose than the catalogue lists', () => {
    expect(
      decide(STORY_REQUESTS.tax, STORY_REQUESTS.tax.fields, { purpose: 'curiosity' }).decision,
    ).toBe('deny');
  });

  it('contribution record: approve iff every field is general, else officers (four-eyes for a core field)', () => {
    const entry = catalogueOf('social-security', 'ss.contribution-record');
    const grades = new Map(entry.fields.map((f) => [f.name, f.grade]));
    fc.assert(
      fc.property(
        fc.subarray([...grades.keys()], { minLength: 1 }),
        fc.constantFrom(REGISTRY, 'taxation'),
        (fields, requester) => {
          const r = decide(STORY_REQUESTS.contribution, fields, { requester });
          const worst = fields.map((f) => grades.get(f));
          if (worst.includes('core'))
            expect([r.decision, r.officers]).toEqual(['officers', 'four-eyes']);
          else if (requester === REGISTRY && worst.every((g) => g === 'general'))
            expect(r.decision).toBe('approve');
          else expect([r.decision, r.officers]).toEqual(['officers', 'one']);
        },
      ),
      { numRuns: 200 },
    );
  });
});
