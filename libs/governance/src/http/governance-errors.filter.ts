// The one translation of governance's typed errors to HTTP (STYLE rule 7).
import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { LedgerRejectedError } from '@govx/bus';
import { PolicyError } from '@govx/policy';
import { GovernanceActionError } from '../rules/governance-rules.js';

const STATUS: Record<string, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  'not-allowed': HttpStatus.FORBIDDEN,
  'not-found': HttpStatus.NOT_FOUND,
  'not-pending': HttpStatus.CONFLICT,
  duplicate: HttpStatus.CONFLICT,
  used: HttpStatus.CONFLICT,
};

@Catch(GovernanceActionError, PolicyError, LedgerRejectedError)
export class GovernanceErrorsFilter implements ExceptionFilter {
  catch(
    error: GovernanceActionError | PolicyError | LedgerRejectedError,
    host: ArgumentsHost,
  ): void {
    const res = host
      .switchToHttp()
      .getResponse<{ status(n: number): { json(b: unknown): void } }>();
    if (error instanceof GovernanceActionError) {
      res
        .status(STATUS[error.code] ?? 400)
        .json({ code: error.code, message: error.message, field: error.field });
    } else if (error instanceof PolicyError) {
      res.status(HttpStatus.BAD_REQUEST).json({
        code: 'invalid-policy',
        message: error.message,
        field: error.field,
        line: error.position?.line ?? null,
        column: error.position?.column ?? null,
      });
    } else {
      res
        .status(HttpStatus.UNPROCESSABLE_ENTITY)
        .json({ code: error.code, message: error.message, field: error.field });
    }
  }
}
