// The payload store on the real JetStream (127.0.0.1:4222): a provider stores for a requester,
// the requester fetches, the provider crypto-shreds. (Isolation between departments under the
// generated NATS permissions: gateway-payload-isolation.e2e-spec.ts.)
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectBus, type NatsConnection } from '@govx/bus';
import { PayloadStoreSubjects as S } from '@govx/contracts';
import { getSuite } from '@govx/crypto';
import {
  ciphertextHashOf,
  openPayload,
  PayloadStore,
  PayloadStoreError,
  sealPayload,
  type Payload,
} from '@govx/gateway';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';

describe.each(['intl', 'sm'] as const)(`${PayloadStore.name} (%s)`, (suiteId) => {
  const provider = `tx-${suiteId}-${process.pid}`;
  const requester = `nr-${suiteId}-${process.pid}`;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let providerStore: PayloadStore;
  let requesterStore: PayloadStore;
  const suite = getSuite(suiteId);
  const requesterKey = suite.generateEncryptionKey();
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
    jsm = await jetstreamManager(nc);
    providerStore = await PayloadStore.open(nc, { department: provider, replicas: 1, suite });
    requesterStore = await PayloadStore.open(nc, { department: requester, replicas: 1, suite });
  });
  afterAll(async () => {
    for (const d of [provider, requester])
      for (const s of [S.dataStream(d), S.keyStream(d)])
        await jsm.streams.delete(s).catch(() => undefined);
    await nc.drain();
  });

  it('creates each department its data stream and its key stream, open only for direct gets of keys', async () => {
    const data = await jsm.streams.info(S.dataStream(requester));
    expect(data.config.subjects).toEqual([`govx.payloads.${requester}.>`]);
    expect(data.config.deny_delete).toBe(true);
    const keys = await jsm.streams.info(S.keyStream(provider));
    expect(keys.config.subjects).toEqual([`govx.payload-keys.${provider}.>`]);
    expect(keys.config.allow_direct).toBe(true);
  });

  it('stores a sealed payload for the requester, who gets back the same bytes and opens them', async () => {
    const sealed = sealPayload(suite, requesterKey.publicKey, payload, 'p1');
    await providerStore.put(requester, 'p1', sealed.sealed, '2026-12-31T00:00:00.000Z');
    const fetched = await requesterStore.get(provider, 'p1');
    expect(ciphertextHashOf(fetched)).toBe(sealed.ciphertextHash);
    expect(
      openPayload(requesterKey, fetched, {
        requestId: payload.requestId,
        payloadId: 'p1',
        ciphertextHash: sealed.ciphertextHash,
        commitment: sealed.commitment,
      }),
    ).toEqual(payload);
    // The provider's own store looks in its own data stream: not there.
    await expect(providerStore.get(provider, 'p1')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('never stores the sealed payload as is: the requester stream holds it wrapped under a data key kept apart', async () => {
    const sealed = sealPayload(suite, requesterKey.publicKey, payload, 'p2');
    await providerStore.put(requester, 'p2', sealed.sealed, '2026-12-31T00:00:00.000Z');
    const raw = await jsm.streams.getMessage(S.dataStream(requester), {
      last_by_subj: S.data(requester, provider, 'p2'),
    });
    expect(raw!.data.length).toBe(sealed.sealed.length + 12 + 16);
    expect(Buffer.from(raw!.data).includes(Buffer.from(sealed.sealed.subarray(0, 40)))).toBe(false);
    const key = await jsm.streams.getMessage(S.keyStream(provider), {
      last_by_subj: S.key(provider, requester, 'p2'),
    });
    expect(key!.data.length).toBe(suiteId === 'intl' ? 32 : 16);
  });

  it('erases by shredding: key overwritten, tombstones on both subjects; erase is idempotent', async () => {
    const id = 'p3';
    const sealed = sealPayload(suite, requesterKey.publicKey, payload, id);
    await providerStore.put(requester, id, sealed.sealed, '2026-01-01T00:00:00.000Z');
    const keyMsg = await jsm.streams.getMessage(S.keyStream(provider), {
      last_by_subj: S.key(provider, requester, id),
    });
    const dataMsg = await jsm.streams.getMessage(S.dataStream(requester), {
      last_by_subj: S.data(requester, provider, id),
    });
    const at = new Date('2026-01-02T00:00:00.000Z');
    await expect(providerStore.erase(requester, id, 'retention', at)).resolves.toBe(true);
    await expect(providerStore.erase(requester, id, 'retention', at)).resolves.toBe(false);
    await expect(requesterStore.get(provider, id)).rejects.toMatchObject({ code: 'erased' });
    await expect(requesterStore.erased(provider, id)).resolves.toEqual({
      reason: 'retention',
      erasedAt: at.toISOString(),
    });
    for (const [stream, seq] of [
      [S.keyStream(provider), keyMsg!.seq],
      [S.dataStream(requester), dataMsg!.seq],
    ] as const) {
      expect(await jsm.streams.getMessage(stream, { seq }).catch(() => null)).toBeNull();
    }
    const tombstone = await jsm.streams.getMessage(S.dataStream(requester), {
      last_by_subj: S.data(requester, provider, id),
    });
    expect(tombstone!.data.length).toBe(0);
    await expect(providerStore.erase(requester, 'never-stored', 'retention', at)).resolves.toBe(
      false,
    );
  });

  it('answers not-found for an unknown payload and refuses bad names', async () => {
    await expect(requesterStore.get(provider, 'nothing-here')).rejects.toBeInstanceOf(
      PayloadStoreError,
    );
    await expect(requesterStore.get(provider, 'nothing-here')).rejects.toMatchObject({
      code: 'not-found',
    });
    await expect(requesterStore.get(provider, 'a.b')).rejects.toThrow(RangeError);
    await expect(requesterStore.get('Tax', 'x')).rejects.toThrow(RangeError);
    await expect(providerStore.put('a.b', 'x', new Uint8Array(1), '2026-01-01')).rejects.toThrow(
      'requester',
    );
    await expect(PayloadStore.open(nc, { department: 'A B', replicas: 1, suite })).rejects.toThrow(
      'department',
    );
  });
});
