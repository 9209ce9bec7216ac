// The demo story's data and policies, without a platform: the seller and parcel agree across
// the departments, and each published policy decides the story's request as the narration says
// (the same libs/policy code governance runs).
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  catalogueMaskingProfile,
  demoDepartment,
  generateDemoWorld,
  policyMaskingProfile,
  toCataloguePublishBody,
  type DataRecord,
} from '@govx/gateway';
import { compilePolicy, evaluate } from '@govx/policy';
import {
  demoPolicySources,
  pickSale,
  PURPOSE,
  REGISTRY,
  STORY_REQUESTS,
  TAX_MASKING,
} from './demo-story.js';
import { checkMaskedRecord } from './demo-support.js';

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
    expect(sources.map((s) => [s.provider, s.datasetId])).toEqual([
      ['public-security', 'ps.identity-check'],
      ['taxation', 'tx.tax-clearance'],
      ['social-security', 'ss.contribution-record'],
      ['public-security', 'ps.identity'],
    ]);
    for (const s of sources) expect(s.source).toContain('version: 7\n');
  });

  it('decides the story: two auto-approvals (one masked), one officer for the sensitive fields, four eyes for the highest grade', () => {
    const identity = decide(STORY_REQUESTS.identity, STORY_REQUESTS.identity.fields);
    expect([identity.decision, identity.maskingProfile]).toEqual(['approve', null]);
    const tax = decide(STORY_REQUESTS.tax, STORY_REQUESTS.tax.fields);
    expect([tax.decision, tax.maskingProfile]).toEqual(['approve', TAX_MASKING.name]);
    expect(tax.masking).toMatchObject(TAX_MASKING.methods);
    const contribution = decide(STORY_REQUESTS.contribution, STORY_REQUESTS.contribution.fields);
    expect([contribution.decision, contribution.officers]).toEqual(['officers', 'one']);
    const record = decide(STORY_REQUESTS.identityRecord, STORY_REQUESTS.identityRecord.fields);
    expect([record.decision, record.officers, record.policy.id]).toEqual([
      'officers',
      'four-eyes',
      'demo-identity-record',
    ]);
  });

  it('identity record: four eyes for the registry whatever it asks; for others, four eyes iff a core field', () => {
    const entry = catalogueOf('public-security', 'ps.identity');
    const grades = new Map(entry.fields.map((f) => [f.name, f.grade]));
    fc.assert(
      fc.property(
        fc.subarray([...grades.keys()], { minLength: 1 }),
        fc.constantFrom(REGISTRY, 'taxation'),
        (fields, requester) => {
          const r = decide(STORY_REQUESTS.identityRecord, fields, { requester });
          const core = fields.some((f) => grades.get(f) === 'core');
          expect([r.decision, r.officers]).toEqual([
            'officers',
            requester === REGISTRY || core ? 'four-eyes' : 'one',
          ]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("checks a delivered record against its masking profile: the tax policy's redacts the arrears", () => {
    const { person } = pickSale(world);
    const row = world.personTax.find(
      (t) => t.idNumber === person.idNumber,
    )! as unknown as DataRecord;
    const entry = demoDepartment('taxation').catalogue.find(
      (c) => c.datasetId === 'tx.tax-clearance',
    )!;
    const profile = policyMaskingProfile(
      'demo-tax-clearance@1:registry',
      entry,
      TAX_MASKING.methods,
    );
    const fields = [...STORY_REQUESTS.tax.fields];
    const delivered = {
      status: row['status'],
      arrearsCny: '***',
      lastFiledYear: row['lastFiledYear'],
    };
    expect(checkMaskedRecord(profile, row, fields, delivered)).toEqual(['arrearsCny']);
    // The unmasked record, a field too many, a field missing: each refused, naming why.
    expect(() =>
      checkMaskedRecord(profile, row, fields, { ...delivered, arrearsCny: row['arrearsCny'] }),
    ).toThrow(/arrearsCny is not masked as demo-tax-clearance@1:registry/);
    expect(() =>
      checkMaskedRecord(profile, row, fields, { ...delivered, taxOffice: row['taxOffice'] }),
    ).toThrow(/delivered fields/);
    const short = { arrearsCny: '***', lastFiledYear: row['lastFiledYear'] };
    expect(() => checkMaskedRecord(profile, row, fields, short)).toThrow(/delivered fields/);
  });

  it("masks every field of the identity record the story asks for under the catalogue's profile", () => {
    const { person } = pickSale(world);
    const entry = demoDepartment('public-security').catalogue.find(
      (c) => c.datasetId === 'ps.identity',
    )!;
    const profile = catalogueMaskingProfile(entry);
    const fields = [...STORY_REQUESTS.identityRecord.fields];
    const delivered = {
      idNumber: `${person.idNumber.slice(0, 6)}********${person.idNumber.slice(-4)}`,
      name: `${[...person.name][0]}${'*'.repeat([...person.name].length - 1)}`,
      birthDate: person.birthDate.slice(0, 4),
      address: /^.*?[区县]/u.exec(person.address)![0],
    };
    expect(checkMaskedRecord(profile, person as unknown as DataRecord, fields, delivered)).toEqual(
      fields,
    );
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
