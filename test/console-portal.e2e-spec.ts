// The console end to end, in Debian's headless Chromium (playwright-core, never a downloaded
// browser), against a real governance and a real 3-node ledger on a 3-node NATS cluster: the
// public portal shows the published catalogue (a condition added after publication
// highlighted); a receipt check in the browser (WebCrypto SHA-256 and Ed25519) succeeds for a
// real entry and fails for a forged leaf hash; an officer signs in, loads her key and approves a
// pending request, which becomes a ledger entry signed by her; an auditor browses entries and
// sees a checkpoint's cosignatures verified; under four eyes the provider's officer sees the
// request wait for the requester's sign-off, the requester's officer gives only that sign-off,
// then the provider's officer gives the final approval, which is the approval on the ledger.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { AccessService, AccountKind } from '@govx/access';
import {
  connectBus,
  LedgerClient,
  NatsCluster,
  type FollowedEntry,
  type NatsConnection,
} from '@govx/bus';
import type { CataloguePublishBody } from '@govx/contracts';
import { getSuite, type SigningPrivateKey } from '@govx/crypto';
import { createSubmission, Role, type Submission } from '@govx/ledger-core';
import pg from 'pg';
import { bootstrap } from '../apps/governance/src/main.js';
import { LocalLedgerCluster } from '../apps/cli/src/up/ledger-cluster.js';
import { POSTGRES, waitFor } from './support/ledger-harness.js';

const ACTORS = {
  taxGateway: 'dept/taxation/gateway',
  landGateway: 'dept/natural-resources/gateway',
  landOffice: 'dept/natural-resources/office',
  alice: 'dept/taxation/officer/alice',
  bob: 'dept/natural-resources/officer/bob',
  engine: 'gov/policy-engine',
} as const;
type Who = keyof typeof ACTORS;

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const PASSWORD = 'correct horse battery staple';
const DATABASE = `govx_test_console_${process.pid}`;
const LEDGER_DB = `govx_test_console_ledger_${process.pid}`;

const catalogue: CataloguePublishBody = {
  datasetId: 'tax-clearance',
  version: 1,
  name: 'Tax clearance record',
  provider: 'taxation',
  fields: [
    {
      name: 'taxpayerId',
      type: 'string',
      classification: 'personal',
      grade: 'important',
      masking: 'partial',
    },
    {
      name: 'cleared',
      type: 'boolean',
      classification: 'personal',
      grade: 'general',
      masking: 'none',
    },
  ],
  format: 'json',
  updateFrequency: 'daily',
  sharing: {
    category: 'conditional',
    conditions: ['only for the registration named'],
    scope: 'the person named',
    purposes: ['land registration'],
  },
  methods: ['api'],
  secrecy: 'none',
};

