// The payload store: sealed payloads on JetStream with a retention period, erasable by
// crypto-shredding. Each payload is wrapped once more under its own random data key; the data
// key lives in a second stream. Erasing deletes the key message with JetStream's secure erase
// (overwritten with random data), leaves a tombstone on the key subject, and deletes the
// ciphertext: any copy of the ciphertext left in a replica or a backup is unreadable. The
// ledger keeps the transfer entry (hash, size, commitment), so the proof of the exchange stays.
//
//   stream GOVX_PAYLOADS      subject govx.payload.data.<provider>.<payloadId>  nonce ‖ AEAD(dk, sealed)
//   stream GOVX_PAYLOAD_KEYS  subject govx.payload.key.<provider>.<payloadId>   dk | tombstone
//   both: one message per subject, max_age = the retention ceiling (a safety net; expiry by
//   the gateway's clock, see eraseExpired in the gateway, is the rule).
import { randomBytes } from 'node:crypto';
import {
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type StoredMsg,
} from '@nats-io/jetstream';
import { headers, nanos, type NatsConnection } from '@nats-io/nats-core';
import { PayloadStoreSubjects } from '@govx/contracts';
import { concatBytes, getSuite, utf8, type CryptoSuite } from '@govx/crypto';

export const DEFAULT_RETENTION_CEILING_MS = 90 * 24 * 3600 * 1000;
const NONCE_BYTES = 12;
const KEY_BYTES: Readonly<Record<string, number>> = { intl: 32, sm: 16 };
const TOKEN_RE = /^[A-Za-z0-9_-]{1,128}$/;
const DEPT_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
const AAD_CONTEXT = 'govx/payload-store/v1\n';
const NO_MESSAGE = 10037;

export const PayloadHeaders = {
  Expires: 'Govx-Expires',
  Erased: 'Govx-Erased',
  ErasedAt: 'Govx-Erased-At',
  Suite: 'Govx-Suite',
} as const;

export interface PayloadStoreOptions {
  /** Stream replicas: 3 on a cluster, 1 on a single server. */
  readonly replicas: number;
  /** Suite of the data keys (AES-256-GCM or SM4-GCM). */
  readonly suite: CryptoSuite;
  /** JetStream max_age of both streams; default 90 days. */
  readonly retentionCeilingMs?: number;
}

