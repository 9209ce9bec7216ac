import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { printAppendBench, runAppendBench } from '../bench/append.bench.js';
import { printCoreBench, runCoreBench } from '../bench/core.bench.js';
import { printCryptoBench, runCryptoBench } from '../bench/crypto.bench.js';
import { printExchangeBench, runExchangeBench } from '../bench/exchange.bench.js';
import { runPolicyBench } from '../bench/policy.bench.js';
import { formatRate } from '../bench/measure.js';
import { printVerifyBench, runVerifyBench } from '../bench/verify.bench.js';
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
  bench
    .command('crypto')
    .description('signatures, hashes and sealing of both suites, against raw node:crypto')
    .option('--ops <n>', 'operations per Ed25519 row (SM2 rows run a quarter)', positiveInt, 20_000)
    .option('--json', 'print the figures as JSON')
    .action((options: { ops: number; json?: boolean }) => {
      const result = runCryptoBench(options.ops);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      printCryptoBench(result, (line) => void process.stdout.write(`${line}\n`));
    });
  bench
    .command('policy')
    .description('policy decisions/s on one core, against the bare policy lookup')
    .option('--policies <n>', 'policies (one per dataset)', positiveInt, 1_000)
    .option('--requests <n>', 'requests decided', positiveInt, 100_000)
    .option('--json', 'print the figures as JSON')
    .action((options: { policies: number; requests: number; json?: boolean }) => {
      const result = runPolicyBench(options);
      if (options.json) return void process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      for (const m of result.rows)
        process.stdout.write(`  ${m.name.padEnd(50)} ${formatRate(m.perSecond).padStart(12)} /s\n`);
      process.stdout.write(`  decisions: ${JSON.stringify(result.decisions)}\n`);
    });
  bench
    .command('verify')
    .description(
      "the auditor's full verification of a log read from an export file, against raw SHA-256 and raw Ed25519 in the same run",
    )
    .option('--entries <n>', 'entries in the log', positiveInt, 1_000_000)
    .option('--workers <n>', 'worker threads', positiveInt, availableParallelism())
    .option('--checkpoint-every <n>', 'entries between cosigned checkpoints', positiveInt, 65_536)
    .option('--json', 'print the figures as JSON')
    .action(
      async (options: {
        entries: number;
        workers: number;
        checkpointEvery: number;
        json?: boolean;
      }) => {
        const result = await runVerifyBench({
          ...options,
          log: (line) => void process.stderr.write(`${line}\n`),
        });
        if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else printVerifyBench(result, (line) => void process.stdout.write(`${line}\n`));
        process.exitCode = result.ok ? ExitCode.Ok : ExitCode.Failed;
      },
    );
  bench
    .command('append')
    .description(
      'committed entries/s through 3 NATS servers and 3 ledger nodes, against raw JetStream and CPU ceilings',
    )
    .option('--entries <n>', 'entries committed in the throughput run', positiveInt, 20_000)
    .option('--batch <n>', 'submissions per batch request', positiveInt, 100)
    .option('--clients <n>', 'concurrent submitting clients', positiveInt, 8)
    .option('--rate <n>', 'entries/s of the open-loop latency run', positiveInt, 2000)
    .option('--rate-seconds <n>', 'seconds of the open-loop latency run', positiveInt, 10)
    .option(
      '--postgres <url>',
      'PostgreSQL server (databases are created and dropped)',
      'postgres://postgres@127.0.0.1:5432',
    )
    .option('--node-args <flags>', 'extra Node.js flags for the ledger nodes, e.g. "--cpu-prof"')
    .option('--json', 'print the figures as JSON')
    .action(
      async (options: {
        nodeArgs?: string;
        entries: number;
        batch: number;
        clients: number;
        rate: number;
        rateSeconds: number;
        postgres: string;
        json?: boolean;
      }) => {
        const log = (line: string): void => void process.stderr.write(`${line}\n`);
        const { nodeArgs, ...rest } = options;
        const result = await runAppendBench({
          ...rest,
          postgresUrl: options.postgres,
          log,
          ...(nodeArgs ? { nodeArgs: nodeArgs.split(' ') } : {}),
        });
        if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else printAppendBench(result, (line) => void process.stdout.write(`${line}\n`));
      },
    );
  bench
    .command('exchange')
    .description(
      'complete auto-approved exchanges/s through gateways and the ledger, against plain NATS request/reply and the crypto ceiling',
    )
    .option('--exchanges <n>', 'exchanges in the throughput run', positiveInt, 2_000)
    .option('--concurrency <n>', 'exchanges in flight', positiveInt, 64)
    .option('--rate <n>', 'exchanges/s of the open-loop latency run', positiveInt, 200)
    .option('--rate-seconds <n>', 'seconds of the open-loop latency run', positiveInt, 10)
    .option('--postgres <url>', 'PostgreSQL server', 'postgres://postgres@127.0.0.1:5432')
    .option('--json', 'print the figures as JSON')
    .action(
      async (options: {
        exchanges: number;
        concurrency: number;
        rate: number;
        rateSeconds: number;
        postgres: string;
        json?: boolean;
      }) => {
        const result = await runExchangeBench({
          ...options,
          postgresUrl: options.postgres,
          log: (line) => void process.stderr.write(`${line}\n`),
        });
        if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else printExchangeBench(result, (line) => void process.stdout.write(`${line}\n`));
      },
    );
}
