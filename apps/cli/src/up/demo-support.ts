// Helpers of `govx up --demo` (demo-story.ts): JSON over HTTP with typed errors, polling, the
// ledger node's entry listing, and the check of a delivered record against its masking profile.
import {
  applyMaskingProfile,
  keepApprovedFields,
  type DataRecord,
  type MaskingProfile,
} from '@govx/gateway';

/** An HTTP answer that was not the one a step needed. */
export class DemoHttpError extends Error {
  override readonly name = 'DemoHttpError';
  constructor(
    readonly url: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    const b = body as { code?: unknown; message?: unknown; field?: unknown } | null;
    const why =
      b && typeof b === 'object' && 'message' in b
        ? `${String(b.code ?? '')} ${String(b.message)}${b.field ? ` (field ${String(b.field)})` : ''}`
        : JSON.stringify(body);
    super(`${url} answered ${status}: ${why}`);
  }
}

/** A wait that did not end in time; names what was awaited. */
export class DemoTimeoutError extends Error {
  override readonly name = 'DemoTimeoutError';
}

export interface HttpAnswer<T> {
  readonly status: number;
  readonly json: T;
}

/** One HTTP call with a JSON body and answer; never throws on a status, only on no answer. */
export async function call<T = unknown>(
  method: string,
  url: string,
  options: { body?: unknown; token?: string } = {},
): Promise<HttpAnswer<T>> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json: json as T };
}

/** call(), expecting a 2xx answer; else DemoHttpError. */
export async function ok<T = unknown>(
  method: string,
  url: string,
  options: { body?: unknown; token?: string } = {},
): Promise<T> {
  const a = await call<T>(method, url, options);
  if (a.status < 200 || a.status > 299) throw new DemoHttpError(url, a.status, a.json);
  return a.json;
}

/** Polls `check` every 200 ms until it gives a value (not undefined), or DemoTimeoutError. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new DemoTimeoutError(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface LedgerEntryView {
  readonly seq: number;
  readonly leafHash: string;
  readonly entry: {
    readonly type: string;
    readonly actor: string;
    readonly time: string;
    readonly body: Record<string, unknown>;
  };
}

/** Entries of one type after `after` (all pages) from a ledger node's HTTP API. */
export async function entriesOfType(
  ledgerUrl: string,
  type: string,
  after: number,
): Promise<LedgerEntryView[]> {
  const out: LedgerEntryView[] = [];
  for (let from = after; ;) {
    const { entries } = await ok<{ entries: LedgerEntryView[] }>(
      'GET',
      `${ledgerUrl}/entries?type=${encodeURIComponent(type)}&limit=1000&after=${from}`,
    );
    out.push(...entries);
    if (entries.length < 1000) return out;
    from = entries[entries.length - 1]!.seq;
  }
}

/** The seq of the last entry a ledger node holds (-1 when empty). */
export async function ledgerTip(ledgerUrl: string): Promise<number> {
  const health = await ok<{ durable: number }>('GET', `${ledgerUrl}/health`);
  return health.durable - 1;
}

/**
 * Checks a delivered record against the stored one, kept to `fields` and masked by `profile`
 * with the gateway's own functions: the same fields, each equal to its masked value (compared
 * as text: the database may type a value differently from the demo world). Returns the fields
 * the masking changed; throws naming the first field that differs, or when the masking changed
 * nothing (the record would not show that it is masked).
 */
export function checkMaskedRecord(
  profile: MaskingProfile,
  stored: DataRecord,
  fields: readonly string[],
  delivered: Record<string, unknown>,
): string[] {
  const kept = keepApprovedFields(stored, fields);
  const masked = applyMaskingProfile(profile, kept);
  const got = Object.keys(delivered).sort();
  if (got.join() !== [...fields].sort().join())
    throw new Error(`delivered fields [${got.join(', ')}], approved [${fields.join(', ')}]`);
  for (const f of fields)
    if (String(delivered[f]) !== String(masked[f]))
      throw new Error(
        `${f} is not masked as ${profile.id} says (rule ${profile.rules[f] ?? 'none'})`,
      );
  const changed = fields.filter((f) => String(masked[f]) !== String(kept[f]));
  if (changed.length === 0) throw new Error(`${profile.id} masks none of [${fields.join(', ')}]`);
  return changed;
}
