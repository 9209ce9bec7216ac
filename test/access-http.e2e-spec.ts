// The HTTP side of access control on a real Nest app and PostgreSQL: the role × route matrix
// of an example module and of /access itself, sign-in rate limiting, expired and forged
// tokens, immediate revocation, API keys, separation of duties at account creation.
import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, Module, Post, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  ACCESS_ENTITIES,
  ACCESS_MIGRATIONS,
  AccessModule,
  AccessService,
  Authenticated,
  checkRoleMatrix,
  CurrentPrincipal,
  Public,
  roleCredentials,
  Roles,
  challengeMessage,
  type ChallengeResponse,
  type Principal,
} from '@govx/access';
import { getSuite, toHex } from '@govx/crypto';
import { KeyRegistry, Role } from '@govx/ledger-core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dropDatabases, freshDatabase, POSTGRES } from './support/databases.js';

@Controller('example')
class ExampleController {
  @Get('status')
  @Public()
  status(): { ok: true } {
    return { ok: true };
  }

  @Get('me')
  @Authenticated()
  me(@CurrentPrincipal() p: Principal): { name: string; roles: readonly Role[] } {
    return { name: p.name, roles: p.roles };
  }

  @Get('queue')
  @Roles(Role.Officer, Role.OfficeHead)
  queue(): string[] {
    return [];
  }

  @Post('decisions')
  @Roles(Role.Officer, Role.PolicyEngine)
  decide(): { decided: true } {
    return { decided: true };
  }

  @Get('audit')
  @Roles(Role.Auditor)
  audit(): { entries: 0 } {
    return { entries: 0 };
  }

  @Post('submissions')
  @Roles(Role.DepartmentSystem)
  submit(): { accepted: true } {
    return { accepted: true };
  }

  /** An action that will go on the ledger: the officer proves possession of its key. */
  @Post('approve')
  @Roles(Role.Officer)
  approve(@CurrentPrincipal() p: Principal, @Body() body: ChallengeResponse): { approved: true } {
    access.verifyChallenge(p, 'decision.approve:req-1', body, { registry, seq: ledgerSeq });
    return { approved: true };
  }

  /** Forgot to declare its roles: the guard keeps it closed, the matrix reports it. */
  @Get('undeclared')
  undeclared(): string {
    return 'open?';
  }
}

@Module({ controllers: [ExampleController] })
class ExampleModule {}

const OFFICER = 'dept/taxation/officer/li';
const officerKey = getSuite('sm').generateSigningKey();
const adminKey = getSuite('intl').generateSigningKey();
/** The ledger's key registry as governance would follow it, and the ledger's size. */
const registry = new KeyRegistry([
  { actor: 'gov/admin/root', publicKeyPem: adminKey.publicKey.toPem(), roles: [Role.Admin] },
  {
    actor: OFFICER,
    publicKeyPem: officerKey.publicKey.toPem(),
    roles: [Role.Officer],
    department: 'taxation',
  },
]);
let ledgerSeq = 0;

const database = `govx_access_http_${process.pid}`;
const PASSWORD = 'correct horse battery staple';
let now = Date.UTC(2026, 11, 1, 9, 0, 0);
const TTL = 3_600_000;
let dataSource: DataSource;
let app: INestApplication;
let access: AccessService;
let base: string;
let adminHeaders: Record<string, string>;

async function call(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: res.headers,
  };
}

async function signIn(name: string, password = PASSWORD): Promise<Record<string, string>> {
  const r = await call('POST', '/access/sessions', {}, { name, password });
  expect(r.status).toBe(201);
  return { authorization: `Bearer ${String(r.body['token'])}` };
}

