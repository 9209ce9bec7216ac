// The gateway's configuration: one JSON file, validated once at boot into a typed object with
// named defaults; a bad setting stops the process with a message naming it.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';

export interface GatewayConfig {
  readonly department: string;
  readonly suite: 'intl' | 'sm';
  /** PKCS#8 PEM files, mode 0600, created when missing. */
  readonly keys: {
    readonly signingKeyFile: string;
    readonly encryptionKeyFile: string;
    /** The key of `dept/<department>/office` (§20 endorsement), if this gateway holds it. */
    readonly officeKeyFile?: string;
  };
  /** Endorse every request right after submitting it (needs keys.officeKeyFile). */
  readonly autoEndorse: boolean;
  readonly nats: {
    readonly servers: readonly string[];
    readonly replicas: number;
    readonly user?: string;
    readonly pass?: string;
  };
  /** A ledger node's HTTP API: replay tip and inclusion proofs. */
  readonly ledger: { readonly httpUrl: string };
  /** The department's PostgreSQL; `demo`: create and fill the demo tables at start. */
  readonly dataSource: { readonly url: string; readonly demo: boolean; readonly seed?: string };
  readonly payloads: {
    readonly retentionMs: number;
    readonly retentionCeilingMs: number;
    readonly eraseEveryMs: number;
  };
  readonly http: { readonly host: string; readonly port: number };
  /**
   * Who may call the HTTP API (libs/access): accounts and API keys (hashed) in the gateway's
   * own database, session MACs under the secret in `tokenSecretFile` (0600, created when
   * missing). No credential is ever written in this file.
   */
  readonly access: {
    readonly databaseUrl: string;
    readonly tokenSecretFile: string;
    /**
     * API keys to register at start (their hash only) for the named systems, each read from a
     * 0600 file (how `govx up` seeds its demo system); a key already known, even revoked, is
     * left as it is.
     */
    readonly seedKeys: readonly { readonly system: string; readonly keyFile: string }[];
    /**
     * People's accounts to create at start when missing (how `govx up` gives each gateway its
     * office head), the password read from a 0600 file; an existing account is left as it is.
     */
    readonly seedAccounts: readonly {
      readonly name: string;
      readonly role: 'office-head' | 'auditor';
      readonly passwordFile: string;
    }[];
  };
  /** Encryption keys (SPKI PEM) of departments not registered on the ledger yet. */
  readonly peers: Readonly<Record<string, string>>;
}

export const GATEWAY_DEFAULTS = {
  suite: 'intl',
  nats: { replicas: 3 },
  payloads: {
    retentionMs: 30 * 24 * 3600 * 1000,
    retentionCeilingMs: 90 * 24 * 3600 * 1000,
    eraseEveryMs: 60_000,
  },
  http: { host: '127.0.0.1', port: 0 },
} as const;

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['department', 'keys', 'nats', 'ledger', 'dataSource', 'access'],
  properties: {
    department: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
    suite: { enum: ['intl', 'sm'] },
    autoEndorse: { type: 'boolean' },
    keys: {
      type: 'object',
      additionalProperties: false,
      required: ['signingKeyFile', 'encryptionKeyFile'],
      properties: {
        signingKeyFile: { type: 'string', minLength: 1 },
        encryptionKeyFile: { type: 'string', minLength: 1 },
        officeKeyFile: { type: 'string', minLength: 1 },
      },
    },
    nats: {
      type: 'object',
      additionalProperties: false,
      required: ['servers'],
      properties: {
        servers: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^nats://' } },
        replicas: { type: 'integer', minimum: 1, maximum: 5 },
        user: { type: 'string' },
        pass: { type: 'string' },
      },
    },
    ledger: {
      type: 'object',
      additionalProperties: false,
      required: ['httpUrl'],
      properties: { httpUrl: { type: 'string', pattern: '^https?://' } },
    },
    dataSource: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: { type: 'string', pattern: '^postgres(ql)?://' },
        demo: { type: 'boolean' },
        seed: { type: 'string', minLength: 1 },
      },
    },
    payloads: {
      type: 'object',
      additionalProperties: false,
      properties: {
        retentionMs: { type: 'integer', minimum: 1000 },
        retentionCeilingMs: { type: 'integer', minimum: 1000 },
        eraseEveryMs: { type: 'integer', minimum: 100 },
      },
    },
    http: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1 },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
      },
    },
    access: {
      type: 'object',
      additionalProperties: false,
      required: ['databaseUrl', 'tokenSecretFile'],
      properties: {
        databaseUrl: { type: 'string', pattern: '^postgres(ql)?://[^/]+/[a-z_][a-z0-9_]{0,62}$' },
        tokenSecretFile: { type: 'string', minLength: 1 },
        seedKeys: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['system', 'keyFile'],
            properties: {
              system: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' },
              keyFile: { type: 'string', minLength: 1 },
            },
          },
        },
        seedAccounts: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'role', 'passwordFile'],
            properties: {
              name: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' },
              role: { enum: ['office-head', 'auditor'] },
              passwordFile: { type: 'string', minLength: 1 },
            },
          },
        },
      },
    },
    peers: {
      type: 'object',
      additionalProperties: { type: 'string', pattern: '-----BEGIN PUBLIC KEY-----' },
    },
  },
} as const;

