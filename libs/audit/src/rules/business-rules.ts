// The business rules of an exchange (decision 0006), checked from the log alone, in order:
// every transfer answers a final, unrevoked, unexpired approval of its request and stays
// within it; every approval comes from an officer of the providing department (by the key
// registry at its seq) or from the policy engine under a published policy that, re-evaluated
// now (libs/policy), approves the same fields with the same masking profile
// (`<policyId>@<version>:<name>`); four-eyes where that policy demands it; each
// receipt matches its transfer. Memory: O(exchanges and catalogue), not O(entries).
import {
  GovernanceEntryTypes as G,
  ExchangeEntryTypes as X,
  policyMaskingProfileId,
  type CataloguePublishBody,
  type DecisionApproveBody,
  type DecisionDenyBody,
  type DecisionRevokeBody,
  type DeadlineBreachBody,
  type EntryRef,
  type PolicyPublishBody,
  type PolicyRetireBody,
  type ReceiptBody,
  type RequestBody,
  type TransferBody,
  type UseBody,
  type DestructionBody,
  type ConsentBody,
  type RejectionBody,
  entryType,
  validateEntryBody,
} from '@govx/contracts';
import { actorDepartment, Role, type EntryFields, type KeyRegistry } from '@govx/ledger-core';
import { compilePolicy, evaluate, type PolicyEvaluation } from '@govx/policy';
import type { Violation } from '../log-auditor.js';
import { AuditStats } from './audit-stats.js';

/** Stable rule ids (reported in `violations[].rule`). */
export const Rule = {
  BadReference: 'ref.unknown',
  ApprovalUnauthorised: 'approval.unauthorised',
  ApprovalPolicyMismatch: 'approval.policy-mismatch',
  ApprovalExtraFields: 'approval.extra-fields',
  FourEyes: 'approval.four-eyes',
  TransferWithoutApproval: 'transfer.no-approval',
  TransferExpired: 'transfer.expired',
  TransferWrongParty: 'transfer.wrong-party',
  TransferBeyondApproval: 'transfer.beyond-approval',
  /** An onward transfer (§29) by the requester without the provider's consent for its recipient. */
  OnwardWithoutConsent: 'transfer.onward-without-consent',
  ReceiptMismatch: 'receipt.mismatch',
  /** A body that its type's schema (libs/contracts) refuses, e.g. a member beyond it. */
  Schema: 'entry.schema',
  /** An actor that may not submit entries of this type (the type's `submitters`). */
  Submitter: 'entry.submitter',
} as const;
export type Rule = (typeof Rule)[keyof typeof Rule];

export const POLICY_ENGINE = 'gov/policy-engine';

interface Known<T> {
  readonly seq: number;
  readonly leaf: string;
  readonly actor: string;
  readonly time: string;
  readonly body: T;
}

interface ApprovalState extends Known<DecisionApproveBody> {
  revoked: boolean;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

export class BusinessRules {
  private readonly catalogue = new Map<string, Map<number, CataloguePublishBody>>();
  private readonly policies = new Map<string, { body: PolicyPublishBody; retired: boolean }>();
  private readonly requests = new Map<number, Known<RequestBody>>();
  private readonly approvals = new Map<number, ApprovalState>();
  /** Non-final officer sign-offs, by request seq. */
  private readonly signoffs = new Map<number, string[]>();
  private readonly transfers = new Map<number, Known<TransferBody>>();
  private readonly consents = new Map<number, Known<ConsentBody>>();
  readonly stats = new AuditStats();

  private readonly submitters = new Map<string, readonly RegExp[]>();

  private submitterAllowed(type: string, patterns: readonly string[], actor: string): boolean {
    let compiled = this.submitters.get(type);
    if (!compiled) {
      compiled = patterns.map((p) => new RegExp(p, 'u'));
      this.submitters.set(type, compiled);
    }
    return compiled.some((re) => re.test(actor));
  }

  /** Whether check() reads the body of entries of `type` (else skip() says the same). */
  reads(type: string): boolean {
    return entryType(type) !== undefined;
  }

  /** Whether check() needs the leaf hash of entries of `type` (they can be referred to). */
  needsLeaf(type: string): boolean {
    return (
      type === G.Request || type === G.DecisionApprove || type === X.Transfer || type === X.Consent
    );
  }

