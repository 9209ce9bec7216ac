// The catalogue and the sharing policies as governance holds them (docs/governance.md
// "Policies", "Requests"), rebuilt from the log, so that the audit re-runs a decision with the
// policy governance used: at `policy.publish` a version is active when it compiles against the
// dataset's latest unretired catalogue version and names the entry's id, version and provider
// (else invalid, never used); at `request.endorse` a request takes the provider's most recently
// published active policy for the dataset that compiles against the requested catalogue version,
// else the category defaults (`category-default` version 1), evaluated at the endorsement's
// ledger time. Four eyes are required where that evaluation says so (the policy demands it, or
// the highest grade is requested) or where an approval names a field of the highest grade.
import {
  HighestGrade,
  type CataloguePublishBody,
  type PolicyPublishBody,
  type RequestBody,
} from '@govx/contracts';
import { actorDepartment } from '@govx/ledger-core';
import { compilePolicy, evaluate, type CompiledPolicy, type PolicyEvaluation } from '@govx/policy';

/** Governance's fallback when no active policy fits (libs/governance projection). */
export const CATEGORY_DEFAULT = { id: 'category-default', version: 1 } as const;

interface PolicyState {
  readonly body: PolicyPublishBody;
  readonly seq: number;
  readonly active: boolean;
  retired: boolean;
}

/** What governance decided with at endorsement: a policy key (`id@version`), or the defaults. */
export interface PolicyChoice {
  readonly key: string | null;
  readonly time: string;
}

export interface RequestForPolicy {
  readonly actor: string;
  readonly time: string;
  readonly body: RequestBody;
}

const key = (id: string, version: number): string => `${id}@${version}`;

export class PolicyBook {
  private readonly catalogue = new Map<string, Map<number, CataloguePublishBody>>();
  private readonly retiredVersions = new Set<string>();
  private readonly policies = new Map<string, PolicyState>();
  /** Compiled policies by `id@version|datasetVersion` (or the compile error). */
  private readonly compiled = new Map<string, CompiledPolicy | string>();

  /** Records a catalogue version; returns the dataset's previous latest version. */
  publishCatalogue(b: CataloguePublishBody): CataloguePublishBody | undefined {
    const versions = this.catalogue.get(b.datasetId) ?? new Map<number, CataloguePublishBody>();
    const previous = [...versions.values()].at(-1);
    versions.set(b.version, b);
    this.catalogue.set(b.datasetId, versions);
    return previous;
  }

  retireCatalogue(datasetId: string, version: number): void {
    this.retiredVersions.add(key(datasetId, version));
  }

  entry(datasetId: string, version: number): CataloguePublishBody | undefined {
    return this.catalogue.get(datasetId)?.get(version);
  }

  /** The latest unretired version of a dataset: what governance compiles a new policy against. */
  private current(datasetId: unknown): CataloguePublishBody | undefined {
    if (typeof datasetId !== 'string') return undefined;
    const versions = [...(this.catalogue.get(datasetId)?.values() ?? [])]
      .filter((v) => !this.retiredVersions.has(key(datasetId, v.version)))
      .sort((a, b) => b.version - a.version);
    return versions[0];
  }

  /** A `policy.publish` as governance applies it (ignored when not by the office or an admin). */
  publishPolicy(actor: string, seq: number, b: PolicyPublishBody): void {
    const k = key(b.policyId, b.version);
    if (this.policies.has(k)) return;
    if (actor !== `dept/${b.provider}/office` && !actor.startsWith('gov/admin/')) return;
    const entry = this.current(b.document['dataset']);
    let active = false;
    try {
      const c = compilePolicy(b.document, (id) => (entry?.datasetId === id ? entry : undefined));
      active =
        c.policyId === b.policyId && c.version === b.version && c.document.provider === b.provider;
    } catch {
      active = false;
    }
    this.policies.set(k, { body: b, seq, active, retired: false });
  }

  retirePolicy(id: string, version: number): void {
    const p = this.policies.get(key(id, version));
    if (p) p.retired = true;
  }

