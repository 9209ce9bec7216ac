// The one place errors become HTTP answers: {code, message, field}.
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
// libs/access refusals (authentication, roles, accounts) keep their codes and statuses.
import { ACCESS_ERROR_STATUS, AccessError } from '@govx/access';
import { LedgerRejectedError } from '@govx/bus';
import { BodySchemaError } from '@govx/contracts';
import { CatalogueError } from '../catalogue/catalogue-entry.js';
import { MaskingError } from '../exchange/masking.js';
import { GatewayError, httpStatusOf } from '../gateway/gateway.error.js';

interface Reply {
  status(code: number): Reply;
  setHeader(name: string, value: string): void;
  json(body: unknown): void;
}

type Answer = [number, { code: string; message: string; field: string | null }];

@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Reply>();
    if (error instanceof AccessError) {
      if (error.retryAfterMs !== null)
        res.setHeader('Retry-After', String(Math.ceil(error.retryAfterMs / 1000)));
      if (ACCESS_ERROR_STATUS[error.code] === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    }
    const [status, body] = this.map(error);
    res.status(status).json(body);
  }

  private map(e: unknown): Answer {
    if (e instanceof GatewayError)
      return [httpStatusOf(e.code), { code: e.code, message: e.message, field: e.field }];
    if (e instanceof AccessError)
      return [ACCESS_ERROR_STATUS[e.code], { code: e.code, message: e.message, field: e.field }];
    if (e instanceof BodySchemaError || e instanceof CatalogueError || e instanceof MaskingError)
      return [400, { code: 'malformed', message: e.message, field: e.field }];
    if (e instanceof LedgerRejectedError)
      return [502, { code: `ledger-${e.code}`, message: e.message, field: e.field }];
    if (e instanceof HttpException) {
      return [e.getStatus(), { code: 'http', message: e.message, field: null }];
    }
    return [
      500,
      { code: 'internal', message: e instanceof Error ? e.message : 'internal error', field: null },
    ];
  }
}
