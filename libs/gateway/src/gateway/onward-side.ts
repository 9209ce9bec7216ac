// Onward transfer (§29): passing received data on to a third department needs the original
// provider's recorded consent. The holder's side (passOn: checks the consent, re-seals, stores,
// submits an onward `transfer` naming it; erases at the original's retention) and the
// recipient's side (acceptOnward: checks the consent again, opens, acknowledges or refuses).
import { createHash } from 'node:crypto';
import { LedgerRejectedError, type LedgerReceipt } from '@govx/bus';
import {
  ExchangeEntryTypes,
  type ConsentBody,
  type EntryRef,
  type TransferBody,
} from '@govx/contracts';
import { sealPayload, type Payload } from '../exchange/payload-envelope.js';
import type { ExchangeRecord, Placed } from './exchange-index.js';
import type { GatewayContext } from './gateway-context.js';
import { GatewayError } from './gateway.error.js';
import { fetchPayload, suiteFor, type RequesterSide } from './requester-side.js';

const sameRef = (a: EntryRef, b: EntryRef): boolean => a.seq === b.seq && a.leaf === b.leaf;

export class OnwardSide {
  constructor(
    private readonly ctx: GatewayContext,
    private readonly requester: RequesterSide,
  ) {}

  /** Requester: whether the provider consented to passing the delivery on to `to` (§29). */
  mayPassOn(requestId: string, to: string, purpose?: string): boolean {
    const x = this.ctx.sent(requestId);
    return x.transfer !== undefined && this.consentFor(x, to, purpose) !== undefined;
  }

  /**
   * The provider's consent covering `to` (and `purpose` when given): a `consent` entry signed by
   * the provider's gateway for this exchange's transfer. Consents by anyone else do not count.
   */
  private consentFor(
    x: ExchangeRecord,
    to: string,
    purpose?: string,
  ): Placed<ConsentBody> | undefined {
    const provider = `dept/${x.request.body.provider}/gateway`;
    const t = x.transfer?.ref;
    return x.consents.find(
      (c) =>
        c.actor === provider &&
        t !== undefined &&
        c.body.transfer.seq === t.seq &&
        c.body.transfer.leaf === t.leaf &&
        c.body.to === to &&
        (purpose === undefined || c.body.purpose === purpose),
    );
  }

  /**
   * Requester: passes a delivery on to a third department (§29), re-sealed to its key, as an
   * onward `transfer` naming the provider's consent. MUST NOT happen without a consent of the
   * original provider covering `to` and `purpose`: refused with `no-consent` (recorded as a
   * `rejection`, the caller being authenticated), nothing stored, nothing sent.
   */
  async passOn(requestId: string, to: string, purpose: string): Promise<LedgerReceipt> {
    const x = this.ctx.sent(requestId);
    const attempt = {
      type: ExchangeEntryTypes.Transfer,
      requestId,
      ...(x.transfer ? { ref: x.transfer.ref } : {}),
    };
    try {
      return await this.passOnChecked(x, to, purpose);
    } catch (e) {
      if (e instanceof LedgerRejectedError && e.code === 'idempotency-conflict')
        throw await this.ctx.reject(
          attempt,
          new GatewayError('duplicate', `this consent was used already for ${to}`, 'to', {
            cause: e,
          }),
        );
      throw await this.ctx.reject(attempt, e);
    }
  }

  /**
   * Third department: accepts an onward transfer addressed to it (§29) once it checks that the
   * provider's gateway consented to exactly this recipient for the holder's delivery; fetches,
   * hash-checks, decrypts, checks the commitment and the approved fields, and submits `receipt`
   * — or a `rejection`, delivering nothing.
   */
  async acceptOnward(x: ExchangeRecord, onward: Placed<TransferBody>): Promise<void> {
    try {
      await this.openOnward(x, onward);
      await this.ctx.submit(ExchangeEntryTypes.Receipt, `receipt/${onward.ref.leaf}`, {
        transfer: onward.ref,
        ciphertextHash: onward.body.ciphertextHash,
      });
    } catch (e) {
      await this.ctx.reject(
        {
          type: ExchangeEntryTypes.Transfer,
          ref: onward.ref,
          requestId: x.request.body.requestId,
        },
        e,
      );
    }
  }

  /** The consent an onward transfer names, if the provider's gateway gave it for it. */
  onwardConsent(x: ExchangeRecord, onward: Placed<TransferBody>): Placed<ConsentBody> {
    const named = onward.body.consent;
    const c = named && x.consents.find((k) => sameRef(k.ref, named));
    const t = x.transfer?.ref;
    if (
      !c ||
      !t ||
      c.actor !== `dept/${x.request.body.provider}/gateway` ||
      !sameRef(c.body.transfer, t) ||
      c.body.to !== onward.body.to ||
      onward.actor !== `dept/${x.requester}/gateway`
    )
      throw new GatewayError(
        'no-consent',
        `no consent of ${x.request.body.provider} allows ${x.requester} to pass ${x.request.body.requestId} on to ${onward.body.to}`,
        'consent',
      );
    return c;
  }

