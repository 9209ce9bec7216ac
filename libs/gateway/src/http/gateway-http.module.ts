import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AccessModule } from '@govx/access';
import type { GatewayRuntime } from '../gateway/gateway-runtime.js';
import { CatalogueController } from './catalogue.controller.js';
import type { GatewayAccess } from './gateway-access.js';
import { GatewayExceptionFilter } from './gateway-exception.filter.js';
import { GATEWAY_RUNTIME } from './gateway.token.js';
import { OnwardController } from './onward.controller.js';
import { RequestsController } from './requests.controller.js';

/**
 * The HTTP face of a started gateway: catalogue, requests, deliveries, receipts, health, and
 * /access (sign-in, and for admins accounts and API keys). Every route is closed unless it
 * declares its roles (libs/access RolesGuard, deny by default).
 */
@Module({})
export class GatewayHttpModule {
  static forRuntime(runtime: GatewayRuntime, access: GatewayAccess): DynamicModule {
    return {
      module: GatewayHttpModule,
      imports: [
        AccessModule.forRoot({ dataSource: access.dataSource, tokenSecret: access.tokenSecret }),
      ],
      controllers: [CatalogueController, RequestsController, OnwardController],
      providers: [
        { provide: GATEWAY_RUNTIME, useValue: runtime },
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
      ],
    };
  }
}
