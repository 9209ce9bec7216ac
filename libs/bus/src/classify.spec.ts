import { describe, it, expect } from '@jest/globals';
import { JetStreamApiError, jserrors, JetStreamStatusError } from '@nats-io/jetstream/internal';
import {
  ClosedConnectionError,
  DrainingConnectionError,
  NoRespondersError,
  PermissionViolationError,
  RequestError,
  TimeoutError,
} from '@nats-io/nats-core';
import { parseWrongLastSequence, toBusError } from './classify.js';
import { BusError, TransientBusError, WrongLastSequenceError } from './errors.js';

const apiError = (err_code: number, code: number, description: string): JetStreamApiError =>
  new JetStreamApiError({ err_code, code, description });

describe('toBusError()', () => {
  it('maps err_code 10071 to WrongLastSequenceError with the reported last seq', () => {
    const cause = apiError(10071, 400, 'wrong last sequence: 41');
    const e = toBusError(cause, 'publish');
    expect(e).toBeInstanceOf(WrongLastSequenceError);
    expect((e as WrongLastSequenceError).lastSeq).toBe(41);
    expect(e.cause).toBe(cause);
    expect(e.message).toBe('publish: wrong last sequence: 41');
  });

  it('maps err_code 10070 (wrong last msg ID) to WrongLastSequenceError without a last seq', () => {
    const e = toBusError(apiError(10070, 400, 'wrong last msg ID: abc'), 'publish');
    expect(e).toBeInstanceOf(WrongLastSequenceError);
    expect((e as WrongLastSequenceError).lastSeq).toBeNull();
  });

  it.each([
    ['a request timeout', new TimeoutError()],
    [
      'no responders',
      new RequestError('no responders', { cause: new NoRespondersError('$JS.API.X') }),
    ],
    ['"jetstream is not enabled"', new jserrors.JetStreamNotEnabled('jetstream is not enabled')],
    ['a JetStream 503', apiError(10008, 503, 'JetStream system temporarily unavailable')],
    ['a closed connection', new ClosedConnectionError()],
    ['a draining connection', new DrainingConnectionError()],
    ['a 503 status of a pull', new JetStreamStatusError('no responders', 503)],
  ])('classifies %s as TransientBusError', (_, cause) => {
    const e = toBusError(cause, 'op');
    expect(e).toBeInstanceOf(TransientBusError);
    expect(e.cause).toBe(cause);
  });

  it.each([
    ['a stream that is missing', apiError(10059, 404, 'stream not found')],
    ['a message that is too large', apiError(10054, 400, 'message size exceeds maximum allowed')],
    [
      'a permission violation',
      new PermissionViolationError('denied', 'publish', 'govx.ledger.entries'),
    ],
    ['anything else', new Error('boom')],
  ])('classifies %s as a plain BusError', (_, cause) => {
    const e = toBusError(cause, 'op');
    expect(e.constructor).toBe(BusError);
    expect(e.cause).toBe(cause);
  });

  it('returns a BusError unchanged', () => {
    const e = new TransientBusError('already classified');
    expect(toBusError(e, 'op')).toBe(e);
  });
});

describe('parseWrongLastSequence()', () => {
  it('reads N from "wrong last sequence: N"', () => {
    expect(parseWrongLastSequence('wrong last sequence: 0')).toBe(0);
    expect(parseWrongLastSequence('wrong last sequence: 123456')).toBe(123456);
    expect(parseWrongLastSequence('wrong last msg ID: 7')).toBeNull();
  });
});
