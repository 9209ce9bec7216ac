// A govx ledger node: `node apps/ledger/dist/main.js --config ledger-1.json`
// (or GOVX_LEDGER_CONFIG). Composes the ledger node and its HTTP API; nothing else.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LedgerNode, LedgerNodeModule, loadLedgerNodeConfig } from '@govx/ledger-node';

export async function bootstrap(
  configPath: string,
): Promise<{ node: LedgerNode; url: string; close(): Promise<void> }> {
  const config = loadLedgerNodeConfig(configPath);
  const node = new LedgerNode(config);
  await node.start();
  const app = await NestFactory.create(LedgerNodeModule.forNode(node), {
    logger: ['error', 'warn'],
  });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`govx ledger node ${config.node.id}`)
      .setDescription('Entries, proofs (RFC 9162), cosigned checkpoints (C2SP), health and metrics')
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  await app.listen(config.http.port, config.http.host);
  const url = await app.getUrl();
  node.logger.info({ url }, 'HTTP API listening');
  return {
    node,
    url,
    async close() {
      await app.close();
      await node.stop();
    },
  };
}

function configPathFromArgs(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const i = argv.indexOf('--config');
  const path = i >= 0 ? argv[i + 1] : env['GOVX_LEDGER_CONFIG'];
  if (!path) throw new Error('usage: ledger --config FILE (or GOVX_LEDGER_CONFIG=FILE)');
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
    process.stderr.write(`govx ledger: ${(e as Error).message}\n`);
    process.exit(2);
  }
}