describe('console (e2e, Chromium)', () => {
  let dir: string;
  let nats: NatsCluster;
  let ledger: LocalLedgerCluster;
  let client: NatsConnection;
  let ledgerClient: LedgerClient;
  let governance: Awaited<ReturnType<typeof bootstrap>>;
  let browser: BrowserContext;
  let page: Page;
  const keys = Object.fromEntries(
    Object.keys(ACTORS).map((k) => [k, getSuite('intl').generateSigningKey()]),
  ) as Record<Who, SigningPrivateKey>;
  const entries = new Map<number, FollowedEntry>();
  let counter = 0;
  let published: { seq: number; leafHash: string };

  const sign = (who: Who, type: string, body: Record<string, unknown>): Submission =>
    createSubmission(
      {
        type,
        actor: ACTORS[who],
        idem: `console-e2e-${process.pid}-${counter++}`,
        body: body as never,
      },
      keys[who],
    );
  const getJson = async (
    url: string,
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(url);
    return { status: res.status, json: JSON.parse(await res.text()) as Record<string, unknown> };
  };
  const consoleUrl = (hash: string): string =>
    `${governance.url}/console/?ledger=${encodeURIComponent(ledger.nodes[0]!.url)}#${hash}`;
  const checkpointCovers = async (seq: number): Promise<boolean> => {
    const cp = await getJson(`${ledger.nodes[0]!.url}/checkpoints/latest`);
    return cp.status === 200 && (cp.json['size'] as number) > seq;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'govx-console-'));
    nats = await NatsCluster.start({ size: 3, dir: join(dir, 'nats') });
    ledger = await LocalLedgerCluster.start({
      dir: join(dir, 'ledger'),
      natsServers: nats.urls,
      postgresUrl: POSTGRES,
      databasePrefix: LEDGER_DB,
      keys: (Object.keys(ACTORS) as Who[]).map((w) => ({
        actor: ACTORS[w],
        publicKeyPem: keys[w].publicKey.toPem(),
      })),
      checkpoint: { everyEntries: 50, everyMs: 300 },
    });
    await ledger.waitForSequencer();
    client = await connectBus({ servers: nats.urls, name: 'console-e2e' });
    ledgerClient = new LedgerClient(client);
    ledgerClient.follow(0, async (e) => void entries.set(e.seq, e));
    governance = await bootstrap({
      natsServers: nats.urls,
      databaseUrl: `${POSTGRES}/${DATABASE}`,
      http: { host: '127.0.0.1', port: 0 },
      engineKey: keys.engine,
      calendar: {},
      approvalValidityDays: 20,
      tokenSecret: new Uint8Array(randomBytes(32)),
    });
    const access = governance.app.get(AccessService);
    await access.createAccount({
      name: 'alice',
      kind: AccountKind.Person,
      roles: [Role.Officer],
      department: 'taxation',
      actor: ACTORS.alice,
      password: PASSWORD,
    });
    await access.createAccount({
      name: 'audrey',
      kind: AccountKind.Person,
      roles: [Role.Auditor],
      password: PASSWORD,
    });
    browser = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  });

  afterAll(async () => {
    await browser?.close();
    await governance?.close();
    await client?.drain();
    await ledger?.stop();
    await nats?.stop();
    const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    for (let i = 1; i <= 3; i++)
      await admin.query(`DROP DATABASE IF EXISTS ${LEDGER_DB}_${i} WITH (FORCE)`);
    await admin.end();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the published catalogue, a condition added after publication highlighted', async () => {
    published = await ledgerClient.submit(
      sign('taxGateway', 'catalogue.publish', catalogue as never),
    );
    await ledgerClient.submit(
      sign('taxGateway', 'catalogue.publish', {
        ...catalogue,
        version: 2,
        sharing: {
          ...catalogue.sharing,
          conditions: [...(catalogue.sharing.conditions ?? []), 'a notarised request letter'],
        },
      } as never),
    );
    await waitFor('the catalogue', async () => {
      const c = await getJson(`${governance.url}/governance/catalogue/tax-clearance`);
      return c.status === 200 && (c.json['versions'] as unknown[]).length === 2;
    });
    await page.goto(consoleUrl('portal'));
    const dataset = page.locator('[data-dataset="tax-clearance"]');
    await dataset.waitFor();
    expect(await dataset.textContent()).toContain('Tax clearance record');
    expect(await dataset.textContent()).toContain('provider: taxation');
    expect(await dataset.locator('.version').count()).toBe(2);
    expect(await dataset.locator('.version.added .conditions-added').textContent()).toContain(
      'a notarised request letter',
    );
    // The public routes are open to anybody and carry no request data.
    const stats = await getJson(`${governance.url}/governance/public/stats`);
    expect(stats.status).toBe(200);
  });

  it('serves only the console files, with a content security policy; who-am-I needs a session', async () => {
    const main = await fetch(`${governance.url}/console/js/main.js`);
    expect(main.status).toBe(200);
    expect(main.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(main.headers.get('content-security-policy')).toContain("script-src 'self'");
    for (const path of [
      '/console/..%2F..%2Fpackage.json',
      '/console/js/..%2Fweb%2Fmain.ts',
      '/console/js/index.html',
      '/console/tsconfig.json',
      '/console/js/main.d.ts',
      '/console/.tsbuildinfo',
    ])
      expect([path, (await fetch(`${governance.url}${path}`)).status]).toEqual([path, 404]);
    expect((await fetch(`${governance.url}/console/api/me`)).status).toBe(401);
  });

  it('checks a receipt in the browser: a real entry verifies, a forged leaf hash does not', async () => {
    await waitFor('a cosigned checkpoint', () => checkpointCovers(published.seq));
    await page.goto(consoleUrl('portal'));
    await page.locator('#receipt').waitFor();
    await page.fill(
      '#receipt',
      JSON.stringify({ seq: published.seq, leafHash: published.leafHash }),
    );
    await page.click('#receipt-check');
    const verdict = page.locator('#receipt-verdict');
    await verdict.waitFor();
    expect(await verdict.textContent()).toBe('Receipt verified');
    const steps = await page.locator('#receipt-result li').allTextContents();
    expect(steps.join('\n')).toMatch(/entry \d+ is in the log/);
    expect(steps.join('\n')).toMatch(/3 of 3 ledger node signatures verify/);

    const flipped = published.leafHash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    await page.fill('#receipt', JSON.stringify({ seq: published.seq, leafHash: flipped }));
    await page.click('#receipt-check');
    await page.locator('#receipt-verdict', { hasText: 'Receipt NOT verified' }).waitFor();
    expect((await page.locator('#receipt-result li').allTextContents()).join('\n')).toContain(
      'do NOT lead to the checkpoint root',
    );
  });

  it('lets an officer sign in and approve a pending request, which becomes her ledger entry', async () => {
    const r = await ledgerClient.submit(
      sign('landGateway', 'request', {
        requestId: 'land-1',
        provider: 'taxation',
        datasetId: 'tax-clearance',
        datasetVersion: 2,
        fields: ['taxpayerId', 'cleared'],
        purpose: 'land registration',
        legalBasis: 'Civil Code art. 214',
        scenario: 'registration of a transfer of a parcel',
        scope: 'the seller named',
        method: 'api',
        timeLimit: '2027-06-30',
        duty: 'real-estate registration',
        subjectCommitment: 'ab'.repeat(32),
        subjectSealed: 'cafe',
      }),
    );
    await ledgerClient.submit(
      sign('landOffice', 'request.endorse', { request: { seq: r.seq, leaf: r.leafHash } }),
    );
    await page.goto(consoleUrl('officer'));
    await page.fill('#signin-name', 'alice');
    await page.fill('#signin-password', PASSWORD);
    await page.click('#signin-submit');
    await page.locator('#officer-key').waitFor();
    expect(await page.inputValue('#officer-actor')).toBe(ACTORS.alice);
    await page.fill('#officer-key', keys.alice.toPem());
    await page.click('#officer-key-load');
    await page.locator('#officer-key-status', { hasText: 'loaded (' }).waitFor();
    // The conditional dataset without a policy: the category default puts it before one officer.
    const card = page.locator('[data-request="land-1"]');
    await waitFor('the pending request in the queue', async () => {
      await page.click('#queue-refresh');
      return (await card.count()) === 1;
    });
    expect(await card.textContent()).toContain('officers: one');
    expect(await card.textContent()).toMatch(/answer deadline \d{4}-/);
    await card.locator('button.approve').click();
    await page.locator('#officer-status', { hasText: 'recorded as ledger entry' }).waitFor();
    expect(await page.locator('#officer-status').textContent()).toContain('is now approved');
    const seq = Number(await page.locator('#officer-last').textContent());
    await waitFor('the follower', async () => entries.has(seq));
    expect(entries.get(seq)!.entry).toMatchObject({
      type: 'decision.approve',
      actor: ACTORS.alice,
      keyId: keys.alice.publicKey.keyId,
      body: {
        request: { seq: r.seq, leaf: r.leafHash },
        fields: ['taxpayerId', 'cleared'],
        final: true,
      },
    });
    expect(await card.count()).toBe(0);
    // The public counts: one exchange for the pair, one approval under the category default.
    await page.goto(consoleUrl('portal'));
    await page.locator('#exchanges').waitFor();
    expect(await page.locator('#exchanges tbody tr').allTextContents()).toEqual([
      ['natural-resources', 'taxation', 'tax-clearance', '1', '1', '0', '0'].join(''),
    ]);
    expect(await page.locator('#decisions tbody tr').allTextContents()).toEqual([
      ['category-default', '1', 'officers', '1', '1', '0', '0'].join(''),
    ]);
  });

  it('lets an auditor browse entries by type and see a checkpoint with its cosignatures verified', async () => {
    await page.goto(consoleUrl('auditor'));
    await page.click('#signout').catch(() => undefined);
    await page.locator('#signin-name').waitFor();
    await page.fill('#signin-name', 'audrey');
    await page.fill('#signin-password', PASSWORD);
    await page.click('#signin-submit');
    await page.locator('#auditor-type').waitFor();
    await page.fill('#auditor-type', 'decision.approve');
    await page.click('#auditor-search');
    await page.locator('#entries tbody tr').first().waitFor();
    const rows = await page.locator('#entries tbody tr').allTextContents();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(ACTORS.alice);
    await page.click('#auditor-checkpoint');
    await page.locator('#cosignatures').waitFor();
    const cosigs = await page.locator('#cosignatures tbody tr').allTextContents();
    expect(cosigs).toHaveLength(3);
    for (const c of cosigs) expect(c).toContain('verified');
  });

  it("four eyes in the console: the requester's officer signs off first, the provider's officer gives the final approval", async () => {
    await governance.app.get(AccessService).createAccount({
      name: 'bob',
      kind: AccountKind.Person,
      roles: [Role.Officer],
      department: 'natural-resources',
      actor: ACTORS.bob,
      password: PASSWORD,
    });
    // A field of the highest grade: the category default asks for four eyes.
    await ledgerClient.submit(
      sign('taxGateway', 'catalogue.publish', {
        ...catalogue,
        datasetId: 'tax-arrears',
        name: 'Tax arrears',
        fields: [
          {
            name: 'arrears',
            type: 'number',
            classification: 'personal',
            grade: 'core',
            masking: 'none',
          },
        ],
      } as never),
    );
    const r = await ledgerClient.submit(
      sign('landGateway', 'request', {
        requestId: 'land-2',
        provider: 'taxation',
        datasetId: 'tax-arrears',
        datasetVersion: 1,
        fields: ['arrears'],
        purpose: 'land registration',
        legalBasis: 'Civil Code art. 214',
        scenario: 'registration of a transfer of a parcel',
        scope: 'the seller named',
        method: 'api',
        timeLimit: '2027-06-30',
        duty: 'real-estate registration',
        subjectCommitment: 'cd'.repeat(32),
        subjectSealed: 'cafe',
      }),
    );
    await ledgerClient.submit(
      sign('landOffice', 'request.endorse', { request: { seq: r.seq, leaf: r.leafHash } }),
    );
    const card = page.locator('[data-request="land-2"]');
    const signInAs = async (name: string, who: Who): Promise<void> => {
      await page.goto(consoleUrl('officer'));
      await page.locator('#signout, #signin-name').first().waitFor();
      if ((await page.locator('#signout').count()) > 0) await page.click('#signout');
      await page.locator('#signin-name').waitFor();
      await page.fill('#signin-name', name);
      await page.fill('#signin-password', PASSWORD);
      await page.click('#signin-submit');
      await page.locator('#officer-key').waitFor();
      expect(await page.inputValue('#officer-actor')).toBe(ACTORS[who]);
      await page.fill('#officer-key', keys[who].toPem());
      await page.click('#officer-key-load');
      await page.locator('#officer-key-status', { hasText: 'loaded (' }).waitFor();
      await waitFor('land-2 in the queue', async () => {
        await page.click('#queue-refresh');
        return (await card.count()) === 1;
      });
    };
    const order = (): Promise<string[]> => card.locator('ol.four-eyes li').allTextContents();
    const approvalsOfLand2 = (): FollowedEntry[] =>
      [...entries.values()].filter(
        (e) =>
          e.entry.type === 'decision.approve' &&
          (e.entry.body as { request: { seq: number } }).request.seq === r.seq,
      );

    // The provider's officer first: the state is shown, the approval is not offered.
    await signInAs('alice', 'alice');
    expect(await card.textContent()).toContain('officers: four-eyes');
    expect(await order()).toEqual([
      'sign-off by an officer of natural-resources (requesting department): waiting',
      'final approval by an officer of taxation (providing department): waiting',
    ]);
    expect(await card.locator('button.approve').isDisabled()).toBe(true);
    expect(await card.locator('.approval-state').textContent()).toBe(
      "waiting for the requesting department's sign-off (natural-resources)",
    );

    // The requester's officer: only the first sign-off, not final; deny is the provider's.
    await signInAs('bob', 'bob');
    expect(await card.locator('button.approve').textContent()).toBe('Sign off (first of two)');
    expect(await card.locator('button.deny').isDisabled()).toBe(true);
    await card.locator('button.approve').click();
    await page.locator('#officer-status', { hasText: 'recorded as ledger entry' }).waitFor();
    expect(await page.locator('#officer-status').textContent()).toContain('is now pending');
    const signoff = Number(await page.locator('#officer-last').textContent());
    await waitFor('the follower', async () => entries.has(signoff));
    expect(entries.get(signoff)!.entry).toMatchObject({
      type: 'decision.approve',
      actor: ACTORS.bob,
      keyId: keys.bob.publicKey.keyId,
      body: { request: { seq: r.seq, leaf: r.leafHash }, fields: ['arrears'], final: false },
    });
    await card.locator('.approval-state', { hasText: 'you signed off' }).waitFor();
    expect(await card.locator('button.approve').isDisabled()).toBe(true);
    expect((await order())[0]).toBe(
      `sign-off by an officer of natural-resources (requesting department): done by ${ACTORS.bob}, entry ${signoff}`,
    );

    // The provider's officer after it: the final approval, which is the ledger's approval.
    await signInAs('alice', 'alice');
    expect((await order())[0]).toContain(`done by ${ACTORS.bob}`);
    expect(await card.locator('button.approve').textContent()).toBe('Final approval');
    await card.locator('button.approve').click();
    await page.locator('#officer-status', { hasText: 'recorded as ledger entry' }).waitFor();
    expect(await page.locator('#officer-status').textContent()).toContain('is now approved');
    const final = Number(await page.locator('#officer-last').textContent());
    await waitFor('the follower', async () => entries.has(final));
    expect(entries.get(final)!.entry).toMatchObject({
      type: 'decision.approve',
      actor: ACTORS.alice,
      keyId: keys.alice.publicKey.keyId,
      body: { request: { seq: r.seq, leaf: r.leafHash }, fields: ['arrears'], final: true },
    });
    expect(
      approvalsOfLand2().map((e) => [
        e.seq,
        e.entry.actor,
        (e.entry.body as { final: boolean }).final,
      ]),
    ).toEqual([
      [signoff, ACTORS.bob, false],
      [final, ACTORS.alice, true],
    ]);
    const token = await page.evaluate<string>("sessionStorage.getItem('govx.console.token')");
    const request = (await (
      await fetch(`${governance.url}/governance/requests/land-2`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { state: string; approval: { seq: number } };
    expect([request.state, request.approval.seq]).toEqual(['approved', final]);
    expect(await card.count()).toBe(0);
    // No refused attempt on the way: governance recorded no rejection.
    expect([...entries.values()].filter((e) => e.entry.type === 'rejection')).toEqual([]);
  });
});
