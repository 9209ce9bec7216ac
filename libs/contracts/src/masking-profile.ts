// One id space for masking profiles, shared by governance (approvals), gateways (transfers) and
// auditors. Two forms:
// - catalogue profile: `<datasetId>:v<version>:<name>` (the provider's catalogue rules,
//   e.g. `ps.identity:v1:masked`);
// - policy profile: `<policyId>@<version>:<name>`, a `maskingProfiles` entry of the
//   `policy.publish` entry with that policy id and version (e.g. `tax-clearance-sharing@3:registry`).
// Policy ids, dataset ids and profile names never contain `@`, so the forms cannot collide
// (the version is digits, so a name may hold `:`).
// Pure.

/** JSON Schema of a masking profile id (approval and transfer bodies). */
export const maskingProfileIdSchema = {
  type: 'string',
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]{0,299}$',
} as const;

export interface PolicyMaskingProfileRef {
  readonly policyId: string;
  readonly version: number;
  readonly name: string;
}

const POLICY_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const NAME_RE = POLICY_ID_RE; // a policy's maskingProfiles keys
const POLICY_PROFILE_RE = /^([^@]+)@([1-9][0-9]{0,8}):([^@]+)$/;

export class MaskingProfileIdError extends Error {
  override readonly name = 'MaskingProfileIdError';
  readonly field = 'maskingProfile';
}

/** `<policyId>@<version>:<name>`; throws MaskingProfileIdError on a member it cannot carry. */
export function policyMaskingProfileId(policyId: string, version: number, name: string): string {
  if (!POLICY_ID_RE.test(policyId)) throw new MaskingProfileIdError(`bad policy id ${policyId}`);
  if (!Number.isSafeInteger(version) || version < 1 || version > 999_999_999)
    throw new MaskingProfileIdError(`bad policy version ${version}`);
  if (!NAME_RE.test(name)) throw new MaskingProfileIdError(`bad masking profile name ${name}`);
  return `${policyId}@${version}:${name}`;
}

/** The parts of a policy profile id, or null for any other id (e.g. a catalogue profile). */
export function parsePolicyMaskingProfileId(id: string): PolicyMaskingProfileRef | null {
  const m = POLICY_PROFILE_RE.exec(id);
  if (!m || !POLICY_ID_RE.test(m[1]!) || !NAME_RE.test(m[3]!)) return null;
  return { policyId: m[1]!, version: Number(m[2]), name: m[3]! };
}
