import { Module, type DynamicModule } from '@nestjs/common';
import {
  CONSOLE_OPTIONS,
  ConsoleController,
  DEFAULT_CONSOLE_ROOT,
  type ConsoleOptions,
} from './console.controller.js';

/** The console SPA (apps/console, built by `tsc -b`), served by governance under /console/. */
@Module({})
export class ConsoleModule {
  static forRoot(options: Partial<ConsoleOptions> = {}): DynamicModule {
    return {
      module: ConsoleModule,
      controllers: [ConsoleController],
      providers: [
        { provide: CONSOLE_OPTIONS, useValue: { root: options.root ?? DEFAULT_CONSOLE_ROOT } },
      ],
    };
  }
}
