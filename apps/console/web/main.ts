// The govx console: #portal (public), #officer (officer queue), #auditor (explorer).
import { h } from './dom.js';
import { renderAuditor } from './auditor.js';
import { renderOfficer } from './officer.js';
import { renderPortal } from './portal.js';

const PAGES: Record<string, (root: HTMLElement) => Promise<void>> = {
  portal: renderPortal,
  officer: renderOfficer,
  auditor: renderAuditor,
};

function route(): void {
  const name = location.hash.replace(/^#/, '') || 'portal';
  const page = PAGES[name] ?? renderPortal;
  const root = document.getElementById('page')!;
  for (const a of document.querySelectorAll('nav a'))
    a.classList.toggle('current', a.getAttribute('href') === `#${name}`);
  void page(root).catch((e: unknown) =>
    root.replaceChildren(h('p', { class: 'bad' }, e instanceof Error ? e.message : String(e))),
  );
}

window.addEventListener('hashchange', route);
route();
