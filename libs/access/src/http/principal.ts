import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from '@govx/ledger-core';
import type { AccountKind } from './entities/account.entity.js';

/** Who is calling, as the guard authenticated it. */
export interface Principal {
  readonly accountId: string;
  readonly name: string;
  readonly kind: AccountKind;
  readonly roles: readonly Role[];
  readonly department: string | null;
  /** The ledger actor whose keys sign for this account, or null. */
  readonly actor: string | null;
  /** The session id, or the API key id. */
  readonly via: { readonly session: string } | { readonly apiKey: string };
}

export const PRINCIPAL = Symbol('govx.access.principal');

export interface RequestWithPrincipal {
  headers: Record<string, string | string[] | undefined>;
  [PRINCIPAL]?: Principal;
}

/** The authenticated caller (undefined on a public route called anonymously). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal | undefined =>
    ctx.switchToHttp().getRequest<RequestWithPrincipal>()[PRINCIPAL],
);
