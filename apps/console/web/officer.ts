// The officer queue: pending requests with their evaluation trace and deadline; approve, deny
// with reasons, or list the missing materials. Every action is an entry signed here with the
// officer's own key (governance never holds officer keys: docs/governance.md). Under four eyes
// the card shows the order and offers each officer only the step that is theirs now.
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

/** Who signs in: the signed-in officer's department and ledger actor. */
interface Officer {
  readonly department: string | null;
  readonly actor: string | null;
  /** Role `officer`: only officers sign decisions (an office head reads the queue). */
  readonly officer: boolean;
}

/**
 * What this officer may do with the approval, in the one order governance takes
 * (docs/governance.md "Officers"): one officer — the provider's, final; four eyes — the
 * requesting department's officer signs first (`final: false`), then the providing
 * department's officer gives the final approval. Anything else is shown, not sent: `final`
 * null means the action is disabled and `label` says why.
 */
interface ApprovalStep {
  readonly final: boolean | null;
  readonly label: string;
}

function approvalStep(item: QueueItem, me: Officer): ApprovalStep {
  const { requester, provider } = item;
  const waitFinal = `waiting for the providing department's final approval (${provider})`;
  if (!me.officer) return { final: null, label: 'only officers sign approvals' };
  if (item.officers !== 'four-eyes')
    return me.department === provider
      ? { final: true, label: 'Approve' }
      : { final: null, label: `only an officer of ${provider} decides` };
  if (me.department !== requester && me.department !== provider)
    return {
      final: null,
      label: `four eyes: an officer of ${requester}, then one of ${provider}`,
    };
  if (item.signoffs.length === 0)
    return me.department === requester
      ? { final: false, label: 'Sign off (first of two)' }
      : {
          final: null,
          label: `waiting for the requesting department's sign-off (${requester})`,
        };
  if (item.signoffs.some((s) => s.officer === me.actor))
    return { final: null, label: `you signed off; ${waitFinal}` };
  // Where a department asks itself, another officer of it gives the final approval.
  return me.department === provider
    ? { final: true, label: 'Final approval' }
    : { final: null, label: `${requester} signed off; ${waitFinal}` };
}

/** The four-eyes order, each step done (by whom, at which seq) or waiting. */
function fourEyesOrder(item: QueueItem): HTMLElement {
  const first = item.signoffs[0];
  return h(
    'ol',
    { class: 'four-eyes' },
    h(
      'li',
      { class: first ? 'done' : 'waiting' },
      `sign-off by an officer of ${item.requester} (requesting department): `,
      first ? `done by ${first.officer}, entry ${first.seq}` : 'waiting',
    ),
    h(
      'li',
      { class: 'waiting' },
      `final approval by an officer of ${item.provider} (providing department): waiting`,
    ),
  );
}

function card(item: QueueItem, me: Officer, status: HTMLElement, refresh: () => void): HTMLElement {
  const ref = { seq: item.request.seq, leaf: item.request.leaf };
  const fields = item.evaluation?.fields ?? (item.body['fields'] as string[] | undefined) ?? [];
  const id = item.requestId;
  const step = approvalStep(item, me);
  const approve = (): void => {
    if (step.final === null) return;
    const expires = new Date(Date.now() + APPROVAL_DAYS * 86_400_000)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    void act(
      item,
      'decision.approve',
      { request: ref, fields, expires, final: step.final },
      status,
      refresh,
    );
  };
  const provider = me.officer && me.department === item.provider;
  const onlyProvider = {
    disabled: !provider,
    title: provider ? false : `only an officer of ${item.provider} decides`,
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
    item.officers === 'four-eyes' ? fourEyesOrder(item) : false,
    h(
      'button',
      {
        class: 'approve',
        'data-final': step.final === null ? 'none' : String(step.final),
        onclick: approve,
        disabled: step.final === null,
      },
      step.final === null ? 'Approve' : step.label,
    ),
    step.final === null ? h('span', { class: 'approval-state' }, step.label) : false,
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
        ...onlyProvider,
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
        ...onlyProvider,
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
  const officer: Officer = {
    department: me.department ?? null,
    actor: me.actor ?? null,
    officer: me.roles.includes('officer'),
  };
  const status = h('p', { id: 'officer-status' });
  const list = h('div', { id: 'queue' }, 'loading…');
  const refresh = async (): Promise<void> => {
    try {
      const queue = await gov<QueueItem[]>('GET', '/governance/queue');
      list.replaceChildren(
        ...(queue.length
          ? queue.map((q) => card(q, officer, status, () => void refresh()))
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
      signOutButton(() => {
        // The next person at this tab MUST NOT sign with the previous officer's key.
        key = null;
        again();
      }),
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
