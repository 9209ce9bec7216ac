// The department's catalogue: what it holds and publishes (catalogue.publish entries).
import { Body, Controller, Get, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '@govx/access';
import type { LedgerReceipt } from '@govx/bus';
import type { CatalogueEntry } from '../catalogue/catalogue-entry.js';
import type { GatewayRuntime } from '../gateway/gateway-runtime.js';
import { GatewayError } from '../gateway/gateway.error.js';
import { DepartmentGuard } from './department.guard.js';
import { GatewayRoles } from './gateway-roles.js';
import { GATEWAY_RUNTIME } from './gateway.token.js';

@ApiTags('catalogue')
@ApiSecurity('api-key')
@ApiBearerAuth()
@UseGuards(DepartmentGuard)
@Controller()
export class CatalogueController {
  constructor(@Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime) {}

  @Get('catalogue')
  @Roles(...GatewayRoles.Read)
  @ApiOperation({
    summary: 'Every catalogue entry on the ledger (all departments), newest version of each',
  })
  catalogue(): { entries: unknown[] } {
    const index = this.runtime.gateway.index;
    return {
      entries: [...index.catalogue.values()].map((versions) => {
        const p = versions[versions.length - 1]!;
        return { ref: p.ref, actor: p.actor, time: p.time, ...p.body };
      }),
    };
  }

  @Post('catalogue')
  @Roles(...GatewayRoles.Office)
  @ApiOperation({
    summary: "Publish or update one of this department's catalogue entries (a new version)",
  })
  @ApiBody({
    schema: { type: 'object', description: 'CatalogueEntry (docs/department-gateway.md)' },
  })
  async publish(@Body() body: CatalogueEntry): Promise<{ receipts: LedgerReceipt[] }> {
    if (typeof body !== 'object' || body === null || !Array.isArray(body.fields)) {
      throw new GatewayError('malformed', 'expected a catalogue entry', null);
    }
    return { receipts: await this.runtime.gateway.publishCatalogue([body]) };
  }

  @Get('health')
  @Public()
  health(): { department: string; lastSeq: number; ok: boolean; error: string | null } {
    const g = this.runtime.gateway;
    return {
      department: g.department,
      lastSeq: g.index.lastSeq,
      ok: g.error === null,
      error: g.error?.message ?? null,
    };
  }
}
