// The payload store: sealed payloads on JetStream with a retention period, erasable by
// crypto-shredding, isolated per department by the NATS server itself (decision 0011).
//
//   GOVX_PAYLOADS_<requester>     govx.payloads.<requester>.<provider>.<payloadId>      nonce ‖ AEAD(dk, sealed) | tombstone
//   GOVX_PAYLOAD_KEYS_<provider>  govx.payload-keys.<provider>.<requester>.<payloadId>  dk | tombstone
//
// A requester's data stream takes publishes from every provider (each only under its own
// provider token) and is read only by the requester; nobody deletes in it. A provider's key
// stream is written, read and deleted only by the provider, which owns the erasure duty; a
// requester reads its own data keys there by direct get of a subject naming it (the only
// JetStream read whose API subject carries the message subject, so a permission can scope it).
// Erasing deletes the key message with JetStream's secure erase (overwritten), leaves a
// tombstone on the key subject, and replaces the ciphertext by a tombstone (one message per
// subject): a copy of the ciphertext left in a replica or a backup cannot be opened. The ledger
// keeps the transfer entry (hash, size, commitment), so the proof of the exchange stays.
// Both kinds of stream: max_age = the retention ceiling (a safety net; expiry by the gateway's
// clock, see eraseExpired in the gateway, is the rule).
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
  type StreamConfig,
} from '@nats-io/jetstream';
import { headers, nanos, type MsgHdrs, type NatsConnection } from '@nats-io/nats-core';
import { PayloadStoreSubjects as S } from '@govx/contracts';
import { concatBytes, getSuite, utf8, type CryptoSuite } from '@govx/crypto';

export const DEFAULT_RETENTION_CEILING_MS = 90 * 24 * 3600 * 1000;
const NONCE_BYTES = 12;
const KEY_BYTES: Readonly<Record<string, number>> = { intl: 32, sm: 16 };
const TOKEN_RE = /^[A-Za-z0-9_-]{1,128}$/;
const DEPT_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
const AAD_CONTEXT = 'govx/payload-store/v2\n';
const NO_MESSAGE = 10037;
const STREAM_NOT_FOUND = 10059;
/** A direct get may be answered by a replica that has not applied the latest write yet. */
const KEY_READ_RETRIES_MS = [20, 50, 100, 200, 400] as const;

export const PayloadHeaders = {
  Expires: 'Govx-Expires',
  Erased: 'Govx-Erased',
  ErasedAt: 'Govx-Erased-At',
  Suite: 'Govx-Suite',
} as const;

export interface PayloadStreamOptions {
  /** Stream replicas: 3 on a cluster, 1 on a single server. */
  readonly replicas: number;
  /** JetStream max_age of the streams; default 90 days. */
  readonly retentionCeilingMs?: number;
}

export interface PayloadStoreOptions extends PayloadStreamOptions {
  /** This gateway's department: it reads its own data stream and owns its key stream. */
  readonly department: string;
  /** Suite of the data keys (AES-256-GCM or SM4-GCM). */
  readonly suite: CryptoSuite;
}

