// Business-rule violations injected with validly signed entries: each is reported, with its
// seq and rule, while the log itself verifies (or, for a revoked key, fails at that seq). Four
// eyes as governance requires them: the requester's officer first (not final), the provider's
// officer last; policy demand or the highest grade (libs/governance checkOfficerApproval).
import { describe, expect, it } from '@jest/globals';
import { getSuite, type SigningPrivateKey } from '@govx/crypto';
import {
  createSubmission,
  formatCheckpoint,
  LogAppender,
  noteSigner,
  signNote,
  verifierKeyString,
  type Entry,
} from '@govx/ledger-core';
import { compilePolicy, evaluate, parsePolicySource, traceHash } from '@govx/policy';
import type { CataloguePublishBody } from '@govx/contracts';
import { auditLog, type AuditVerdict } from '../log-auditor.js';
import { auditLogParallel } from '../parallel/parallel-auditor.js';
import { renderReport } from '../report/render-report.js';
import { parseAuditTrust } from '../trust.js';
import type { AuditItem } from '../audit-item.js';

const intl = getSuite('intl');
const keys = {
  admin: { actor: 'gov/admin/root', key: intl.generateSigningKey(), roles: ['admin'] },
  engine: { actor: 'gov/policy-engine', key: intl.generateSigningKey(), roles: ['policy-engine'] },
  tax: {
    actor: 'dept/taxation/gateway',
    key: intl.generateSigningKey(),
    roles: ['department-system'],
    department: 'taxation',
  },
  land: {
    actor: 'dept/natural-resources/gateway',
    key: intl.generateSigningKey(),
    roles: ['department-system'],
    department: 'natural-resources',
  },
  police: {
    actor: 'dept/public-security/gateway',
    key: intl.generateSigningKey(),
    roles: ['department-system'],
    department: 'public-security',
  },
  li: {
    actor: 'dept/taxation/officer/li',
    key: intl.generateSigningKey(),
    roles: ['officer'],
    department: 'taxation',
  },
  wang: {
    actor: 'dept/taxation/officer/wang',
    key: intl.generateSigningKey(),
    roles: ['officer'],
    department: 'taxation',
  },
  zhao: {
    actor: 'dept/natural-resources/officer/zhao',
    key: intl.generateSigningKey(),
    roles: ['officer'],
    department: 'natural-resources',
  },
  qian: {
    actor: 'dept/natural-resources/officer/qian',
    key: intl.generateSigningKey(),
    roles: ['officer'],
    department: 'natural-resources',
  },
  sun: {
    actor: 'dept/public-security/officer/sun',
    key: intl.generateSigningKey(),
    roles: ['officer'],
    department: 'public-security',
  },
  landOffice: {
    actor: 'dept/natural-resources/office',
    key: intl.generateSigningKey(),
    roles: ['office-head'],
    department: 'natural-resources',
  },
} satisfies Record<
  string,
  { actor: string; key: SigningPrivateKey; roles: string[]; department?: string }
>;
type Who = keyof typeof keys;
const node = { name: 'ledger-1.rules.test', key: intl.generateSigningKey() };

const trust = parseAuditTrust({
  origin: 'govx.test/rules',
  quorum: 1,
  cosigners: [{ operator: 'ops', vkey: verifierKeyString(node.name, node.key.publicKey) }],
  keys: Object.values(keys).map((k) => ({
    actor: k.actor,
    publicKeyPem: k.key.publicKey.toPem(),
    roles: k.roles,
    ...('department' in k ? { department: k.department } : {}),
  })),
});

const taxClearance: CataloguePublishBody = {
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
  ],
  format: 'json',
  updateFrequency: 'daily',
  sharing: {
    category: 'conditional',
    conditions: ['registration only'],
    scope: 'one person',
    purposes: ['land registration', 'social assistance'],
  },
  methods: ['api'],
  secrecy: 'none',
};
const policySource = `policyId: tax-clearance-sharing
version: 3
provider: taxation
dataset: tax-clearance
timezone: "+08:00"
maskingProfiles:
  registry:
    taxpayerId: hash
rules:
  - id: registry-office-hours
    when:
      requesters: [natural-resources]
      purposes: [land registration]
      fields: [taxpayerId, name, cleared]
      window: { days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00" }
    then: { decision: approve, maskingProfile: registry }
  - id: assistance-needs-two
    when:
      purposes: [social assistance]
    then: { decision: officers, officers: four-eyes }
`;
const policyDocument = parsePolicySource(policySource).document as unknown as Record<
  string,
  unknown
