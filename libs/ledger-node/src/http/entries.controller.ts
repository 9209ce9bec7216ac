import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { toHex } from '@govx/crypto';
import type { StoredEntry } from '@govx/persistence';
import type { LedgerNode } from '../node/ledger-node.js';
import { LEDGER_NODE } from './ledger-node.token.js';
import { PublicRead } from './cors.js';
import { intParam, timeParam } from './params.js';

export interface EntryView {
  readonly seq: number;
  readonly leafHash: string;
  /** The entry as stored (its canonical bytes, parsed). */
  readonly entry: unknown;
}

export function entryView(e: StoredEntry): EntryView {
  return {
    seq: e.seq,
    leafHash: toHex(e.leafHash),
    entry: JSON.parse(Buffer.from(e.bytes).toString('utf8')),
  };
}

@ApiTags('entries')
@Controller('entries')
export class EntriesController {
  constructor(@Inject(LEDGER_NODE) private readonly node: LedgerNode) {}

  @Get()
  @PublicRead()
  @ApiQuery({ name: 'from', required: false, description: 'first seq of a range' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'actor', required: false })
  @ApiQuery({ name: 'since', required: false, description: 'ISO time, inclusive' })
  @ApiQuery({ name: 'until', required: false, description: 'ISO time, exclusive' })
  @ApiQuery({ name: 'after', required: false, description: 'seq to continue after (paging)' })
  async list(@Query() q: Record<string, string | undefined>): Promise<{ entries: EntryView[] }> {
    const limit = intParam('limit', q['limit'], { min: 1, max: 1000, fallback: 100 });
    const filtered =
      q['type'] !== undefined ||
      q['actor'] !== undefined ||
      q['since'] !== undefined ||
      q['until'] !== undefined;
    if (!filtered) {
      const from = intParam('from', q['from'], {
        fallback: q['after'] === undefined ? 0 : intParam('after', q['after']) + 1,
      });
      return { entries: (await this.node.store.range(from, limit)).map(entryView) };
    }
    const since = timeParam('since', q['since']);
    const until = timeParam('until', q['until']);
    const found = await this.node.store.query({
      limit,
      ...(q['type'] ? { type: q['type'] } : {}),
      ...(q['actor'] ? { actor: q['actor'] } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      ...(q['after'] !== undefined ? { afterSeq: intParam('after', q['after']) } : {}),
    });
    return { entries: found.map(entryView) };
  }

  @Get(':seq')
  @PublicRead()
  async one(@Param('seq') seqText: string): Promise<EntryView> {
    const seq = intParam('seq', seqText);
    const entry = await this.node.store.getEntry(seq);
    if (!entry)
      throw new NotFoundException({
        code: 'not-found',
        field: 'seq',
        message: `no entry ${seq} (stored size ${this.node.witness.stored})`,
      });
    return entryView(entry);
  }
}
