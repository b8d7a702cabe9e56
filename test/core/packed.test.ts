// Facts travel between threads and into the cache with their items in columns: read back, they are the
// facts that were sent, key for key; facts whose items have another shape travel as they are.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deserializeFacts, serializeFacts } from '../../server/src/core/source/cache';
import { packFacts } from '../../server/src/core/source/packed';
import { RustParser } from '../../server/src/core/source/rust';
import type { SourceFacts } from '../../server/src/core/source/rust';
import { repoRoot } from '../support/fixture';

function rustFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.rs'))
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
}

describe('facts in columns', () => {
  let parser: RustParser;
  before(async () => {
    parser = await RustParser.load();
  });

  it('reads back every file of the demo and of the test fixtures as it was, keys in the same order', () => {
    const files = [...rustFiles(path.join(repoRoot, 'demo')), ...rustFiles(path.join(repoRoot, 'test'))];
    assert.ok(files.length > 40, `${files.length} files`);
    let items = 0;
    for (const file of files) {
      for (const nearMiss of [true, false]) {
        const facts = parser.analyze(fs.readFileSync(file), 'demo_lib', nearMiss);
        items += facts.items.length;
        assert.ok('packedItems' in packFacts(facts), `${file}: its items go in columns`);
        const back = deserializeFacts(serializeFacts(facts));
        assert.deepEqual(back, facts, file);
        assert.deepEqual(Object.keys(back!), Object.keys(facts), file);
        back!.items.forEach((item, i) => assert.deepEqual(Object.keys(item), Object.keys(facts.items[i]), `${file} item ${i}`));
      }
    }
    assert.ok(items > 200, `${items} items`);
  });

  it('sends facts as they are when an item has a key readItem does not give, or a number a column cannot hold', () => {
    const facts = parser.analyze(fs.readFileSync(rustFiles(path.join(repoRoot, 'demo'))[0]), 'demo_lib');
    assert.ok(facts.items.length > 0);
    const odd: SourceFacts[] = [
      { ...facts, items: [{ ...facts.items[0], extra: 1 } as never, ...facts.items.slice(1)] },
      { ...facts, items: [{ ...facts.items[0], lines: 2 ** 40 }, ...facts.items.slice(1)] },
      { ...facts, items: [{ ...facts.items[0], parent: -1 }, ...facts.items.slice(1)] },
    ];
    for (const f of odd) {
      assert.equal('packedItems' in packFacts(f), false);
      assert.deepEqual(deserializeFacts(serializeFacts(f)), f);
    }
  });
});