  private async openOnward(x: ExchangeRecord, onward: Placed<TransferBody>): Promise<Payload> {
    const me = this.ctx.deps.department;
    if (onward.body.to !== me)
      throw new GatewayError('transfer-mismatch', `addressed to ${onward.body.to}`, 'to');
    const consent = this.onwardConsent(x, onward);
    if ((onward.body.maskingProfile ?? null) !== (x.approval?.body.maskingProfile ?? null))
      throw new GatewayError(
        'transfer-mismatch',
        'the onward transfer does not apply the approved masking profile',
        'maskingProfile',
      );
    const payload = await fetchPayload(
      this.ctx,
      x.requester,
      x.request.body.requestId,
      onward.body,
    );
    const approved = x.approval?.body.fields ?? [];
    const extra = Object.keys(payload.record).find((f) => !approved.includes(f));
    if (extra !== undefined)
      throw new GatewayError('field-not-approved', `the payload carries ${extra}`, 'record');
    if (payload.purpose !== consent.body.purpose)
      throw new GatewayError(
        'transfer-mismatch',
        `the payload's purpose is not the consented "${consent.body.purpose}"`,
        'purpose',
      );
    return payload;
  }

  /** Third department: the newest onward delivery of `requestId` to it, decrypted and checked. */
  async onwardDelivery(
    requestId: string,
  ): Promise<{ readonly payload: Payload; readonly transfer: EntryRef; readonly from: string }> {
    const x = this.ctx.exchange(requestId);
    const me = this.ctx.deps.department;
    // The newest one this gateway acknowledged; else the newest (its refusal explains why).
    const mine = x.onward.filter((o) => o.body.to === me);
    const acknowledged = mine.filter((o) =>
      x.onwardReceipts.some((r) => r.actor === this.ctx.actor && sameRef(r.body.transfer, o.ref)),
    );
    const onward = acknowledged.at(-1) ?? mine.at(-1);
    if (!onward)
      throw new GatewayError(
        'not-found',
        `nothing of ${requestId} passed on to ${me}`,
        'requestId',
      );
    return { payload: await this.openOnward(x, onward), transfer: onward.ref, from: x.requester };
  }

  /**
   * Crypto-shreds the payloads this department passed on (§29) whose `expires` has passed (the
   * original delivery's): `payload.erase` with the onward transfer's ref.
   */
  async eraseExpiredOnward(now: Date = this.ctx.clock()): Promise<number> {
    const me = this.ctx.deps.department;
    let n = 0;
    for (const x of this.ctx.index.exchanges.values()) {
      if (x.requester !== me) continue;
      for (const o of x.onward) {
        if (Date.parse(o.body.expires) > now.getTime()) continue;
        if (x.onwardErasures.some((e) => sameRef(e.body.transfer, o.ref))) continue;
        await this.ctx.deps.store.erase(o.body.to, o.body.payloadId, 'retention', now);
        await this.ctx.submit(ExchangeEntryTypes.PayloadErase, `payload.erase/${o.ref.leaf}`, {
          transfer: o.ref,
          reason: 'retention',
        });
        n++;
      }
    }
    return n;
  }

  private async passOnChecked(
    x: ExchangeRecord,
    to: string,
    purpose: string,
  ): Promise<LedgerReceipt> {
    const me = this.ctx.deps.department;
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(to))
      throw new GatewayError('malformed', 'to: expected a department id', 'to');
    if (to === me || to === x.request.body.provider)
      throw new GatewayError('malformed', `to: ${to} is not a third department`, 'to');
    this.requester.deliveredTransfer(x);
    if (this.ctx.clock().getTime() > Date.parse(`${x.request.body.timeLimit}T23:59:59.999Z`))
      throw new GatewayError(
        'purpose-expired',
        `the time limit ${x.request.body.timeLimit} has passed`,
        'timeLimit',
      );
    const consent = this.consentFor(x, to, purpose);
    if (!consent) {
      const other = this.consentFor(x, to);
      throw new GatewayError(
        'no-consent',
        other
          ? `${x.request.body.provider}'s consent to pass ${x.request.body.requestId} on to ${to} is for "${other.body.purpose}", not "${purpose}"`
          : `${x.request.body.provider} has not consented to passing ${x.request.body.requestId} on to ${to}`,
        other ? 'purpose' : 'to',
      );
    }
    if (x.onward.some((o) => o.body.consent?.seq === consent.ref.seq))
      throw new GatewayError('duplicate', `this consent was used already for ${to}`, 'to');
    const recipient = this.ctx.encryptionKeyOf(to);
    const delivered = await this.requester.openDelivery(x);
    const payload: Payload = { ...delivered, purpose };
    const payloadId = createHash('sha256')
      .update(`onward\n${me}\n${consent.ref.leaf}`)
      .digest('hex')
      .slice(0, 40);
    const sealed = sealPayload(suiteFor(recipient), recipient, payload, payloadId);
    const t = x.transfer!.body;
    await this.ctx.deps.store.put(to, payloadId, sealed.sealed, t.expires);
    const body: TransferBody = {
      request: x.request.ref,
      approval: x.approval!.ref,
      requestId: x.request.body.requestId,
      to,
      ciphertextHash: sealed.ciphertextHash,
      size: sealed.size,
      commitment: sealed.commitment,
      ...(t.maskingProfile ? { maskingProfile: t.maskingProfile } : {}),
      payloadId,
      expires: t.expires,
      consent: consent.ref,
    };
    return this.ctx.submit(ExchangeEntryTypes.Transfer, `onward/${consent.ref.leaf}`, body);
  }
}
