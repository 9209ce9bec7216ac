// The demo story's data (demo-story.ts): what the registry asks each department, the seller
// and parcel from the deterministic demo world, and the policies the providers publish.
import type { DemoWorld, Parcel, Person } from '@govx/gateway';

export const REGISTRY = 'natural-resources';
export const PURPOSE = 'real-estate registration';
export const LEGAL_BASIS = 'Civil Code art. 214; Real Estate Registration Regulation art. 14';

/** What the registry asks each provider in the story (and the not-shared one it is refused). */
export const STORY_REQUESTS = {
  identity: { provider: 'public-security', datasetId: 'ps.identity-check', fields: ['name'] },
  tax: {
    provider: 'taxation',
    datasetId: 'tx.tax-clearance',
    fields: ['status', 'arrearsCny', 'lastFiledYear'],
  },
  contribution: {
    provider: 'social-security',
    datasetId: 'ss.contribution-record',
    fields: ['insured', 'monthsContributed', 'lastMonth', 'monthlyBaseCny'],
  },
  /** idNumber is of the highest grade (core): four eyes. */
  identityRecord: {
    provider: 'public-security',
    datasetId: 'ps.identity',
    fields: ['idNumber', 'name', 'birthDate', 'address'],
  },
  refused: { provider: 'taxation', datasetId: 'tx.income', fields: ['annualIncomeCny'] },
} as const;

/**
 * The masking profile the tax-clearance policy names for the registry: it learns whether the
 * seller is cleared, not the amount of any arrears.
 */
export const TAX_MASKING = { name: 'registry', methods: { arrearsCny: 'redact' } } as const;

/** The seller and the parcel: the first parcel whose owner is cleared and insured. */
export function pickSale(world: DemoWorld): {
  person: Person;
  parcel: Parcel;
} {
  const people = new Map(world.people.map((p) => [p.idNumber, p]));
  const cleared = new Set(
    world.personTax.filter((t) => t.status === 'cleared').map((t) => t.idNumber),
  );
  const insured = new Set(world.contributions.filter((c) => c.insured).map((c) => c.idNumber));
  for (const parcel of world.parcels) {
    const person = people.get(parcel.ownerIdNumber);
    if (person && cleared.has(person.idNumber) && insured.has(person.idNumber))
      return { person, parcel };
  }
  throw new Error('demo world: no parcel whose owner is cleared and insured');
}

/** The policy source of each provider for the story (libs/policy language, YAML). */
export function demoPolicySources(
  version: number,
): { provider: string; datasetId: string; source: string }[] {
  const head = (id: string, provider: string, dataset: string): string =>
    `policyId: ${id}\nversion: ${version}\nprovider: ${provider}\ndataset: ${dataset}\n`;
  return [
    {
      provider: 'public-security',
      datasetId: 'ps.identity-check',
      source:
        head('demo-identity-check', 'public-security', 'ps.identity-check') +
        `rules:\n  - id: registry-verifies-sellers\n    when: { requesters: [${REGISTRY}], purposes: [${PURPOSE}] }\n    then: { decision: approve }\n`,
    },
    {
      provider: 'taxation',
      datasetId: 'tx.tax-clearance',
      source:
        head('demo-tax-clearance', 'taxation', 'tx.tax-clearance') +
        `maskingProfiles:\n  ${TAX_MASKING.name}:\n` +
        Object.entries(TAX_MASKING.methods)
          .map(([field, method]) => `    ${field}: ${method}\n`)
          .join('') +
        `rules:\n  - id: registry-clearance\n    when: { requesters: [${REGISTRY}], purposes: [${PURPOSE}], fields: [status, arrearsCny, lastFiledYear, taxOffice] }\n    then: { decision: approve, maskingProfile: ${TAX_MASKING.name} }\n`,
    },
    {
      provider: 'social-security',
      datasetId: 'ss.contribution-record',
      source:
        head('demo-contribution-record', 'social-security', 'ss.contribution-record') +
        `default: { decision: officers, officers: one }\n` +
        `rules:\n  - id: registry-general-fields\n    when: { requesters: [${REGISTRY}], purposes: [${PURPOSE}], maxGrade: general }\n    then: { decision: approve }\n`,
    },
    {
      provider: 'public-security',
      datasetId: 'ps.identity',
      source:
        head('demo-identity-record', 'public-security', 'ps.identity') +
        `rules:\n  - id: registry-record-four-eyes\n    when: { requesters: [${REGISTRY}], purposes: [${PURPOSE}] }\n    then: { decision: officers, officers: four-eyes }\n`,
    },
  ];
}
