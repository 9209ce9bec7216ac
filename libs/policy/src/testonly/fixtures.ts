// Catalogue entries and policies shared by the policy specs.
import type { CataloguePublishBody } from '@govx/contracts';
import type { CatalogueLookup } from '../compile.js';
import type { PolicyRequest } from '../evaluate.js';

export const taxClearance: CataloguePublishBody = {
  datasetId: 'tax-clearance',
  version: 2,
  name: 'Tax clearance record',
  provider: 'taxation',
  fields: [
    {
      name: 'taxpayerId',
      type: 'string',
      classification: 'personal',
      grade: 'important',
      masking: 'partial',
    },
    { name: 'name', type: 'string', classification: 'personal', grade: 'general', masking: 'none' },
    {
      name: 'cleared',
      type: 'boolean',
      classification: 'personal',
      grade: 'general',
      masking: 'none',
    },
    {
      name: 'arrears',
      type: 'number',
      classification: 'sensitive-personal',
      grade: 'core',
      masking: 'none',
    },
  ],
  format: 'json',
  updateFrequency: 'daily',
  sharing: {
    category: 'conditional',
    conditions: ['used only for the stated registration'],
    scope: 'the person named in the request',
    purposes: ['land registration', 'social assistance'],
  },
  methods: ['api', 'bulk'],
  secrecy: 'none',
};

export const businessLicence: CataloguePublishBody = {
  datasetId: 'business-licence',
  version: 1,
  name: 'Business licences',
  provider: 'market-regulation',
  fields: [
    {
      name: 'creditCode',
      type: 'string',
      classification: 'legal-entity',
      grade: 'general',
      masking: 'none',
    },
    {
      name: 'status',
      type: 'string',
      classification: 'legal-entity',
      grade: 'general',
      masking: 'none',
    },
  ],
  format: 'json',
  updateFrequency: 'realtime',
  sharing: { category: 'unconditional' },
  methods: ['api'],
  secrecy: 'none',
};

export const criminalRecord: CataloguePublishBody = {
  datasetId: 'criminal-record',
  version: 1,
  name: 'Criminal records',
  provider: 'public-security',
  fields: [
    {
      name: 'record',
      type: 'object',
      classification: 'sensitive-personal',
      grade: 'core',
      masking: 'redact',
    },
  ],
  format: 'json',
  updateFrequency: 'on-change',
  sharing: {
    category: 'not-shared',
    reason: 'criminal records are disclosed only to courts and prosecutors',
    citation: { kind: 'law', title: 'Criminal Procedure Law', article: '286' },
  },
  methods: ['api'],
  secrecy: 'none',
};

export const catalogue: CatalogueLookup = (id) =>
  [taxClearance, businessLicence, criminalRecord].find((e) => e.datasetId === id);

export const taxPolicyYaml = `# Taxation's policy for tax clearance records
policyId: tax-clearance-sharing
version: 3
provider: taxation
dataset: tax-clearance
timezone: "+08:00"
maskingProfiles:
  registry:
    taxpayerId: hash
quotas:
  - requester: natural-resources
    perDay: 100
    onExceed: officers
  - requester: "*"
    perDay: 10
rules:
  - id: registry-office-hours
    when:
      requesters: [natural-resources]
      purposes: [land registration]
      legalBases: [Civil Code art. 214]
      fields: [taxpayerId, name, cleared]
      window: { days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00" }
    then: { decision: approve, maskingProfile: registry }
  - id: assistance-needs-two
    when:
      purposes: [social assistance]
    then: { decision: officers, officers: four-eyes }
`;

export const landRequest: PolicyRequest = {
  requester: 'natural-resources',
  datasetId: 'tax-clearance',
  fields: ['taxpayerId', 'cleared'],
  purpose: 'land registration',
  legalBasis: 'Civil Code art. 214',
  method: 'api',
};

/** A Wednesday, 10:00 in Beijing. */
export const officeHours = '2026-11-25T02:00:00.000Z';
