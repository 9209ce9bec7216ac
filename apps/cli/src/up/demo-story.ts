// `govx up --demo`: a scripted story over the running platform, narrated step by step with the
// ledger seqs each step made, then an audit of the whole log (the code of `govx audit verify`).
//
// A citizen sells a land parcel. Natural resources (the land registry) asks public security to
// verify the seller's name and id number (核验), taxation for the tax clearance (auto-approved,
// delivered masked under the policy's masking profile), social security for the contribution
// record, whose monthly base is a sensitive field that the policy puts before one officer,
// and public security for the seller's identity record, whose id number is of the highest
// grade: four eyes, an officer of the registry then one of public security. Each request is
// endorsed by the registry's office (§20) and decided by a policy published at the start of
// the story; deliveries are fetched, decrypted and checked against their masking profile,
// receipts land, a `use` entry records the purpose. A request for a not-shared dataset is
// refused with a `rejection` entry. Every run uses fresh request ids, so the story can be
// played again on the same directory.
import type { AuditVerdict } from '@govx/audit';
import { policyMaskingProfileId } from '@govx/contracts';
import {
  catalogueMaskingProfile,
  demoDepartment,
  generateDemoWorld,
  type DataRecord,
} from '@govx/gateway';
import { verdictText } from '../audit/audit-verify.js';
import type { Platform } from './platform.js';
import { Story, type DemoOptions, type DemoStep } from './demo-actions.js';
import { pickSale, REGISTRY, STORY_REQUESTS, TAX_MASKING } from './demo-data.js';
import { checkMaskedRecord, entriesOfType } from './demo-support.js';

export {
  demoPolicySources,
  pickSale,
  PURPOSE,
  REGISTRY,
  STORY_REQUESTS,
  TAX_MASKING,
} from './demo-data.js';
export type { DemoOptions, DemoStep } from './demo-actions.js';

export interface DemoOutcome {
  readonly ok: boolean;
  readonly steps: readonly DemoStep[];
  readonly audit: AuditVerdict | null;
  /** What failed, one line each (empty when ok). */
  readonly failures: readonly string[];
}

