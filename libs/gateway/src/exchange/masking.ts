// Field masking profiles (minimisation): per field, masking (keep some characters), substitution
// (a constant in place of the value) or generalisation (a coarser value: year of a date, district
// of an address, an amount rounded). A profile has an id; the transfer entry names it, so an
// auditor knows which view of the record was delivered. Profiles come from the provider's
// catalogue (`<datasetId>:v<version>:masked`) or from a published sharing policy's
// `maskingProfiles` (`<policyId>@<version>:<name>`, see contracts masking-profile.ts), whose
// methods map onto these rules (policyMaskingProfile). Pure and deterministic.
import { MaskingMethods, type MaskingMethod } from '@govx/contracts';
import { maskingMethod, type CatalogueEntry } from '../catalogue/catalogue-entry.js';
import type { DataRecord, FieldValue } from '../data-source/data-source.js';

export type MaskingRule =
  | { readonly kind: 'mask'; readonly keepStart: number; readonly keepEnd: number }
  | { readonly kind: 'substitute'; readonly value: string | null }
  | { readonly kind: 'generalise'; readonly to: 'year' | 'year-month' | 'district' }
  | { readonly kind: 'generalise'; readonly to: 'round'; readonly step: number }
  | { readonly kind: 'hash' };

/** The named rules catalogue fields refer to (CatalogueField.masking). */
export const MASKING_RULES: Readonly<Record<string, MaskingRule>> = Object.freeze({
  'id-number': { kind: 'mask', keepStart: 6, keepEnd: 4 },
  name: { kind: 'mask', keepStart: 1, keepEnd: 0 },
  certificate: { kind: 'mask', keepStart: 0, keepEnd: 4 },
  redact: { kind: 'substitute', value: '***' },
  'birth-year': { kind: 'generalise', to: 'year' },
  'year-month': { kind: 'generalise', to: 'year-month' },
  'address-district': { kind: 'generalise', to: 'district' },
  'round-1k': { kind: 'generalise', to: 'round', step: 1000 },
  'round-10k': { kind: 'generalise', to: 'round', step: 10_000 },
  /** A keyed hash (a pseudonym only the provider can compute); needs a FieldHasher. */
  hash: { kind: 'hash' },
});

/** The keyed hash of one field's value (rule `hash`); the provider holds the key. */
export type FieldHasher = (field: string, value: string) => string;

export interface MaskingProfile {
  /** `<datasetId>:v<version>:<name>` (e.g. `ps.identity:v1:masked`) or `<policyId>@<version>:<name>`. */
  readonly id: string;
  readonly datasetId: string;
  /** field name → rule id (MASKING_RULES); fields not listed pass unchanged. */
  readonly rules: Readonly<Record<string, string>>;
}

