// The department's own systems: requests to other departments and what became of them,
// deliveries (decrypted), purpose binding (use, destruction), consent, receipts with proofs.
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOperation,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '@govx/access';
import type { LedgerReceipt } from '@govx/bus';
import type { GatewayRuntime } from '../gateway/gateway-runtime.js';
import type { NewRequest, RequestView } from '../gateway/gateway.js';
import { GatewayError } from '../gateway/gateway.error.js';
import { DepartmentGuard } from './department.guard.js';
import { GatewayRoles } from './gateway-roles.js';
import { GATEWAY_RUNTIME } from './gateway.token.js';

const str = { type: 'string' } as const;
const NEW_REQUEST_SCHEMA = {
  type: 'object',
  required: [
    'provider',
    'datasetId',
    'fields',
    'subject',
    'purpose',
    'legalBasis',
    'scenario',
    'scope',
    'timeLimit',
    'duty',
  ],
  properties: {
    requestId: str,
    provider: { type: 'string', example: 'taxation' },
    datasetId: { type: 'string', example: 'tx.tax-clearance' },
    datasetVersion: { type: 'integer' },
    fields: { type: 'array', items: str, example: ['idNumber', 'status'] },
    subject: {
      type: 'string',
      description:
        'the data subject (id number, parcel id): sealed to the provider, never on the ledger',
    },
    claims: {
      type: 'object',
      description: 'verification-only datasets: claimed values, field → value',
    },
    purpose: str,
    legalBasis: str,
    scenario: str,
    scope: str,
    method: { enum: ['api', 'bulk', 'file'] },
    timeLimit: { type: 'string', example: '2026-12-31' },
    duty: str,
  },
};

function text(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | null)?.[name];
  if (typeof v !== 'string' || v.trim() === '')
    throw new GatewayError('malformed', `${name}: expected a non-empty string`, name);
  return v;
}

@ApiTags('requests')
@ApiSecurity('api-key')
@ApiBearerAuth()
@UseGuards(DepartmentGuard)
@Controller('requests')
export class RequestsController {
  constructor(@Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime) {}

  @Post()
  @Roles(...GatewayRoles.System)
  @ApiOperation({
    summary:
      'Ask another department for data (§20); refusals are also recorded as rejection entries',
  })
  @ApiBody({ schema: NEW_REQUEST_SCHEMA })
  async create(@Body() body: NewRequest): Promise<{ requestId: string; receipt: LedgerReceipt }> {
    if (typeof body !== 'object' || body === null)
      throw new GatewayError('malformed', 'expected a JSON object', null);
    return this.runtime.gateway.createRequest(body);
  }

  @Get()
  @Roles(...GatewayRoles.Read)
  @ApiQuery({ name: 'direction', required: false, enum: ['sent', 'received'] })
  list(@Query('direction') direction?: string): { requests: RequestView[] } {
    if (direction !== undefined && direction !== 'sent' && direction !== 'received') {
      throw new GatewayError('malformed', 'direction: expected sent or received', 'direction');
    }
    return { requests: this.runtime.gateway.listRequests(direction) };
  }

  @Get(':requestId')
  @Roles(...GatewayRoles.Read)
  one(@Param('requestId') requestId: string): RequestView {
    return this.runtime.gateway.request(requestId);
  }

  @Post(':requestId/endorse')
  @Roles(...GatewayRoles.Endorse)
  @HttpCode(201)
  @ApiOperation({
    summary: "The department's sharing office endorses the request (§20); needs keys.officeKeyFile",
  })
  endorse(@Param('requestId') requestId: string): Promise<LedgerReceipt> {
    return this.runtime.gateway.endorse(requestId);
  }

  @Get(':requestId/delivery')
  @Roles(...GatewayRoles.System)
  @ApiOperation({
    summary: 'The delivery, fetched, hash-checked and decrypted (or the verification answer)',
  })
  delivery(@Param('requestId') requestId: string): Promise<unknown> {
    return this.runtime.gateway.delivery(requestId);
  }

  @Post(':requestId/use')
  @Roles(...GatewayRoles.System)
  @HttpCode(201)
  @ApiBody({ schema: { type: 'object', required: ['purpose'], properties: { purpose: str } } })
  use(@Param('requestId') requestId: string, @Body() body: unknown): Promise<LedgerReceipt> {
    return this.runtime.gateway.recordUse(requestId, text(body, 'purpose'));
  }

  @Post(':requestId/destruction')
  @Roles(...GatewayRoles.System)
  @HttpCode(201)
  @ApiBody({ schema: { type: 'object', required: ['method'], properties: { method: str } } })
  destruction(
    @Param('requestId') requestId: string,
    @Body() body: unknown,
  ): Promise<LedgerReceipt> {
    return this.runtime.gateway.recordDestruction(requestId, text(body, 'method'));
  }

  @Post(':requestId/consent')
  @Roles(...GatewayRoles.Office)
  @HttpCode(201)
  @ApiOperation({ summary: 'Provider: consent to the requester passing the delivery on (§29)' })
  @ApiBody({
    schema: { type: 'object', required: ['to', 'purpose'], properties: { to: str, purpose: str } },
  })
  consent(@Param('requestId') requestId: string, @Body() body: unknown): Promise<LedgerReceipt> {
    return this.runtime.gateway.giveConsent(requestId, text(body, 'to'), text(body, 'purpose'));
  }

  @Post(':requestId/onward')
  @Roles(...GatewayRoles.System)
  @HttpCode(201)
  @ApiOperation({
    summary:
      "Requester: pass the delivery on to a third department (§29), only under the provider's consent for `to` and `purpose`",
  })
  @ApiBody({
    schema: { type: 'object', required: ['to', 'purpose'], properties: { to: str, purpose: str } },
  })
  onward(@Param('requestId') requestId: string, @Body() body: unknown): Promise<LedgerReceipt> {
    return this.runtime.gateway.passOn(requestId, text(body, 'to'), text(body, 'purpose'));
  }

  @Get(':requestId/receipts')
  @Roles(...GatewayRoles.Read)
  @ApiOperation({
    summary:
      'Every entry of the exchange with its RFC 9162 inclusion proof (null until a checkpoint covers it)',
  })
  async receipts(@Param('requestId') requestId: string): Promise<{ entries: unknown[] }> {
    const entries = this.runtime.gateway.entriesOf(requestId);
    return {
      entries: await Promise.all(
        entries.map(async (e) => ({
          ...e,
          proof: await this.runtime.ledgerHttp.inclusionProof(e.ref.seq),
        })),
      ),
    };
  }
}
