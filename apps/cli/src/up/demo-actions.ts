// The demo story's actions on the running platform (demo-story.ts plays them): sign in with
// the seeded accounts, sign entries with the actors' keys, publish policies, ask, wait for
// decisions, approve as one officer or as four eyes, fetch deliveries, prove receipts, audit.
// Each action checks what it did and throws naming what did not hold.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditVerdict } from '@govx/audit';
import { parsePolicyMaskingProfileId } from '@govx/contracts';
import {
  checkProofDocument,
  createSubmission,
  parseProofDocument,
  treeHasher,
  type Submission,
} from '@govx/ledger-core';
import {
  catalogueMaskingProfile,
  demoDepartment,
  policyMaskingProfile,
  type MaskingProfile,
} from '@govx/gateway';
import { loadTrust } from '../audit/trust-file.js';
import { verifySource } from '../audit/audit-verify.js';
import type { Platform } from './platform.js';
import {
  call,
  DemoHttpError,
  entriesOfType,
  ledgerTip,
  ok,
  waitFor,
  type LedgerEntryView,
} from './demo-support.js';
import { demoPolicySources, LEGAL_BASIS, PURPOSE, REGISTRY, STORY_REQUESTS } from './demo-data.js';

export interface DemoStep {
  readonly name: string;
  readonly ok: boolean;
  /** Ledger seqs of the entries this step made, by what they are. */
  readonly seqs: readonly { readonly what: string; readonly seq: number }[];
  readonly detail: string;
}

export interface DemoOptions {
  /** Where the narration goes (stdout in `govx up`). */
  readonly write: (line: string) => void;
  /** Worker threads of the audit (default: as `govx audit verify`). */
  readonly auditWorkers?: number;
}

interface ExchangeView {
  readonly requestId: string;
  readonly state: string;
  readonly request: { seq: number; leaf: string };
  readonly approval: { seq: number; leaf: string } | null;
  readonly transfer: { seq: number; leaf: string } | null;
  readonly receipt: { seq: number; leaf: string } | null;
  readonly verification: 'match' | 'no-match' | null;
  readonly rejections: readonly { code: string; message: string }[];
}

export class Story {
  readonly steps: DemoStep[] = [];
  /** The exchanges the story completed, for their receipts with proofs. */
  readonly exchanges: { readonly name: string; readonly requestId: string }[] = [];
  /** datasetId → the `policyId@version` this run published for it. */
  readonly published = new Map<string, string>();
  /** datasetId → the canonical document of the policy this run published for it. */
  readonly documents = new Map<string, Record<string, unknown>>();
  private readonly sessions = new Map<string, string>();
  private readonly run = `${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`;
  private counter = 0;

  constructor(
    private readonly platform: Platform,
    private readonly dir: string,
    private readonly options: DemoOptions,
  ) {}

  private get ids(): NonNullable<Platform['identities']> {
    return this.platform.identities!;
  }

  private dept(d: string): { url: string; token: string } {
    const plan = this.platform.departments.find((x) => x.department === d);
    if (!plan) throw new Error(`no department ${d}`);
    return plan;
  }

  get ledgerUrl(): string {
    return this.platform.ledgerUrls[0]!;
  }

  private say(line: string): void {
    this.options.write(line);
  }

  /** Runs one step; a failure is recorded and narrated, and the story goes on. */
  async step(
    name: string,
    body: (seqs: { what: string; seq: number }[]) => Promise<string>,
  ): Promise<boolean> {
    const seqs: { what: string; seq: number }[] = [];
    const n = this.steps.length + 1;
    try {
      const detail = await body(seqs);
      this.steps.push({ name, ok: true, seqs, detail });
      this.say(`[${n}] ${name}: ${detail}`);
      this.say(
        `    ledger: ${seqs.map((s) => `${s.what} seq ${s.seq}`).join(', ') || 'no new entries (reads only)'}`,
      );
      return true;
    } catch (e) {
      const detail = (e as Error).message;
      this.steps.push({ name, ok: false, seqs, detail });
      this.say(`[${n}] ${name}: FAILED: ${detail}`);
      if (seqs.length)
        this.say(`    ledger: ${seqs.map((s) => `${s.what} seq ${s.seq}`).join(', ')}`);
      return false;
    }
  }

