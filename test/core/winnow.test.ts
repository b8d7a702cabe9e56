// Winnowing picks the rightmost minimum of every window, as the paper's robust winnowing does: the
// one-pass queue must pick what a scan of each window picks, ties and short inputs included.
import * as assert from 'node:assert/strict';
import { K, W, winnowPositions } from '../../server/src/core/source/winnow';

/** The definition: each window scanned whole, its rightmost minimum taken once per position. */
function scanned(ids: Uint32Array, k = K, w = W): { hashes: number[]; positions: number[] } {
  const grams: number[] = [];
  for (let i = 0; i + k <= ids.length; i++) {
    let h = 0x811c9dc5;
    for (let j = 0; j < k; j++) h = Math.imul(h ^ ids[i + j], 0x01000193);
    grams.push(h >>> 0);
  }
  const positions: number[] = [];
  const windows = Math.max(1, grams.length - w + 1);
  for (let start = 0; start < windows && grams.length > 0; start++) {
    let min = start;
    for (let i = start + 1; i < Math.min(start + w, grams.length); i++) if (grams[i] <= grams[min]) min = i;
    if (positions[positions.length - 1] !== min) positions.push(min);
  }
  return { hashes: positions.map((p) => grams[p]), positions };
}

describe('winnowing', () => {
  it('picks what a scan of each window picks, on token streams with many repeats and on short ones', () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    let compared = 0;
    for (let round = 0; round < 3000; round++) {
      const length = next() % 80;
      // Two to four distinct tokens repeat k-grams, so windows often hold equal minima.
      const alphabet = round % 2 === 0 ? 2 + (next() % 3) : 1000;
      const ids = Uint32Array.from({ length }, () => next() % alphabet);
      const got = winnowPositions(ids);
      const want = scanned(ids);
      assert.deepEqual([...got.positions], want.positions, `tokens ${[...ids]}`);
      assert.deepEqual([...got.hashes], want.hashes);
      compared += want.positions.length;
    }
    assert.ok(compared > 10_000, `only ${compared} positions compared`);
  });
});
