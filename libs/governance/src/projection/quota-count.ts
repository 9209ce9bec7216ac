// The quota count (`context.approvedToday` of a policy evaluation), one indexed range query.
import type { EntityManager } from 'typeorm';
import { RequestEntity } from '../entities/governance.entities.js';

const DAY_MS = 86_400_000;

/**
 * Final approvals `requester` got for `datasetId` (by the engine or officers, whatever happened
 * to them since) whose ledger time falls on the same local day, at `offsetMinutes` from UTC
 * (the policy's timezone), as `now`. An auditor recounts it from the log.
 *
 * Ledger times are ISO-8601 strings of one form (`toISOString`), so text order is time order
 * and the local day is a half-open text range (index governance_requests_quota).
 */
export function countApprovedOnDay(
  m: EntityManager,
  requester: string,
  datasetId: string,
  now: string,
  offsetMinutes: number,
): Promise<number> {
  const offset = offsetMinutes * 60_000;
  const start = Math.floor((Date.parse(now) + offset) / DAY_MS) * DAY_MS - offset;
  return m
    .createQueryBuilder(RequestEntity, 'r')
    .where('r.requester = :requester AND r.dataset_id = :datasetId', { requester, datasetId })
    .andWhere('r.approved_at IS NOT NULL AND r.approved_at >= :from AND r.approved_at < :to', {
      from: new Date(start).toISOString(),
      to: new Date(start + DAY_MS).toISOString(),
    })
    .getCount();
}
