// One department's gateway: follows the ledger into an ExchangeIndex and acts on what concerns
// its department. Provider side: on a final approval addressed to it, read the record, keep the
// approved fields, mask, seal to the requester, store, submit `transfer` (or, for a
// verification-only dataset, `verification`). Requester side: on a transfer to it, fetch, check
// the hash, decrypt, check the commitment, submit `receipt`. Refusals become `rejection`
// entries. The department's own systems call the methods below (through the HTTP API).
import { createHash, randomUUID } from 'node:crypto';
import type { FollowedEntry, LedgerClient, LedgerConsumer, LedgerReceipt } from '@govx/bus';
import {
  ExchangeEntryTypes,
  GovernanceEntryTypes,
  validateEntryBody,
  validateGovernanceBody,
  type EntryRef,
  type RejectionBody,
  type RejectionCode,
  type RequestBody,
  type TransferBody,
} from '@govx/contracts';
import {
  getSuite,
  importEncryptionPublicKey,
  toHex,
  utf8,
  type CryptoSuite,
  type EncryptionPublicKey,
} from '@govx/crypto';
import { createSubmission, type JsonObject } from '@govx/ledger-core';
import { toCataloguePublishBody, type CatalogueEntry } from '../catalogue/catalogue-entry.js';
import type { DataSource, FieldValue } from '../data-source/data-source.js';
import {
  applyMaskingProfile,
  catalogueMaskingProfile,
  keepApprovedFields,
  type MaskingProfile,
} from '../exchange/masking.js';
import { openPayload, sealPayload, type Payload } from '../exchange/payload-envelope.js';
import { openSubject, sealSubject, type OpenedSubject } from '../exchange/subject.js';
import { verifyClaims } from '../exchange/verification.js';
import type { PayloadStore } from '../payload-store/payload-store.js';
import {
  ExchangeIndex,
  stateOf,
  type ExchangeRecord,
  type RequestState,
} from './exchange-index.js';
import { GatewayError } from './gateway.error.js';
import type { GatewayKeys } from './gateway-keys.js';

export interface GatewayDeps {
  readonly department: string;
  readonly suite: CryptoSuite;
  readonly keys: GatewayKeys;
  readonly ledger: LedgerClient;
  readonly store: PayloadStore;
  readonly dataSource: DataSource;
  /** This department's catalogue (the gateway-side form). */
  readonly catalogue: readonly CatalogueEntry[];
  /** How long a payload stays in the store; default 30 days. */
  readonly retentionMs?: number;
  /** Size of the log when the gateway starts (ledger HTTP /health `durable`): entries before it are replayed without acting. */
  readonly tipAtStart: () => Promise<number>;
  /** Encryption keys of other departments not (yet) registered on the ledger. */
  readonly peerKeys?: Readonly<Record<string, string>>;
  readonly clock?: () => Date;
  /** Transfers and receipts under way at once; default 32. */
  readonly maxInFlight?: number;
  readonly log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface NewRequest {
  readonly requestId?: string;
  readonly provider: string;
  readonly datasetId: string;
  readonly datasetVersion?: number;
  readonly fields: readonly string[];
  /** The data subject (id number, parcel id): sealed to the provider, never on the ledger. */
  readonly subject: string;
  /** Verification-only datasets: the claimed values, field → value. */
  readonly claims?: Readonly<Record<string, FieldValue>>;
  readonly purpose: string;
  readonly legalBasis: string;
  readonly scenario: string;
  readonly scope: string;
  readonly method?: RequestBody['method'];
  /** Last day of use, YYYY-MM-DD. */
  readonly timeLimit: string;
  readonly duty: string;
}

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

/** The suite that seals to `key`: x25519 → intl, sm2 → sm (departments may differ). */
function suiteFor(key: EncryptionPublicKey): CryptoSuite {
  return getSuite(key.algorithm === 'sm2' ? 'sm' : 'intl');
}

interface Work {
  readonly key: string;
  run(): Promise<void>;
}

const DEFAULT_MAX_IN_FLIGHT = 32;
const DEFAULT_RETENTION_MS = 30 * 24 * 3600 * 1000;
const APPROVERS = (provider: string): RegExp =>
  new RegExp(`^(gov/policy-engine|dept/${provider}/officer/[a-z0-9._-]+)$`);

export class Gateway {
  readonly index = new ExchangeIndex();
  readonly actor: string;
  private follower: LedgerConsumer | null = null;
  private replayUntil = 0;
  /** Work found while replaying, run once caught up (keyed by requestId). */
  private readonly deferred = new Map<string, Work>();
  private readonly inflight = new Map<string, Promise<void>>();
  /** Work done whose answer the follower may not have read yet: never done twice. */
  private readonly done = new Set<string>();
  private readonly local: ReadonlyMap<string, CatalogueEntry>;
  private readonly clock: () => Date;
  private failure: Error | null = null;

