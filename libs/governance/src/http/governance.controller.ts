import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, Roles, type Principal } from '@govx/access';
import { Role } from '@govx/ledger-core';
import type { GovernanceService } from '../governance.service.js';
import type { CataloguePublishBody } from '@govx/contracts';
import type { CatalogueVersionEntity, RequestEntity } from '../entities/governance.entities.js';
import { diffCatalogue } from '../rules/catalogue-diff.js';
import { GovernanceActionError } from '../rules/governance-rules.js';
import { GOVERNANCE_SERVICE } from './governance.token.js';

function view(r: RequestEntity): object {
  return {
    requestId: r.requestId,
    request: { seq: r.seq, leaf: r.leaf },
    requester: r.requester,
    provider: r.provider,
    datasetId: r.datasetId,
    state: r.state,
    officers: r.officers,
    signoffs: r.signoffs,
    deadline: r.deadline,
    deadlineKind: r.deadlineKind,
    breach: r.breach,
    approval: r.approvalSeq === null ? null : { seq: r.approvalSeq, leaf: r.approvalLeaf },
    evaluation: r.evaluation,
    body: r.body,
    history: r.history,
  };
}

@ApiTags('governance')
@Controller('governance')
export class GovernanceController {
  constructor(@Inject(GOVERNANCE_SERVICE) private readonly service: GovernanceService) {}

  /** Requests waiting for officers, with the evaluation trace and the deadline. */
  @Get('queue')
  @Roles(Role.Officer, Role.OfficeHead, Role.Auditor)
  async queue(): Promise<object[]> {
    return (await this.service.queue()).map(view);
  }

  @Get('requests/:requestId')
  @Roles(Role.Officer, Role.OfficeHead, Role.Auditor)
  async request(@Param('requestId') requestId: string): Promise<object> {
    const r = await this.service.request(requestId);
    if (!r) throw new NotFoundException(`no request ${requestId}`);
    return view(r);
  }

  /**
   * An entry signed by an officer (decision.*, sanction.*) or an office/admin (policy.*):
   * checked against the request's state and the rules, then submitted to the ledger.
   */
  @Post('actions')
  @Roles(Role.Officer, Role.OfficeHead, Role.Admin)
  async action(
    @Body() body: { submission?: unknown } | undefined,
    @CurrentPrincipal() principal: Principal,
  ): Promise<object> {
    if (!body || typeof body !== 'object' || !('submission' in body))
      throw new GovernanceActionError('invalid', 'expected {submission}', 'submission');
    const { receipt, request } = await this.service.submitAction(body.submission, principal);
    return { receipt, request: request ? view(request) : null };
  }

  /** The catalogue is public (what is shared, by whom, under which conditions). */
  @Get('catalogue/:datasetId')
  @Public()
  async catalogue(@Param('datasetId') datasetId: string): Promise<object> {
    const versions = await this.service.catalogue(datasetId);
    if (!versions.length) throw new NotFoundException(`no dataset ${datasetId}`);
    return {
      datasetId,
      versions: versions.map((v) => ({
        version: v.version,
        entry: { seq: v.seq, leaf: v.leaf },
        retired: v.retired,
        conditionsAdded: v.conditionsAdded,
        body: v.body,
      })),
      policies: (await this.service.policies(datasetId)).map((p) => ({
        policyId: p.policyId,
        version: p.version,
        seq: p.seq,
        status: p.status,
        error: p.error,
      })),
    };
  }

  /** Member-by-member differences between two versions (default: the last two). */
  @Get('catalogue/:datasetId/diff')
  @Public()
  async catalogueDiff(
    @Param('datasetId') datasetId: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ): Promise<object> {
    const versions = await this.service.catalogue(datasetId);
    const pick = (v: string | undefined, fallback: number): CatalogueVersionEntity => {
      const n = v === undefined ? fallback : Number(v);
      const found = versions.find((x) => x.version === n);
      if (!found)
        throw new NotFoundException(`no version ${String(v ?? fallback)} of ${datasetId}`);
      return found;
    };
    const last = versions.at(-1)?.version ?? 0;
    const b = pick(to, last);
    const a = pick(
      from,
      versions.filter((x) => x.version < b.version).at(-1)?.version ?? b.version,
    );
    return diffCatalogue(
      a.body as unknown as CataloguePublishBody,
      b.body as unknown as CataloguePublishBody,
    );
  }

  /** Checks policy source (YAML or JSON) against the catalogue: 200, or 400 with field and line. */
  @Post('policies/check')
  @Roles(Role.OfficeHead, Role.Officer, Role.Admin)
  @HttpCode(200)
  async checkPolicy(@Body() body: { source?: unknown } | undefined): Promise<object> {
    if (typeof body?.source !== 'string')
      throw new GovernanceActionError('invalid', 'expected {source: string}', 'source');
    const p = await this.service.checkPolicySource(body.source);
    return {
      ok: true,
      policyId: p.policyId,
      version: p.version,
      dataset: p.dataset,
      document: p.document,
    };
  }
}

@ApiTags('operations')
@Controller()
export class GovernanceHealthController {
  constructor(@Inject(GOVERNANCE_SERVICE) private readonly service: GovernanceService) {}

  @Get('health')
  @Public()
  health(@Res({ passthrough: true }) res: { status(code: number): unknown }): object {
    res.status(this.service.healthy ? 200 : 503);
    return { status: this.service.healthy ? 'ok' : 'unhealthy', applied: this.service.appliedSeq };
  }
}
