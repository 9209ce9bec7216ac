import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { AccessError, AccessErrorCode } from './access.errors.js';

/** The HTTP status of each access refusal (also for services with their own error filter). */
export const ACCESS_ERROR_STATUS: Readonly<Record<AccessErrorCode, number>> = {
  [AccessErrorCode.Unauthenticated]: 401,
  [AccessErrorCode.InvalidCredentials]: 401,
  [AccessErrorCode.Forbidden]: 403,
  [AccessErrorCode.TooManySignIns]: 429,
  [AccessErrorCode.SeparationOfDuties]: 400,
  [AccessErrorCode.BadAccount]: 400,
  [AccessErrorCode.AccountExists]: 409,
  [AccessErrorCode.NotFound]: 404,
  [AccessErrorCode.ChallengeFailed]: 403,
};

interface HttpResponse {
  status(code: number): HttpResponse;
  setHeader(name: string, value: string): void;
  json(body: unknown): void;
}

/** AccessError → HTTP: `{code, message, field}`, with Retry-After on 429. */
@Catch(AccessError)
export class AccessErrorsFilter implements ExceptionFilter {
  catch(error: AccessError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<HttpResponse>();
    if (error.retryAfterMs !== null)
      response.setHeader('Retry-After', String(Math.ceil(error.retryAfterMs / 1000)));
    if (
      error.code === AccessErrorCode.Unauthenticated ||
      error.code === AccessErrorCode.InvalidCredentials
    )
      response.setHeader('WWW-Authenticate', 'Bearer');
    response
      .status(ACCESS_ERROR_STATUS[error.code])
      .json({ code: error.code, message: error.message, field: error.field });
  }
}