>;
const HEX = 'ab'.repeat(32);
/** A Wednesday, 10:00 in Beijing. */
const T0 = Date.parse('2026-11-25T02:00:00.000Z');

/** Builds a log entry by entry; each entry signed by its actor's key. */
class Story {
  private readonly appender = new LogAppender();
  readonly entries: Entry[] = [];
  private n = 0;

  add(who: Who, type: string, body: Record<string, unknown>, key = keys[who].key): Entry {
    const submission = createSubmission(
      { type, actor: keys[who].actor, idem: `s-${this.n}`, body: body as never },
      key,
    );
    const entry = this.appender.append(submission, T0 + 1000 * this.n++);
    this.entries.push(entry);
    return entry;
  }

  async audit(): Promise<AuditVerdict> {
    const root = this.appender.root();
    const note = signNote(
      formatCheckpoint({ origin: 'govx.test/rules', size: this.entries.length, root }),
      [noteSigner(node.name, node.key)],
    );
    const items: AuditItem[] = this.entries.map((e) => ({
      kind: 'entry',
      bytes: e.bytes,
      where: `seq ${e.seq}`,
    }));
    items.push({ kind: 'checkpoint', note, where: 'checkpoint' });
    const streaming = await auditLog(items, trust);
    // The parallel audit (inline batches) MUST agree, violations included.
    expect(await auditLogParallel(() => items, trust, { workers: 0, batchLevel: 2 })).toEqual(
      streaming,
    );
    return streaming;
  }
}

const ref = (e: Entry) => ({ seq: e.seq, leaf: e.leafHashHex });

function request(
  s: Story,
  id: string,
  purpose: string,
  fields = ['taxpayerId', 'cleared'],
  { by = 'land' as Who, provider = 'taxation', timeLimit = '2026-12-31' } = {},
): Entry {
  return s.add(by, 'request', {
    requestId: id,
    provider,
    datasetId: 'tax-clearance',
    datasetVersion: 2,
    fields,
    purpose,
    legalBasis: 'Civil Code art. 214',
    scenario: 'registration of a transfer',
    scope: 'one person',
    method: 'api',
    timeLimit,
    duty: 'real-estate registration',
    subjectCommitment: HEX,
    subjectSealed: 'beef',
  });
}

function engineApproval(
  s: Story,
  req: Entry,
  fields = ['taxpayerId', 'cleared'],
  extra: Record<string, unknown> = {},
): Entry {
  const compiled = compilePolicy(policyDocument, () => taxClearance);
  const evaluation = evaluate(
    compiled,
    taxClearance,
    {
      requester: 'natural-resources',
      datasetId: 'tax-clearance',
      fields: ['taxpayerId', 'cleared'],
      purpose: 'land registration',
      legalBasis: 'Civil Code art. 214',
      method: 'api',
    },
    { time: req.fields.time },
  );
  return s.add('engine', 'decision.approve', {
    request: ref(req),
    fields,
    maskingProfile: 'tax-clearance-sharing@3:registry',
    expires: '2026-12-31T00:00:00.000Z',
    final: true,
    policy: { id: 'tax-clearance-sharing', version: 3 },
    traceHash: traceHash(evaluation),
    ...extra,
  });
}

function transfer(
  s: Story,
  req: Entry,
  approval: Entry,
  extra: Record<string, unknown> = {},
): Entry {
  return s.add('tax', 'transfer', {
    request: ref(req),
    approval: ref(approval),
    requestId: req.fields.body['requestId'] as string,
    to: 'natural-resources',
    ciphertextHash: HEX,
    size: 512,
    commitment: HEX,
    maskingProfile: 'tax-clearance-sharing@3:registry',
    payloadId: `p-${req.seq}`,
    expires: '2027-01-31T00:00:00.000Z',
    ...extra,
  });
}

function opening(): Story {
  const s = new Story();
  s.add('tax', 'catalogue.publish', taxClearance as unknown as Record<string, unknown>);
  s.add('admin', 'policy.publish', {
    policyId: 'tax-clearance-sharing',
    version: 3,
    provider: 'taxation',
    document: policyDocument,
  });
  return s;
}

