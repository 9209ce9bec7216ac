/** Nest injection token of the started GovernanceService. */
export const GOVERNANCE_SERVICE = Symbol('GOVERNANCE_SERVICE');