/** Plays the story on a running platform; never throws for a failed step (see the outcome). */
export async function playDemoStory(
  platform: Platform,
  dir: string,
  options: DemoOptions,
): Promise<DemoOutcome> {
  const story = new Story(platform, dir, options);
  const say = options.write;
  const world = generateDemoWorld();
  const { person, parcel } = pickSale(world);
  say('');
  say(`Demo: a citizen sells a land parcel.`);
  say(
    `  ${person.name} (id ${person.idNumber}) sells parcel ${parcel.parcelId} (${parcel.location}, ` +
      `${parcel.areaM2} m², certificate ${parcel.certificateNo}). The land registry ` +
      `(${REGISTRY}) checks the seller with three departments.`,
  );

  await story.step('policies published by the providers', (seqs) => story.publishPolicies(seqs));

  await story.step('identity check (核验) at public-security', async (seqs) => {
    const requestId = await story.ask(seqs, {
      ...STORY_REQUESTS.identity,
      fields: [...STORY_REQUESTS.identity.fields],
      subject: person.idNumber,
      claims: { name: person.name },
      scenario: 'verify the seller’s claimed name and id number',
    });
    const v = await story.until(
      requestId,
      'the verification',
      (x) => x.verification !== null,
      seqs,
    );
    const approver = await story.approver(v.approval!.seq);
    seqs.push({ what: `decision.approve (${approver.actor})`, seq: v.approval!.seq });
    story.expectPolicy(STORY_REQUESTS.identity.datasetId, approver.policy);
    const { verification } = await story.fetchDelivery(requestId);
    story.exchanges.push({ name: 'identity check', requestId });
    const ver = await entriesOfType(story.ledgerUrl, 'verification', v.request.seq);
    const entry = ver.find((e) => e.entry.body['requestId'] === requestId);
    if (entry) seqs.push({ what: 'verification', seq: entry.seq });
    if (verification !== 'match') throw new Error(`expected match, got ${String(verification)}`);
    return `claimed name ${person.name} + id ${person.idNumber} → ${verification} (no record left public-security; auto-approved by ${approver.actor} under ${approver.policy ?? 'no policy'})`;
  });

  const transferStep = async (
    name: string,
    r: {
      provider: string;
      datasetId: string;
      fields: string[];
      subject: string;
      scenario: string;
      /** The record as the provider holds it, to check the delivery's masking. */
      stored: DataRecord;
      /** Officers decide, naming this masking profile; else the policy engine. */
      officers?: { count: 'one' | 'four-eyes'; maskingProfile: string };
      /** The masking profile (of the published policy) the engine's approval must name. */
      policyProfile?: string;
    },
  ): Promise<void> => {
    await story.step(name, async (seqs) => {
      const requestId = await story.ask(seqs, r);
      let how = '';
      let finalSeq: number | null = null;
      if (r.officers?.count === 'one') {
        how = await story.officerApproves(
          r.provider,
          r.datasetId,
          requestId,
          r.fields,
          r.officers.maskingProfile,
          seqs,
        );
      } else if (r.officers?.count === 'four-eyes') {
        ({ how, finalSeq } = await story.fourEyesApproves(
          r.provider,
          r.datasetId,
          requestId,
          r.fields,
          r.officers.maskingProfile,
          seqs,
        ));
      }
      const v = await story.until(requestId, 'the receipt', (x) => x.receipt !== null, seqs);
      const approval = await story.approver(v.approval!.seq);
      if (!r.officers) {
        seqs.push({ what: `decision.approve (${approval.actor})`, seq: v.approval!.seq });
        story.expectPolicy(r.datasetId, approval.policy);
        how = `auto-approved by ${approval.actor} under ${approval.policy ?? 'no policy'}`;
        if (r.policyProfile) {
          const [id, version] = story.published.get(r.datasetId)!.split('@');
          const expected = policyMaskingProfileId(id!, Number(version), r.policyProfile);
          if (approval.maskingProfile !== expected)
            throw new Error(
              `the approval names masking profile ${approval.maskingProfile ?? 'none'}, not ${expected}`,
            );
          how += ` with its masking profile ${expected}`;
        }
      } else if (finalSeq !== null && v.approval!.seq !== finalSeq)
        throw new Error(
          `the transfer answers approval seq ${v.approval!.seq}, not seq ${finalSeq}`,
        );
      seqs.push({ what: 'transfer', seq: v.transfer!.seq });
      seqs.push({ what: 'receipt', seq: v.receipt!.seq });
      const transfer = await story.entry(v.transfer!.seq);
      const profileId = (transfer.body['maskingProfile'] as string | undefined) ?? null;
      if (profileId !== approval.maskingProfile)
        throw new Error(
          `transfer seq ${v.transfer!.seq} names masking profile ${profileId ?? 'none'}, the approval ${approval.maskingProfile ?? 'none'}`,
        );
      const { payload } = await story.fetchDelivery(requestId);
      if (!payload) throw new Error('no payload delivered');
      if (payload.maskingProfile !== profileId)
        throw new Error(
          `the payload says masking ${payload.maskingProfile ?? 'none'}, not ${profileId ?? 'none'}`,
        );
      let masked = '';
      if (profileId !== null) {
        const profile = story.maskingProfile(r.provider, r.datasetId, profileId);
        const changed = checkMaskedRecord(profile, r.stored, r.fields, payload.record);
        // The policy's profile and the highest grade MUST show on the record.
        if ((r.policyProfile || r.officers?.count === 'four-eyes') && changed.length === 0)
          throw new Error(`${profileId} masks none of the delivered fields`);
        masked = ` (masking ${profileId}, named by transfer seq ${v.transfer!.seq}${changed.length ? `; masked: ${changed.join(', ')}` : ''})`;
      } else if (r.policyProfile) throw new Error('the record arrived unmasked');
      await story.recordUse(requestId, seqs);
      story.exchanges.push({ name: r.datasetId, requestId });
      const record = Object.entries(payload.record)
        .map(([k, val]) => `${k}=${String(val)}`)
        .join(', ');
      return `${how}; delivered and decrypted: {${record}}${masked}; use recorded`;
    });
  };

  /** The seller's row of a demo-world table, as the provider's database holds it. */
  const sellerRow = (rows: readonly object[]): DataRecord => {
    const row = rows.find((x) => (x as { idNumber?: unknown }).idNumber === person.idNumber);
    if (!row) throw new Error(`demo world: no row of ${person.idNumber}`);
    return row as DataRecord;
  };

  await transferStep('tax clearance at taxation', {
    ...STORY_REQUESTS.tax,
    fields: [...STORY_REQUESTS.tax.fields],
    subject: person.idNumber,
    scenario: 'a transfer of real estate requires the seller’s tax clearance',
    stored: sellerRow(world.personTax),
    policyProfile: TAX_MASKING.name,
  });

  const catalogueProfile = (provider: string, datasetId: string): string =>
    catalogueMaskingProfile(
      demoDepartment(provider).catalogue.find((c) => c.datasetId === datasetId)!,
    ).id;
  await transferStep(
    'contribution record at social-security (sensitive field: an officer decides)',
    {
      ...STORY_REQUESTS.contribution,
      fields: [...STORY_REQUESTS.contribution.fields],
      subject: person.idNumber,
      scenario: 'the buyer’s housing eligibility rests on the seller’s contribution history',
      stored: sellerRow(world.contributions),
      officers: {
        count: 'one',
        maskingProfile: catalogueProfile('social-security', 'ss.contribution-record'),
      },
    },
  );

  await transferStep('identity record at public-security (highest-grade field: four eyes)', {
    ...STORY_REQUESTS.identityRecord,
    fields: [...STORY_REQUESTS.identityRecord.fields],
    subject: person.idNumber,
    scenario: 'the registration file keeps the seller’s identity record',
    stored: sellerRow(world.people),
    officers: {
      count: 'four-eyes',
      maskingProfile: catalogueProfile('public-security', 'ps.identity'),
    },
  });

  await story.step('a refusal: the seller’s income (not shared)', (seqs) =>
    story.refusal(seqs, person.idNumber),
  );

  await story.step('receipts with inclusion proofs', () => story.proofs());

  say('Audit of the whole log (libs/audit, as `govx audit verify`, source: ledger-1 database):');
  let audit: AuditVerdict | null = null;
  const failures = story.steps.filter((s) => !s.ok).map((s) => `${s.name}: ${s.detail}`);
  try {
    const covered = await story.checkpointCoveringTip();
    say(
      covered === null
        ? '  (no final checkpoint covers the last entries yet; the audit says how many)'
        : `  final checkpoint of size ${covered} cosigned`,
    );
    audit = await story.audit();
    for (const line of verdictText(audit)) say(`  ${line}`);
    if (!audit.ok) failures.push(`audit: ${verdictText(audit).join('; ')}`);
  } catch (e) {
    say(`  audit FAILED to run: ${(e as Error).message}`);
    failures.push(`audit: ${(e as Error).message}`);
  }
  const okAll = failures.length === 0;
  say(
    okAll
      ? `Demo: every step held and the audit is ok.`
      : `Demo: FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}`,
  );
  return { ok: okAll, steps: story.steps, audit, failures };
}
