import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import {
  checkProofDocument,
  MalformedProofError,
  parseProofDocument,
  treeHasher,
  type ProofCheck,
  type ProofDocument,
} from '@govx/ledger-core';
import { ExitCode } from '../exit-code.js';

interface VerifyOptions {
  readonly json?: boolean;
  readonly hash: 'sha256' | 'sm3';
}

/** The most a proof file may weigh: a maximal proof is ~9 KiB of JSON. */
const MAX_PROOF_FILE_BYTES = 1024 * 1024;

export function registerProofCommands(program: Command): void {
  const proof = program
    .command('proof')
    .description('check RFC 9162 inclusion and consistency proofs');
  proof
    .command('verify')
    .description(
      'verify a proof written as JSON; exit 0 when it verifies, 1 when it does not, 2 when the file is malformed',
    )
    .argument(
      '<file>',
      'proof file ({"type":"inclusion",…} or {"type":"consistency",…}); - for stdin',
    )
    .option('--json', 'print {"ok":…,"reason":…}')
    .addOption(
      new Option('--hash <alg>', 'tree hash of the log')
        .choices(['sha256', 'sm3'])
        .default('sha256'),
    )
    .action(async (file: string, options: VerifyOptions) => {
      process.exitCode = await verifyProofFile(file, options);
    });
}

async function readInput(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  return readFile(file, 'utf8');
}

async function verifyProofFile(file: string, options: VerifyOptions): Promise<number> {
  let doc: ProofDocument;
  let check: ProofCheck;
  try {
    const text = await readInput(file);
    if (text.length > MAX_PROOF_FILE_BYTES)
      throw new MalformedProofError(`file is larger than ${MAX_PROOF_FILE_BYTES} bytes`);
    doc = parseProofDocument(text);
    check = checkProofDocument(doc, treeHasher(options.hash));
  } catch (e) {
    const reason =
      e instanceof MalformedProofError
        ? `malformed proof file ${file}: ${e.message}`
        : `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
    report(options, { ok: false, reason }, reason);
    return ExitCode.Unusable;
  }
  const what =
    doc.type === 'inclusion'
      ? `inclusion of leaf ${doc.index} in a tree of ${doc.treeSize}`
      : `consistency of tree sizes ${doc.size1} and ${doc.size2}`;
  report(options, check, check.ok ? `verified: ${what}` : `NOT verified: ${what}: ${check.reason}`);
  return check.ok ? ExitCode.Ok : ExitCode.Failed;
}

function report(options: VerifyOptions, check: ProofCheck, human: string): void {
  if (options.json)
    process.stdout.write(`${JSON.stringify({ ok: check.ok, reason: check.reason })}\n`);
  else if (check.ok) process.stdout.write(`${human}\n`);
  else process.stderr.write(`${human}\n`);
}
