// PLACEHOLDER, to be replaced by @govx/access's guard and role decorator once they land: a
// single bearer token from configuration (GOVX_GOVERNANCE_PLACEHOLDER_TOKEN) stands for "an
// authenticated officer". Officer actions are authenticated regardless by their signatures,
// which the ledger verifies against the actor's registered key.
import { timingSafeEqual } from 'node:crypto';
import {
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { GovernanceService } from '../governance.service.js';
import { GOVERNANCE_SERVICE } from './governance.token.js';

@Injectable()
export class PlaceholderAccessGuard implements CanActivate {
  constructor(@Inject(GOVERNANCE_SERVICE) private readonly service: GovernanceService) {}

  canActivate(context: ExecutionContext): boolean {
    const header = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined> }>().headers['authorization'];
    const given = Buffer.from(header?.replace(/^Bearer /, '') ?? '');
    const expected = Buffer.from(this.service.config.placeholderToken);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new UnauthorizedException('authentication required');
    return true;
  }
}
