// What a gateway knows of the log: every catalogue entry, every request and what became of
// it (decisions, transfer or verification, receipt, use, destruction, consent, erasure,
// rejections), and the encryption keys registered for gateways. Built by following the
// ledger from seq 0; pure (no I/O), so the same index serves replay and live following.
import type {
  CataloguePublishBody,
  ConsentBody,
  DecisionApproveBody,
  DecisionDenyBody,
  DestructionBody,
  EntryRef,
  PayloadEraseBody,
  PolicyPublishBody,
  ReceiptBody,
  RejectionBody,
  RequestBody,
  TransferBody,
  UseBody,
  VerificationBody,
} from '@govx/contracts';
import type { EntryFields } from '@govx/ledger-core';

export interface Placed<B> {
  readonly ref: EntryRef;
  readonly actor: string;
  readonly time: string;
  readonly body: B;
}

export const RequestStates = [
  'submitted',
  'approved',
  'denied',
  'transferred',
  'verified',
  'received',
  'rejected',
] as const;
export type RequestState = (typeof RequestStates)[number];

export interface ExchangeRecord {
  readonly request: Placed<RequestBody>;
  /** The department that asked (from the request's actor). */
  readonly requester: string;
  /** request.endorse by the requesting department's office (§20). */
  endorsement?: Placed<{ readonly request: EntryRef }>;
  /**
   * The approval in force: once transferred, the one the transfer answers; before, the first
   * final approval by the provider's approvers that the provider's gateway has not rejected
   * (an expired one, say: a later approval by an officer is then answered).
   */
  approval?: Placed<DecisionApproveBody>;
  /** Every final approval by the provider's approvers (the policy engine or its officers). */
  readonly approvals: Placed<DecisionApproveBody>[];
  /** Final approvals by anyone else: governance refuses them, the provider rejects them on the
   * ledger, and they never hide a real approval. */
  readonly strayApprovals: Placed<DecisionApproveBody>[];
  denial?: Placed<DecisionDenyBody>;
  transfer?: Placed<TransferBody>;
  verification?: Placed<VerificationBody>;
  receipt?: Placed<ReceiptBody>;
  readonly uses: Placed<UseBody>[];
  destruction?: Placed<DestructionBody>;
  readonly consents: Placed<ConsentBody>[];
  /** Onward transfers (§29) of the delivery by the requester's gateway, each naming a consent. */
  readonly onward: Placed<TransferBody>[];
  /** Receipts of onward transfers, by their recipients. */
  readonly onwardReceipts: Placed<ReceiptBody>[];
  /** Erasures of onward payloads, by the department that passed them on. */
  readonly onwardErasures: Placed<PayloadEraseBody>[];
  erasure?: Placed<PayloadEraseBody>;
  readonly rejections: Placed<RejectionBody>[];
}

const DEPT_ACTOR_RE = /^dept\/([a-z0-9][a-z0-9-]{0,63})\/(gateway|office|officer\/.+)$/;

/** Who may give a final approval of a request to `provider`: the policy engine or its officers. */
export function isApproverOf(provider: string, actor: string): boolean {
  return (
    actor === 'gov/policy-engine' ||
    new RegExp(`^dept/${provider}/officer/[a-z0-9._-]+$`).test(actor)
  );
}

/** The department of a `dept/<d>/…` actor, or null. */
export function departmentOf(actor: string): string | null {
  return DEPT_ACTOR_RE.exec(actor)?.[1] ?? null;
}

const sameRef = (a: EntryRef, b: EntryRef): boolean => a.seq === b.seq && a.leaf === b.leaf;

/** Whether the provider's gateway rejected this approval (the attempt names it). */
export function rejectedByProvider(x: ExchangeRecord, approval: Placed<unknown>): boolean {
  const provider = `dept/${x.request.body.provider}/gateway`;
  return x.rejections.some(
    (r) => r.actor === provider && r.body.attempt.ref && sameRef(r.body.attempt.ref, approval.ref),
  );
}

function approvalInForce(x: ExchangeRecord): Placed<DecisionApproveBody> | undefined {
  const t = x.transfer ?? x.verification;
  if (t) return x.approvals.find((a) => sameRef(a.ref, t.body.approval));
  return x.approvals.find((a) => !rejectedByProvider(x, a));
}

export function stateOf(x: ExchangeRecord): RequestState {
  const rejectedAfter = (seq: number): boolean => x.rejections.some((r) => r.ref.seq > seq);
  if (x.receipt) return 'received';
  if (x.verification) return 'verified';
  if (x.transfer) return rejectedAfter(x.transfer.ref.seq) ? 'rejected' : 'transferred';
  if (x.denial) return 'denied';
  if (x.approval) return 'approved';
  return x.rejections.length > 0 ? 'rejected' : 'submitted';
}

const refKey = (ref: EntryRef): string => `${ref.seq}:${ref.leaf}`;

export class ExchangeIndex {
  /** datasetId → versions, newest last. */
  readonly catalogue = new Map<string, Placed<CataloguePublishBody>[]>();
  /** requestId → exchange. */
  readonly exchanges = new Map<string, ExchangeRecord>();
  /** `<policyId>@<version>` → the policy.publish entry (masking profiles of approvals). */
  readonly policies = new Map<string, Placed<PolicyPublishBody>>();
  /** department → PEM of its gateway's newest registered encryption key. */
  readonly encryptionKeys = new Map<string, string>();
  private readonly byRef = new Map<string, ExchangeRecord>();
  /** Onward transfers (§29) → their exchange. */
  private readonly byOnwardRef = new Map<string, ExchangeRecord>();
  /** The last seq applied; -1 before the first. */
  lastSeq = -1;

