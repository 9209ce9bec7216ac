// Connections as the NATS users @govx/access generates, each recording the permission
// violations the server reports to it, for the tests of the generated permissions.
import { connectBus, type NatsConnection } from '@govx/bus';
import type { NatsUser } from '@govx/access';
import { PermissionViolationError } from '@nats-io/nats-core';
import { waitFor } from './ledger-harness.js';

export interface UserConnections {
  /** Every connection opened, in order. */
  readonly connections: NatsConnection[];
  /** Permission violations the server reported to each connection, as its messages. */
  readonly violations: Map<NatsConnection, string[]>;
  connectAs(name: string): Promise<NatsConnection>;
  /** Waits (10 s at most) until the server reports this violation to `nc`. */
  expectViolation(
    nc: NatsConnection,
    subject: string,
    operation?: 'Publish' | 'Subscription',
  ): Promise<void>;
  /** Closes every connection, ignoring those already closed. */
  closeAll(): Promise<void>;
}

/** `servers`: read at each connect (the cluster starts after this is made). */
export function userConnections(
  users: readonly NatsUser[],
  servers: () => readonly string[],
  namePrefix: string,
): UserConnections {
  const connections: NatsConnection[] = [];
  const violations = new Map<NatsConnection, string[]>();
  const byName = (name: string): NatsUser => {
    const u = users.find((x) => x.name === name);
    if (!u) throw new RangeError(`name: no generated NATS user ${name}`);
    return u;
  };
  return {
    connections,
    violations,
    async connectAs(name) {
      const u = byName(name);
      const nc = await connectBus({
        servers: [...servers()],
        name: `${namePrefix}-${name}`,
        user: u.user,
        pass: u.password,
        inboxPrefix: u.inboxPrefix,
      });
      connections.push(nc);
      const seen: string[] = [];
      violations.set(nc, seen);
      void (async () => {
        for await (const s of nc.status())
          if (s.type === 'error' && s.error instanceof PermissionViolationError)
            seen.push(s.error.message);
      })();
      return nc;
    },
    async expectViolation(nc, subject, operation = 'Publish') {
      const expected = `Permissions Violation for ${operation} to "${subject}"`;
      await waitFor(expected, async () => violations.get(nc)!.includes(expected), 10_000);
    },
    async closeAll() {
      for (const nc of connections) await nc.close().catch(() => undefined);
    },
  };
}