  /** A session of a seeded account (its password from <dir>/keys/accounts.json). */
  async session(name: string): Promise<string> {
    const known = this.sessions.get(name);
    if (known) return known;
    const account = this.platform.accounts.find((a) => a.name === name);
    if (!account) throw new Error(`no seeded account ${name}`);
    const { token } = await ok<{ token: string }>(
      'POST',
      `${this.platform.governanceUrl}/access/sessions`,
      { body: { name, password: account.password } },
    );
    this.sessions.set(name, token);
    return token;
  }

  private sign(
    who: { actor: string; key: Parameters<typeof createSubmission>[1] },
    type: string,
    body: Record<string, unknown>,
  ): Submission {
    return createSubmission(
      { type, actor: who.actor, idem: `demo-${this.run}-${this.counter++}`, body: body as never },
      who.key,
    );
  }

  /** An officer's or office's action, posted to governance with the account's session. */
  private async action(
    account: string,
    submission: Submission,
  ): Promise<{
    receipt: { seq: number; leafHash: string };
    request: { state: string; signoffs: { officer: string }[] } | null;
  }> {
    return ok('POST', `${this.platform.governanceUrl}/governance/actions`, {
      token: await this.session(account),
      body: { submission },
    });
  }

  /** Step 1: each provider's office publishes the policy of its dataset (policy.publish). */
  async publishPolicies(seqs: { what: string; seq: number }[]): Promise<string> {
    const gov = this.platform.governanceUrl;
    const out: string[] = [];
    // A fresh version each run: one more than any published for the dataset.
    let version = 1;
    for (const p of demoPolicySources(1)) {
      const view = await ok<{ policies: { version: number }[] }>(
        'GET',
        `${gov}/governance/catalogue/${p.datasetId}`,
      );
      for (const existing of view.policies) version = Math.max(version, existing.version + 1);
    }
    for (const p of demoPolicySources(version)) {
      const account = `office-${p.provider}`;
      const token = await this.session(account);
      const checked = await ok<{ document: Record<string, unknown> }>(
        'POST',
        `${gov}/governance/policies/check`,
        { token, body: { source: p.source } },
      );
      const document = checked.document;
      const policyId = String(document['policyId']);
      const { receipt } = await this.action(
        account,
        this.sign(this.ids.departments[p.provider]!.office, 'policy.publish', {
          policyId,
          version,
          provider: p.provider,
          document,
        }),
      );
      seqs.push({ what: `policy.publish ${p.provider}`, seq: receipt.seq });
      const view = await ok<{ policies: { policyId: string; version: number; status: string }[] }>(
        'GET',
        `${gov}/governance/catalogue/${p.datasetId}`,
      );
      const mine = view.policies.find((x) => x.policyId === policyId && x.version === version);
      if (mine?.status !== 'active')
        throw new Error(`${policyId}@${version} is ${mine?.status ?? 'missing'}, not active`);
      this.published.set(p.datasetId, `${policyId}@${version}`);
      this.documents.set(p.datasetId, document);
      out.push(`${policyId}@${version} (${p.datasetId}, signed by dept/${p.provider}/office)`);
    }
    return `active: ${out.join('; ')}`;
  }

  /** Creates a request from the registry and has its office endorse it (§20). */
  async ask(
    seqs: { what: string; seq: number }[],
    r: {
      provider: string;
      datasetId: string;
      fields: string[];
      subject: string;
      claims?: Record<string, string>;
      scenario: string;
    },
  ): Promise<string> {
    const registry = this.dept(REGISTRY);
    const requestId = `demo-${this.run}-${r.datasetId}`;
    const created = await ok<{ requestId: string; receipt: { seq: number } }>(
      'POST',
      `${registry.url}/requests`,
      {
        token: registry.token,
        body: {
          requestId,
          provider: r.provider,
          datasetId: r.datasetId,
          fields: r.fields,
          subject: r.subject,
          ...(r.claims ? { claims: r.claims } : {}),
          purpose: PURPOSE,
          legalBasis: LEGAL_BASIS,
          scenario: r.scenario,
          scope: 'the seller of one parcel',
          method: 'api',
          timeLimit: `${new Date().getUTCFullYear() + 1}-12-31`,
          duty: 'kept in the registration file; not passed on',
        },
      },
    );
    seqs.push({ what: 'request', seq: created.receipt.seq });
    const endorsed = await ok<{ seq: number }>(
      'POST',
      `${registry.url}/requests/${requestId}/endorse`,
      { token: registry.token },
    );
    seqs.push({ what: 'request.endorse (office)', seq: endorsed.seq });
    return requestId;
  }

