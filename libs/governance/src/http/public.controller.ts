import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@govx/access';
import type { GovernanceService } from '../governance.service.js';
import { GOVERNANCE_SERVICE } from './governance.token.js';

/** One catalogue version as the public sees it: the published entry, never a request. */
export interface PublicCatalogueVersion {
  readonly version: number;
  readonly entry: { readonly seq: number; readonly leaf: string };
  readonly retired: boolean;
  readonly conditionsAdded: readonly string[];
  readonly body: Record<string, unknown>;
}

export interface PublicDataset {
  readonly datasetId: string;
  readonly provider: string;
  readonly versions: readonly PublicCatalogueVersion[];
}

export interface PublicPolicy {
  readonly policyId: string;
  readonly version: number;
  readonly provider: string;
  readonly datasetId: string;
  readonly seq: number;
  readonly status: string;
}

/** Aggregates only: counts per department pair and per policy, no request, person or field. */
export interface PublicStats {
  readonly exchanges: readonly {
    readonly requester: string;
    readonly provider: string;
    readonly datasetId: string;
    readonly requests: number;
    readonly approved: number;
    readonly denied: number;
    readonly delivered: number;
  }[];
  /**
   * Per policy version and its outcome (approve, deny, officers): how many requests, and how
   * they ended. Requests refused by the checks before any policy (unknown dataset, suspended
   * requester, …) count under `policyId` null.
   */
  readonly decisions: readonly {
    readonly policyId: string | null;
    readonly policyVersion: number | null;
    readonly outcome: string;
    readonly requests: number;
    readonly approved: number;
    readonly denied: number;
    readonly pending: number;
  }[];
}

const int = (v: unknown): number => Number(v);

/**
 * The public portal's read-only routes (DESIGN: "the public sees what is shared by whom under
 * which policy, never personal data"). MUST NOT return request bodies, subjects or history.
 */
@ApiTags('public')
@Controller('governance/public')
export class PublicController {
  constructor(@Inject(GOVERNANCE_SERVICE) private readonly service: GovernanceService) {}

  /** Every dataset of the catalogue, every version, with the conditions each one added. */
  @Get('catalogue')
  @Public()
  async catalogue(): Promise<PublicDataset[]> {
    const rows: Record<string, unknown>[] = await this.service.db.query(
      `SELECT dataset_id, version, seq, leaf, provider, body, conditions_added, retired
         FROM governance_catalogue ORDER BY dataset_id, version`,
    );
    const byId = new Map<string, PublicDataset & { versions: PublicCatalogueVersion[] }>();
    for (const r of rows) {
      const id = String(r['dataset_id']);
      let d = byId.get(id);
      if (!d) byId.set(id, (d = { datasetId: id, provider: String(r['provider']), versions: [] }));
      d.versions.push({
        version: int(r['version']),
        entry: { seq: int(r['seq']), leaf: String(r['leaf']) },
        retired: Boolean(r['retired']),
        conditionsAdded: r['conditions_added'] as string[],
        body: r['body'] as Record<string, unknown>,
      });
    }
    return [...byId.values()];
  }

  /** The sharing policies and their status (active, retired, invalid). */
  @Get('policies')
  @Public()
  async policies(): Promise<PublicPolicy[]> {
    const rows: Record<string, unknown>[] = await this.service.db.query(
      `SELECT policy_id, version, provider, dataset_id, seq, status
         FROM governance_policies ORDER BY provider, policy_id, version`,
    );
    return rows.map((r) => ({
      policyId: String(r['policy_id']),
      version: int(r['version']),
      provider: String(r['provider']),
      datasetId: String(r['dataset_id']),
      seq: int(r['seq']),
      status: String(r['status']),
    }));
  }

  /** Counts of exchanges per department pair and dataset, and of decisions per policy. */
  @Get('stats')
  @Public()
  async stats(): Promise<PublicStats> {
    const exchanges: Record<string, unknown>[] = await this.service.db.query(
      `SELECT requester, provider, dataset_id,
              count(*) AS requests,
              count(*) FILTER (WHERE approval_seq IS NOT NULL) AS approved,
              count(*) FILTER (WHERE state = 'denied') AS denied,
              count(*) FILTER (WHERE state = 'delivered') AS delivered
         FROM governance_requests GROUP BY requester, provider, dataset_id
         ORDER BY requester, provider, dataset_id`,
    );
    const decisions: Record<string, unknown>[] = await this.service.db.query(
      `SELECT evaluation->'policy'->>'id' AS policy_id,
              (evaluation->'policy'->>'version')::int AS policy_version,
              evaluation->>'decision' AS outcome,
              count(*) AS requests,
              count(*) FILTER (WHERE approval_seq IS NOT NULL) AS approved,
              count(*) FILTER (WHERE state = 'denied') AS denied,
              count(*) FILTER (WHERE state IN ('pending', 'materials')) AS pending
         FROM governance_requests
        WHERE evaluation IS NOT NULL
        GROUP BY 1, 2, 3 ORDER BY 1 NULLS FIRST, 2, 3`,
    );
    return {
      exchanges: exchanges.map((r) => ({
        requester: String(r['requester']),
        provider: String(r['provider']),
        datasetId: String(r['dataset_id']),
        requests: int(r['requests']),
        approved: int(r['approved']),
        denied: int(r['denied']),
        delivered: int(r['delivered']),
      })),
      decisions: decisions.map((r) => ({
        policyId: r['policy_id'] === null ? null : String(r['policy_id']),
        policyVersion: r['policy_version'] === null ? null : int(r['policy_version']),
        outcome: String(r['outcome']),
        requests: int(r['requests']),
        approved: int(r['approved']),
        denied: int(r['denied']),
        pending: int(r['pending']),
      })),
    };
  }
}