const rules = (v: AuditVerdict) => v.violations.map((x) => [x.seq, x.rule]);

describe('business rules', () => {
  it('find nothing in a lawful exchange', async () => {
    const s = opening();
    const req = request(s, 'r-1', 'land registration');
    const approval = engineApproval(s, req);
    const t = transfer(s, req, approval);
    s.add('land', 'receipt', { transfer: ref(t), ciphertextHash: HEX });
    const v = await s.audit();
    expect(v.firstBad).toBeNull();
    expect(v.violations).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.stats?.exchanges).toEqual({ 'taxation → natural-resources': { '2026-11-25': 1 } });
    const html = renderReport({
      verdict: v,
      source: 'log.jsonl',
      origin: '<govx>',
      generatedAt: '2026-11-30T00:00:00.000Z',
      chartJs: 'window.Chart = function () {};',
    });
    expect(html).toContain('taxation → natural-resources');
    expect(html).toContain('every check holds');
    expect(html).toContain('&#60;govx&#62;');
    expect(html).not.toMatch(/src="http|href="http/);
  });

  it('report a transfer without approval, with extra fields, and a receipt that does not match', async () => {
    const s = opening();
    const req = request(s, 'r-1', 'land registration');
    const approval = engineApproval(s, req);
    const bogus = transfer(s, req, req); // "approval" is the request itself
    const extra = transfer(s, req, approval, {
      fields: ['taxpayerId', 'name', 'cleared', 'income'],
    });
    const good = transfer(s, req, approval);
    const receipt = s.add('land', 'receipt', {
      transfer: ref(good),
      ciphertextHash: 'cd'.repeat(32),
    });
    const v = await s.audit();
    expect(v.firstBad).toBeNull();
    expect(v.ok).toBe(false);
    expect(rules(v)).toEqual([
      [bogus.seq, 'ref.unknown'],
      [bogus.seq, 'transfer.no-approval'],
      [extra.seq, 'entry.schema'],
      [receipt.seq, 'receipt.mismatch'],
    ]);
  });

  it('report approvals beyond the request, outside the policy, by another department, without four eyes, by two officers of the provider', async () => {
    const s = opening();
    const r1 = request(s, 'r-1', 'land registration');
    const wide = engineApproval(s, r1, ['taxpayerId', 'cleared', 'name']);
    const r2 = request(s, 'r-2', 'social assistance', ['cleared']);
    const foreign = s.add('zhao', 'decision.approve', {
      request: ref(r2),
      fields: ['cleared'],
      expires: '2026-12-31T00:00:00.000Z',
      final: true,
    });
    const alone = s.add('li', 'decision.approve', {
      request: ref(r2),
      fields: ['cleared'],
      expires: '2026-12-31T00:00:00.000Z',
      final: true,
    });
    // Two officers of the providing department are not four eyes (governance refuses both).
    const r3 = request(s, 'r-3', 'social assistance', ['cleared']);
    const providerFirst = s.add('li', 'decision.approve', {
      request: ref(r3),
      fields: ['cleared'],
      expires: '2026-12-31T00:00:00.000Z',
      final: false,
    });
    const secondProvider = s.add('wang', 'decision.approve', {
      request: ref(r3),
      fields: ['cleared'],
      expires: '2026-12-31T00:00:00.000Z',
      final: true,
    });
    const v = await s.audit();
    expect(v.firstBad).toBeNull();
    expect(rules(v)).toEqual([
      [wide.seq, 'approval.extra-fields'],
      [wide.seq, 'approval.policy-mismatch'],
      [foreign.seq, 'approval.unauthorised'],
      [alone.seq, 'approval.four-eyes'],
      [providerFirst.seq, 'approval.four-eyes'],
      [secondProvider.seq, 'approval.four-eyes'],
    ]);
  });

  it("accept four eyes by one officer of each department: the requester's sign-off, then the provider's final approval", async () => {
    const s = opening();
    const approve = (who: Who, req: Entry, final: boolean): Entry =>
      s.add(who, 'decision.approve', {
        request: ref(req),
        fields: ['cleared'],
        maskingProfile: 'tax-clearance:v2:masked',
        expires: '2026-12-31T00:00:00.000Z',
        final,
      });
    const fourEyes = request(s, 'r-1', 'social assistance', ['cleared']);
    approve('zhao', fourEyes, false);
    const final = approve('li', fourEyes, true);
    transfer(s, fourEyes, final, { maskingProfile: 'tax-clearance:v2:masked' });
    // The requester's officer signs only the first sign-off of a four-eyes request.
    const plain = request(s, 'r-2', 'land registration', ['cleared']);
    const notFourEyes = approve('zhao', plain, false);
    const lastWord = request(s, 'r-3', 'social assistance', ['cleared']);
    const providerFirst = approve('li', lastWord, false);
    const requesterFinal = approve('zhao', lastWord, true);
    const v = await s.audit();
    expect(v.firstBad).toBeNull();
    expect(rules(v)).toEqual([
      [notFourEyes.seq, 'approval.unauthorised'],
      [providerFirst.seq, 'approval.four-eyes'],
      [requesterFinal.seq, 'approval.unauthorised'],
    ]);
  });

  it('report each break of the four-eyes order where the policy demands it, and accept the order after a refused attempt', async () => {
    const s = opening();
    const approve = (who: Who, req: Entry, final: boolean): Entry =>
      s.add(who, 'decision.approve', {
        request: ref(req),
        fields: ['cleared'],
        expires: '2026-12-31T00:00:00.000Z',
        final,
      });
    const fourEyes = (id: string): Entry => {
      const req = request(s, id, 'social assistance', ['cleared']);
      s.add('landOffice', 'request.endorse', { request: ref(req) });
      return req;
    };
    // The requester's officer gives the final approval, alone or after its own sign-off.
    const r1 = fourEyes('r-1');
    const requesterAlone = approve('zhao', r1, true);
    const r2 = fourEyes('r-2');
    approve('zhao', r2, false);
    const requesterLast = approve('qian', r2, true);
    // A second sign-off of the requesting department, or the same officer twice; the provider's
    // final approval after the first sign-off still holds.
    const r3 = fourEyes('r-3');
    approve('zhao', r3, false);
    const sameDepartment = approve('qian', r3, false);
    const sameOfficer = approve('zhao', r3, false);
    approve('li', r3, true);
    // A third department, first or last.
    const r4 = fourEyes('r-4');
    const thirdFirst = approve('sun', r4, false);
    approve('zhao', r4, false);
    const thirdLast = approve('sun', r4, true);
    // The provider's officer signs not final after the requester's: the provider's word is final.
    const r5 = fourEyes('r-5');
    approve('zhao', r5, false);
    const providerNotFinal = approve('li', r5, false);
    approve('wang', r5, true);
    const v = await s.audit();
    expect(v.firstBad).toBeNull();
    expect(rules(v)).toEqual([
      [requesterAlone.seq, 'approval.unauthorised'],
      [requesterLast.seq, 'approval.unauthorised'],
      [sameDepartment.seq, 'approval.four-eyes'],
      [sameOfficer.seq, 'approval.four-eyes'],
      [thirdFirst.seq, 'approval.unauthorised'],
      [thirdLast.seq, 'approval.unauthorised'],
      [providerNotFinal.seq, 'approval.four-eyes'],
    ]);
    expect(v.violations[4]!.message).toMatch(/neither natural-resources nor taxation/);
  });

  it('report a sign-off after the final approval and a second final approval, whoever signs them', async () => {
    const s = opening();
    const MASKED = 'tax-clearance:v2:masked';
    const approve = (who: Who, req: Entry, final: boolean): Entry =>
      s.add(who, 'decision.approve', {
        request: ref(req),
        fields: ['cleared'],
        maskingProfile: MASKED,
        expires: '2026-12-31T00:00:00.000Z',
        final,
      });
    const answer = (req: Entry, approval: Entry): Entry =>
      transfer(s, req, approval, { maskingProfile: MASKED });
    const fourEyes = (id: string): Entry => {
      const req = request(s, id, 'social assistance', ['cleared']);
      s.add('landOffice', 'request.endorse', { request: ref(req) });
      return req;
    };
    // Four eyes in order, then more: a sign-off of either department, a second final approval
    // by another officer of the provider and by the same officer again.
    const r1 = fourEyes('r-1');
    approve('zhao', r1, false);
    const final1 = approve('li', r1, true);
    const requesterAfter = approve('qian', r1, false);
    const providerAfter = approve('wang', r1, false);
    const secondFinal = approve('wang', r1, true);
    const sameAgain = approve('li', r1, true);
    // One officer (no four eyes): after the engine's final approval, an officer's.
    const r2 = request(s, 'r-2', 'land registration', ['taxpayerId', 'cleared']);
    const engine = engineApproval(s, r2);
    const officerFinal = s.add('li', 'decision.approve', {
      request: ref(r2),
      fields: ['cleared'],
      expires: '2026-12-31T00:00:00.000Z',
      final: true,
    });
    // A refused final approval is not in force: the valid one after it is the final approval.
    const r3 = fourEyes('r-3');
    const refused = approve('zhao', r3, true);
    approve('zhao', r3, false);
    const final3 = approve('li', r3, true);
    const late = approve('wang', r3, true);
    // The gateway answers the approval in force only.
    answer(r3, final3);
    const answersLate = answer(r3, late);
    const answersRefused = answer(r3, refused);
    const v = await s.audit();
    expect(v.firstBad).toBeNull();
    expect(rules(v)).toEqual([
      [requesterAfter.seq, 'approval.after-final'],
      [providerAfter.seq, 'approval.after-final'],
      [secondFinal.seq, 'approval.second-final'],
      [sameAgain.seq, 'approval.second-final'],
      [officerFinal.seq, 'approval.second-final'],
      [refused.seq, 'approval.unauthorised'],
      [late.seq, 'approval.second-final'],
      [answersLate.seq, 'transfer.no-approval'],
      [answersRefused.seq, 'transfer.no-approval'],
    ]);
    expect(v.violations[0]!.message).toContain(`final approval at seq ${final1.seq}`);
    expect(v.violations[4]!.message).toContain(`its final approval is seq ${engine.seq}`);
    expect(v.violations[6]!.message).toContain(`its final approval is seq ${final3.seq}`);
    expect(v.violations[8]!.message).toContain(`in force of request ${r3.seq} (seq ${final3.seq})`);
  });

  it('derive four eyes from the highest grade alone when no policy is published, as governance does', async () => {
    const s = new Story();
    s.add('police', 'catalogue.publish', {
      datasetId: 'identity-record',
      version: 1,
      name: 'Identity record',
      provider: 'public-security',
      fields: [
        {
          name: 'idNumber',
          type: 'string',
          classification: 'personal',
          grade: 'core',
          masking: 'partial',
        },
        {
          name: 'name',
          type: 'string',
          classification: 'personal',
          grade: 'general',
          masking: 'none',
        },
      ],
      format: 'json',
      updateFrequency: 'daily',
      sharing: {
        category: 'conditional',
        conditions: ['registration only'],
        scope: 'one person',
        purposes: ['land registration'],
      },
      methods: ['api'],
      secrecy: 'none',
    });
    const ask = (id: string, fields: string[]): Entry => {
      const req = s.add('land', 'request', {
        requestId: id,
        provider: 'public-security',
        datasetId: 'identity-record',
        datasetVersion: 1,
        fields,
        purpose: 'land registration',
        legalBasis: 'Civil Code art. 214',
        scenario: 'registration of a transfer',
        scope: 'one person',
        method: 'api',
        timeLimit: '2026-12-31',
        duty: 'real-estate registration',
        subjectCommitment: HEX,
        subjectSealed: 'beef',
      });
      s.add('landOffice', 'request.endorse', { request: ref(req) });
      return req;
    };
    const approve = (who: Who, req: Entry, fields: string[], final: boolean): Entry =>
      s.add(who, 'decision.approve', {
        request: ref(req),
        fields,
        expires: '2026-12-31T00:00:00.000Z',
        final,
      });
    // The core idNumber: the category default (one officer) becomes four eyes.
    const core = ask('r-1', ['idNumber', 'name']);
    approve('zhao', core, ['idNumber', 'name'], false);
    approve('sun', core, ['idNumber', 'name'], true);
    const coreAlone = ask('r-2', ['idNumber']);
    const providerAlone = approve('sun', coreAlone, ['idNumber'], true);
    const coreThird = ask('r-3', ['idNumber']);
    const third = approve('li', coreThird, ['idNumber'], false);
    // The general name only: one officer of the provider; the requester's sign-off is not one.
    const general = ask('r-4', ['name']);
    const requesterSignoff = approve('zhao', general, ['name'], false);
    approve('sun', general, ['name'], true);
    const v = await s.audit();
    expect(v.firstBad).toBeNull();
    expect(rules(v)).toEqual([
      [providerAlone.seq, 'approval.four-eyes'],
      [third.seq, 'approval.unauthorised'],
      [requesterSignoff.seq, 'approval.unauthorised'],
    ]);
  });

  it('re-run a policy-engine approval under the category defaults when no policy is published, as governance does', async () => {
    const s = new Story();
    s.add('tax', 'catalogue.publish', {
      ...taxClearance,
      datasetId: 'tax-status',
      version: 1,
      sharing: { category: 'unconditional' },
    } as unknown as Record<string, unknown>);
    const ask = (id: string, fields: string[]): Entry => {
      const req = s.add('land', 'request', {
        requestId: id,
        provider: 'taxation',
        datasetId: 'tax-status',
        datasetVersion: 1,
        fields,
        purpose: 'land registration',
        legalBasis: 'Civil Code art. 214',
        scenario: 'registration of a transfer',
        scope: 'one person',
        method: 'api',
        timeLimit: '2026-12-31',
        duty: 'real-estate registration',
        subjectCommitment: HEX,
        subjectSealed: 'beef',
      });
      s.add('landOffice', 'request.endorse', { request: ref(req) });
      return req;
    };
    const engine = (req: Entry, fields: string[], policy = 'category-default'): Entry =>
      s.add('engine', 'decision.approve', {
        request: ref(req),
        fields,
        expires: '2026-12-31T00:00:00.000Z',
        final: true,
        policy: { id: policy, version: 1 },
        traceHash: HEX,
      });
    engine(ask('r-1', ['cleared']), ['cleared']);
    const unpublished = engine(ask('r-2', ['cleared']), ['cleared'], 'tax-status-sharing');
    const shorter = engine(ask('r-3', ['cleared', 'name']), ['cleared']);
    const v = await s.audit();
    expect(v.firstBad).toBeNull();
    expect(rules(v)).toEqual([
      [unpublished.seq, 'approval.policy-mismatch'],
      [shorter.seq, 'approval.policy-mismatch'],
    ]);
    expect(v.violations[0]!.message).toMatch(/never published/);
  });

  it("report an engine approval that does not name its policy's masking profile as <policyId>@<version>:<name>", async () => {
    const s = opening();
    const bare = engineApproval(s, request(s, 'r-1', 'land registration'), undefined, {
      maskingProfile: 'registry',
    });
    const other = engineApproval(s, request(s, 'r-2', 'land registration'), undefined, {
      maskingProfile: 'tax-clearance-sharing@2:registry',
    });
    const v = await s.audit();
    expect(rules(v)).toEqual([
      [bare.seq, 'approval.policy-mismatch'],
      [other.seq, 'approval.policy-mismatch'],
    ]);
    expect(v.violations[0]!.message).toContain('tax-clearance-sharing@3:registry');
  });

  it('reject an approval signed with a revoked officer key at its seq', async () => {
    const s = opening();
    const req = request(s, 'r-1', 'social assistance', ['cleared']);
    s.add('admin', 'key.revoke', { keyId: keys.li.key.publicKey.keyId, reason: 'left the office' });
    const late = s.add('li', 'decision.approve', {
      request: ref(req),
      fields: ['cleared'],
      expires: '2026-12-31T00:00:00.000Z',
      final: true,
    });
    const v = await s.audit();
    expect(v.firstBad).toMatchObject({ seq: late.seq, reason: 'unknown-key' });
  });

  it('count per department what the regulation forbids, for the report', async () => {
    const s = opening();
    // A later catalogue version adds a condition.
    s.add('tax', 'catalogue.publish', {
      ...taxClearance,
      version: 3,
      sharing: { ...taxClearance.sharing, conditions: ['registration only', 'no copies'] },
    } as unknown as Record<string, unknown>);
    // An answer past its deadline.
    const late = request(s, 'r-1', 'land registration');
    s.add('engine', 'deadline.breach', {
      request: ref(late),
      deadline: '2026-11-24T00:00:00.000Z',
      kind: 'answer',
      escalation: 'notice',
    });
    // A delivery whose time limit passed: used after it, never destroyed.
    const expired = request(s, 'r-2', 'land registration', ['taxpayerId', 'cleared'], {
      timeLimit: '2026-11-24',
    });
    const t = transfer(s, expired, engineApproval(s, expired));
    s.add('land', 'use', { transfer: ref(t), purpose: 'land registration' });
    // An onward transfer: natural resources passes taxation's data to public security.
    const onward = request(s, 'r-3', 'land registration', ['cleared'], {
      by: 'police',
      provider: 'natural-resources',
    });
    const approval = s.add('zhao', 'decision.approve', {
      request: ref(onward),
      fields: ['cleared'],
      expires: '2026-12-31T00:00:00.000Z',
      final: true,
    });
    s.add('land', 'transfer', {
      request: ref(onward),
      approval: ref(approval),
      requestId: 'r-3',
      to: 'public-security',
      ciphertextHash: HEX,
      size: 64,
      commitment: HEX,
      payloadId: 'p-onward',
      expires: '2027-01-31T00:00:00.000Z',
    });
    const v = await s.audit();
    expect(v.firstBad).toBeNull();
    expect(v.violations).toEqual([]);
    expect(v.stats?.compliance).toEqual({
      taxation: {
        answersPastDeadline: 1,
        refusalsWithoutReasons: 0,
        conditionsAddedAfterPublication: 1,
        usesPastTimeLimit: 0,
        deliveriesWithoutDestruction: 0,
        onwardTransfersWithoutConsent: 0,
      },
      'natural-resources': {
        answersPastDeadline: 0,
        refusalsWithoutReasons: 0,
        conditionsAddedAfterPublication: 0,
        usesPastTimeLimit: 1,
        deliveriesWithoutDestruction: 1,
        onwardTransfersWithoutConsent: 1,
      },
    });
    expect(v.stats?.decisionTimes.reduce((n, b) => n + b.count, 0)).toBe(2);
  });

  it('report an entry by an actor its type does not allow', async () => {
    const s = opening();
    const req = request(s, 'r-1', 'land registration');
    const approval = engineApproval(s, req);
    const t = s.add('li', 'receipt', {
      transfer: ref(transfer(s, req, approval)),
      ciphertextHash: HEX,
    });
    const v = await s.audit();
    expect(rules(v)).toEqual([
      [t.seq, 'entry.submitter'],
      [t.seq, 'receipt.mismatch'],
    ]);
  });

  it('report an onward transfer (§29) that no consent of the provider allows for its recipient', async () => {
    const s = opening();
    const req = request(s, 'r-1', 'land registration');
    const approval = engineApproval(s, req);
    const t = transfer(s, req, approval);
    s.add('land', 'receipt', { transfer: ref(t), ciphertextHash: HEX });
    const consent = s.add('tax', 'consent', {
      transfer: ref(t),
      to: 'public-security',
      purpose: 'identity check',
    });
    const selfConsent = s.add('land', 'consent', {
      transfer: ref(t),
      to: 'social-security',
      purpose: 'assistance',
    });
    const onward = (to: string, consentRef?: Entry, extra: Record<string, unknown> = {}): Entry =>
      s.add('land', 'transfer', {
        request: ref(req),
        approval: ref(approval),
        requestId: 'r-1',
        to,
        ciphertextHash: HEX,
        size: 512,
        commitment: HEX,
        maskingProfile: 'tax-clearance-sharing@3:registry',
        payloadId: `onward-${to}-${s.entries.length}`,
        expires: '2027-01-31T00:00:00.000Z',
        ...(consentRef ? { consent: ref(consentRef) } : {}),
        ...extra,
      });
    const allowed = onward('public-security', consent);
    const elsewhere = onward('social-security', consent);
    const unnamed = onward('public-security');
    const byHolder = onward('social-security', selfConsent);
    const forgedRef = onward('public-security', undefined, {
      consent: { seq: consent.seq, leaf: HEX },
    });
    s.add('police', 'receipt', { transfer: ref(allowed), ciphertextHash: HEX });
    const v = await s.audit();
    expect(v.firstBad).toBeNull();
    expect(rules(v)).toEqual([
      [elsewhere.seq, 'transfer.onward-without-consent'],
      [unnamed.seq, 'transfer.onward-without-consent'],
      [byHolder.seq, 'transfer.onward-without-consent'],
      [forgedRef.seq, 'transfer.onward-without-consent'],
    ]);
    expect(v.violations.find((x) => x.seq === byHolder.seq)?.message).toMatch(
      /not by the provider taxation/,
    );
  });
});
