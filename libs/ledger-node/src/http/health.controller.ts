import { Controller, Get, Header, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { LedgerNode } from '../node/ledger-node.js';
import { LEDGER_NODE } from './ledger-node.token.js';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(@Inject(LEDGER_NODE) private readonly node: LedgerNode) {}

  /** 200 while the node is healthy; 503 once it raised an alarm (it then stopped sequencing). */
  @Get('health')
  health(@Res({ passthrough: true }) res: { status(code: number): unknown }): object {
    const healthy = !this.node.health.halted;
    res.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: healthy ? 'ok' : 'unhealthy',
      node: this.node.config.node.id,
      sequencing: this.node.sequencing,
      verified: this.node.witness.tip.size,
      stored: this.node.witness.stored,
      durable: this.node.durability.durableSize(),
      witnesses: this.node.durability.snapshot(),
      alarms: this.node.health.alarms,
    };
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.node.metrics.registry.metrics();
  }
}