export class PayloadStoreError extends Error {
  override readonly name: string = 'PayloadStoreError';
  constructor(
    readonly code: 'not-found' | 'erased' | 'corrupt' | 'no-stream',
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

function assertDepartment(value: string, name: string): void {
  if (typeof value !== 'string' || !DEPT_RE.test(value))
    throw new RangeError(`${name}: not a department id: ${String(value)}`);
}

function assertPayloadId(payloadId: string): void {
  if (typeof payloadId !== 'string' || !TOKEN_RE.test(payloadId))
    throw new RangeError(`payloadId: expected [A-Za-z0-9_-]{1,128}`);
}

function streamOptions(options: PayloadStreamOptions): { replicas: number; maxAge: number } {
  if (!Number.isInteger(options.replicas) || options.replicas < 1 || options.replicas > 5) {
    throw new RangeError('replicas: expected an integer in [1, 5]');
  }
  const maxAge = options.retentionCeilingMs ?? DEFAULT_RETENTION_CEILING_MS;
  if (!Number.isSafeInteger(maxAge) || maxAge < 1000) {
    throw new RangeError('retentionCeilingMs: expected at least 1000 ms');
  }
  return { replicas: options.replicas, maxAge };
}

/** The two streams of one department: its data stream (as requester), its key stream (as provider). */
function streamConfigs(
  department: string,
  o: { replicas: number; maxAge: number },
): (Partial<StreamConfig> & { name: string })[] {
  const common = {
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: o.replicas,
    max_msgs_per_subject: 1,
    max_age: nanos(o.maxAge),
    discard: DiscardPolicy.Old,
  };
  return [
    // Nobody deletes here: erasure replaces the ciphertext by a tombstone.
    {
      ...common,
      name: S.dataStream(department),
      subjects: [`${S.Data}.${department}.>`],
      deny_delete: true,
      deny_purge: true,
    },
    {
      ...common,
      name: S.keyStream(department),
      subjects: [`${S.Key}.${department}.>`],
      allow_direct: true,
    },
  ];
}

async function ensureStreams(
  jsm: JetStreamManager,
  department: string,
  o: { replicas: number; maxAge: number },
): Promise<void> {
  for (const config of streamConfigs(department, o)) {
    try {
      await jsm.streams.info(config.name);
      continue;
    } catch (e) {
      if (
        (e as { code?: number }).code !== STREAM_NOT_FOUND &&
        !/stream not found/i.test(String(e))
      )
        throw e;
    }
    try {
      await jsm.streams.add(config);
    } catch (cause) {
      throw new PayloadStoreError(
        'no-stream',
        `payload stream ${config.name} is missing and could not be created (department users may not create streams; the platform creates them with PayloadStore.createStreams)`,
        { cause },
      );
    }
  }
}

export class PayloadStore {
  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly suite: CryptoSuite,
    /** This gateway's department. */
    readonly department: string,
  ) {}

  /**
   * Creates, if missing, the payload streams of every department: what the platform does once,
   * as a user allowed to create streams (departments are not).
   */
  static async createStreams(
    nc: NatsConnection,
    departments: readonly string[],
    options: PayloadStreamOptions,
  ): Promise<void> {
    departments.forEach((d, i) => assertDepartment(d, `departments[${i}]`));
    const o = streamOptions(options);
    const jsm = await jetstreamManager(nc);
    for (const d of departments) await ensureStreams(jsm, d, o);
  }

  /**
   * The store of one department. Its two streams must exist: created here when missing if the
   * NATS user may (tests, a single dev server), else PayloadStoreError 'no-stream'.
   */
  static async open(nc: NatsConnection, options: PayloadStoreOptions): Promise<PayloadStore> {
    assertDepartment(options.department, 'department');
    const o = streamOptions(options);
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm, options.department, o);
    return new PayloadStore(jetstream(nc), jsm, options.suite, options.department);
  }

  /**
   * Provider: stores (or replaces) a sealed payload for `requester` until `expires`. The data
   * key goes to this department's key stream, the ciphertext to the requester's data stream;
   * the server refuses either write if the subject is captured by any other stream.
   */
  async put(
    requester: string,
    payloadId: string,
    sealed: Uint8Array,
    expires: string,
  ): Promise<void> {
    assertDepartment(requester, 'requester');
    assertPayloadId(payloadId);
    if (Number.isNaN(Date.parse(expires)))
      throw new RangeError('expires: expected an RFC 3339 time');
    const provider = this.department;
    const dataKey = randomBytes(KEY_BYTES[this.suite.id]!);
    const nonce = randomBytes(NONCE_BYTES);
    const wrapped = concatBytes(
      nonce,
      this.suite.aeadEncrypt(dataKey, nonce, sealed, this.aad(provider, requester, payloadId)),
    );
    const h = headers();
    h.set(PayloadHeaders.Expires, expires);
    h.set(PayloadHeaders.Suite, this.suite.id);
    // Both writes in flight at once: one round trip. A key without its ciphertext (a failed
    // data write) opens nothing and ages out.
    await Promise.all([
      this.js.publish(S.key(provider, requester, payloadId), dataKey, {
        headers: h,
        expect: { streamName: S.keyStream(provider) },
      }),
      this.js.publish(S.data(requester, provider, payloadId), wrapped, {
        headers: h,
        expect: { streamName: S.dataStream(requester) },
      }),
    ]);
  }