  /** Counts an entry whose type no rule reads: check() would find nothing more. */
  skip(type: string, time: string): void {
    this.stats.entry(type, time);
  }

  /** Checks one accepted entry (`registry` as of its seq); returns what it violates. */
  check(f: EntryFields, leaf: string, registry: KeyRegistry): Violation[] {
    const found: Violation[] = [];
    const flag = (rule: Rule, message: string): void => {
      found.push({ seq: f.seq, rule, message });
    };
    const body = f.body as unknown;
    const known = <T>(b: T): Known<T> => ({
      seq: f.seq,
      leaf,
      actor: f.actor,
      time: f.time,
      body: b,
    });
    this.stats.entry(f.type, f.time);
    const definition = entryType(f.type);
    if (definition) {
      if (!this.submitterAllowed(f.type, definition.submitters, f.actor))
        flag(Rule.Submitter, `${f.actor} may not submit ${f.type}`);
      try {
        validateEntryBody(f.type, body);
      } catch (e) {
        flag(Rule.Schema, `${f.type}: ${(e as Error).message}`);
        this.stats.violations(found);
        return found;
      }
    }
    switch (f.type) {
      case G.CataloguePublish: {
        const b = body as CataloguePublishBody;
        const versions = this.catalogue.get(b.datasetId) ?? new Map<number, CataloguePublishBody>();
        const previous = [...versions.values()].at(-1);
        versions.set(b.version, b);
        this.catalogue.set(b.datasetId, versions);
        this.stats.cataloguePublished(f, b, previous);
        break;
      }
      case G.PolicyPublish: {
        const b = body as PolicyPublishBody;
        this.policies.set(`${b.policyId}@${b.version}`, { body: b, retired: false });
        break;
      }
      case G.PolicyRetire: {
        const b = body as PolicyRetireBody;
        const p = this.policies.get(`${b.policyId}@${b.version}`);
        if (p) p.retired = true;
        break;
      }
      case G.Request:
        this.requests.set(f.seq, known(body as RequestBody));
        break;
      case G.DecisionApprove:
        this.approve(f, known(body as DecisionApproveBody), registry, flag);
        break;
      case G.DecisionDeny: {
        const b = body as DecisionDenyBody;
        const request = this.ref(this.requests, b.request, 'request', flag);
        this.stats.denied(f, b, request);
        break;
      }
      case G.DecisionRevoke: {
        const b = body as DecisionRevokeBody;
        const approval = this.ref(this.approvals, b.approval, 'approval', flag);
        if (approval) approval.revoked = true;
        break;
      }
      case G.DeadlineBreach: {
        const b = body as DeadlineBreachBody;
        this.stats.breach(f, b, this.requests.get(b.request.seq));
        break;
      }
      case X.Transfer:
        this.transfer(f, known(body as TransferBody), flag);
        break;
      case X.Receipt: {
        const b = body as ReceiptBody;
        const transfer = this.ref(this.transfers, b.transfer, 'transfer', flag);
        if (transfer) {
          if (b.ciphertextHash !== transfer.body.ciphertextHash)
            flag(Rule.ReceiptMismatch, `ciphertext hash differs from transfer ${transfer.seq}'s`);
          if (actorDepartment(f.actor) !== transfer.body.to)
            flag(
              Rule.ReceiptMismatch,
              `${f.actor} acknowledges transfer ${transfer.seq} sent to ${transfer.body.to}`,
            );
          this.stats.receipt(f, transfer);
        }
        break;
      }
      case X.Use: {
        const b = body as UseBody;
        const transfer = this.transfers.get(b.transfer.seq);
        if (transfer) this.stats.use(f, transfer, this.requests.get(transfer.body.request.seq));
        break;
      }
      case X.Destruction: {
        const b = body as DestructionBody;
        this.stats.destruction(b.transfer.seq);
        break;
      }
      case X.Consent: {
        const b = body as ConsentBody;
        this.consents.set(f.seq, known(b));
        this.stats.consent(f, b);
        break;
      }
      case X.Rejection:
        this.stats.rejection(f, body as RejectionBody);
        break;
      default:
        break;
    }
    this.stats.violations(found);
    return found;
  }

