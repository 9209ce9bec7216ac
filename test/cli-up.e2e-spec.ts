// `govx up` end to end: the real CLI process starts PostgreSQL (embedded), a 3-node NATS
// cluster and 3 ledger nodes; the ledger takes an entry; Ctrl-C (SIGINT) stops everything;
// started again on the same directory, it resumes with the same log and keys.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { connectBus, LedgerClient } from '@govx/bus';
import { importSigningPrivateKey } from '@govx/crypto';
import { createSubmission } from '@govx/ledger-core';
import { connect } from '@nats-io/transport-node';
import {
  GOVX,
  govxUpHarness,
  until,
  type GovxUpHarness,
  type RunningUp,
} from './support/govx-up.js';

let h: GovxUpHarness;
let dir: string;
let BASE: number;
const govxUp = (extra: string[] = []): RunningUp => h.up(extra);

const portOpen = async (url: string): Promise<boolean> =>
  fetch(url).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  h = await govxUpHarness('up', 20_000);
  dir = h.dir;
  BASE = h.base;
});

afterEach(() => h.stopAll(), 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
}, 30_000);

describe('govx up', () => {
  let leaf = '';
  let seq = -1;

  it('starts the platform, prints its URLs, takes an entry, and stops on Ctrl-C', async () => {
    const up = govxUp();
    await until('the table of URLs', () => up.output().includes('Ctrl-C stops everything'));
    const out = up.output();
    expect(out).toContain(`embedded PostgreSQL, data in ${join(dir, 'postgres', 'data')}`);
    for (const i of [1, 2, 3])
      expect(out).toMatch(new RegExp(`ledger-${i} +http://127\\.0\\.0\\.1:${BASE + 80 + i}`));
    expect(out).toContain(`nats://127.0.0.1:${BASE + 222}`);

    const servers = [`nats://127.0.0.1:${BASE + 222}`];
    // Nothing is open: an anonymous client is refused by the servers.
    await expect(connect({ servers, reconnect: false, maxReconnectAttempts: 0 })).rejects.toThrow(
      /Authorization Violation/,
    );
    const passwords = JSON.parse(
      await readFile(join(dir, 'keys', 'nats-passwords.json'), 'utf8'),
    ) as Record<string, string>;
    const nc = await connectBus({
      servers,
      name: 'up-test',
      user: 'service-platform',
      pass: passwords['service-platform']!,
      inboxPrefix: '_INBOX.svc.platform',
    });
    const ledger = new LedgerClient(nc);
    const admin = importSigningPrivateKey(
      await readFile(join(dir, 'keys', 'gov_admin_bootstrap.key.pem'), 'utf8'),
    );
    // govx up registered every actor's key with the bootstrap admin's key.register entries.
    const registered = await (
      await fetch(`http://127.0.0.1:${BASE + 81}/entries?type=key.register&limit=100`)
    ).json();
    const actors = (
      registered as { entries: { entry: { body: { actor: string } } }[] }
    ).entries.map((e) => e.entry.body.actor);
    expect(actors).toEqual(
      expect.arrayContaining([
        'gov/policy-engine',
        'dept/taxation/gateway',
        'dept/taxation/officer/duty',
      ]),
    );
    const receipt = await ledger.submit(
      createSubmission(
        { type: 'smoke', actor: 'gov/admin/bootstrap', idem: 'up-1', body: { hello: 'govx' } },
        admin,
      ),
    );
    await nc.close();
    expect(receipt.duplicate).toBe(false);
    expect(receipt.seq).toBeGreaterThanOrEqual(actors.length); // after the key registrations
    seq = receipt.seq;
    leaf = receipt.leafHash;

    // Four department gateways run under their own NATS users, and published their catalogues.
    for (const [i, d] of [
      'public-security',
      'natural-resources',
      'taxation',
      'social-security',
    ].entries()) {
      expect(out).toMatch(new RegExp(`${d} +http://127\\.0\\.0\\.1:${BASE + 101 + i}`));
      expect((await fetch(`http://127.0.0.1:${BASE + 101 + i}/health`)).status).toBe(200);
    }
    const catalogue = (await (
      await fetch(`http://127.0.0.1:${BASE + 81}/entries?type=catalogue.publish&limit=100`)
    ).json()) as { entries: { entry: { actor: string } }[] };
    expect(new Set(catalogue.entries.map((e) => e.entry.actor))).toEqual(
      new Set(
        ['public-security', 'natural-resources', 'taxation', 'social-security'].map(
          (d) => `dept/${d}/gateway`,
        ),
      ),
    );

    // Governance runs, serves the console, and an officer signs in with the seeded password.
    const governance = `http://127.0.0.1:${BASE + 90}`;
    expect((await fetch(`${governance}/health`)).status).toBe(200);
    expect((await fetch(`${governance}/console/`)).status).toBe(200);
    const accounts = JSON.parse(
      await readFile(join(dir, 'keys', 'accounts.json'), 'utf8'),
    ) as Record<string, string>;
    const signIn = await fetch(`${governance}/access/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'officer-taxation', password: accounts['officer-taxation'] }),
    });
    expect(signIn.status).toBe(201);
    const wrong = await fetch(`${governance}/access/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'officer-taxation', password: 'not the password at all' }),
    });
    expect(wrong.status).toBe(401);
    // Each gateway has its office head, with the same password as on governance.
    const office = await fetch(`http://127.0.0.1:${BASE + 103}/access/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'office-taxation', password: accounts['office-taxation'] }),
    });
    expect(office.status).toBe(201);

    up.child.kill('SIGINT');
    expect(await up.exited).toBe(0);
    expect(up.output()).toContain('govx up: stopped.');
    for (const i of [1, 2, 3])
      expect(await portOpen(`http://127.0.0.1:${BASE + 80 + i}/health`)).toBe(false);
  }, 300_000);

  it('resumes on the same directory with the same log', async () => {
    const up = govxUp();
    await until('the table of URLs', () => up.output().includes('Ctrl-C stops everything'));
    for (const i of [1, 2, 3]) {
      const res = await fetch(`http://127.0.0.1:${BASE + 80 + i}/entries/${seq}`);
      expect(await res.json()).toMatchObject({ seq, leafHash: leaf });
    }
    up.child.kill('SIGTERM');
    expect(await up.exited).toBe(0);
  }, 300_000);

  it('refuses a base port whose block is taken, naming the port, before starting anything', async () => {
    const base = BASE + 60;
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(base + 90, '127.0.0.1', () => r()));
    try {
      const up = h.up(['--base-port', String(base), '--exit']);
      expect(await up.exited).toBe(2);
      expect(up.output()).toContain(`port ${base + 90} (governance) is in use on 127.0.0.1`);
      expect(up.output()).not.toContain('PostgreSQL ready');
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  }, 60_000);

  it('refuses a DATABASE_URL that does not answer, with exit 2 and a message naming it', async () => {
    const child = spawn(
      process.execPath,
      [GOVX, 'up', '--dir', join(dir, 'x'), '--base-port', String(BASE + 50), '--exit'],
      {
        env: { ...process.env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(err).toMatch(/PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1 does not answer/);
  }, 60_000);
});
