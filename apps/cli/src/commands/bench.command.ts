import { Command, InvalidArgumentError } from 'commander';
import { printCoreBench, runCoreBench } from '../bench/core.bench.js';
import { ExitCode } from '../exit-code.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function registerBenchCommands(program: Command): void {
  const bench = program
    .command('bench')
    .description(
      'benchmarks, each against a raw baseline measured in the same run (figures: docs/performance.md)',
    );
  bench
    .command('core')
    .description('leaf hashing, Merkle appends and chain verification of the ledger core')
    .option('--entries <n>', 'entries in the verified chain', positiveInt, 1_000_000)
    .option('--json', 'print the figures as JSON')
    .action(async (options: { entries: number; json?: boolean }) => {
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      const result = await runCoreBench({
        entries: options.entries,
        log: options.json ? () => undefined : log,
      });
      if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else printCoreBench(result, (line) => void process.stdout.write(`${line}\n`));
      process.exitCode = result.verifyChain.ok ? ExitCode.Ok : ExitCode.Failed;
    });
}
