// Entries this node placed itself, after checking their submissions' signatures at intake,
// by leaf hash. Its witness, meeting the same bytes in the stream (same leaf hash), takes the
// entry placed here instead of decoding the bytes again (they are the canonical encoding the
// sequencer made of fields it checked) and need not verify the signature a second time; it
// still checks everything else (seq, chain, key status, key rules). Bounded: past the bound
// the oldest are forgotten, and the witness decodes and verifies those as any other entry.
import type { Entry } from '@govx/ledger-core';

const MAX_REMEMBERED = 10_000;

export class OwnPlacements {
  private readonly placed = new Map<string, Entry>();

  get size(): number {
    return this.placed.size;
  }

  add(entry: Entry): void {
    if (this.placed.size >= MAX_REMEMBERED) {
      const oldest = this.placed.keys().next();
      if (!oldest.done) this.placed.delete(oldest.value);
    }
    this.placed.set(entry.leafHashHex, entry);
  }

  /** The entry (once) when this node placed the one with this leaf hash, else undefined. */
  take(leafHashHex: string): Entry | undefined {
    const entry = this.placed.get(leafHashHex);
    if (entry !== undefined) this.placed.delete(leafHashHex);
    return entry;
  }
}