  /** The entry a reference names, if it is one of `kind` with that leaf hash; else flagged. */
  private ref<T extends Known<unknown>>(
    map: ReadonlyMap<number, T>,
    ref: EntryRef,
    kind: string,
    flag: (rule: Rule, message: string) => void,
  ): T | undefined {
    const target = map.get(ref.seq);
    if (!target || target.leaf !== ref.leaf) {
      flag(
        Rule.BadReference,
        `${kind} ref {seq ${ref.seq}} is not a ${kind} entry with that leaf hash`,
      );
      return undefined;
    }
    return target;
  }

  private approve(
    f: EntryFields,
    approval: Known<DecisionApproveBody>,
    registry: KeyRegistry,
    flag: (rule: Rule, message: string) => void,
  ): void {
    const b = approval.body;
    const request = this.ref(this.requests, b.request, 'request', flag);
    this.approvals.set(f.seq, { ...approval, revoked: false });
    if (!request) return;
    const provider = request.body.provider;
    const extra = b.fields.filter((x) => !request.body.fields.includes(x));
    if (extra.length > 0)
      flag(Rule.ApprovalExtraFields, `approves fields not requested: ${extra.join(', ')}`);
    const evaluation = this.reevaluate(request, b.policy);
    if (f.actor === POLICY_ENGINE) {
      if (!b.policy) {
        flag(Rule.ApprovalPolicyMismatch, 'a policy-engine approval names no policy');
      } else if (typeof evaluation === 'string') {
        flag(Rule.ApprovalPolicyMismatch, evaluation);
      } else if (evaluation.decision !== 'approve' || !sameSet(evaluation.fields, b.fields)) {
        flag(
          Rule.ApprovalPolicyMismatch,
          `policy ${b.policy.id} v${b.policy.version} re-evaluated gives ${evaluation.decision} of [${evaluation.fields.join(', ')}], the entry approves [${b.fields.join(', ')}]`,
        );
      } else {
        const profile = evaluation.maskingProfile
          ? policyMaskingProfileId(b.policy.id, b.policy.version, evaluation.maskingProfile)
          : null;
        if (profile !== (b.maskingProfile ?? null))
          flag(
            Rule.ApprovalPolicyMismatch,
            `policy ${b.policy.id} v${b.policy.version} re-evaluated gives masking profile ${profile ?? 'none'}, the entry names ${b.maskingProfile ?? 'none'}`,
          );
      }
    } else {
      const roles = registry.rolesOf(f.actor, f.seq);
      const department = actorDepartment(f.actor);
      const fourEyes = typeof evaluation !== 'string' && evaluation.officers === 'four-eyes';
      // Four eyes: one officer of each department; the requester's MUST NOT give the final word.
      const requesterSignoff =
        fourEyes && !b.final && department === actorDepartment(request.actor);
      if (!roles.has(Role.Officer) || (department !== provider && !requesterSignoff)) {
        flag(
          Rule.ApprovalUnauthorised,
          `${f.actor} is not an officer of ${provider} at seq ${f.seq}`,
        );
      } else if (!b.final) {
        this.signoffs.set(request.seq, [...(this.signoffs.get(request.seq) ?? []), f.actor]);
      } else if (fourEyes) {
        const others = (this.signoffs.get(request.seq) ?? []).filter((a) => a !== f.actor);
        if (others.length === 0)
          flag(
            Rule.FourEyes,
            `the policy demands two officers; only ${f.actor} approved request ${request.seq}`,
          );
      }
    }
    if (b.final) this.stats.approved(f, request);
  }

  /** The request re-evaluated under `policy` (or the provider's policy for the dataset). */
  private reevaluate(
    request: Known<RequestBody>,
    named: DecisionApproveBody['policy'],
  ): PolicyEvaluation | string {
    const r = request.body;
    let entry: { body: PolicyPublishBody; retired: boolean } | undefined;
    if (named) entry = this.policies.get(`${named.id}@${named.version}`);
    else
      entry = [...this.policies.values()]
        .reverse()
        .find(
          (p) =>
            !p.retired &&
            p.body.provider === r.provider &&
            p.body.document['dataset'] === r.datasetId,
        );
    if (!entry)
      return named ? `policy ${named.id} v${named.version} was never published` : 'no policy';
    if (entry.retired) return `policy ${entry.body.policyId} v${entry.body.version} was retired`;
    const catalogue = this.catalogue.get(r.datasetId)?.get(r.datasetVersion);
    if (!catalogue) return `dataset ${r.datasetId} v${r.datasetVersion} is not in the catalogue`;
    try {
      const compiled = compilePolicy(entry.body.document, (id) =>
        id === r.datasetId ? catalogue : undefined,
      );
      return evaluate(
        compiled,
        catalogue,
        {
          datasetId: r.datasetId,
          fields: r.fields,
          purpose: r.purpose,
          legalBasis: r.legalBasis,
          method: r.method,
          requester: actorDepartment(request.actor) ?? request.actor,
        },
        { time: request.time },
      );
    } catch (e) {
      return `policy ${entry.body.policyId} v${entry.body.version} does not evaluate: ${(e as Error).message}`;
    }
  }

