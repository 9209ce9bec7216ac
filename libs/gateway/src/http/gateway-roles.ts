// Who may call which gateway route (docs/department-gateway.md, "Who may call what"). Systems
// authenticate with API keys, people with sessions of this gateway's /access/sessions.
import { Role } from '@govx/ledger-core';

export const GatewayRoles = {
  /** Public-layer metadata: the catalogue, requests and their states, entries with proofs. */
  Read: [Role.DepartmentSystem, Role.OfficeHead, Role.Auditor],
  /** The department's business systems: requests, deliveries (personal data), use,
   * destruction, onward transfers. */
  System: [Role.DepartmentSystem],
  /** The sharing office's decisions: the catalogue (§13–15), consent to onward transfer (§29). */
  Office: [Role.OfficeHead],
  /** §20 endorsement with the office key this gateway holds: the office head, or the
   * department's systems when the office delegates it (as with `autoEndorse`). */
  Endorse: [Role.DepartmentSystem, Role.OfficeHead],
} as const satisfies Record<string, readonly Role[]>;
