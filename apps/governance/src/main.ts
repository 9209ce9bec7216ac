// The governance process: `node apps/governance/dist/main.js` with GOVX_GOVERNANCE_* variables
// (libs/governance/src/config). Composes the governance service and its HTTP API; nothing else.
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import {
  GovernanceModule,
  GovernanceService,
  loadGovernanceConfig,
  type GovernanceConfig,
  type GovernanceStartOptions,
} from '@govx/governance';

export async function bootstrap(
  config: GovernanceConfig,
  options: GovernanceStartOptions = {},
): Promise<{
  service: GovernanceService;
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}> {
  const log = (message: string, detail?: Record<string, unknown>): void =>
    void process.stderr.write(`${JSON.stringify({ message, ...detail })}\n`);
  const service = await GovernanceService.start(config, log, options);
  const app = await NestFactory.create(GovernanceModule.forService(service), {
    logger: ['error', 'warn'],
  });
  SwaggerModule.setup(
    'docs',
    app,
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('govx governance')
        .setDescription('Officer queue and actions, catalogue versions, policy checks')
        .setVersion('1')
        .build(),
    ),
  );
  await app.listen(config.http.port, config.http.host);
  return {
    service,
    app,
    url: await app.getUrl(),
    async close() {
      await app.close();
      await service.stop();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const running = await bootstrap(loadGovernanceConfig(process.env));
    const shutdown = (): void => void running.close().then(() => process.exit(0));
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  } catch (e) {
    process.stderr.write(`govx governance: ${(e as Error).message}\n`);
    process.exit(2);
  }
}