  constructor(private readonly deps: GatewayDeps) {
    this.actor = `dept/${deps.department}/gateway`;
    this.local = new Map(deps.catalogue.map((e) => [e.datasetId, e]));
    this.clock = deps.clock ?? ((): Date => new Date());
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
    const answered =
      x.transfer || x.verification || x.rejections.some((r) => r.actor === this.actor);
    if (x.request.body.provider === me && x.approval && !answered && !x.denial) {
      return { key: `${id}/answer`, run: () => this.answerApproval(x) };
    }
    if (
      x.requester === me &&
      x.transfer &&
      !x.receipt &&
      !x.rejections.some((r) => r.actor === this.actor)
    ) {
      return { key: `${id}/receipt`, run: () => this.acceptTransfer(x) };
    }
    if (x.request.body.provider === me && x.transfer && x.destruction && !x.erasure) {
      return { key: `${id}/erase`, run: () => this.erasePayload(x, 'destruction') };
    }
    return null;
  }

  // ---- provider side -------------------------------------------------------------------

  private async answerApproval(x: ExchangeRecord): Promise<void> {
    const approval = x.approval!;
    const request = x.request.body;
    const attempt = {
      type: GovernanceEntryTypes.DecisionApprove,
      ref: approval.ref,
      requestId: request.requestId,
    };
    try {
      if (!APPROVERS(this.deps.department).test(approval.actor)) {
        throw new GatewayError(
          'approval-mismatch',
          `approval signed by ${approval.actor}, not an approver of ${this.deps.department}`,
          'actor',
        );
      }
      if (Date.parse(approval.body.expires) < this.clock().getTime()) {
        throw new GatewayError(
          'approval-expired',
          `approval expired at ${approval.body.expires}`,
          'expires',
        );
      }
      const entry = this.local.get(request.datasetId);
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
        subject = openSubject(this.deps.keys.encryption, request.requestId, request);
      } catch (cause) {
        throw new GatewayError(
          'subject-unreadable',
          'the sealed subject does not open or match its commitment',
          'subjectSealed',
          { cause },
        );
      }
      if (entry.mode === 'verification') await this.answerVerification(x, entry, subject);
      else await this.transfer(x, entry, subject);
    } catch (e) {
      await this.reject(attempt, e);
    }
  }

