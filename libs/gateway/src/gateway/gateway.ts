// One department's gateway: follows the ledger into an ExchangeIndex and acts on what concerns
// its department, through its provider side (provider-side.ts) and requester side
// (requester-side.ts). Entries that existed at start are replayed without acting; what is still
// owed is done once caught up, in the background (bounded), each piece of work once.
import type { FollowedEntry, LedgerConsumer, LedgerReceipt } from '@govx/bus';
import { GovernanceEntryTypes, type EntryRef } from '@govx/contracts';
import { toCataloguePublishBody, type CatalogueEntry } from '../catalogue/catalogue-entry.js';
import {
  rejectedByProvider,
  stateOf,
  type ExchangeIndex,
  type ExchangeRecord,
  type RequestState,
} from './exchange-index.js';
import { GatewayContext, type GatewayDeps } from './gateway-context.js';
import { GatewayError } from './gateway.error.js';
import { ProviderSide } from './provider-side.js';
import { OnwardSide } from './onward-side.js';
import { RequesterSide, type NewRequest } from './requester-side.js';

export type { GatewayDeps } from './gateway-context.js';
export type { NewRequest } from './requester-side.js';

export interface RequestView {
  readonly requestId: string;
  readonly direction: 'sent' | 'received';
  readonly state: RequestState;
  readonly requester: string;
  readonly provider: string;
  readonly datasetId: string;
  readonly fields: readonly string[];
  readonly purpose: string;
  readonly timeLimit: string;
  readonly request: EntryRef;
  readonly approval: EntryRef | null;
  readonly transfer: EntryRef | null;
  readonly receipt: EntryRef | null;
  readonly verification: 'match' | 'no-match' | null;
  readonly rejections: readonly { code: string; message: string; field: string | null }[];
  readonly erased: boolean;
}

/** An onward delivery (§29) as its recipient sees it. */
export interface OnwardView {
  readonly requestId: string;
  /** The department that passed it on (the original requester). */
  readonly from: string;
  readonly provider: string;
  readonly datasetId: string;
  readonly fields: readonly string[];
  readonly transfer: EntryRef;
  readonly consent: EntryRef | null;
  readonly state: 'transferred' | 'received' | 'rejected';
  /** Crypto-shredded by the department that passed it on (retention). */
  readonly erased: boolean;
}

interface Work {
  readonly key: string;
  run(): Promise<void>;
}

const DEFAULT_MAX_IN_FLIGHT = 32;

export class Gateway {
  readonly index: ExchangeIndex;
  readonly actor: string;
  private readonly ctx: GatewayContext;
  private readonly provider: ProviderSide;
  private readonly requester: RequesterSide;
  private readonly onward: OnwardSide;
  private follower: LedgerConsumer | null = null;
  private replayUntil = 0;
  /** Work found while replaying, run once caught up (keyed by requestId). */
  private readonly deferred = new Map<string, Work>();
  private readonly inflight = new Map<string, Promise<void>>();
  /** Work done whose answer the follower may not have read yet: never done twice. */
  private readonly done = new Set<string>();
  private failure: Error | null = null;

  constructor(private readonly deps: GatewayDeps) {
    if (deps.store.department !== deps.department)
      throw new RangeError(`store: opened for ${deps.store.department}, not ${deps.department}`);
    this.ctx = new GatewayContext(deps);
    this.index = this.ctx.index;
    this.actor = this.ctx.actor;
    this.provider = new ProviderSide(this.ctx);
    this.requester = new RequesterSide(this.ctx);
    this.onward = new OnwardSide(this.ctx, this.requester);
  }

  get department(): string {
    return this.deps.department;
  }

  /** The error that stopped the follower, if any. */
  get error(): Error | null {
    return this.failure;
  }

  async start(): Promise<void> {
    this.replayUntil = await this.deps.tipAtStart();
    if (this.replayUntil === 0) this.replayUntil = -1;
    this.follower = this.deps.ledger.follow(
      0,
      (e) => this.onEntry(e),
      (e) => {
        this.failure = e;
        this.deps.log?.('ledger follower stopped', { error: e.message });
      },
    );
  }

