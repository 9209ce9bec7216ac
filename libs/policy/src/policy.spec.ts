import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { compilePolicy } from './compile.js';
import {
  PolicyContradictionError,
  PolicyError,
  PolicyReferenceError,
  PolicySchemaError,
  PolicySyntaxError,
} from './errors.js';
import { evaluate, traceHash } from './evaluate.js';
import { parsePolicySource } from './parse.js';
import {
  businessLicence,
  catalogue,
  criminalRecord,
  landRequest,
  officeHours,
  taxClearance,
  taxPolicyYaml,
} from './testonly/fixtures.js';

const tax = compilePolicy(taxPolicyYaml, catalogue);

function refusal(source: string): PolicyError {
  try {
    compilePolicy(source, catalogue);
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    return e as PolicyError;
  }
  throw new Error('expected the policy to be refused');
}

const minimal = (dataset: string, provider: string, extra = ''): string =>
  `policyId: p\nversion: 1\nprovider: ${provider}\ndataset: ${dataset}\n${extra}`;

describe('compilePolicy()', () => {
  it('reads YAML and the same policy as JSON alike', () => {
    const json = JSON.stringify(parsePolicySource(taxPolicyYaml).document, null, 2);
    const again = compilePolicy(json, catalogue);
    expect(again.document).toEqual(tax.document);
    expect(evaluate(again, taxClearance, landRequest, { time: officeHours })).toEqual(
      evaluate(tax, taxClearance, landRequest, { time: officeHours }),
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const e = refusal('policyId: p\nversion: 1\nrules: [\n  {id: a\n');
    expect(e).toBeInstanceOf(PolicySyntaxError);
    expect(e.position?.line).toBeGreaterThanOrEqual(3);
    expect(refusal('a: 1\na: 2\n').position).toEqual({ line: 2, column: 1 });
  });

  it('reports schema errors with the field and its line', () => {
    const e = refusal(taxPolicyYaml.replace('officers: four-eyes', 'officers: three'));
    expect(e).toBeInstanceOf(PolicySchemaError);
    expect(e.field).toBe('/rules/1/then/officers');
    expect(e.position?.line).toBe(28);
    const extra = refusal(minimal('tax-clearance', 'taxation', 'colour: red\n'));
    expect([extra.field, extra.position?.line]).toEqual(['/colour', 5]);
    const missing = refusal('policyId: p\nversion: 1\nprovider: taxation\n');
    expect(missing.field).toBe('/dataset');
    expect(missing.position?.line).toBe(1);
  });

  it('refuses unknown datasets, fields, profiles and purposes, naming them', () => {
    const ds = refusal(minimal('no-such', 'taxation'));
    expect([ds.constructor, ds.field, ds.position?.line]).toEqual([
      PolicyReferenceError,
      '/dataset',
      4,
    ]);
    const field = refusal(
      taxPolicyYaml.replace('[taxpayerId, name, cleared]', '[taxpayerId, salary]'),
    );
    expect([field.field, field.position?.line]).toEqual(['/rules/0/when/fields/1', 22]);
    expect(
      refusal(taxPolicyYaml.replace('maskingProfile: registry', 'maskingProfile: other')).field,
    ).toBe('/rules/0/then/maskingProfile');
    expect(refusal(taxPolicyYaml.replace('taxpayerId: hash', 'salary: hash')).field).toBe(
      '/maskingProfiles/registry/salary',
    );
    expect(refusal(taxPolicyYaml.replace('[social assistance]', '[marketing]')).field).toBe(
      '/rules/1/when/purposes/0',
    );
    expect(refusal(minimal('tax-clearance', 'education')).field).toBe('/provider');
  });

  it('refuses a refusal without reasons and officers without a count', () => {
    const noReasons = refusal(
      minimal('tax-clearance', 'taxation', 'default: { decision: deny }\n'),
    );
    expect([noReasons.field, noReasons.position?.line]).toEqual(['/default/reasons', 5]);
    expect(
      refusal(minimal('tax-clearance', 'taxation', 'default: { decision: officers }\n')).field,
    ).toBe('/default/officers');
  });

  it('refuses rules that can match one request with different outcomes', () => {
    const clash = taxPolicyYaml.replace(
      '    when:\n      purposes: [social assistance]',
      '    when:\n      requesters: [natural-resources]',
    );
    const e = refusal(clash);
    expect(e).toBeInstanceOf(PolicyContradictionError);
    expect(e.field).toBe('/rules/1');
    expect(e.message).toContain('registry-office-hours');
    // Disjoint windows do not clash.
    const evening = taxPolicyYaml.replace(
      '    when:\n      purposes: [social assistance]',
      '    when:\n      requesters: [natural-resources]\n      window: { from: "18:00" }',
    );
    expect(() => compilePolicy(evening, catalogue)).not.toThrow();
  });

  it('refuses outcomes against the category', () => {
    expect(
      refusal(minimal('criminal-record', 'public-security', 'default: { decision: approve }\n')),
    ).toBeInstanceOf(PolicyContradictionError);
    const e = refusal(
      minimal(
        'business-licence',
        'market-regulation',
        'default: { decision: deny, reasons: [no] }\n',
      ),
    );
    expect([e.constructor, e.field]).toEqual([PolicyContradictionError, '/default/decision']);
  });

  it('refuses oversized and hostile sources with a PolicyError only (fuzz)', () => {
    expect(refusal(`${'#'.repeat(300_000)}\n`)).toBeInstanceOf(PolicySyntaxError);
    expect(refusal('a: &a [*a, *a]\nb: [*a, *a, *a, *a, *a, *a, *a, *a]')).toBeInstanceOf(
      PolicyError,
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        try {
          compilePolicy(s, catalogue);
        } catch (e) {
          if (!(e instanceof PolicyError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
    const lines = taxPolicyYaml.split('\n');
    fc.assert(
      fc.property(fc.nat(lines.length - 1), fc.string({ maxLength: 20 }), (i, junk) => {
        const mutated = [...lines];
        mutated[i] = `${mutated[i] ?? ''}${junk}`;
        try {
          compilePolicy(mutated.join('\n'), catalogue);
        } catch (e) {
          if (!(e instanceof PolicyError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('evaluate()', () => {
  it('approves the registry in office hours with its masking profile, and says why', () => {
    const r = evaluate(tax, taxClearance, landRequest, { time: officeHours });
    expect(r).toMatchObject({
      decision: 'approve',
      officers: null,
      fields: ['taxpayerId', 'cleared'],
      maskingProfile: 'registry',
      masking: { taxpayerId: 'hash', cleared: 'none' },
      policy: { id: 'tax-clearance-sharing', version: 3 },
    });
    expect(r.trace.map((t) => t.step)).toEqual([
      'policy',
      'catalogue',
      'conditions',
      'rule registry-office-hours',
    ]);
    expect(traceHash(r)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('falls back to the conditional default (one officer) outside the window', () => {
    const saturday = '2026-11-28T02:00:00.000Z';
    const r = evaluate(tax, taxClearance, landRequest, { time: saturday });
    expect([r.decision, r.officers, r.trace.at(-1)?.step]).toEqual([
      'officers',
      'one',
      'default conditional',
    ]);
    const evening = evaluate(tax, taxClearance, landRequest, { time: '2026-11-25T10:30:00.000Z' });
    expect(evening.decision).toBe('officers');
  });

  it('denies a purpose the catalogue does not list, unknown fields and methods, with reasons', () => {
    for (const req of [
      { ...landRequest, purpose: 'marketing' },
      { ...landRequest, fields: ['salary'] },
      { ...landRequest, method: 'file' as const },
    ]) {
      const r = evaluate(tax, taxClearance, req, { time: officeHours });
      expect(r.decision).toBe('deny');
      expect(r.reasons.length).toBeGreaterThan(0);
      expect(r.fields).toEqual([]);
    }
  });

  it('denies not-shared data with the reason and the citation', () => {
    const p = compilePolicy(minimal('criminal-record', 'public-security'), catalogue);
    const r = evaluate(
      p,
      criminalRecord,
      { ...landRequest, datasetId: 'criminal-record', fields: ['record'] },
      { time: officeHours },
    );
    expect(r.decision).toBe('deny');
    expect(r.reasons.join(' ')).toContain('Criminal Procedure Law art. 286');
  });

  it('approves unconditional data by default', () => {
    const p = compilePolicy(minimal('business-licence', 'market-regulation'), catalogue);
    const r = evaluate(
      p,
      businessLicence,
      { ...landRequest, datasetId: 'business-licence', fields: ['status'] },
      { time: officeHours },
    );
    expect([r.decision, r.trace.at(-1)?.step]).toEqual(['approve', 'default unconditional']);
  });

  it('always needs four-eyes for the highest grade', () => {
    const r = evaluate(
      tax,
      taxClearance,
      { ...landRequest, fields: ['arrears'] },
      { time: officeHours },
    );
    expect([r.decision, r.officers, r.trace.at(-1)?.step]).toEqual([
      'officers',
      'four-eyes',
      'grade',
    ]);
  });

  it('applies quotas: officers for the registry, deny for the rest', () => {
    const over = evaluate(tax, taxClearance, landRequest, {
      time: officeHours,
      approvedToday: 100,
    });
    expect([over.decision, over.officers]).toEqual(['officers', 'one']);
    const p = compilePolicy(
      taxPolicyYaml.replace(
        '      purposes: [social assistance]\n    then: { decision: officers, officers: four-eyes }',
        '      purposes: [social assistance]\n    then: { decision: approve }',
      ),
      catalogue,
    );
    const req = { ...landRequest, requester: 'civil-affairs', purpose: 'social assistance' };
    expect(evaluate(p, taxClearance, req, { time: officeHours, approvedToday: 9 }).decision).toBe(
      'approve',
    );
    expect(evaluate(p, taxClearance, req, { time: officeHours, approvedToday: 10 }).decision).toBe(
      'deny',
    );
  });

  it('refuses a request for another dataset', () => {
    expect(() =>
      evaluate(tax, taxClearance, { ...landRequest, datasetId: 'x' }, { time: officeHours }),
    ).toThrow(/request\.datasetId/);
  });

  it('gives the same decision for the same input, whatever the rule order (property)', () => {
    const doc = parsePolicySource(taxPolicyYaml).document;
    const reversed = compilePolicy({ ...doc, rules: [...(doc.rules ?? [])].reverse() }, catalogue);
    const field = fc.constantFrom('taxpayerId', 'name', 'cleared', 'arrears', 'salary');
    const request = fc.record({
      requester: fc.constantFrom('natural-resources', 'civil-affairs'),
      datasetId: fc.constant('tax-clearance'),
      fields: fc.uniqueArray(field, { minLength: 1, maxLength: 4 }),
      purpose: fc.constantFrom('land registration', 'social assistance', 'marketing'),
      legalBasis: fc.constantFrom('Civil Code art. 214', 'none'),
      method: fc.constantFrom('api' as const, 'bulk' as const, 'file' as const),
    });
    const time = fc
      .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) })
      .map((ms) => new Date(ms).toISOString());
    fc.assert(
      fc.property(request, time, fc.nat(200), (req, t, used) => {
        const ctx = { time: t, approvedToday: used };
        const a = evaluate(tax, taxClearance, req, ctx);
        expect(evaluate(tax, taxClearance, req, ctx)).toEqual(a);
        const b = evaluate(reversed, taxClearance, req, ctx);
        expect([b.decision, b.officers, b.maskingProfile, b.reasons]).toEqual([
          a.decision,
          a.officers,
          a.maskingProfile,
          a.reasons,
        ]);
        if (a.decision === 'deny') expect(a.reasons.length).toBeGreaterThan(0);
        if (req.fields.includes('arrears') && a.decision !== 'deny')
          expect(a.officers).toBe('four-eyes');
      }),
      { numRuns: 3000 },
    );
  });
});
