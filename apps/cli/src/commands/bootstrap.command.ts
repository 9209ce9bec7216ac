// `govx bootstrap`: the one-shot step of a deployment written by `govx init` (see
// up/bootstrap.ts): keys registered on the ledger, payload streams, people's accounts.
// Exit 0 done (also when there was nothing left to do), 2 when it could not run (bad input,
// the ledger, NATS or the database cannot be reached), 1 on any other failure.
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ExitCode } from '../exit-code.js';
import { BootstrapError, loadBootstrapConfig, runBootstrap } from '../up/bootstrap.js';

interface BootstrapCliOptions {
  readonly dir: string;
  readonly wait: number;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 3600)
    throw new InvalidArgumentError('a number of seconds between 0 and 3600');
  return n;
}

export function registerBootstrapCommand(program: Command): void {
  program
    .command('bootstrap')
    .description(
      'register every key on the ledger with the bootstrap admin, create the payload streams, seed the accounts; idempotent',
    )
    .requiredOption('--dir <dir>', 'the deployment directory govx init wrote')
    .option(
      '--wait <seconds>',
      'how long to wait for a ledger node that takes submissions',
      seconds,
      60,
    )
    .action(async (options: BootstrapCliOptions) => {
      const dir = resolve(options.dir);
      try {
        const r = await runBootstrap(loadBootstrapConfig(dir), { waitMs: options.wait * 1000 });
        process.stdout.write(
          `govx bootstrap: keys: ${r.keysRegistered} registered, ${r.keysPresent} already on the ledger (${r.ledgerUrl}); ` +
            `accounts: ${r.accountsCreated} created, ${r.accountsPresent} already there\n`,
        );
        process.exitCode = ExitCode.Ok;
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        process.stderr.write(
          `govx bootstrap: ${e instanceof BootstrapError ? `${e.failure}: ` : ''}${reason}\n`,
        );
        process.exitCode = e instanceof BootstrapError ? ExitCode.Unusable : ExitCode.Failed;
      }
    });
}
