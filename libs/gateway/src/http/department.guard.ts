// Runs after the global RolesGuard of libs/access (controller guards follow global ones): a
// caller authenticated by this gateway's access database MUST belong to this department, or
// hold no department (auditor, admin). A mix-up of two gateways sharing a database fails closed.
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AccessError, AccessErrorCode, PRINCIPAL, type RequestWithPrincipal } from '@govx/access';
import type { GatewayRuntime } from '../gateway/gateway-runtime.js';
import { GATEWAY_RUNTIME } from './gateway.token.js';

@Injectable()
export class DepartmentGuard implements CanActivate {
  constructor(@Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime) {}

  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<RequestWithPrincipal>()[PRINCIPAL];
    const department = this.runtime.config.department;
    if (principal && principal.department !== null && principal.department !== department)
      throw new AccessError(
        AccessErrorCode.Forbidden,
        `${principal.name} belongs to ${principal.department}, this gateway to ${department}`,
      );
    return true;
  }
}
