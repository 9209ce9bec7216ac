import { readFile } from 'node:fs/promises';
import { AuditInputError, parseAuditTrust, type AuditTrust } from '@govx/audit';

/** Reads the auditor's trust file (or a ledger node configuration); AuditInputError if unusable. */
export async function loadTrust(path: string): Promise<AuditTrust> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new AuditInputError(path, `cannot read the trust file (${(e as Error).message})`, {
      cause: e,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new AuditInputError(path, `not JSON (${(e as Error).message})`, { cause: e });
  }
  try {
    return parseAuditTrust(value);
  } catch (e) {
    throw new AuditInputError(path, (e as Error).message, { cause: e });
  }
}
