// The public portal: catalogue, policies in force, counts, and the receipt check. No sign-in.
import { describe, gov, ledgerUrl, setLedgerUrl } from './api.js';
import { field, h, table } from './dom.js';
import { checkReceipt, parseReceipt } from './receipt.js';

interface Version {
  version: number;
  entry: { seq: number; leaf: string };
  retired: boolean;
  conditionsAdded: string[];
  body: {
    name?: string;
    fields?: { name: string; grade?: string }[];
    sharing?: { category?: string; conditions?: string[]; purposes?: string[]; scope?: string };
  };
}
interface Dataset {
  datasetId: string;
  provider: string;
  versions: Version[];
}
interface Policy {
  policyId: string;
  version: number;
  provider: string;
  datasetId: string;
  seq: number;
  status: string;
}
interface Stats {
  exchanges: {
    requester: string;
    provider: string;
    datasetId: string;
    requests: number;
    approved: number;
    denied: number;
    delivered: number;
  }[];
  decisions: {
    policyId: string | null;
    policyVersion: number | null;
    outcome: string;
    requests: number;
    approved: number;
    denied: number;
    pending: number;
  }[];
}

function versionRow(v: Version): HTMLElement {
  const s = v.body.sharing ?? {};
  return h(
    'li',
    { class: v.conditionsAdded.length ? 'version added' : 'version' },
    h('strong', {}, `v${v.version}`),
    v.retired ? h('span', { class: 'tag' }, 'retired') : null,
    ` ${s.category ?? ''} — fields: ${(v.body.fields ?? []).map((f) => f.name).join(', ')}`,
    s.conditions?.length ? ` — conditions: ${s.conditions.join('; ')}` : null,
    s.purposes?.length ? ` — purposes: ${s.purposes.join('; ')}` : null,
    ` (ledger entry ${v.entry.seq})`,
    v.conditionsAdded.length
      ? h(
          'div',
          { class: 'conditions-added' },
          'added after publication: ',
          v.conditionsAdded.join('; '),
        )
      : null,
  );
}

function catalogue(datasets: Dataset[]): HTMLElement {
  if (!datasets.length) return h('p', {}, 'No dataset published yet.');
  return h(
    'div',
    { id: 'catalogue' },
    ...datasets.map((d) =>
      h(
        'article',
        { class: 'dataset', 'data-dataset': d.datasetId },
        h('h3', {}, `${d.versions.at(-1)?.body.name ?? d.datasetId} `, h('code', {}, d.datasetId)),
        h('p', {}, `provider: ${d.provider}`),
        h('ul', {}, ...d.versions.map(versionRow)),
      ),
    ),
  );
}

function receiptForm(): HTMLElement {
  const out = h('div', { id: 'receipt-result' });
  const run = async (): Promise<void> => {
    out.replaceChildren(h('p', {}, 'checking…'));
    try {
      setLedgerUrl(field('ledger-url').value);
      const result = await checkReceipt(parseReceipt(field('receipt').value));
      out.replaceChildren(
        h(
          'p',
          { class: result.ok ? 'verdict ok' : 'verdict bad', id: 'receipt-verdict' },
          result.ok ? 'Receipt verified' : 'Receipt NOT verified',
        ),
        h(
          'ul',
          {},
          ...result.steps.map((s) =>
            h('li', { class: s.ok === null ? 'note' : s.ok ? 'ok' : 'bad' }, s.text),
          ),
        ),
        result.signatures.length
          ? table(
              ['signer', 'signature'],
              result.signatures.map((s) => [s.name, s.status]),
            )
          : '',
      );
    } catch (e) {
      out.replaceChildren(
        h(
          'p',
          { class: 'verdict bad', id: 'receipt-verdict' },
          `Receipt NOT verified: ${describe(e)}`,
        ),
      );
    }
  };
  return h(
    'section',
    {},
    h('h2', {}, 'Check a receipt'),
    h(
      'p',
      {},
      'Paste a receipt ({"seq": …, "leafHash": "…"}). The page fetches an inclusion proof and the latest cosigned checkpoint from a ledger node and checks them here, in your browser.',
    ),
    h(
      'label',
      {},
      'ledger node ',
      h('input', { id: 'ledger-url', value: ledgerUrl(), size: '40' }),
    ),
    h('textarea', {
      id: 'receipt',
      rows: '3',
      cols: '80',
      placeholder: '{"seq": 12, "leafHash": "…"}',
    }),
    h('button', { id: 'receipt-check', onclick: () => void run() }, 'Check'),
    out,
  );
}

export async function renderPortal(root: HTMLElement): Promise<void> {
  root.replaceChildren(h('p', {}, 'loading…'));
  try {
    const [datasets, policies, stats] = await Promise.all([
      gov<Dataset[]>('GET', '/governance/public/catalogue'),
      gov<Policy[]>('GET', '/governance/public/policies'),
      gov<Stats>('GET', '/governance/public/stats'),
    ]);
    root.replaceChildren(
      h('section', {}, h('h2', {}, 'Catalogue'), catalogue(datasets)),
      h(
        'section',
        {},
        h('h2', {}, 'Sharing policies'),
        table(
          ['policy', 'version', 'provider', 'dataset', 'status', 'entry'],
          policies.map((p) => [p.policyId, p.version, p.provider, p.datasetId, p.status, p.seq]),
          'policies',
        ),
      ),
      h(
        'section',
        {},
        h('h2', {}, 'Exchanges per department pair'),
        table(
          ['requester', 'provider', 'dataset', 'requests', 'approved', 'denied', 'delivered'],
          stats.exchanges.map((x) => [
            x.requester,
            x.provider,
            x.datasetId,
            x.requests,
            x.approved,
            x.denied,
            x.delivered,
          ]),
          'exchanges',
        ),
        h('h2', {}, 'Decisions per policy'),
        table(
          ['policy', 'version', 'policy outcome', 'requests', 'approved', 'denied', 'pending'],
          stats.decisions.map((d) => [
            d.policyId ?? '(refused before any policy)',
            d.policyVersion ?? '',
            d.outcome,
            d.requests,
            d.approved,
            d.denied,
            d.pending,
          ]),
          'decisions',
        ),
      ),
      receiptForm(),
    );
  } catch (e) {
    root.replaceChildren(h('p', { class: 'bad' }, describe(e)));
  }
}
