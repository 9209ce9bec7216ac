import { connect, type NatsConnection } from '@nats-io/transport-node';

export interface BusConnectionOptions {
  /** nats://host:port URLs; the client tries them in random order and learns the rest. */
  servers: readonly string[];
  /** Connection name shown in the server's monitoring (e.g. `govx-ledger-1`). */
  name: string;
  user?: string;
  pass?: string;
  token?: string;
  /** Reply subjects start with this (default `_INBOX`); a user allowed to subscribe only to
   * its own inbox prefix (NATS permissions from @govx/access) MUST set it. */
  inboxPrefix?: string;
}

/** Wait between reconnect attempts to one server. */
export const RECONNECT_TIME_WAIT_MS = 250;

/**
 * Connects to NATS and never gives up: the first connect waits until some server answers,
 * and a lost connection reconnects forever (every ~250 ms per server). Close it with
 * `drain()` or `close()`.
 */
export async function connectBus(options: BusConnectionOptions): Promise<NatsConnection> {
  if (options.servers.length === 0) throw new RangeError('servers must name at least one server');
  if (options.name === '') throw new RangeError('name must not be empty');
  return connect({
    servers: [...options.servers],
    name: options.name,
    ...(options.user !== undefined ? { user: options.user } : {}),
    ...(options.pass !== undefined ? { pass: options.pass } : {}),
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(options.inboxPrefix !== undefined ? { inboxPrefix: options.inboxPrefix } : {}),
    maxReconnectAttempts: -1,
    reconnectTimeWait: RECONNECT_TIME_WAIT_MS,
    reconnectJitter: 100,
    waitOnFirstConnect: true,
    // nats.js otherwise builds a RequestError and a TimeoutError (each capturing a stack
    // trace) for every request and JetStream publish, in case it fails: ~9 % of a sequencing
    // ledger node's busy time (one publish per entry). Errors keep their messages.
    noAsyncTraces: true,
  });
}
