// Leaf hashes of entries this node placed itself, after checking their submissions'
// signatures at intake. Its witness, meeting the same bytes in the stream, need not verify
// the signature a second time (it still checks everything else). Bounded.
const MAX_REMEMBERED = 100_000;

export class OwnPlacements {
  private readonly placed = new Set<string>();

  add(leafHashHex: string): void {
    if (this.placed.size >= MAX_REMEMBERED) this.placed.clear();
    this.placed.add(leafHashHex);
  }

  /** True (once) when this node placed the entry with this leaf hash. */
  take(leafHashHex: string): boolean {
    return this.placed.delete(leafHashHex);
  }
}
