// `govx audit report`: verifies the log (rules included) and writes one self-contained HTML
// page with chart.js inlined, to FILE.partial and then renamed.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { renderReport, type AuditVerdict } from '@govx/audit';
import { verifySource, type VerifyOptions } from './audit-verify.js';

/** The chart.js UMD bundle shipped in the chart.js package. */
async function chartJsBundle(): Promise<string> {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return readFile(join(dirname(main), 'chart.umd.min.js'), 'utf8');
}

export async function writeReport(
  options: VerifyOptions & {
    readonly out: string;
    readonly origin: string;
    readonly now?: () => Date;
  },
): Promise<AuditVerdict> {
  const verdict = await verifySource(options);
  const html = renderReport({
    verdict,
    source: options.source.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1@'),
    origin: options.origin,
    generatedAt: (options.now ?? (() => new Date()))().toISOString(),
    chartJs: await chartJsBundle(),
  });
  const partial = `${options.out}.partial`;
  await writeFile(partial, html);
  await rename(partial, options.out);
  return verdict;
}
