// Two rules contradict when some request matches both and they give different outcomes.
// Rules are not ordered: every matching rule fires and they must agree, so a policy's
// meaning never depends on how its rules are listed.
import type { CompiledCondition, CompiledRule } from './compile.js';
import type { PolicyOutcome } from './policy-document.js';

const overlaps = (a: ReadonlySet<string> | null, b: ReadonlySet<string> | null): boolean => {
  if (!a || !b) return true;
  for (const x of a) if (b.has(x)) return true;
  return false;
};

/** MUST be true whenever one request can satisfy both conditions (it may over-approximate). */
export function conditionsOverlap(a: CompiledCondition, b: CompiledCondition): boolean {
  return (
    overlaps(a.requesters, b.requesters) &&
    overlaps(a.purposes, b.purposes) &&
    overlaps(a.legalBases, b.legalBases) &&
    // A request of one field in both lists satisfies both `fields` constraints.
    overlaps(a.fields, b.fields) &&
    overlaps(a.methods, b.methods) &&
    (a.days & b.days) !== 0 &&
    a.from < b.to &&
    b.from < a.to &&
    (a.validFrom === null || b.validUntil === null || a.validFrom <= b.validUntil) &&
    (b.validFrom === null || a.validUntil === null || b.validFrom <= a.validUntil)
  );
}

export function sameOutcome(a: PolicyOutcome, b: PolicyOutcome): boolean {
  return (
    a.decision === b.decision &&
    a.officers === b.officers &&
    (a.maskingProfile ?? null) === (b.maskingProfile ?? null)
  );
}

/** The indices [earlier, later] of the first contradicting pair, or null. */
export function findContradiction(rules: readonly CompiledRule[]): [number, number] | null {
  for (let j = 1; j < rules.length; j++)
    for (let i = 0; i < j; i++)
      if (
        !sameOutcome(rules[i]!.then, rules[j]!.then) &&
        conditionsOverlap(rules[i]!.when, rules[j]!.when)
      )
        return [i, j];
  return null;
}
