// The global guard: every HTTP route is closed unless it declares @Public(), @Authenticated()
// or @Roles(...). It authenticates the caller, then admits it only with a declared role.
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Role } from '@govx/ledger-core';
import { AccessError, AccessErrorCode } from './access.errors.js';
import { AccessService } from './access.service.js';
import { PRINCIPAL, type RequestWithPrincipal } from './principal.js';
import { AUTHENTICATED_METADATA, PUBLIC_METADATA, ROLES_METADATA } from './roles.decorator.js';

export interface RouteAccess {
  readonly public: boolean;
  readonly authenticated: boolean;
  readonly roles: readonly Role[];
}

/** What a handler (or its controller) declares; nothing declared means closed to all. */
export function routeAccess(reflector: Reflector, targets: [object, object]): RouteAccess {
  const [handler, controller] = targets as [() => unknown, new () => unknown];
  const isPublic =
    reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, [handler, controller]) ?? false;
  const roles = reflector.getAllAndOverride<Role[]>(ROLES_METADATA, [handler, controller]) ?? [];
  const authenticated =
    reflector.getAllAndOverride<boolean>(AUTHENTICATED_METADATA, [handler, controller]) ?? false;
  return { public: isPublic || roles.includes(Role.Public), authenticated, roles };
}

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Messages (Nest microservice handlers of a hybrid app) are governed by the NATS users
    // and subject permissions (docs/access.md §3), not by HTTP credentials.
    if (context.getType() !== 'http') return true;
    const declared = routeAccess(this.reflector, [context.getHandler(), context.getClass()]);
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    // Credentials are checked even on public routes: forged or revoked ones are refused.
    const principal = await this.access.authenticate(request.headers);
    if (principal) request[PRINCIPAL] = principal;
    if (declared.public) return true;
    if (!declared.authenticated && declared.roles.length === 0)
      throw new AccessError(AccessErrorCode.Forbidden, 'this route declares no roles: closed');
    if (!principal)
      throw new AccessError(AccessErrorCode.Unauthenticated, 'authentication required');
    if (declared.authenticated || principal.roles.some((r) => declared.roles.includes(r)))
      return true;
    throw new AccessError(
      AccessErrorCode.Forbidden,
      `this route admits ${declared.roles.join(', ')}; ${principal.name} holds ${principal.roles.join(', ')}`,
    );
  }
}
