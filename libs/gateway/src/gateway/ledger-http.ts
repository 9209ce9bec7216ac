// What a gateway reads from a ledger node's HTTP API: the durable size of the log (where
// replay ends) and inclusion proofs for receipts.
import type { InclusionProofDocument } from '@govx/ledger-core';

export class LedgerHttpError extends Error {
  override readonly name = 'LedgerHttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class LedgerHttp {
  constructor(private readonly baseUrl: string) {
    if (!/^https?:\/\//.test(baseUrl))
      throw new RangeError(`baseUrl: expected an http(s) URL, got ${baseUrl}`);
  }

  private async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`);
    if (!res.ok)
      throw new LedgerHttpError(res.status, `${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** Entries stored by a quorum: everything below is settled. */
  async durableSize(): Promise<number> {
    return (await this.get<{ durable: number }>('/health')).durable;
  }

  /** The proof against the latest final checkpoint, or null when no checkpoint covers seq yet. */
  async inclusionProof(seq: number): Promise<InclusionProofDocument | null> {
    try {
      return await this.get<InclusionProofDocument>(`/proofs/inclusion/${seq}`);
    } catch (e) {
      if (e instanceof LedgerHttpError && e.status === 400) return null;
      throw e;
    }
  }
}
