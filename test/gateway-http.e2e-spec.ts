// Two department gateway apps (the Nest HTTP API, demo data, key files, the access database,
// the retention timer) on a real 3-node NATS cluster and 3 ledger nodes: callers authenticated
// by libs/access API keys and sessions, every route × every role, and an exchange driven over
// HTTP only.
import { chmod, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AccessService,
  AccountKind,
  checkRoleMatrix,
  newApiKey,
  roleCredentials,
  type MatrixReport,
} from '@govx/access';
import { LedgerClient } from '@govx/bus';
import {
  createPersonAccount,
  createSystemKey,
  generateDemoWorld,
  GatewayRoles,
  importSeedAccounts,
  importSeedKeys,
  importSystemKey,
} from '@govx/gateway';
import { checkProofDocument, Role } from '@govx/ledger-core';
import { main as govx } from '../apps/cli/src/main.js';
import { call, startGatewayApps, waitFor, type GatewayApps } from './support/gateway-apps.js';
import { gatewayRequest } from './support/fixtures.js';
import { signedApproval } from './support/signer.js';

const PREFIX = `govx_test_gateway_h_${process.pid}`;
const PASSWORD = 'matrix-password-0123456789';

describe('department gateway HTTP API', () => {
  let g: GatewayApps;
  const base = (i: number): string => g.apps[i]!.url;
  /** As the calling system `registration`, with its API key as a Bearer token (as govx up's demo). */
  const sys = (i: number): Record<string, string> => ({
    authorization: `Bearer ${g.apiKeys[i]!}`,
  });
  const tip = async (): Promise<number> =>
    ((await (await fetch(`${g.ledger.nodes[0]!.url}/health`)).json()) as { durable: number })
      .durable;

  beforeAll(async () => {
    g = await startGatewayApps({
      prefix: PREFIX,
      departments: [
        { id: 'natural-resources', suite: 'intl' },
        { id: 'taxation', suite: 'sm' },
      ],
    });
    await waitFor(
      'the catalogue at the requester',
      async () => g.apps[0]!.runtime.gateway.index.catalogue.size >= 5,
    );
  }, 180_000);

  afterAll(async () => {
    await g?.stop();
  }, 60_000);

  it('creates key files 0600 and serves OpenAPI at /docs, public like /health', async () => {
    expect((await stat(join(g.dir, 'taxation', 'signing.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(g.dir, 'taxation', 'access.secret'))).mode & 0o777).toBe(0o600);
    const res = await fetch(`${base(0)}/docs-json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/requests',
        '/requests/{requestId}/delivery',
        '/requests/{requestId}/receipts',
        '/catalogue',
        '/access/sessions',
      ]),
    );
    expect((await fetch(`${base(0)}/health`)).status).toBe(200);
  });

  it('walks every route × every role: each admitted as it declares, refused otherwise', async () => {
    const app = g.apps[0]!.app;
    const credentials = await roleCredentials(app.get(AccessService), {
      prefix: 'm-',
      department: 'natural-resources',
      password: PASSWORD,
    });
    const report: MatrixReport = await checkRoleMatrix(app, { baseUrl: base(0), credentials });
    expect(report.failures).toEqual([]);
    expect(report.undeclared).toEqual([]);
    const routes = report.routes.map((r) => `${r.method} ${r.path}`);
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /health',
        'GET /catalogue',
        'POST /catalogue',
        'POST /requests',
        'GET /requests/:requestId/delivery',
        'POST /requests/:requestId/consent',
        'POST /requests/:requestId/onward',
        'GET /onward',
        'GET /onward/:requestId/delivery',
      ]),
    );
    // The matrix is not vacuous: each gateway route admits someone and refuses someone.
    const cell = (route: string, subject: string): string | undefined =>
      report.cells.find((c) => c.route === route && c.subject === subject)?.expected;
    expect(cell('GET /requests/:requestId/delivery', Role.DepartmentSystem)).toBe('allowed');
    expect(cell('GET /requests/:requestId/delivery', Role.Auditor)).toBe('denied');
    expect(cell('GET /requests/:requestId/delivery', Role.OfficeHead)).toBe('denied');
    expect(cell('POST /requests/:requestId/consent', Role.OfficeHead)).toBe('allowed');
    expect(cell('POST /requests/:requestId/consent', Role.DepartmentSystem)).toBe('denied');
    expect(cell('POST /catalogue', Role.DepartmentSystem)).toBe('denied');
    expect(cell('GET /onward/:requestId/delivery', Role.Auditor)).toBe('denied');
    expect(cell('GET /catalogue', 'anonymous')).toBe('denied');
    expect(cell('GET /health', 'anonymous')).toBe('allowed');
    for (const r of report.routes.filter((x) => !x.path.startsWith('/access'))) {
      if (r.path === '/health') continue;
      const expected = report.cells.filter((c) => c.route === `${r.method} ${r.path}`);
      expect(expected.some((c) => c.expected === 'allowed')).toBe(true);
      expect(expected.some((c) => c.expected === 'denied')).toBe(true);
      const declared: readonly Role[] = Object.values(GatewayRoles).flat();
      expect(r.access.roles.every((role) => declared.includes(role))).toBe(true);
    }
  }, 120_000);

  it('refuses a missing, forged, revoked or other-department key with a clear error, changing nothing', async () => {
    const before = await tip();
    const sent = g.apps[0]!.runtime.gateway.listRequests('sent').length;
    const body = { provider: 'taxation', datasetId: 'tx.tax-clearance', fields: ['status'] };
    const refused = async (auth: Record<string, string>): Promise<Record<string, unknown>> => {
      const r = await call(base(0), 'POST', '/requests', auth, body);
      expect(r.status).toBe(401);
      return r.body;
    };
    expect(await refused({})).toEqual({
      code: 'unauthenticated',
      message: 'authentication required',
      field: null,
    });
    // Forged: the right form, an unknown id or a wrong secret of a real key id.
    const real = g.apiKeys[0]!;
    const wrongSecret = `${real.slice(0, -4)}${real.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect(await refused({ 'x-api-key': `govx_ak_${'0'.repeat(32)}_${'A'.repeat(43)}` })).toEqual(
      expect.objectContaining({ code: 'unauthenticated', message: 'unknown API key' }),
    );
    expect(await refused({ authorization: `Bearer ${wrongSecret}` })).toEqual(
      expect.objectContaining({ code: 'unauthenticated', message: 'unknown API key' }),
    );
    expect(await refused({ authorization: 'Bearer not-a-key' })).toEqual(
      expect.objectContaining({ code: 'unauthenticated' }),
    );
    // Revoked: effective at once, the next request is refused.
    const access = g.access[0]!;
    const extra = await createSystemKey(access, 'billing', 'e2e');
    expect((await call(base(0), 'GET', '/requests', { 'x-api-key': extra.key })).status).toBe(200);
    await access.service.revokeApiKey(extra.id);
    expect(await refused({ 'x-api-key': extra.key })).toEqual(
      expect.objectContaining({ code: 'unauthenticated', message: 'revoked API key' }),
    );
    // A system of another department (a shared database by mistake) is forbidden here.
    const stranger = await access.service.createAccount({
      name: 'tax-system',
      kind: AccountKind.System,
      roles: [Role.DepartmentSystem],
      department: 'taxation',
    });
    const strangerKey = (await access.service.createApiKey(stranger.id, 'e2e')).key;
    const r = await call(base(0), 'POST', '/requests', { 'x-api-key': strangerKey }, body);
    expect(r).toEqual({
      status: 403,
      body: expect.objectContaining({
        code: 'forbidden',
        message: expect.stringMatching(/taxation/),
      }),
    });
    expect(await tip()).toBe(before);
    expect(g.apps[0]!.runtime.gateway.listRequests('sent')).toHaveLength(sent);
  });

  it('provisions with the CLI: govx gateway key create prints a key once, revoke ends it at once', async () => {
    const config = join(g.dir, 'natural-resources.json');
    const run = async (...args: string[]): Promise<{ code: number; out: string }> => {
      const chunks: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string): boolean => {
        chunks.push(String(chunk));
        return true;
      }) as typeof process.stdout.write;
      try {
        const code = await govx(['node', 'govx', 'gateway', ...args]);
        return { code, out: chunks.join('') };
      } finally {
        process.stdout.write = write;
        process.exitCode = undefined;
      }
    };
    const created = await run('key', 'create', '--config', config, '--system', 'land-desk');
    expect(created.code).toBe(0);
    const { id, key } = JSON.parse(created.out) as { id: string; key: string };
    expect(key).toMatch(new RegExp(`^govx_ak_${id}_`));
    expect((await call(base(0), 'GET', '/requests', { 'x-api-key': key })).status).toBe(200);
    const listed = JSON.parse((await run('key', 'list', '--config', config)).out) as {
      id: string;
      account: string;
      revokedAt: string | null;
    }[];
    expect(listed).toContainEqual(
      expect.objectContaining({ id, account: 'land-desk', revokedAt: null }),
    );
    expect(JSON.stringify(listed)).not.toContain(key.slice(-43));
    expect((await run('key', 'revoke', '--config', config, id)).code).toBe(0);
    expect(await call(base(0), 'GET', '/requests', { 'x-api-key': key })).toEqual({
      status: 401,
      body: expect.objectContaining({ code: 'unauthenticated', message: 'revoked API key' }),
    });
    expect((await run('key', 'revoke', '--config', config, id)).code).toBe(2);
    const bad = await run('key', 'create', '--config', config, '--system', 'Not A Name');
    expect(bad.code).toBe(2);
  });

  it('seeds keys from 0600 files once: a revoked key stays revoked across restarts', async () => {
    const access = g.access[0]!;
    const seeded = newApiKey().key;
    const file = join(g.dir, 'seed.token');
    await writeFile(file, seeded, { mode: 0o644 });
    await chmod(file, 0o644);
    await expect(importSeedKeys(access, [{ system: 'seeded', keyFile: file }])).rejects.toThrow(
      /mode 644, expected 600/,
    );
    expect((await call(base(0), 'GET', '/requests', { 'x-api-key': seeded })).status).toBe(401);
    await chmod(file, 0o600);
    expect(await importSeedKeys(access, [{ system: 'seeded', keyFile: file }])).toBe(1);
    expect((await call(base(0), 'GET', '/requests', { 'x-api-key': seeded })).status).toBe(200);
    const id = seeded.slice('govx_ak_'.length, 'govx_ak_'.length + 32);
    await access.service.revokeApiKey(id);
    // What a restart does: the same seed again. The revocation holds.
    expect(await importSeedKeys(access, [{ system: 'seeded', keyFile: file }])).toBe(0);
    expect(await importSystemKey(access, 'seeded', seeded, 'again')).toBe(false);
    expect(await call(base(0), 'GET', '/requests', { 'x-api-key': seeded })).toEqual({
      status: 401,
      body: expect.objectContaining({ code: 'unauthenticated', message: 'revoked API key' }),
    });
    await expect(importSystemKey(access, 'seeded', 'not-a-key', 'x')).rejects.toThrow(
      /not an API key/,
    );
  });

  it('seeds people from 0600 password files once: the office head signs in; an existing account is left alone', async () => {
    const access = g.access[0]!;
    const file = join(g.dir, 'office.password');
    const signIn = (password: string): ReturnType<typeof call> =>
      call(base(0), 'POST', '/access/sessions', {}, { name: 'seeded-office', password });
    await writeFile(file, 'seeded-office-password-0123456789', { mode: 0o644 });
    await chmod(file, 0o644);
    const seed = [{ name: 'seeded-office', role: 'office-head' as const, passwordFile: file }];
    await expect(importSeedAccounts(access, seed)).rejects.toThrow(/mode 644, expected 600/);
    expect((await signIn('seeded-office-password-0123456789')).status).toBe(401);
    await chmod(file, 0o600);
    expect(await importSeedAccounts(access, seed)).toBe(1);
    const session = await signIn('seeded-office-password-0123456789');
    expect(session.status).toBe(201);
    const auth = { authorization: `Bearer ${String(session.body['token'])}` };
    expect((await call(base(0), 'GET', '/requests', auth)).status).toBe(200);
    expect((await call(base(0), 'GET', '/requests/x/delivery', auth)).status).toBe(403);
    // A restart with another password in the file changes nothing: the account is the operator's.
    await writeFile(file, 'another-password-0123456789');
    expect(await importSeedAccounts(access, seed)).toBe(0);
    expect((await signIn('another-password-0123456789')).status).toBe(401);
    expect((await signIn('seeded-office-password-0123456789')).status).toBe(201);
  });

  it('admits people by session for their routes only (office head: consent, not deliveries)', async () => {
    const { password } = await createPersonAccount(g.access[0]!, 'nr-office', Role.OfficeHead);
    const session = await call(
      base(0),
      'POST',
      '/access/sessions',
      {},
      {
        name: 'nr-office',
        password,
      },
    );
    expect(session.status).toBe(201);
    const auth = { authorization: `Bearer ${String(session.body['token'])}` };
    expect((await call(base(0), 'GET', '/requests', auth)).status).toBe(200);
    const delivery = await call(base(0), 'GET', '/requests/x/delivery', auth);
    expect(delivery).toEqual({
      status: 403,
      body: expect.objectContaining({ code: 'forbidden', field: null }),
    });
  });

  it('names the field of a bad request, and records the refusal of an authenticated caller', async () => {
    const before = await tip();
    const bad = await call(base(0), 'POST', '/requests', sys(0), {
      requestId: `bad-${process.pid}`,
      provider: 'taxation',
      datasetId: 'tx.tax-clearance',
      fields: ['status', 'x'],
      subject: 's',
    });
    expect(bad).toEqual({
      status: 422,
      body: expect.objectContaining({ code: 'field-not-in-catalogue', field: 'fields/1' }),
    });
    await waitFor('the rejection entry', async () => (await tip()) === before + 1);
    const res = await fetch(`${g.ledger.nodes[0]!.url}/entries?from=${before}&limit=1`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('field-not-in-catalogue');
  });

  it('runs an exchange over HTTP: request, approval, delivery, receipts with proofs', async () => {
    const world = generateDemoWorld();
    const person = world.people[123]!;
    const tax = world.personTax[123]!;
    const created = await call(
      base(0),
      'POST',
      '/requests',
      sys(0),
      gatewayRequest(person.idNumber),
    );
    expect(created.status).toBe(201);
    const { requestId, receipt } = created.body as {
      requestId: string;
      receipt: { seq: number; leafHash: string };
    };
    await waitFor('the request at the provider', async () => {
      const { body } = await call(base(1), 'GET', '/requests?direction=received', sys(1));
      return (body['requests'] as { requestId: string }[]).some((r) => r.requestId === requestId);
    });
    await new LedgerClient(g.nc).submit(
      signedApproval(g.engine, `approve-http-${process.pid}`, receipt, ['status', 'arrearsCny']),
    );
    await waitFor(
      'the receipt',
      async () =>
        (await call(base(0), 'GET', `/requests/${requestId}`, sys(0))).body['state'] === 'received',
    );
    const delivery = await call(base(0), 'GET', `/requests/${requestId}/delivery`, sys(0));
    expect(delivery.status).toBe(200);
    expect((delivery.body['payload'] as { record: unknown }).record).toEqual({
      status: tax.status,
      arrearsCny: tax.arrearsCny,
    });
    await waitFor('proofs for every entry', async () => {
      const r = await call(base(0), 'GET', `/requests/${requestId}/receipts`, sys(0));
      return (r.body['entries'] as { proof: unknown }[]).every((e) => e.proof !== null);
    });
    const { body } = await call(base(0), 'GET', `/requests/${requestId}/receipts`, sys(0));
    const entries = body['entries'] as {
      type: string;
      proof: Parameters<typeof checkProofDocument>[0];
    }[];
    expect(entries.map((e) => e.type)).toEqual([
      'request',
      'decision.approve',
      'transfer',
      'receipt',
    ]);
    for (const e of entries) expect(checkProofDocument(e.proof).ok).toBe(true);
  });
});
