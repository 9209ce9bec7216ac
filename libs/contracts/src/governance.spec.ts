import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { BodySchemaError } from './entry-types.js';
import {
  GovernanceEntryTypes,
  validateGovernanceBody,
  type CataloguePublishBody,
  type GovernanceEntryType,
} from './governance.js';

const leaf = 'ab'.repeat(32);
const ref = { seq: 3, leaf };

const taxRecord = (sharing: Record<string, unknown>): Record<string, unknown> => ({
  datasetId: 'tax-clearance',
  version: 1,
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
    {
      name: 'cleared',
      type: 'boolean',
      classification: 'personal',
      grade: 'general',
      masking: 'none',
    },
  ],
  format: 'json',
  updateFrequency: 'daily',
  sharing,
  methods: ['api'],
  secrecy: 'none',
});

function fieldOf(type: GovernanceEntryType, body: unknown): string {
  try {
    validateGovernanceBody(type, body);
  } catch (e) {
    expect(e).toBeInstanceOf(BodySchemaError);
    return (e as BodySchemaError).field;
  }
  throw new Error('expected a BodySchemaError');
}

describe('validateGovernanceBody()', () => {
  describe('catalogue.publish', () => {
    const T = GovernanceEntryTypes.CataloguePublish;
    it('accepts the three categories with their terms', () => {
      for (const s of [
        { category: 'unconditional' },
        {
          category: 'conditional',
          conditions: ['for tax audits only'],
          scope: 'the province',
          purposes: ['audit'],
        },
        {
          category: 'not-shared',
          reason: 'tax secrecy',
          citation: { kind: 'law', title: 'Tax Collection Administration Law', article: '8' },
        },
      ]) {
        expect(validateGovernanceBody<CataloguePublishBody>(T, taxRecord(s)).sharing).toEqual(s);
      }
    });
    it.each([
      [{ category: 'conditional', scope: 's', purposes: ['p'] }, '/sharing/conditions'],
      [
        { category: 'conditional', conditions: [], scope: 's', purposes: ['p'] },
        '/sharing/conditions',
      ],
      [{ category: 'conditional', conditions: ['c'], purposes: ['p'] }, '/sharing/scope'],
      [{ category: 'conditional', conditions: ['c'], scope: 's' }, '/sharing/purposes'],
      [
        { category: 'conditional', conditions: [' '], scope: 's', purposes: ['p'] },
        '/sharing/conditions/0',
      ],
      [{ category: 'not-shared', reason: 'r' }, '/sharing/citation'],
      [{ category: 'not-shared', citation: { kind: 'law', title: 'x' } }, '/sharing/reason'],
      [{ category: 'unconditional', conditions: ['c'] }, '/sharing/conditions'],
      [{ category: 'maybe' }, '/sharing/category'],
    ])('refuses sharing %j at %s', (sharing, field) => {
      expect(fieldOf(T, taxRecord(sharing))).toBe(field);
    });
    it('refuses state and work secrets', () => {
      for (const secrecy of ['state-secret', 'work-secret'])
        expect(fieldOf(T, { ...taxRecord({ category: 'unconditional' }), secrecy })).toBe(
          '/secrecy',
        );
    });
    it('refuses duplicate fields, unknown grades and oversized names', () => {
      const base = taxRecord({ category: 'unconditional' });
      const fields = base['fields'] as Record<string, unknown>[];
      expect(fieldOf(T, { ...base, fields: [fields[0], fields[0]] })).toBe('/fields/1/name');
      expect(fieldOf(T, { ...base, fields: [{ ...fields[0], grade: 'secret' }] })).toBe(
        '/fields/0/grade',
      );
      expect(fieldOf(T, { ...base, name: 'x'.repeat(201) })).toBe('/name');
      expect(fieldOf(T, { ...base, extra: 1 })).toBe('/extra');
    });
  });

  it('request: names a missing §20 field and refuses blank ones', () => {
    const req = {
      requestId: 'r-1',
      provider: 'taxation',
      datasetId: 'tax-clearance',
      datasetVersion: 1,
      fields: ['cleared'],
      purpose: 'land registration',
      legalBasis: 'Civil Code art. 214',
      scenario: 'registration of a transfer',
      scope: 'one person',
      method: 'api',
      timeLimit: '2026-12-31',
      duty: 'real-estate registration',
      subjectCommitment: leaf,
      subjectSealed: 'beef',
    };
    expect(validateGovernanceBody(GovernanceEntryTypes.Request, req)).toBe(req);
    const noDuty: Record<string, unknown> = { ...req };
    delete noDuty['duty'];
    expect(fieldOf(GovernanceEntryTypes.Request, noDuty)).toBe('/duty');
    expect(fieldOf(GovernanceEntryTypes.Request, { ...req, scope: '  ' })).toBe('/scope');
    expect(fieldOf(GovernanceEntryTypes.Request, { ...req, fields: ['a', 'a'] })).toBe('/fields/1');
  });

  it('decisions: a refusal needs reasons, materials a list, a policy decision its trace', () => {
    expect(fieldOf(GovernanceEntryTypes.DecisionDeny, { request: ref, reasons: [] })).toBe(
      '/reasons',
    );
    expect(fieldOf(GovernanceEntryTypes.DecisionDeny, { request: ref, reasons: [''] })).toBe(
      '/reasons/0',
    );
    expect(fieldOf(GovernanceEntryTypes.DecisionDeny, { request: ref, reasons: ['\t'] })).toBe(
      '/reasons/0',
    );
    expect(fieldOf(GovernanceEntryTypes.DecisionMaterials, { request: ref, missing: [] })).toBe(
      '/missing',
    );
    expect(
      fieldOf(GovernanceEntryTypes.DecisionApprove, {
        request: ref,
        fields: ['a'],
        expires: '2026-12-01T00:00:00Z',
        final: true,
        policy: { id: 'p', version: 1 },
      }),
    ).toBe('/traceHash');
    expect(
      fieldOf(GovernanceEntryTypes.DecisionExtend, { request: ref, days: 11, authority: 'x' }),
    ).toBe('/days');
    expect(fieldOf(GovernanceEntryTypes.RequestEndorse, { request: { seq: -1, leaf } })).toBe(
      '/request/seq',
    );
  });

  it('corrections (§22): an issue, fields once each, an answer with its outcome and a note', () => {
    const correction = {
      correctionId: 'c-1',
      provider: 'taxation',
      datasetId: 'tax-clearance',
      fields: ['cleared'],
      issue: 'the record says uncleared; a clearance certificate was issued',
      transfer: ref,
    };
    expect(validateGovernanceBody(GovernanceEntryTypes.CorrectionRequest, correction)).toBe(
      correction,
    );
    expect(fieldOf(GovernanceEntryTypes.CorrectionRequest, { ...correction, issue: ' ' })).toBe(
      '/issue',
    );
    expect(
      fieldOf(GovernanceEntryTypes.CorrectionRequest, { ...correction, fields: ['a', 'a'] }),
    ).toBe('/fields/1');
    const noIssue: Record<string, unknown> = { ...correction };
    delete noIssue['issue'];
    expect(fieldOf(GovernanceEntryTypes.CorrectionRequest, noIssue)).toBe('/issue');
    const answer = { correction: ref, outcome: 'corrected', note: 'record fixed at source' };
    expect(validateGovernanceBody(GovernanceEntryTypes.CorrectionAnswer, answer)).toBe(answer);
    expect(fieldOf(GovernanceEntryTypes.CorrectionAnswer, { ...answer, outcome: 'maybe' })).toBe(
      '/outcome',
    );
    expect(fieldOf(GovernanceEntryTypes.CorrectionAnswer, { ...answer, note: '\n' })).toBe('/note');
  });

  it('sanctions: only a termination names the suspension it ends', () => {
    const terminate = {
      department: 'natural-resources',
      reason: 'remedy period ended',
      suspension: ref,
    };
    expect(validateGovernanceBody(GovernanceEntryTypes.SanctionTerminate, terminate)).toBe(
      terminate,
    );
    expect(fieldOf(GovernanceEntryTypes.SanctionSuspend, terminate)).toBe('/suspension');
    expect(fieldOf(GovernanceEntryTypes.SanctionLift, terminate)).toBe('/suspension');
  });

  it('never throws anything but BodySchemaError on hostile bodies (fuzz)', () => {
    const types = Object.values(GovernanceEntryTypes);
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.anything({ maxDepth: 3 }), (type, body) => {
        try {
          validateGovernanceBody(type, body);
        } catch (e) {
          if (!(e instanceof BodySchemaError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom('category', 'conditions', 'scope', 'purposes', 'reason', 'citation'),
          fc.anything({ maxDepth: 2 }),
        ),
        (sharing) => {
          try {
            validateGovernanceBody(GovernanceEntryTypes.CataloguePublish, taxRecord(sharing));
          } catch (e) {
            if (!(e instanceof BodySchemaError)) throw e;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