  /** Folds one entry in. Entries MUST come in log order; bodies are trusted as validated by the ledger. */
  apply(seq: number, leafHash: string, entry: EntryFields): ExchangeRecord | undefined {
    this.lastSeq = seq;
    const placed = <B>(): Placed<B> => ({
      ref: { seq, leaf: leafHash },
      actor: entry.actor,
      time: entry.time,
      body: entry.body as unknown as B,
    });
    switch (entry.type) {
      case 'catalogue.publish': {
        const p = placed<CataloguePublishBody>();
        if (departmentOf(p.actor) !== p.body.provider) return undefined;
        const list = this.catalogue.get(p.body.datasetId) ?? [];
        list.push(p);
        this.catalogue.set(p.body.datasetId, list);
        return undefined;
      }
      case 'policy.publish': {
        // The provider's own office or a platform admin publish its policies (0006).
        const p = placed<PolicyPublishBody>();
        const key = `${p.body.policyId}@${p.body.version}`;
        const by = p.actor.startsWith('gov/admin/') || p.actor === `dept/${p.body.provider}/office`;
        if (by && !this.policies.has(key)) this.policies.set(key, p);
        return undefined;
      }
      case 'key.register': {
        const body = entry.body as { actor?: string; use?: string; publicKey?: string };
        const dept = body.actor ? departmentOf(body.actor) : null;
        if (dept && body.use === 'encrypt' && body.actor?.endsWith('/gateway') && body.publicKey)
          this.encryptionKeys.set(dept, body.publicKey);
        return undefined;
      }
      case 'request': {
        const p = placed<RequestBody>();
        const requester = departmentOf(p.actor);
        if (!requester || this.exchanges.has(p.body.requestId)) return undefined;
        const x: ExchangeRecord = {
          request: p,
          requester,
          uses: [],
          consents: [],
          onward: [],
          onwardReceipts: [],
          onwardErasures: [],
          rejections: [],
          approvals: [],
          strayApprovals: [],
        };
        this.exchanges.set(p.body.requestId, x);
        this.byRef.set(refKey(p.ref), x);
        return x;
      }
      case 'request.endorse': {
        const p = placed<{ request: EntryRef }>();
        const x = this.byRef.get(refKey(p.body.request));
        if (x && !x.endorsement && p.actor === `dept/${x.requester}/office`) x.endorsement = p;
        return x;
      }
      case 'decision.approve': {
        const p = placed<DecisionApproveBody>();
        const x = this.byRef.get(refKey(p.body.request));
        if (x && p.body.final) {
          if (isApproverOf(x.request.body.provider, p.actor)) x.approvals.push(p);
          else x.strayApprovals.push(p);
          this.byRef.set(refKey(p.ref), x);
          x.approval = approvalInForce(x);
        }
        return x;
      }
      case 'decision.deny': {
        const p = placed<DecisionDenyBody>();
        const x = this.byRef.get(refKey(p.body.request));
        if (x && !x.denial) x.denial = p;
        return x;
      }
      case 'transfer': {
        const p = placed<TransferBody>();
        const x = this.byRef.get(refKey(p.body.request));
        if (x && !x.transfer && departmentOf(p.actor) === x.request.body.provider) {
          x.transfer = p;
          x.approval = approvalInForce(x);
          this.byRef.set(refKey(p.ref), x);
        } else if (x && p.body.consent && departmentOf(p.actor) === x.requester) {
          // Not indexed with the exchange's own refs: only receipts may refer to it.
          x.onward.push(p);
          this.byOnwardRef.set(refKey(p.ref), x);
        }
        return x;
      }
      case 'verification': {
        const p = placed<VerificationBody>();
        const x = this.byRef.get(refKey(p.body.request));
        if (x && !x.verification && departmentOf(p.actor) === x.request.body.provider) {
          x.verification = p;
          x.approval = approvalInForce(x);
        }
        return x;
      }
      case 'receipt':
      case 'use':
      case 'destruction':
      case 'consent':
      case 'payload.erase': {
        const body = entry.body as unknown as { transfer: EntryRef };
        const x = this.byRef.get(refKey(body.transfer));
        if (!x) {
          const onward = this.byOnwardRef.get(refKey(body.transfer));
          if (onward && entry.type === 'receipt') onward.onwardReceipts.push(placed<ReceiptBody>());
          if (
            onward &&
            entry.type === 'payload.erase' &&
            departmentOf(entry.actor) === onward.requester
          )
            onward.onwardErasures.push(placed<PayloadEraseBody>());
          return onward;
        }
        if (entry.type === 'receipt' && !x.receipt) x.receipt = placed<ReceiptBody>();
        if (entry.type === 'use') x.uses.push(placed<UseBody>());
        if (entry.type === 'destruction' && !x.destruction)
          x.destruction = placed<DestructionBody>();
        if (entry.type === 'consent') x.consents.push(placed<ConsentBody>());
        if (entry.type === 'payload.erase' && !x.erasure) x.erasure = placed<PayloadEraseBody>();
        return x;
      }
      case 'rejection': {
        const p = placed<RejectionBody>();
        const ref = p.body.attempt.ref;
        const x =
          (ref && this.byRef.get(refKey(ref))) ||
          (p.body.attempt.requestId ? this.exchanges.get(p.body.attempt.requestId) : undefined);
        if (x) {
          x.rejections.push(p);
          x.approval = approvalInForce(x);
        }
        return x;
      }
      default:
        return undefined;
    }
  }

  /** The newest catalogue version of a dataset (or the asked version). */
  catalogueEntry(datasetId: string, version?: number): Placed<CataloguePublishBody> | undefined {
    const list = this.catalogue.get(datasetId);
    if (!list) return undefined;
    return version === undefined
      ? list[list.length - 1]
      : list.find((p) => p.body.version === version);
  }
}
