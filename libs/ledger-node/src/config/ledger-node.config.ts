// The ledger node's configuration: one JSON file, validated once at boot (JSON Schema),
// into a typed object with named defaults. Nothing else reads the environment.
import { readFileSync } from 'node:fs';
import { KeyRegistry, KeyRuleError, ROLES, type BootstrapKey } from '@govx/ledger-core';
import { Ajv, type ErrorObject } from 'ajv';

export interface ClusterNodeConfig {
  readonly id: string;
  /** The department that runs the node: the checkpoint quorum counts operators. */
  readonly operator: string;
  /** The node's C2SP verifier key, `name+hash+base64`. */
  readonly vkey: string;
}

export interface LedgerNodeConfig {
  readonly node: {
    readonly id: string;
    readonly operator: string;
    /** Key name in checkpoint signatures, e.g. `ledger-1.govx.example`. */
    readonly noteName: string;
    /** PKCS#8 PEM of the node's Ed25519 (or SM2) checkpoint key; the file must be 0600. */
    readonly keyFile: string;
  };
  /** The log's identity, the first line of every checkpoint. */
  readonly origin: string;
  readonly hash: 'sha256' | 'sm3';
  readonly nats: {
    readonly servers: readonly string[];
    readonly replicas: number;
    readonly user?: string;
    readonly pass?: string;
  };
  readonly database: { readonly url: string; readonly createDatabase: boolean };
  readonly http: { readonly host: string; readonly port: number };
  readonly cluster: {
    readonly quorum: number;
    readonly nodes: readonly ClusterNodeConfig[];
    /**
     * 'preferred' (default): the first live node in `nodes` order takes submissions, the
     * others stand by. 'all': every node takes them and their appends contend (safe, slower).
     */
    readonly sequencers: 'preferred' | 'all';
  };
  /**
   * Bootstrap keys (SPKI PEM): valid from seq 0 until a key entry revokes or rotates them.
   * The first admin key comes from here; every other key is registered on the ledger.
   */
  readonly keys: readonly BootstrapKey[];
  readonly checkpoint: { readonly everyEntries: number; readonly everyMs: number };
  readonly limits: {
    readonly maxEntryBytes: number;
    readonly maxBatch: number;
    readonly ackTimeoutMs: number;
  };
}

const DEFAULTS = {
  hash: 'sha256',
  nats: { replicas: 3 },
  database: { createDatabase: true },
  http: { host: '127.0.0.1', port: 0 },
  checkpoint: { everyEntries: 1000, everyMs: 1000 },
  limits: { maxEntryBytes: 64 * 1024, maxBatch: 256, ackTimeoutMs: 30_000 },
} as const;

const NAME = { type: 'string', pattern: '^[^\\s+]+$', minLength: 1, maxLength: 200 };

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['node', 'origin', 'nats', 'database', 'cluster', 'keys'],
  properties: {
    node: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'operator', 'noteName', 'keyFile'],
      properties: {
        id: NAME,
        operator: NAME,
        noteName: NAME,
        keyFile: { type: 'string', minLength: 1 },
      },
    },
    origin: NAME,
    hash: { enum: ['sha256', 'sm3'] },
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
    database: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: { type: 'string', pattern: '^postgres(ql)?://' },
        createDatabase: { type: 'boolean' },
      },
    },
    http: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string' },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
      },
    },
    cluster: {
      type: 'object',
      additionalProperties: false,
      required: ['quorum', 'nodes'],
      properties: {
        quorum: { type: 'integer', minimum: 1 },
        sequencers: { enum: ['preferred', 'all'] },
        nodes: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'operator', 'vkey'],
            properties: { id: NAME, operator: NAME, vkey: { type: 'string', minLength: 1 } },
          },
        },
      },
    },
    keys: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['actor', 'publicKeyPem'],
        properties: {
          actor: { type: 'string' },
          publicKeyPem: { type: 'string', pattern: 'BEGIN PUBLIC KEY' },
          use: { enum: ['sign', 'encrypt'] },
          roles: { type: 'array', items: { enum: [...ROLES] } },
          department: { type: 'string' },
        },
      },
    },
    checkpoint: {
      type: 'object',
      additionalProperties: false,
      properties: {
        everyEntries: { type: 'integer', minimum: 1 },
        everyMs: { type: 'integer', minimum: 10 },
      },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxEntryBytes: { type: 'integer', minimum: 256, maximum: 1048576 },
        maxBatch: { type: 'integer', minimum: 1, maximum: 4096 },
        ackTimeoutMs: { type: 'integer', minimum: 100 },
      },
    },
  },
} as const;

/** Bad configuration: the message names the file and the setting at fault. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const validate = new Ajv({ allErrors: true, strict: true }).compile(SCHEMA);

function describe(errors: readonly ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ');
}

/** Validates a parsed configuration and fills in the defaults. */
export function parseLedgerNodeConfig(value: unknown, source = 'configuration'): LedgerNodeConfig {
  if (!validate(value)) throw new ConfigError(`${source}: ${describe(validate.errors ?? [])}`);
  const v = value as Partial<LedgerNodeConfig> &
    Pick<LedgerNodeConfig, 'node' | 'origin' | 'cluster' | 'keys'>;
  const config: LedgerNodeConfig = {
    node: v.node,
    origin: v.origin,
    hash: v.hash ?? DEFAULTS.hash,
    nats: { ...DEFAULTS.nats, ...v.nats! },
    database: { ...DEFAULTS.database, ...v.database! },
    http: { ...DEFAULTS.http, ...v.http },
    cluster: { ...v.cluster, sequencers: v.cluster.sequencers ?? 'preferred' },
    keys: v.keys,
    checkpoint: { ...DEFAULTS.checkpoint, ...v.checkpoint },
    limits: { ...DEFAULTS.limits, ...v.limits },
  };
  if (config.cluster.quorum > config.cluster.nodes.length) {
    throw new ConfigError(
      `${source}: /cluster/quorum ${config.cluster.quorum} exceeds the ${config.cluster.nodes.length} nodes`,
    );
  }
  try {
    new KeyRegistry(config.keys);
  } catch (e) {
    if (e instanceof KeyRuleError) throw new ConfigError(`${source}: /keys: ${e.message}`);
    throw e;
  }
  if (!config.cluster.nodes.some((n) => n.id === config.node.id)) {
    throw new ConfigError(`${source}: /node/id ${config.node.id} is not one of /cluster/nodes`);
  }
  return config;
}

/** Reads and validates a configuration file. */
export function loadLedgerNodeConfig(path: string): LedgerNodeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path}: not JSON (${(e as Error).message})`);
  }
  return parseLedgerNodeConfig(value, path);
}
