// The payload store on the real JetStream (127.0.0.1:4222): store, fetch, crypto-shred.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectBus, type NatsConnection } from '@govx/bus';
import { PayloadStoreSubjects } from '@govx/contracts';
import { getSuite } from '@govx/crypto';
import {
  ciphertextHashOf,
  openPayload,
  PayloadStore,
  PayloadStoreError,
  sealPayload,
  type Payload,
} from '@govx/gateway';
import { jetstreamManager } from '@nats-io/jetstream';

const provider = `taxation-${process.pid}`;

describe.each(['intl', 'sm'] as const)(`${PayloadStore.name} (%s)`, (suiteId) => {
  let nc: NatsConnection;
  let store: PayloadStore;
  const suite = getSuite(suiteId);
  const requester = suite.generateEncryptionKey();
  const payload: Payload = {
    requestId: `r-${suiteId}`,
    datasetId: 'tx.tax-clearance',
    record: { status: 'cleared' },
    maskingProfile: null,
    purpose: 'registration',
    useUntil: '2026-12-31T00:00:00.000Z',
  };

  beforeAll(async () => {
    nc = await connectBus({
      servers: ['nats://127.0.0.1:4222'],
      name: 'gateway-payload-store-e2e',
    });
    store = await PayloadStore.open(nc, { replicas: 1, suite });
  });
  afterAll(async () => {
    await nc.drain();
  });

  it('stores a sealed payload and gives back the same bytes, which the requester opens', async () => {
    const sealed = sealPayload(suite, requester.publicKey, payload, `p1-${suiteId}`);
    await store.put(provider, `p1-${suiteId}`, sealed.sealed, '2026-12-31T00:00:00.000Z');
    const fetched = await store.get(provider, `p1-${suiteId}`);
    expect(ciphertextHashOf(fetched)).toBe(sealed.ciphertextHash);
    expect(
      openPayload(requester, fetched, {
        requestId: payload.requestId,
        payloadId: `p1-${suiteId}`,
        ciphertextHash: sealed.ciphertextHash,
        commitment: sealed.commitment,
      }),
    ).toEqual(payload);
  });

  it('never stores the sealed payload as is: the stream holds it wrapped under a data key', async () => {
    const sealed = sealPayload(suite, requester.publicKey, payload, `p2-${suiteId}`);
    await store.put(provider, `p2-${suiteId}`, sealed.sealed, '2026-12-31T00:00:00.000Z');
    const jsm = await jetstreamManager(nc);
    const raw = await jsm.streams.getMessage(PayloadStoreSubjects.DataStream, {
      last_by_subj: `${PayloadStoreSubjects.Data}.${provider}.p2-${suiteId}`,
    });
    expect(Buffer.from(raw!.data).includes(Buffer.from(sealed.sealed.subarray(0, 40)))).toBe(false);
  });

  it('erases by shredding: key overwritten, tombstone, ciphertext gone; erase is idempotent', async () => {
    const id = `p3-${suiteId}`;
    const sealed = sealPayload(suite, requester.publicKey, payload, id);
    await store.put(provider, id, sealed.sealed, '2026-01-01T00:00:00.000Z');
    const jsm = await jetstreamManager(nc);
    const keyMsg = await jsm.streams.getMessage(PayloadStoreSubjects.KeyStream, {
      last_by_subj: `${PayloadStoreSubjects.Key}.${provider}.${id}`,
    });
    const at = new Date('2026-01-02T00:00:00.000Z');
    await expect(store.erase(provider, id, 'retention', at)).resolves.toBe(true);
    await expect(store.erase(provider, id, 'retention', at)).resolves.toBe(false);
    await expect(store.get(provider, id)).rejects.toMatchObject({ code: 'erased' });
    await expect(store.erased(provider, id)).resolves.toEqual({
      reason: 'retention',
      erasedAt: at.toISOString(),
    });
    const gone = await jsm.streams
      .getMessage(PayloadStoreSubjects.KeyStream, { seq: keyMsg!.seq })
      .catch(() => null);
    expect(gone).toBeNull();
    const data = await jsm.streams
      .getMessage(PayloadStoreSubjects.DataStream, {
        last_by_subj: `${PayloadStoreSubjects.Data}.${provider}.${id}`,
      })
      .catch(() => null);
    expect(data).toBeNull();
  });

  it('answers not-found for an unknown payload and refuses bad names', async () => {
    await expect(store.get(provider, 'nothing-here')).rejects.toBeInstanceOf(PayloadStoreError);
    await expect(store.get(provider, 'nothing-here')).rejects.toMatchObject({ code: 'not-found' });
    await expect(store.get(provider, 'a.b')).rejects.toThrow(RangeError);
    await expect(store.get('Tax', 'x')).rejects.toThrow(RangeError);
  });
});
