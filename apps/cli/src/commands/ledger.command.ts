import { Command } from 'commander';
import { loadLedgerNodeConfig, rebuildStreamFromDatabase } from '@govx/ledger-node';
import { parseVerifierKey } from '@govx/ledger-core';
import { ExitCode } from '../exit-code.js';

interface KeysOptions {
  readonly url?: string;
  readonly config?: string;
}

/**
 * `govx ledger keys`: the ledger nodes' checkpoint verifier keys in the C2SP signed-note form
 * (`name+hash+base64`), one per line, from a node's HTTP API or a node configuration file.
 * Tools outside govx (any C2SP or Go sumdb/note verifier) check checkpoints with them.
 */
async function keys(options: KeysOptions): Promise<number> {
  let vkeys: string[];
  if (options.config) {
    vkeys = loadLedgerNodeConfig(options.config).cluster.nodes.map((n) => n.vkey);
  } else if (options.url) {
    const res = await fetch(new URL('/keys', options.url));
    if (!res.ok) throw new Error(`${options.url}/keys answered ${res.status}`);
    vkeys = (await res.text()).trim().split('\n');
  } else {
    throw new Error('give --url of a ledger node or --config of a node configuration');
  }
  for (const vkey of vkeys) parseVerifierKey(vkey); // refuse to print anything malformed
  process.stdout.write(`${vkeys.join('\n')}\n`);
  return ExitCode.Ok;
}

export function registerLedgerCommands(program: Command): void {
  const ledger = program
    .command('ledger')
    .description('ledger nodes: verifier keys, rebuild after loss');
  ledger
    .command('keys')
    .description("print the nodes' checkpoint verifier keys (C2SP name+hash+base64), one per line")
    .option('--url <url>', 'a ledger node, e.g. http://127.0.0.1:7101')
    .option('--config <file>', 'a ledger node configuration file')
    .action(async (options: KeysOptions) => {
      try {
        process.exitCode = await keys(options);
      } catch (e) {
        process.stderr.write(`govx ledger keys: ${(e as Error).message}\n`);
        process.exitCode = ExitCode.Unusable;
      }
    });
  ledger
    .command('rebuild')
    .description(
      "after a total loss of the NATS store: verify a node's database against its cosigned checkpoints, then re-create the ledger stream from it",
    )
    .requiredOption('--config <file>', 'the configuration of the node whose database is the source')
    .option('--json', 'print the report as JSON')
    .action(async (options: { config: string; json?: boolean }) => {
      try {
        const report = await rebuildStreamFromDatabase(
          loadLedgerNodeConfig(options.config),
          (line) => {
            if (!options.json) process.stderr.write(`${line}\n`);
          },
        );
        process.stdout.write(
          options.json
            ? `${JSON.stringify(report)}\n`
            : `rebuilt: ${report.entries} entries (root ${report.root}, verified against the checkpoint of size ${report.checkpointSize}); ${report.republished} republished, ${report.alreadyInStream} already in the stream\n`,
        );
        process.exitCode = ExitCode.Ok;
      } catch (e) {
        process.stderr.write(`govx ledger rebuild: ${(e as Error).message}\n`);
        process.exitCode =
          (e as Error).name === 'RebuildError' ? ExitCode.Failed : ExitCode.Unusable;
      }
    });
}
