import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AccessErrorsFilter } from './access-errors.filter.js';
import { AccessController } from './access.controller.js';
import { ACCESS_OPTIONS, resolveAccessOptions, type AccessOptions } from './access.options.js';
import { AccessService } from './access.service.js';
import { RolesGuard } from './roles.guard.js';

/**
 * Import once in an app: registers the global RolesGuard (every route closed unless it
 * declares @Public(), @Authenticated() or @Roles()), the AccessError filter, AccessService and
 * the /access routes. The host's DataSource MUST include ACCESS_ENTITIES and run
 * ACCESS_MIGRATIONS.
 */
@Module({})
export class AccessModule {
  static forRoot(options: AccessOptions): DynamicModule {
    return {
      module: AccessModule,
      global: true,
      controllers: [AccessController],
      providers: [
        { provide: ACCESS_OPTIONS, useValue: resolveAccessOptions(options) },
        AccessService,
        { provide: APP_GUARD, useClass: RolesGuard },
        { provide: APP_FILTER, useClass: AccessErrorsFilter },
      ],
      exports: [AccessService],
    };
  }
}