  /** The registry's view of one of its requests, once `done` holds for it. */
  async until(
    requestId: string,
    what: string,
    done: (v: ExchangeView) => boolean,
    seqs: { what: string; seq: number }[],
  ): Promise<ExchangeView> {
    const registry = this.dept(REGISTRY);
    return waitFor(`${requestId}: ${what}`, async () => {
      const v = await ok<ExchangeView>('GET', `${registry.url}/requests/${requestId}`, {
        token: registry.token,
      });
      if (v.rejections.length > 0 && !done(v))
        throw new Error(
          `${requestId} rejected: ${v.rejections.map((x) => `${x.code} ${x.message}`).join('; ')}`,
        );
      if (v.state === 'denied') throw await this.denied(requestId, v.request.seq, seqs);
      return done(v) ? v : undefined;
    });
  }

  /** The error of a denied request, with the reasons of its `decision.deny` (seq noted). */
  async denied(
    requestId: string,
    requestSeq: number,
    seqs: { what: string; seq: number }[],
  ): Promise<Error> {
    const deny = await waitFor(`the decision.deny of ${requestId}`, async () =>
      (await entriesOfType(this.ledgerUrl, 'decision.deny', requestSeq)).find(
        (e) => (e.entry.body['request'] as { seq: number }).seq === requestSeq,
      ),
    );
    seqs.push({ what: `decision.deny (${deny.entry.actor})`, seq: deny.seq });
    const reasons = (deny.entry.body['reasons'] as string[] | undefined) ?? [];
    return new Error(`${requestId} was denied: ${reasons.join('; ') || 'no reason given'}`);
  }

  /** One entry from ledger-1. */
  async entry(seq: number): Promise<LedgerEntryView['entry']> {
    return (await ok<LedgerEntryView>('GET', `${this.ledgerUrl}/entries/${seq}`)).entry;
  }

  /**
   * Who signed an approval, under which policy version (`id@version`, or null), whether it is
   * final, and the masking profile it names (or null).
   */
  async approver(seq: number): Promise<{
    actor: string;
    policy: string | null;
    final: boolean;
    maskingProfile: string | null;
  }> {
    const e = await this.entry(seq);
    const p = e.body['policy'] as { id: string; version: number } | undefined;
    return {
      actor: e.actor,
      policy: p ? `${p.id}@${p.version}` : null,
      final: e.body['final'] === true,
      maskingProfile: (e.body['maskingProfile'] as string | undefined) ?? null,
    };
  }

  /**
   * The masking profile an id names, as the provider's gateway resolves it: the catalogue
   * profile, or a profile of the policy this run published for the dataset.
   */
  maskingProfile(provider: string, datasetId: string, id: string): MaskingProfile {
    const entry = demoDepartment(provider).catalogue.find((c) => c.datasetId === datasetId);
    if (!entry) throw new Error(`no catalogue entry ${datasetId} at ${provider}`);
    const catalogue = catalogueMaskingProfile(entry);
    if (id === catalogue.id) return catalogue;
    const ref = parsePolicyMaskingProfileId(id);
    if (!ref || `${ref.policyId}@${ref.version}` !== this.published.get(datasetId))
      throw new Error(`masking profile ${id} is not of the policy published for ${datasetId}`);
    const profiles = this.documents.get(datasetId)?.['maskingProfiles'] as
      Record<string, unknown> | undefined;
    return policyMaskingProfile(id, entry, profiles?.[ref.name]);
  }

