// `govx init`: writes everything a deployment needs under one directory (see up/deployment.ts),
// for `govx up` (--hosts local) or docker-compose.yml (--hosts compose). Starts nothing.
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ExitCode } from '../exit-code.js';
import {
  initDeployment,
  InitError,
  Topology,
  type Topology as TopologyT,
} from '../up/deployment.js';
import { portOption } from './port-option.js';

interface InitCliOptions {
  readonly dir: string;
  readonly hosts: TopologyT;
  readonly basePort?: number;
  readonly databasePrefix?: string;
}

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description(
      'write a deployment (keys 0600, NATS configs with users and permissions, every service config, the bootstrap input) without starting anything',
    )
    .requiredOption('--dir <dir>', 'where to write it (kept keys and secrets are reused)')
    .addOption(
      new Option(
        '--hosts <topology>',
        'local: loopback ports (govx up); compose: docker-compose.yml service names',
      )
        .choices(Object.values(Topology))
        .default(Topology.Local),
    )
    .option(
      '--base-port <port>',
      'local only: ports are this plus fixed offsets (default 14000)',
      portOption,
    )
    .option('--database-prefix <prefix>', 'database names start with it (default govx)')
    .action(async (options: InitCliOptions) => {
      const dir = resolve(options.dir);
      try {
        const d = await initDeployment({
          dir,
          topology: options.hosts,
          ...(options.basePort !== undefined ? { basePort: options.basePort } : {}),
          ...(options.databasePrefix !== undefined
            ? { databasePrefix: options.databasePrefix }
            : {}),
          // The local topology's PostgreSQL server, as govx up takes it.
          ...(options.hosts === Topology.Local && process.env['DATABASE_URL']
            ? { databaseUrl: process.env['DATABASE_URL'] }
            : {}),
        });
        const m = d.manifest;
        process.stdout.write(
          `govx init: ${m.topology} deployment written to ${dir} (manifest deployment.json)\n` +
            `  NATS ${m.nats.servers.join(' ')}\n` +
            `  ledger ${m.ledger.map((n) => n.url).join(' ')}\n` +
            `  governance ${m.governance.url}\n` +
            `  gateways ${m.departments.map((g) => g.url).join(' ')}\n` +
            (m.topology === Topology.Compose
              ? `Next: docker compose up (docker-compose.yml mounts ./deploy; see its header)\n`
              : `Next: govx up --dir ${dir}${m.basePort !== 14000 ? ` --base-port ${m.basePort}` : ''}\n`),
        );
        process.exitCode = ExitCode.Ok;
      } catch (e) {
        process.stderr.write(`govx init: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = e instanceof InitError ? ExitCode.Unusable : ExitCode.Failed;
      }
    });
}
