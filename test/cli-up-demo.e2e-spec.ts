// `govx up --demo` end to end: the real CLI process starts the platform (embedded PostgreSQL),
// plays the land-sale story and audits the log. `--demo --exit` exits 0 with every step named
// and its seqs; a second run on the same directory (fresh request ids) stays up, and the
// entries the narration names are on a ledger node with their types and signers: the tax
// clearance's transfer names the policy's masking profile, the identity record's first
// sign-off (the registry's officer) is not final and its transfer answers the second (public
// security's officer). Once the registry is suspended (§27), the story fails and
// `--demo --exit` exits 1 naming what failed.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { importSigningPrivateKey } from '@govx/crypto';
import { createSubmission } from '@govx/ledger-core';
import { govxUpHarness, until, type GovxUpHarness, type RunningUp } from './support/govx-up.js';

let h: GovxUpHarness;
let dir: string;
let BASE: number;
const govxUp = (extra: string[] = []): RunningUp => h.up(extra);

const STEPS = [
  'policies published by the providers',
  'identity check (核验) at public-security',
  'tax clearance at taxation',
  'contribution record at social-security',
  'identity record at public-security (highest-grade field: four eyes)',
  'a refusal: the seller’s income (not shared)',
  'receipts with inclusion proofs',
];

/** The `what seq N` pairs of the narration's ledger lines, per step, in order. */
function seqsOf(out: string): { what: string; seq: number }[][] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('    ledger: '))
    .map((l) =>
      [...l.slice('    ledger: '.length).matchAll(/([^,]+?) seq (\d+)/g)].map((m) => ({
        what: m[1]!.trim(),
        seq: Number(m[2]),
      })),
    );
}

function checkNarration(out: string): { what: string; seq: number }[][] {
  STEPS.forEach((name, i) => expect(out).toContain(`[${i + 1}] ${name}`));
  expect(out).not.toContain('FAILED');
  expect(out).toMatch(/→ match/);
  // Decided by the policies the story published: two by the engine, one put before an officer.
  expect(out).toMatch(
    /→ match .*auto-approved by gov\/policy-engine under demo-identity-check@\d+/,
  );
  // The tax clearance arrives masked under the profile its policy names, as the transfer says.
  expect(out).toMatch(
    /auto-approved by gov\/policy-engine under demo-tax-clearance@(\d+) with its masking profile demo-tax-clearance@\1:registry; delivered and decrypted: \{[^}]*arrearsCny=\*\*\*[^}]*\} \(masking demo-tax-clearance@\1:registry, named by transfer seq \d+; masked: arrearsCny\)/,
  );
  expect(out).toMatch(
    /demo-contribution-record@\d+ put it before officers: one; officer-social-security signed in/,
  );
  // Four eyes: the first sign-off releases nothing; the transfer comes after the second.
  expect(out).toMatch(
    /demo-identity-record@\d+ put it before officers: four-eyes; officer-natural-resources signed in and gave the first sign-off with her key \(final: false\): still pending \(1 of 2 sign-offs\), nothing transferred, the registry's delivery answers 404 not-found; officer-public-security signed in and gave the final approval with her key; delivered and decrypted: \{[^}]*idNumber=\d{6}\*{8}\d{3}[\dX][^}]*\} \(masking ps\.identity:v1:masked, named by transfer seq \d+; masked: idNumber, name, birthDate, address\)/,
  );
  expect(out).toMatch(/Audit of the whole log/);
  expect(out).toMatch(/^ {2}ok: \d+ entries, root [0-9a-f]{64}; \d+ final checkpoints verified/m);
  expect(out).toContain('Demo: every step held and the audit is ok.');
  const steps = seqsOf(out);
  expect(steps).toHaveLength(STEPS.length);
  const kinds = steps.map((s) => s.map((x) => x.what.split(' ')[0]));
  expect(kinds).toEqual([
    ['policy.publish', 'policy.publish', 'policy.publish', 'policy.publish'],
    ['request', 'request.endorse', 'decision.approve', 'verification'],
    ['request', 'request.endorse', 'decision.approve', 'transfer', 'receipt', 'use'],
    ['request', 'request.endorse', 'decision.approve', 'transfer', 'receipt', 'use'],
    [
      'request',
      'request.endorse',
      'decision.approve',
      'decision.approve',
      'transfer',
      'receipt',
      'use',
    ],
    ['rejection'],
    [],
  ]);
  expect(out).toMatch(
    /\[7\] receipts with inclusion proofs: every entry proven included in the cosigned checkpoint/,
  );
  return steps;
}

beforeAll(async () => {
  h = await govxUpHarness('up-demo', 26_000);
  dir = h.dir;
  BASE = h.base;
});

afterEach(() => h.stopAll(), 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
}, 30_000);