  /** Waits until a department's gateway has applied the ledger up to `seq`. */
  async gatewayApplied(department: string, seq: number): Promise<void> {
    const { url, token } = this.dept(department);
    await waitFor(`${department}'s gateway to apply seq ${seq}`, async () => {
      const h = await ok<{ lastSeq: number }>('GET', `${url}/health`, { token });
      return h.lastSeq >= seq ? true : undefined;
    });
  }

  /** Throws unless the decision came from the policy this run published for the dataset. */
  expectPolicy(datasetId: string, policy: string | null): void {
    const published = this.published.get(datasetId);
    if (published === undefined) throw new Error(`no policy was published for ${datasetId}`);
    if (policy !== published)
      throw new Error(`decided under ${policy ?? 'no policy'}, not the published ${published}`);
  }

  async fetchDelivery(requestId: string): Promise<{
    payload?: { record: Record<string, unknown>; maskingProfile: string | null };
    verification?: string;
  }> {
    const registry = this.dept(REGISTRY);
    return ok('GET', `${registry.url}/requests/${requestId}/delivery`, { token: registry.token });
  }

  async recordUse(requestId: string, seqs: { what: string; seq: number }[]): Promise<void> {
    const registry = this.dept(REGISTRY);
    const use = await ok<{ seq: number }>('POST', `${registry.url}/requests/${requestId}/use`, {
      token: registry.token,
      body: { purpose: PURPOSE },
    });
    seqs.push({ what: 'use', seq: use.seq });
  }

