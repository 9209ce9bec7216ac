// Governance fixtures: a catalogue entry and a data request with every required field, the
// tax-clearance example by default. A test overrides, at its call site, what it is about.
import type { CatalogueField, CataloguePublishBody, RequestBody } from '@govx/contracts';

/** A catalogue field, `personal`, grade `general`, not masked, unless overridden. */
export function catalogueField(
  name: string,
  overrides: Partial<CatalogueField> = {},
): CatalogueField {
  return {
    name,
    type: 'string',
    classification: 'personal',
    grade: 'general',
    masking: 'none',
    ...overrides,
  };
}

/** Taxation's `tax-clearance` v1, json, daily, over the API, not secret, unconditional. */
export function catalogueEntry(
  overrides: Partial<CataloguePublishBody> = {},
): CataloguePublishBody {
  return {
    datasetId: 'tax-clearance',
    version: 1,
    name: 'Tax clearance record',
    provider: 'taxation',
    fields: [catalogueField('cleared', { type: 'boolean' })],
    format: 'json',
    updateFrequency: 'daily',
    sharing: { category: 'unconditional' },
    methods: ['api'],
    secrecy: 'none',
    ...overrides,
  };
}

/** Natural resources asking taxation's `tax-clearance` v1 for a land registration. */
export function dataRequest(
  requestId: string,
  overrides: Partial<RequestBody> = {},
): Record<string, unknown> & RequestBody {
  return {
    requestId,
    provider: 'taxation',
    datasetId: 'tax-clearance',
    datasetVersion: 1,
    fields: ['cleared'],
    purpose: 'land registration',
    legalBasis: 'Civil Code art. 214',
    scenario: 'registration of a transfer of a parcel',
    scope: 'the seller named',
    method: 'api',
    timeLimit: '2027-06-30',
    duty: 'real-estate registration',
    subjectCommitment: 'ab'.repeat(32),
    subjectSealed: 'cafe',
    ...overrides,
  };
}