describe('govx up --demo', () => {
  let first: { what: string; seq: number }[][] = [];

  it('--demo --exit: plays the story, audits the log, exits 0', async () => {
    const up = govxUp(['--demo', '--exit']);
    const code = await up.exited;
    if (code !== 0) throw new Error(`exit ${code}:\n${up.output()}`);
    first = checkNarration(up.output());
  }, 420_000);

  it('plays again on the same directory; the named entries are on a ledger node', async () => {
    const up = govxUp(['--demo']);
    await until(
      'the end of the story',
      () => up.output().includes('Ctrl-C stops everything'),
      400_000,
    );
    const again = checkNarration(up.output());
    // Fresh entries after the first run's.
    expect(again[0]![0]!.seq).toBeGreaterThan(first[5]![0]!.seq);
    const ledger = `http://127.0.0.1:${BASE + 81}`;
    const entryAt = async (
      seq: number,
    ): Promise<{ type: string; actor: string; body: Record<string, unknown> }> => {
      const res = await fetch(`${ledger}/entries/${seq}`);
      expect(res.status).toBe(200);
      return (JSON.parse(await res.text()) as { entry: Awaited<ReturnType<typeof entryAt>> }).entry;
    };
    for (const [i, step] of [...first, ...again].entries()) {
      for (const { what, seq } of step) {
        const entry = await entryAt(seq);
        const [type, signer] = what.split(' ');
        expect({ i, seq, type: entry.type }).toEqual({ i, seq, type });
        if (signer?.startsWith('(dept/') || signer?.startsWith('(gov/'))
          expect(entry.actor).toBe(signer.slice(1, -1));
      }
    }
    // The officer's decision and the engine's approvals are signed by who the narration says.
    const approvals = again.flat().filter((s) => s.what.startsWith('decision.approve'));
    expect(approvals.map((a) => a.what)).toEqual([
      'decision.approve (gov/policy-engine)',
      'decision.approve (gov/policy-engine)',
      'decision.approve (dept/social-security/officer/duty)',
      'decision.approve (dept/natural-resources/officer/duty)',
      'decision.approve (dept/public-security/officer/duty)',
    ]);
    // The tax clearance: approval and transfer name the policy's masking profile.
    const taxPublish = await entryAt(again[0]![1]!.seq);
    const taxProfile = `demo-tax-clearance@${String(taxPublish.body['version'])}:registry`;
    expect(taxPublish.body['policyId']).toBe('demo-tax-clearance');
    expect((await entryAt(again[2]![2]!.seq)).body['maskingProfile']).toBe(taxProfile);
    expect((await entryAt(again[2]![3]!.seq)).body['maskingProfile']).toBe(taxProfile);
    // Four eyes: the registry's officer's sign-off is not final; the transfer answers the second.
    const [, , firstSignoff, finalApproval, fourEyesTransfer] = again[4]!;
    expect((await entryAt(firstSignoff!.seq)).body['final']).toBe(false);
    expect((await entryAt(finalApproval!.seq)).body['final']).toBe(true);
    expect((await entryAt(fourEyesTransfer!.seq)).body['approval']).toMatchObject({
      seq: finalApproval!.seq,
    });

    // The admin suspends the registry's sharing rights (§27), for the next test.
    const governance = `http://127.0.0.1:${BASE + 90}`;
    const accounts = JSON.parse(
      await readFile(join(dir, 'keys', 'accounts.json'), 'utf8'),
    ) as Record<string, string>;
    const signIn = await fetch(`${governance}/access/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'admin', password: accounts['admin'] }),
    });
    const { token } = JSON.parse(await signIn.text()) as { token: string };
    const admin = importSigningPrivateKey(
      await readFile(join(dir, 'keys', 'gov_admin_bootstrap.key.pem'), 'utf8'),
    );
    const suspended = await fetch(`${governance}/governance/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        submission: createSubmission(
          {
            type: 'sanction.suspend',
            actor: 'gov/admin/bootstrap',
            idem: `demo-e2e-suspend-${process.pid}`,
            body: { department: 'natural-resources', reason: 'e2e: the story must fail' },
          },
          admin,
        ),
      }),
    });
    expect(suspended.status).toBe(201);

    up.child.kill('SIGINT');
    expect(await up.exited).toBe(0);
  }, 420_000);

  it('--demo --exit exits 1 naming the failed steps when the registry is suspended; the audit still holds', async () => {
    const up = govxUp(['--demo', '--exit']);
    expect(await up.exited).toBe(1);
    const out = up.output();
    expect(out).toContain('[1] policies published by the providers: active:');
    for (const [n, name] of [
      [2, 'identity check (核验) at public-security'],
      [3, 'tax clearance at taxation'],
      [4, 'contribution record at social-security'],
      [5, 'identity record at public-security (highest-grade field: four eyes)'],
    ] as const)
      expect(out).toMatch(
        new RegExp(`\\[${n}\\] ${name.replace(/[()]/g, '\\$&')}.*: FAILED: .*denied`),
      );
    // Each denial is narrated with its reasons and the seq of the engine's decision.deny.
    expect(out.match(/decision\.deny \(gov\/policy-engine\) seq \d+/g)).toHaveLength(4);
    expect(out).toMatch(/denied: .*suspend/i);
    expect(out).toMatch(/\[6\] a refusal: the seller’s income \(not shared\): tx\.income refused/);
    expect(out).toMatch(/^ {2}ok: \d+ entries, root [0-9a-f]{64}/m);
    expect(out).toContain('Demo: FAILED:\n  - identity check (核验) at public-security:');
    expect(out).toContain('  - receipts with inclusion proofs: no exchange completed to prove');
  }, 420_000);
});
