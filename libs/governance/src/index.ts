// @govx/governance: catalogue registry, requests and deadlines, policy decisions, officers.
export * from './config/governance.config.js';
export { GOVERNANCE_ENTITIES } from './entities/governance.entities.js';
export type { HistoryItem, RequestState, Signoff } from './entities/governance.entities.js';
export { connectGovernanceDatabase, GOVERNANCE_MIGRATIONS } from './governance-database.js';
export { GovernanceModule } from './governance.module.js';
export { GovernanceService, SUBMITTABLE_TYPES } from './governance.service.js';
export type { GovernanceStartOptions } from './governance.service.js';
export { ManualClock, systemClock } from './timer/clock.js';
export type { Clock } from './timer/clock.js';
export { DutyTimer } from './timer/duty-timer.js';
export type { DutyTimerOptions } from './timer/duty-timer.js';
export { GovernanceProjection, POLICY_ENGINE_ACTOR } from './projection/governance-projection.js';
export { TimedDuties } from './projection/timed-duties.js';
export { countApprovedOnDay } from './projection/quota-count.js';
export {
  checkOfficerApproval,
  conditionsAdded,
  dueEscalation,
  GovernanceActionError,
  GovernanceErrorCode,
  parseDepartmentActor,
} from './rules/governance-rules.js';
