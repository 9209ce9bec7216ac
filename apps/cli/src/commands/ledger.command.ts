import { Command } from 'commander';
import { loadLedgerNodeConfig } from '@govx/ledger-node';
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
    .description('ledger nodes: keys (rebuild arrives with issue #4)');
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
}
