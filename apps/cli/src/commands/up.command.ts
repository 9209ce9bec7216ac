// `govx up`: runs the whole platform on one machine until Ctrl-C (see up/platform.ts).
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { ExitCode } from '../exit-code.js';
import { playDemoStory } from '../up/demo-story.js';
import { Platform, PlatformSteps, type PlatformStep } from '../up/platform.js';
import { portOption } from './port-option.js';

interface UpOptions {
  readonly dir: string;
  readonly basePort: number;
  readonly exit?: boolean;
  readonly demo?: boolean;
}

/** Progress while starting: a bar on a terminal, one line per step otherwise. */
function progress(): {
  onStep(step: PlatformStep, state: 'start' | 'done'): void;
  stop(): void;
} {
  const steps = Object.values(PlatformSteps);
  const started = new Map<PlatformStep, number>();
  if (!process.stderr.isTTY) {
    return {
      onStep(step, state) {
        if (state === 'start') started.set(step, Date.now());
        else
          process.stderr.write(
            `govx up: ${step} ready (${((Date.now() - started.get(step)!) / 1000).toFixed(1)} s)\n`,
          );
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: 'govx up [{bar}] {value}/{total} {step}', stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(steps.length, 0, { step: 'starting' });
  let done = 0;
  return {
    onStep(step, state) {
      if (state === 'done') done++;
      bar.update(done, { step: state === 'start' ? `${step}…` : `${step} ✓` });
    },
    stop: () => bar.stop(),
  };
}

function table(rows: readonly { name: string; url: string; what: string }[]): string {
  const w1 = Math.max(...rows.map((r) => r.name.length), 7);
  const w2 = Math.max(...rows.map((r) => r.url.length), 3);
  const line = (a: string, b: string, c: string): string =>
    `  ${a.padEnd(w1)}  ${b.padEnd(w2)}  ${c}`;
  return [line('service', 'url', 'what'), ...rows.map((r) => line(r.name, r.url, r.what))].join(
    '\n',
  );
}

async function up(options: UpOptions): Promise<number> {
  const dir = resolve(options.dir);
  const bar = progress();
  let platform: Platform;
  try {
    platform = await Platform.start({
      dir,
      basePort: options.basePort,
      databaseUrl: process.env['DATABASE_URL'],
      onStep: bar.onStep,
    });
  } finally {
    bar.stop();
  }
  const accounts = platform.accounts.map((a) => `${a.name} (${a.roles})`).join(', ');
  process.stdout.write(
    `govx is up (data in ${dir}):\n${table(platform.services())}\n` +
      `Accounts: ${accounts}; passwords in ${join(dir, 'keys', 'accounts.json')}\n` +
      (options.exit || options.demo ? '' : 'Ctrl-C stops everything.\n'),
  );
  // Ctrl-C (or SIGTERM) stops everything, also while the demo plays.
  let signalled = false;
  const stopped = new Promise<void>((done) => {
    const shutdown = (signal: string): void => {
      signalled = true;
      process.stdout.write(`\ngovx up: ${signal}, stopping…\n`);
      void platform.stop().then(done);
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
  let code: number = ExitCode.Ok;
  if (options.demo) {
    const outcome = await playDemoStory(platform, dir, {
      write: (line) => process.stdout.write(`${line}\n`),
    }).catch((e: unknown) => {
      process.stdout.write(`Demo: FAILED: ${e instanceof Error ? e.message : String(e)}\n`);
      return { ok: false };
    });
    if (!outcome.ok) code = ExitCode.Failed;
    if (!options.exit && !signalled) process.stdout.write('Ctrl-C stops everything.\n');
  }
  if (options.exit && !signalled) {
    await platform.stop();
    return code;
  }
  await stopped;
  process.stdout.write('govx up: stopped.\n');
  return code;
}

export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description(
      'run the whole platform on this machine: NATS cluster, PostgreSQL (DATABASE_URL or embedded), 3 ledger nodes, governance with the console, the four demo department gateways',
    )
    .option('--dir <dir>', 'where all its data lives', '.govx')
    .option('--base-port <port>', 'ports are this plus fixed offsets', portOption, 14000)
    .option('--exit', 'stop again as soon as everything is up (a smoke test), or after --demo')
    .option(
      '--demo',
      'play the demo story (a land sale: identity check, tax clearance, an officer decision, a refusal) and audit the log',
    )
    .action(async (options: UpOptions) => {
      try {
        process.exitCode = await up(options);
      } catch (e) {
        process.stderr.write(`govx up: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = ExitCode.Unusable;
      }
    });
}
