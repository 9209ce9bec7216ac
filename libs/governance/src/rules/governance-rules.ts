// The rules of the officer workflow and deadlines, as pure functions over a request's state,
// shared by the HTTP API (refuse before submitting) and the projection (ignore entries that
// break them). Every refusal is a GovernanceActionError naming the field at fault.
import type { CataloguePublishBody, SharingTerms } from '@govx/contracts';
import type { Signoff } from '../entities/governance.entities.js';

export const GovernanceErrorCode = {
  Invalid: 'invalid',
  NotPending: 'not-pending',
  NotAllowed: 'not-allowed',
  Duplicate: 'duplicate',
  NotFound: 'not-found',
  Used: 'used',
} as const;
export type GovernanceErrorCode = (typeof GovernanceErrorCode)[keyof typeof GovernanceErrorCode];

export class GovernanceActionError extends Error {
  override readonly name = 'GovernanceActionError';
  constructor(
    readonly code: GovernanceErrorCode,
    message: string,
    /** The submission field at fault, e.g. `body.reasons`; null when none. */
    readonly field: string | null,
  ) {
    super(message);
  }
}

const DEPT_ACTOR = /^dept\/([a-z0-9][a-z0-9-]*)\/(gateway|office|officer\/[a-z0-9._-]+)$/;

/** `dept/<d>/<role>` → {department, role}; null for other actors. */
export function parseDepartmentActor(
  actor: string,
): { readonly department: string; readonly role: string } | null {
  const m = DEPT_ACTOR.exec(actor);
  return m ? { department: m[1]!, role: m[2]!.startsWith('officer/') ? 'officer' : m[2]! } : null;
}

export interface PendingView {
  readonly state: string;
  readonly requester: string;
  readonly provider: string;
  readonly officers: 'one' | 'four-eyes' | null;
  readonly signoffs: readonly Signoff[];
}

/**
 * An officer's approval of a pending request: who may sign and whether it is the final one.
 * one: an officer of the provider, `final: true`.
 * four-eyes (§21, issue #6): one officer of EACH department, in this order: an officer of the
 * requester signs first (`final: false`), then an officer of the provider gives the final
 * approval (`final: true`). Refused: a final approval by the requester's officer, the provider's
 * officer before the requester's sign-off, a second sign-off by the same department (or the
 * same officer), and any officer of a third department. Where a department asks itself, the
 * two sign-offs are two different officers of it. The audit applies the same rule
 * (libs/audit business rules `approval.unauthorised`, `approval.four-eyes`).
 */
export function checkOfficerApproval(
  request: PendingView,
  officerActor: string,
  final: boolean,
): void {
  const who = parseDepartmentActor(officerActor);
  if (!who || who.role !== 'officer')
    throw new GovernanceActionError('not-allowed', `${officerActor} is not an officer`, 'actor');
  if (request.state !== 'pending')
    throw new GovernanceActionError(
      'not-pending',
      `request is ${request.state}, not pending`,
      'body.request',
    );
  if (request.signoffs.some((s) => s.officer === officerActor))
    throw new GovernanceActionError(
      'duplicate',
      `${officerActor} already signed this request (four-eyes needs another officer)`,
      'actor',
    );
  if (request.officers === 'four-eyes') return checkFourEyes(request, who.department, final);
  if (who.department !== request.provider)
    throw new GovernanceActionError(
      'not-allowed',
      `only an officer of ${request.provider} decides`,
      'actor',
    );
  if (!final)
    throw new GovernanceActionError(
      'invalid',
      'one officer decides: the approval is final',
      'body.final',
    );
}

