// A ledger node behind the generated NATS permissions: it connects as its ledger-node user;
// a department submits on its own subject as its department user (replies arrive in its own
// inbox) and gets a quorum receipt; in another department's name it is refused twice — by the
// server (not its subject) and by the ledger (not its actor).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { connectBus, NatsCluster, type NatsConnection } from '@govx/bus';
import { natsAuthorizationConfig, natsUsers, type NatsUser } from '@govx/access';
import { DepartmentSubjects } from '@govx/contracts';
import { getSuite } from '@govx/crypto';
import { createSubmission, verifierKeyString } from '@govx/ledger-core';
import { LedgerNode, parseLedgerNodeConfig } from '@govx/ledger-node';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { dropDatabases, POSTGRES } from './support/databases.js';
import type { Reply } from './support/ledger-harness.js';

const users = natsUsers({ ledgerNodes: ['ledger-1'], departments: ['taxation', 'land'] });
const byName = (name: string): NatsUser => users.find((u) => u.name === name)!;
const database = `govx_access_nats_ledger_${process.pid}`;
const intl = getSuite('intl');
const taxKey = intl.generateSigningKey();
const landKey = intl.generateSigningKey();

let dir: string;
let nats: NatsCluster;
let node: LedgerNode;
let tax: NatsConnection;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'govx-access-nats-ledger-'));
  const ledgerUser = byName('ledger-1');
  nats = await NatsCluster.start({
    size: 1,
    dir: join(dir, 'nats'),
    users: natsAuthorizationConfig(users),
    probe: { user: ledgerUser.user, pass: ledgerUser.password },
  });
  const nodeKey = intl.generateSigningKey();
  const keyFile = join(dir, 'ledger-1.key.pem');
  writeFileSync(keyFile, nodeKey.toPem(), { mode: 0o600 });
  const noteName = 'ledger-1.govx.test';
  node = new LedgerNode(
    parseLedgerNodeConfig({
      node: { id: 'ledger-1', operator: 'taxation', noteName, keyFile },
      origin: 'govx.test/access',
      nats: {
        servers: nats.urls,
        replicas: 1,
        user: ledgerUser.user,
        pass: ledgerUser.password,
      },
      database: { url: `${POSTGRES}/${database}`, createDatabase: true },
      cluster: {
        quorum: 1,
        nodes: [
          {
            id: 'ledger-1',
            operator: 'taxation',
            vkey: verifierKeyString(noteName, nodeKey.publicKey),
          },
        ],
      },
      keys: [
        {
          actor: 'dept/taxation/gateway',
          publicKeyPem: taxKey.publicKey.toPem(),
          roles: ['department-system'],
          department: 'taxation',
        },
        {
          actor: 'dept/land/gateway',
          publicKeyPem: landKey.publicKey.toPem(),
          roles: ['department-system'],
          department: 'land',
        },
      ],
    }),
    pino({ level: 'silent' }),
  );
  await node.start();
  const u = byName('taxation');
  tax = await connectBus({
    servers: nats.urls,
    name: 'access-nats-ledger-taxation',
    user: u.user,
    pass: u.password,
    inboxPrefix: u.inboxPrefix,
  });
  const deadline = Date.now() + 30_000;
  while (!node.sequencing && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}, 60_000);

afterAll(async () => {
  await tax?.close();
  await node?.stop();
  await nats?.stop();
  await dropDatabases([database]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a ledger node behind the generated NATS permissions', () => {
  let n = 0;
  const entry = (actor: string, key = taxKey) =>
    createSubmission({ type: 'test.event', actor, idem: `n-${n++}`, body: { n } }, key);

  it('takes a department’s submission on its own subject and answers in its own inbox', async () => {
    const msg = await tax.request(
      DepartmentSubjects.submit('taxation'),
      JSON.stringify(entry('dept/taxation/gateway')),
      { timeout: 30_000 },
    );
    expect(msg.json<Reply>()).toMatchObject({ ok: true, receipt: { seq: 0 } });
    const batch = await tax.request(
      DepartmentSubjects.submitBatch('taxation'),
      JSON.stringify([entry('dept/taxation/gateway')]),
      { timeout: 30_000 },
    );
    expect(batch.json<Reply[]>()).toMatchObject([{ ok: true, receipt: { seq: 1 } }]);
  });

  it('refuses a submission in another department’s name: by the server, and by the ledger', async () => {
    const subject = DepartmentSubjects.submit('land');
    await expect(
      tax.request(subject, JSON.stringify(entry('dept/land/gateway', landKey)), { timeout: 5_000 }),
    ).rejects.toThrow(`Permissions Violation for Publish to "${subject}"`);
    const msg = await tax.request(
      DepartmentSubjects.submit('taxation'),
      JSON.stringify(entry('dept/land/gateway', landKey)),
      { timeout: 30_000 },
    );
    expect(msg.json<Reply>()).toMatchObject({
      ok: false,
      error: { code: 'wrong-department', field: 'actor' },
    });
    expect(node.witness.tip.size).toBe(2);
  });
});