  private async answerVerification(
    x: ExchangeRecord,
    entry: CatalogueEntry,
    subject: OpenedSubject,
  ): Promise<void> {
    const claims = subject.claims ?? {};
    const allowed = x.approval!.body.fields;
    const record = await this.deps.dataSource.read(
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
    await this.submit(ExchangeEntryTypes.Verification, `verification/${x.approval!.ref.leaf}`, {
      request: x.request.ref,
      approval: x.approval!.ref,
      requestId: x.request.body.requestId,
      to: x.requester,
      result,
    });
  }

  private async transfer(
    x: ExchangeRecord,
    entry: CatalogueEntry,
    subject: OpenedSubject,
  ): Promise<void> {
    const approval = x.approval!;
    const request = x.request.body;
    const record = await this.deps.dataSource.read(
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
    const profile = this.maskingProfile(entry, approval.body.maskingProfile);
    const kept = keepApprovedFields(record, approval.body.fields);
    const payload: Payload = {
      requestId: request.requestId,
      datasetId: entry.datasetId,
      record: profile ? applyMaskingProfile(profile, kept) : kept,
      maskingProfile: profile?.id ?? null,
      purpose: request.purpose,
      useUntil: `${request.timeLimit}T23:59:59.999Z`,
    };
    const recipient = this.encryptionKeyOf(x.requester);
    const payloadId = createHash('sha256')
      .update(`${this.deps.department}\n${approval.ref.leaf}`)
      .digest('hex')
      .slice(0, 40);
    const sealed = sealPayload(suiteFor(recipient), recipient, payload, payloadId);
    const expires = new Date(
      this.clock().getTime() + (this.deps.retentionMs ?? DEFAULT_RETENTION_MS),
    ).toISOString();
    await this.deps.store.put(this.deps.department, payloadId, sealed.sealed, expires);
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
    await this.submit(ExchangeEntryTypes.Transfer, `transfer/${approval.ref.leaf}`, body);
  }

  private maskingProfile(entry: CatalogueEntry, id: string | undefined): MaskingProfile | null {
    if (id === undefined) return null;
    const profile = catalogueMaskingProfile(entry);
    if (profile.id !== id)
      throw new GatewayError(
        'approval-mismatch',
        `unknown masking profile ${id} (this gateway has ${profile.id})`,
        'maskingProfile',
      );
    return profile;
  }

  /** Crypto-shreds every payload of this provider whose retention has passed. */
  async eraseExpired(now: Date = this.clock()): Promise<number> {
    let n = 0;
    for (const x of this.index.exchanges.values()) {
      if (x.request.body.provider !== this.deps.department || !x.transfer || x.erasure) continue;
      if (Date.parse(x.transfer.body.expires) <= now.getTime()) {
        await this.erasePayload(x, 'retention');
        n++;
      }
    }
    return n;
  }

  private async erasePayload(
    x: ExchangeRecord,
    reason: 'retention' | 'destruction',
  ): Promise<void> {
    const t = x.transfer!;
    await this.deps.store.erase(this.deps.department, t.body.payloadId, reason, this.clock());
    await this.submit(ExchangeEntryTypes.PayloadErase, `payload.erase/${t.ref.leaf}`, {
      transfer: t.ref,
      reason,
    });
  }

  /** Provider: consent to the requester passing a delivery on to a third department (§27). */
  async giveConsent(requestId: string, to: string, purpose: string): Promise<LedgerReceipt> {
    const x = this.exchange(requestId);
    if (x.request.body.provider !== this.deps.department || !x.transfer) {
      throw new GatewayError(
        'not-found',
        `no transfer of ${requestId} by this department`,
        'requestId',
      );
    }
    return this.submit(ExchangeEntryTypes.Consent, `consent/${x.transfer.ref.leaf}/${to}`, {
      transfer: x.transfer.ref,
      to,
      purpose,
    });
  }

  // ---- requester side ------------------------------------------------------------------

  private async acceptTransfer(x: ExchangeRecord): Promise<void> {
    const t = x.transfer!;
    try {
      await this.openDelivery(x);
      await this.submit(ExchangeEntryTypes.Receipt, `receipt/${t.ref.leaf}`, {
        transfer: t.ref,
        ciphertextHash: t.body.ciphertextHash,
      });
    } catch (e) {
      await this.reject(
        { type: ExchangeEntryTypes.Transfer, ref: t.ref, requestId: x.request.body.requestId },
        e,
      );
    }
  }

  private async openDelivery(x: ExchangeRecord): Promise<Payload> {
    const t = x.transfer!;
    let sealed: Uint8Array;
    try {
      sealed = await this.deps.store.get(x.request.body.provider, t.body.payloadId);
    } catch (cause) {
      const erased = (cause as { code?: string }).code === 'erased';
      throw new GatewayError(
        erased ? 'payload-erased' : 'transfer-mismatch',
        (cause as Error).message,
        'payloadId',
        { cause },
      );
    }
    try {
      return openPayload(this.deps.keys.encryption, sealed, {
        requestId: x.request.body.requestId,
        payloadId: t.body.payloadId,
        ciphertextHash: t.body.ciphertextHash,
        commitment: t.body.commitment,
      });
    } catch (cause) {
      const code = (cause as { code?: string }).code;
      throw new GatewayError(
        code === 'hash-mismatch'
          ? 'hash-mismatch'
          : code === 'commitment-mismatch'
            ? 'commitment-mismatch'
            : 'transfer-mismatch',
        (cause as Error).message,
        code === 'hash-mismatch' ? 'ciphertextHash' : 'commitment',
        { cause },
      );
    }
  }

  /** Requester: a delivery, decrypted and checked against its transfer entry. */
  async delivery(requestId: string): Promise<{
    readonly payload: Payload | null;
    readonly verification: 'match' | 'no-match' | null;
    readonly transfer: EntryRef | null;
  }> {
    const x = this.sent(requestId);
    if (x.verification)
      return { payload: null, verification: x.verification.body.result, transfer: null };
    if (!x.transfer)
      throw new GatewayError(
        'not-found',
        `nothing delivered yet for ${requestId} (${stateOf(x)})`,
        'requestId',
      );
    if (x.destruction)
      throw new GatewayError(
        'payload-erased',
        `the delivery of ${requestId} was destroyed`,
        'requestId',
      );
    return { payload: await this.openDelivery(x), verification: null, transfer: x.transfer.ref };
  }

  /** Requester: records a use of a delivery for its purpose, within its time limit (§25). */
  async recordUse(requestId: string, purpose: string): Promise<LedgerReceipt> {
    const x = this.sent(requestId);
    const t = this.deliveredTransfer(x);
    if (purpose !== x.request.body.purpose) {
      throw new GatewayError(
        'purpose-expired',
        'use must serve the purpose stated in the request',
        'purpose',
      );
    }
    if (this.clock().getTime() > Date.parse(`${x.request.body.timeLimit}T23:59:59.999Z`)) {
      throw new GatewayError(
        'purpose-expired',
        `the time limit ${x.request.body.timeLimit} has passed`,
        'timeLimit',
      );
    }
    return this.submit(ExchangeEntryTypes.Use, `use/${t.leaf}/${randomUUID()}`, {
      transfer: t,
      purpose,
    });
  }

  /** Requester: records the destruction of a delivery; the provider then erases the payload. */
  async recordDestruction(requestId: string, method: string): Promise<LedgerReceipt> {
    const x = this.sent(requestId);
    const t = this.deliveredTransfer(x);
    return this.submit(ExchangeEntryTypes.Destruction, `destruction/${t.leaf}`, {
      transfer: t,
      method,
    });
  }

  /** Requester: whether the provider consented to passing the delivery on to `to` (§27). */
  mayPassOn(requestId: string, to: string): boolean {
    return this.sent(requestId).consents.some((c) => c.body.to === to);
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
      (this.local as Map<string, CatalogueEntry>).set(entry.datasetId, entry);
      const published = this.index.catalogueEntry(entry.datasetId, entry.version);
      if (published && published.actor === this.actor) continue;
      receipts.push(
        await this.submit(
          GovernanceEntryTypes.CataloguePublish,
          `catalogue/${entry.datasetId}/${entry.version}`,
          body,
          false,
        ),
      );
    }
    return receipts;
  }

  /** Creates and submits a request; refusals are answered and recorded as `rejection`. */
  async createRequest(input: NewRequest): Promise<{ requestId: string; receipt: LedgerReceipt }> {
    const requestId = input.requestId ?? `${this.deps.department}-${randomUUID()}`;
    try {
      const body = this.requestBody(requestId, input);
      const receipt = await this.submit(
        GovernanceEntryTypes.Request,
        `request/${requestId}`,
        body,
        false,
      );
      return { requestId, receipt };
    } catch (e) {
      const err = await this.reject(
        {
          type: GovernanceEntryTypes.Request,
          ...(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(requestId) ? { requestId } : {}),
        },
        e,
      );
      throw err;
    }
  }

  private requestBody(requestId: string, input: NewRequest): RequestBody {
    if (this.index.exchanges.has(requestId))
      throw new GatewayError(
        'replayed-request',
        `request ${requestId} exists already`,
        'requestId',
      );
    const providerKey = this.encryptionKeyOf(input.provider);
    const published = this.index.catalogueEntry(input.datasetId, input.datasetVersion);
    if (!published || published.body.provider !== input.provider) {
      throw new GatewayError(
        'unknown-dataset',
        `${input.provider} publishes no dataset ${input.datasetId}`,
        'datasetId',
      );
    }
    if (published.body.sharing.category === 'not-shared') {
      throw new GatewayError(
        'not-shared',
        `${input.datasetId} is not shared: ${published.body.sharing.reason ?? ''}`,
        'datasetId',
      );
    }
    if (!Array.isArray(input.fields) || input.fields.length === 0)
      throw new GatewayError('malformed', 'fields: expected at least one', 'fields');
    input.fields.forEach((f, i) => {
      if (!published.body.fields.some((c) => c.name === f)) {
        throw new GatewayError(
          'field-not-in-catalogue',
          `${input.datasetId} has no field ${String(f)}`,
          `fields/${i}`,
        );
      }
    });
    if (typeof input.subject !== 'string' || input.subject.length === 0)
      throw new GatewayError('malformed', 'subject: expected a non-empty string', 'subject');
    const subject = sealSubject(suiteFor(providerKey), providerKey, requestId, {
      subject: input.subject,
      ...(input.claims ? { claims: input.claims } : {}),
    });
    const body = {
      requestId,
      provider: input.provider,
      datasetId: input.datasetId,
      datasetVersion: published.body.version,
      fields: [...input.fields],
      purpose: input.purpose,
      legalBasis: input.legalBasis,
      scenario: input.scenario,
      scope: input.scope,
      method: input.method ?? 'api',
      timeLimit: input.timeLimit,
      duty: input.duty,
      ...subject,
    };
    try {
      return validateGovernanceBody<RequestBody>(GovernanceEntryTypes.Request, body);
    } catch (cause) {
      const field = (cause as { field?: string }).field ?? null;
      throw new GatewayError('malformed', (cause as Error).message, field, { cause });
    }
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
    const x = this.exchange(requestId);
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
    const x = this.exchange(requestId);
    this.request(requestId);
    type Row = { type: string; ref: EntryRef; actor: string; time: string };
    const all: [string, { ref: EntryRef; actor: string; time: string } | undefined][] = [
      ['request', x.request],
      ['decision.approve', x.approval],
      ['decision.deny', x.denial],
      ['transfer', x.transfer],
      ['verification', x.verification],
      ['receipt', x.receipt],
      ...x.uses.map((u): [string, typeof u] => ['use', u]),
      ['destruction', x.destruction],
      ...x.consents.map((c): [string, typeof c] => ['consent', c]),
      ['payload.erase', x.erasure],
      ...x.rejections.map((r): [string, typeof r] => ['rejection', r]),
    ];
    const rows: Row[] = [];
    for (const [type, p] of all)
      if (p) rows.push({ type, ref: p.ref, actor: p.actor, time: p.time });
    return rows.sort((a, b) => a.ref.seq - b.ref.seq);
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

  private exchange(requestId: string): ExchangeRecord {
    const x = this.index.exchanges.get(requestId);
    if (!x)
      throw new GatewayError('not-found', `no request ${requestId} on the ledger`, 'requestId');
    return x;
  }

  private sent(requestId: string): ExchangeRecord {
    const x = this.exchange(requestId);
    if (x.requester !== this.deps.department)
      throw new GatewayError(
        'not-found',
        `${requestId} was not sent by this department`,
        'requestId',
      );
    return x;
  }

  private deliveredTransfer(x: ExchangeRecord): EntryRef {
    if (!x.transfer || !x.receipt)
      throw new GatewayError(
        'not-found',
        `nothing received for ${x.request.body.requestId}`,
        'requestId',
      );
    if (x.destruction)
      throw new GatewayError('payload-erased', 'the delivery was destroyed', 'requestId');
    return x.transfer.ref;
  }

  private encryptionKeyOf(department: string): EncryptionPublicKey {
    const pem = this.index.encryptionKeys.get(department) ?? this.deps.peerKeys?.[department];
    if (!pem)
      throw new GatewayError(
        'unknown-department',
        `no encryption key registered for ${department}`,
        'provider',
      );
    return importEncryptionPublicKey(pem);
  }

  private async submit(
    type: string,
    idem: string,
    body: object,
    validate = true,
  ): Promise<LedgerReceipt> {
    if (validate) validateEntryBody(type, body);
    const submission = createSubmission(
      { type, actor: this.actor, idem, body: body as JsonObject },
      this.deps.keys.signing,
    );
    return this.deps.ledger.submit(submission);
  }

  /** Records a refusal as a `rejection` entry and returns the GatewayError to answer with. */
  private async reject(attempt: RejectionBody['attempt'], e: unknown): Promise<GatewayError> {
    const err =
      e instanceof GatewayError
        ? e
        : new GatewayError(
            'malformed',
            e instanceof Error ? e.message : String(e),
            (e as { field?: string }).field ?? null,
            { cause: e },
          );
    if (err.code === 'not-found' || err.code === 'unauthenticated') return err;
    const body: RejectionBody = {
      attempt,
      code: err.code as RejectionCode,
      message: err.message.slice(0, 2000) || err.code,
      ...(err.field ? { field: err.field.slice(0, 256) } : {}),
    };
    const key =
      attempt.ref?.leaf ??
      attempt.requestId ??
      toHex(createHash('sha256').update(utf8(err.message)).digest());
    try {
      await this.submit(
        ExchangeEntryTypes.Rejection,
        `rejection/${attempt.type}/${key}/${err.code}`.slice(0, 128),
        body,
      );
    } catch (cause) {
      this.deps.log?.('could not record a rejection', {
        error: (cause as Error).message,
        code: err.code,
      });
    }
    this.deps.log?.('refused', { code: err.code, message: err.message, field: err.field });
    return err;
  }
}