function checkFourEyes(request: PendingView, department: string, final: boolean): void {
  const { provider, requester } = request;
  if (department !== provider && department !== requester)
    throw new GovernanceActionError(
      'not-allowed',
      `four-eyes takes one officer of ${requester} (first sign-off) and one of ${provider} (final approval), not of ${department}`,
      'actor',
    );
  const requesterWord = `four-eyes: an officer of ${requester} gives only the first sign-off (final: false), never the final approval`;
  if (request.signoffs.length === 0) {
    if (department !== requester)
      throw new GovernanceActionError(
        'not-allowed',
        `four-eyes: an officer of ${requester} signs first (final: false); ${provider}'s officer gives the final approval after it`,
        'actor',
      );
    if (final) throw new GovernanceActionError('not-allowed', requesterWord, 'body.final');
    return;
  }
  // The requester signed first; what follows is the provider's final word (where a department
  // asks itself, another officer of it: the same officer twice was refused above).
  if (department !== provider) {
    if (final) throw new GovernanceActionError('not-allowed', requesterWord, 'body.final');
    throw new GovernanceActionError(
      'duplicate',
      `an officer of ${department} already signed; four-eyes needs the final approval of ${provider}`,
      'actor',
    );
  }
  if (!final)
    throw new GovernanceActionError(
      'invalid',
      `four-eyes: this sign-off by ${provider} is the final approval (final: true)`,
      'body.final',
    );
}

/** Deny, materials, extend: an officer of the provider, on a pending request. */
export function checkProviderOfficer(
  request: PendingView,
  officerActor: string,
  states: readonly string[] = ['pending'],
): void {
  const who = parseDepartmentActor(officerActor);
  if (!who || who.role !== 'officer' || who.department !== request.provider)
    throw new GovernanceActionError(
      'not-allowed',
      `only an officer of ${request.provider} decides`,
      'actor',
    );
  if (!states.includes(request.state))
    throw new GovernanceActionError('not-pending', `request is ${request.state}`, 'body.request');
}

/**
 * What a new catalogue version adds to the conditions of the previous one (§15): new
 * conditions, narrowed purposes, a stricter category. Auditors flag obstruction from this.
 */
export function conditionsAdded(
  previous: CataloguePublishBody | null,
  next: CataloguePublishBody,
): string[] {
  if (!previous) return [];
  const out: string[] = [];
  const rank = (s: SharingTerms): number =>
    s.category === 'unconditional' ? 0 : s.category === 'conditional' ? 1 : 2;
  if (rank(next.sharing) > rank(previous.sharing))
    out.push(`category ${previous.sharing.category} → ${next.sharing.category}`);
  const before = new Set(previous.sharing.conditions ?? []);
  for (const c of next.sharing.conditions ?? []) if (!before.has(c)) out.push(`condition: ${c}`);
  if (previous.sharing.category === 'conditional' && next.sharing.category === 'conditional') {
    const now = new Set(next.sharing.purposes ?? []);
    for (const p of previous.sharing.purposes ?? [])
      if (!now.has(p)) out.push(`purpose removed: ${p}`);
    if (previous.sharing.scope !== next.sharing.scope)
      out.push(`scope: ${previous.sharing.scope ?? ''} → ${next.sharing.scope ?? ''}`);
  }
  const fields = new Set(next.fields.map((f) => f.name));
  for (const f of previous.fields) if (!fields.has(f.name)) out.push(`field removed: ${f.name}`);
  return out;
}

export interface DeadlineView {
  readonly state: string;
  readonly deadline: string | null;
  readonly breach: 'notice' | 'authority' | null;
}

/**
 * The escalation due for a request at ledger time `now`: a notice once the deadline passed,
 * the authority once `authorityAfter` (the deadline plus one working day) passed too.
 */
export function dueEscalation(
  r: DeadlineView,
  now: string,
  authorityAfter: string | null,
): 'notice' | 'authority' | null {
  if (!r.deadline || !['submitted', 'pending', 'approved'].includes(r.state)) return null;
  if (Date.parse(now) < Date.parse(r.deadline)) return null;
  if (r.breach === null) return 'notice';
  if (r.breach === 'notice' && authorityAfter && Date.parse(now) >= Date.parse(authorityAfter))
    return 'authority';
  return null;
}