  /** An officer of the provider approves a pending request with her own key. */
  async officerApproves(
    provider: string,
    datasetId: string,
    requestId: string,
    fields: string[],
    maskingProfile: string,
    seqs: { what: string; seq: number }[],
  ): Promise<string> {
    const gov = this.platform.governanceUrl;
    const account = `officer-${provider}`;
    const token = await this.session(account);
    const pending = await waitFor(`${requestId} in the officers' queue`, async () => {
      const r = await ok<{
        state: string;
        request: { seq: number; leaf: string };
        officers: string | null;
        evaluation: { policy?: { id: string; version: number } } | null;
      }>('GET', `${gov}/governance/requests/${requestId}`, { token });
      if (r.state === 'denied') throw await this.denied(requestId, r.request.seq, seqs);
      if (r.state === 'approved') throw new Error(`${requestId} was approved without an officer`);
      return r.state === 'pending' ? r : undefined;
    });
    const expires = new Date(Date.now() + 20 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const officer = this.ids.departments[provider]!.officer;
    const { receipt } = await this.action(
      account,
      this.sign(officer, 'decision.approve', {
        request: pending.request,
        fields,
        maskingProfile,
        expires,
        final: true,
      }),
    );
    seqs.push({ what: `decision.approve (${officer.actor})`, seq: receipt.seq });
    const policy = pending.evaluation?.policy;
    this.expectPolicy(datasetId, policy ? `${policy.id}@${policy.version}` : null);
    return (
      `${policy ? `${policy.id}@${policy.version}` : 'the policy'} put it before officers: ` +
      `${pending.officers ?? 'one'}; ${account} signed in and approved with her key`
    );
  }

  /**
   * Four eyes (§21, one officer of each department): the requester's officer signs the first
   * sign-off (`final: false`), which releases nothing, then the provider's officer the final
   * approval; each signs in with her seeded password and signs with her own key. Throws unless
   * the request went before four eyes under the policy this run published, stayed pending
   * with no transfer after the first sign-off, and was approved by exactly those two.
   */
  async fourEyesApproves(
    provider: string,
    datasetId: string,
    requestId: string,
    fields: string[],
    maskingProfile: string,
    seqs: { what: string; seq: number }[],
  ): Promise<{ how: string; finalSeq: number }> {
    const gov = this.platform.governanceUrl;
    type GovView = {
      state: string;
      request: { seq: number; leaf: string };
      officers: string | null;
      signoffs: { officer: string; department: string; seq: number }[];
      evaluation: { policy?: { id: string; version: number } } | null;
    };
    const first = { account: `officer-${REGISTRY}`, key: this.ids.departments[REGISTRY]!.officer };
    const last = { account: `officer-${provider}`, key: this.ids.departments[provider]!.officer };
    const token = await this.session(first.account);
    const pending = await waitFor(`${requestId} in the officers' queue`, async () => {
      const r = await ok<GovView>('GET', `${gov}/governance/requests/${requestId}`, { token });
      if (r.state === 'denied') throw await this.denied(requestId, r.request.seq, seqs);
      if (r.state === 'approved') throw new Error(`${requestId} was approved without officers`);
      return r.state === 'pending' ? r : undefined;
    });
    const policy = pending.evaluation?.policy;
    const policyName = policy ? `${policy.id}@${policy.version}` : null;
    this.expectPolicy(datasetId, policyName);
    if (pending.officers !== 'four-eyes')
      throw new Error(`${policyName} put it before officers: ${pending.officers}, not four-eyes`);
    const expires = new Date(Date.now() + 20 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const approve = (final: boolean, who: typeof first): ReturnType<Story['action']> =>
      this.action(
        who.account,
        this.sign(who.key, 'decision.approve', {
          request: pending.request,
          fields,
          maskingProfile,
          expires,
          final,
        }),
      );

    const one = await approve(false, first);
    seqs.push({ what: `decision.approve (${first.key.actor})`, seq: one.receipt.seq });
    if (one.request?.state !== 'pending' || one.request.signoffs.length !== 1)
      throw new Error(
        `after the first sign-off the request is ${one.request?.state ?? 'unknown'} with ${one.request?.signoffs.length ?? 0} sign-offs, not pending with 1`,
      );
    // Both gateways have seen the sign-off: the provider sent nothing, the registry has nothing.
    await this.gatewayApplied(provider, one.receipt.seq);
    await this.gatewayApplied(REGISTRY, one.receipt.seq);
    const registry = this.dept(REGISTRY);
    const seen = await ok<ExchangeView>('GET', `${registry.url}/requests/${requestId}`, {
      token: registry.token,
    });
    if (seen.approval !== null || seen.transfer !== null)
      throw new Error(`the first sign-off alone released ${requestId} (state ${seen.state})`);
    const early = await call<{ code: string }>(
      'GET',
      `${registry.url}/requests/${requestId}/delivery`,
      { token: registry.token },
    );
    if (early.status !== 404)
      throw new DemoHttpError(
        `${registry.url}/requests/${requestId}/delivery`,
        early.status,
        early.json,
      );

    const two = await approve(true, last);
    seqs.push({ what: `decision.approve (${last.key.actor})`, seq: two.receipt.seq });
    const signers = (two.request?.signoffs ?? []).map((x) => x.officer);
    if (
      two.request?.state !== 'approved' ||
      signers.join() !== [first.key.actor, last.key.actor].join()
    )
      throw new Error(
        `after the final approval the request is ${two.request?.state ?? 'unknown'}, signed off by [${signers.join(', ')}]`,
      );
    return {
      how:
        `${policyName} put it before officers: four-eyes; ` +
        `${first.account} signed in and gave the first sign-off with her key (final: false): ` +
        `still pending (1 of 2 sign-offs), nothing transferred, the registry's delivery answers ` +
        `${early.status} ${early.json.code}; ${last.account} signed in and gave the final approval with her key`,
      finalSeq: two.receipt.seq,
    };
  }

  /** A request for a not-shared dataset: refused, with a rejection entry. */
  async refusal(seqs: { what: string; seq: number }[], subject: string): Promise<string> {
    const registry = this.dept(REGISTRY);
    const requestId = `demo-${this.run}-tx.income`;
    const before = await ledgerTip(this.ledgerUrl);
    const answer = await call<{ code: string; message: string }>(
      'POST',
      `${registry.url}/requests`,
      {
        token: registry.token,
        body: {
          requestId,
          ...STORY_REQUESTS.refused,
          fields: [...STORY_REQUESTS.refused.fields],
          subject,
          purpose: PURPOSE,
          legalBasis: LEGAL_BASIS,
          scenario: 'the seller’s income (not needed; the tax office does not share it)',
          scope: 'the seller of one parcel',
          timeLimit: `${new Date().getUTCFullYear() + 1}-12-31`,
          duty: 'none',
        },
      },
    );
    if (answer.status !== 422 || answer.json.code !== 'not-shared')
      throw new DemoHttpError(`${registry.url}/requests`, answer.status, answer.json);
    const rejection = await waitFor('the rejection entry', async () =>
      (await entriesOfType(this.ledgerUrl, 'rejection', before)).find(
        (e) => (e.entry.body['attempt'] as { requestId?: string }).requestId === requestId,
      ),
    );
    seqs.push({ what: `rejection (${rejection.entry.actor})`, seq: rejection.seq });
    return `tx.income refused with HTTP ${answer.status} ${answer.json.code}: ${answer.json.message}`;
  }

  /**
   * Waits (at most 30 s) for a final checkpoint that covers every entry so far, so that the
   * audit checks the story's entries against cosigned roots; its size, or null.
   */
  async checkpointCoveringTip(): Promise<number | null> {
    const size = (await ledgerTip(this.ledgerUrl)) + 1;
    try {
      return await waitFor(
        `a final checkpoint of size ≥ ${size}`,
        async () => {
          const a = await call<{ size: number }>('GET', `${this.ledgerUrl}/checkpoints/latest`);
          return a.status === 200 && a.json.size >= size ? a.json.size : undefined;
        },
        30_000,
      );
    } catch {
      return null;
    }
  }

  /**
   * The registry's receipts of each exchange (GET /requests/{id}/receipts): every entry with
   * its RFC 9162 inclusion proof, checked as `govx proof verify` does and against the root of
   * the cosigned checkpoint it names.
   */
  async proofs(): Promise<string> {
    if (this.exchanges.length === 0) throw new Error('no exchange completed to prove');
    const size = await this.checkpointCoveringTip();
    if (size === null) throw new Error('no final checkpoint covers the story within 30 s');
    const registry = this.dept(REGISTRY);
    const roots = new Map<number, string>();
    const out: string[] = [];
    for (const x of this.exchanges) {
      const { entries } = await ok<{
        entries: { type: string; ref: { seq: number; leaf: string }; proof: unknown }[];
      }>('GET', `${registry.url}/requests/${x.requestId}/receipts`, { token: registry.token });
      for (const e of entries) {
        if (e.proof === null)
          throw new Error(`${x.name}: ${e.type} seq ${e.ref.seq} has no proof yet`);
        const doc = parseProofDocument(JSON.stringify(e.proof));
        if (doc.type !== 'inclusion' || doc.leafHash !== e.ref.leaf || doc.index !== e.ref.seq)
          throw new Error(`${x.name}: the proof of seq ${e.ref.seq} is not of its entry`);
        const check = checkProofDocument(doc, treeHasher('sha256'));
        if (!check.ok) throw new Error(`${x.name}: seq ${e.ref.seq}: ${check.reason}`);
        if (!roots.has(doc.treeSize)) {
          const c = await ok<{ root: string; final: boolean }>(
            'GET',
            `${this.ledgerUrl}/checkpoints/${doc.treeSize}`,
          );
          roots.set(doc.treeSize, c.final ? c.root : '');
        }
        if (roots.get(doc.treeSize) !== doc.root)
          throw new Error(`${x.name}: seq ${e.ref.seq}: root is not the cosigned checkpoint's`);
      }
      out.push(`${x.name} ${entries.length} entries (${entries.map((e) => e.type).join(', ')})`);
    }
    return `every entry proven included in the cosigned checkpoint${roots.size > 1 ? 's' : ''} of size ${[...roots.keys()].join(', ')}: ${out.join('; ')}`;
  }

  async audit(): Promise<AuditVerdict> {
    const configPath = join(this.dir, 'ledger', 'ledger-1.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as { database: { url: string } };
    return verifySource({
      source: config.database.url,
      trust: await loadTrust(configPath),
      progress: false,
      ...(this.options.auditWorkers === undefined ? {} : { workers: this.options.auditWorkers }),
    });
  }
}