export class PayloadStoreError extends Error {
  override readonly name: string = 'PayloadStoreError';
  constructor(
    readonly code: 'not-found' | 'erased' | 'corrupt',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ErasedInfo {
  readonly reason: string;
  readonly erasedAt: string;
}

function assertToken(provider: string, payloadId: string): void {
  if (!DEPT_RE.test(provider)) throw new RangeError(`provider: not a department id: ${provider}`);
  if (!TOKEN_RE.test(payloadId)) throw new RangeError(`payloadId: expected [A-Za-z0-9_-]{1,128}`);
}

export class PayloadStore {
  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly suite: CryptoSuite,
  ) {}

  /** Connects and creates both streams if missing. */
  static async open(nc: NatsConnection, options: PayloadStoreOptions): Promise<PayloadStore> {
    if (!Number.isInteger(options.replicas) || options.replicas < 1 || options.replicas > 5) {
      throw new RangeError('replicas: expected an integer in [1, 5]');
    }
    const maxAge = options.retentionCeilingMs ?? DEFAULT_RETENTION_CEILING_MS;
    if (!Number.isSafeInteger(maxAge) || maxAge < 1000) {
      throw new RangeError('retentionCeilingMs: expected at least 1000 ms');
    }
    const jsm = await jetstreamManager(nc);
    for (const [name, subject] of [
      [PayloadStoreSubjects.DataStream, PayloadStoreSubjects.Data],
      [PayloadStoreSubjects.KeyStream, PayloadStoreSubjects.Key],
    ] as const) {
      const config = {
        name,
        subjects: [`${subject}.>`],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        num_replicas: options.replicas,
        max_msgs_per_subject: 1,
        max_age: nanos(maxAge),
        discard: DiscardPolicy.Old,
      };
      try {
        await jsm.streams.info(name);
      } catch {
        await jsm.streams.add(config);
      }
    }
    return new PayloadStore(jetstream(nc), jsm, options.suite);
  }

  /** Stores (or replaces) a sealed payload until `expires`. */
  async put(
    provider: string,
    payloadId: string,
    sealed: Uint8Array,
    expires: string,
  ): Promise<void> {
    assertToken(provider, payloadId);
    if (Number.isNaN(Date.parse(expires)))
      throw new RangeError('expires: expected an RFC 3339 time');
    const dataKey = randomBytes(KEY_BYTES[this.suite.id]!);
    const nonce = randomBytes(NONCE_BYTES);
    const wrapped = concatBytes(
      nonce,
      this.suite.aeadEncrypt(dataKey, nonce, sealed, this.aad(provider, payloadId)),
    );
    const h = headers();
    h.set(PayloadHeaders.Expires, expires);
    h.set(PayloadHeaders.Suite, this.suite.id);
    await this.js.publish(this.keySubject(provider, payloadId), dataKey, { headers: h });
    await this.js.publish(this.dataSubject(provider, payloadId), wrapped, { headers: h });
  }

  /** The sealed payload; PayloadStoreError 'not-found' | 'erased' | 'corrupt'. */
  async get(provider: string, payloadId: string): Promise<Uint8Array> {
    assertToken(provider, payloadId);
    const key = await this.last(
      PayloadStoreSubjects.KeyStream,
      this.keySubject(provider, payloadId),
    );
    if (!key) throw new PayloadStoreError('not-found', `no payload ${provider}/${payloadId}`);
    const erased = this.erasedInfo(key);
    if (erased) {
      throw new PayloadStoreError(
        'erased',
        `payload ${provider}/${payloadId} was erased (${erased.reason}) at ${erased.erasedAt}`,
      );
    }
    const data = await this.last(
      PayloadStoreSubjects.DataStream,
      this.dataSubject(provider, payloadId),
    );
    if (!data)
      throw new PayloadStoreError('not-found', `no ciphertext for ${provider}/${payloadId}`);
    // The provider's suite wrapped it; a reader of another suite still unwraps it.
    const suiteId = key.header.get(PayloadHeaders.Suite);
    if (suiteId !== 'intl' && suiteId !== 'sm') {
      throw new PayloadStoreError(
        'corrupt',
        `payload ${provider}/${payloadId}: unknown suite ${suiteId}`,
      );
    }
    const suite = getSuite(suiteId);
    try {
      return suite.aeadDecrypt(
        key.data,
        data.data.subarray(0, NONCE_BYTES),
        data.data.subarray(NONCE_BYTES),
        this.aad(provider, payloadId),
      );
    } catch (cause) {
      throw new PayloadStoreError('corrupt', `payload ${provider}/${payloadId} does not unwrap`, {
        cause,
      });
    }
  }

  /** When the payload was erased, or null when it is present or unknown. */
  async erased(provider: string, payloadId: string): Promise<ErasedInfo | null> {
    assertToken(provider, payloadId);
    const key = await this.last(
      PayloadStoreSubjects.KeyStream,
      this.keySubject(provider, payloadId),
    );
    return key ? this.erasedInfo(key) : null;
  }

  /**
   * Crypto-shreds a payload: securely erases its data key, leaves a tombstone, deletes the
   * ciphertext. Idempotent: false when it was already erased or never stored.
   */
  async erase(provider: string, payloadId: string, reason: string, at: Date): Promise<boolean> {
    assertToken(provider, payloadId);
    const keySubject = this.keySubject(provider, payloadId);
    const key = await this.last(PayloadStoreSubjects.KeyStream, keySubject);
    if (!key || this.erasedInfo(key)) return false;
    await this.jsm.streams.deleteMessage(PayloadStoreSubjects.KeyStream, key.seq, true);
    const h = headers();
    h.set(PayloadHeaders.Erased, reason);
    h.set(PayloadHeaders.ErasedAt, at.toISOString());
    await this.js.publish(keySubject, new Uint8Array(0), { headers: h });
    const data = await this.last(
      PayloadStoreSubjects.DataStream,
      this.dataSubject(provider, payloadId),
    );
    if (data) await this.jsm.streams.deleteMessage(PayloadStoreSubjects.DataStream, data.seq, true);
    return true;
  }

  private erasedInfo(key: StoredMsg): ErasedInfo | null {
    const reason = key.header?.get(PayloadHeaders.Erased);
    return reason ? { reason, erasedAt: key.header.get(PayloadHeaders.ErasedAt) } : null;
  }

  private async last(stream: string, subject: string): Promise<StoredMsg | null> {
    try {
      return await this.jsm.streams.getMessage(stream, { last_by_subj: subject });
    } catch (e) {
      if ((e as { code?: number }).code === NO_MESSAGE || /no message found/i.test(String(e)))
        return null;
      throw e;
    }
  }

  private aad(provider: string, payloadId: string): Uint8Array {
    return utf8(`${AAD_CONTEXT}${provider}\n${payloadId}`);
  }

  private keySubject(provider: string, payloadId: string): string {
    return `${PayloadStoreSubjects.Key}.${provider}.${payloadId}`;
  }

  private dataSubject(provider: string, payloadId: string): string {
    return `${PayloadStoreSubjects.Data}.${provider}.${payloadId}`;
  }
}
