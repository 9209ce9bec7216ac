// The gateway's one error type: a code from RejectionCodes (or not-found), the message, and
// the input field at fault. GatewayExceptionFilter maps it to HTTP; core code never throws
// HttpException.
import type { RejectionCode } from '@govx/contracts';

export type GatewayErrorCode = RejectionCode | 'not-found' | 'unauthenticated';

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    readonly field: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** HTTP status of each code. */
export function httpStatusOf(code: GatewayErrorCode): number {
  switch (code) {
    case 'malformed':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'not-found':
    case 'unknown-department':
    case 'unknown-dataset':
      return 404;
    case 'replayed-request':
    case 'duplicate':
      return 409;
    case 'no-consent':
      return 403;
    case 'payload-erased':
    case 'purpose-expired':
      return 410;
    default:
      return 422;
  }
}