export class GatewayConfigError extends Error {
  override readonly name = 'GatewayConfigError';
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`gateway config ${setting}: ${message}`);
  }
}

const validate = new Ajv({ allErrors: false, strict: true }).compile(SCHEMA);

/** Validates a parsed config and fills in defaults; relative key files resolve from `baseDir`. */
export function parseGatewayConfig(raw: unknown, baseDir = process.cwd()): GatewayConfig {
  if (typeof raw === 'object' && raw !== null && Object.hasOwn(raw, 'systems')) {
    throw new GatewayConfigError(
      '/systems',
      'tokens in the configuration are no longer accepted: create an API key per calling system with `govx gateway key create` (docs/department-gateway.md)',
    );
  }
  if (!validate(raw)) {
    const e = validate.errors?.[0] as ErrorObject | undefined;
    const extra =
      e?.keyword === 'additionalProperties'
        ? `/${String((e.params as { additionalProperty: string }).additionalProperty)}`
        : e?.keyword === 'required'
          ? `/${String((e.params as { missingProperty: string }).missingProperty)}`
          : '';
    throw new GatewayConfigError(
      `${e?.instancePath ?? ''}${extra}` || '/',
      e?.message ?? 'invalid',
    );
  }
  const c = raw as unknown as {
    department: string;
    suite?: 'intl' | 'sm';
    autoEndorse?: boolean;
    keys: GatewayConfig['keys'];
    nats: { servers: string[]; replicas?: number; user?: string; pass?: string };
    ledger: GatewayConfig['ledger'];
    dataSource: { url: string; demo?: boolean; seed?: string };
    payloads?: Partial<GatewayConfig['payloads']>;
    http?: Partial<GatewayConfig['http']>;
    access: {
      databaseUrl: string;
      tokenSecretFile: string;
      seedKeys?: { system: string; keyFile: string }[];
      seedAccounts?: { name: string; role: 'office-head' | 'auditor'; passwordFile: string }[];
    };
    peers?: Record<string, string>;
  };
  if (c.autoEndorse && !c.keys.officeKeyFile) {
    throw new GatewayConfigError('/autoEndorse', 'needs keys.officeKeyFile');
  }
  return {
    department: c.department,
    suite: c.suite ?? GATEWAY_DEFAULTS.suite,
    autoEndorse: c.autoEndorse ?? false,
    keys: {
      signingKeyFile: resolve(baseDir, c.keys.signingKeyFile),
      encryptionKeyFile: resolve(baseDir, c.keys.encryptionKeyFile),
      ...(c.keys.officeKeyFile ? { officeKeyFile: resolve(baseDir, c.keys.officeKeyFile) } : {}),
    },
    nats: { ...c.nats, replicas: c.nats.replicas ?? GATEWAY_DEFAULTS.nats.replicas },
    ledger: c.ledger,
    dataSource: { ...c.dataSource, demo: c.dataSource.demo ?? false },
    payloads: { ...GATEWAY_DEFAULTS.payloads, ...c.payloads },
    http: { ...GATEWAY_DEFAULTS.http, ...c.http },
    access: {
      databaseUrl: c.access.databaseUrl,
      tokenSecretFile: resolve(baseDir, c.access.tokenSecretFile),
      seedKeys: (c.access.seedKeys ?? []).map((k) => ({
        system: k.system,
        keyFile: resolve(baseDir, k.keyFile),
      })),
      seedAccounts: (c.access.seedAccounts ?? []).map((a) => ({
        ...a,
        passwordFile: resolve(baseDir, a.passwordFile),
      })),
    },
    peers: c.peers ?? {},
  };
}

export function loadGatewayConfig(path: string): GatewayConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new GatewayConfigError(path, (e as Error).message);
  }
  return parseGatewayConfig(raw, dirname(resolve(path)));
}
