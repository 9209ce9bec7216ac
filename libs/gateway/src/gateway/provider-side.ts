// The provider side of a gateway: answers final approvals addressed to its department with a
// `transfer` (read, keep approved fields, mask, seal to the requester, store) or, for a
// verification-only dataset, a `verification`; erases payloads (retention, destruction);
// gives consent to pass data on. Refusals become `rejection` entries.
import { createHash, createHmac } from 'node:crypto';
import type { LedgerReceipt } from '@govx/bus';
import {
  ExchangeEntryTypes,
  GovernanceEntryTypes,
  parsePolicyMaskingProfileId,
  type DecisionApproveBody,
  type TransferBody,
} from '@govx/contracts';
import { getSuite, type CryptoSuite, type EncryptionPublicKey } from '@govx/crypto';
import type { CatalogueEntry } from '../catalogue/catalogue-entry.js';
import {
  applyMaskingProfile,
  catalogueMaskingProfile,
  keepApprovedFields,
  MaskingError,
  policyMaskingProfile,
  type FieldHasher,
  type MaskingProfile,
} from '../exchange/masking.js';
import { sealPayload, type Payload } from '../exchange/payload-envelope.js';
import { openSubject, type OpenedSubject } from '../exchange/subject.js';
import { verifyClaims } from '../exchange/verification.js';
import { isApproverOf, type ExchangeRecord, type Placed } from './exchange-index.js';
import type { GatewayContext } from './gateway-context.js';
import { GatewayError } from './gateway.error.js';

/** The suite that seals to `key`: x25519 → intl, sm2 → sm (departments may differ). */
function suiteFor(key: EncryptionPublicKey): CryptoSuite {
  return getSuite(key.algorithm === 'sm2' ? 'sm' : 'intl');
}

const DEFAULT_RETENTION_MS = 30 * 24 * 3600 * 1000;
/** Who may approve a request to `provider`: the policy engine or the provider's officers. */
export class ProviderSide {
  constructor(private readonly ctx: GatewayContext) {}

  /** Answers one final approval of `x`: the transfer or verification, or a rejection of it. */
  async answerApproval(x: ExchangeRecord, approval: Placed<DecisionApproveBody>): Promise<void> {
    const request = x.request.body;
    const attempt = {
      type: GovernanceEntryTypes.DecisionApprove,
      ref: approval.ref,
      requestId: request.requestId,
    };
    try {
      if (!isApproverOf(this.ctx.deps.department, approval.actor)) {
        throw new GatewayError(
          'approval-mismatch',
          `approval signed by ${approval.actor}, not an approver of ${this.ctx.deps.department}`,
          'actor',
        );
      }
      if (Date.parse(approval.body.expires) < this.ctx.clock().getTime()) {
        throw new GatewayError(
          'approval-expired',
          `approval expired at ${approval.body.expires}`,
          'expires',
        );
      }
      const entry = this.ctx.local.get(request.datasetId);
      if (!entry)
        throw new GatewayError(
          'unknown-dataset',
          `no dataset ${request.datasetId} here`,
          'datasetId',
        );
      if (entry.category === 'not-shared') {
        throw new GatewayError(
          'not-shared',
          `${request.datasetId} is not shared (${entry.reason ?? ''})`,
          'datasetId',
        );
      }
      approval.body.fields.forEach((f, i) => {
        if (!request.fields.includes(f))
          throw new GatewayError(
            'approval-mismatch',
            `approved field ${f} was not requested`,
            `fields/${i}`,
          );
        if (!entry.fields.some((c) => c.name === f))
          throw new GatewayError(
            'field-not-in-catalogue',
            `no field ${f} in ${entry.datasetId}`,
            `fields/${i}`,
          );
      });
      let subject: OpenedSubject;
      try {
        subject = openSubject(this.ctx.deps.keys.encryption, request.requestId, request);
      } catch (cause) {
        throw new GatewayError(
          'subject-unreadable',
          'the sealed subject does not open or match its commitment',
          'subjectSealed',
          { cause },
        );
      }
      if (entry.mode === 'verification') await this.answerVerification(x, approval, entry, subject);
      else await this.transfer(x, approval, entry, subject);
    } catch (e) {
      await this.ctx.reject(attempt, e);
    }
  }

  private async answerVerification(
    x: ExchangeRecord,
    approval: Placed<DecisionApproveBody>,
    entry: CatalogueEntry,
    subject: OpenedSubject,
  ): Promise<void> {
    const claims = subject.claims ?? {};
    const allowed = approval.body.fields;
    const record = await this.ctx.deps.dataSource.read(
      entry.datasetId,
      subject.subject,
      Object.keys(claims).filter((c) => allowed.includes(c)),
    );
    let result: 'match' | 'no-match';
    try {
      result = verifyClaims(record, claims, allowed);
    } catch (cause) {
      throw new GatewayError(
        'field-not-approved',
        (cause as Error).message,
        (cause as { field?: string }).field ?? 'claims',
        { cause },
      );
    }
    await this.ctx.submit(ExchangeEntryTypes.Verification, `verification/${approval.ref.leaf}`, {
      request: x.request.ref,
      approval: approval.ref,
      requestId: x.request.body.requestId,
      to: x.requester,
      result,
    });
  }

