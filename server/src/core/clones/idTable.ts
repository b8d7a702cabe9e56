// Tables keyed by 32-bit ids (fingerprints, token ids) for the near-miss
// analysis, which asks them about a million times on a large workspace.
//
// A V8 Map of numbers boxes each key and chains its buckets: on rust-src
// (970,000 fingerprints, 2 million identifiers) its lookups and inserts were
// half of the analysis's time. Keys here sit in a typed array, probed
// linearly from a multiplicative hash; a key once added stays, with a count
// of zero or an empty list, so no tombstones are needed. Only ids ever seen
// are kept: a session's edits add a few thousand.

const EMPTY = -1;

/** The cells of an open-addressed table: which key is in each, and at which index its value is. */
class Keys {
  private keys = new Uint32Array(0);
  /** Index of each cell's value, EMPTY for a free cell. */
  private at = new Int32Array(0);
  private shift = 32;
  size = 0;

  constructor(expected: number) {
    this.grow(expected);
  }

  /** The index of `key`'s value, or EMPTY. */
  find(key: number): number {
    const { keys, at } = this;
    const mask = keys.length - 1;
    for (let cell = Math.imul(key, 0x9e3779b1) >>> this.shift; ; cell = (cell + 1) & mask) {
      const index = at[cell];
      if (index === EMPTY || keys[cell] === key) return index;
    }
  }

  /** The index of `key`'s value, giving it the next index when it has none. */
  findOrAdd(key: number): number {
    if (2 * (this.size + 1) > this.keys.length) this.grow(this.size + 1);
    const { keys, at } = this;
    const mask = keys.length - 1;
    for (let cell = Math.imul(key, 0x9e3779b1) >>> this.shift; ; cell = (cell + 1) & mask) {
      const index = at[cell];
      if (index === EMPTY) {
        keys[cell] = key;
        at[cell] = this.size;
        return this.size++;
      }
      if (keys[cell] === key) return index;
    }
  }

  /** At least twice `entries` cells, a power of two: probes stay short at half full. */
  private grow(entries: number): void {
    let bits = 4;
    while (1 << bits < 2 * entries) bits++;
    if (1 << bits <= this.keys.length) return;
    const [keys, at] = [this.keys, this.at];
    this.keys = new Uint32Array(1 << bits);
    this.at = new Int32Array(1 << bits).fill(EMPTY);
    this.shift = 32 - bits;
    const mask = this.keys.length - 1;
    for (let old = 0; old < keys.length; old++) {
      if (at[old] === EMPTY) continue;
      let cell = Math.imul(keys[old], 0x9e3779b1) >>> this.shift;
      while (this.at[cell] !== EMPTY) cell = (cell + 1) & mask;
      this.keys[cell] = keys[old];
      this.at[cell] = at[old];
    }
  }
}

/** How many files have each id: 0 for an id never counted. */
export class IdCounts {
  private readonly keys = new Keys(1024);
  private counts = new Int32Array(1024);

  get(id: number): number {
    const index = this.keys.find(id);
    return index === EMPTY ? 0 : this.counts[index];
  }

  /** Counts each id of `ids` once more (by 1) or once less (by -1). */
  add(ids: Uint32Array, by: 1 | -1): void {
    for (const id of ids) {
      const index = this.keys.findOrAdd(id);
      if (index >= this.counts.length) {
        const grown = new Int32Array(2 * this.counts.length);
        grown.set(this.counts);
        this.counts = grown;
      }
      this.counts[index] += by;
    }
  }
}

/** The slots that have each id, in the order they were added; an empty list for an id no slot has. */
export class IdPostings {
  private readonly keys = new Keys(1024);
  private readonly lists: number[][] = [];
  private static readonly NONE: readonly number[] = [];

  /** The list itself, not a copy: read it before the next change. */
  get(id: number): readonly number[] {
    const index = this.keys.find(id);
    return index === EMPTY ? IdPostings.NONE : this.lists[index];
  }

  add(id: number, slot: number): void {
    const index = this.keys.findOrAdd(id);
    if (index === this.lists.length) this.lists.push([slot]);
    else this.lists[index].push(slot);
  }

  remove(id: number, slot: number): void {
    const index = this.keys.find(id);
    if (index === EMPTY) return;
    const list = this.lists[index];
    for (let at = list.indexOf(slot); at >= 0; at = list.indexOf(slot, at)) list.splice(at, 1);
  }
}
