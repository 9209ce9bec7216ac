// @govx/governance: catalogue registry, requests and deadlines, policy decisions, officers.
export * from './config/governance.config.js';
export { GOVERNANCE_ENTITIES } from './entities/governance.entities.js';
export type { HistoryItem, RequestState, Signoff } from './entities/governance.entities.js';
export { connectGovernanceDatabase, GOVERNANCE_MIGRATIONS } from './governance-database.js';
export { GovernanceModule } from './governance.module.js';
export { GovernanceService, SUBMITTABLE_TYPES } from './governance.service.js';
export { GovernanceProjection, POLICY_ENGINE_ACTOR } from './projection/governance-projection.js';
export {
  checkOfficerApproval,
  conditionsAdded,
  dueEscalation,
  GovernanceActionError,
  GovernanceErrorCode,
  parseDepartmentActor,
} from './rules/governance-rules.js';
