import { Controller, Get, Header, Inject, NotFoundException, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { toHex } from '@govx/crypto';
import { verifierKeyString } from '@govx/ledger-core';
import type { StoredCheckpoint } from '@govx/persistence';
import type { LedgerNode } from '../node/ledger-node.js';
import { LEDGER_NODE } from './ledger-node.token.js';
import { PublicRead } from './cors.js';
import { intParam } from './params.js';

export interface CheckpointView {
  readonly size: number;
  readonly root: string;
  readonly final: boolean;
  readonly signers: readonly string[];
  /** The C2SP signed note, with every cosignature. */
  readonly note: string;
}

function view(c: StoredCheckpoint): CheckpointView {
  return { size: c.size, root: toHex(c.root), final: c.final, signers: c.signers, note: c.note };
}

@ApiTags('checkpoints')
@Controller()
export class CheckpointsController {
  constructor(@Inject(LEDGER_NODE) private readonly node: LedgerNode) {}

  @Get('checkpoints/latest')
  @PublicRead()
  async latest(): Promise<CheckpointView> {
    const c = await this.node.store.latestCheckpoint({ final: true });
    if (!c) throw new NotFoundException({ code: 'not-found', message: 'no final checkpoint yet' });
    return view(c);
  }

  @Get('checkpoints/:size')
  @PublicRead()
  async at(@Param('size') sizeText: string): Promise<CheckpointView> {
    const size = intParam('size', sizeText, { min: 1 });
    const c = await this.node.store.checkpointAt(size);
    if (!c)
      throw new NotFoundException({
        code: 'not-found',
        field: 'size',
        message: `no checkpoint of size ${size}`,
      });
    return view(c);
  }

  /** The verifier keys of every node, in the C2SP form (`name+hash+base64`), one per line. */
  @Get('keys')
  @PublicRead()
  @Header('Content-Type', 'text/plain; charset=utf-8')
  keys(): string {
    return (
      this.node.policy.cosigners
        .map((c) => verifierKeyString(c.verifier.name, c.verifier.publicKey))
        .join('\n') + '\n'
    );
  }
}
