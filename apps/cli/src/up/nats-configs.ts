// nats-server configs of the compose topology: one per server, with fixed in-container ports,
// the other servers reached by their compose service names, JetStream on the container's
// /data volume, and the generated users and permissions included from authorization.conf
// (beside it, mode 0600). The local topology's configs are written by NatsCluster (libs/bus)
// at start, from the same authorization.conf.
import { join } from 'node:path';
import { writeSecretFile } from './secret-file.js';

export const NATS_AUTHORIZATION_FILE = 'authorization.conf';

export interface ComposeNatsOptions {
  /** Where to write `<name>.conf`. */
  readonly dir: string;
  /** Compose service names, e.g. nats-1..nats-3. */
  readonly names: readonly string[];
  readonly clientPort: number;
  readonly clusterPort: number;
  readonly monitorPort: number;
  readonly clusterName: string;
  /** JetStream store directory inside the container (a named volume). */
  readonly storeDir: string;
}

/** Writes one config per server and returns their paths. */
export function writeComposeNatsConfigs(o: ComposeNatsOptions): string[] {
  return o.names.map((name) => {
    const routes = o.names
      .filter((other) => other !== name)
      .map((other) => `    "nats-route://${other}:${o.clusterPort}"`);
    const text = [
      `# written by govx init (compose topology): server ${name}`,
      `server_name: ${JSON.stringify(name)}`,
      `listen: "0.0.0.0:${o.clientPort}"`,
      `http: "0.0.0.0:${o.monitorPort}"`,
      `jetstream {`,
      `  store_dir: ${JSON.stringify(o.storeDir)}`,
      `}`,
      `cluster {`,
      `  name: ${JSON.stringify(o.clusterName)}`,
      `  listen: "0.0.0.0:${o.clusterPort}"`,
      `  routes: [`,
      ...routes,
      `  ]`,
      `}`,
      `include ./${NATS_AUTHORIZATION_FILE}`,
      '',
    ].join('\n');
    const path = join(o.dir, `${name}.conf`);
    writeSecretFile(path, text);
    return path;
  });
}