  private async transfer(
    x: ExchangeRecord,
    approval: Placed<DecisionApproveBody>,
    entry: CatalogueEntry,
    subject: OpenedSubject,
  ): Promise<void> {
    const request = x.request.body;
    const record = await this.ctx.deps.dataSource.read(
      entry.datasetId,
      subject.subject,
      approval.body.fields,
    );
    if (record === null)
      throw new GatewayError(
        'subject-not-found',
        `no record for the subject in ${entry.datasetId}`,
        'subjectSealed',
      );
    const profile = this.maskingProfile(approval.body, entry);
    const kept = keepApprovedFields(record, approval.body.fields);
    const payload: Payload = {
      requestId: request.requestId,
      datasetId: entry.datasetId,
      record: profile
        ? applyMaskingProfile(profile, kept, this.hasher(x.requester, entry.datasetId))
        : kept,
      maskingProfile: profile?.id ?? null,
      purpose: request.purpose,
      useUntil: `${request.timeLimit}T23:59:59.999Z`,
    };
    const recipient = this.ctx.encryptionKeyOf(x.requester);
    const payloadId = createHash('sha256')
      .update(`${this.ctx.deps.department}\n${approval.ref.leaf}`)
      .digest('hex')
      .slice(0, 40);
    const sealed = sealPayload(suiteFor(recipient), recipient, payload, payloadId);
    const expires = new Date(
      this.ctx.clock().getTime() + (this.ctx.deps.retentionMs ?? DEFAULT_RETENTION_MS),
    ).toISOString();
    await this.ctx.deps.store.put(x.requester, payloadId, sealed.sealed, expires);
    const body: TransferBody = {
      request: x.request.ref,
      approval: approval.ref,
      requestId: request.requestId,
      to: x.requester,
      ciphertextHash: sealed.ciphertextHash,
      size: sealed.size,
      commitment: sealed.commitment,
      ...(profile ? { maskingProfile: profile.id } : {}),
      payloadId,
      expires,
    };
    await this.ctx.submit(ExchangeEntryTypes.Transfer, `transfer/${approval.ref.leaf}`, body);
  }

  /**
   * The approval's masking profile: this dataset's catalogue profile, or a policy profile
   * `<policyId>@<version>:<name>` resolved from the policy.publish entry on the ledger (a policy
   * of this department; an engine approval must name the same policy version).
   */
  private maskingProfile(
    approval: DecisionApproveBody,
    entry: CatalogueEntry,
  ): MaskingProfile | null {
    const id = approval.maskingProfile;
    if (id === undefined) return null;
    const ref = parsePolicyMaskingProfileId(id);
    if (ref === null) {
      const profile = catalogueMaskingProfile(entry);
      if (profile.id !== id)
        throw new GatewayError(
          'approval-mismatch',
          `unknown masking profile ${id} (this gateway has ${profile.id})`,
          'maskingProfile',
        );
      return profile;
    }
    if (
      approval.policy &&
      (approval.policy.id !== ref.policyId || approval.policy.version !== ref.version)
    )
      throw new GatewayError(
        'approval-mismatch',
        `masking profile ${id} is not of the approving policy ${approval.policy.id} v${approval.policy.version}`,
        'maskingProfile',
      );
    const policy = this.ctx.index.policies.get(`${ref.policyId}@${ref.version}`);
    if (!policy || policy.body.provider !== this.ctx.deps.department)
      throw new GatewayError(
        'approval-mismatch',
        `no policy ${ref.policyId} v${ref.version} of ${this.ctx.deps.department} on the ledger`,
        'maskingProfile',
      );
    const profiles = policy.body.document['maskingProfiles'] as
      Readonly<Record<string, unknown>> | undefined;
    const methods = profiles && Object.hasOwn(profiles, ref.name) ? profiles[ref.name] : undefined;
    try {
      return policyMaskingProfile(id, entry, methods);
    } catch (cause) {
      if (!(cause instanceof MaskingError)) throw cause;
      throw new GatewayError('approval-mismatch', cause.message, 'maskingProfile', { cause });
    }
  }

  /**
   * The keyed hash of the `hash` method: HMAC-SHA256 under a key derived from this gateway's
   * encryption private key, scoped to the requester and dataset, so the requester gets a
   * stable pseudonym it cannot reverse or link with another department's.
   */
  private hasher(requester: string, datasetId: string): FieldHasher {
    const key = createHash('sha256')
      .update(`govx/masking-hash/v1\n${this.ctx.deps.keys.encryption.toPem()}`)
      .digest();
    return (field, value) =>
      `hmac-sha256:${createHmac('sha256', key).update(`${requester}\n${datasetId}\n${field}\n${value}`).digest('hex')}`;
  }

  /** Crypto-shreds every payload of this provider whose retention has passed. */
  async eraseExpired(now: Date = this.ctx.clock()): Promise<number> {
    let n = 0;
    for (const x of this.ctx.index.exchanges.values()) {
      if (x.request.body.provider !== this.ctx.deps.department || !x.transfer || x.erasure)
        continue;
      if (Date.parse(x.transfer.body.expires) <= now.getTime()) {
        await this.erasePayload(x, 'retention');
        n++;
      }
    }
    return n;
  }

  async erasePayload(x: ExchangeRecord, reason: 'retention' | 'destruction'): Promise<void> {
    const t = x.transfer!;
    await this.ctx.deps.store.erase(x.requester, t.body.payloadId, reason, this.ctx.clock());
    await this.ctx.submit(ExchangeEntryTypes.PayloadErase, `payload.erase/${t.ref.leaf}`, {
      transfer: t.ref,
      reason,
    });
  }

  /** Provider: consent to the requester passing a delivery on to a third department (§27). */
  async giveConsent(requestId: string, to: string, purpose: string): Promise<LedgerReceipt> {
    const x = this.ctx.exchange(requestId);
    if (x.request.body.provider !== this.ctx.deps.department || !x.transfer) {
      throw new GatewayError(
        'not-found',
        `no transfer of ${requestId} by this department`,
        'requestId',
      );
    }
    return this.ctx.submit(ExchangeEntryTypes.Consent, `consent/${x.transfer.ref.leaf}/${to}`, {
      transfer: x.transfer.ref,
      to,
      purpose,
    });
  }
}
