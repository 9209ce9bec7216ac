import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { Role } from '@govx/ledger-core';
import { AccessService, type NewAccount } from './access.service.js';
import { CurrentPrincipal, type Principal } from './principal.js';
import { Authenticated, Public, Roles } from './roles.decorator.js';

/** Sign-in and sign-out for people; accounts and API keys for the security administrator. */
@Controller('access')
export class AccessController {
  constructor(private readonly access: AccessService) {}

  @Post('sessions')
  @Public()
  @HttpCode(201)
  signIn(
    @Body() body: { name?: unknown; password?: unknown } | undefined,
  ): Promise<{ token: string; expiresAt: string }> {
    return this.access.signIn(body?.name, body?.password);
  }

  @Delete('sessions/current')
  @Authenticated()
  @HttpCode(204)
  async signOut(@CurrentPrincipal() principal: Principal): Promise<void> {
    if ('session' in principal.via) await this.access.revokeSession(principal.via.session);
  }

  /** A challenge to sign with a key of the caller's ledger actor before `action`. */
  @Post('challenges')
  @Authenticated()
  challenge(
    @CurrentPrincipal() principal: Principal,
    @Body() body: { action?: unknown } | undefined,
  ): { challenge: string; expiresAt: string } {
    return this.access.issueChallenge(principal, body?.action as string);
  }

  @Post('accounts')
  @Roles(Role.Admin)
  createAccount(@Body() body: NewAccount): ReturnType<AccessService['createAccount']> {
    return this.access.createAccount(body);
  }

  @Delete('accounts/:id/sessions')
  @Roles(Role.Admin)
  async revokeSessions(@Param('id') id: string): Promise<{ revoked: number }> {
    return { revoked: await this.access.revokeSessions(id) };
  }

  @Post('accounts/:id/disable')
  @Roles(Role.Admin)
  @HttpCode(204)
  disable(@Param('id') id: string): Promise<void> {
    return this.access.disableAccount(id);
  }

  @Post('accounts/:id/api-keys')
  @Roles(Role.Admin)
  createApiKey(
    @Param('id') id: string,
    @Body() body: { label?: string } | undefined,
  ): Promise<{ id: string; key: string }> {
    return this.access.createApiKey(id, body?.label ?? '');
  }

  @Delete('api-keys/:id')
  @Roles(Role.Admin)
  @HttpCode(204)
  revokeApiKey(@Param('id') id: string): Promise<void> {
    return this.access.revokeApiKey(id);
  }
}
