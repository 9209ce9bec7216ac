// What changed between two versions of a catalogue entry, member by member, so an auditor can
// see at a glance what a new version took away or made harder (§15).
import type { CataloguePublishBody } from '@govx/contracts';
import { conditionsAdded } from './governance-rules.js';

export interface FieldChange {
  readonly name: string;
  readonly member: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface CatalogueDiff {
  readonly datasetId: string;
  readonly from: number;
  readonly to: number;
  readonly fieldsAdded: readonly string[];
  readonly fieldsRemoved: readonly string[];
  readonly fieldsChanged: readonly FieldChange[];
  /** Top-level members (name, format, methods, sharing, …) whose value changed. */
  readonly changed: readonly {
    readonly member: string;
    readonly from: unknown;
    readonly to: unknown;
  }[];
  /** The restrictions the newer version adds (see conditionsAdded). */
  readonly conditionsAdded: readonly string[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function diffCatalogue(a: CataloguePublishBody, b: CataloguePublishBody): CatalogueDiff {
  if (a.datasetId !== b.datasetId) throw new RangeError('b.datasetId: another dataset');
  const before = new Map(a.fields.map((f) => [f.name, f]));
  const after = new Map(b.fields.map((f) => [f.name, f]));
  const fieldsChanged: FieldChange[] = [];
  for (const [name, f] of after) {
    const old = before.get(name);
    if (!old) continue;
    for (const member of ['type', 'title', 'classification', 'grade', 'masking'] as const)
      if (old[member] !== f[member])
        fieldsChanged.push({ name, member, from: old[member], to: f[member] });
  }
  const changed = (
    [
      'name',
      'description',
      'provider',
      'format',
      'updateFrequency',
      'methods',
      'sharing',
      'secrecy',
    ] as const
  )
    .filter((m) => !same(a[m], b[m]))
    .map((member) => ({ member, from: a[member] ?? null, to: b[member] ?? null }));
  return {
    datasetId: a.datasetId,
    from: a.version,
    to: b.version,
    fieldsAdded: [...after.keys()].filter((n) => !before.has(n)),
    fieldsRemoved: [...before.keys()].filter((n) => !after.has(n)),
    fieldsChanged,
    changed,
    conditionsAdded: conditionsAdded(a, b),
  };
}
