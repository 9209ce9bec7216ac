// The demo departments' gateways for `govx up`: one config file each under
// <dir>/departments, keys under <dir>/keys (the signing key is the gateway identity's, the
// encryption key is created here so that it can be registered on the ledger before the
// gateway starts), an API key for the department's own system (its hash registered by the
// gateway at start).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newApiKey, parseApiKey } from '@govx/access';
import { loadGatewayKeys } from '@govx/gateway';
import type { ExtraKey, Identity } from './identities.js';
import { writeSecretFile } from './secret-file.js';

export const DEPARTMENT_MAIN = fileURLToPath(
  new URL('../../../department/dist/main.js', import.meta.url),
);

export interface DepartmentPlan {
  readonly department: string;
  readonly configPath: string;
  /** The key files its config names (on this machine). */
  readonly keyFiles: readonly string[];
  readonly url: string;
  /** The HTTP port it listens on. */
  readonly port: number;
  /** The API key (sent as a Bearer token) of the department's own system `demo-system`. */
  readonly token: string;
  /** The gateway's encryption key, to register on the ledger. */
  readonly encryptionKey: ExtraKey;
}

export interface DepartmentPlanOptions {
  readonly dir: string;
  readonly department: string;
  readonly gateway: Identity;
  readonly office: Identity;
  readonly port: number;
  readonly natsServers: readonly string[];
  readonly nats: { readonly user: string; readonly pass: string };
  readonly ledgerUrl: string;
  /** Server URL without a database; the department's database is `<databasePrefix>_dept_<d>`. */
  readonly postgresUrl: string;
  /** Default `govx`. */
  readonly databasePrefix?: string;
  /** Address the HTTP API listens on; default 127.0.0.1. */
  readonly httpHost?: string;
  /** Where the department's systems reach it; default http://127.0.0.1:<port>. */
  readonly url?: string;
  /** A file under dir as the gateway process sees it (e.g. in a container); default as is. */
  readonly seenAs?: (file: string) => string;
  /**
   * The password of the department's office head (`office-<department>`, the same as on
   * governance): the gateway creates that account at start (access.seedAccounts), so the office
   * can publish its catalogue and give consents over HTTP.
   */
  readonly officePassword: string;
}

/** Writes the gateway's config (and creates its encryption key) without starting it. */
export function planDepartment(o: DepartmentPlanOptions): DepartmentPlan {
  const keys = join(o.dir, 'keys');
  const encryptionKeyFile = join(keys, `dept_${o.department}_encryption.key.pem`);
  const { encryption } = loadGatewayKeys('intl', {
    signingKeyFile: o.gateway.keyFile,
    encryptionKeyFile,
  });
  // The API key of the department's system `demo-system` (libs/access): the gateway registers
  // its hash at start (access.seedKeys); a token of an older run that is no key is replaced.
  const tokenFile = join(keys, `dept_${o.department}_system.token`);
  if (!existsSync(tokenFile) || !parseApiKey(readFileSync(tokenFile, 'utf8').trim()))
    writeSecretFile(tokenFile, newApiKey().key);
  const token = readFileSync(tokenFile, 'utf8').trim();
  const secretFile = join(keys, `dept_${o.department}_access.secret`);
  if (!existsSync(secretFile)) writeSecretFile(secretFile, randomBytes(32).toString('hex'));
  const officePasswordFile = join(keys, `dept_${o.department}_office.password`);
  writeSecretFile(officePasswordFile, o.officePassword);
  const seenAs = o.seenAs ?? ((file: string): string => file);
  const database = `${o.databasePrefix ?? 'govx'}_dept_${o.department.replaceAll('-', '_')}`;
  const config = {
    department: o.department,
    suite: 'intl',
    keys: {
      signingKeyFile: seenAs(o.gateway.keyFile),
      encryptionKeyFile: seenAs(encryptionKeyFile),
      officeKeyFile: seenAs(o.office.keyFile),
    },
    nats: { servers: o.natsServers, replicas: 3, user: o.nats.user, pass: o.nats.pass },
    ledger: { httpUrl: o.ledgerUrl },
    dataSource: {
      url: `${o.postgresUrl}/${database}`,
      demo: true,
    },
    http: { host: o.httpHost ?? '127.0.0.1', port: o.port },
    access: {
      databaseUrl: `${o.postgresUrl}/${o.databasePrefix ?? 'govx'}_gateway_${o.department.replaceAll('-', '_')}`,
      tokenSecretFile: seenAs(secretFile),
      seedKeys: [{ system: 'demo-system', keyFile: seenAs(tokenFile) }],
      seedAccounts: [
        {
          name: `office-${o.department}`,
          role: 'office-head',
          passwordFile: seenAs(officePasswordFile),
        },
      ],
    },
    peers: {},
  };
  const configDir = join(o.dir, 'departments');
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const configPath = join(configDir, `${o.department}.json`);
  writeSecretFile(configPath, JSON.stringify(config, null, 2));
  return {
    department: o.department,
    configPath,
    keyFiles: [
      o.gateway.keyFile,
      encryptionKeyFile,
      o.office.keyFile,
      tokenFile,
      secretFile,
      officePasswordFile,
    ],
    url: o.url ?? `http://127.0.0.1:${o.port}`,
    port: o.port,
    token,
    encryptionKey: {
      actor: o.gateway.actor,
      roles: o.gateway.roles,
      ...(o.gateway.department ? { department: o.gateway.department } : {}),
      publicKey: encryption.publicKey,
    },
  };
}
