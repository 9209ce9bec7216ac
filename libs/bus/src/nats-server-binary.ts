import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const NATS_SERVER_INSTALL_HINT = 'apt-get install nats-server';

/**
 * The absolute path of the `nats-server` executable on `env.PATH` (default: this process's).
 * Throws an Error that says how to install it when there is none.
 */
export function natsServerBinary(env: NodeJS.ProcessEnv = process.env): string {
  const path = env['PATH'] ?? '';
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'nats-server');
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  throw new Error(
    `nats-server was not found on PATH (${path === '' ? 'empty' : path}). ` +
      `Install it (Debian/Ubuntu: ${NATS_SERVER_INSTALL_HINT}) or put it on PATH.`,
  );
}
