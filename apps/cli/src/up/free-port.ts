import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Whether a TCP port on 127.0.0.1 can be listened on right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Throws naming the first port in use (and what it was for), before anything starts. */
export async function assertPortsFree(
  ports: readonly { readonly port: number; readonly what: string }[],
): Promise<void> {
  for (const { port, what } of ports) {
    if (!(await portIsFree(port)))
      throw new Error(
        `port ${port} (${what}) is in use on 127.0.0.1: stop what uses it or choose another --base-port`,
      );
  }
}
