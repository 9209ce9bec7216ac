// Maps what @nats-io throws to BusError / TransientBusError / WrongLastSequenceError.
// Matches on `name` as well as on class, so that two copies of @nats-io in one process
// (jest's module registry, a nested install) classify the same.
import { BusError, TransientBusError, WrongLastSequenceError } from './errors.js';

/** JetStream API err_codes this lib acts on (nats-server errors.json). */
export const JsErrCode = {
  WrongLastMsgId: 10070,
  WrongLastSequence: 10071,
  WrongLastSequenceUnknown: 10164,
  StreamNotFound: 10059,
  StreamNameInUse: 10058,
  NoMessageFound: 10037,
  ClusterNotAvailable: 10008,
  NoSuitablePeers: 10005,
} as const;

const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'NoResponders',
  'NoRespondersError',
  'JetStreamNotEnabled',
  'ClosedConnectionError',
  'DrainingConnectionError',
  'ConnectionError',
]);

interface ApiErrorLike {
  readonly name: string;
  readonly message: string;
  readonly code: number;
  readonly status: number;
}

function isApiError(e: Error): e is Error & ApiErrorLike {
  const x = e as Partial<ApiErrorLike>;
  return (
    typeof x.code === 'number' &&
    typeof x.status === 'number' &&
    /ApiError|NotFoundError/.test(e.name)
  );
}

/** The JetStream API err_code of `e`, or null when `e` is not a JetStream API error. */
export function apiErrCode(e: unknown): number | null {
  return e instanceof Error && isApiError(e) ? e.code : null;
}

/** The N of "wrong last sequence: N", or null. */
export function parseWrongLastSequence(message: string): number | null {
  const m = /wrong last sequence: (\d+)/i.exec(message);
  return m ? Number(m[1]) : null;
}

/** True when `e` (or its cause chain) is a failure expected to pass: see TransientBusError. */
export function isTransient(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x instanceof Error && depth < 5; x = x.cause, depth++) {
    if (x instanceof TransientBusError) return true;
    if (x instanceof BusError) return false;
    if (TRANSIENT_NAMES.has(x.name)) return true;
    if (isApiError(x)) return x.status === 503 || x.code === JsErrCode.ClusterNotAvailable;
    if (x.name === 'JetStreamStatusError') {
      const code = (x as Error & { code?: number }).code;
      return code === 503 || code === 408;
    }
    if (x.name === 'JetStreamError' && /heartbeats missed/i.test(x.message)) return true;
    if (x.name === 'RequestError') {
      const re = x as Error & { isNoResponders?: () => boolean };
      if (re.isNoResponders?.() === true) return true;
    }
  }
  return false;
}

/**
 * Classifies any error thrown by a NATS / JetStream call. `what` names the operation for the
 * message ("publish to govx.ledger.entries").
 */
export function toBusError(e: unknown, what: string): BusError {
  if (e instanceof BusError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof Error && isApiError(e)) {
    if (e.code === JsErrCode.WrongLastSequence) {
      return new WrongLastSequenceError(`${what}: ${message}`, parseWrongLastSequence(message), {
        cause: e,
      });
    }
    if (e.code === JsErrCode.WrongLastMsgId || e.code === JsErrCode.WrongLastSequenceUnknown) {
      return new WrongLastSequenceError(`${what}: ${message}`, null, { cause: e });
    }
  }
  if (isTransient(e)) return new TransientBusError(`${what}: ${message}`, { cause: e });
  return new BusError(`${what}: ${message}`, { cause: e });
}
