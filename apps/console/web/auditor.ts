// The auditor explorer: entries by seq, type and actor; a checkpoint and its cosignatures,
// read from a ledger node and the signatures checked here.
import { describe, ledger, ledgerUrl, setLedgerUrl } from './api.js';
import { field, h, table } from './dom.js';
import { checkSignatures, ed25519Supported, parseCheckpoint, parseVerifierKeys } from './note.js';
import { signInForm, signOutButton, whoAmI } from './signin.js';

interface EntryView {
  seq: number;
  leafHash: string;
  entry: { time: string; type: string; actor: string; keyId: string; body: unknown };
}

async function showEntries(out: HTMLElement): Promise<void> {
  try {
    setLedgerUrl(field('auditor-ledger').value);
    const q = new URLSearchParams();
    const type = field('auditor-type').value.trim();
    const actor = field('auditor-actor').value.trim();
    const from = field('auditor-from').value.trim();
    q.set('limit', field('auditor-limit').value.trim() || '50');
    if (type) q.set('type', type);
    if (actor) q.set('actor', actor);
    if (from)
      q.set(type || actor ? 'after' : 'from', type || actor ? String(Number(from) - 1) : from);
    const { entries } = await ledger<{ entries: EntryView[] }>(`/entries?${q.toString()}`);
    out.replaceChildren(
      table(
        ['seq', 'time', 'type', 'actor', 'leaf hash', 'body'],
        entries.map((e) => [
          e.seq,
          e.entry.time,
          e.entry.type,
          e.entry.actor,
          h('code', {}, e.leafHash),
          h(
            'details',
            {},
            h('summary', {}, 'body'),
            h('pre', {}, JSON.stringify(e.entry.body, null, 2)),
          ),
        ]),
        'entries',
      ),
      h('p', {}, `${entries.length} entries`),
    );
  } catch (e) {
    out.replaceChildren(h('p', { class: 'bad' }, describe(e)));
  }
}

async function showCheckpoint(out: HTMLElement): Promise<void> {
  try {
    setLedgerUrl(field('auditor-ledger').value);
    const size = field('auditor-cp-size').value.trim();
    const view = await ledger<{
      size: number;
      root: string;
      final: boolean;
      signers: string[];
      note: string;
    }>(size ? `/checkpoints/${encodeURIComponent(size)}` : '/checkpoints/latest');
    const cp = parseCheckpoint(view.note);
    const checks = (await ed25519Supported())
      ? await checkSignatures(cp, parseVerifierKeys(await ledger<string>('/keys')))
      : cp.lines.map((l) => ({
          name: l.name,
          status: 'check with govx proof verify',
          timestamp: undefined,
        }));
    out.replaceChildren(
      h(
        'p',
        { id: 'checkpoint-summary' },
        `size ${view.size}, root ${view.root}, ${view.final ? 'final' : 'not final'}, signers: ${view.signers.join(', ')}`,
      ),
      h('pre', { id: 'checkpoint-note' }, view.note),
      table(
        ['cosigner', 'signature', 'time'],
        checks.map((c) => [
          c.name,
          c.status,
          c.timestamp === undefined ? '' : new Date(c.timestamp * 1000).toISOString(),
        ]),
        'cosignatures',
      ),
    );
  } catch (e) {
    out.replaceChildren(h('p', { class: 'bad' }, describe(e)));
  }
}

export async function renderAuditor(root: HTMLElement): Promise<void> {
  const me = await whoAmI();
  const again = (): void => void renderAuditor(root);
  if (!me) {
    root.replaceChildren(signInForm(again));
    return;
  }
  if (!me.roles.includes('auditor')) {
    root.replaceChildren(
      h('p', { class: 'bad' }, `${me.name} is not an auditor.`),
      signOutButton(again),
    );
    return;
  }
  const entries = h('div', { id: 'entries-out' });
  const checkpoint = h('div', { id: 'checkpoint-out' });
  root.replaceChildren(
    h('p', {}, `Signed in as ${me.name} (auditor) `, signOutButton(again)),
    h(
      'label',
      {},
      'ledger node ',
      h('input', { id: 'auditor-ledger', value: ledgerUrl(), size: '40' }),
    ),
    h(
      'section',
      {},
      h('h2', {}, 'Entries'),
      h('label', {}, 'from seq ', h('input', { id: 'auditor-from', size: '8' })),
      h('label', {}, ' type ', h('input', { id: 'auditor-type', size: '20' })),
      h('label', {}, ' actor ', h('input', { id: 'auditor-actor', size: '30' })),
      h('label', {}, ' limit ', h('input', { id: 'auditor-limit', size: '5', value: '50' })),
      h('button', { id: 'auditor-search', onclick: () => void showEntries(entries) }, 'Show'),
      entries,
    ),
    h(
      'section',
      {},
      h('h2', {}, 'Checkpoint'),
      h('label', {}, 'size (empty: latest) ', h('input', { id: 'auditor-cp-size', size: '8' })),
      h(
        'button',
        { id: 'auditor-checkpoint', onclick: () => void showCheckpoint(checkpoint) },
        'Show',
      ),
      checkpoint,
    ),
  );
}
