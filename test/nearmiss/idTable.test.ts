// The near-miss analysis's id tables answer as the Maps they replace would, through growth and removal.
import * as assert from 'node:assert/strict';
import { IdCounts, IdPostings } from '../../server/src/core/clones/idTable';
import { seededRandom } from '../support/random';

describe('near-miss id tables', () => {
  // Few distinct keys collide often; the edges of the 32-bit range and keys equal in their low bits probe the hash.
  const keyPools = [
    Array.from({ length: 50 }, (_, i) => i),
    [0, 1, 0xffffffff, 0x80000000, 0x7fffffff, ...Array.from({ length: 40 }, (_, i) => (i << 20) >>> 0)],
    Array.from({ length: 20_000 }, (_, i) => Math.imul(i + 1, 2654435761) >>> 0),
  ];

  keyPools.forEach((pool, p) => {
    it(`counts ids as a Map of counts would (pool ${p})`, () => {
      const next = seededRandom(p + 1);
      const table = new IdCounts();
      const expected = new Map<number, number>();
      for (let step = 0; step < 40_000; step++) {
        const ids = Uint32Array.from({ length: 1 + Math.floor(next() * 8) }, () => pool[Math.floor(next() * pool.length)]);
        const counted = [...ids].filter((id) => (expected.get(id) ?? 0) > 0);
        // A file is counted out only after it was counted in, as the analysis does.
        const by = next() < 0.3 && counted.length === ids.length ? -1 : 1;
        table.add(ids, by);
        for (const id of ids) expected.set(id, (expected.get(id) ?? 0) + by);
      }
      for (const id of pool) assert.equal(table.get(id), expected.get(id) ?? 0, `id ${id}`);
      assert.equal(table.get(123456789), 0);
    });

    it(`keeps each id's slots in the order they came (pool ${p})`, () => {
      const next = seededRandom(100 + p);
      const table = new IdPostings();
      const expected = new Map<number, number[]>();
      for (let step = 0; step < 40_000; step++) {
        const id = pool[Math.floor(next() * pool.length)];
        const slot = Math.floor(next() * 30);
        const list = expected.get(id) ?? [];
        if (next() < 0.4 && list.length > 0) {
          const gone = list[Math.floor(next() * list.length)];
          table.remove(id, gone);
          expected.set(id, list.filter((s) => s !== gone));
        } else {
          table.add(id, slot);
          expected.set(id, [...list, slot]);
        }
      }
      for (const id of pool) assert.deepEqual([...table.get(id)], expected.get(id) ?? [], `id ${id}`);
      assert.deepEqual([...table.get(123456789)], []);
      table.remove(123456789, 1);
    });
  });
});
