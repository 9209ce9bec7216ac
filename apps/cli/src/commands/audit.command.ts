import { Command, InvalidArgumentError } from 'commander';
import { AuditInputError } from '@govx/audit';
import { exportSource } from '../audit/audit-export.js';
import { writeReport } from '../audit/audit-report.js';
import { exitCodeOf, verdictJson, verdictText, verifySource } from '../audit/audit-verify.js';
import { loadTrust } from '../audit/trust-file.js';
import { ExitCode } from '../exit-code.js';

interface SourceOptions {
  readonly source: string;
  readonly trust: string;
  readonly checkpoints?: string;
}

const SOURCE_HELP =
  'a file made by `govx audit export`, a ledger node database (postgres://…) or the NATS ledger stream (nats://…)';
const TRUST_HELP =
  "the auditor's trust file (origin, hash, quorum, cosigners' vkeys, bootstrap keys) or a ledger node configuration";
const CHECKPOINTS_HELP =
  'with a NATS source: a ledger node URL to fetch the latest final checkpoint';

function workerCount(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > 64)
    throw new InvalidArgumentError('expected an integer 0..64');
  return n;
}

function reportError(command: string, e: unknown): number {
  process.stderr.write(`govx audit ${command}: ${(e as Error).message}\n`);
  return ExitCode.Unusable;
}

export function registerAuditCommands(program: Command): void {
  const audit = program
    .command('audit')
    .description('auditors: replay and check the whole log without trusting the operator');
  audit
    .command('verify')
    .description(
      'check every hash link, signature, checkpoint root and quorum of a log; exit 0 ok, 1 wrong, 2 cannot run',
    )
    .requiredOption('--source <src>', SOURCE_HELP)
    .requiredOption('--trust <file>', TRUST_HELP)
    .option('--checkpoints <url>', CHECKPOINTS_HELP)
    .option(
      '--json',
      'print one JSON object: ok, entries, size, root, checkpoints, firstBad, violations',
    )
    .option(
      '--workers <n>',
      'worker threads (default: one per core; 0: one streaming pass on the main thread)',
      workerCount,
    )
    .action(async (options: SourceOptions & { json?: boolean; workers?: number }) => {
      try {
        const verdict = await verifySource({
          source: options.source,
          trust: await loadTrust(options.trust),
          ...(options.checkpoints ? { checkpointsUrl: options.checkpoints } : {}),
          progress: !options.json && process.stderr.isTTY === true,
          ...(options.workers === undefined ? {} : { workers: options.workers }),
        });
        if (options.json) process.stdout.write(`${JSON.stringify(verdictJson(verdict))}\n`);
        else for (const line of verdictText(verdict)) process.stdout.write(`${line}\n`);
        if (options.json && verdict.firstBad)
          process.stderr.write(
            `govx audit verify: ${verdict.firstBad.message} (${verdict.firstBad.where})\n`,
          );
        process.exitCode = exitCodeOf(verdict);
      } catch (e) {
        if (!(e instanceof AuditInputError)) throw e;
        process.exitCode = reportError('verify', e);
      }
    });
  audit
    .command('export')
    .description(
      'write the entries and checkpoints of a log in the line format `verify` reads (docs/audit.md)',
    )
    .requiredOption('--source <src>', SOURCE_HELP)
    .requiredOption('--trust <file>', TRUST_HELP)
    .requiredOption('--out <file>', 'the export file to write')
    .option('--checkpoints <url>', CHECKPOINTS_HELP)
    .action(async (options: SourceOptions & { out: string }) => {
      try {
        const n = await exportSource({
          source: options.source,
          out: options.out,
          trust: await loadTrust(options.trust),
          ...(options.checkpoints ? { checkpointsUrl: options.checkpoints } : {}),
        });
        process.stderr.write(
          `exported ${n.entries} entries and ${n.checkpoints} checkpoints to ${options.out}\n`,
        );
        process.exitCode = ExitCode.Ok;
      } catch (e) {
        if (!(e instanceof AuditInputError)) throw e;
        process.exitCode = reportError('export', e);
      }
    });
  audit
    .command('report')
    .description(
      'verify a log and write one self-contained HTML page: result, exchanges, decision times, denials, anomalies, compliance per department',
    )
    .requiredOption('--source <src>', SOURCE_HELP)
    .requiredOption('--trust <file>', TRUST_HELP)
    .requiredOption('--out <file>', 'the HTML file to write')
    .option('--checkpoints <url>', CHECKPOINTS_HELP)
    .option(
      '--workers <n>',
      'worker threads (default: one per core; 0: one streaming pass)',
      workerCount,
    )
    .action(async (options: SourceOptions & { out: string; workers?: number }) => {
      try {
        const trust = await loadTrust(options.trust);
        const verdict = await writeReport({
          source: options.source,
          trust,
          origin: trust.origin,
          out: options.out,
          ...(options.checkpoints ? { checkpointsUrl: options.checkpoints } : {}),
          ...(options.workers === undefined ? {} : { workers: options.workers }),
          progress: process.stderr.isTTY === true,
        });
        process.stderr.write(
          `report written to ${options.out}: ${verdict.ok ? 'every check holds' : verdict.firstBad ? `FAILED at seq ${verdict.firstBad.seq} (${verdict.firstBad.reason})` : `${verdict.violations.length} violation(s)`}\n`,
        );
        process.exitCode = exitCodeOf(verdict);
      } catch (e) {
        if (!(e instanceof AuditInputError)) throw e;
        process.exitCode = reportError('report', e);
      }
    });
}
