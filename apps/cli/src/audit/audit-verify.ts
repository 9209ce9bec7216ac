// `govx audit verify`: replays a log from any source through the auditor and prints the
// verdict, as text or as one JSON object.
import { auditLog, auditLogParallel, type AuditTrust, type AuditVerdict } from '@govx/audit';
import cliProgress from 'cli-progress';
import { ExitCode } from '../exit-code.js';
import { openSource } from './sources.js';

export interface VerifyOptions {
  readonly source: string;
  readonly trust: AuditTrust;
  readonly checkpointsUrl?: string;
  /** Show a progress bar (the caller decides: a terminal, and not --json). */
  readonly progress: boolean;
  readonly timeoutMs?: number;
  /** Worker threads for the parallel audit; 0: the streaming audit on this thread. */
  readonly workers?: number;
}

/** The `--json` object, exactly as issue #8 fixes it. */
export function verdictJson(v: AuditVerdict): Record<string, unknown> {
  return {
    ok: v.ok,
    entries: v.entries,
    size: v.size,
    root: v.root,
    checkpoints: v.checkpoints,
    firstBad: v.firstBad ? { seq: v.firstBad.seq, reason: v.firstBad.reason } : null,
    violations: v.violations,
  };
}

export function verdictText(v: AuditVerdict): string[] {
  const lines: string[] = [];
  if (v.firstBad) {
    const f = v.firstBad;
    lines.push(`FAILED at seq ${f.seq}: ${f.reason}: ${f.message} (${f.where})`);
    lines.push(`${v.size} entries verified before it, of ${v.entries} read`);
  } else {
    const tail =
      v.lastCheckpointSize === null
        ? 'no final checkpoint covers them'
        : v.lastCheckpointSize === v.size
          ? 'all covered by the last one'
          : `${v.size - v.lastCheckpointSize} after the last one (not yet cosigned)`;
    lines.push(
      `${v.ok ? 'ok' : 'FAILED'}: ${v.entries} entries, root ${v.root}; ${v.checkpoints} final checkpoints verified, ${tail}`,
    );
  }
  for (const violation of v.violations)
    lines.push(`violation at seq ${violation.seq}: ${violation.rule}: ${violation.message}`);
  return lines;
}

export async function verifySource(options: VerifyOptions): Promise<AuditVerdict> {
  const source = await openSource(options.source, {
    trust: options.trust,
    ...(options.checkpointsUrl ? { checkpointsUrl: options.checkpointsUrl } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const bar = options.progress
    ? new cliProgress.SingleBar(
        { format: 'verifying {value} entries [{duration_formatted}]', stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(0, 0);
  try {
    const onProgress = (n: number): void => bar?.update(n);
    return options.workers === 0
      ? await auditLog(source.items(), options.trust, { onProgress })
      : await auditLogParallel(() => source.items(), options.trust, {
          onProgress,
          ...(options.workers === undefined ? {} : { workers: options.workers }),
        });
  } finally {
    bar?.stop();
    await source.close();
  }
}

export function exitCodeOf(v: AuditVerdict): number {
  return v.ok ? ExitCode.Ok : ExitCode.Failed;
}
