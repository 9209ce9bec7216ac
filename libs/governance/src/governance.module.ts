import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AccessModule } from '@govx/access';
import { ConsoleModule } from './console/console.module.js';
import type { GovernanceService } from './governance.service.js';
import { GovernanceErrorsFilter } from './http/governance-errors.filter.js';
import { GovernanceController, GovernanceHealthController } from './http/governance.controller.js';
import { GOVERNANCE_SERVICE } from './http/governance.token.js';
import { PublicController } from './http/public.controller.js';

/**
 * The HTTP face of a started GovernanceService: officer queue and actions, catalogue, policy
 * checks, behind @govx/access (accounts and sessions in governance's database; every route
 * declares its roles).
 */
@Module({})
export class GovernanceModule {
  static forService(service: GovernanceService): DynamicModule {
    return {
      module: GovernanceModule,
      imports: [
        AccessModule.forRoot({ dataSource: service.db, tokenSecret: service.config.tokenSecret }),
        ConsoleModule.forRoot(),
      ],
      controllers: [GovernanceController, GovernanceHealthController, PublicController],
      providers: [
        { provide: GOVERNANCE_SERVICE, useValue: service },
        { provide: APP_FILTER, useClass: GovernanceErrorsFilter },
      ],
    };
  }
}
