// The governance service's configuration, validated once at boot (STYLE rule 8): every
// problem names the variable at fault.
import { importSigningPrivateKey, type SigningPrivateKey } from '@govx/crypto';
import type { CalendarConfig } from '@govx/policy';

export interface GovernanceConfig {
  readonly natsServers: readonly string[];
  /** The service's NATS user (docs/access.md §3), when the servers require one. */
  readonly natsAuth?: {
    readonly user: string;
    readonly pass: string;
    readonly inboxPrefix?: string;
  };
  /** postgres:// URL of governance's own database (created if missing, migrated at boot). */
  readonly databaseUrl: string;
  readonly http: { readonly host: string; readonly port: number };
  /** The policy engine's signing key: decisions and deadline breaches (actor gov/policy-engine). */
  readonly engineKey: SigningPrivateKey;
  readonly calendar: CalendarConfig;
  /** Working days an approval stays valid (its `expires`). */
  readonly approvalValidityDays: number;
  /** Key of @govx/access session tokens (≥ 32 bytes). */
  readonly tokenSecret: Uint8Array;
  /** The wall-clock duty timer (deadlines on an idle ledger); defaults GOVERNANCE_DEFAULTS. */
  readonly timer?: {
    /** Act this long after a duty fell due: covers clock skew to the ledger nodes. */
    readonly graceMs: number;
    /** Look at least this often. */
    readonly maxSleepMs: number;
  };
}

export class GovernanceConfigError extends Error {
  override readonly name = 'GovernanceConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

export const GOVERNANCE_DEFAULTS = {
  host: '127.0.0.1',
  port: 3100,
  approvalValidityDays: 20,
  natsServers: ['nats://127.0.0.1:4222'],
  timerGraceMs: 2_000,
  timerMaxSleepMs: 60_000,
} as const;

function list(value: string | undefined, name: string): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new GovernanceConfigError(name, 'empty item in list');
  return items;
}

/** Reads GOVX_GOVERNANCE_* variables (the only reader of process.env in this service). */
export function loadGovernanceConfig(env: NodeJS.ProcessEnv): GovernanceConfig {
  const need = (name: string): string => {
    const v = env[name];
    if (v === undefined || v === '') throw new GovernanceConfigError(name, 'required');
    return v;
  };
  const port = Number(env['GOVX_GOVERNANCE_PORT'] ?? GOVERNANCE_DEFAULTS.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new GovernanceConfigError('GOVX_GOVERNANCE_PORT', 'a TCP port');
  const validity = Number(
    env['GOVX_GOVERNANCE_APPROVAL_DAYS'] ?? GOVERNANCE_DEFAULTS.approvalValidityDays,
  );
  if (!Number.isInteger(validity) || validity < 1 || validity > 366)
    throw new GovernanceConfigError('GOVX_GOVERNANCE_APPROVAL_DAYS', 'an integer 1–366');
  let engineKey: SigningPrivateKey;
  try {
    engineKey = importSigningPrivateKey(need('GOVX_GOVERNANCE_ENGINE_KEY_PEM'));
  } catch (e) {
    if (e instanceof GovernanceConfigError) throw e;
    throw new GovernanceConfigError('GOVX_GOVERNANCE_ENGINE_KEY_PEM', (e as Error).message);
  }
  const databaseUrl = need('GOVX_GOVERNANCE_DATABASE_URL');
  if (!/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new GovernanceConfigError('GOVX_GOVERNANCE_DATABASE_URL', 'a postgres:// URL');
  const secret = need('GOVX_GOVERNANCE_TOKEN_SECRET');
  if (!/^([0-9a-f]{2}){32,}$/.test(secret))
    throw new GovernanceConfigError(
      'GOVX_GOVERNANCE_TOKEN_SECRET',
      'at least 32 bytes, lowercase hex',
    );
  const grace = Number(env['GOVX_GOVERNANCE_TIMER_GRACE_MS'] ?? GOVERNANCE_DEFAULTS.timerGraceMs);
  if (!Number.isInteger(grace) || grace < 0 || grace > 3_600_000)
    throw new GovernanceConfigError('GOVX_GOVERNANCE_TIMER_GRACE_MS', 'an integer 0–3600000 (ms)');
  const calendar: CalendarConfig = {
    holidays: list(env['GOVX_GOVERNANCE_HOLIDAYS'], 'GOVX_GOVERNANCE_HOLIDAYS') ?? [],
    workdays: list(env['GOVX_GOVERNANCE_WORKDAYS'], 'GOVX_GOVERNANCE_WORKDAYS') ?? [],
  };
  const natsUser = env['GOVX_NATS_USER'];
  const natsPass = env['GOVX_NATS_PASS'];
  if ((natsUser === undefined) !== (natsPass === undefined))
    throw new GovernanceConfigError(
      natsUser === undefined ? 'GOVX_NATS_USER' : 'GOVX_NATS_PASS',
      'GOVX_NATS_USER and GOVX_NATS_PASS go together',
    );
  const inboxPrefix = env['GOVX_NATS_INBOX_PREFIX'];
  return {
    ...(natsUser !== undefined && natsPass !== undefined
      ? {
          natsAuth: {
            user: natsUser,
            pass: natsPass,
            ...(inboxPrefix ? { inboxPrefix } : {}),
          },
        }
      : {}),
    natsServers: list(env['GOVX_NATS_SERVERS'], 'GOVX_NATS_SERVERS') ?? [
      ...GOVERNANCE_DEFAULTS.natsServers,
    ],
    databaseUrl,
    http: { host: env['GOVX_GOVERNANCE_HOST'] ?? GOVERNANCE_DEFAULTS.host, port },
    engineKey,
    calendar,
    approvalValidityDays: validity,
    tokenSecret: Uint8Array.from(Buffer.from(secret, 'hex')),
    timer: { graceMs: grace, maxSleepMs: GOVERNANCE_DEFAULTS.timerMaxSleepMs },
  };
}
