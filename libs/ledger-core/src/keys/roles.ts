// Roles of govx actors and the separation-of-duties rules that bind them (GB/T 39477:
// security administrator, auditor and operator are three different people; an administrator
// never approves data sharing). Keys carry roles; an actor holds the roles of its live keys.

/** Every role an actor (person, department system or service) can hold. */
export const Role = {
  /** Security administrator: registers and revokes keys and accounts. */
  Admin: 'admin',
  Auditor: 'auditor',
  Operator: 'operator',
  /** A department's system (its gateway). */
  DepartmentSystem: 'department-system',
  /** Head of a department's sharing office (§20 endorsements). */
  OfficeHead: 'office-head',
  /** A data-governance officer of a department: approves or denies sharing. */
  Officer: 'officer',
  PolicyEngine: 'policy-engine',
  LedgerNode: 'ledger-node',
  Public: 'public',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const ROLES: readonly Role[] = Object.values(Role);

/** No actor holds two of these (GB/T 39477 separation of duties). */
export const EXCLUSIVE_ROLES: readonly Role[] = [Role.Admin, Role.Auditor, Role.Operator];

/** Roles that approve or endorse data sharing: never held together with Admin. */
export const APPROVING_ROLES: readonly Role[] = [Role.Officer, Role.OfficeHead, Role.PolicyEngine];

/** Roles that belong to one department: a key with one of them names its department. */
export const DEPARTMENT_ROLES: readonly Role[] = [
  Role.DepartmentSystem,
  Role.OfficeHead,
  Role.Officer,
];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * Why a set of roles may not be held by one actor, or null when it may.
 * The rules: at most one of EXCLUSIVE_ROLES; Admin with none of APPROVING_ROLES.
 */
export function separationOfDutiesViolation(roles: Iterable<Role>): string | null {
  const set = new Set(roles);
  const exclusive = EXCLUSIVE_ROLES.filter((r) => set.has(r));
  if (exclusive.length > 1)
    return `one actor may not hold both ${exclusive[0]} and ${exclusive[1]} (separation of duties)`;
  if (set.has(Role.Admin)) {
    const approving = APPROVING_ROLES.find((r) => set.has(r));
    if (approving) return `an admin may not hold the approving role ${approving}`;
  }
  return null;
}

/** The department named by an actor `dept/<department>/…`, or null for other actors. */
export function actorDepartment(actor: string): string | null {
  const m = /^dept\/([^/]+)\//.exec(actor);
  return m ? m[1]! : null;
}
