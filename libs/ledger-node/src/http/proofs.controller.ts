import { BadRequestException, Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  consistencyProofDocument,
  inclusionProofDocument,
  type ConsistencyProofDocument,
  type InclusionProofDocument,
} from '@govx/ledger-core';
import type { LedgerNode } from '../node/ledger-node.js';
import { LEDGER_NODE } from './ledger-node.token.js';
import { PublicRead } from './cors.js';
import { intParam } from './params.js';

/** Proofs in the JSON form `govx proof verify` reads, from stored tree nodes: O(log n) reads. */
@ApiTags('proofs')
@Controller('proofs')
export class ProofsController {
  constructor(@Inject(LEDGER_NODE) private readonly node: LedgerNode) {}

  private async treeSize(text: string | undefined): Promise<number> {
    const stored = this.node.witness.stored;
    if (text !== undefined) return intParam('treeSize', text, { min: 1, max: stored });
    const latest = await this.node.store.latestCheckpoint({ final: true });
    return latest?.size ?? stored;
  }

  @Get('inclusion/:seq')
  @PublicRead()
  @ApiQuery({
    name: 'treeSize',
    required: false,
    description: 'default: the latest final checkpoint',
  })
  async inclusion(
    @Param('seq') seqText: string,
    @Query('treeSize') sizeText?: string,
  ): Promise<InclusionProofDocument> {
    const size = await this.treeSize(sizeText);
    const seq = intParam('seq', seqText);
    if (seq >= size) {
      throw new BadRequestException({
        code: 'bad-request',
        field: 'seq',
        message: `seq ${seq} is not in a tree of ${size}`,
      });
    }
    const [entry, proof, root] = await Promise.all([
      this.node.store.getEntry(seq),
      this.node.store.inclusionProof(seq, size),
      this.node.store.rootAt(size),
    ]);
    return inclusionProofDocument(entry!.leafHash, seq, size, proof, root);
  }

  @Get('consistency')
  @PublicRead()
  @ApiQuery({ name: 'size1' })
  @ApiQuery({ name: 'size2', required: false, description: 'default: the latest final checkpoint' })
  async consistency(
    @Query('size1') s1: string,
    @Query('size2') s2?: string,
  ): Promise<ConsistencyProofDocument> {
    const size2 = await this.treeSize(s2);
    const size1 = intParam('size1', s1, { min: 1, max: size2 });
    const [proof, root1, root2] = await Promise.all([
      this.node.store.consistencyProof(size1, size2),
      this.node.store.rootAt(size1),
      this.node.store.rootAt(size2),
    ]);
    return consistencyProofDocument(size1, size2, proof, root1, root2);
  }
}