beforeAll(async () => {
  await freshDatabase(database);
  dataSource = await new DataSource({
    type: 'postgres',
    url: `${POSTGRES}/${database}`,
    entities: ACCESS_ENTITIES,
    migrations: ACCESS_MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
  }).initialize();
  const moduleRef = await Test.createTestingModule({
    imports: [
      AccessModule.forRoot({
        dataSource,
        tokenSecret: randomBytes(32),
        sessionTtlMs: TTL,
        maxFailedSignIns: 5,
        lockoutMs: 60_000,
        scryptCost: { N: 2 ** 12, r: 8, p: 1 },
        clock: () => now,
      }),
      ExampleModule,
    ],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  access = app.get(AccessService);
  await access.createAccount({
    name: 'root',
    kind: 'person',
    roles: [Role.Admin],
    password: PASSWORD,
  });
  adminHeaders = await signIn('root');
}, 60_000);

afterAll(async () => {
  await app?.close();
  await dataSource?.destroy();
  await dropDatabases([database]);
});

describe('AccessModule (Nest + PostgreSQL)', () => {
  it('admits exactly the declared roles on every route, and keeps undeclared routes closed', async () => {
    const credentials = await roleCredentials(access, {
      prefix: 'matrix-',
      department: 'taxation',
      password: PASSWORD,
    });
    const report = await checkRoleMatrix(app, { baseUrl: base, credentials });
    expect(report.failures).toEqual([]);
    expect(report.undeclared).toEqual(['GET /example/undeclared']);
    expect(report.routes.length).toBeGreaterThanOrEqual(14);
    expect(report.cells).toHaveLength(report.routes.length * 9);
    const cell = (route: string, subject: string) =>
      report.cells.find((c) => c.route === route && c.subject === subject)!;
    expect(cell('GET /example/queue', Role.Officer)).toMatchObject({
      expected: 'allowed',
      status: 200,
    });
    expect(cell('GET /example/queue', Role.Admin)).toMatchObject({
      expected: 'denied',
      status: 403,
    });
    expect(cell('GET /example/queue', 'anonymous')).toMatchObject({
      expected: 'denied',
      status: 401,
    });
    expect(cell('POST /example/submissions', Role.DepartmentSystem)).toMatchObject({ status: 201 });
    expect(cell('GET /example/undeclared', Role.Admin)).toMatchObject({
      expected: 'denied',
      status: 403,
    });
  });

  it('enforces separation of duties when accounts are created', async () => {
    const create = (body: unknown) => call('POST', '/access/accounts', adminHeaders, body);
    const person = { kind: 'person', password: PASSWORD };
    expect(await create({ ...person, name: 'x1', roles: ['admin', 'auditor'] })).toMatchObject({
      status: 400,
      body: { code: 'separation-of-duties', field: 'roles' },
    });
    expect(
      await create({ ...person, name: 'x2', roles: ['admin', 'officer'], department: 'taxation' }),
    ).toMatchObject({ status: 400, body: { code: 'separation-of-duties' } });
    expect(await create({ ...person, name: 'x3', roles: ['operator', 'auditor'] })).toMatchObject({
      status: 400,
    });
    expect(await create({ ...person, name: 'x4', roles: ['officer'] })).toMatchObject({
      status: 400,
      body: { code: 'bad-account', field: 'department' },
    });
    expect(await create({ ...person, name: 'x5', roles: ['department-system'] })).toMatchObject({
      status: 400,
      body: { field: 'roles[0]' },
    });
    expect(
      await create({ ...person, name: 'x6', roles: ['auditor'], password: 'short' }),
    ).toMatchObject({
      status: 400,
      body: { field: 'password' },
    });
    const created = await create({ ...person, name: 'audrey', roles: ['auditor'] });
    expect(created).toMatchObject({ status: 201, body: { name: 'audrey', roles: ['auditor'] } });
    expect(created.body['passwordHash']).toBeUndefined();
    expect(await create({ ...person, name: 'audrey', roles: ['auditor'] })).toMatchObject({
      status: 409,
    });
    const db = await dataSource.query('SELECT password_hash FROM access_accounts WHERE name = $1', [
      'audrey',
    ]);
    expect(db[0].password_hash).toMatch(/^scrypt\$4096\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(db[0].password_hash).not.toContain(PASSWORD);
  });

  it('rate-limits failed sign-ins, with Retry-After, then lets the right password in', async () => {
    await access.createAccount({
      name: 'dana',
      kind: 'person',
      roles: [Role.Officer],
      department: 'taxation',
      password: PASSWORD,
    });
    for (let i = 0; i < 5; i++)
      expect(
        await call('POST', '/access/sessions', {}, { name: 'dana', password: 'wrong guess ' + i }),
      ).toMatchObject({
        status: 401,
        body: { code: 'invalid-credentials' },
      });
    const locked = await call('POST', '/access/sessions', {}, { name: 'dana', password: PASSWORD });
    expect(locked).toMatchObject({ status: 429, body: { code: 'too-many-sign-ins' } });
    expect(locked.headers.get('retry-after')).toBe('60');
    for (let i = 0; i < 5; i++)
      await call('POST', '/access/sessions', {}, { name: 'nobody', password: 'x' });
    expect(
      (await call('POST', '/access/sessions', {}, { name: 'nobody', password: 'x' })).status,
    ).toBe(429);
    now += 60_000;
    await signIn('dana');
  });

  it('refuses expired and forged tokens', async () => {
    const dana = await signIn('dana');
    expect(await call('GET', '/example/me', dana)).toMatchObject({
      status: 200,
      body: { name: 'dana' },
    });
    const [payload, mac] = dana['authorization']!.slice('Bearer '.length).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const longer = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + TTL })).toString(
      'base64url',
    );
    for (const token of [
      `${longer}.${mac}`,
      `${payload}.${mac!.slice(0, -2)}AA`,
      'garbage',
      `${payload}`,
    ]) {
      expect(await call('GET', '/example/me', { authorization: `Bearer ${token}` })).toMatchObject({
        status: 401,
        body: { code: 'unauthenticated' },
      });
    }
    expect((await call('GET', '/example/status', { authorization: 'Bearer garbage' })).status).toBe(
      401,
    );
    now += TTL;
    expect(await call('GET', '/example/me', dana)).toMatchObject({
      status: 401,
      body: { message: 'expired token' },
    });
    adminHeaders = await signIn('root');
  });

  it('revokes sessions, API keys and accounts at once', async () => {
    const dana = await signIn('dana');
    const other = await signIn('dana');
    expect((await call('DELETE', '/access/sessions/current', other)).status).toBe(204);
    expect((await call('GET', '/example/queue', other)).status).toBe(401);
    expect((await call('GET', '/example/queue', dana)).status).toBe(200);
    const rows = await dataSource.query("SELECT id FROM access_accounts WHERE name = 'dana'");
    const id = String(rows[0].id);
    expect(await call('DELETE', `/access/accounts/${id}/sessions`, adminHeaders)).toMatchObject({
      status: 200,
    });
    expect((await call('GET', '/example/queue', dana)).status).toBe(401);

    const system = await call('POST', '/access/accounts', adminHeaders, {
      name: 'land-gateway',
      kind: 'system',
      roles: ['department-system'],
      department: 'land',
    });
    const key = await call(
      'POST',
      `/access/accounts/${String(system.body['id'])}/api-keys`,
      adminHeaders,
      { label: 'gw' },
    );
    expect(key.status).toBe(201);
    const apiKey = { 'x-api-key': String(key.body['key']) };
    expect((await call('POST', '/example/submissions', apiKey)).status).toBe(201);
    const stored = await dataSource.query('SELECT secret_hash FROM access_api_keys WHERE id = $1', [
      key.body['id'],
    ]);
    expect(stored[0].secret_hash).toHaveLength(32);
    expect(JSON.stringify(stored)).not.toContain(String(key.body['key']).split('_').at(-1));
    expect(
      (await call('DELETE', `/access/api-keys/${String(key.body['id'])}`, adminHeaders)).status,
    ).toBe(204);
    expect(await call('POST', '/example/submissions', apiKey)).toMatchObject({
      status: 401,
      body: { code: 'unauthenticated' },
    });

    const fresh = await signIn('dana');
    expect((await call('POST', `/access/accounts/${id}/disable`, adminHeaders)).status).toBe(204);
    expect((await call('GET', '/example/queue', fresh)).status).toBe(401);
    expect(
      (await call('POST', '/access/sessions', {}, { name: 'dana', password: PASSWORD })).status,
    ).toBe(401);
  });

  it('checks a signed challenge from the key of the account’s ledger actor', async () => {
    await access.createAccount({
      name: 'li',
      kind: 'person',
      roles: [Role.Officer],
      department: 'taxation',
      actor: OFFICER,
      password: PASSWORD,
    });
    const li = await signIn('li');
    const challenge = async (action = 'decision.approve:req-1'): Promise<string> => {
      const r = await call('POST', '/access/challenges', li, { action });
      expect(r.status).toBe(201);
      return String(r.body['challenge']);
    };
    const answer = (c: string, key = officerKey) => ({
      challenge: c,
      keyId: key.publicKey.keyId,
      signature: toHex(key.sign(challengeMessage(c))),
    });
    const good = answer(await challenge());
    expect(await call('POST', '/example/approve', li, good)).toMatchObject({ status: 201 });
    expect(await call('POST', '/example/approve', li, good)).toMatchObject({
      status: 403,
      body: { code: 'challenge-failed', message: 'challenge already answered' },
    });
    const other = answer(await challenge('decision.deny:req-1'));
    expect((await call('POST', '/example/approve', li, other)).body).toMatchObject({
      field: 'challenge',
    });
    const c = await challenge();
    expect((await call('POST', '/example/approve', li, answer(c, adminKey))).body).toMatchObject({
      code: 'challenge-failed',
      field: 'keyId',
    });
    expect(
      (
        await call('POST', '/example/approve', li, {
          ...answer(c),
          signature: answer(await challenge()).signature,
        })
      ).body,
    ).toMatchObject({ field: 'signature' });
    // The officer's key is revoked on the ledger at seq 7: it no longer answers challenges.
    registry.apply({
      seq: 7,
      type: 'key.revoke',
      actor: 'gov/admin/root',
      keyId: adminKey.publicKey.keyId,
      body: { keyId: officerKey.publicKey.keyId, reason: 'left the office' },
    });
    ledgerSeq = 8;
    expect(
      (await call('POST', '/example/approve', li, answer(await challenge()))).body,
    ).toMatchObject({
      field: 'keyId',
      message: expect.stringContaining('revoked'),
    });
    now += 5 * 60_000;
    expect((await call('POST', '/example/approve', li, answer(c))).body).toMatchObject({
      message: 'expired challenge',
    });
  });
});
