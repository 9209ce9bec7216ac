// HTTP to governance (same origin, with the session token) and to a ledger node (any origin,
// read-only GETs the node allows with CORS).

/** A refused call: the API's {code, message, field}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const TOKEN_KEY = 'govx.console.token';

export const session = {
  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set(token: string | null): void {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  },
};

async function parse(res: Response): Promise<unknown> {
  const text = await res.text();
  const body: unknown =
    text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
  if (!res.ok) {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    throw new ApiError(
      res.status,
      String(b['code'] ?? res.status),
      String(b['message'] ?? res.statusText),
      b['field'] === undefined ? undefined : String(b['field']),
    );
  }
  return body;
}

export async function gov<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (session.token) headers['authorization'] = `Bearer ${session.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await parse(res)) as T;
}

const LEDGER_KEY = 'govx.console.ledger';

/** The ledger node the page reads: ?ledger=URL, else the last one used. */
export function ledgerUrl(): string {
  const fromQuery = new URLSearchParams(location.search).get('ledger');
  if (fromQuery) localStorage.setItem(LEDGER_KEY, fromQuery);
  return localStorage.getItem(LEDGER_KEY) ?? '';
}

export function setLedgerUrl(url: string): void {
  localStorage.setItem(LEDGER_KEY, url.replace(/\/+$/, ''));
}

export async function ledger<T>(path: string): Promise<T> {
  const base = ledgerUrl();
  if (!base) throw new ApiError(0, 'no-ledger', 'set the ledger node URL first', 'ledger');
  let res: Response;
  try {
    res = await fetch(`${base}${path}`);
  } catch (e) {
    throw new ApiError(
      0,
      'unreachable',
      `ledger node ${base} did not answer (${(e as Error).message})`,
    );
  }
  return (await parse(res)) as T;
}

export function describe(e: unknown): string {
  if (e instanceof ApiError)
    return `${e.code}: ${e.message}${e.field ? ` (field ${e.field})` : ''}`;
  return e instanceof Error ? e.message : String(e);
}
