// The business rules of an exchange (decision 0006), checked from the log alone, in order:
// every transfer answers a final, unrevoked, unexpired approval of its request and stays
// within it; every approval comes from an officer of the providing department (by the key
// registry at its seq) or from the policy engine under a published policy that, re-evaluated
// now (libs/policy), approves the same fields with the same masking profile
// (`<policyId>@<version>:<name>`); four eyes where governance requires them (policy-book.ts):
// the requesting department's officer signs first (`final: false`), the providing
// department's officer gives the final approval, as libs/governance checkOfficerApproval
// enforces, and nothing after a request's final approval (no sign-off, no second final
// approval: governance answers `not-pending`); each receipt matches its transfer. Memory: O(exchanges and catalogue), not O(entries).
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
  type CatalogueRetireBody,
  type PolicyPublishBody,
  type PolicyRetireBody,
  type RequestEndorseBody,
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
import type { Violation } from '../log-auditor.js';
import { AuditStats } from './audit-stats.js';
import { PolicyBook, type PolicyChoice } from './policy-book.js';

/** Stable rule ids (reported in `violations[].rule`). */
export const Rule = {
  BadReference: 'ref.unknown',
  ApprovalUnauthorised: 'approval.unauthorised',
  ApprovalPolicyMismatch: 'approval.policy-mismatch',
  ApprovalExtraFields: 'approval.extra-fields',
  FourEyes: 'approval.four-eyes',
  /** A sign-off (`final: false`) made after the request's final approval in force. */
  ApprovalAfterFinal: 'approval.after-final',
  /** A second final approval of a request that already has one in force. */
  ApprovalSecondFinal: 'approval.second-final',
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

interface Signoff {
  readonly actor: string;
  readonly department: string;
}

export class BusinessRules {
  private readonly book = new PolicyBook();
  private readonly requests = new Map<number, Known<RequestBody>>();
  /** Governance's policy choice at each request's first endorsement by its office. */
  private readonly endorsed = new Map<number, PolicyChoice>();
  private readonly approvals = new Map<number, ApprovalState>();
  /** Accepted non-final officer sign-offs, by request seq. */
  private readonly signoffs = new Map<number, Signoff[]>();
  /**
   * The final approval in force, by request seq: the first final approval that broke no
   * approval rule (governance applies it and refuses every approval after it, `not-pending`).
   */
  private readonly finals = new Map<number, number>();
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
        this.stats.cataloguePublished(f, b, this.book.publishCatalogue(b));
        break;
      }
      case G.CatalogueRetire: {
        const b = body as CatalogueRetireBody;
        this.book.retireCatalogue(b.datasetId, b.version);
        break;
      }
      case G.PolicyPublish:
        this.book.publishPolicy(f.actor, f.seq, body as PolicyPublishBody);
        break;
      case G.PolicyRetire: {
        const b = body as PolicyRetireBody;
        this.book.retirePolicy(b.policyId, b.version);
        break;
      }
      case G.Request:
        this.requests.set(f.seq, known(body as RequestBody));
        break;
      case G.RequestEndorse: {
        // Governance evaluates at the first endorsement by the requester's office (§20).
        const b = body as RequestEndorseBody;
        const request = this.requests.get(b.request.seq);
        if (
          request &&
          request.leaf === b.request.leaf &&
          !this.endorsed.has(request.seq) &&
          f.actor === `dept/${actorDepartment(request.actor) ?? ''}/office`
        )
          this.endorsed.set(request.seq, this.book.choose(request, f.time));
        break;
      }
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
    const inForce = this.finals.get(request.seq);
    if (inForce !== undefined) {
      // Nothing follows a final approval: governance answers `not-pending` and records nothing.
      if (b.final)
        flag(
          Rule.ApprovalSecondFinal,
          `${f.actor} approves request ${request.seq} again; its final approval is seq ${inForce}`,
        );
      else
        flag(
          Rule.ApprovalAfterFinal,
          `${f.actor} signs off request ${request.seq} after its final approval at seq ${inForce}`,
        );
      return;
    }
    let broken = false;
    const flagOwn = (rule: Rule, message: string): void => {
      broken = true;
      flag(rule, message);
    };
    this.approvalRules(f, request, b, registry, flagOwn);
    if (b.final && !broken) this.finals.set(request.seq, f.seq);
    if (b.final) this.stats.approved(f, request);
  }

  private approvalRules(
    f: EntryFields,
    request: Known<RequestBody>,
    b: DecisionApproveBody,
    registry: KeyRegistry,
    flag: (rule: Rule, message: string) => void,
  ): void {
    const extra = b.fields.filter((x) => !request.body.fields.includes(x));
    if (extra.length > 0)
      flag(Rule.ApprovalExtraFields, `approves fields not requested: ${extra.join(', ')}`);
    if (f.actor === POLICY_ENGINE) {
      // Re-run at the endorsement's ledger time, as governance ran it (else the request's).
      const time = this.endorsed.get(request.seq)?.time ?? request.time;
      const evaluation = b.policy ? this.book.evaluateNamed(request, b.policy, time) : null;
      if (!b.policy || !evaluation) {
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
      this.officerApproval(f, request, b, registry, flag);
    }
  }

  /**
   * An officer's approval. One officer: an officer of the provider, final. Four eyes (as
   * governance requires them, policy-book.ts): an officer of the requester signs first
   * (`final: false`), then an officer of the provider gives the final approval; a final
   * approval by the requester's officer or by any third department is `approval.unauthorised`,
   * any other order or a second sign-off of one department is `approval.four-eyes`. Where a
   * department asks itself, two different officers of it.
   */
  private officerApproval(
    f: EntryFields,
    request: Known<RequestBody>,
    b: DecisionApproveBody,
    registry: KeyRegistry,
    flag: (rule: Rule, message: string) => void,
  ): void {
    const provider = request.body.provider;
    const requester = actorDepartment(request.actor);
    const department = actorDepartment(f.actor);
    const choice = this.endorsed.get(request.seq) ?? this.book.choose(request, request.time);
    const fourEyes = this.book.fourEyes(request, choice, b.fields);
    const prior = this.signoffs.get(request.seq) ?? [];
    const unauthorised = (why: string): void =>
      flag(Rule.ApprovalUnauthorised, `${f.actor} ${why} at seq ${f.seq}`);
    const outOfOrder = (why: string): void =>
      flag(Rule.FourEyes, `request ${request.seq} needs four eyes: ${why}`);
    if (!registry.rolesOf(f.actor, f.seq).has(Role.Officer) || department === null)
      return unauthorised(`is not an officer of ${provider}`);
    if (!fourEyes) {
      if (department !== provider) return unauthorised(`is not an officer of ${provider}`);
      if (!b.final) this.signoffs.set(request.seq, [...prior, { actor: f.actor, department }]);
      return;
    }
    if (department !== provider && department !== requester)
      return unauthorised(`is an officer of neither ${requester ?? '?'} nor ${provider}`);
    if (b.final && (department !== provider || (provider === requester && prior.length === 0)))
      return unauthorised(
        `is an officer of the requester ${requester ?? '?'}: the final approval is ${provider}'s`,
      );
    if (prior.some((p) => p.actor === f.actor)) return outOfOrder(`${f.actor} already signed it`);
    if (prior.length === 0) {
      if (department !== requester || b.final)
        return outOfOrder(
          `${f.actor} of ${provider} approved without the first sign-off of an officer of ${requester ?? '?'}`,
        );
      this.signoffs.set(request.seq, [{ actor: f.actor, department }]);
      return;
    }
    if (department !== provider)
      return outOfOrder(
        `a second sign-off of ${department} (${f.actor}); the final word is ${provider}'s`,
      );
    if (!b.final)
      outOfOrder(
        `${f.actor} of ${provider} signs after ${requester ?? '?'}: that is the final approval`,
      );
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
    } else {
      // The gateway answers only the approval in force: once a request has one, a transfer
      // MUST answer it, not another (a second final approval, one the rules refused). Before
      // there is one, the approval's own violation already reports it.
      const inForce = this.finals.get(request.seq);
      if (inForce !== undefined && inForce !== approval.seq)
        flag(
          Rule.TransferWithoutApproval,
          `approval ${approval.seq} is not the final approval in force of request ${request.seq} (seq ${inForce})`,
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
