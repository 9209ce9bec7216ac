import { Module, type DynamicModule } from '@nestjs/common';
import { CheckpointsController } from './http/checkpoints.controller.js';
import { EntriesController } from './http/entries.controller.js';
import { HealthController } from './http/health.controller.js';
import { LEDGER_NODE } from './http/ledger-node.token.js';
import { ProofsController } from './http/proofs.controller.js';
import type { LedgerNode } from './node/ledger-node.js';

/** The HTTP face of a started LedgerNode: queries, proofs, checkpoints, keys, health, metrics. */
@Module({})
export class LedgerNodeModule {
  static forNode(node: LedgerNode): DynamicModule {
    return {
      module: LedgerNodeModule,
      controllers: [EntriesController, ProofsController, CheckpointsController, HealthController],
      providers: [{ provide: LEDGER_NODE, useValue: node }],
    };
  }
}
