// The auditor's report: one self-contained HTML page (no request leaves it: the chart library
// is inlined by the caller) with the verification result, exchanges per department pair over
// time, decision times, denials and rejections, anomalies, and per department what the 2025
// regulation forbids, all counted from the ledger.
import type { AuditVerdict } from '../log-auditor.js';
import type { AuditStatsSnapshot, Compliance } from '../rules/audit-stats.js';

export interface ReportInput {
  readonly verdict: AuditVerdict;
  /** The source as named to the auditor (no credentials). */
  readonly source: string;
  readonly origin: string;
  /** When the report was made (ISO 8601); passed in so the same log gives the same page. */
  readonly generatedAt: string;
  /** The chart.js UMD bundle, inlined as it is. */
  readonly chartJs: string;
}

const COMPLIANCE_COLUMNS: readonly [keyof Compliance, string][] = [
  ['answersPastDeadline', 'answers past their deadline'],
  ['refusalsWithoutReasons', 'refusals without reasons'],
  ['conditionsAddedAfterPublication', 'conditions added after publication'],
  ['usesPastTimeLimit', 'deliveries used past their time limit'],
  ['deliveriesWithoutDestruction', 'deliveries past their time limit without a destruction record'],
  ['onwardTransfersWithoutConsent', 'onward transfers without consent'],
];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  if (rows.length === 0) return '<p class="none">none</p>';
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c) => `<td${typeof c === 'number' ? ' class="n"' : ''}>${escapeHtml(String(c))}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function exchangeSeries(stats: AuditStatsSnapshot): {
  days: string[];
  series: { label: string; data: number[] }[];
} {
  const days = [...new Set(Object.values(stats.exchanges).flatMap((d) => Object.keys(d)))].sort();
  const series = Object.entries(stats.exchanges)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, perDay]) => ({ label, data: days.map((d) => perDay[d] ?? 0) }));
  return { days, series };
}

export function renderReport(input: ReportInput): string {
  const { verdict: v } = input;
  const stats: AuditStatsSnapshot = v.stats ?? {
    entries: v.entries,
    firstTime: null,
    lastTime: null,
    byType: {},
    exchanges: {},
    decisionTimes: [],
    denials: {},
    rejections: {},
    violationsByRule: {},
    violations: [],
    compliance: {},
  };
  const status = v.firstBad
    ? `FAILED at seq ${v.firstBad.seq}: ${v.firstBad.reason} — ${v.firstBad.message} (${v.firstBad.where})`
    : v.ok
      ? 'every check holds'
      : `the log verifies, but ${v.violations.length} business-rule violation(s) were found`;
  const exchanges = exchangeSeries(stats);
  const charts = {
    exchanges,
    decisionTimes: stats.decisionTimes,
    denials: stats.denials,
    rejections: stats.rejections,
  };
  const compliance = Object.entries(stats.compliance)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([dept, c]) => [dept, ...COMPLIANCE_COLUMNS.map(([k]) => c[k])]);
  const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>govx audit report — ${escapeHtml(input.origin)}</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1d232a; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #ccd; }
.status { padding: .8rem 1rem; border-radius: 6px; font-weight: 600; }
.ok { background: #e3f4e6; } .bad { background: #fbe4e4; } .warn { background: #fff3d6; }
table { border-collapse: collapse; margin: .5rem 0; } td, th { border: 1px solid #dde; padding: .25rem .6rem; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; } code { font-size: .85em; word-break: break-all; }
.chart { max-width: 60rem; } .none { color: #667; }
</style>
</head>
<body>
<h1>govx audit report</h1>
<p>Log <code>${escapeHtml(input.origin)}</code> read from <code>${escapeHtml(input.source)}</code>; report made ${escapeHtml(input.generatedAt)}.
Ledger time covered: ${escapeHtml(stats.firstTime ?? '—')} to ${escapeHtml(stats.lastTime ?? '—')}.</p>

<h2 id="verification">Verification</h2>
<p class="status ${v.firstBad ? 'bad' : v.ok ? 'ok' : 'warn'}">${escapeHtml(status)}</p>
${table(['entries read', 'entries verified', 'final checkpoints verified', 'last checkpoint size', 'root'], [[v.entries, v.size, v.checkpoints, v.lastCheckpointSize ?? '—', v.root]])}
<p>Checked: canonical form of every entry, seq and hash chain, every signature with the key valid at its seq (key registry),
each final checkpoint's quorum and its RFC 9162 root (consistency between checkpoints follows), and the business rules.</p>
${table(
  ['entry type', 'entries'],
  Object.entries(stats.byType)
    .sort()
    .map(([t, n]) => [t, n]),
)}

<h2 id="exchanges">Exchanges per department pair over time</h2>
${exchanges.series.length > 0 ? '<div class="chart"><canvas id="chart-exchanges"></canvas></div>' : ''}
${table(
  ['provider → requester', 'transfers'],
  Object.entries(stats.exchanges)
    .sort()
    .map(([p, d]) => [p, sum(d)]),
)}

<h2 id="decisions">Decision times</h2>
<p>From a request to its final approval or its refusal, in ledger time.</p>
${stats.decisionTimes.some((b) => b.count > 0) ? '<div class="chart"><canvas id="chart-decisions"></canvas></div>' : '<p class="none">no decisions</p>'}

<h2 id="denials">Denials and rejections</h2>
${sum(stats.denials) + sum(stats.rejections) > 0 ? '<div class="chart"><canvas id="chart-denials"></canvas></div>' : ''}
${table(
  ['provider', 'denials'],
  Object.entries(stats.denials)
    .sort()
    .map(([p, n]) => [p, n]),
)}
${table(
  ['rejection code', 'rejections'],
  Object.entries(stats.rejections)
    .sort()
    .map(([c, n]) => [c, n]),
)}

<h2 id="anomalies">Anomalies</h2>
${table(
  ['rule', 'violations'],
  Object.entries(stats.violationsByRule)
    .sort()
    .map(([r, n]) => [r, n]),
)}
${table(
  ['seq', 'rule', 'what'],
  stats.violations.map((x) => [x.seq, x.rule, x.message]),
)}

<h2 id="compliance">Compliance per department (政务数据共享条例, 2025)</h2>
${table(['department', ...COMPLIANCE_COLUMNS.map(([, label]) => label)], compliance)}

<script>${input.chartJs.replace(/<\/script/gi, '<\\/script')}</script>
<script type="application/json" id="report-data">${scriptJson(charts)}</script>
<script>
(function () {
  var d = JSON.parse(document.getElementById('report-data').textContent);
  if (typeof Chart === 'undefined') return;
  function chart(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }
  function bar(id, labels, data, label) {
    chart(id, { type: 'bar', data: { labels: labels, datasets: [{ label: label, data: data }] }, options: { animation: false } });
  }
  chart('chart-exchanges', {
    type: 'bar',
    data: { labels: d.exchanges.days, datasets: d.exchanges.series },
    options: { animation: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } }
  });
  bar('chart-decisions', d.decisionTimes.map(function (b) { return b.label; }), d.decisionTimes.map(function (b) { return b.count; }), 'decisions');
  var denials = Object.keys(d.denials).sort(), codes = Object.keys(d.rejections).sort();
  chart('chart-denials', {
    type: 'bar',
    data: {
      labels: denials.map(function (p) { return 'denied by ' + p; }).concat(codes.map(function (c) { return 'rejected: ' + c; })),
      datasets: [{ label: 'count', data: denials.map(function (p) { return d.denials[p]; }).concat(codes.map(function (c) { return d.rejections[c]; })) }]
    },
    options: { animation: false, indexAxis: 'y' }
  });
})();
</script>
</body>
</html>
`;
}