export class MaskingError extends Error {
  override readonly name = 'MaskingError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const PROFILE_ID_RE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+:v\d{1,7}:[a-z0-9-]{1,32}$/;
const MASK_CHAR = '*';

/** The profile that applies every field's catalogue masking rule: `<datasetId>:v<v>:masked`. */
export function catalogueMaskingProfile(entry: CatalogueEntry): MaskingProfile {
  const rules: Record<string, string> = {};
  for (const f of entry.fields) if (f.masking) rules[f.name] = f.masking;
  return { id: `${entry.datasetId}:v${entry.version}:masked`, datasetId: entry.datasetId, rules };
}

/**
 * The profile a policy's `maskingProfiles[name]` (field → method) amounts to for `entry`, as
 * libs/policy evaluates it: per field the stricter (none < partial < hash < redact) of the
 * catalogue's method and the profile's, then partial → the field's catalogue rule (redact when
 * the catalogue has none: never less masking than asked), redact → substitution, hash → the
 * keyed hash, none → unchanged. `methods` is read from a ledger entry's document: MaskingError
 * names a bad member.
 */
export function policyMaskingProfile(
  id: string,
  entry: CatalogueEntry,
  methods: unknown,
): MaskingProfile {
  if (typeof methods !== 'object' || methods === null || Array.isArray(methods))
    throw new MaskingError('maskingProfile', `the policy has no masking profile ${id}`);
  const asked = methods as Record<string, unknown>;
  for (const [field, method] of Object.entries(asked)) {
    if (!(MaskingMethods as readonly unknown[]).includes(method))
      throw new MaskingError(
        `maskingProfiles/${field}`,
        `unknown masking method ${JSON.stringify(method)}`,
      );
    if (!entry.fields.some((f) => f.name === field))
      throw new MaskingError(`maskingProfiles/${field}`, `no field ${field} in ${entry.datasetId}`);
  }
  const rules: Record<string, string> = {};
  for (const f of entry.fields) {
    const profileMethod = Object.hasOwn(asked, f.name) ? (asked[f.name] as MaskingMethod) : 'none';
    const rule = ruleFor(stricter(maskingMethod(f.masking), profileMethod), f.masking);
    if (rule !== null) rules[f.name] = rule;
  }
  return { id, datasetId: entry.datasetId, rules };
}

/** The stricter of two methods, in the order of MaskingMethods (none < partial < hash < redact). */
function stricter(a: MaskingMethod, b: MaskingMethod): MaskingMethod {
  return MaskingMethods.indexOf(a) >= MaskingMethods.indexOf(b) ? a : b;
}

function ruleFor(method: MaskingMethod, catalogueRule: string | undefined): string | null {
  switch (method) {
    case 'none':
      return null;
    case 'redact':
      return 'redact';
    case 'hash':
      return 'hash';
    case 'partial':
      return catalogueRule !== undefined && Object.hasOwn(MASKING_RULES, catalogueRule)
        ? catalogueRule
        : 'redact';
  }
}

/** Throws MaskingError naming the first bad member. */
export function assertMaskingProfile(profile: MaskingProfile): void {
  if (typeof profile.id !== 'string' || !PROFILE_ID_RE.test(profile.id)) {
    throw new MaskingError('id', 'expected <datasetId>:v<version>:<name>');
  }
  if (!profile.id.startsWith(`${profile.datasetId}:v`)) {
    throw new MaskingError('datasetId', 'does not match the profile id');
  }
  for (const [field, ruleId] of Object.entries(profile.rules)) {
    if (!Object.hasOwn(MASKING_RULES, ruleId)) {
      throw new MaskingError(`rules/${field}`, `unknown masking rule ${JSON.stringify(ruleId)}`);
    }
  }
}

/** Applies one rule to one value of `field`; null stays null. */
export function applyMaskingRule(
  rule: MaskingRule,
  value: FieldValue,
  field = 'value',
  hasher?: FieldHasher,
): FieldValue {
  if (value === null) return null;
  switch (rule.kind) {
    case 'hash':
      if (!hasher)
        throw new MaskingError(field, 'a hash rule needs the provider key (FieldHasher)');
      return hasher(field, String(value));
    case 'substitute':
      return rule.value;
    case 'mask': {
      const chars = [...String(value)];
      const keepStart = Math.min(rule.keepStart, chars.length);
      const keepEnd = Math.min(rule.keepEnd, chars.length - keepStart);
      return (
        chars.slice(0, keepStart).join('') +
        MASK_CHAR.repeat(chars.length - keepStart - keepEnd) +
        chars.slice(chars.length - keepEnd).join('')
      );
    }
    case 'generalise':
      return generalise(rule, value);
  }
}

function generalise(
  rule: Extract<MaskingRule, { kind: 'generalise' }>,
  value: Exclude<FieldValue, null>,
): FieldValue {
  const text = String(value);
  switch (rule.to) {
    case 'year':
      return /^\d{4}/.test(text) ? text.slice(0, 4) : MASK_CHAR;
    case 'year-month':
      return /^\d{4}-\d{2}/.test(text) ? text.slice(0, 7) : MASK_CHAR;
    case 'district': {
      // Keep the administrative part: up to the first 区 (district) or 县 (county).
      const m = /^.*?[区县]/u.exec(text);
      return m ? m[0] : MASK_CHAR;
    }
    case 'round': {
      const n = typeof value === 'number' ? value : Number(text);
      return Number.isFinite(n) ? Math.round(n / rule.step) * rule.step : null;
    }
  }
}

/** The record with the profile applied to every field it names (a new object). */
export function applyMaskingProfile(
  profile: MaskingProfile,
  record: DataRecord,
  hasher?: FieldHasher,
): DataRecord {
  const out: Record<string, FieldValue> = {};
  for (const [field, value] of Object.entries(record)) {
    const ruleId = profile.rules[field];
    out[field] =
      ruleId === undefined ? value : applyMaskingRule(MASKING_RULES[ruleId]!, value, field, hasher);
  }
  return out;
}

/** Keeps only `fields` (in that order); a field the record lacks is an error. */
export function keepApprovedFields(record: DataRecord, fields: readonly string[]): DataRecord {
  const out: Record<string, FieldValue> = {};
  fields.forEach((f, i) => {
    if (!Object.hasOwn(record, f)) throw new MaskingError(`fields/${i}`, `record has no ${f}`);
    out[f] = record[f]!;
  });
  return out;
}