  /** Resolves once the entries that existed at start have been replayed. */
  async caughtUp(pollMs = 50): Promise<void> {
    while (this.index.lastSeq + 1 < this.replayUntil) {
      if (this.failure) throw this.failure;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  async stop(): Promise<void> {
    await this.follower?.stop();
    this.follower = null;
    await Promise.all(this.inflight.values());
  }

  // ---- following -----------------------------------------------------------------------

  private async onEntry(e: FollowedEntry): Promise<void> {
    const x = this.index.apply(e.seq, e.leafHash, e.entry);
    const replaying = e.seq < this.replayUntil - 1;
    if (x) {
      const work = this.workFor(x);
      if (work) {
        if (replaying) this.deferred.set(x.request.body.requestId, work);
        else await this.dispatch(work);
      } else if (replaying) {
        this.deferred.delete(x.request.body.requestId);
      }
    }
    if (!replaying && this.deferred.size > 0) {
      const pending = [...this.deferred.keys()];
      this.deferred.clear();
      for (const requestId of pending) {
        const again = this.index.exchanges.get(requestId);
        const work = again ? this.workFor(again) : null;
        if (work) await this.dispatch(work);
      }
    }
  }

  /**
   * Runs a piece of work in the background, at most maxInFlight at once, each key once: the
   * follower goes on reading while transfers and receipts wait for their quorum.
   */
  private async dispatch(work: Work): Promise<void> {
    if (this.inflight.has(work.key) || this.done.has(work.key)) return;
    while (this.inflight.size >= (this.deps.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT)) {
      await Promise.race(this.inflight.values());
    }
    const p = work
      .run()
      .then(
        () => void this.done.add(work.key),
        (e: Error) => this.deps.log?.('gateway work failed', { key: work.key, error: e.message }),
      )
      .finally(() => this.inflight.delete(work.key));
    this.inflight.set(work.key, p);
  }

  /** What this gateway still owes an exchange, if anything. */
  private workFor(x: ExchangeRecord): Work | null {
    const me = this.deps.department;
    const id = x.request.body.requestId;
    if (x.request.body.provider === me && !x.transfer && !x.verification && !x.denial) {
      // Each final approval is answered once: a stray one (not by an approver) is rejected
      // on the ledger; a rejected one (expired, say) leaves the next approval to answer.
      const approval = x.strayApprovals.find((a) => !rejectedByProvider(x, a)) ?? x.approval;
      if (approval)
        return {
          key: `${id}/answer/${approval.ref.seq}`,
          run: () => this.provider.answerApproval(x, approval),
        };
    }
    if (
      x.requester === me &&
      x.transfer &&
      !x.receipt &&
      !x.rejections.some((r) => r.actor === this.actor)
    ) {
      return { key: `${id}/receipt`, run: () => this.requester.acceptTransfer(x) };
    }
    if (x.request.body.provider === me && x.transfer && x.destruction && !x.erasure) {
      return { key: `${id}/erase`, run: () => this.provider.erasePayload(x, 'destruction') };
    }
    const onward = x.onward.find(
      (o) =>
        o.body.to === me &&
        !x.onwardReceipts.some((r) => r.body.transfer.seq === o.ref.seq) &&
        !x.rejections.some((r) => r.actor === this.actor && r.body.attempt.ref?.seq === o.ref.seq),
    );
    if (onward) {
      return {
        key: `${id}/onward/${onward.ref.seq}`,
        run: () => this.onward.acceptOnward(x, onward),
      };
    }
    return null;
  }

  // ---- the department's own systems ------------------------------------------------------

  /** Publishes every local catalogue entry not yet on the ledger at its version. */
  async publishCatalogue(
    entries: readonly CatalogueEntry[] = this.deps.catalogue,
  ): Promise<LedgerReceipt[]> {
    const receipts: LedgerReceipt[] = [];
    for (const entry of entries) {
      if (entry.department !== this.deps.department) {
        throw new GatewayError(
          'malformed',
          `entry ${entry.datasetId} belongs to ${entry.department}`,
          'department',
        );
      }
      const body = toCataloguePublishBody(entry);
      this.ctx.local.set(entry.datasetId, entry);
      const published = this.index.catalogueEntry(entry.datasetId, entry.version);
      if (published && published.actor === this.actor) continue;
      receipts.push(
        await this.ctx.submit(
          GovernanceEntryTypes.CataloguePublish,
          `catalogue/${entry.datasetId}/${entry.version}`,
          body,
          false,
        ),
      );
    }
    return receipts;
  }

  listRequests(direction?: 'sent' | 'received'): RequestView[] {
    const me = this.deps.department;
    const out: RequestView[] = [];
    for (const x of this.index.exchanges.values()) {
      const d = x.requester === me ? 'sent' : x.request.body.provider === me ? 'received' : null;
      if (d && (!direction || direction === d)) out.push(this.view(x, d));
    }
    return out;
  }

  request(requestId: string): RequestView {
    const x = this.ctx.exchange(requestId);
    const me = this.deps.department;
    if (x.requester !== me && x.request.body.provider !== me)
      throw new GatewayError(
        'not-found',
        `no request ${requestId} of this department`,
        'requestId',
      );
    return this.view(x, x.requester === me ? 'sent' : 'received');
  }

  /** Every entry of an exchange this department took part in, in log order. */
  entriesOf(requestId: string): { type: string; ref: EntryRef; actor: string; time: string }[] {
    const x = this.ctx.exchange(requestId);
    this.request(requestId);
    type Row = { type: string; ref: EntryRef; actor: string; time: string };
    const all: [string, { ref: EntryRef; actor: string; time: string } | undefined][] = [
      ['request', x.request],
      ['request.endorse', x.endorsement],
      ['decision.approve', x.approval],
      ['decision.deny', x.denial],
      ['transfer', x.transfer],
      ['verification', x.verification],
      ['receipt', x.receipt],
      ...x.uses.map((u): [string, typeof u] => ['use', u]),
      ['destruction', x.destruction],
      ...x.consents.map((c): [string, typeof c] => ['consent', c]),
      ...x.onward.map((o): [string, typeof o] => ['transfer', o]),
      ['payload.erase', x.erasure],
      ...x.rejections.map((r): [string, typeof r] => ['rejection', r]),
    ];
    const rows: Row[] = [];
    for (const [type, p] of all)
      if (p) rows.push({ type, ref: p.ref, actor: p.actor, time: p.time });
    return rows.sort((a, b) => a.ref.seq - b.ref.seq);
  }

  // ---- delegated to the two sides ------------------------------------------------------

  /**
   * Crypto-shreds every payload of this provider whose retention has passed, and every payload
   * it passed on to a third department (§29) past the original's retention.
   */
  async eraseExpired(now?: Date): Promise<number> {
    return (await this.provider.eraseExpired(now)) + (await this.onward.eraseExpiredOnward(now));
  }

  /** Provider: consent to the requester passing a delivery on to a third department (§27). */
  giveConsent(requestId: string, to: string, purpose: string): Promise<LedgerReceipt> {
    return this.provider.giveConsent(requestId, to, purpose);
  }

  /** Creates and submits a request; refusals are answered and recorded as `rejection`. */
  createRequest(input: NewRequest): Promise<{ requestId: string; receipt: LedgerReceipt }> {
    return this.requester.createRequest(input);
  }

  /** The requesting department's office endorses one of its requests (§20). */
  endorse(requestId: string): Promise<LedgerReceipt> {
    return this.requester.endorse(requestId);
  }

  /** Requester: a delivery, decrypted and checked against its transfer entry. */
  delivery(requestId: string): ReturnType<RequesterSide['delivery']> {
    return this.requester.delivery(requestId);
  }

  /** Requester: records a use of a delivery for its purpose, within its time limit (§25). */
  recordUse(requestId: string, purpose: string): Promise<LedgerReceipt> {
    return this.requester.recordUse(requestId, purpose);
  }

  /** Requester: records the destruction of a delivery; the provider then erases the payload. */
  recordDestruction(requestId: string, method: string): Promise<LedgerReceipt> {
    return this.requester.recordDestruction(requestId, method);
  }

  /** Requester: whether the provider consented to passing the delivery on to `to` (§29). */
  mayPassOn(requestId: string, to: string, purpose?: string): boolean {
    return this.onward.mayPassOn(requestId, to, purpose);
  }

  /** Third department: what other departments passed on to it (§29), with their state. */
  listOnward(): OnwardView[] {
    const me = this.deps.department;
    const out: OnwardView[] = [];
    for (const x of this.index.exchanges.values()) {
      for (const o of x.onward) {
        if (o.body.to !== me) continue;
        const receipt = x.onwardReceipts.find((r) => r.body.transfer.seq === o.ref.seq);
        const rejected = x.rejections.some(
          (r) => r.actor === this.actor && r.body.attempt.ref?.seq === o.ref.seq,
        );
        out.push({
          requestId: x.request.body.requestId,
          from: x.requester,
          provider: x.request.body.provider,
          datasetId: x.request.body.datasetId,
          fields: x.approval?.body.fields ?? [],
          transfer: o.ref,
          consent: o.body.consent ?? null,
          state: receipt ? 'received' : rejected ? 'rejected' : 'transferred',
          erased: x.onwardErasures.some((e) => e.body.transfer.seq === o.ref.seq),
        });
      }
    }
    return out;
  }

  /** Third department: an onward delivery, decrypted and checked (§29). */
  onwardDelivery(requestId: string): ReturnType<OnwardSide['onwardDelivery']> {
    return this.onward.onwardDelivery(requestId);
  }

  /** Requester: passes a delivery on to a third department under the provider's consent (§29). */
  passOn(requestId: string, to: string, purpose: string): Promise<LedgerReceipt> {
    return this.onward.passOn(requestId, to, purpose);
  }

  // ---- helpers -------------------------------------------------------------------------

  private view(x: ExchangeRecord, direction: 'sent' | 'received'): RequestView {
    const r = x.request.body;
    return {
      requestId: r.requestId,
      direction,
      state: stateOf(x),
      requester: x.requester,
      provider: r.provider,
      datasetId: r.datasetId,
      fields: r.fields,
      purpose: r.purpose,
      timeLimit: r.timeLimit,
      request: x.request.ref,
      approval: x.approval?.ref ?? null,
      transfer: x.transfer?.ref ?? null,
      receipt: x.receipt?.ref ?? null,
      verification: x.verification?.body.result ?? null,
      rejections: x.rejections.map((j) => ({
        code: j.body.code,
        message: j.body.message,
        field: j.body.field ?? null,
      })),
      erased: x.erasure !== undefined,
    };
  }
}
