// The one place errors become HTTP answers: {code, message, field}.
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { LedgerRejectedError } from '@govx/bus';
import { BodySchemaError } from '@govx/contracts';
import { CatalogueError } from '../catalogue/catalogue-entry.js';
import { MaskingError } from '../exchange/masking.js';
import { GatewayError, httpStatusOf } from '../gateway/gateway.error.js';

interface Reply {
  status(code: number): Reply;
  json(body: unknown): void;
}

@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Reply>();
    const [status, body] = this.map(error);
    res.status(status).json(body);
  }

  private map(e: unknown): [number, { code: string; message: string; field: string | null }] {
    if (e instanceof GatewayError)
      return [httpStatusOf(e.code), { code: e.code, message: e.message, field: e.field }];
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
