// A department gateway: `node apps/department/dist/main.js --config gateway.json`
// (or GOVX_GATEWAY_CONFIG). Composes the gateway runtime and its HTTP API; nothing else.
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import {
  GatewayHttpModule,
  importSeedAccounts,
  importSeedKeys,
  loadGatewayConfig,
  openGatewayAccess,
  startGatewayRuntime,
  type GatewayRuntime,
} from '@govx/gateway';

export async function bootstrap(configPath: string): Promise<{
  runtime: GatewayRuntime;
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}> {
  const config = loadGatewayConfig(configPath);
  const log = (msg: string, fields?: Record<string, unknown>): void => {
    process.stdout.write(
      `${JSON.stringify({ time: new Date().toISOString(), department: config.department, msg, ...fields })}\n`,
    );
  };
  const access = await openGatewayAccess(config);
  let runtime: GatewayRuntime;
  try {
    const seeded = await importSeedKeys(access, config.access.seedKeys);
    if (seeded > 0) log('API keys registered from access.seedKeys', { seeded });
    const people = await importSeedAccounts(access, config.access.seedAccounts);
    if (people > 0) log('accounts created from access.seedAccounts', { created: people });
    runtime = await startGatewayRuntime(config, log);
  } catch (e) {
    await access.close();
    throw e;
  }
  const app = await NestFactory.create(GatewayHttpModule.forRuntime(runtime, access), {
    logger: ['error', 'warn'],
  });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`govx gateway: ${config.department}`)
      .setDescription(
        'Catalogue, requests to other departments, deliveries (decrypted), purpose binding, receipts with inclusion proofs',
      )
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'api-key')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  await app.listen(config.http.port, config.http.host);
  const url = await app.getUrl();
  log('HTTP API listening', { url });
  return {
    runtime,
    app,
    url,
    async close() {
      await app.close();
      await runtime.close();
      await access.close();
    },
  };
}

function configPathFromArgs(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const i = argv.indexOf('--config');
  const path = i >= 0 ? argv[i + 1] : env['GOVX_GATEWAY_CONFIG'];
  if (!path) throw new Error('usage: department --config FILE (or GOVX_GATEWAY_CONFIG=FILE)');
  return path;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const running = await bootstrap(configPathFromArgs(process.argv, process.env));
    const shutdown = (): void => {
      void running.close().then(() => process.exit(0));
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  } catch (e) {
    process.stderr.write(`govx department: ${(e as Error).message}\n`);
    process.exit(2);
  }
}
