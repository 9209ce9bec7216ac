// Onward deliveries (§29) to this department: what other departments passed on to it under
// their providers' consent, and each delivery decrypted and checked.
import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Roles } from '@govx/access';
import type { GatewayRuntime } from '../gateway/gateway-runtime.js';
import type { OnwardView } from '../gateway/gateway.js';
import { DepartmentGuard } from './department.guard.js';
import { GatewayRoles } from './gateway-roles.js';
import { GATEWAY_RUNTIME } from './gateway.token.js';

@ApiTags('onward')
@ApiSecurity('api-key')
@ApiBearerAuth()
@UseGuards(DepartmentGuard)
@Controller('onward')
export class OnwardController {
  constructor(@Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime) {}

  @Get()
  @Roles(...GatewayRoles.Read)
  @ApiOperation({ summary: 'Deliveries other departments passed on to this one (§29)' })
  list(): { onward: OnwardView[] } {
    return { onward: this.runtime.gateway.listOnward() };
  }

  @Get(':requestId/delivery')
  @Roles(...GatewayRoles.System)
  @ApiOperation({
    summary:
      "An onward delivery, fetched, hash-checked, decrypted, checked against the provider's consent",
  })
  delivery(@Param('requestId') requestId: string): Promise<unknown> {
    return this.runtime.gateway.onwardDelivery(requestId);
  }
}
