// Token-level fingerprints that survive edits: k-grams of the normalised
// token stream (identifiers and literals abstracted), winnowed so a file keeps
// a small sample that still covers every shared run of k + w - 1 tokens
// (Schleimer, Wilkerson and Aiken, "Winnowing", SIGMOD 2003).

/** Tokens per k-gram: short enough to survive scattered edits, long enough to mean something. */
export const K = 10;
/** Winnowing window: any shared run of K + W - 1 = 15 tokens yields a shared fingerprint. */
export const W = 6;

/** FNV-1a of a string, as an unsigned 32-bit token id. */
export function tokenId(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A file's fingerprints: its winnowed k-gram hashes (see winnowPositions) sorted, without repeats. */
export function fingerprintsOf(hashes: Uint32Array): Uint32Array {
  const sorted = hashes.slice().sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i];
  return sorted.slice(0, n);
}

/**
 * The winnowed k-grams in token order: each picked k-gram's hash and the index
 * of its first token, once per position (a hash picked at two places counts
 * twice, so repetitive code keeps its length).
 */
export function winnowPositions(ids: Uint32Array, k = K, w = W): { hashes: Uint32Array; positions: Uint32Array } {
  const count = ids.length - k + 1;
  if (count <= 0) return { hashes: new Uint32Array(0), positions: new Uint32Array(0) };
  const grams = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    let h = 0x811c9dc5;
    for (let j = 0; j < k; j++) h = Math.imul(h ^ ids[i + j], 0x01000193);
    grams[i] = h >>> 0;
  }
  const picked = new Uint32Array(count);
  let n = 0;
  if (count <= w) {
    let min = 0;
    for (let i = 1; i < count; i++) if (grams[i] <= grams[min]) min = i;
    picked[n++] = min;
  } else {
    // The rightmost minimum of each window, as the paper's robust winnowing does: a queue of the
    // window's k-grams that no later one undercuts, values rising from its head, so its head is
    // the minimum and an equal later k-gram replaces an earlier one.
    const queue = new Int32Array(count);
    let head = 0;
    let tail = 0;
    for (let i = 0; i < count; i++) {
      while (tail > head && grams[queue[tail - 1]] >= grams[i]) tail--;
      queue[tail++] = i;
      const start = i - w + 1;
      if (start < 0) continue;
      while (queue[head] < start) head++;
      const min = queue[head];
      if (n === 0 || picked[n - 1] !== min) picked[n++] = min;
    }
  }
  const positions = picked.slice(0, n);
  const hashes = new Uint32Array(n);
  for (let i = 0; i < n; i++) hashes[i] = grams[positions[i]];
  return { hashes, positions };
}

/** Dice similarity of two sorted fingerprint sets: 2|A∩B| / (|A| + |B|). */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  if (a.length + b.length === 0) return 0;
  return (2 * sharedCount(a, b)) / (a.length + b.length);
}

/** How many hashes two sorted lists share; with repeats, Σ min(count in a, count in b), the shared part of two multisets. */
export function sharedCount(a: Uint32Array, b: Uint32Array): number {
  let shared = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return shared;
}

