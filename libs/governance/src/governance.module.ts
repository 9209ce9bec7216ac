import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { GovernanceService } from './governance.service.js';
import { GovernanceErrorsFilter } from './http/governance-errors.filter.js';
import { GovernanceController, GovernanceHealthController } from './http/governance.controller.js';
import { GOVERNANCE_SERVICE } from './http/governance.token.js';
import { PlaceholderAccessGuard } from './http/placeholder-access.guard.js';

/** The HTTP face of a started GovernanceService: officer queue and actions, catalogue, policies. */
@Module({})
export class GovernanceModule {
  static forService(service: GovernanceService): DynamicModule {
    return {
      module: GovernanceModule,
      controllers: [GovernanceController, GovernanceHealthController],
      providers: [
        { provide: GOVERNANCE_SERVICE, useValue: service },
        { provide: APP_FILTER, useClass: GovernanceErrorsFilter },
        PlaceholderAccessGuard,
      ],
    };
  }
}
