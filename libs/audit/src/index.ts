// @govx/audit: replaying and checking a govx log, ledger and business rules (pure).
export * from './errors.js';
export * from './audit-item.js';
export * from './export-format.js';
export * from './trust.js';
export * from './log-auditor.js';
export { auditLogParallel, type ParallelAuditOptions } from './parallel/parallel-auditor.js';
export {
  checkAuditBatch,
  type AuditBatchRequest,
  type AuditBatchResult,
  type BatchKey,
} from './parallel/audit-batch.js';
export { BusinessRules, Rule, POLICY_ENGINE } from './rules/business-rules.js';
export {
  AuditStats,
  DECISION_TIME_BUCKETS,
  type AuditStatsSnapshot,
  type Compliance,
} from './rules/audit-stats.js';
export { renderReport, escapeHtml, type ReportInput } from './report/render-report.js';
