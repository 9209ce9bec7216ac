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

/**
 * What a department system sends its gateway (POST /requests, Gateway.createRequest): the land
 * registry asking taxation's demo `tx.tax-clearance` about `subject` for a parcel sale.
 */
export function gatewayRequest(
  subject: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> & { provider: string; datasetId: string; fields: string[] } {
  return {
    provider: 'taxation',
    datasetId: 'tx.tax-clearance',
    fields: ['status', 'arrearsCny'],
    subject,
    purpose: 'land parcel transfer registration',
    legalBasis: 'Deed Tax Law art. 11',
    scenario: 'a citizen sells a land parcel',
    scope: 'the seller only',
    timeLimit: '2099-12-31',
    duty: 'use only for this registration',
    ...overrides,
  };
}