  private transfer(
    f: EntryFields,
    transfer: Known<TransferBody>,
    flag: (rule: Rule, message: string) => void,
  ): void {
    const b = transfer.body;
    this.transfers.set(f.seq, transfer);
    const request = this.ref(this.requests, b.request, 'request', flag);
    const approval = this.ref(this.approvals, b.approval, 'approval', flag);
    if (!request || !approval) {
      flag(Rule.TransferWithoutApproval, 'no approved request answers this transfer');
      return;
    }
    if (approval.body.request.seq !== request.seq || !approval.body.final || approval.revoked) {
      flag(
        Rule.TransferWithoutApproval,
        `approval ${approval.seq} is ${approval.revoked ? 'revoked' : !approval.body.final ? 'a sign-off, not final' : `for request ${approval.body.request.seq}`}`,
      );
    }
    const requester = actorDepartment(request.actor);
    const onward = actorDepartment(f.actor) === requester && b.to !== requester;
    if (onward) this.onward(f, transfer, request, flag);
    else if (f.time > approval.body.expires)
      flag(Rule.TransferExpired, `sent ${f.time}, the approval expired ${approval.body.expires}`);
    if (
      (!onward && (actorDepartment(f.actor) !== request.body.provider || b.to !== requester)) ||
      b.requestId !== request.body.requestId
    ) {
      flag(
        Rule.TransferWrongParty,
        `${f.actor} sends request ${request.body.requestId} of ${requester} (provider ${request.body.provider}) to ${b.to}`,
      );
    }
    if ((b.maskingProfile ?? null) !== (approval.body.maskingProfile ?? null))
      flag(
        Rule.TransferBeyondApproval,
        `masking profile ${b.maskingProfile ?? 'none'}, the approval says ${approval.body.maskingProfile ?? 'none'}`,
      );
    this.stats.transfer(f, transfer, request);
  }

  /**
   * An onward transfer (§29): the requester passes its delivery on to a third department. It
   * MUST name a consent signed by the provider's gateway for the provider's transfer of this
   * request to the requester, allowing this recipient, and be sent within the request's time
   * limit.
   */
  private onward(
    f: EntryFields,
    transfer: Known<TransferBody>,
    request: Known<RequestBody>,
    flag: (rule: Rule, message: string) => void,
  ): void {
    const b = transfer.body;
    const provider = request.body.provider;
    const consent = b.consent ? this.consents.get(b.consent.seq) : undefined;
    const given = consent && consent.leaf === b.consent?.leaf ? consent : undefined;
    const original = given ? this.transfers.get(given.body.transfer.seq) : undefined;
    const why = !b.consent
      ? 'names no consent'
      : !given
        ? `names consent {seq ${b.consent.seq}}, not a consent entry with that leaf hash`
        : given.actor !== `dept/${provider}/gateway`
          ? `relies on a consent by ${given.actor}, not by the provider ${provider}`
          : !original ||
              original.leaf !== given.body.transfer.leaf ||
              original.body.request.seq !== request.seq ||
              actorDepartment(original.actor) !== provider
            ? `relies on consent ${given.seq}, which is not for ${provider}'s transfer of this request`
            : given.body.to !== b.to
              ? `goes to ${b.to}; consent ${given.seq} allows ${given.body.to}`
              : null;
    if (why !== null)
      flag(
        Rule.OnwardWithoutConsent,
        `${f.actor} passes request ${request.body.requestId} of ${provider} on to ${b.to}: ${why}`,
      );
    if (f.time.slice(0, 10) > request.body.timeLimit)
      flag(
        Rule.TransferExpired,
        `onward transfer sent ${f.time}, after the request's time limit ${request.body.timeLimit}`,
      );
  }
}