  /** The policy governance takes for `request` now (call at its endorsement). */
  choose(request: RequestForPolicy, time: string): PolicyChoice {
    const r = request.body;
    const candidates = [...this.policies.entries()]
      .filter(
        ([, p]) =>
          p.active &&
          !p.retired &&
          p.body.provider === r.provider &&
          p.body.document['dataset'] === r.datasetId,
      )
      .sort(([, a], [, b]) => b.seq - a.seq);
    for (const [k] of candidates)
      if (typeof this.compile(k, r.datasetId, r.datasetVersion) !== 'string')
        return { key: k, time };
    return { key: null, time };
  }

  /**
   * Re-evaluates `request` under the policy `named` (`category-default` v1 included) at `time`;
   * a string says why it cannot be.
   */
  evaluateNamed(
    request: RequestForPolicy,
    named: { readonly id: string; readonly version: number },
    time: string,
  ): PolicyEvaluation | string {
    const k = key(named.id, named.version);
    const isDefault =
      named.id === CATEGORY_DEFAULT.id && named.version === CATEGORY_DEFAULT.version;
    if (!isDefault) {
      const p = this.policies.get(k);
      if (!p) return `policy ${named.id} v${named.version} was never published`;
      if (p.retired) return `policy ${named.id} v${named.version} was retired`;
    }
    return this.run(isDefault ? null : k, request, time);
  }

  /** Re-evaluates `request` with governance's choice. */
  evaluateChoice(request: RequestForPolicy, choice: PolicyChoice): PolicyEvaluation | string {
    return this.run(choice.key, request, choice.time);
  }

  /**
   * Whether an officer approval of `fields` needs four eyes, the way governance decides it:
   * its evaluation of the request says `four-eyes` (policy demand, or the highest grade
   * requested), or an approved field has the highest grade in the requested catalogue version.
   */
  fourEyes(request: RequestForPolicy, choice: PolicyChoice, fields: readonly string[]): boolean {
    const evaluation = this.evaluateChoice(request, choice);
    if (typeof evaluation !== 'string' && evaluation.officers === 'four-eyes') return true;
    const entry = this.entry(request.body.datasetId, request.body.datasetVersion);
    const grades = new Map(entry?.fields.map((f) => [f.name, f.grade]) ?? []);
    return fields.some((f) => grades.get(f) === HighestGrade);
  }

  private run(
    policyKey: string | null,
    request: RequestForPolicy,
    time: string,
  ): PolicyEvaluation | string {
    const r = request.body;
    const entry = this.entry(r.datasetId, r.datasetVersion);
    if (!entry) return `dataset ${r.datasetId} v${r.datasetVersion} is not in the catalogue`;
    const compiled = this.compile(policyKey, r.datasetId, r.datasetVersion);
    if (typeof compiled === 'string') return compiled;
    try {
      return evaluate(
        compiled,
        entry,
        {
          datasetId: r.datasetId,
          fields: r.fields,
          purpose: r.purpose,
          legalBasis: r.legalBasis,
          method: r.method,
          requester: actorDepartment(request.actor) ?? request.actor,
        },
        { time },
      );
    } catch (e) {
      return `policy ${compiled.policyId} v${compiled.version} does not evaluate: ${(e as Error).message}`;
    }
  }

  /** The policy `policyKey` (null: the category defaults) compiled against one catalogue version. */
  private compile(
    policyKey: string | null,
    datasetId: string,
    datasetVersion: number,
  ): CompiledPolicy | string {
    const cacheKey = `${policyKey ?? key(CATEGORY_DEFAULT.id, CATEGORY_DEFAULT.version)}|${datasetId}@${datasetVersion}`;
    const cached = this.compiled.get(cacheKey);
    if (cached !== undefined) return cached;
    const entry = this.entry(datasetId, datasetVersion);
    let result: CompiledPolicy | string;
    if (!entry) result = `dataset ${datasetId} v${datasetVersion} is not in the catalogue`;
    else {
      const p = policyKey === null ? undefined : this.policies.get(policyKey);
      const document = p
        ? p.body.document
        : {
            policyId: CATEGORY_DEFAULT.id,
            version: CATEGORY_DEFAULT.version,
            provider: entry.provider,
            dataset: entry.datasetId,
          };
      try {
        result = compilePolicy(document, (id) => (id === datasetId ? entry : undefined));
      } catch (e) {
        result = `policy ${policyKey ?? CATEGORY_DEFAULT.id} does not compile against ${datasetId} v${datasetVersion}: ${(e as Error).message}`;
      }
    }
    this.compiled.set(cacheKey, result);
    return result;
  }
}
