// Authenticates the department's own systems by Bearer token (configuration `systems`), until
// the access guard of libs/access takes over. Nothing is open by default: every route but
// /health needs a token.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { GatewayRuntime } from '../gateway/gateway-runtime.js';
import { GatewayError } from '../gateway/gateway.error.js';
import { GATEWAY_RUNTIME } from './gateway.token.js';

export const PUBLIC_ROUTE = 'govx:public-route';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

@Injectable()
export class SystemAuthGuard implements CanActivate {
  private readonly tokens: readonly { id: string; digest: Buffer }[];

  constructor(
    @Inject(GATEWAY_RUNTIME) runtime: GatewayRuntime,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {
    this.tokens = runtime.config.systems.map((s) => ({ id: s.id, digest: digest(s.token) }));
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.get<boolean>(PUBLIC_ROUTE, context.getHandler())) return true;
    const req = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined>; system?: string }>();
    const m = /^Bearer (\S+)$/.exec(req.headers['authorization'] ?? '');
    const given = m ? digest(m[1]!) : null;
    const system = given ? this.tokens.find((t) => timingSafeEqual(t.digest, given)) : undefined;
    if (!system)
      throw new GatewayError(
        'unauthenticated',
        'a valid Bearer token is required',
        'authorization',
      );
    req.system = system.id;
    return true;
  }
}