  /** Requester: the sealed payload `provider` stored for this department; PayloadStoreError 'not-found' | 'erased' | 'corrupt'. */
  async get(provider: string, payloadId: string): Promise<Uint8Array> {
    assertDepartment(provider, 'provider');
    assertPayloadId(payloadId);
    const requester = this.department;
    const name = `${provider}/${payloadId}`;
    const data = await this.last(S.dataStream(requester), S.data(requester, provider, payloadId));
    if (!data) throw new PayloadStoreError('not-found', `no payload ${name}`);
    const erased = erasedInfo(data.header);
    if (erased) {
      throw new PayloadStoreError(
        'erased',
        `payload ${name} was erased (${erased.reason}) at ${erased.erasedAt}`,
      );
    }
    const key = await this.readKey(provider, payloadId);
    if (!key) throw new PayloadStoreError('not-found', `no data key for ${name}`);
    const keyErased = erasedInfo(key.header);
    if (keyErased) {
      throw new PayloadStoreError(
        'erased',
        `payload ${name} was erased (${keyErased.reason}) at ${keyErased.erasedAt}`,
      );
    }
    // The provider's suite wrapped it; a reader of another suite still unwraps it.
    const suiteId = key.header.get(PayloadHeaders.Suite);
    if (suiteId !== 'intl' && suiteId !== 'sm') {
      throw new PayloadStoreError('corrupt', `payload ${name}: unknown suite ${suiteId}`);
    }
    try {
      return getSuite(suiteId).aeadDecrypt(
        key.data,
        data.data.subarray(0, NONCE_BYTES),
        data.data.subarray(NONCE_BYTES),
        this.aad(provider, requester, payloadId),
      );
    } catch (cause) {
      throw new PayloadStoreError('corrupt', `payload ${name} does not unwrap`, { cause });
    }
  }

  /** Requester: when `provider` erased this payload, or null when it is present or unknown. */
  async erased(provider: string, payloadId: string): Promise<ErasedInfo | null> {
    assertDepartment(provider, 'provider');
    assertPayloadId(payloadId);
    const requester = this.department;
    const data = await this.last(S.dataStream(requester), S.data(requester, provider, payloadId));
    return data ? erasedInfo(data.header) : null;
  }

  /**
   * Provider: crypto-shreds a payload it stored for `requester`: securely erases the data key,
   * leaves a tombstone on the key subject, replaces the ciphertext by a tombstone. Idempotent:
   * false when it was already erased or never stored (a half-done erasure is completed).
   */
  async erase(requester: string, payloadId: string, reason: string, at: Date): Promise<boolean> {
    assertDepartment(requester, 'requester');
    assertPayloadId(payloadId);
    const provider = this.department;
    const keySubject = S.key(provider, requester, payloadId);
    const key = await this.last(S.keyStream(provider), keySubject);
    if (!key) return false;
    const h = headers();
    const already = erasedInfo(key.header);
    h.set(PayloadHeaders.Erased, already?.reason ?? reason);
    h.set(PayloadHeaders.ErasedAt, already?.erasedAt ?? at.toISOString());
    if (!already) {
      await this.jsm.streams.deleteMessage(S.keyStream(provider), key.seq, true);
      await this.js.publish(keySubject, new Uint8Array(0), {
        headers: h,
        expect: { streamName: S.keyStream(provider) },
      });
    }
    // Replaces the ciphertext (one message per subject); repeated, it changes nothing.
    await this.js.publish(S.data(requester, provider, payloadId), new Uint8Array(0), {
      headers: h,
      expect: { streamName: S.dataStream(requester) },
    });
    return !already;
  }

  private async readKey(provider: string, payloadId: string): Promise<StoredMsg | null> {
    const subject = S.key(provider, this.department, payloadId);
    for (const wait of [0, ...KEY_READ_RETRIES_MS]) {
      if (wait) await new Promise((r) => setTimeout(r, wait));
      const key = await this.jsm.direct.getMessage(S.keyStream(provider), {
        last_by_subj: subject,
      });
      if (key) return key;
    }
    return null;
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

  private aad(provider: string, requester: string, payloadId: string): Uint8Array {
    return utf8(`${AAD_CONTEXT}${provider}\n${requester}\n${payloadId}`);
  }
}

function erasedInfo(h: MsgHdrs | undefined): ErasedInfo | null {
  const reason = h?.get(PayloadHeaders.Erased);
  return h && reason ? { reason, erasedAt: h.get(PayloadHeaders.ErasedAt) } : null;
}
