// The officer queue: pending requests with their evaluation trace and deadline; approve, deny
// with reasons, or list the missing materials. Every action is an entry signed here with the
// officer's own key (governance never holds officer keys: docs/governance.md).
import { describe, gov } from './api.js';
import { field, h, table } from './dom.js';
import type { Json } from './jcs.js';
import { signInForm, signOutButton, whoAmI } from './signin.js';
import { createSubmission, importOfficerKey, type OfficerKey } from './signing.js';

interface QueueItem {
  requestId: string;
  request: { seq: number; leaf: string };
  requester: string;
  provider: string;
  datasetId: string;
  state: string;
  officers: 'one' | 'four-eyes' | null;
  signoffs: { officer: string; department: string; seq: number }[];
  deadline: string | null;
  deadlineKind: string | null;
  evaluation: {
    decision?: string;
    fields?: string[];
    traceHash?: string;
    policy?: { id: string; version: number };
    trace?: { step: string; result?: unknown; detail?: unknown }[];
  } | null;
  body: Record<string, unknown>;
}

const APPROVAL_DAYS = 20;
let key: OfficerKey | null = null;

function lines(id: string): string[] {
  return field(id)
    .value.split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function remaining(deadline: string | null): string {
  if (!deadline) return 'none';
  const ms = Date.parse(deadline) - Date.now();
  const hours = Math.round(Math.abs(ms) / 3_600_000);
  return `${deadline} (${ms >= 0 ? `in ${hours} h` : `passed ${hours} h ago`})`;
}

async function act(
  item: QueueItem,
  type: string,
  body: { [k: string]: Json },
  status: HTMLElement,
  refresh: () => void,
): Promise<void> {
  try {
    if (!key) throw new Error('load your signing key first');
    const actor = field('officer-actor').value.trim();
    const submission = await createSubmission(
      { type, actor, idem: `console-${type}-${item.request.seq}-${crypto.randomUUID()}`, body },
      key,
    );
    const res = await gov<{ receipt: { seq: number }; request: { state: string } | null }>(
      'POST',
      '/governance/actions',
      { submission },
    );
    status.className = 'ok';
    status.textContent = `${type} recorded as ledger entry ${res.receipt.seq}; request ${item.requestId} is now ${res.request?.state ?? '?'}`;
    document.getElementById('officer-last')!.textContent = String(res.receipt.seq);
    refresh();
  } catch (e) {
    status.className = 'bad';
    status.textContent = describe(e);
  }
}

function card(item: QueueItem, status: HTMLElement, refresh: () => void): HTMLElement {
  const ref = { seq: item.request.seq, leaf: item.request.leaf };
  const fields = item.evaluation?.fields ?? (item.body['fields'] as string[] | undefined) ?? [];
  const id = item.requestId;
  const approve = (): void => {
    const expires = new Date(Date.now() + APPROVAL_DAYS * 86_400_000)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    // Four-eyes: the first sign-off is not final, the second one is.
    const final = item.officers !== 'four-eyes' || item.signoffs.length > 0;
    void act(item, 'decision.approve', { request: ref, fields, expires, final }, status, refresh);
  };
  return h(
    'article',
    { class: 'request', 'data-request': id },
    h('h3', {}, id, ' ', h('span', { class: 'tag' }, item.state)),
    h(
      'p',
      {},
      `${item.requester} asks ${item.provider} for ${item.datasetId}: ${fields.join(', ')}; purpose “${String(item.body['purpose'] ?? '')}”, legal basis “${String(item.body['legalBasis'] ?? '')}”`,
    ),
    h(
      'p',
      {},
      `officers: ${item.officers ?? '?'}; sign-offs: ${item.signoffs.map((s) => s.officer).join(', ') || 'none'}; ${item.deadlineKind ?? ''} deadline ${remaining(item.deadline)}`,
    ),
    h(
      'details',
      {},
      h(
        'summary',
        {},
        `evaluation: ${item.evaluation?.decision ?? '?'} under ${item.evaluation?.policy?.id ?? '?'} v${item.evaluation?.policy?.version ?? '?'}; trace hash ${item.evaluation?.traceHash ?? '?'}`,
      ),
      table(
        ['step', 'result'],
        (item.evaluation?.trace ?? []).map((t) => [
          t.step,
          JSON.stringify({ ...t, step: undefined }),
        ]),
      ),
    ),
    h('button', { class: 'approve', onclick: approve }, 'Approve'),
    h('textarea', {
      id: `reasons-${id}`,
      rows: '2',
      cols: '50',
      placeholder: 'reasons, one per line',
    }),
    h(
      'button',
      {
        class: 'deny',
        onclick: () =>
          void act(
            item,
            'decision.deny',
            { request: ref, reasons: lines(`reasons-${id}`) },
            status,
            refresh,
          ),
      },
      'Deny',
    ),
    h('textarea', {
      id: `missing-${id}`,
      rows: '2',
      cols: '50',
      placeholder: 'everything missing, one per line',
    }),
    h(
      'button',
      {
        class: 'materials',
        onclick: () =>
          void act(
            item,
            'decision.materials',
            { request: ref, missing: lines(`missing-${id}`) },
            status,
            refresh,
          ),
      },
      'Ask for materials',
    ),
  );
}

function keyForm(actor: string | null): HTMLElement {
  const msg = h(
    'span',
    { id: 'officer-key-status' },
    key ? `key ${key.keyId.slice(0, 16)}… loaded` : 'no key loaded',
  );
  const load = async (): Promise<void> => {
    try {
      key = await importOfficerKey(field('officer-key').value);
      field('officer-key').value = '';
      msg.className = 'ok';
      msg.textContent = `key ${key.keyId.slice(0, 16)}… loaded (in memory only)`;
    } catch (e) {
      msg.className = 'bad';
      msg.textContent = describe(e);
    }
  };
  return h(
    'fieldset',
    {},
    h('legend', {}, 'Your signing key'),
    h(
      'label',
      {},
      'ledger actor ',
      h('input', { id: 'officer-actor', value: actor ?? '', size: '40' }),
    ),
    h('textarea', {
      id: 'officer-key',
      rows: '3',
      cols: '64',
      placeholder: '-----BEGIN PRIVATE KEY----- (Ed25519, PKCS#8; kept in this tab only)',
    }),
    h('button', { id: 'officer-key-load', onclick: () => void load() }, 'Load key'),
    ' ',
    msg,
  );
}

export async function renderOfficer(root: HTMLElement): Promise<void> {
  const me = await whoAmI();
  const again = (): void => void renderOfficer(root);
  if (!me) {
    root.replaceChildren(signInForm(again));
    return;
  }
  const status = h('p', { id: 'officer-status' });
  const list = h('div', { id: 'queue' }, 'loading…');
  const refresh = async (): Promise<void> => {
    try {
      const queue = await gov<QueueItem[]>('GET', '/governance/queue');
      list.replaceChildren(
        ...(queue.length
          ? queue.map((q) => card(q, status, () => void refresh()))
          : [h('p', {}, 'The queue is empty.')]),
      );
    } catch (e) {
      list.replaceChildren(h('p', { class: 'bad' }, describe(e)));
    }
  };
  root.replaceChildren(
    h(
      'p',
      {},
      `Signed in as ${me.name} (${me.roles.join(', ')}${me.department ? `, ${me.department}` : ''}) `,
      signOutButton(again),
    ),
    keyForm(me.actor),
    h('p', {}, 'last entry: ', h('span', { id: 'officer-last' }, '—')),
    status,
    h(
      'h2',
      {},
      'Pending requests ',
      h('button', { id: 'queue-refresh', onclick: () => void refresh() }, 'Refresh'),
    ),
    list,
  );
  await refresh();
}
