// `govx bench policy`: policy decisions per second over many policies and requests, on one
// core, against a baseline of the bare lookup (policy and catalogue entry by dataset id).
import type { CataloguePublishBody, DataGrade, SharingTerms } from '@govx/contracts';
import {
  compilePolicy,
  evaluate,
  traceHash,
  type CompiledPolicy,
  type PolicyDocument,
  type PolicyRequest,
} from '@govx/policy';
import { measure, type Measurement } from './measure.js';

export interface PolicyBenchOptions {
  readonly policies: number;
  readonly requests: number;
}

export interface PolicyBenchResult {
  readonly policies: number;
  readonly requests: number;
  readonly decisions: Readonly<Record<string, number>>;
  readonly rows: readonly Measurement[];
}

const REQUESTERS = ['natural-resources', 'civil-affairs', 'education', 'health', 'housing'];
const PURPOSES = ['registration', 'assistance', 'licensing', 'enforcement'];
const FIELDS = ['id', 'name', 'status', 'address', 'income', 'history'];
const GRADES: DataGrade[] = ['general', 'general', 'important', 'general', 'important', 'core'];

/** A fixed LCG, so every run decides the same requests. */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
}

function catalogueEntry(i: number): CataloguePublishBody {
  const kind = i % 10 === 0 ? 'not-shared' : i % 3 === 0 ? 'unconditional' : 'conditional';
  const sharing: SharingTerms =
    kind === 'not-shared'
      ? { category: kind, reason: 'closed by law', citation: { kind: 'law', title: 'Law X' } }
      : kind === 'conditional'
        ? {
            category: kind,
            conditions: ['stated duty'],
            scope: 'one subject',
            purposes: PURPOSES.slice(0, 3),
          }
        : { category: kind };
  return {
    datasetId: `dataset-${i}`,
    version: 1,
    name: `Dataset ${i}`,
    provider: `provider-${i % 40}`,
    fields: FIELDS.map((name, k) => ({
      name,
      type: 'string',
      classification: 'personal',
      grade: GRADES[k]!,
      masking: k === 0 ? 'partial' : 'none',
    })),
    format: 'json',
    updateFrequency: 'daily',
    sharing,
    methods: ['api', 'bulk'],
    secrecy: 'none',
  };
}

function policyDocument(entry: CataloguePublishBody): PolicyDocument {
  const c = entry.sharing.category;
  const outcomes = [
    { decision: c === 'not-shared' ? 'deny' : 'approve', maskingProfile: 'std' },
    c === 'not-shared'
      ? { decision: 'deny', reasons: ['closed'] }
      : { decision: 'officers', officers: 'one' },
    c === 'conditional' ? { decision: 'deny', reasons: ['not for this duty'] } : null,
  ] as const;
  return {
    policyId: `policy-${entry.datasetId}`,
    version: 1,
    provider: entry.provider,
    dataset: entry.datasetId,
    maskingProfiles: { std: { id: 'hash', address: 'partial' } },
    quotas: [{ requester: '*', perDay: 50 }],
    rules: REQUESTERS.map((r, k) => {
      const o = outcomes[k % 3] ?? outcomes[0];
      return {
        id: `r${k}`,
        when: {
          requesters: [r],
          ...(c === 'conditional' ? { purposes: PURPOSES.slice(0, 3 - (k % 2)) } : {}),
          fields: FIELDS.slice(0, 3 + (k % 4)),
          ...(k === 4
            ? { window: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' } }
            : {}),
        },
        then: (o.decision === 'deny' && !('reasons' in o)
          ? { ...o, reasons: ['closed'] }
          : o) as never,
      };
    }),
  } as PolicyDocument;
}

export function runPolicyBench(options: PolicyBenchOptions): PolicyBenchResult {
  const entries = Array.from({ length: options.policies }, (_, i) => catalogueEntry(i));
  const byId = new Map(entries.map((e) => [e.datasetId, e]));
  const documents = entries.map(policyDocument);
  const rows: Measurement[] = [];
  let compiled: CompiledPolicy[] = [];
  rows.push(
    measure(`compile ${options.policies} policies`, options.policies, () => {
      compiled = documents.map((d) => compilePolicy(d, (id) => byId.get(id)));
    }),
  );
  const policies = new Map(compiled.map((p) => [p.dataset, p]));
  const next = rng(7);
  const requests = Array.from({ length: options.requests }, () => {
    const entry = entries[next() % entries.length]!;
    const fields = [...new Set([FIELDS[next() % 5]!, FIELDS[next() % 6]!])];
    const request: PolicyRequest = {
      requester: REQUESTERS[next() % REQUESTERS.length]!,
      datasetId: entry.datasetId,
      fields,
      purpose: PURPOSES[next() % PURPOSES.length]!,
      legalBasis: 'Regulation §20',
      method: 'api',
    };
    const time = new Date(Date.UTC(2026, 10, 23) + (next() % 10_080) * 60_000).toISOString();
    return { request, context: { time, approvedToday: next() % 60 } };
  });
  const n = requests.length;
  const warm = Math.min(n, 5_000);
  let sink = 0;
  rows.push(
    measure(
      'baseline: bare lookup of policy + catalogue entry',
      n,
      () => {
        for (const { request } of requests) {
          const p = policies.get(request.datasetId)!;
          sink += p.version + byId.get(request.datasetId)!.version;
        }
      },
      () =>
        void requests
          .slice(0, warm)
          .forEach(({ request }) => (sink += policies.get(request.datasetId)!.version)),
    ),
  );
  const decisions: Record<string, number> = {};
  const decide = (slice: typeof requests, hash: boolean): void => {
    for (const { request, context } of slice) {
      const r = evaluate(
        policies.get(request.datasetId)!,
        byId.get(request.datasetId)!,
        request,
        context,
      );
      if (hash) sink += traceHash(r).length;
      else sink += r.fields.length;
    }
  };
  rows.push(
    measure(
      'lookup + evaluate',
      n,
      () => decide(requests, false),
      () => decide(requests.slice(0, warm), false),
    ),
  );
  rows.push(
    measure(
      'lookup + evaluate + trace hash',
      n,
      () => decide(requests, true),
      () => decide(requests.slice(0, warm), true),
    ),
  );
  for (const { request, context } of requests) {
    const r = evaluate(
      policies.get(request.datasetId)!,
      byId.get(request.datasetId)!,
      request,
      context,
    );
    const key = r.decision === 'officers' ? `officers(${r.officers})` : r.decision;
    decisions[key] = (decisions[key] ?? 0) + 1;
  }
  if (sink === -1) throw new Error('unreachable');
  return { policies: options.policies, requests: n, decisions, rows };
}
