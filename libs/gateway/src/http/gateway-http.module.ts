import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { GatewayRuntime } from '../gateway/gateway-runtime.js';
import { CatalogueController } from './catalogue.controller.js';
import { GatewayExceptionFilter } from './gateway-exception.filter.js';
import { GATEWAY_RUNTIME } from './gateway.token.js';
import { RequestsController } from './requests.controller.js';
import { SystemAuthGuard } from './system-auth.guard.js';

/** The HTTP face of a started gateway: catalogue, requests, deliveries, receipts, health. */
@Module({})
export class GatewayHttpModule {
  static forRuntime(runtime: GatewayRuntime): DynamicModule {
    return {
      module: GatewayHttpModule,
      controllers: [CatalogueController, RequestsController],
      providers: [
        { provide: GATEWAY_RUNTIME, useValue: runtime },
        { provide: APP_GUARD, useClass: SystemAuthGuard },
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
      ],
    };
  }
}
